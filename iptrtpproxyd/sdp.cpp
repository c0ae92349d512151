// SPDX-License-Identifier: GPL-2.0
// The SDP parser and rewriter (sdp.hpp).
#include "sdp.hpp"

#include <arpa/inet.h>

#include <algorithm>
#include <array>
#include <utility>

namespace rtpproxyd::sdp {

std::string_view family_name(Family family) { return family == Family::ip6 ? "IP6" : "IP4"; }

std::optional<Family> family_from_name(std::string_view name) {
    if (name == "IP4") return Family::ip4;
    if (name == "IP6") return Family::ip6;
    return std::nullopt;
}

namespace {

// inet_pton's view of address, or nullopt. Bounded and NUL-free first: inet_pton reads a C
// string, and "1.2.3.4\0junk" must not pass for 1.2.3.4.
std::optional<std::array<unsigned char, 16>> numeric_address(Family family,
                                                             std::string_view address) {
    if (address.empty() || address.size() > 45 || address.find('\0') != std::string_view::npos)
        return std::nullopt;
    const std::string c_string(address);
    std::array<unsigned char, 16> bytes{};
    if (inet_pton(family == Family::ip6 ? AF_INET6 : AF_INET, c_string.c_str(), bytes.data()) != 1)
        return std::nullopt;
    return bytes;
}

}  // namespace

bool is_numeric_address(Family family, std::string_view address) {
    return numeric_address(family, address).has_value();
}

std::string ParseError::message() const {
    return line == 0 ? reason : reason + " (line " + std::to_string(line) + ")";
}

const Connection* Session::connection_of(std::size_t i) const noexcept {
    if (i >= media.size()) return nullptr;
    if (media[i].connection) return &*media[i].connection;
    return connection ? &*connection : nullptr;
}

Direction Session::direction_of(std::size_t i) const noexcept {
    if (i < media.size() && media[i].direction) return *media[i].direction;
    return direction.value_or(Direction::sendrecv);
}

bool Session::held(std::size_t i) const noexcept {
    const Connection* c = connection_of(i);
    return c && c->zero;
}

std::string_view Session::line_ending() const noexcept {
    if (lines.empty() || lines.front().eol == 0) return "\r\n";
    return std::string_view(text).substr(lines.front().begin + lines.front().length,
                                         lines.front().eol);
}

namespace {

// A field of a line: where it is in the text, and what it says.
struct Token {
    std::size_t begin = 0;
    std::string_view text;
};

// The space-separated fields of value (which starts at offset begin of the text). Runs of
// spaces count as one separator: RFC 8866 says one space, but a relay that refuses an extra
// blank refuses calls, and the fields are all we read.
std::vector<Token> split_fields(std::string_view value, std::size_t begin) {
    std::vector<Token> fields;
    std::size_t i = 0;
    while (i < value.size()) {
        if (value[i] == ' ') {
            ++i;
            continue;
        }
        const std::size_t start = i;
        while (i < value.size() && value[i] != ' ') ++i;
        fields.push_back({begin + start, value.substr(start, i - start)});
    }
    return fields;
}

bool all_digits(std::string_view s) {
    return !s.empty() &&
           std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

// 0..max in decimal, at most 5 digits.
std::optional<unsigned> small_number(std::string_view s, unsigned max) {
    if (!all_digits(s) || s.size() > 5) return std::nullopt;
    unsigned n = 0;
    for (const char c : s) n = n * 10 + static_cast<unsigned>(c - '0');
    if (n > max) return std::nullopt;
    return n;
}

std::optional<Direction> direction_attribute(std::string_view name) {
    if (name == "sendrecv") return Direction::sendrecv;
    if (name == "sendonly") return Direction::sendonly;
    if (name == "recvonly") return Direction::recvonly;
    if (name == "inactive") return Direction::inactive;
    return std::nullopt;
}

// The attributes of ICE (RFC 8839) and ICE-lite, which ICE=remove strips.
bool is_ice_attribute(std::string_view name) {
    static constexpr std::string_view kIce[] = {
        "candidate",         "ice-ufrag",         "ice-pwd",  "ice-options",
        "end-of-candidates", "remote-candidates", "ice-lite", "ice-mismatch",
    };
    return std::find(std::begin(kIce), std::end(kIce), name) != std::end(kIce);
}

// "a=<name>[:<value>]": the name.
std::string_view attribute_name(std::string_view value) { return value.substr(0, value.find(':')); }

class Parser {
  public:
    Parser(std::string_view text, const Limits& limits) : input_(text), limits_(limits) {}

    ParseResult run() {
        ParseResult result;
        if (!split_lines() || !parse_lines() || !check_connections()) {
            result.error = error_;
            return result;
        }
        result.session = std::move(session_);
        return result;
    }

  private:
    bool fail(std::size_t line_index, std::string reason) {
        error_ = {line_index + 1, std::move(reason)};
        return false;
    }
    bool fail_whole(std::string reason) {
        error_ = {0, std::move(reason)};
        return false;
    }

    std::string_view content(std::size_t index) const {
        const Line& line = session_.lines[index];
        return std::string_view(session_.text).substr(line.begin, line.length);
    }

    bool split_lines() {
        if (input_.size() > limits_.max_bytes)
            return fail_whole("SDP of " + std::to_string(input_.size()) + " bytes, more than " +
                              std::to_string(limits_.max_bytes));
        if (input_.empty()) return fail_whole("empty SDP");
        session_.text.assign(input_);
        const std::string_view text = session_.text;
        std::size_t pos = 0;
        while (pos < text.size()) {
            if (session_.lines.size() == limits_.max_lines)
                return fail_whole("SDP of more than " + std::to_string(limits_.max_lines) +
                                  " lines");
            const std::size_t newline = text.find('\n', pos);
            Line line;
            line.begin = pos;
            const std::size_t end = newline == std::string_view::npos ? text.size() : newline;
            line.length = end - pos;
            if (newline != std::string_view::npos) {
                line.eol = 1;
                if (line.length > 0 && text[end - 1] == '\r') {
                    --line.length;
                    line.eol = 2;
                }
            }
            const std::string_view body = text.substr(line.begin, line.length);
            const std::size_t index = session_.lines.size();
            session_.lines.push_back(line);
            if (body.find('\r') != std::string_view::npos)
                return fail(index, "carriage return without a line feed");
            if (body.find('\0') != std::string_view::npos) return fail(index, "NUL byte");
            pos = newline == std::string_view::npos ? text.size() : newline + 1;
        }
        return true;
    }

    bool parse_lines() {
        auto& lines = session_.lines;
        // Blank lines are tolerated at the very end only (some stacks add an empty line).
        std::size_t content_lines = lines.size();
        while (content_lines > 0 && lines[content_lines - 1].length == 0) --content_lines;
        if (content_lines == 0) return fail_whole("SDP without lines");
        for (std::size_t i = 0; i < content_lines; ++i) {
            const std::string_view line = content(i);
            if (line.empty()) return fail(i, "empty line");
            if (line.size() < 2 || line[0] < 'a' || line[0] > 'z' || line[1] != '=')
                return fail(i, "line is not <letter>=<value>");
            lines[i].type = line[0];
            if (i == 0 && line[0] != 'v') return fail(i, "SDP does not start with v=");
            if (i > 0 && line[0] == 'v') return fail(i, "v= after the first line");
            if (line[0] == 'm') {
                if (session_.media.size() == limits_.max_media)
                    return fail(
                        i, "more than " + std::to_string(limits_.max_media) + " media sections");
                if (!session_.media.empty()) session_.media.back().end_line = i;
                session_.media.emplace_back();
            }
            lines[i].media =
                session_.media.empty() ? Line::kSessionLevel : session_.media.size() - 1;
            if (!parse_line(i)) return false;
        }
        if (!session_.media.empty()) session_.media.back().end_line = content_lines;
        return true;
    }

    bool parse_line(std::size_t i) {
        const std::string_view value = content(i).substr(2);
        const std::size_t value_begin = session_.lines[i].begin + 2;
        Media* media = session_.media.empty() ? nullptr : &session_.media.back();
        switch (session_.lines[i].type) {
            case 'o':
                if (media) return fail(i, "o= inside a media section");
                if (session_.origin) return fail(i, "second o= line");
                return parse_origin(i, value, value_begin);
            case 'c': {
                auto& slot = media ? media->connection : session_.connection;
                if (slot) return fail(i, "second c= line at the same level");
                if (!parse_connection(i, split_fields(value, value_begin), 0, slot)) return false;
                (media ? media->c_line : session_.c_line) = i;
                return true;
            }
            case 'm':
                return parse_media(i, value, value_begin, *media);
            case 'a':
                return parse_attribute(i, value, value_begin, media);
            default:
                return true;
        }
    }

    // "IN <family> <address>" from fields[first]: exactly three fields.
    bool parse_connection(std::size_t i, const std::vector<Token>& fields, std::size_t first,
                          std::optional<Connection>& out) {
        if (fields.size() != first + 3) return fail(i, "connection needs IN <family> <address>");
        if (fields[first].text != "IN") return fail(i, "unknown network type (not IN)");
        const auto family = family_from_name(fields[first + 1].text);
        if (!family) return fail(i, "unknown address family (not IP4 or IP6)");
        Connection c;
        c.family = *family;
        const std::string_view address = fields[first + 2].text;
        const std::size_t slash = address.find('/');
        c.address.assign(address.substr(0, slash));
        if (slash != std::string_view::npos) c.suffix.assign(address.substr(slash));
        if (c.address.empty()) return fail(i, "empty address");
        const auto bytes = numeric_address(c.family, c.address);
        c.numeric = bytes.has_value();
        c.zero = bytes &&
                 std::all_of(bytes->begin(), bytes->end(), [](unsigned char b) { return b == 0; });
        out = std::move(c);
        return true;
    }

    bool parse_origin(std::size_t i, std::string_view value, std::size_t value_begin) {
        const auto fields = split_fields(value, value_begin);
        if (fields.size() != 6)
            return fail(i, "o= needs <username> <sess-id> <sess-version> IN <family> <address>");
        std::optional<Connection> c;
        if (!parse_connection(i, fields, 3, c)) return false;
        Origin origin;
        origin.username.assign(fields[0].text);
        origin.session_id.assign(fields[1].text);
        origin.session_version.assign(fields[2].text);
        origin.family = c->family;
        origin.address.assign(fields[5].text);
        session_.origin = std::move(origin);
        session_.o_line = i;
        session_.o_family_begin = fields[4].begin;
        return true;
    }

    bool parse_media(std::size_t i, std::string_view value, std::size_t value_begin, Media& media) {
        const auto fields = split_fields(value, value_begin);
        if (fields.size() < 4) return fail(i, "m= needs <media> <port> <proto> <format>...");
        media.m_line = i;
        media.type.assign(fields[0].text);
        const std::string_view port_field = fields[1].text;
        const std::size_t slash = port_field.find('/');
        const auto port = small_number(port_field.substr(0, slash), 65535);
        if (!port) return fail(i, "m= port is not a number from 0 to 65535");
        media.port = static_cast<std::uint16_t>(*port);
        media.port_begin = fields[1].begin;
        media.port_length = std::min(slash, port_field.size());
        if (slash != std::string_view::npos) {
            const auto count = small_number(port_field.substr(slash + 1), 65535);
            if (!count || *count == 0) return fail(i, "m= port count is not a number from 1");
            media.port_count = *count;
        }
        media.proto.assign(fields[2].text);
        for (std::size_t f = 3; f < fields.size(); ++f) media.formats.emplace_back(fields[f].text);
        return true;
    }

    bool parse_attribute(std::size_t i, std::string_view value, std::size_t value_begin,
                         Media* media) {
        const std::string_view name = attribute_name(value);
        if (is_ice_attribute(name)) {
            (media ? media->ice : session_.ice) = true;
            return true;
        }
        if (const auto direction = direction_attribute(name); direction && name == value) {
            (media ? media->direction : session_.direction) = direction;
            return true;
        }
        if (!media) return true;
        if (value == "rtcp-mux") media->rtcp_mux = true;
        if (name != "rtcp") return true;
        if (name.size() == value.size()) return fail(i, "a=rtcp without a port");
        const auto fields =
            split_fields(value.substr(name.size() + 1), value_begin + name.size() + 1);
        if (fields.size() != 1 && fields.size() != 4)
            return fail(i, "a=rtcp needs <port> [IN <family> <address>]");
        const auto port = small_number(fields[0].text, 65535);
        if (!port) return fail(i, "a=rtcp port is not a number from 0 to 65535");
        RtcpAttribute rtcp;
        rtcp.port = static_cast<std::uint16_t>(*port);
        if (fields.size() == 4 && !parse_connection(i, fields, 1, rtcp.connection)) return false;
        if (!media->rtcp) media->rtcp = std::move(rtcp);
        media->rtcp_lines.push_back(i);
        return true;
    }

    // RFC 8866 section 5.7: c= at session level or in every media section. A rejected section
    // carries no media and needs none.
    bool check_connections() {
        for (std::size_t m = 0; m < session_.media.size(); ++m)
            if (!session_.media[m].rejected() && !session_.connection_of(m))
                return fail(session_.media[m].m_line,
                            "media section without c= and no session-level c=");
        return true;
    }

    std::string_view input_;
    const Limits& limits_;
    Session session_;
    ParseError error_;
};

// The text of a c= line for a connection.
std::string connection_line(Family family, std::string_view address) {
    std::string line = "c=IN ";
    line += family_name(family);
    line += ' ';
    line += address;
    return line;
}

std::string rtcp_line(std::uint16_t port, const Family* family, std::string_view address) {
    std::string line = "a=rtcp:" + std::to_string(port);
    if (family) {
        line += " IN ";
        line += family_name(*family);
        line += ' ';
        line += address;
    }
    return line;
}

// The relayed endpoint of each plan, checked against its section.
std::string check_plans(const Session& session, const std::vector<MediaPlan>& plans) {
    if (plans.size() != session.media.size())
        return std::to_string(plans.size()) + " media plans for " +
               std::to_string(session.media.size()) + " media sections";
    for (std::size_t m = 0; m < plans.size(); ++m) {
        const std::string which = "media section " + std::to_string(m + 1);
        if (plans[m].action != MediaPlan::Action::relay) continue;
        const Endpoint& e = plans[m].endpoint;
        if (session.media[m].rejected())
            return which + " is rejected (port 0) and cannot be relayed";
        if (!is_numeric_address(e.family, e.address))
            return which + ": relay address '" + e.address + "' is not a numeric " +
                   std::string(family_name(e.family)) + " address";
        if (e.port == 0) return which + ": relay port 0";
        if (!e.rtcp_port && e.port == 65535) return which + ": no port after 65535 for RTCP";
    }
    return {};
}

}  // namespace

ParseResult parse(std::string_view text, const Limits& limits) {
    return Parser(text, limits).run();
}

RewriteResult rewrite(const Session& session, const std::vector<MediaPlan>& plans,
                      const RewriteOptions& options) {
    RewriteResult result;
    result.error = check_plans(session, plans);
    if (!result.error.empty()) return result;

    const std::string_view text = session.text;
    const std::size_t n = session.lines.size();
    std::vector<std::optional<std::string>> replacement(n);
    std::vector<bool> drop(n, false);
    std::vector<std::vector<std::string>> insert_after(n);
    auto original = [&](std::size_t i) {
        return text.substr(session.lines[i].begin, session.lines[i].length);
    };

    // The session-level lines get the address of the first relayed section.
    const Endpoint* first = nullptr;
    for (const MediaPlan& plan : plans)
        if (plan.action == MediaPlan::Action::relay) {
            first = &plan.endpoint;
            break;
        }
    const bool session_c_replaced = first && session.c_line && !session.connection->zero;
    if (session_c_replaced)
        replacement[*session.c_line] = connection_line(first->family, first->address);
    if (first && options.replace_origin && session.o_line) {
        const std::size_t begin = session.lines[*session.o_line].begin;
        std::string line(text.substr(begin, session.o_family_begin - begin));
        line += family_name(first->family);
        line += ' ';
        line += first->address;
        replacement[*session.o_line] = std::move(line);
    }

    for (std::size_t m = 0; m < plans.size(); ++m) {
        const Media& media = session.media[m];
        const MediaPlan& plan = plans[m];
        auto set_port = [&](std::uint16_t port) {
            const std::size_t begin = session.lines[media.m_line].begin;
            std::string line(text.substr(begin, media.port_begin - begin));
            line += std::to_string(port);
            const std::size_t after = media.port_begin + media.port_length;
            line += text.substr(after, begin + session.lines[media.m_line].length - after);
            replacement[media.m_line] = std::move(line);
        };
        // A media-level c= goes after m= and i= (RFC 8866 section 5's order).
        std::size_t c_position = media.m_line;
        while (c_position + 1 < media.end_line && session.lines[c_position + 1].type == 'i')
            ++c_position;

        if (plan.action == MediaPlan::Action::reject) {
            set_port(0);
            continue;
        }
        if (plan.action == MediaPlan::Action::keep) {
            // It must not start pointing at the relay because the session-level c= did.
            if (!media.rejected() && !media.connection && session_c_replaced)
                insert_after[c_position].push_back(std::string(original(*session.c_line)));
            continue;
        }

        const Endpoint& e = plan.endpoint;
        set_port(e.port);
        const Connection* c = session.connection_of(m);
        if (!c) return {std::nullopt, "media section " + std::to_string(m + 1) + " has no c="};
        const bool held = c->zero;
        if (media.connection) {
            if (!held) replacement[*media.c_line] = connection_line(e.family, e.address);
        } else if (!held && (first->family != e.family || first->address != e.address)) {
            insert_after[c_position].push_back(connection_line(e.family, e.address));
        }
        // The long form of a=rtcp names the address of the stream: the relay's, or the zero
        // address of a hold.
        const Family rtcp_family = held ? c->family : e.family;
        const std::string_view rtcp_address = held ? std::string_view(c->address) : e.address;
        const std::uint16_t rtcp_port =
            e.rtcp_port ? *e.rtcp_port : static_cast<std::uint16_t>(e.port + 1);
        for (const std::size_t line : media.rtcp_lines) {
            // The fields after "a=rtcp:", as parse() reads them: a blank after the colon
            // does not make the short form long.
            const bool long_form =
                split_fields(original(line).substr(std::string_view("a=rtcp:").size()), 0).size() >
                1;
            replacement[line] =
                rtcp_line(rtcp_port, long_form ? &rtcp_family : nullptr, rtcp_address);
        }
        if (media.rtcp_lines.empty() && options.add_rtcp_attribute)
            insert_after[media.end_line - 1].push_back(rtcp_line(rtcp_port, nullptr, {}));
    }

    if (options.strip_ice)
        for (std::size_t i = 0; i < n; ++i)
            if (session.lines[i].type == 'a' &&
                is_ice_attribute(attribute_name(original(i).substr(2))))
                drop[i] = true;

    // Copy, line by line. Only the last line can lack a line ending; if anything follows it,
    // it gets the first line's.
    const std::string_view eol = session.line_ending();
    std::string out;
    out.reserve(text.size() + 256);
    bool open_line = false;
    auto emit = [&](std::string_view line, std::string_view ending) {
        if (open_line) out += eol;
        out += line;
        out += ending;
        open_line = ending.empty();
    };
    for (std::size_t i = 0; i < n; ++i) {
        const Line& line = session.lines[i];
        if (!drop[i])
            emit(replacement[i] ? std::string_view(*replacement[i]) : original(i),
                 text.substr(line.begin + line.length, line.eol));
        for (const std::string& added : insert_after[i]) emit(added, eol);
    }
    result.sdp = std::move(out);
    return result;
}

RewriteResult relay_every_media(std::string_view text, Family family, std::string_view address,
                                std::uint16_t first_port, const RewriteOptions& options,
                                const Limits& limits) {
    ParseResult parsed = parse(text, limits);
    if (!parsed) return {std::nullopt, parsed.error.message()};
    std::vector<MediaPlan> plans;
    unsigned port = first_port;
    for (const Media& media : parsed.session->media) {
        if (media.rejected()) {
            plans.push_back(MediaPlan::keep());
        } else if (port > 65534) {
            plans.push_back(MediaPlan::reject());
        } else {
            Endpoint e;
            e.family = family;
            e.address.assign(address);
            e.port = static_cast<std::uint16_t>(port);
            plans.push_back(MediaPlan::relay_to(std::move(e)));
            port += 2;
        }
    }
    return rewrite(*parsed.session, plans, options);
}

}  // namespace rtpproxyd::sdp

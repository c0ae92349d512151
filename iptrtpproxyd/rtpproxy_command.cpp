// SPDX-License-Identifier: GPL-2.0
// Parsing of rtpproxy commands and formatting of their replies (rtpproxy_command.hpp).
#include "rtpproxy_command.hpp"

#include <arpa/inet.h>

#include <iterator>
#include <limits>

namespace rtpproxyd {

namespace {

struct ErrorEntry {
    Error error;
    unsigned code;
    std::string_view meaning;
};

// Error -> E<n>, sippy's numbering (rtpp_command_ecodes.h), which Kamailio and OpenSIPS only
// log. "(daemon)": the parser never returns it; the daemon does, once it knows its interfaces,
// ports and sessions. Beware: OpenSIPS still reads E7..E10 with rtpproxy 1.x's meaning
// (listener failure, session not found) and disables the node; the parser returns them only
// for modifiers OpenSIPS never sends.
constexpr ErrorEntry kErrors[] = {
    // E0: the first letter is no command.
    {Error::unknown_command, 0, "unknown command"},
    // E1: too few or too many arguments for the command.
    {Error::argument_count, 1, "wrong number of arguments"},
    // E2: modifiers on a command that takes none (S, V, VF, X).
    {Error::modifiers_not_allowed, 2, "modifiers not allowed for this command"},
    // E3: a "&&" subcommand; 20191015 is never announced, so none is supported.
    {Error::subcommand_not_allowed, 3, "subcommand not allowed"},
    // E5: no command at all, a NUL inside a token, too many tokens, an empty subcommand.
    {Error::syntax, 5, "command syntax error"},
    // E5 too: sippy's reads stop at its buffer, the parser at kMaxCommandBytes.
    {Error::too_long, 5, "command too long"},
    // E6: R with p (only C takes it), N with anything after its a.
    {Error::modifier_not_allowed_here, 6, "modifier not allowed here"},
    // E7: a modifier other than s and p on R or C, or other than a on N.
    {Error::record_modifier, 7, "unknown record/copy/norecord modifier"},
    // E8: a modifier other than w on D.
    {Error::delete_modifier, 8, "unknown delete modifier"},
    // E9: a modifier other than v on G.
    {Error::stats_modifier, 9, "unknown statistics modifier"},
    // E10: a '%' of the notify tag not followed by two hex digits.
    {Error::notify_tag_encoding, 10, "invalid URL encoding of the notify tag"},
    // E11: E without bridge mode (daemon), or a third I/E.
    {Error::external_without_bridge, 11, "E modifier without a second interface"},
    // E12: I without bridge mode (daemon), or a third I/E.
    {Error::internal_without_bridge, 12, "I modifier without a second interface"},
    // E13: Z without digits, or outside 1..999 ms.
    {Error::ptime, 13, "bad Z (ptime) modifier"},
    // E14: c without payload types, a second c, or a payload type above 127.
    {Error::codecs, 14, "bad codec list"},
    // E15: L not followed by a dotted IPv4 address or a bracketed IPv6 one.
    {Error::local_address_syntax, 15, "bad L modifier address syntax"},
    // E16: R not followed by a dotted IPv4 address or a bracketed IPv6 one.
    {Error::route_address_syntax, 16, "bad R modifier address syntax"},
    // E17: the count of P is not a number.
    {Error::play_count, 17, "bad play count"},
    // E18: a modifier other than b and l on I.
    {Error::info_modifier, 18, "unknown info modifier"},
    // E19: a modifier other than v on Q.
    {Error::query_modifier, 19, "unknown query modifier"},
    // E25 (daemon): the reply does not fit the client's buffer (Kamailio's is 256 bytes).
    {Error::reply_too_big, 25, "reply too big"},
    // E31: L<addr> is no address (parser) or none of ours (daemon).
    {Error::local_address, 31, "invalid local address"},
    // E32: R<addr> is no address.
    {Error::route_address, 32, "invalid remote address in R modifier"},
    // E33 (daemon): no local address routes to R<addr>.
    {Error::no_route, 33, "no local address for the R modifier's address"},
    // E34 (daemon): the address that routes to R<addr> is not one the relay listens on.
    {Error::route_not_local, 34, "local address for the R modifier not usable"},
    // E35: a U/L modifier letter sippy does not know either.
    {Error::unknown_modifier, 35, "unknown modifier"},
    // E36 (daemon): no local address of the stream's family.
    {Error::no_local_address_for_family, 36, "no local address of that family"},
    // E37: the remote address or port is not numeric, or the port is above 65535.
    {Error::remote_address, 37, "bad remote address or port"},
    // E50 (daemon): no session for these call-id and tags. L answers 0 instead.
    {Error::session_not_found, 50, "session not found"},
    // E60 (daemon): P failed; a kernel relay cannot play prompts.
    {Error::play_failed, 60, "play failed"},
    // E62 (daemon): Q failed, e.g. an unknown statistic.
    {Error::query_failed, 62, "query failed"},
    // E65 (daemon): C failed.
    {Error::copy_failed, 65, "copy failed"},
    // E68 (daemon): G failed, e.g. an unknown statistic.
    {Error::stats_failed, 68, "statistics failed"},
    // E71 (daemon): no port pair free, or the kernel refused the session.
    {Error::no_ports, 71, "cannot create listener"},
    // E75 (daemon): U carries a notify socket but notifications are not enabled.
    {Error::notify_disabled, 75, "notification not enabled"},
    // E81 (daemon or parser): out of memory.
    {Error::out_of_memory, 81, "out of memory"},
    // E98 (daemon): overloaded.
    {Error::overload, 98, "overload"},
    // E99 (daemon): shutting down.
    {Error::shutting_down, 99, "shutting down"},
};

constexpr bool errors_in_enum_order() {
    for (std::size_t i = 0; i < std::size(kErrors); ++i)
        if (static_cast<std::size_t>(kErrors[i].error) != i) return false;
    return true;
}
static_assert(errors_in_enum_order(), "kErrors must list Error's values in order");
static_assert(std::size(kErrors) == static_cast<std::size_t>(Error::shutting_down) + 1,
              "every Error needs a code");

const ErrorEntry& entry(Error error) {
    const auto i = static_cast<std::size_t>(error);
    return kErrors[i < std::size(kErrors) ? i : static_cast<std::size_t>(Error::syntax)];
}

constexpr bool features_known() {
    for (const FeatureInfo& f : kKnownFeatures)
        if (f.date.size() != 8 || f.meaning.empty()) return false;
    return true;
}
static_assert(features_known(), "kKnownFeatures holds 8-digit dates with a meaning");
static_assert(kKnownFeatures.size() <= 32, "FeatureSet keeps one bit per feature");

// Byte classes in ASCII only: <cctype> depends on the locale and is undefined for negative
// chars.
bool is_separator(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; }
bool is_digit(char c) { return c >= '0' && c <= '9'; }
bool is_hex(char c) { return is_digit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F'); }
char lower(char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; }
unsigned hex_value(char c) {
    if (is_digit(c)) return static_cast<unsigned>(c - '0');
    return static_cast<unsigned>(lower(c) - 'a' + 10);
}

// Decimal digits only (no sign, no blank) with a value up to max; any number of leading
// zeros.
std::optional<std::uint32_t> parse_decimal(std::string_view text, std::uint32_t max) {
    if (text.empty()) return std::nullopt;
    std::uint64_t value = 0;
    for (const char c : text) {
        if (!is_digit(c)) return std::nullopt;
        value = value * 10 + static_cast<unsigned>(c - '0');
        if (value > max) return std::nullopt;
    }
    return static_cast<std::uint32_t>(value);
}

// The length of the run of text[from..] made of the bytes accept() takes.
template <typename Accept>
std::size_t run_length(std::string_view text, std::size_t from, Accept accept) {
    std::size_t end = from;
    while (end < text.size() && accept(text[end])) ++end;
    return end - from;
}

Tag parse_tag(std::string_view token) {
    const auto semi = token.rfind(';');
    if (semi != std::string_view::npos) {
        const auto index = token.substr(semi + 1);
        if (index.size() <= 9)
            if (const auto media = parse_decimal(index, 999'999'999))
                return Tag{std::string(token.substr(0, semi)), media};
    }
    return Tag{std::string(token), std::nullopt};
}

// %XX is the byte XX; a '%' without two hex digits is an error (sippy's url_unquote).
std::optional<std::string> url_unquote(std::string_view text) {
    std::string out;
    out.reserve(text.size());
    for (std::size_t i = 0; i < text.size(); ++i) {
        if (text[i] != '%') {
            out += text[i];
            continue;
        }
        if (i + 2 >= text.size()) return std::nullopt;
        if (!is_hex(text[i + 1]) || !is_hex(text[i + 2])) return std::nullopt;
        out += static_cast<char>(hex_value(text[i + 1]) << 4 | hex_value(text[i + 2]));
        i += 2;
    }
    return out;
}

// The address after an L or R modifier, as sippy's extractaddr() finds it: digits and dots
// for IPv4, hex digits and colons between brackets for IPv6. Moves pos past it.
std::optional<std::string_view> modifier_address(std::string_view mods, std::size_t& pos) {
    if (pos < mods.size() && mods[pos] == '[') {
        const auto length = run_length(mods, pos + 1, [](char c) { return is_hex(c) || c == ':'; });
        const std::size_t close = pos + 1 + length;
        if (length == 0 || close >= mods.size() || mods[close] != ']') return std::nullopt;
        const auto address = mods.substr(pos + 1, length);
        pos = close + 1;
        return address;
    }
    const auto length = run_length(mods, pos, [](char c) { return is_digit(c) || c == '.'; });
    if (length == 0) return std::nullopt;
    const auto address = mods.substr(pos, length);
    pos += length;
    return address;
}

// c<pt,pt,...>: digits and commas, up to the first other byte. Empty elements are skipped:
// the list is ignored anyway, and a stray comma is no reason to fail a call.
std::optional<Error> parse_codecs(std::string_view mods, std::size_t& pos,
                                  std::vector<std::uint8_t>& codecs) {
    const auto length = run_length(mods, pos, [](char c) { return is_digit(c) || c == ','; });
    if (length == 0) return Error::codecs;
    const auto list = mods.substr(pos, length);
    pos += length;
    std::size_t begin = 0;
    while (begin <= list.size()) {
        auto end = list.find(',', begin);
        if (end == std::string_view::npos) end = list.size();
        const auto element = list.substr(begin, end - begin);
        if (!element.empty()) {
            // An RTP payload type has 7 bits.
            const auto pt = parse_decimal(element, 127);
            if (!pt) return Error::codecs;
            codecs.push_back(static_cast<std::uint8_t>(*pt));
        }
        begin = end + 1;
    }
    return std::nullopt;
}

// The modifiers of U and L. Every letter sippy's rtpp_command_ul_opts_parse() accepts is
// parsed here, none skipped unread, and any other is E35 as in sippy. Those a kernel relay
// can ignore: Z (it does not re-packetise) and c (it never looks at payload types). They are
// still checked (E13, E14) so that a malformed one is refused as sippy would.
std::optional<Error> parse_stream_modifiers(std::string_view mods, StreamModifiers& out) {
    bool codecs_seen = false;
    std::size_t pos = 0;
    while (pos < mods.size()) {
        const char letter = lower(mods[pos++]);
        switch (letter) {
            case 'a':
                out.asymmetric = true;
                break;
            case 's':
                out.asymmetric = false;
                break;
            case 'w':
                out.weak = true;
                break;
            case '6':
                out.ipv6 = true;
                break;
            case 'i':
            case 'e': {
                const Network network = letter == 'i' ? Network::internal : Network::external;
                if (!out.sender_network) {
                    out.sender_network = network;
                } else if (!out.receiver_network) {
                    out.receiver_network = network;
                } else {
                    // sippy has room for two: one network per side.
                    return letter == 'e' ? Error::external_without_bridge
                                         : Error::internal_without_bridge;
                }
                break;
            }
            case 'z': {
                const auto length = run_length(mods, pos, is_digit);
                const auto ms = parse_decimal(mods.substr(pos, length), 999);
                if (!ms || *ms == 0) return Error::ptime;
                out.ptime = *ms;
                pos += length;
                break;
            }
            case 'c':
                if (codecs_seen) return Error::codecs;
                codecs_seen = true;
                if (const auto error = parse_codecs(mods, pos, out.codecs)) return error;
                break;
            case 'l':
            case 'r': {
                const bool local = letter == 'l';
                const auto text = modifier_address(mods, pos);
                if (!text) return local ? Error::local_address_syntax : Error::route_address_syntax;
                const auto address = parse_address(*text);
                if (!address) return local ? Error::local_address : Error::route_address;
                (local ? out.local_address : out.route_to) = address;
                break;
            }
            case 'n':
                out.new_port = true;
                break;
            default:
                return Error::unknown_modifier;
        }
    }
    return std::nullopt;
}

// The tokens of a command, views into the input.
struct Tokens {
    std::array<std::string_view, kMaxTokens> v;
    std::size_t size = 0;
};

// What every command is checked for first, in sippy's order (rtpp_command_pre_parse()).
std::optional<Error> check_shape(const Tokens& args, std::size_t min, std::size_t max,
                                 bool takes_modifiers, std::string_view modifiers,
                                 bool subcommand) {
    if (args.size < min || args.size > max) return Error::argument_count;
    if (!takes_modifiers && !modifiers.empty()) return Error::modifiers_not_allowed;
    if (subcommand) return Error::subcommand_not_allowed;
    return std::nullopt;
}

std::optional<Tag> optional_tag(const Tokens& args, std::size_t index) {
    if (index >= args.size) return std::nullopt;
    return parse_tag(args.v[index]);
}

std::variant<Command, Error> parse_stream_request(const Tokens& args, bool update,
                                                  std::string_view mods) {
    std::optional<Notify> notify;
    std::optional<Tag> to_tag;
    if (args.size == 6 || args.size == 8) to_tag = parse_tag(args.v[5]);
    if (args.size >= 7) {
        const std::size_t at = args.size - 2;
        auto tag = url_unquote(args.v[at + 1]);
        if (!tag) return Error::notify_tag_encoding;
        notify = Notify{std::string(args.v[at]), std::move(*tag)};
    }
    StreamRequest request;
    if (const auto error = parse_stream_modifiers(mods, request.modifiers)) return *error;
    // The family is the address's own: Kamailio's 6 sticks to the later IPv4 streams of an
    // SDP that had an IPv6 one, and sippy would refuse those with E37.
    const auto address = parse_address(args.v[2]);
    const auto port = parse_decimal(args.v[3], 65535);
    if (!address || !port) return Error::remote_address;
    request.call_id = std::string(args.v[1]);
    request.remote_address = *address;
    request.remote_port = static_cast<std::uint16_t>(*port);
    request.from_tag = parse_tag(args.v[4]);
    request.to_tag = std::move(to_tag);
    if (!update) return Lookup{std::move(request)};
    return Update{std::move(request), std::move(notify)};
}

std::variant<Command, Error> parse_command(const Tokens& args, bool subcommand) {
    const std::string_view head = args.v[0];
    std::string_view mods = head.substr(1);
    // The call-id at 1, the from-tag at FROM and the to-tag after it (D, R, N, S and Q: at 2;
    // C and P have arguments of their own before it).
    const auto call = [&args](std::size_t from = 2) {
        return CallTags{std::string(args.v[1]), parse_tag(args.v[from]),
                        optional_tag(args, from + 1)};
    };
    switch (lower(head[0])) {
        case 'u':
        case 'l': {
            const bool update = lower(head[0]) == 'u';
            if (const auto e = check_shape(args, 5, update ? 8 : 6, true, mods, subcommand))
                return *e;
            return parse_stream_request(args, update, mods);
        }
        case 'd': {
            if (const auto e = check_shape(args, 3, 4, true, mods, subcommand)) return *e;
            Delete command{call()};
            for (const char m : mods) {
                if (lower(m) != 'w') return Error::delete_modifier;
                command.weak = true;
            }
            return command;
        }
        case 'r': {
            if (const auto e = check_shape(args, 3, 4, true, mods, subcommand)) return *e;
            Record command{call()};
            for (const char m : mods) {
                if (lower(m) == 'p') return Error::modifier_not_allowed_here;
                if (lower(m) != 's') return Error::record_modifier;
                command.single_file = true;
            }
            return command;
        }
        case 'c': {
            if (const auto e = check_shape(args, 4, 5, true, mods, subcommand)) return *e;
            Copy command{call(3)};
            for (const char m : mods) {
                if (lower(m) == 's') {
                    command.single_file = true;
                } else if (lower(m) == 'p') {
                    command.reply_port = true;
                } else {
                    return Error::record_modifier;
                }
            }
            command.target = std::string(args.v[2]);
            return command;
        }
        case 'n': {
            if (const auto e = check_shape(args, 3, 4, true, mods, subcommand)) return *e;
            NoRecord command{call()};
            if (!mods.empty()) {
                if (lower(mods[0]) != 'a') return Error::record_modifier;
                if (mods.size() > 1) return Error::modifier_not_allowed_here;
                command.all = true;
            }
            return command;
        }
        case 'p': {
            if (const auto e = check_shape(args, 5, 6, true, mods, subcommand)) return *e;
            Play command{call(4)};
            if (!mods.empty()) {
                const auto count = parse_decimal(mods, std::numeric_limits<std::int32_t>::max());
                if (!count) return Error::play_count;
                command.count = *count;
            }
            command.prompt = std::string(args.v[2]);
            command.codecs = std::string(args.v[3]);
            return command;
        }
        case 's': {
            if (const auto e = check_shape(args, 3, 4, false, mods, subcommand)) return *e;
            return NoPlay{call()};
        }
        case 'q': {
            if (const auto e = check_shape(args, 3, kMaxTokens, true, mods, subcommand)) return *e;
            Query command{call()};
            for (const char m : mods) {
                if (lower(m) != 'v') return Error::query_modifier;
                command.verbose = true;
            }
            for (std::size_t i = 4; i < args.size; ++i) command.stats.emplace_back(args.v[i]);
            return command;
        }
        case 'v': {
            if (!mods.empty() && lower(mods[0]) == 'f') {
                mods.remove_prefix(1);
                if (const auto e = check_shape(args, 2, 2, false, mods, subcommand)) return *e;
                return VersionFeature{std::string(args.v[1])};
            }
            if (const auto e = check_shape(args, 1, 1, false, mods, subcommand)) return *e;
            return Version{};
        }
        case 'i': {
            if (const auto e = check_shape(args, 1, 1, true, mods, subcommand)) return *e;
            Info command;
            for (const char m : mods) {
                if (lower(m) == 'b') {
                    command.brief = true;
                } else if (lower(m) == 'l') {
                    command.load = true;
                } else {
                    return Error::info_modifier;
                }
            }
            return command;
        }
        case 'x': {
            if (const auto e = check_shape(args, 1, 1, false, mods, subcommand)) return *e;
            return DeleteAll{};
        }
        case 'g': {
            if (const auto e = check_shape(args, 1, kMaxTokens, true, mods, subcommand)) return *e;
            Statistics command;
            for (const char m : mods) {
                if (lower(m) != 'v') return Error::stats_modifier;
                command.verbose = true;
            }
            for (std::size_t i = 1; i < args.size; ++i) command.names.emplace_back(args.v[i]);
            return command;
        }
        default:
            return Error::unknown_command;
    }
}

// The first token of text, if it ends before text does.
std::string_view first_complete_token(std::string_view text) {
    std::size_t begin = 0;
    while (begin < text.size() && is_separator(text[begin])) ++begin;
    std::size_t end = begin;
    while (end < text.size() && !is_separator(text[end])) ++end;
    if (end == text.size() || text.substr(begin, end - begin).find('\0') != std::string_view::npos)
        return {};
    return text.substr(begin, end - begin);
}

ParseResult parse(std::string_view bytes, Cookie cookie) {
    ParseResult parsed{{}, Error::syntax};
    if (bytes.size() > kMaxCommandBytes) {
        if (cookie == Cookie::expected)
            parsed.cookie = std::string(first_complete_token(bytes.substr(0, kMaxCommandBytes)));
        parsed.result = Error::too_long;
        return parsed;
    }

    // Split as sippy's rtpp_command_split(): the cookie first, then the command's tokens up to
    // the first "&&", then (never accepted) subcommands.
    bool want_cookie = cookie == Cookie::expected;
    Tokens args;
    bool subcommand = false;
    bool empty_group = false;  // a "&&" with nothing after it, or before it
    std::size_t group_size = 0;
    std::size_t pos = 0;
    while (pos < bytes.size()) {
        if (is_separator(bytes[pos])) {
            ++pos;
            continue;
        }
        std::size_t end = pos;
        while (end < bytes.size() && !is_separator(bytes[end])) ++end;
        const auto token = bytes.substr(pos, end - pos);
        pos = end;
        if (token.find('\0') != std::string_view::npos) return parsed;
        if (want_cookie) {
            parsed.cookie = std::string(token);
            want_cookie = false;
            continue;
        }
        if (token == "&&") {
            if (group_size == 0) empty_group = true;
            subcommand = true;
            group_size = 0;
            continue;
        }
        ++group_size;
        if (subcommand) continue;
        if (args.size == kMaxTokens) return parsed;
        args.v[args.size++] = token;
    }
    if (args.size == 0 || empty_group || (subcommand && group_size == 0)) return parsed;

    parsed.result = parse_command(args, subcommand);
    return parsed;
}

}  // namespace

unsigned error_code(Error error) { return entry(error).code; }

std::string_view error_meaning(Error error) { return entry(error).meaning; }

bool Address::unspecified() const {
    for (std::size_t i = 0; i < (ipv6 ? 16u : 4u); ++i)
        if (bytes[i] != 0) return false;
    return true;
}

std::optional<Address> parse_address(std::string_view text) {
    // INET6_ADDRSTRLEN counts the NUL; the longest form is an IPv4-mapped one.
    char buffer[INET6_ADDRSTRLEN];
    if (text.empty() || text.size() >= sizeof(buffer)) return std::nullopt;
    for (const char c : text)
        if (!is_hex(c) && c != '.' && c != ':') return std::nullopt;
    text.copy(buffer, text.size());
    buffer[text.size()] = '\0';
    Address address;
    address.ipv6 = text.find(':') != std::string_view::npos;
    if (inet_pton(address.ipv6 ? AF_INET6 : AF_INET, buffer, address.bytes.data()) != 1)
        return std::nullopt;
    return address;
}

std::string format_address(const Address& address) {
    char buffer[INET6_ADDRSTRLEN];
    if (inet_ntop(address.ipv6 ? AF_INET6 : AF_INET, address.bytes.data(), buffer,
                  sizeof(buffer)) == nullptr)
        return {};
    return buffer;
}

ParseResult parse_datagram(std::string_view bytes, Cookie cookie) noexcept {
    try {
        return parse(bytes, cookie);
    } catch (...) {
        // Only allocation can fail, for a command of at most kMaxCommandBytes.
        return ParseResult{{}, Error::out_of_memory};
    }
}

std::string frame_reply(std::string_view cookie, std::string_view body) {
    std::string reply;
    reply.reserve(cookie.size() + body.size() + 2);
    if (!cookie.empty()) {
        reply += cookie;
        reply += ' ';
    }
    reply += body;
    if (body.empty() || body.back() != '\n') reply += '\n';
    return reply;
}

std::string format_error(Error error) { return "E" + std::to_string(error_code(error)); }

std::string_view format_ok() { return "0"; }

std::string_view format_version() { return "20040107"; }

std::string format_port_reply(std::uint16_t port, const Address& address) {
    std::string reply = std::to_string(port);
    reply += ' ';
    reply += format_address(address);
    if (address.ipv6) reply += " 6";
    return reply;
}

namespace {

std::optional<std::size_t> feature_index(std::string_view date) {
    for (std::size_t i = 0; i < kKnownFeatures.size(); ++i)
        if (kKnownFeatures[i].date == date) return i;
    return std::nullopt;
}

}  // namespace

FeatureSet FeatureSet::kernel_relay() {
    FeatureSet set;
    set.add("20040107");
    set.add("20050322");
    set.add("20081102");
    return set;
}

bool FeatureSet::add(std::string_view date) {
    const auto index = feature_index(date);
    if (!index) return false;
    bits_ |= std::uint32_t{1} << *index;
    return true;
}

bool FeatureSet::contains(std::string_view date) const {
    const auto index = feature_index(date);
    return index && (bits_ >> *index & 1) != 0;
}

std::string_view format_feature_reply(std::string_view date, const FeatureSet& supported) {
    return supported.contains(date) ? "1" : "0";
}

}  // namespace rtpproxyd

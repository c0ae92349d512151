// SPDX-License-Identifier: GPL-2.0
// The ng protocol's framing, request parser and replies (ng_command.hpp).
#include "ng_command.hpp"

#include <algorithm>
#include <array>
#include <utility>

namespace rtpproxyd::ng {

namespace {

constexpr std::string_view kCommandNames[] = {"ping",       "offer",           "answer",
                                              "delete",     "query",           "list",
                                              "statistics", "start recording", "stop recording"};

// The keys read here. rtpengine spells them with spaces, hyphens or (some) underscores, and
// proxies pass through what the script says: they are compared normalised.
enum class Key {
    command,
    call_id,
    from_tag,
    to_tag,
    via_branch,
    sdp,
    flags,
    replace,
    direction,
    received_from,
    address_family,
    media_address,
    ice,
    tos,
    delete_delay,
    record_call,
    label,
    supports,
    transport_protocol,
    rtcp_mux,
    limit,
};

struct KeyName {
    std::string_view normalised;
    std::string_view spelling;  // rtpengine's, for error messages
};

constexpr KeyName kKeys[] = {
    {"command", "command"},
    {"call id", "call-id"},
    {"from tag", "from-tag"},
    {"to tag", "to-tag"},
    {"via branch", "via-branch"},
    {"sdp", "sdp"},
    {"flags", "flags"},
    {"replace", "replace"},
    {"direction", "direction"},
    {"received from", "received from"},
    {"address family", "address family"},
    {"media address", "media address"},
    {"ice", "ICE"},
    {"tos", "TOS"},
    {"delete delay", "delete delay"},
    {"record call", "record call"},
    {"label", "label"},
    {"supports", "supports"},
    {"transport protocol", "transport protocol"},
    {"rtcp mux", "rtcp-mux"},
    {"limit", "limit"},
};
constexpr std::size_t kKeyCount = std::size(kKeys);

// A key longer than all of the above is not looked at (nor copied to be normalised).
constexpr std::size_t longest_key() {
    std::size_t longest = 0;
    for (const KeyName& k : kKeys) longest = std::max(longest, k.normalised.size());
    return longest;
}
constexpr std::size_t kLongestKey = longest_key();

constexpr std::pair<std::string_view, bool Flags::*> kFlagWords[] = {
    {"trust address", &Flags::trust_address},
    {"sip source address", &Flags::sip_source_address},
    {"asymmetric", &Flags::asymmetric},
    {"symmetric", &Flags::symmetric},
    {"strict source", &Flags::strict_source},
    {"media handover", &Flags::media_handover},
    {"port latching", &Flags::port_latching},
    {"no port latching", &Flags::no_port_latching},
    {"no rtcp attribute", &Flags::no_rtcp_attribute},
    {"full rtcp attribute", &Flags::full_rtcp_attribute},
    {"record call", &Flags::record_call},
    {"reset", &Flags::reset},
    {"fatal", &Flags::fatal},
    {"fast", &Flags::fast},
};

// ASCII lower case, '-' and '_' as spaces: "SIP-source_address" is "sip source address".
std::string normalise(std::string_view word) {
    std::string out(word);
    for (char& c : out) {
        if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
        if (c == '-' || c == '_') c = ' ';
    }
    return out;
}

std::optional<std::size_t> key_index(std::string_view key) {
    if (key.size() > kLongestKey) return std::nullopt;
    const std::string n = normalise(key);
    for (std::size_t i = 0; i < kKeyCount; ++i)
        if (kKeys[i].normalised == n) return i;
    return std::nullopt;
}

// A decimal integer written as a string (rtpengine takes "delete-delay" that way too), by the
// bencode rules: no sign but '-', no leading zero, 64 bits.
std::optional<std::int64_t> integer_from_string(std::string_view s) {
    if (s.empty() || s.size() > 20) return std::nullopt;
    const auto decoded = bencode::decode("i" + std::string(s) + "e");
    if (!decoded || !decoded.value->is_integer()) return std::nullopt;
    return *decoded.value->as_integer();
}

class RequestParser {
  public:
    explicit RequestParser(const bencode::Value& dictionary) : dictionary_(dictionary) {}

    ParseResult run() {
        ParseResult result;
        if (parse()) {
            result.request = std::move(request_);
        } else {
            result.error_reason = std::move(error_);
        }
        return result;
    }

  private:
    bool fail(std::string reason) {
        error_ = std::move(reason);
        return false;
    }
    bool invalid(Key key, std::string_view expected) {
        return fail("Invalid value for \"" + std::string(kKeys[index(key)].spelling) +
                    "\": expected " + std::string(expected));
    }

    static std::size_t index(Key key) { return static_cast<std::size_t>(key); }
    const bencode::Value* value(Key key) const { return values_[index(key)]; }
    const std::string* string_value(Key key) const {
        const bencode::Value* v = value(key);
        return v ? v->as_string() : nullptr;
    }

    bool parse() {
        const auto* entries = dictionary_.as_dictionary();
        if (!entries) return fail("Could not decode dictionary: not a dictionary");
        for (const bencode::Entry& entry : *entries) {
            const auto i = key_index(entry.key);
            if (!i) continue;
            if (values_[*i])
                return fail("Duplicate key \"" + std::string(kKeys[*i].spelling) + "\"");
            values_[*i] = &entry.value;
        }
        if (!parse_command()) return false;
        if (request_.command == Command::ping) return true;
        return required_keys() && parse_sdp() && optional_keys();
    }

    bool parse_command() {
        const std::string* command = string_value(Key::command);
        if (!command) return fail("Dictionary contains no key \"command\"");
        const auto* found = std::find(std::begin(kCommandNames), std::end(kCommandNames), *command);
        if (found == std::end(kCommandNames)) return fail(std::string(kUnrecognizedCommand));
        request_.command = static_cast<Command>(found - std::begin(kCommandNames));
        return true;
    }

    // A required string: missing, empty or not a string all read as missing (rtpengine).
    bool required(Key key, std::string& out, std::string_view reason) {
        const std::string* s = string_value(key);
        if (!s || s->empty()) return fail(std::string(reason));
        out = *s;
        return true;
    }

    bool required_keys() {
        std::string sdp;
        switch (request_.command) {
            case Command::offer:
            case Command::answer:
                if (!required(Key::sdp, sdp, "No SDP body in message") ||
                    !required(Key::call_id, request_.call_id, "No call-id in message") ||
                    !required(Key::from_tag, request_.from_tag, "No from-tag in message"))
                    return false;
                if (request_.command == Command::answer &&
                    !required(Key::to_tag, request_.to_tag, "No to-tag in message"))
                    return false;
                return true;
            case Command::delete_:
                return required(Key::call_id, request_.call_id, "No call-id in message") &&
                       required(Key::from_tag, request_.from_tag, "No from-tag in message");
            case Command::query:
                return required(Key::call_id, request_.call_id, "No call-id in message");
            case Command::start_recording:
            case Command::stop_recording:
                // Without tags: every stream of the call (Kamailio sends both tags).
                return required(Key::call_id, request_.call_id, "No call-id in message") &&
                       optional_string(Key::from_tag, request_.from_tag);
            default:
                return true;
        }
    }

    bool parse_sdp() {
        if (request_.command != Command::offer && request_.command != Command::answer) return true;
        auto parsed = sdp::parse(*string_value(Key::sdp));
        if (!parsed) return fail("Failed to parse SDP: " + parsed.error.message());
        request_.sdp = std::move(parsed.session);
        return true;
    }

    bool optional_string(Key key, std::string& out) {
        const bencode::Value* v = value(key);
        if (!v) return true;
        if (!v->is_string()) return invalid(key, "a string");
        out = *v->as_string();
        return true;
    }
    bool optional_string(Key key, std::optional<std::string>& out) {
        if (!value(key)) return true;
        out.emplace();
        return optional_string(key, *out);
    }

    bool optional_integer(Key key, std::optional<std::int64_t>& out) {
        const bencode::Value* v = value(key);
        if (!v) return true;
        if (const auto* i = v->as_integer()) {
            out = *i;
            return true;
        }
        if (const auto* s = v->as_string()) out = integer_from_string(*s);
        return out ? true : invalid(key, "an integer");
    }

    bool optional_strings(Key key, std::vector<std::string>& out) {
        const bencode::Value* v = value(key);
        if (!v) return true;
        const auto* list = v->as_list();
        if (!list) return invalid(key, "a list of strings");
        for (const bencode::Value& item : *list) {
            if (!item.is_string()) return invalid(key, "a list of strings");
            out.push_back(*item.as_string());
        }
        return true;
    }

    bool parse_flags() {
        std::vector<std::string> words;
        if (!optional_strings(Key::flags, words)) return false;
        for (std::string& word : words) {
            const std::string n = normalise(word);
            const auto* found = std::find_if(std::begin(kFlagWords), std::end(kFlagWords),
                                             [&](const auto& f) { return f.first == n; });
            if (found != std::end(kFlagWords))
                request_.flags.*(found->second) = true;
            else
                request_.flags.other.push_back(std::move(word));
        }
        return true;
    }

    bool parse_replace() {
        std::vector<std::string> words;
        if (!optional_strings(Key::replace, words)) return false;
        for (std::string& word : words) {
            const std::string n = normalise(word);
            if (n == "origin")
                request_.replace.origin = true;
            else if (n == "session connection")
                request_.replace.session_connection = true;
            else
                request_.replace.other.push_back(std::move(word));
        }
        return true;
    }

    bool parse_received_from() {
        const bencode::Value* v = value(Key::received_from);
        if (!v) return true;
        constexpr std::string_view kExpected = "[\"IP4\" or \"IP6\", a numeric address of it]";
        const auto* list = v->as_list();
        if (!list || list->size() != 2 || !(*list)[0].is_string() || !(*list)[1].is_string())
            return invalid(Key::received_from, kExpected);
        const auto family = sdp::family_from_name(*(*list)[0].as_string());
        const std::string& address = *(*list)[1].as_string();
        if (!family || !sdp::is_numeric_address(*family, address))
            return invalid(Key::received_from, kExpected);
        request_.received_from = Address{*family, address};
        return true;
    }

    bool parse_address_family() {
        const bencode::Value* v = value(Key::address_family);
        if (!v) return true;
        const auto family = v->is_string() ? sdp::family_from_name(*v->as_string()) : std::nullopt;
        if (!family) return invalid(Key::address_family, "\"IP4\" or \"IP6\"");
        request_.address_family = family;
        return true;
    }

    bool parse_media_address() {
        const bencode::Value* v = value(Key::media_address);
        if (!v) return true;
        const std::string* s = v->as_string();
        for (const sdp::Family family : {sdp::Family::ip4, sdp::Family::ip6})
            if (s && sdp::is_numeric_address(family, *s)) {
                request_.media_address = Address{family, *s};
                return true;
            }
        return invalid(Key::media_address, "a numeric IPv4 or IPv6 address");
    }

    bool parse_record_call() {
        const bencode::Value* v = value(Key::record_call);
        if (!v) return true;
        const std::string* s = v->as_string();
        if (s && (*s == "yes" || *s == "on")) {
            request_.record_call = true;
        } else if (s && (*s == "no" || *s == "off")) {
            request_.record_call = false;
        } else {
            return invalid(Key::record_call, "yes, no, on or off");
        }
        return true;
    }

    bool optional_keys() {
        Request& r = request_;
        if (!optional_string(Key::to_tag, r.to_tag) ||
            !optional_string(Key::via_branch, r.via_branch) || !parse_flags() || !parse_replace() ||
            !optional_strings(Key::direction, r.direction) || !parse_received_from() ||
            !parse_address_family() || !parse_media_address() ||
            !optional_string(Key::ice, r.ice) || !optional_integer(Key::tos, r.tos) ||
            !optional_integer(Key::delete_delay, r.delete_delay) || !parse_record_call() ||
            !optional_string(Key::label, r.label) || !optional_strings(Key::supports, r.supports) ||
            !optional_string(Key::transport_protocol, r.transport_protocol) ||
            !optional_strings(Key::rtcp_mux, r.rtcp_mux) || !optional_integer(Key::limit, r.limit))
            return false;
        if (r.direction.size() > 2) return invalid(Key::direction, "at most two interfaces");
        if (r.delete_delay && *r.delete_delay < 0)
            return invalid(Key::delete_delay, "a number of seconds >= 0");
        if (r.limit && *r.limit <= 0) return invalid(Key::limit, "an integer > 0");
        return true;
    }

    const bencode::Value& dictionary_;
    std::array<const bencode::Value*, kKeyCount> values_{};
    Request request_;
    std::string error_;
};

bool is_blank(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; }

}  // namespace

std::string_view command_name(Command command) {
    const auto i = static_cast<std::size_t>(command);
    return i < std::size(kCommandNames) ? kCommandNames[i] : "unknown";
}

bool Request::supports_load_limit() const {
    return std::any_of(supports.begin(), supports.end(),
                       [](const std::string& s) { return normalise(s) == "load limit"; });
}

ParseResult parse_request_value(const bencode::Value& dictionary) {
    return RequestParser(dictionary).run();
}

ParseResult parse_request(std::string_view dictionary) {
    ParseResult result;
    if (!dictionary.empty() && dictionary.front() == '{') {
        result.error_reason = "Could not decode dictionary: JSON is not supported, only bencode";
        return result;
    }
    // Deep nesting has no use in a request: Kamailio's deepest is codec:{strip:[...]}.
    bencode::Limits limits;
    limits.max_depth = 8;
    limits.max_elements = 16'384;
    const bencode::DecodeResult decoded = bencode::decode(dictionary, limits);
    if (!decoded) {
        result.error_reason = "Could not decode dictionary: " + decoded.error.message();
        return result;
    }
    if (!decoded.value->is_dictionary()) {
        result.error_reason = "Could not decode dictionary: the message is not a dictionary";
        return result;
    }
    return parse_request_value(*decoded.value);
}

std::optional<Message> split_message(std::string_view datagram) {
    const std::size_t space = datagram.find(' ');
    if (space == std::string_view::npos || space == 0 || space > kMaxCookie) return std::nullopt;
    return Message{datagram.substr(0, space), datagram.substr(space + 1)};
}

Datagram parse_datagram(std::string_view datagram) {
    Datagram d;
    const auto message = split_message(datagram);
    if (!message) return d;
    d.cookie.assign(message->cookie);
    std::string_view dictionary = message->dictionary;
    while (!dictionary.empty() && is_blank(dictionary.back())) dictionary.remove_suffix(1);
    if (datagram.size() > kMaxMessage) {
        d.reply = frame(d.cookie, error_reply("Message too large"));
        return d;
    }
    if (dictionary.empty()) {
        d.reply = frame(d.cookie, error_reply("Invalid data (no payload)"));
        return d;
    }
    ParseResult parsed = parse_request(dictionary);
    if (parsed)
        d.request = std::move(parsed.request);
    else
        d.reply = frame(d.cookie, error_reply(parsed.error_reason));
    return d;
}

bencode::Value ok_reply(bencode::Value::Dictionary extra) {
    extra.push_back({"result", "ok"});
    return extra;
}

bencode::Value warning_reply(std::string_view warning, bencode::Value::Dictionary extra) {
    extra.push_back({"warning", warning});
    extra.push_back({"result", "ok"});
    return extra;
}

bencode::Value error_reply(std::string_view reason) {
    return bencode::Value::Dictionary{{"result", "error"}, {"error-reason", reason}};
}

bencode::Value load_limit_reply(std::string_view message) {
    return bencode::Value::Dictionary{{"result", "load limit"}, {"message", message}};
}

bencode::Value pong_reply() { return bencode::Value::Dictionary{{"result", "pong"}}; }

bencode::Value overload_reply(const Request& request, std::string_view reason) {
    return request.supports_load_limit() ? load_limit_reply(reason) : error_reply(reason);
}

bencode::Value call_not_found_reply(const Request& request) {
    return request.flags.fatal ? error_reply(kCallNotFound) : warning_reply(kCallNotFound);
}

std::string frame(std::string_view cookie, const bencode::Value& reply) {
    std::string out(cookie);
    out += ' ';
    bencode::encode_to(reply, out);
    return out;
}

}  // namespace rtpproxyd::ng

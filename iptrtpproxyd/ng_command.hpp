// SPDX-License-Identifier: GPL-2.0
// rtpengine's ng control protocol as Kamailio and OpenSIPS speak it: the framing, the typed
// request a datagram stands for, and the replies they expect (sipwise/rtpengine
// docs/ng_control_protocol.md, daemon/control_ng.c).
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "bencode.hpp"
#include "sdp.hpp"

namespace rtpproxyd::ng {

// The commands this daemon answers. Any other "command" (rtpengine's "block DTMF",
// "play media", ...) is answered with kUnrecognizedCommand.
enum class Command {
    ping,
    offer,
    answer,
    delete_ /* delete is a keyword */,
    query,
    list,
    statistics,
    start_recording,
    stop_recording
};

// As on the wire: "ping", "offer", "answer", "delete", "query", "list", "statistics",
// "start recording", "stop recording".
std::string_view command_name(Command command);

// Reasons with a meaning to the proxies, exactly as rtpengine words them. Kamailio's rtpengine
// module tries the next node on a "load limit" result and on an error whose reason is exactly
// kSessionLimitReached or kRanOutOfPorts (rtpengine.c); use them when the kernel's pools are
// exhausted.
inline constexpr std::string_view kSessionLimitReached = "Parallel session limit reached";
inline constexpr std::string_view kRanOutOfPorts = "Ran out of ports";
inline constexpr std::string_view kCallNotFound = "Call-ID not found or tags didn't match";
inline constexpr std::string_view kUnknownCallId = "Unknown call-id";
inline constexpr std::string_view kUnrecognizedCommand = "Unrecognized command";
// Recording asked for (a recording command, "record call") of a daemon without -r.
inline constexpr std::string_view kRecordingDisabled = "Call recording is not enabled";
inline constexpr std::string_view kRecordingFailed = "Failed to start or stop recording";

// Bounds on a datagram: Kamailio's buffer is 256 KiB, a UDP datagram at most 64 KiB.
inline constexpr std::size_t kMaxMessage = 256 * 1024;
inline constexpr std::size_t kMaxCookie = 256;

// The words of the "flags" list that mean something here. Each word is compared once
// normalised (ASCII lower case, '-' and '_' read as spaces), so "SIP-source-address",
// "SIP source address" and "sip_source_address" are one flag.
struct Flags {
    bool trust_address = false;       // use the SDP's addresses (rtpproxy r)
    bool sip_source_address = false;  // use received-from instead of the SDP's addresses
    bool asymmetric = false;          // do not learn endpoints from packets (rtpproxy a)
    bool symmetric = false;           // the default; rtpproxy w
    bool strict_source = false;       // drop packets from other than the learnt source
    bool media_handover = false;      // re-learn the source whenever it changes
    bool port_latching = false;       // keep local ports when the remote port changes
    bool no_port_latching = false;
    bool no_rtcp_attribute = false;    // do not add a=rtcp
    bool full_rtcp_attribute = false;  // a=rtcp with the address
    bool record_call = false;
    bool reset = false;
    bool fatal = false;  // delete: an unknown call is an error, not a warning
    bool fast = false;
    std::vector<std::string> other;  // any other word, as sent
};

// The "replace" list: which session-level lines get the relay address.
struct Replace {
    bool origin = false;              // o=
    bool session_connection = false;  // c= at session level (replaced anyway, as rtpengine does)
    std::vector<std::string> other;   // e.g. "SDP version", "username", as sent
};

struct Address {
    sdp::Family family = sdp::Family::ip4;
    std::string address;  // numeric, of that family
};

// One request, its keys checked and typed. A key's spelling does not matter as far as '-',
// '_', ' ' and ASCII case go ("received-from", "received from", "Received_From"); keys not
// listed here are ignored, as rtpengine ignores them.
struct Request {
    Command command = Command::ping;
    std::string call_id;     // "call-id"; empty only for ping, list and statistics
    std::string from_tag;    // "from-tag": the offerer's tag (Kamailio swaps From/To for that)
    std::string to_tag;      // "to-tag"; empty when absent (Kamailio leaves it out of deletes)
    std::string via_branch;  // "via-branch"; empty when absent
    std::optional<sdp::Session> sdp;  // "sdp", parsed: offer and answer only
    Flags flags;
    Replace replace;
    std::vector<std::string> direction;    // up to two interface names (internal, external, ...)
    std::optional<Address> received_from;  // ["IP4", "192.0.2.1"]: the SIP message's source
    std::optional<sdp::Family> address_family;  // "address family": IP4 or IP6
    std::optional<Address> media_address;       // overrides the SDP's and received-from
    std::optional<std::string> ice;             // "ICE": remove, force, ... as sent
    // "TOS": rtpengine leaves the TOS as it is for a negative value and goes back to the
    // default for one above 255.
    std::optional<std::int64_t> tos;
    std::optional<std::int64_t> delete_delay;  // seconds, >= 0; 0 deletes at once
    std::optional<bool> record_call;           // yes/on, no/off
    std::optional<std::string> label;
    std::vector<std::string> supports;              // Kamailio sends ["load limit"]
    std::optional<std::string> transport_protocol;  // RTP/AVP, RTP/SAVPF, ... as sent
    std::vector<std::string> rtcp_mux;              // offer, demux, accept, reject, require
    std::optional<std::int64_t> limit;              // list: how many call-ids (> 0)

    // Whether the proxy takes a "load limit" result (else such a refusal must be an error).
    bool supports_load_limit() const;
};

// Either a request or the error-reason to answer with.
struct ParseResult {
    std::optional<Request> request;
    std::string error_reason;

    explicit operator bool() const noexcept { return request.has_value(); }
};

// The checks: a dictionary ("Could not decode dictionary: <why>") in which no key read here
// is given twice ("Duplicate key \"<key>\"": which one would count is ambiguous); then, in
// rtpengine's order and with its reasons, a string "command" ("Dictionary contains no key
// \"command\""), one we answer (kUnrecognizedCommand), the keys the command requires: offer
// sdp, call-id, from-tag; answer those and to-tag; delete call-id and from-tag; query call-id
// ("No SDP body in message", "No call-id in message", "No from-tag in message", "No to-tag in
// message"; a key that is empty or not a string counts as missing), an SDP that parses
// ("Failed to parse SDP: <why>"), and optional keys of the right type ("Invalid value for
// \"<key>\": <what it must be>"). A ping needs nothing else and its other keys are not
// looked at.
ParseResult parse_request_value(const bencode::Value& dictionary);
// The same from the bencoded dictionary. JSON, which rtpengine also takes, is not supported:
// Kamailio and OpenSIPS send bencode.
ParseResult parse_request(std::string_view dictionary);

// A datagram is "<cookie> <dictionary>"; the reply repeats the cookie and the space.
struct Message {
    std::string_view cookie;
    std::string_view dictionary;
};

// The cookie (up to the first space) and the rest; nullopt without a cookie (no space, a
// space first, or a cookie longer than kMaxCookie), which leaves nothing to answer with:
// such a datagram is dropped, as rtpengine drops it.
std::optional<Message> split_message(std::string_view datagram);

// What one datagram asks for: nothing (drop it), a request, or an error reply ready to send.
struct Datagram {
    std::string cookie;
    std::optional<Request> request;
    std::string reply;  // the framed error reply when there is no request

    bool dropped() const noexcept { return !request && reply.empty(); }
};

// split_message() then parse_request(). An empty dictionary is "Invalid data (no payload)",
// a datagram over kMaxMessage "Message too large"; ASCII blanks after the dictionary are
// ignored (a request typed into netcat ends in a newline). Total: any byte sequence gives a
// drop, a request or an error reply, never an exception (but std::bad_alloc) and never
// undefined behaviour; this is the fuzzing entry point of the ng layer.
Datagram parse_datagram(std::string_view datagram);

// Replies, as dictionaries in the key order rtpengine writes them: the command's own keys
// first, then "warning", then "result" (which is why an unknown call's delete reads
// d7:warning38:Call-ID not found or tags didn't match6:result2:oke), while an error is
// "result" then "error-reason" and a load limit "result" then "message".
bencode::Value ok_reply(bencode::Value::Dictionary extra = {});
bencode::Value warning_reply(std::string_view warning, bencode::Value::Dictionary extra = {});
bencode::Value error_reply(std::string_view reason);
bencode::Value load_limit_reply(std::string_view message);
bencode::Value pong_reply();

// A refusal for load: "load limit" with the reason as message when the proxy supports it,
// else an error with it as reason (what rtpengine does).
bencode::Value overload_reply(const Request& request,
                              std::string_view reason = kSessionLimitReached);
// A delete of a call we do not have: ok with kCallNotFound as warning, or with flags "fatal"
// an error with it as reason. (A query or answer for one is error_reply(kUnknownCallId).)
bencode::Value call_not_found_reply(const Request& request);

// "<cookie> <bencoded reply>", the datagram to send.
std::string frame(std::string_view cookie, const bencode::Value& reply);

}  // namespace rtpproxyd::ng

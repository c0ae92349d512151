// SPDX-License-Identifier: GPL-2.0
// rtpproxy's control protocol as Kamailio's and OpenSIPS's rtpproxy modules speak it: one
// command parsed into a typed struct, and the replies formatted. No sockets, no sessions.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

namespace rtpproxyd {

// Longer commands are refused (Error::too_long). Kamailio's longest, a U with a long Call-ID,
// its branch and both tags, stays below 1 KiB; sippy's own buffer is 8 KiB.
inline constexpr std::size_t kMaxCommandBytes = 4096;
// Tokens after the cookie. sippy answers E5 beyond its own limit too; this one leaves room
// for a G naming every statistic sippy has.
inline constexpr std::size_t kMaxTokens = 64;

// Everything a command can be refused for, by the parser or later by the daemon. The numbers
// on the wire (sippy's rtpp_command_ecodes.h) and what each means are in one table,
// rtpproxy_command.cpp; error_code() and error_meaning() read it.
enum class Error : std::uint8_t {
    unknown_command,
    argument_count,
    modifiers_not_allowed,
    subcommand_not_allowed,
    syntax,
    too_long,
    modifier_not_allowed_here,
    record_modifier,
    delete_modifier,
    stats_modifier,
    notify_tag_encoding,
    external_without_bridge,
    internal_without_bridge,
    ptime,
    codecs,
    local_address_syntax,
    route_address_syntax,
    play_count,
    info_modifier,
    query_modifier,
    reply_too_big,
    local_address,
    route_address,
    no_route,
    route_not_local,
    unknown_modifier,
    no_local_address_for_family,
    remote_address,
    session_not_found,
    play_failed,
    query_failed,
    copy_failed,
    stats_failed,
    no_ports,
    notify_disabled,
    out_of_memory,
    overload,
    shutting_down,
};

// The number sent as E<n>.
unsigned error_code(Error error);
// What the code means, for logs.
std::string_view error_meaning(Error error);

// An IP address as the commands carry it: numeric only, no brackets, no zone.
struct Address {
    bool ipv6 = false;
    std::array<std::uint8_t, 16> bytes{};  // network order; IPv4 uses the first 4

    // 0.0.0.0 or ::, the SDP's way of putting a stream on hold.
    bool unspecified() const;
    friend bool operator==(const Address&, const Address&) = default;
};

// Dotted IPv4 or IPv6 text; nullopt for anything else (names, brackets, %zone, blanks).
std::optional<Address> parse_address(std::string_view text);
// The address as inet_ntop writes it.
std::string format_address(const Address& address);

// A from- or to-tag. Kamailio appends ";N", the 1-based index of the m= line, to the tags of
// U and L (and Q, P, S); D carries none, so it names every media of the call.
struct Tag {
    std::string name;                    // the token without ";N"
    std::optional<std::uint32_t> media;  // N, when the token ends in ';' and 1..9 digits
    friend bool operator==(const Tag&, const Tag&) = default;
};

// The network a side of a bridged session is on (U/L modifiers I and E).
enum class Network : std::uint8_t { internal, external };

// The modifiers of U and L, letters case-insensitive, in any order and repeated (Kamailio
// appends 6 once per IPv6 stream and never removes it).
struct StreamModifiers {
    // A (true) and S (false); the last one counts. Unset: the daemon's default, asymmetric in
    // bridge mode, symmetric otherwise (sippy's main.c).
    std::optional<bool> asymmetric;
    bool weak = false;  // W
    bool ipv6 = false;  // 6: a hint only; the remote address's own family is what counts
    // The first I/E names the network of the SDP's sender, the second the receiver's.
    std::optional<Network> sender_network;
    std::optional<Network> receiver_network;
    std::optional<unsigned> ptime;         // Z<ms>, 1..999
    std::vector<std::uint8_t> codecs;      // c<pt,pt,...>, payload types 0..127
    std::optional<Address> local_address;  // L<addr>: the local address to use
    std::optional<Address> route_to;       // R<addr>: use the local address routing to it
    bool new_port = false;                 // N
    friend bool operator==(const StreamModifiers&, const StreamModifiers&) = default;
};

// What U and L share: one media stream of one call, seen from one party.
struct StreamRequest {
    StreamModifiers modifiers;
    std::string call_id;  // opaque; Kamailio may append ";<via-branch>"
    Address remote_address;
    std::uint16_t remote_port = 0;  // the m= port, 0 included
    Tag from_tag;
    std::optional<Tag> to_tag;
};

// Where U asks to be told of a session's timeout (sippy's -n notifications).
struct Notify {
    std::string socket;  // as given, e.g. "unix:/run/x.sock" or "%%CC_SELF%%"
    std::string tag;     // %XX-decoded
    friend bool operator==(const Notify&, const Notify&) = default;
};

// U[mods] callid ip port from_tag[;N] [to_tag[;N]] [notify_socket notify_tag]. With 7
// arguments the last two are the socket and its tag and there is no to-tag, as in sippy.
struct Update : StreamRequest {
    std::optional<Notify> notify;
};
// L[mods] callid ip port from_tag[;N] [to_tag[;N]]: never creates a session.
struct Lookup : StreamRequest {};

struct Version {};  // V
// VF <date>: the date as given; any text is legal and is answered 0 if unknown.
struct VersionFeature {
    std::string date;
};
// The call and party that D, R, C, N, P, S and Q name: the call-id first, the from-tag and
// the optional to-tag after the command's own arguments.
struct CallTags {
    std::string call_id;
    Tag from_tag;
    std::optional<Tag> to_tag;
};
// D[w] callid from_tag [to_tag]
struct Delete : CallTags {
    bool weak = false;
};
// R[s] callid from_tag [to_tag]: start recording (Kamailio's start_recording).
struct Record : CallTags {
    bool single_file = false;
};
// C[s][p] callid target from_tag [to_tag]: copy (fork) the stream to a file or address.
struct Copy : CallTags {
    bool single_file = false;
    bool reply_port = false;
    std::string target{};
};
// N[a] callid from_tag [to_tag]: stop recording (OpenSIPS; Kamailio 5.6 never sends it).
struct NoRecord : CallTags {
    bool all = false;
};
// P[count] callid prompt codecs|session from_tag [to_tag]: play a prompt (music on hold).
struct Play : CallTags {
    unsigned count = 1;
    std::string prompt{};
    std::string codecs{};  // a payload type list or "session", as given
};
// S callid from_tag [to_tag]: stop playing.
struct NoPlay : CallTags {};
// Q[v] callid from_tag [to_tag [stat...]]
struct Query : CallTags {
    bool verbose = false;
    std::vector<std::string> stats{};
};
// I[b][l]
struct Info {
    bool brief = false;
    bool load = false;
};
struct DeleteAll {};  // X
// G[v] [stat...]
struct Statistics {
    bool verbose = false;
    std::vector<std::string> names;
};

using Command = std::variant<Version, VersionFeature, Update, Lookup, Delete, Record, Copy,
                             NoRecord, Play, NoPlay, Query, Info, DeleteAll, Statistics>;

// Whether the transport puts a cookie before each command: UDP does; Kamailio's unix: and
// OpenSIPS's tcp:, tcp6: and cunix: streams do not.
enum class Cookie : std::uint8_t { absent, expected };

struct ParseResult {
    // The cookie to start the reply with, even for a refused command so that the client can
    // match the reply; empty when absent or when there was none to find.
    std::string cookie;
    std::variant<Command, Error> result;
};

// Parses one whole command: a datagram, the bytes of one read() from a unix: connection, or
// one line of a stream. Tokens are separated by any run of spaces, tabs, CR and LF, so a
// trailing "\n" or "\r\n" and a missing one are alike. Never throws and accepts any bytes; a
// NUL inside a token is a syntax error (E5), as in sippy. The fuzzers' entry point.
ParseResult parse_datagram(std::string_view bytes, Cookie cookie) noexcept;

// Replies. A body is one of the below (or the daemon's I/Q/G text); frame_reply() makes the
// bytes to send: "<cookie> <body>\n", or "<body>\n" without a cookie.
std::string frame_reply(std::string_view cookie, std::string_view body);
// "E<n>".
std::string format_error(Error error);
// "0": success of D, R, C, N, P, S and X, and L's answer for an unknown session.
std::string_view format_ok();
// The answer to V: the base protocol version, which Kamailio requires to be exactly this.
std::string_view format_version();
// U and L: "port addr" for IPv4, "port addr 6" for IPv6. Always with the address: with the
// port alone Kamailio writes its own receiving address into the SDP.
std::string format_port_reply(std::uint16_t port, const Address& address);

// The capability dates a client may ask with VF, and what answering 1 promises.
struct FeatureInfo {
    std::string_view date;
    std::string_view meaning;
};
// sippy's proto_caps (rpcpv1_ver.c) and the dates Kamailio 5.6 and OpenSIPS 3 ask.
inline constexpr std::array<FeatureInfo, 21> kKnownFeatures = {{
    {"20040107", "basic RTP proxy functionality (the V answer)"},
    {"20050322", "several RTP streams per call (;N) and music on hold; Kamailio requires it"},
    {"20060704", "an extra parameter in the V command"},
    {"20071116", "re-packetisation (U/L modifier Z<ms>)"},
    {"20071218", "forking (copying) and recording RTP streams (C, R)"},
    {"20080403", "RTP statistics querying (Q)"},
    {"20081102", "codec list in U/L (c<pt,...>); Kamailio also allows P and S only with it"},
    {"20081224", "session timeout notifications (notify socket and tag on U)"},
    {"20090810", "automatic bridging"},
    {"20140323", "tracking and reporting load (Il)"},
    {"20140617", "anchoring session connect time"},
    {"20141004", "extendable performance counters"},
    {"20150330", "allocating a new port (U/L modifier N)"},
    {"20150420", "SEQ tracking and rtpa_ counters in Q"},
    {"20150617", "%%CC_SELF%% as the notify socket"},
    {"20170313", "OpenSIPS's TTL_CHANGE capability (not in sippy's list)"},
    {"20191015", "&& subcommands; OpenSIPS then appends DTMF subcommands"},
    {"20200226", "N to stop recording"},
    {"20230205", "the rtpa_nlost counter; catch_dtmf's h modifier"},
    {"20230314", "fused G and D commands"},
    {"20230424", "the longest_ipi, rtpa_jlast, rtpa_jmax and rtpa_javg counters"},
}};

// The dates the daemon answers VF with 1: a subset of kKnownFeatures.
class FeatureSet {
  public:
    // Answers 0 to everything.
    constexpr FeatureSet() = default;

    // What a kernel relay without playback, re-packetisation or recording supports:
    // - 20040107, the base protocol;
    // - 20050322, several streams per call: the sessions are keyed by media index. Kamailio
    //   disables a node that answers 0, and music on hold (P) is refused with E60 instead;
    // - 20081102, codec lists: c<pt,...> is parsed and ignored, which is what a relay that
    //   never looks into the payload should do. Kamailio then also sends P and S, which the
    //   daemon answers E60 and 0 (E50).
    // Not 20071116: Z is parsed (and checked, E13) but the kernel forwards packets as they
    // come. Answering 1 would make Kamailio send Z and the operator believe the ptime
    // changed; answering 0 makes Kamailio drop Z with a warning that says the truth.
    static FeatureSet kernel_relay();

    // Adds a date of kKnownFeatures; false (and nothing added) for any other.
    bool add(std::string_view date);
    bool contains(std::string_view date) const;

  private:
    std::uint32_t bits_ = 0;  // bit i: kKnownFeatures[i]
};

// The answer to VF <date>: "1" if supported, "0" otherwise (unknown dates included).
std::string_view format_feature_reply(std::string_view date, const FeatureSet& supported);

}  // namespace rtpproxyd

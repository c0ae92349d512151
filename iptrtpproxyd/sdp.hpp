// SPDX-License-Identifier: GPL-2.0
// A small strict SDP (RFC 8866) parser and the rewriter that puts the relay into an offer or
// answer: m= ports, c= addresses, a=rtcp, optionally o=, ICE attributes stripped.
//
// Our own rather than a general SDP library because we change a handful of lines and must
// keep every other byte exactly as the endpoint wrote it (CRLF or LF, attribute order, unknown
// lines, odd spacing): a library that parses into a model and serialises it again loses that,
// and endpoints do react to reordered or re-spelt attributes. So the parser only records
// where things are in the original text, and the rewriter copies the text, replacing,
// dropping or inserting whole lines.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace rtpproxyd::sdp {

enum class Family { ip4, ip6 };

// "IP4" or "IP6", as SDP and the ng protocol spell them.
std::string_view family_name(Family family);
// IP4 or IP6 (exactly so); nullopt for anything else.
std::optional<Family> family_from_name(std::string_view name);

// Whether address is a numeric address of that family (dotted quad, RFC 4291 text).
bool is_numeric_address(Family family, std::string_view address);

// The media direction attributes (RFC 3264 section 5.1).
enum class Direction { sendrecv, sendonly, recvonly, inactive };

// What a c= line says: "c=IN <family> <address>[/<ttl>][/<count>]".
struct Connection {
    Family family = Family::ip4;
    std::string address;   // without the multicast suffix
    std::string suffix;    // "/127/3" as written, usually empty
    bool numeric = false;  // a numeric address of its family rather than a host name
    // 0.0.0.0 or ::, the old (RFC 2543) way of putting a stream on hold.
    bool zero = false;
};

// What an o= line says: "o=<username> <sess-id> <sess-version> IN <family> <address>".
struct Origin {
    std::string username;
    std::string session_id;
    std::string session_version;
    Family family = Family::ip4;
    std::string address;
};

// What an a=rtcp line says (RFC 3605): "a=rtcp:<port>[ IN <family> <address>]".
struct RtcpAttribute {
    std::uint16_t port = 0;
    std::optional<Connection> connection;
};

// Where one line is in Session::text, and what it is.
struct Line {
    std::size_t begin = 0;   // of its first byte
    std::size_t length = 0;  // of its content, without the line ending
    std::size_t eol = 0;     // length of its line ending: 2 (CRLF), 1 (LF), 0 (the last line)
    char type = 0;           // the letter before '=', 0 for a blank line at the end
    std::size_t media = kSessionLevel;  // the media section it belongs to

    static constexpr std::size_t kSessionLevel = static_cast<std::size_t>(-1);
};

// One m= line and its section.
struct Media {
    std::string type;  // audio, video, application, ...
    std::uint16_t port = 0;
    std::optional<unsigned> port_count;  // m=video 49170/2
    std::string proto;                   // RTP/AVP, UDP/TLS/RTP/SAVPF, ...
    std::vector<std::string> formats;
    std::optional<Connection> connection;  // the media-level c=, if any
    std::optional<RtcpAttribute> rtcp;     // the first a=rtcp
    bool rtcp_mux = false;                 // a=rtcp-mux
    bool ice = false;                      // any ICE attribute in this section
    std::optional<Direction> direction;    // a media-level direction attribute

    // Port 0: rejected or disabled (RFC 3264 section 6); the relay allocates nothing for it.
    bool rejected() const noexcept { return port == 0; }

    // For rewrite(): line indexes into Session::lines and the port's place in Session::text.
    std::size_t m_line = 0;
    std::size_t end_line = 0;  // one past the section's last line
    std::optional<std::size_t> c_line;
    std::vector<std::size_t> rtcp_lines;
    std::size_t port_begin = 0;
    std::size_t port_length = 0;
};

struct Session {
    std::string text;  // the SDP as given; every offset below is into it
    std::vector<Line> lines;
    std::optional<Origin> origin;
    std::optional<Connection> connection;  // the session-level c=, if any
    std::optional<Direction> direction;    // a session-level direction attribute
    bool ice = false;                      // any ICE attribute at session level
    std::vector<Media> media;

    // For rewrite().
    std::optional<std::size_t> o_line;
    std::size_t o_family_begin = 0;  // where "<family> <address>" starts in text
    std::optional<std::size_t> c_line;

    // The c= that applies to media i: its own, else the session's (parse() makes sure that
    // every media section that is not rejected has one).
    const Connection* connection_of(std::size_t i) const noexcept;
    // The direction of media i: its own attribute, else the session's, else sendrecv.
    Direction direction_of(std::size_t i) const noexcept;
    // Whether media i is on hold the RFC 2543 way: its c= is 0.0.0.0 (or ::).
    bool held(std::size_t i) const noexcept;
    // The line ending of the first line: what the rewriter uses for lines it adds.
    std::string_view line_ending() const noexcept;
};

// Bounds on the input, so that hostile input costs little.
struct Limits {
    std::size_t max_bytes = 65'536;
    std::size_t max_lines = 4'096;
    std::size_t max_media = 64;
};

struct ParseError {
    std::size_t line = 0;  // 1-based; 0 when the SDP as a whole is at fault
    std::string reason;

    // "<reason> (line <n>)", or just the reason for line 0.
    std::string message() const;
};

struct ParseResult {
    std::optional<Session> session;
    ParseError error;  // meaningful only without a session

    explicit operator bool() const noexcept { return session.has_value(); }
};

// Parses an SDP body. Strict about what the relay reads or rewrites and about line structure:
// the first line is v=, every line is <letter>=<value> ended by CRLF or LF (the last may lack
// one; blank lines only at the very end; no bare CR, no NUL); o=, c=, m= and a=rtcp have
// their fields, IN as network type and IP4 or IP6 as family; ports are 0..65535; every media
// section that is not rejected has a c= of its own or a session-level one. Everything else is
// kept uninterpreted. Total: never throws (but std::bad_alloc), never undefined behaviour;
// this is the fuzzing entry point of the parser.
ParseResult parse(std::string_view text, const Limits& limits = {});

// Where the relay receives one media stream.
struct Endpoint {
    Family family = Family::ip4;
    std::string address;  // numeric
    std::uint16_t port = 0;
    // a=rtcp's port: port + 1 unless given (e.g. port itself when the relay accepts rtcp-mux).
    std::optional<std::uint16_t> rtcp_port;
};

// What to do with one media section.
struct MediaPlan {
    enum class Action {
        relay,   // through the relay at endpoint
        keep,    // leave port, c= and a=rtcp alone: for rejected sections (port 0), or a
                 // section the relay cannot carry (which then bypasses it)
        reject,  // set the port to 0
    };
    Action action = Action::keep;
    Endpoint endpoint;

    static MediaPlan relay_to(Endpoint endpoint) { return {Action::relay, std::move(endpoint)}; }
    static MediaPlan keep() { return {Action::keep, {}}; }
    static MediaPlan reject() { return {Action::reject, {}}; }
};

struct RewriteOptions {
    // Put the relay address into o= too (ng replace:["origin"]). Off by default: o= names
    // the session's creator, and rtpengine leaves it unless asked.
    bool replace_origin = false;
    // Drop a=candidate, ice-ufrag, ice-pwd, ice-options, end-of-candidates,
    // remote-candidates, ice-lite and ice-mismatch everywhere (ng ICE=remove): the relay does
    // not do ICE, and endpoints that kept the candidates would send around it.
    bool strip_ice = true;
    // Add a=rtcp:<rtcp port> to relayed sections that have none (rtpengine does, unless
    // "no rtcp attribute"), so the peer does not assume port + 1 of something else.
    bool add_rtcp_attribute = true;
};

struct RewriteResult {
    std::optional<std::string> sdp;
    std::string error;  // meaningful only without an SDP

    explicit operator bool() const noexcept { return sdp.has_value(); }
};

// The SDP with the relay in it, one plan per media section in order; session is what parse()
// returned (the positions in it are trusted). For a relayed section:
// the m= port becomes the relay port (a "/count" stays); its c= (or the session-level one it
// relies on) carries the relay address, a media-level c= being added when the session-level
// one says something else; every a=rtcp carries the RTCP port (with the relay address when the
// original had the long form) and one is added if asked. The session-level c= and, if asked,
// o= get the address of the first relayed section. A rejected section keeps its port 0.
//
// Hold: a relayed section whose c= is 0.0.0.0 (or ::) keeps that c= (and a session-level one
// that is 0.0.0.0 stays), its port still becoming the relay port, so the peer sees the hold
// it was sent. The daemon must then keep the ports of that stream allocated, must not take
// 0.0.0.0 as the new remote address (nothing is sent towards a held side, and the old
// address, or a fresh one from the re-INVITE that resumes the call, is used afterwards) and
// must hand out the same ports again when the call resumes.
//
// Every other byte is kept: line endings (lines added get the first line's), attribute order,
// unknown lines. The SDP version in o= is not incremented. Errors, with a reason, when the
// plans do not fit the SDP (count, a relay for a rejected section, a relay address that is
// not numeric, port 0, no room for port + 1).
RewriteResult rewrite(const Session& session, const std::vector<MediaPlan>& plans,
                      const RewriteOptions& options = {});

// Parses text and relays every section that is not rejected to address, at ports first_port,
// first_port + 2, ... in order; rejected sections are kept, and one that would need a port
// above 65534 is rejected. A convenience for tests, and the fuzzing entry point of parse()
// and rewrite() together.
RewriteResult relay_every_media(std::string_view text, Family family, std::string_view address,
                                std::uint16_t first_port, const RewriteOptions& options = {},
                                const Limits& limits = {});

}  // namespace rtpproxyd::sdp

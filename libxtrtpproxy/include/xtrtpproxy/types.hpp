// SPDX-License-Identifier: GPL-2.0
// Value types for switchboards, sessions, streams and counters as the kernel reports them.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>

namespace xtrtpproxy {

// An IPv4 or IPv6 address, stored in network byte order.
class Address {
  public:
    Address() = default;

    // Throws std::invalid_argument naming the text if it is not an address.
    static Address parse(std::string_view text);
    static std::optional<Address> try_parse(std::string_view text) noexcept;
    // bytes must be 4 (IPv4) or 16 (IPv6) long; throws std::invalid_argument otherwise.
    static Address from_bytes(std::span<const std::byte> bytes);

    // AF_INET, AF_INET6, or AF_UNSPEC for a default-constructed address.
    int family() const noexcept { return family_; }
    bool is_v6() const noexcept;
    // 4 or 16 bytes in network order (empty for AF_UNSPEC).
    std::span<const std::byte> bytes() const noexcept;
    // Dotted quad or RFC 5952 text, without brackets.
    std::string to_string() const;

    friend bool operator==(const Address&, const Address&) = default;

  private:
    int family_ = 0;
    std::array<std::byte, 16> bytes_{};
};

// A local address and the lowest UDP port of a gate's range.
struct Gate {
    Address addr;
    std::uint16_t port = 0;

    friend bool operator==(const Gate&, const Gate&) = default;
};

// A client's address and port.
struct Endpoint {
    Address addr;
    std::uint16_t port = 0;

    // "IP:PORT" or "[IPv6]:PORT".
    std::string to_string() const;

    friend bool operator==(const Endpoint&, const Endpoint&) = default;
};

struct SwitchboardGates;

// Which switchboard(s) a request is for: every field given must match; none matches all.
struct SwitchboardSelector {
    std::optional<Address> addr_a;
    std::optional<std::uint16_t> port_a;
    std::optional<Address> addr_b;
    std::optional<std::uint16_t> port_b;

    bool empty() const noexcept { return !addr_a && !port_a && !addr_b && !port_b; }
    // As the kernel matches a request's selector: for what it hears of all switchboards at once
    // (Monitor, monitor.hpp).
    bool matches(const SwitchboardGates& gates) const noexcept;
    friend bool operator==(const SwitchboardSelector&, const SwitchboardSelector&) = default;
};

// Relay and drop counters, global or per switchboard.
struct Counters {
    std::uint64_t packets = 0;
    std::uint64_t bytes = 0;
    std::uint64_t drop_no_session = 0;
    std::uint64_t drop_source = 0;
    std::uint64_t drop_expired = 0;
    std::uint64_t drop_malformed = 0;
    std::uint64_t drop_no_dest = 0;
    std::uint64_t drop_xmit = 0;
    std::uint64_t drop_loop = 0;  // 0 from a kernel that does not count it
    std::uint64_t sessions_created = 0;
    std::uint64_t sessions_expired = 0;
    std::uint64_t sessions_deleted = 0;
    // Copies sent beyond the first (RelayOptions::dup_below), not in packets or bytes; 0 from a
    // kernel without relay options.
    std::uint64_t duplicated = 0;
    // Packets beyond their stream's rate limit (StreamParams::rate), dropped; they count in the
    // stream's drops too. 0 from a kernel without rate limits.
    std::uint64_t drop_rate = 0;
    // Events (Monitor, monitor.hpp) that some listener missed, its receive buffer full, or that
    // could not be built: once per event however many missed it. 0 from a kernel without events.
    std::uint64_t events_lost = 0;

    friend bool operator==(const Counters&, const Counters&) = default;
};

// Answer of the info command.
struct Info {
    std::string version;
    std::uint64_t uptime_ms = 0;
    std::uint32_t switchboards = 0;
    std::uint32_t sessions = 0;
    Counters counters;
};

// What identifies a switchboard: its family and its gates. Replies about sessions carry only
// this much of their switchboard.
struct SwitchboardGates {
    int family = 0;  // gate A's; a bridge's gate B is of the other (gate_b.addr.family())
    Gate gate_a;
    Gate gate_b;

    bool bridge() const noexcept { return gate_a.addr.family() != gate_b.addr.family(); }
    // The family of the clients of stream index i (rtp-a, rtcp-a, rtp-b, rtcp-b): its gate's.
    int stream_family(std::size_t i) const noexcept {
        return (i < 2 ? gate_a : gate_b).addr.family();
    }

    // A selector matching exactly this switchboard.
    SwitchboardSelector selector() const;
    bool same_gates(const SwitchboardGates& other) const noexcept {
        return family == other.family && gate_a == other.gate_a && gate_b == other.gate_b;
    }
};

enum class SessionState : std::uint8_t { unknown = 0, live = 1, expired = 2 };

// Stream indexes, in the kernel's order.
enum class StreamIndex : std::size_t { rtp_a = 0, rtcp_a = 1, rtp_b = 2, rtcp_b = 3 };
inline constexpr std::size_t kStreams = 4;
// "rtp-a", "rtcp-a", "rtp-b", "rtcp-b".
std::string_view stream_name(std::size_t index);

// The call quality of an RTP stream, as the kernel counts it from the 12-byte RTP header of
// every datagram accepted from the client (RFC 3550 A.1, A.3 and A.8; the payload is not read),
// before the rate limit judges it. The counts start again at 0 with RTPPROXY_RESET_SESSIONS
// (Client::reset); the SSRC, the sequence and the jitter estimate go on.
struct Quality {
    // Of the last RTP datagram; absent until one came.
    std::optional<std::uint32_t> ssrc;
    // Times the SSRC changed: each new one starts a sequence of its own, added to the counts of
    // the ones before.
    std::uint32_t ssrc_changes = 0;
    std::optional<std::uint8_t> payload_type;  // of the last RTP datagram; absent until one came
    // From the sequence numbers: the extended highest less the first, plus one.
    std::uint64_t expected = 0;
    std::uint64_t lost = 0;        // expected and not received, never below 0
    std::uint64_t duplicates = 0;  // sequence numbers received again, among the last 64
    std::uint64_t reordered = 0;   // received after a later one, up to 100 behind; not lost
    // Datagrams relayed that are not RTP: shorter than their header, a version other than 2,
    // or RTCP multiplexed on the RTP port (RFC 5761). They count in nothing else here.
    std::uint64_t not_rtp = 0;
    // The interarrival jitter in RTP clock units of Session::clock_rate.
    std::uint32_t jitter = 0;

    friend bool operator==(const Quality&, const Quality&) = default;
};

// One of the four client endpoints of a session.
struct Stream {
    std::uint16_t gate_port = 0;
    std::optional<Endpoint> client;
    std::optional<std::uint32_t> learn_ms;  // remaining learning window
    bool always_learn = false;
    bool learned = false;
    std::uint64_t packets = 0;
    std::uint64_t bytes = 0;
    std::uint64_t drops = 0;
    std::optional<std::uint64_t> last_ms;  // absent while nothing was relayed
    std::uint64_t dups = 0;                // copies sent beyond the first, not in packets
    // The rate limit (RateLimit) in UDP payload bytes a second, 0 for none, and the bucket's
    // size in bytes; a kernel without rate limits reports 0 for both.
    std::uint32_t rate = 0;
    std::uint32_t burst = 0;
    // The RTP streams' (rtp-a, rtp-b); absent for the RTCP streams, which the kernel does not
    // judge, and from a module without call quality.
    std::optional<Quality> quality;
};

// The DSCP relayed packets leave with: a code point 0..63, or the one each packet arrived with.
// The ECN field is always the sender's.
struct Dscp {
    static constexpr std::uint8_t kSender = 0xff;  // RTPPROXY_DSCP_SENDER
    static constexpr std::uint8_t kMax = 63;

    std::uint8_t value = kSender;

    static constexpr Dscp sender() noexcept { return {}; }
    bool is_sender() const noexcept { return value == kSender; }
    friend bool operator==(const Dscp&, const Dscp&) = default;
};

// A firewall mark change, as iptables' MARK --set-xmark value/mask: the packet's mark becomes
// (mark & ~mask) ^ value.
struct Mark {
    static constexpr std::uint32_t kAllBits = 0xffffffff;

    std::uint32_t value = 0;
    std::uint32_t mask = kAllBits;  // what the kernel takes when a mark comes without a mask

    friend bool operator==(const Mark&, const Mark&) = default;
};

// How a session's packets leave the relay, as the kernel reports it; a kernel without relay
// options reports nothing, which reads as these defaults.
struct RelayOptions {
    Dscp dscp;
    std::uint8_t max_ttl = 0;  // the highest TTL or hop limit; 0: no cap
    Mark mark{0, 0};           // mask 0: the packets' mark stays
    // RTP and RTCP datagrams with fewer UDP payload bytes are sent twice; 0: none.
    std::uint16_t dup_below = 0;

    friend bool operator==(const RelayOptions&, const RelayOptions&) = default;
};

// The relay options a switchboard's rule gives its new sessions (iptables --dscp, --max-ttl,
// --dup-small); a kernel without them reports none, which reads as these defaults.
struct RelayDefaults {
    Dscp dscp;
    std::uint8_t max_ttl = 0;
    std::uint16_t dup_below = 0;

    friend bool operator==(const RelayDefaults&, const RelayDefaults&) = default;
};

// A switchboard as the switchboard list reports it: its gates, settings, state and counters.
struct Switchboard : SwitchboardGates {
    std::uint32_t max_sess = 0;
    std::uint32_t expires_timeout = 0;       // seconds
    std::uint32_t resurrection_timeout = 0;  // seconds
    std::uint32_t rules = 0;
    std::uint32_t live = 0;
    std::uint32_t expired = 0;
    std::uint64_t age_ms = 0;
    Counters counters;
    RelayDefaults relay_defaults;  // what its new sessions start with
};

// The longest session label (RTPPROXY_LABEL_MAX), in bytes.
inline constexpr std::size_t kLabelMax = 128;
// The RTP clock rates a session takes, in Hz (RTPPROXY_MIN_CLOCK_RATE, _MAX_CLOCK_RATE).
inline constexpr std::uint32_t kMinClockRate = 1000;
inline constexpr std::uint32_t kMaxClockRate = 1000000;

// A session's recording: a copy of each datagram it relays goes to an NFLOG group, through the
// kernel's logging path as the NFLOG target's copies do (nfnetlink_log, which the kernel loads
// when a session first records; `tcpdump -i nflog:GROUP` reads them), each with the prefix
// "rtpp ID STREAM received" or "rtpp ID STREAM sent" (STREAM: stream_name() of the stream it
// came in on). A session that does not record costs nothing.
struct Recording {
    // Which copies (RTPPROXY_NFLOG_*): the datagram as it arrived at the gate from the client,
    // as it left for the opposite client (the relay options applied, a duplicate too), or both.
    static constexpr std::uint8_t kReceived = 1;
    static constexpr std::uint8_t kSent = 2;
    static constexpr std::uint8_t kBoth = kReceived | kSent;

    std::uint16_t nflog_group = 0;
    // kReceived, kSent or kBoth; a reply keeps whatever other bits a newer module tells.
    std::uint8_t copy = kReceived;

    friend bool operator==(const Recording&, const Recording&) = default;
};

struct Session {
    std::uint32_t id = 0;
    SessionState state = SessionState::unknown;
    std::uint64_t age_ms = 0;
    std::uint64_t idle_ms = 0;
    std::array<Stream, kStreams> streams{};
    RelayOptions relay;
    // The bytes SessionParams::label gave it, as they were given; empty when it has none (and
    // from a module without labels).
    std::string label;
    // The RTP clock of its streams in Hz (SessionParams::clock_rate), the unit of their
    // Quality::jitter; 0 from a module without call quality.
    std::uint32_t clock_rate = 0;
    // While it records (SessionParams::recording); absent while it does not, and from a module
    // without recording.
    std::optional<Recording> recording;

    const Stream& stream(StreamIndex index) const {
        return streams[static_cast<std::size_t>(index)];
    }
};

// A session together with the gates of the switchboard it belongs to (alloc and session
// replies); Client::switchboards has the rest of the switchboard.
struct SessionEntry {
    SwitchboardGates switchboard;
    Session session;
};

// Inclusive session id range.
struct SessionRange {
    std::uint32_t lo = 0;
    std::uint32_t hi = 0;

    friend bool operator==(const SessionRange&, const SessionRange&) = default;
};

// The most UDP payload bytes a second the relay takes from one client stream: a token bucket of
// the stream's own, nothing shared with the others; what goes beyond is dropped
// (Counters::drop_rate and the stream's drops). A module older than the rate limits refuses a
// request with one: ModuleTooOldError (error.hpp) names it.
struct RateLimit {
    static constexpr std::uint32_t kMinBurst = 1500;  // RTPPROXY_MIN_BURST: one datagram

    std::uint32_t bytes_per_second = 0;  // 0: no limit
    // The bytes it may send at once, at least kMinBurst; absent: the kernel's default, a fifth
    // of a second at the rate, at least kMinBurst.
    std::optional<std::uint32_t> burst = std::nullopt;

    friend bool operator==(const RateLimit&, const RateLimit&) = default;
};

// What to set on one stream in alloc/update; absent fields are not sent.
struct StreamParams {
    std::optional<Address> addr;
    std::optional<std::uint16_t> port;
    std::optional<std::uint32_t> learn_timeout_ms;
    bool always_learn = false;
    bool clear_addr = false;  // update only: forget the address
    // Sets the limit and fills its bucket (bytes_per_second 0 removes it); absent: alloc has
    // none, update keeps the stream's.
    std::optional<RateLimit> rate;

    bool empty() const noexcept {
        return !addr && !port && !learn_timeout_ms && !always_learn && !clear_addr && !rate;
    }
    friend bool operator==(const StreamParams&, const StreamParams&) = default;
};

// The relay options to set in alloc/update; absent ones are not sent: alloc gives them the
// switchboard's defaults (those of its rule, else those of RelayOptions), update keeps the
// sessions' own. A module older than the relay options refuses a request with any of them:
// ModuleTooOldError (error.hpp) names the option.
struct RelayParams {
    std::optional<Dscp> dscp;
    std::optional<std::uint8_t> max_ttl;
    std::optional<Mark> mark;
    std::optional<std::uint16_t> dup_below;

    bool empty() const noexcept { return !dscp && !max_ttl && !mark && !dup_below; }
    friend bool operator==(const RelayParams&, const RelayParams&) = default;
};

struct SessionParams {
    std::array<StreamParams, kStreams> streams{};
    RelayParams relay;
    // Opaque bytes of the caller's, at most kLabelMax, that the kernel keeps with the session
    // and returns in every reply about it: a control daemon's call key (Call-ID, tags), so that
    // after a restart it finds its sessions again (LabelFilter) instead of keeping its own
    // record of them. Absent: alloc sets none, update keeps the sessions'; empty: update
    // removes it. A longer one makes the request throw std::invalid_argument. A module older
    // than the labels refuses a request with one: ModuleTooOldError (error.hpp) names it.
    std::optional<std::string> label;
    // The RTP clock of the session's streams in Hz, kMinClockRate..kMaxClockRate, for their
    // jitter (Quality::jitter): 8000 for G.711 and G.729, 48000 for Opus, 90000 for video.
    // Absent: alloc takes the kernel's 8000, update keeps the sessions'. One out of range makes
    // the request throw std::invalid_argument. A module older than the call quality refuses a
    // request with one: ModuleTooOldError (error.hpp) names it.
    std::optional<std::uint32_t> clock_rate;
    // Record the sessions (Recording): alloc starts recording, update starts it or moves it to
    // this group and these copies. Absent: alloc records nothing, update keeps the sessions'
    // recording. A copy other than Recording::kReceived, kSent or kBoth makes the request throw
    // std::invalid_argument.
    std::optional<Recording> recording;
    // The sessions stop recording (update; alloc takes it and records nothing). With recording
    // too the request throws std::invalid_argument. A module older than the recording refuses a
    // request with either: ModuleTooOldError (error.hpp) names it.
    bool stop_recording = false;

    StreamParams& stream(StreamIndex index) { return streams[static_cast<std::size_t>(index)]; }
    const StreamParams& stream(StreamIndex index) const {
        return streams[static_cast<std::size_t>(index)];
    }
    // True if some stream has an address or a learning timeout, as alloc requires.
    bool has_client_or_learning() const noexcept;
    friend bool operator==(const SessionParams&, const SessionParams&) = default;
};

// Which sessions a session list returns by their label (SessionParams::label): those whose label
// is exactly label, or with prefix those whose label begins with it. label has 1..kLabelMax
// bytes; an empty or longer one makes the request throw std::invalid_argument. A module older
// than the labels refuses the filter: ModuleTooOldError (error.hpp) names it.
struct LabelFilter {
    std::string label;
    bool prefix = false;

    // As the kernel matches a session's label: for what it hears of all sessions at once
    // (Monitor, monitor.hpp). A session without a label (an empty one) never matches.
    bool matches(std::string_view session_label) const noexcept;

    friend bool operator==(const LabelFilter&, const LabelFilter&) = default;
};

// Fills every RTCP field left empty from its RTP stream: the same address, the RTP port + 1 and
// the same learning timeout (always_learn and the rate limit are each stream's own: RTCP is a
// few percent of RTP, and a limit sized for RTP would not limit it). The kernel derives nothing:
// the alloc and update requests (message.hpp), and so Client::alloc, alloc_batch and update,
// apply this to what they are given; it is public for callers that want to see or check the
// result first. Throws std::invalid_argument if it would need a port after 65535.
SessionParams with_rtcp_defaults(SessionParams params);

}  // namespace xtrtpproxy

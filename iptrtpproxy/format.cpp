// SPDX-License-Identifier: GPL-2.0
// Output formatting: key=value words, one record per line, that scripts can split on spaces
// (iptrtpproxy(8), OUTPUT FORMAT: the names and meanings are stable).
#include "format.hpp"

#include <charconv>
#include <optional>
#include <sstream>
#include <string>

#include "label_text.hpp"

namespace iptrtpproxy {

using xtrtpproxy::SessionState;
using xtrtpproxy::StreamIndex;

std::string format_info(const xtrtpproxy::Info& info) {
    const auto& c = info.counters;
    std::ostringstream out;
    out << "version=" << info.version << "\n"
        << "uptime-ms=" << info.uptime_ms << "\n"
        << "switchboards=" << info.switchboards << "\n"
        << "sessions=" << info.sessions << "\n"
        << "packets=" << c.packets << "\n"
        << "bytes=" << c.bytes << "\n"
        << "drop-no-session=" << c.drop_no_session << "\n"
        << "drop-source=" << c.drop_source << "\n"
        << "drop-expired=" << c.drop_expired << "\n"
        << "drop-malformed=" << c.drop_malformed << "\n"
        << "drop-no-dest=" << c.drop_no_dest << "\n"
        << "drop-xmit=" << c.drop_xmit << "\n"
        << "drop-loop=" << c.drop_loop << "\n"
        << "sessions-created=" << c.sessions_created << "\n"
        << "sessions-expired=" << c.sessions_expired << "\n"
        << "sessions-deleted=" << c.sessions_deleted << "\n"
        << "duplicated=" << c.duplicated << "\n"
        << "drop-rate=" << c.drop_rate << "\n"
        << "events-lost=" << c.events_lost << "\n";
    return out.str();
}

namespace {

// Appending to one string with std::to_chars: a list of 100,000 sessions is 500,000 lines, and
// a stream object per line costs more than the kernel's dump of them.
void append_num(std::string& out, std::uint64_t value) {
    char buf[24];
    const auto end = std::to_chars(buf, buf + sizeof(buf), value).ptr;
    out.append(buf, end);
}

void append_hex(std::string& out, std::uint32_t value) {
    char buf[8];
    const auto end = std::to_chars(buf, buf + sizeof(buf), value, 16).ptr;
    out += "0x";
    out.append(buf, end);
}

// "0x" and 8 lower-case hex digits: an SSRC is 32 random bits, and a fixed width lines them up
// and reads as the packet dumps of tcpdump and Wireshark write them.
void append_hex8(std::string& out, std::uint32_t value) {
    char buf[8];
    const auto end = std::to_chars(buf, buf + sizeof(buf), value, 16).ptr;
    out += "0x";
    out.append(8 - static_cast<std::size_t>(end - buf), '0');
    out.append(buf, end);
}

// Jitter in RTP clock units as milliseconds with one decimal, rounded: integer arithmetic, so
// that the same counts always print the same text. clock_rate is not 0.
void append_jitter_ms(std::string& out, std::uint32_t jitter, std::uint32_t clock_rate) {
    const std::uint64_t tenths = (std::uint64_t{jitter} * 10000 + clock_rate / 2) / clock_rate;
    append_num(out, tenths / 10);
    out += '.';
    append_num(out, tenths % 10);
}

// "sender" or the code point, as --dscp takes it.
std::string dscp_text(xtrtpproxy::Dscp dscp) {
    return dscp.is_sender() ? "sender" : std::to_string(dscp.value);
}

// " PREFIXNAME=": every key of a record is written so. An event line holds a session's four
// streams, and there the prefix (the stream's name) tells their keys apart; in list's records
// it is empty.
void append_key(std::string& out, std::string_view prefix, std::string_view name) {
    out += ' ';
    out += prefix;
    out += name;
    out += '=';
}

void append_endpoint(std::string& out, const xtrtpproxy::Endpoint& endpoint) {
    const bool v6 = endpoint.addr.is_v6();
    if (v6) out += '[';
    out += endpoint.addr.to_string();
    out += v6 ? "]:" : ":";
    append_num(out, endpoint.port);
}

// "received", "sent" or "both", as --nflog-copy takes them; the number of any other bits (a
// newer module's).
std::string copy_text(std::uint8_t copy) {
    using xtrtpproxy::Recording;
    switch (copy) {
        case Recording::kReceived:
            return "received";
        case Recording::kSent:
            return "sent";
        case Recording::kBoth:
            return "both";
        default:
            return std::to_string(copy);
    }
}

// " nflog-group=N nflog-copy=WHICH" while the session records, " nflog-group=- nflog-copy=-"
// while it does not (and from a module without recording): always both keys, as client=- is.
void append_recording(std::string& out, const std::optional<xtrtpproxy::Recording>& recording) {
    append_key(out, "", "nflog-group");
    if (recording)
        append_num(out, recording->nflog_group);
    else
        out += '-';
    append_key(out, "", "nflog-copy");
    out += recording ? copy_text(recording->copy) : "-";
}

// " label=TEXT", only for a session that has one: most have none, and a key without a value
// would be a new kind of word in the format.
void append_label(std::string& out, const std::string& label) {
    if (label.empty()) return;
    out += " label=";
    out += label_to_text(label);
}

// The keys of list's switchboard record that name its gates.
void append_gates(std::string& out, const xtrtpproxy::SwitchboardGates& gates) {
    append_key(out, "", "addr-a");
    out += gates.gate_a.addr.to_string();
    append_key(out, "", "port-a");
    append_num(out, gates.gate_a.port);
    append_key(out, "", "addr-b");
    out += gates.gate_b.addr.to_string();
    append_key(out, "", "port-b");
    append_num(out, gates.gate_b.port);
}

// The keys of list's switchboard record, after record=switchboard.
void append_switchboard_keys(std::string& out, const xtrtpproxy::Switchboard& sb) {
    const auto& c = sb.counters;
    const auto key_num = [&](std::string_view name, std::uint64_t value) {
        append_key(out, "", name);
        append_num(out, value);
    };
    append_gates(out, sb);
    key_num("max-sess", sb.max_sess);
    key_num("expires-timeout", sb.expires_timeout);
    key_num("resurrection-timeout", sb.resurrection_timeout);
    key_num("rules", sb.rules);
    key_num("live", sb.live);
    key_num("expired", sb.expired);
    key_num("packets", c.packets);
    key_num("bytes", c.bytes);
    key_num("drop-no-session", c.drop_no_session);
    key_num("drop-source", c.drop_source);
    key_num("drop-expired", c.drop_expired);
    key_num("drop-malformed", c.drop_malformed);
    key_num("drop-no-dest", c.drop_no_dest);
    key_num("drop-xmit", c.drop_xmit);
    key_num("drop-loop", c.drop_loop);
    key_num("duplicated", c.duplicated);
    append_key(out, "", "dscp");
    out += dscp_text(sb.relay_defaults.dscp);
    key_num("max-ttl", sb.relay_defaults.max_ttl);
    key_num("dup-below", sb.relay_defaults.dup_below);
    key_num("drop-rate", c.drop_rate);
    key_num("sessions-created", c.sessions_created);
    key_num("sessions-expired", c.sessions_expired);
    key_num("sessions-deleted", c.sessions_deleted);
    key_num("events-lost", c.events_lost);
}

// The call quality keys of an RTP stream's record, each with prefix; jitter-ms only with the
// session's clock rate (0: a module that does not say).
void append_quality_keys(std::string& out, std::string_view prefix,
                         const xtrtpproxy::Quality& quality, std::uint32_t clock_rate) {
    const auto key_num = [&](std::string_view name, std::uint64_t value) {
        append_key(out, prefix, name);
        append_num(out, value);
    };
    // The SSRC and the payload type are the last RTP datagram's: none before the first.
    if (quality.ssrc) {
        append_key(out, prefix, "ssrc");
        append_hex8(out, *quality.ssrc);
    }
    key_num("ssrc-changes", quality.ssrc_changes);
    if (quality.payload_type) key_num("pt", *quality.payload_type);
    key_num("expected", quality.expected);
    key_num("lost", quality.lost);
    key_num("duplicates", quality.duplicates);
    key_num("reordered", quality.reordered);
    key_num("jitter", quality.jitter);
    if (clock_rate) {
        append_key(out, prefix, "jitter-ms");
        append_jitter_ms(out, quality.jitter, clock_rate);
    }
    key_num("not-rtp", quality.not_rtp);
}

// The keys of list's stream record after its stream=NAME, each with prefix; clock_rate is the
// session's, for the jitter.
void append_stream_keys(std::string& out, std::string_view prefix, const xtrtpproxy::Stream& stream,
                        std::uint32_t clock_rate) {
    const auto key_num = [&](std::string_view name, std::uint64_t value) {
        append_key(out, prefix, name);
        append_num(out, value);
    };
    key_num("gate-port", stream.gate_port);
    append_key(out, prefix, "client");
    if (stream.client)
        append_endpoint(out, *stream.client);
    else
        out += '-';
    if (stream.learn_ms) key_num("learn-ms", *stream.learn_ms);
    key_num("learned", stream.learned ? 1 : 0);
    key_num("always-learn", stream.always_learn ? 1 : 0);
    key_num("packets", stream.packets);
    key_num("bytes", stream.bytes);
    key_num("drops", stream.drops);
    if (stream.last_ms) key_num("last-ms", *stream.last_ms);
    key_num("dups", stream.dups);
    key_num("rate", stream.rate);
    key_num("burst", stream.burst);
    // The RTP streams' only: the kernel judges no RTCP.
    if (stream.quality) append_quality_keys(out, prefix, *stream.quality, clock_rate);
}

void append_stream(std::string& out, std::size_t index, const xtrtpproxy::Stream& stream,
                   std::uint32_t clock_rate) {
    out += "    record=stream stream=";
    out += xtrtpproxy::stream_name(index);
    append_stream_keys(out, "", stream, clock_rate);
    out += '\n';
}

// The keys of list's session record, after record=session.
void append_session_keys(std::string& out, const xtrtpproxy::Session& session) {
    const char* state = session.state == SessionState::live      ? "live"
                        : session.state == SessionState::expired ? "expired"
                                                                 : "unknown";
    append_key(out, "", "id");
    append_num(out, session.id);
    append_key(out, "", "state");
    out += state;
    append_key(out, "", "age-ms");
    append_num(out, session.age_ms);
    append_key(out, "", "idle-ms");
    append_num(out, session.idle_ms);
    const auto& relay = session.relay;
    append_key(out, "", "dscp");
    out += dscp_text(relay.dscp);
    append_key(out, "", "max-ttl");
    append_num(out, relay.max_ttl);
    append_key(out, "", "mark");
    append_hex(out, relay.mark.value);
    out += '/';
    append_hex(out, relay.mark.mask);
    append_key(out, "", "dup-below");
    append_num(out, relay.dup_below);
    // From a module with call quality only, which always has one.
    if (session.clock_rate) {
        append_key(out, "", "clock-rate");
        append_num(out, session.clock_rate);
    }
    append_recording(out, session.recording);
    // After every other key of the record, as the man page promises.
    append_label(out, session.label);
}

void append_session(std::string& out, const xtrtpproxy::Session& session) {
    out += "  record=session";
    append_session_keys(out, session);
    out += '\n';
    for (std::size_t i = 0; i < xtrtpproxy::kStreams; ++i)
        append_stream(out, i, session.streams[i], session.clock_rate);
}

}  // namespace

std::string format_switchboard(const xtrtpproxy::Switchboard& sb) {
    std::string out = "record=switchboard";
    append_switchboard_keys(out, sb);
    out += '\n';
    return out;
}

std::string format_stream(std::size_t index, const xtrtpproxy::Stream& stream,
                          std::uint32_t clock_rate) {
    std::string out;
    append_stream(out, index, stream, clock_rate);
    return out;
}

std::string format_session(const xtrtpproxy::Session& session) {
    std::string out;
    append_session(out, session);
    return out;
}

std::string format_event(const xtrtpproxy::Event& event, std::size_t receive_buffer) {
    std::string out = "event=";
    out += xtrtpproxy::event_name(event.kind);
    if (event.kind == xtrtpproxy::EventKind::lost) {
        // How many were lost, the kernel does not say here (info's events-lost counts them);
        // what ran full is the hint for --rcvbuf.
        append_key(out, "", "rcvbuf");
        append_num(out, receive_buffer);
    } else if (event.switchboard) {
        append_switchboard_keys(out, *event.switchboard);
    } else if (event.session) {
        if (event.stream) {
            append_key(out, "", "stream");
            out += xtrtpproxy::stream_name(static_cast<std::size_t>(*event.stream));
        }
        append_gates(out, event.gates);
        append_session_keys(out, *event.session);
        for (std::size_t i = 0; i < xtrtpproxy::kStreams; ++i) {
            std::string prefix(xtrtpproxy::stream_name(i));
            prefix += '-';
            append_stream_keys(out, prefix, event.session->streams[i], event.session->clock_rate);
        }
    }
    out += '\n';
    return out;
}

std::string format_list(const std::vector<xtrtpproxy::Switchboard>& switchboards,
                        const std::vector<xtrtpproxy::SessionEntry>& sessions, bool with_sessions) {
    std::ostringstream out;
    write_list(out, switchboards, sessions, with_sessions);
    return out.str();
}

void write_list(std::ostream& out, const std::vector<xtrtpproxy::Switchboard>& switchboards,
                const std::vector<xtrtpproxy::SessionEntry>& sessions, bool with_sessions) {
    // Written in pieces: the whole text of 100,000 sessions is tens of megabytes.
    constexpr std::size_t kPiece = 64 * 1024;
    std::string buf;
    buf.reserve(kPiece + 4096);
    for (const auto& sb : switchboards) {
        buf += format_switchboard(sb);
        if (with_sessions) {
            for (const auto& entry : sessions) {
                if (!entry.switchboard.same_gates(sb)) continue;
                append_session(buf, entry.session);
                if (buf.size() >= kPiece) {
                    out.write(buf.data(), static_cast<std::streamsize>(buf.size()));
                    buf.clear();
                }
            }
        }
    }
    out.write(buf.data(), static_cast<std::streamsize>(buf.size()));
}

std::string format_alloc(const xtrtpproxy::SessionEntry& entry) {
    const auto& sb = entry.switchboard;
    const auto& session = entry.session;
    // The kernel reports each stream's gate port; the ABI's arithmetic is the fallback.
    const auto port = [&](StreamIndex index, const xtrtpproxy::Gate& gate, unsigned rtcp) {
        const std::uint16_t reported = session.stream(index).gate_port;
        return reported ? reported : static_cast<unsigned>(gate.port) + 2 * session.id + rtcp;
    };
    std::ostringstream out;
    // gate-: the ports on the proxy, not the clients' ports that --rtp-port-a and the like set.
    out << "sess-id=" << session.id << " addr-a=" << sb.gate_a.addr.to_string()
        << " gate-rtp-port-a=" << port(StreamIndex::rtp_a, sb.gate_a, 0)
        << " gate-rtcp-port-a=" << port(StreamIndex::rtcp_a, sb.gate_a, 1)
        << " addr-b=" << sb.gate_b.addr.to_string()
        << " gate-rtp-port-b=" << port(StreamIndex::rtp_b, sb.gate_b, 0)
        << " gate-rtcp-port-b=" << port(StreamIndex::rtcp_b, sb.gate_b, 1);
    std::string line = out.str();
    append_label(line, session.label);
    return line + "\n";
}

}  // namespace iptrtpproxy

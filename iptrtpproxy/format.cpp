// SPDX-License-Identifier: GPL-2.0
// Output formatting: key=value words, one record per line, that scripts can split on spaces
// (iptrtpproxy(8), OUTPUT FORMAT: the names and meanings are stable).
#include "format.hpp"

#include <charconv>
#include <sstream>

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
        << "drop-rate=" << c.drop_rate << "\n";
    return out.str();
}

namespace {

// "sender" or the code point, as --dscp takes it.
std::string dscp_text(xtrtpproxy::Dscp dscp) {
    return dscp.is_sender() ? "sender" : std::to_string(dscp.value);
}

}  // namespace

std::string format_switchboard(const xtrtpproxy::Switchboard& sb) {
    const auto& c = sb.counters;
    std::ostringstream out;
    out << "record=switchboard addr-a=" << sb.gate_a.addr.to_string()
        << " port-a=" << sb.gate_a.port << " addr-b=" << sb.gate_b.addr.to_string()
        << " port-b=" << sb.gate_b.port << " max-sess=" << sb.max_sess
        << " expires-timeout=" << sb.expires_timeout
        << " resurrection-timeout=" << sb.resurrection_timeout << " rules=" << sb.rules
        << " live=" << sb.live << " expired=" << sb.expired << " packets=" << c.packets
        << " bytes=" << c.bytes << " drop-no-session=" << c.drop_no_session
        << " drop-source=" << c.drop_source << " drop-expired=" << c.drop_expired
        << " drop-malformed=" << c.drop_malformed << " drop-no-dest=" << c.drop_no_dest
        << " drop-xmit=" << c.drop_xmit << " drop-loop=" << c.drop_loop
        << " duplicated=" << c.duplicated << " dscp=" << dscp_text(sb.relay_defaults.dscp)
        << " max-ttl=" << unsigned{sb.relay_defaults.max_ttl}
        << " dup-below=" << sb.relay_defaults.dup_below << " drop-rate=" << c.drop_rate << "\n";
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

void append_endpoint(std::string& out, const xtrtpproxy::Endpoint& endpoint) {
    const bool v6 = endpoint.addr.is_v6();
    if (v6) out += '[';
    out += endpoint.addr.to_string();
    out += v6 ? "]:" : ":";
    append_num(out, endpoint.port);
}

void append_stream(std::string& out, std::size_t index, const xtrtpproxy::Stream& stream) {
    out += "    record=stream stream=";
    out += xtrtpproxy::stream_name(index);
    out += " gate-port=";
    append_num(out, stream.gate_port);
    out += " client=";
    if (stream.client)
        append_endpoint(out, *stream.client);
    else
        out += '-';
    if (stream.learn_ms) {
        out += " learn-ms=";
        append_num(out, *stream.learn_ms);
    }
    out += stream.learned ? " learned=1" : " learned=0";
    out += stream.always_learn ? " always-learn=1" : " always-learn=0";
    out += " packets=";
    append_num(out, stream.packets);
    out += " bytes=";
    append_num(out, stream.bytes);
    out += " drops=";
    append_num(out, stream.drops);
    if (stream.last_ms) {
        out += " last-ms=";
        append_num(out, *stream.last_ms);
    }
    out += " dups=";
    append_num(out, stream.dups);
    out += " rate=";
    append_num(out, stream.rate);
    out += " burst=";
    append_num(out, stream.burst);
    out += '\n';
}

void append_session(std::string& out, const xtrtpproxy::Session& session) {
    const char* state = session.state == SessionState::live      ? "live"
                        : session.state == SessionState::expired ? "expired"
                                                                 : "unknown";
    out += "  record=session id=";
    append_num(out, session.id);
    out += " state=";
    out += state;
    out += " age-ms=";
    append_num(out, session.age_ms);
    out += " idle-ms=";
    append_num(out, session.idle_ms);
    const auto& relay = session.relay;
    out += " dscp=";
    out += dscp_text(relay.dscp);
    out += " max-ttl=";
    append_num(out, relay.max_ttl);
    out += " mark=";
    append_hex(out, relay.mark.value);
    out += '/';
    append_hex(out, relay.mark.mask);
    out += " dup-below=";
    append_num(out, relay.dup_below);
    out += '\n';
    for (std::size_t i = 0; i < xtrtpproxy::kStreams; ++i)
        append_stream(out, i, session.streams[i]);
}

}  // namespace

std::string format_stream(std::size_t index, const xtrtpproxy::Stream& stream) {
    std::string out;
    append_stream(out, index, stream);
    return out;
}

std::string format_session(const xtrtpproxy::Session& session) {
    std::string out;
    append_session(out, session);
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
        << " gate-rtcp-port-b=" << port(StreamIndex::rtcp_b, sb.gate_b, 1) << "\n";
    return out.str();
}

}  // namespace iptrtpproxy

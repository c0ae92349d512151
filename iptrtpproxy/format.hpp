// SPDX-License-Identifier: GPL-2.0
// The output formats of iptrtpproxy, as its man page documents them.
#pragma once

#include <cstddef>
#include <cstdint>
#include <ostream>
#include <string>
#include <vector>

#include "xtrtpproxy/event.hpp"
#include "xtrtpproxy/types.hpp"

namespace iptrtpproxy {

// "key=value" lines of `info`.
std::string format_info(const xtrtpproxy::Info& info);
// One "record=switchboard ..." line, newline included.
std::string format_switchboard(const xtrtpproxy::Switchboard& sb);
// "    record=stream stream=rtp-a gate-port=..." line of stream index, newline included;
// clock_rate is its session's (Session::clock_rate), for jitter-ms (0: unknown, none).
std::string format_stream(std::size_t index, const xtrtpproxy::Stream& stream,
                          std::uint32_t clock_rate = 0);
// "  record=session ..." line followed by its four stream lines.
std::string format_session(const xtrtpproxy::Session& session);
// Every switchboard, each followed by its sessions unless with_sessions is false. Sessions of
// switchboards not in the list are left out.
std::string format_list(const std::vector<xtrtpproxy::Switchboard>& switchboards,
                        const std::vector<xtrtpproxy::SessionEntry>& sessions, bool with_sessions);
// The same text written to out as it is made.
void write_list(std::ostream& out, const std::vector<xtrtpproxy::Switchboard>& switchboards,
                const std::vector<xtrtpproxy::SessionEntry>& sessions, bool with_sessions);
// The line `monitor` prints for an event, newline included: event=NAME, then for a switchboard
// event the keys of its list record; for a session event (learned: stream=NAME first) the gate
// keys of that record, the keys of the session's record, and those of its four stream records
// with the stream's name before each key (rtp-a-client=...). For an overrun event=lost and the
// receive buffer that ran full, receive_buffer bytes (Monitor::receive_buffer).
std::string format_event(const xtrtpproxy::Event& event, std::size_t receive_buffer);
// The one line `alloc` prints: id, gate addresses and the gate ports for the SDP.
std::string format_alloc(const xtrtpproxy::SessionEntry& entry);

}  // namespace iptrtpproxy

// SPDX-License-Identifier: GPL-2.0
// Events of the module's multicast group (RTPPROXY_CMD_EVENT): what they tell, and parsing them.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string_view>
#include <vector>

#include "xtrtpproxy/types.hpp"

struct nlmsghdr;

namespace xtrtpproxy {

// What happened, numbered as enum rtpproxy_event of the ABI header (which says what each
// means); lost is the library's own.
enum class EventKind : std::uint8_t {
    // Not the kernel's: the socket's receive buffer ran full and events were dropped (how many,
    // the module counts: Counters::events_lost). Nothing else of the Event is set.
    lost = 0,
    session_new = 1,
    learned = 2,
    expired = 3,
    resurrected = 4,
    deleted = 5,  // by command: the session's last counters
    freed = 6,    // after the resurrection timeout: its last counters
    switchboard_new = 7,
    // Its last rule went: it and all its sessions are freed, without an event for each session.
    switchboard_del = 8,
};

// "lost", "session-new", "learned", "expired", "resurrected", "deleted", "freed",
// "switchboard-new", "switchboard-del".
std::string_view event_name(EventKind kind);
bool is_switchboard_event(EventKind kind) noexcept;

struct Event {
    EventKind kind = EventKind::lost;
    // The switchboard it happened in (or that it is about); empty for lost.
    SwitchboardGates gates;
    // Switchboard events: the whole switchboard, as Client::switchboards reports it (its last
    // counters for switchboard_del).
    std::optional<Switchboard> switchboard;
    // Session events: the session as Client::session reports it, at the time of the event.
    std::optional<Session> session;
    // learned: the stream that learned its client (session->stream(*stream).client).
    std::optional<StreamIndex> stream;
};

// One message of the events group. Nothing for a message this library does not know: another
// command or an event number beyond the ones above (a newer module's), to be skipped. Throws
// std::system_error(EBADMSG) on one that breaks the ABI.
std::optional<Event> parse_event(const nlmsghdr* nlh);

// The events in a buffer received from the group: the messages of family_id (the module's
// family, Socket::family_id) that parse_event knows, in order; the others are skipped.
// Throws as parse_event.
std::vector<Event> parse_events(std::span<const std::byte> buf, std::uint16_t family_id);

}  // namespace xtrtpproxy

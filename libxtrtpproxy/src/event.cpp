// SPDX-License-Identifier: GPL-2.0
// Parsing event messages, with the switchboard and session parsers of the replies.
#include "xtrtpproxy/event.hpp"

#include <libmnl/libmnl.h>
#include <linux/genetlink.h>
#include <linux/netfilter/xt_RTPPROXY.h>
#include <linux/netlink.h>

#include <string>

#include "reply_parse.hpp"
#include "xtrtpproxy/error.hpp"

namespace xtrtpproxy {

static_assert(static_cast<int>(EventKind::session_new) == RTPPROXY_EVENT_SESSION_NEW);
static_assert(static_cast<int>(EventKind::learned) == RTPPROXY_EVENT_LEARNED);
static_assert(static_cast<int>(EventKind::expired) == RTPPROXY_EVENT_EXPIRED);
static_assert(static_cast<int>(EventKind::resurrected) == RTPPROXY_EVENT_RESURRECTED);
static_assert(static_cast<int>(EventKind::deleted) == RTPPROXY_EVENT_DELETED);
static_assert(static_cast<int>(EventKind::freed) == RTPPROXY_EVENT_FREED);
static_assert(static_cast<int>(EventKind::switchboard_new) == RTPPROXY_EVENT_SWITCHBOARD_NEW);
static_assert(static_cast<int>(EventKind::switchboard_del) == RTPPROXY_EVENT_SWITCHBOARD_DEL);
// The ABI header of a newer module: EventKind must grow with it, or its events are skipped.
static_assert(RTPPROXY_EVENT_MAX == RTPPROXY_EVENT_SWITCHBOARD_DEL);

std::string_view event_name(EventKind kind) {
    switch (kind) {
        case EventKind::lost:
            return "lost";
        case EventKind::session_new:
            return "session-new";
        case EventKind::learned:
            return "learned";
        case EventKind::expired:
            return "expired";
        case EventKind::resurrected:
            return "resurrected";
        case EventKind::deleted:
            return "deleted";
        case EventKind::freed:
            return "freed";
        case EventKind::switchboard_new:
            return "switchboard-new";
        case EventKind::switchboard_del:
            return "switchboard-del";
    }
    return "event?";
}

bool is_switchboard_event(EventKind kind) noexcept {
    return kind == EventKind::switchboard_new || kind == EventKind::switchboard_del;
}

std::optional<Event> parse_event(const nlmsghdr* nlh) {
    if (mnl_nlmsg_get_payload_len(nlh) < sizeof(genlmsghdr))
        throw malformed_reply("event message is truncated");
    // Other commands may come to the group from a newer module; they are not for us to judge.
    if (static_cast<const genlmsghdr*>(mnl_nlmsg_get_payload(nlh))->cmd != RTPPROXY_CMD_EVENT)
        return std::nullopt;
    const auto tb = parse_top_attributes(nlh, "event");
    const std::uint8_t number = mnl_attr_get_u8(require(tb[RTPPROXY_A_EVENT], "event number"));
    if (number == 0) throw malformed_reply("event number 0");
    // A newer module's: what it means, this library cannot say.
    if (number > static_cast<int>(EventKind::switchboard_del)) return std::nullopt;

    Event event;
    event.kind = static_cast<EventKind>(number);
    const nlattr* sb = require(tb[RTPPROXY_A_SWITCHBOARD], "switchboard of the event");
    if (is_switchboard_event(event.kind)) {
        event.switchboard = parse_switchboard(sb);
        event.gates = *event.switchboard;
        return event;
    }
    event.gates = parse_switchboard_gates(sb);
    event.session = parse_session(require(tb[RTPPROXY_A_SESSION], "session of the event"));
    if (event.kind == EventKind::learned) {
        const std::uint8_t stream =
            mnl_attr_get_u8(require(tb[RTPPROXY_A_STREAM], "stream of the learned event"));
        if (stream >= kStreams) throw malformed_reply("stream " + std::to_string(stream));
        event.stream = static_cast<StreamIndex>(stream);
    }
    return event;
}

std::vector<Event> parse_events(std::span<const std::byte> buf, std::uint16_t family_id) {
    std::vector<Event> events;
    int len = static_cast<int>(buf.size());
    auto* nlh = reinterpret_cast<const nlmsghdr*>(buf.data());
    for (; mnl_nlmsg_ok(nlh, len); nlh = mnl_nlmsg_next(nlh, &len)) {
        if (nlh->nlmsg_type != family_id) continue;
        if (auto event = parse_event(nlh)) events.push_back(std::move(*event));
    }
    return events;
}

}  // namespace xtrtpproxy

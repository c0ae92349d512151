// SPDX-License-Identifier: GPL-2.0
// Event messages as kmod/events.c builds them, each kind, what is skipped, what is broken; and
// the events group's id in the controller's answer.
#include "xtrtpproxy/event.hpp"

#include <gtest/gtest.h>
#include <linux/genetlink.h>
#include <linux/netfilter/xt_RTPPROXY.h>
#include <sys/socket.h>

#include <cerrno>
#include <string>

#include "netlink_util.hpp"
#include "xtrtpproxy/message.hpp"

using namespace xtrtpproxy;
using testutil::catch_system_error;
using testutil::kFamily;
using testutil::MessageBuffer;
using testutil::put_gate;

namespace {

void begin_event(MessageBuffer& m, std::uint8_t event, std::uint8_t cmd = RTPPROXY_CMD_EVENT) {
    m.begin(kFamily, 0, 0, true, cmd);
    mnl_attr_put_u8(m.nlh(), RTPPROXY_A_EVENT, event);
}

// A session event's switchboard: family and gates.
void put_gates(MessageBuffer& m) {
    nlattr* nest = m.nest(RTPPROXY_A_SWITCHBOARD);
    testutil::put_ipv4_gates(m);
    m.end_nest(nest);
}

// A switchboard event's: as GET_SWITCHBOARD's, with its last counters.
void put_switchboard(MessageBuffer& m) {
    nlattr* nest = m.nest(RTPPROXY_A_SWITCHBOARD);
    mnl_attr_put_u8(m.nlh(), RTPPROXY_SB_A_FAMILY, AF_INET6);
    put_gate(m, RTPPROXY_SB_A_GATE_A, "fd00::1", 40000);
    put_gate(m, RTPPROXY_SB_A_GATE_B, "fd00::2", 42000);
    mnl_attr_put_u32(m.nlh(), RTPPROXY_SB_A_MAX_SESS, 4);
    mnl_attr_put_u32(m.nlh(), RTPPROXY_SB_A_EXPIRES_TIMEOUT, 2);
    nlattr* counters = m.nest(RTPPROXY_SB_A_COUNTERS);
    m.put_u64(RTPPROXY_CNT_A_SESS_CREATED, 1);
    m.put_u64(RTPPROXY_CNT_A_EVENTS_LOST, 7);
    m.end_nest(counters);
    m.end_nest(nest);
}

// Session 5 with a label, client A's RTP learned, 3 packets from it.
void put_session(MessageBuffer& m, std::uint8_t state = RTPPROXY_SESS_LIVE) {
    nlattr* nest = m.nest(RTPPROXY_A_SESSION);
    mnl_attr_put_u32(m.nlh(), RTPPROXY_SESS_A_ID, 5);
    mnl_attr_put_u8(m.nlh(), RTPPROXY_SESS_A_STATE, state);
    m.put_u64(RTPPROXY_SESS_A_AGE_MS, 1200);
    m.put_u64(RTPPROXY_SESS_A_IDLE_MS, 30);
    mnl_attr_put(m.nlh(), RTPPROXY_SESS_A_LABEL, 7, "c1;tag\n");
    for (std::uint16_t i = 0; i < RTPPROXY_STREAMS; ++i) {
        nlattr* stream = m.nest(RTPPROXY_SESS_A_RTP_A + i);
        mnl_attr_put_u16(m.nlh(), RTPPROXY_STREAM_A_GATE_PORT, 12 + i);
        if (i == RTPPROXY_STREAM_RTP_A) {
            m.put_addr(RTPPROXY_STREAM_A_ADDR, "192.0.2.5");
            mnl_attr_put_u16(m.nlh(), RTPPROXY_STREAM_A_PORT, 4000);
            mnl_attr_put(m.nlh(), RTPPROXY_STREAM_A_LEARNED, 0, nullptr);
            m.put_u64(RTPPROXY_STREAM_A_PACKETS, 3);
        }
        m.end_nest(stream);
    }
    m.end_nest(nest);
}

void put_session_event(MessageBuffer& m, std::uint8_t event) {
    begin_event(m, event);
    put_gates(m);
    put_session(m);
    if (event == RTPPROXY_EVENT_LEARNED)
        mnl_attr_put_u8(m.nlh(), RTPPROXY_A_STREAM, RTPPROXY_STREAM_RTP_A);
    m.end();
}

int parse_errno(const nlmsghdr* nlh) {
    return catch_system_error([&] { parse_event(nlh); }).code().value();
}

}  // namespace

TEST(Event, SessionEvents) {
    for (const auto& [number, kind] :
         {std::pair{RTPPROXY_EVENT_SESSION_NEW, EventKind::session_new},
          {RTPPROXY_EVENT_EXPIRED, EventKind::expired},
          {RTPPROXY_EVENT_RESURRECTED, EventKind::resurrected},
          {RTPPROXY_EVENT_DELETED, EventKind::deleted},
          {RTPPROXY_EVENT_FREED, EventKind::freed}}) {
        MessageBuffer m;
        put_session_event(m, number);
        const auto event = parse_event(m.nlh());
        ASSERT_TRUE(event) << number;
        EXPECT_EQ(event->kind, kind);
        EXPECT_EQ(event->gates.family, AF_INET);
        EXPECT_EQ(event->gates.gate_a, (Gate{Address::parse("10.0.1.1"), 2}));
        EXPECT_EQ(event->gates.gate_b, (Gate{Address::parse("10.0.1.1"), 4}));
        EXPECT_FALSE(event->switchboard);
        EXPECT_FALSE(event->stream);
        ASSERT_TRUE(event->session);
        EXPECT_EQ(event->session->id, 5U);
        EXPECT_EQ(event->session->state, SessionState::live);
        EXPECT_EQ(event->session->age_ms, 1200U);
        EXPECT_EQ(event->session->label, "c1;tag\n");
        EXPECT_EQ(event->session->stream(StreamIndex::rtp_a).packets, 3U);
        EXPECT_EQ(event->session->stream(StreamIndex::rtcp_b).gate_port, 15);
    }
}

TEST(Event, LearnedTellsTheStream) {
    MessageBuffer m;
    put_session_event(m, RTPPROXY_EVENT_LEARNED);
    const auto event = parse_event(m.nlh());
    ASSERT_TRUE(event);
    EXPECT_EQ(event->kind, EventKind::learned);
    ASSERT_TRUE(event->stream);
    EXPECT_EQ(*event->stream, StreamIndex::rtp_a);
    const Stream& stream = event->session->stream(*event->stream);
    EXPECT_TRUE(stream.learned);
    EXPECT_EQ(stream.client, (Endpoint{Address::parse("192.0.2.5"), 4000}));
}

TEST(Event, SwitchboardEvents) {
    for (const auto& [number, kind] :
         {std::pair{RTPPROXY_EVENT_SWITCHBOARD_NEW, EventKind::switchboard_new},
          {RTPPROXY_EVENT_SWITCHBOARD_DEL, EventKind::switchboard_del}}) {
        MessageBuffer m;
        begin_event(m, number);
        put_switchboard(m);
        m.end();
        const auto event = parse_event(m.nlh());
        ASSERT_TRUE(event);
        EXPECT_EQ(event->kind, kind);
        EXPECT_TRUE(is_switchboard_event(kind));
        EXPECT_FALSE(event->session);
        ASSERT_TRUE(event->switchboard);
        EXPECT_EQ(event->switchboard->max_sess, 4U);
        EXPECT_EQ(event->switchboard->expires_timeout, 2U);
        EXPECT_EQ(event->switchboard->counters.sessions_created, 1U);
        EXPECT_EQ(event->switchboard->counters.events_lost, 7U);
        EXPECT_TRUE(event->gates.same_gates(*event->switchboard));
        EXPECT_EQ(event->gates.gate_b, (Gate{Address::parse("fd00::2"), 42000}));
    }
}

TEST(Event, NamesAsTheManPageHasThem) {
    EXPECT_EQ(event_name(EventKind::lost), "lost");
    EXPECT_EQ(event_name(EventKind::session_new), "session-new");
    EXPECT_EQ(event_name(EventKind::learned), "learned");
    EXPECT_EQ(event_name(EventKind::expired), "expired");
    EXPECT_EQ(event_name(EventKind::resurrected), "resurrected");
    EXPECT_EQ(event_name(EventKind::deleted), "deleted");
    EXPECT_EQ(event_name(EventKind::freed), "freed");
    EXPECT_EQ(event_name(EventKind::switchboard_new), "switchboard-new");
    EXPECT_EQ(event_name(EventKind::switchboard_del), "switchboard-del");
    EXPECT_FALSE(is_switchboard_event(EventKind::deleted));
    EXPECT_FALSE(is_switchboard_event(EventKind::lost));
}

TEST(Event, ANewerModulesEventIsSkipped) {
    MessageBuffer m;
    // Whatever it carries: this library cannot know its attributes.
    begin_event(m, RTPPROXY_EVENT_MAX + 1);
    m.end();
    EXPECT_FALSE(parse_event(m.nlh()));
    MessageBuffer other;
    begin_event(other, RTPPROXY_EVENT_DELETED, RTPPROXY_CMD_MAX + 1);
    other.end();
    EXPECT_FALSE(parse_event(other.nlh()));
}

TEST(Event, BrokenMessagesAreMalformed) {
    {
        MessageBuffer m;  // no event number
        m.begin(kFamily, 0, 0, true, RTPPROXY_CMD_EVENT);
        put_gates(m);
        put_session(m);
        m.end();
        EXPECT_EQ(parse_errno(m.nlh()), EBADMSG);
    }
    {
        MessageBuffer m;  // no event is number 0
        put_session_event(m, 0);
        EXPECT_EQ(parse_errno(m.nlh()), EBADMSG);
    }
    {
        MessageBuffer m;  // the number in a u32
        m.begin(kFamily, 0, 0, true, RTPPROXY_CMD_EVENT);
        mnl_attr_put_u32(m.nlh(), RTPPROXY_A_EVENT, RTPPROXY_EVENT_DELETED);
        put_gates(m);
        put_session(m);
        m.end();
        EXPECT_EQ(parse_errno(m.nlh()), EBADMSG);
    }
    {
        MessageBuffer m;  // a session event without its session
        begin_event(m, RTPPROXY_EVENT_EXPIRED);
        put_gates(m);
        m.end();
        const auto e = catch_system_error([&] { parse_event(m.nlh()); });
        EXPECT_EQ(e.code().value(), EBADMSG);
        EXPECT_NE(std::string(e.what()).find("session"), std::string::npos) << e.what();
    }
    {
        MessageBuffer m;  // an event without its switchboard
        begin_event(m, RTPPROXY_EVENT_SWITCHBOARD_NEW);
        m.end();
        EXPECT_EQ(parse_errno(m.nlh()), EBADMSG);
    }
    {
        MessageBuffer m;  // learned without its stream
        begin_event(m, RTPPROXY_EVENT_LEARNED);
        put_gates(m);
        put_session(m);
        m.end();
        EXPECT_EQ(parse_errno(m.nlh()), EBADMSG);
    }
    {
        MessageBuffer m;  // learned by a stream that does not exist
        begin_event(m, RTPPROXY_EVENT_LEARNED);
        put_gates(m);
        put_session(m);
        mnl_attr_put_u8(m.nlh(), RTPPROXY_A_STREAM, RTPPROXY_STREAMS);
        m.end();
        EXPECT_EQ(parse_errno(m.nlh()), EBADMSG);
    }
    {
        MessageBuffer m;  // the session parsed as a reply's: a label longer than the ABI's
        begin_event(m, RTPPROXY_EVENT_DELETED);
        put_gates(m);
        nlattr* nest = m.nest(RTPPROXY_A_SESSION);
        mnl_attr_put_u32(m.nlh(), RTPPROXY_SESS_A_ID, 1);
        mnl_attr_put_u8(m.nlh(), RTPPROXY_SESS_A_STATE, RTPPROXY_SESS_LIVE);
        const std::string label(RTPPROXY_LABEL_MAX + 1, 'x');
        mnl_attr_put(m.nlh(), RTPPROXY_SESS_A_LABEL, label.size(), label.data());
        m.end_nest(nest);
        m.end();
        EXPECT_EQ(parse_errno(m.nlh()), EBADMSG);
    }
    {
        MessageBuffer m;  // not even a generic netlink header
        m.begin(kFamily, 0, 0, false);
        m.end();
        EXPECT_EQ(parse_errno(m.nlh()), EBADMSG);
    }
}

TEST(Event, ABufferOfMessagesGivesTheEventsOfTheFamily) {
    MessageBuffer m;
    put_session_event(m, RTPPROXY_EVENT_SESSION_NEW);
    m.ack(0);                                // no event
    begin_event(m, RTPPROXY_EVENT_MAX + 1);  // a newer module's
    m.end();
    m.begin(kFamily + 1, 0, 0, true, RTPPROXY_CMD_EVENT);  // another family's
    m.end();
    put_session_event(m, RTPPROXY_EVENT_FREED);
    const auto events = parse_events(m.bytes(), kFamily);
    ASSERT_EQ(events.size(), 2U);
    EXPECT_EQ(events[0].kind, EventKind::session_new);
    EXPECT_EQ(events[1].kind, EventKind::freed);
    EXPECT_TRUE(parse_events({}, kFamily).empty());
}

// CTRL_CMD_GETFAMILY's answer: the events group's id among the family's groups.
TEST(EventGroup, FoundInTheControllersReply) {
    MessageBuffer m;
    m.begin(GENL_ID_CTRL, 0, 1, true, CTRL_CMD_NEWFAMILY);
    mnl_attr_put_strz(m.nlh(), CTRL_ATTR_FAMILY_NAME, XT_RTPPROXY_GENL_NAME);
    mnl_attr_put_u16(m.nlh(), CTRL_ATTR_FAMILY_ID, 0x23);
    nlattr* groups = m.nest(CTRL_ATTR_MCAST_GROUPS);
    std::uint16_t index = 1;
    for (const auto& [name, id] : {std::pair{"other", 11U}, {XT_RTPPROXY_MCGRP_EVENTS, 12U}}) {
        nlattr* group = m.nest(index++);
        mnl_attr_put_u32(m.nlh(), CTRL_ATTR_MCAST_GRP_ID, id);
        mnl_attr_put_strz(m.nlh(), CTRL_ATTR_MCAST_GRP_NAME, name);
        m.end_nest(group);
    }
    m.end_nest(groups);
    m.end();
    const FamilyInfo family = parse_family_reply(m.nlh());
    EXPECT_EQ(family.id, 0x23);
    ASSERT_EQ(family.multicast_groups.size(), 2U);
    EXPECT_EQ(family.multicast_group(XT_RTPPROXY_MCGRP_EVENTS), 12U);
    EXPECT_EQ(family.multicast_group("other"), 11U);
    EXPECT_FALSE(family.multicast_group("event"));
}

TEST(EventGroup, AModuleWithoutEventsHasNone) {
    MessageBuffer m;
    m.begin(GENL_ID_CTRL, 0, 1, true, CTRL_CMD_NEWFAMILY);
    mnl_attr_put_u16(m.nlh(), CTRL_ATTR_FAMILY_ID, 0x23);
    m.end();
    const FamilyInfo family = parse_family_reply(m.nlh());
    EXPECT_TRUE(family.multicast_groups.empty());
    EXPECT_FALSE(family.multicast_group(XT_RTPPROXY_MCGRP_EVENTS));
}

TEST(EventGroup, AGroupWithoutItsIdIsMalformed) {
    MessageBuffer m;
    m.begin(GENL_ID_CTRL, 0, 1, true, CTRL_CMD_NEWFAMILY);
    mnl_attr_put_u16(m.nlh(), CTRL_ATTR_FAMILY_ID, 0x23);
    nlattr* groups = m.nest(CTRL_ATTR_MCAST_GROUPS);
    nlattr* group = m.nest(1);
    mnl_attr_put_strz(m.nlh(), CTRL_ATTR_MCAST_GRP_NAME, XT_RTPPROXY_MCGRP_EVENTS);
    m.end_nest(group);
    m.end_nest(groups);
    m.end();
    const auto e = catch_system_error([&] { parse_family_reply(m.nlh()); });
    EXPECT_EQ(e.code().value(), EBADMSG);
    EXPECT_NE(std::string(e.what()).find("multicast group id"), std::string::npos) << e.what();
}

// SPDX-License-Identifier: GPL-2.0
// Reply parsing on hand-built kernel messages: info, switchboards, sessions, ACKs and errors.
#include <gtest/gtest.h>
#include <linux/netfilter/xt_RTPPROXY.h>
#include <sys/socket.h>

#include <cerrno>

#include "netlink_util.hpp"
#include "xtrtpproxy/error.hpp"
#include "xtrtpproxy/message.hpp"

using namespace xtrtpproxy;
using testutil::catch_system_error;
using testutil::kFamily;
using testutil::MessageBuffer;
using testutil::put_gate;

namespace {

void put_counters(MessageBuffer& m, std::uint16_t type, std::uint64_t base) {
    nlattr* nest = m.nest(type);
    for (std::uint16_t attr = RTPPROXY_CNT_A_PACKETS; attr <= RTPPROXY_CNT_A_MAX; ++attr)
        m.put_u64(attr, base + attr);
    m.end_nest(nest);
}

void put_switchboard(MessageBuffer& m, int family, const std::string& addr_a,
                     const std::string& addr_b, bool full) {
    nlattr* nest = m.nest(RTPPROXY_A_SWITCHBOARD);
    mnl_attr_put_u8(m.nlh(), RTPPROXY_SB_A_FAMILY, static_cast<std::uint8_t>(family));
    put_gate(m, RTPPROXY_SB_A_GATE_A, addr_a, 50000);
    put_gate(m, RTPPROXY_SB_A_GATE_B, addr_b, 50200);
    if (full) {
        mnl_attr_put_u32(m.nlh(), RTPPROXY_SB_A_MAX_SESS, 100);
        mnl_attr_put_u32(m.nlh(), RTPPROXY_SB_A_EXPIRES_TIMEOUT, 60);
        mnl_attr_put_u32(m.nlh(), RTPPROXY_SB_A_RESURRECTION_TIMEOUT, 30);
        mnl_attr_put_u32(m.nlh(), RTPPROXY_SB_A_RULES, 3);
        mnl_attr_put_u32(m.nlh(), RTPPROXY_SB_A_SESSIONS_LIVE, 2);
        mnl_attr_put_u32(m.nlh(), RTPPROXY_SB_A_SESSIONS_EXPIRED, 1);
        m.put_u64(RTPPROXY_SB_A_AGE_MS, 123456789012ULL);
        put_counters(m, RTPPROXY_SB_A_COUNTERS, 1000);
    }
    m.end_nest(nest);
}

void put_session(MessageBuffer& m, const std::string& client_b) {
    nlattr* session = m.nest(RTPPROXY_A_SESSION);
    mnl_attr_put_u32(m.nlh(), RTPPROXY_SESS_A_ID, 3);
    mnl_attr_put_u8(m.nlh(), RTPPROXY_SESS_A_STATE, RTPPROXY_SESS_EXPIRED);
    m.put_u64(RTPPROXY_SESS_A_AGE_MS, 5000);
    m.put_u64(RTPPROXY_SESS_A_IDLE_MS, 61000);
    for (std::uint16_t i = 0; i < RTPPROXY_STREAMS; ++i) {
        nlattr* stream = m.nest(RTPPROXY_SESS_A_RTP_A + i);
        mnl_attr_put_u16(m.nlh(), RTPPROXY_STREAM_A_GATE_PORT, (i < 2 ? 50006 : 50206) + i % 2);
        if (i == RTPPROXY_STREAM_RTP_B) {
            m.put_addr(RTPPROXY_STREAM_A_ADDR, client_b);
            mnl_attr_put_u16(m.nlh(), RTPPROXY_STREAM_A_PORT, 7078);
            mnl_attr_put(m.nlh(), RTPPROXY_STREAM_A_LEARNED, 0, nullptr);
            mnl_attr_put(m.nlh(), RTPPROXY_STREAM_A_ALWAYS_LEARN, 0, nullptr);
            m.put_u64(RTPPROXY_STREAM_A_LAST_MS, 250);
        }
        if (i == RTPPROXY_STREAM_RTCP_A)
            mnl_attr_put_u32(m.nlh(), RTPPROXY_STREAM_A_LEARN_TIMEOUT_MS, 900);
        m.put_u64(RTPPROXY_STREAM_A_PACKETS, 10 + i);
        m.put_u64(RTPPROXY_STREAM_A_BYTES, 1600 + i);
        m.put_u64(RTPPROXY_STREAM_A_DROPS, i);
        m.end_nest(stream);
    }
    m.end_nest(session);
}

}  // namespace

TEST(Reply, Family) {
    MessageBuffer m;
    m.begin(GENL_ID_CTRL, 0, 1, true, CTRL_CMD_NEWFAMILY);
    mnl_attr_put_strz(m.nlh(), CTRL_ATTR_FAMILY_NAME, "xt_rtpproxy");
    mnl_attr_put_u16(m.nlh(), CTRL_ATTR_FAMILY_ID, 0x23);
    mnl_attr_put_u32(m.nlh(), CTRL_ATTR_VERSION, 1);
    m.end();
    const FamilyInfo family = parse_family_reply(m.nlh());
    EXPECT_EQ(family.id, 0x23);
    EXPECT_EQ(family.version, 1U);
}

TEST(Reply, Info) {
    MessageBuffer m;
    m.begin(kFamily, 0, 1, true, RTPPROXY_CMD_GET_INFO);
    mnl_attr_put_strz(m.nlh(), RTPPROXY_A_VERSION, "0.1.0");
    m.put_u64(RTPPROXY_A_UPTIME_MS, 987654321);
    mnl_attr_put_u32(m.nlh(), RTPPROXY_A_SWITCHBOARD_COUNT, 2);
    mnl_attr_put_u32(m.nlh(), RTPPROXY_A_SESSION_COUNT, 5);
    put_counters(m, RTPPROXY_A_COUNTERS, 0);
    m.end();

    const Info info = parse_info_reply(m.nlh());
    EXPECT_EQ(info.version, "0.1.0");
    EXPECT_EQ(info.uptime_ms, 987654321U);
    EXPECT_EQ(info.switchboards, 2U);
    EXPECT_EQ(info.sessions, 5U);
    EXPECT_EQ(info.counters.packets, RTPPROXY_CNT_A_PACKETS);
    EXPECT_EQ(info.counters.bytes, RTPPROXY_CNT_A_BYTES);
    EXPECT_EQ(info.counters.drop_no_session, RTPPROXY_CNT_A_DROP_NO_SESSION);
    EXPECT_EQ(info.counters.drop_source, RTPPROXY_CNT_A_DROP_SOURCE);
    EXPECT_EQ(info.counters.drop_expired, RTPPROXY_CNT_A_DROP_EXPIRED);
    EXPECT_EQ(info.counters.drop_malformed, RTPPROXY_CNT_A_DROP_MALFORMED);
    EXPECT_EQ(info.counters.drop_no_dest, RTPPROXY_CNT_A_DROP_NO_DEST);
    EXPECT_EQ(info.counters.drop_xmit, RTPPROXY_CNT_A_DROP_XMIT);
    EXPECT_EQ(info.counters.drop_loop, RTPPROXY_CNT_A_DROP_LOOP);
    EXPECT_EQ(info.counters.sessions_created, RTPPROXY_CNT_A_SESS_CREATED);
    EXPECT_EQ(info.counters.sessions_expired, RTPPROXY_CNT_A_SESS_EXPIRED);
    EXPECT_EQ(info.counters.sessions_deleted, RTPPROXY_CNT_A_SESS_DELETED);
    EXPECT_EQ(info.counters.duplicated, RTPPROXY_CNT_A_DUPLICATED);
    EXPECT_EQ(info.counters.drop_rate, RTPPROXY_CNT_A_DROP_RATE);
    EXPECT_EQ(info.counters.events_lost, RTPPROXY_CNT_A_EVENTS_LOST);
}

TEST(Reply, CountersOfAKernelWithoutDropLoop) {
    MessageBuffer m;
    m.begin(kFamily, 0, 1, true, RTPPROXY_CMD_GET_INFO);
    nlattr* nest = m.nest(RTPPROXY_A_COUNTERS);
    for (std::uint16_t attr = RTPPROXY_CNT_A_PACKETS; attr <= RTPPROXY_CNT_A_SESS_DELETED; ++attr)
        m.put_u64(attr, 100 + attr);
    m.end_nest(nest);
    m.end();
    const Counters c = parse_info_reply(m.nlh()).counters;
    EXPECT_EQ(c.drop_loop, 0U);
    EXPECT_EQ(c.drop_xmit, 100U + RTPPROXY_CNT_A_DROP_XMIT);
    EXPECT_EQ(c.sessions_deleted, 100U + RTPPROXY_CNT_A_SESS_DELETED);
}

TEST(Reply, UnknownAttributesAreIgnored) {
    MessageBuffer m;
    m.begin(kFamily, 0, 1);
    mnl_attr_put_u32(m.nlh(), RTPPROXY_A_SWITCHBOARD_COUNT, 1);
    mnl_attr_put_u32(m.nlh(), RTPPROXY_A_MAX + 5, 42);  // from a newer kernel
    m.end();
    EXPECT_EQ(parse_info_reply(m.nlh()).switchboards, 1U);
}

TEST(Reply, SwitchboardIpv4WithCounters) {
    MessageBuffer m;
    m.begin(kFamily, NLM_F_MULTI, 1);
    put_switchboard(m, AF_INET, "10.0.0.1", "10.0.0.2", true);
    m.end();
    const Switchboard sb = parse_switchboard_reply(m.nlh());
    EXPECT_EQ(sb.family, AF_INET);
    EXPECT_EQ(sb.gate_a.addr.to_string(), "10.0.0.1");
    EXPECT_EQ(sb.gate_a.port, 50000);
    EXPECT_EQ(sb.gate_b.addr.to_string(), "10.0.0.2");
    EXPECT_EQ(sb.gate_b.port, 50200);
    EXPECT_EQ(sb.max_sess, 100U);
    EXPECT_EQ(sb.expires_timeout, 60U);
    EXPECT_EQ(sb.resurrection_timeout, 30U);
    EXPECT_EQ(sb.rules, 3U);
    EXPECT_EQ(sb.live, 2U);
    EXPECT_EQ(sb.expired, 1U);
    EXPECT_EQ(sb.age_ms, 123456789012ULL);
    EXPECT_EQ(sb.counters.packets, 1000U + RTPPROXY_CNT_A_PACKETS);
    EXPECT_EQ(sb.counters.drop_xmit, 1000U + RTPPROXY_CNT_A_DROP_XMIT);
    EXPECT_EQ(sb.counters.drop_loop, 1000U + RTPPROXY_CNT_A_DROP_LOOP);
    EXPECT_EQ(sb.counters.sessions_deleted, 1000U + RTPPROXY_CNT_A_SESS_DELETED);
    EXPECT_EQ(sb.counters.events_lost, 1000U + RTPPROXY_CNT_A_EVENTS_LOST);
}

TEST(Reply, SwitchboardIpv6) {
    MessageBuffer m;
    m.begin(kFamily, NLM_F_MULTI, 1);
    put_switchboard(m, AF_INET6, "fd00::1", "fd00:0:0:0:0:0:0:2", false);
    m.end();
    const Switchboard sb = parse_switchboard_reply(m.nlh());
    EXPECT_EQ(sb.family, AF_INET6);
    EXPECT_EQ(sb.gate_a.addr.to_string(), "fd00::1");
    EXPECT_EQ(sb.gate_b.addr.to_string(), "fd00::2");
    EXPECT_EQ(sb.counters, Counters{});
}

TEST(Reply, SwitchboardFamilyMismatchIsMalformed) {
    MessageBuffer m;
    m.begin(kFamily, NLM_F_MULTI, 1);
    put_switchboard(m, AF_INET, "fd00::1", "fd00::2", false);
    m.end();
    const auto e = catch_system_error([&] { parse_switchboard_reply(m.nlh()); });
    EXPECT_EQ(e.code().value(), EBADMSG);
}

// A bridge: gate A IPv4, gate B IPv6, each gate naming its family as bridging modules do.
static void put_bridge(MessageBuffer& m, std::uint8_t gate_b_family) {
    nlattr* nest = m.nest(RTPPROXY_A_SWITCHBOARD);
    mnl_attr_put_u8(m.nlh(), RTPPROXY_SB_A_FAMILY, AF_INET);
    nlattr* gate = m.nest(RTPPROXY_SB_A_GATE_A);
    m.put_addr(RTPPROXY_GATE_A_ADDR, "10.0.1.1");
    mnl_attr_put_u16(m.nlh(), RTPPROXY_GATE_A_PORT, 40000);
    mnl_attr_put_u8(m.nlh(), RTPPROXY_GATE_A_FAMILY, AF_INET);
    m.end_nest(gate);
    gate = m.nest(RTPPROXY_SB_A_GATE_B);
    m.put_addr(RTPPROXY_GATE_A_ADDR, "fd00:2::1");
    mnl_attr_put_u16(m.nlh(), RTPPROXY_GATE_A_PORT, 42000);
    mnl_attr_put_u8(m.nlh(), RTPPROXY_GATE_A_FAMILY, gate_b_family);
    m.end_nest(gate);
    m.end_nest(nest);
}

TEST(Reply, BridgeHasAGateOfEachFamily) {
    MessageBuffer m;
    m.begin(kFamily, NLM_F_MULTI, 1);
    put_bridge(m, AF_INET6);
    m.end();
    const Switchboard sb = parse_switchboard_reply(m.nlh());
    EXPECT_EQ(sb.family, AF_INET);
    EXPECT_TRUE(sb.bridge());
    EXPECT_EQ(sb.gate_a.addr.to_string(), "10.0.1.1");
    EXPECT_EQ(sb.gate_b.addr.to_string(), "fd00:2::1");
    EXPECT_EQ(sb.stream_family(1), AF_INET);
    EXPECT_EQ(sb.stream_family(2), AF_INET6);
}

TEST(Reply, GateFamilyOtherThanItsAddressIsMalformed) {
    MessageBuffer m;
    m.begin(kFamily, NLM_F_MULTI, 1);
    put_bridge(m, AF_INET);
    m.end();
    const auto e = catch_system_error([&] { parse_switchboard_reply(m.nlh()); });
    EXPECT_EQ(e.code().value(), EBADMSG);
    EXPECT_NE(std::string(e.what()).find("gate B"), std::string::npos);
}

TEST(Reply, SwitchboardMissingIsMalformed) {
    MessageBuffer m;
    m.begin(kFamily, NLM_F_MULTI, 1);
    m.end();
    const auto e = catch_system_error([&] { parse_switchboard_reply(m.nlh()); });
    EXPECT_EQ(e.code().value(), EBADMSG);
    EXPECT_NE(std::string(e.what()).find("switchboard"), std::string::npos);
}

TEST(Reply, WrongAttributeSizeIsMalformed) {
    MessageBuffer m;
    m.begin(kFamily, 0, 1);
    mnl_attr_put_u16(m.nlh(), RTPPROXY_A_AFFECTED, 1);  // NLA_U32 in the ABI
    m.end();
    const auto e = catch_system_error([&] { parse_affected_reply(m.nlh()); });
    EXPECT_EQ(e.code().value(), EBADMSG);
}

TEST(Reply, BadAddressLengthIsMalformed) {
    MessageBuffer m;
    m.begin(kFamily, 0, 1);
    nlattr* sb = m.nest(RTPPROXY_A_SWITCHBOARD);
    mnl_attr_put_u8(m.nlh(), RTPPROXY_SB_A_FAMILY, AF_INET);
    nlattr* gate = m.nest(RTPPROXY_SB_A_GATE_A);
    const char five[5] = {};
    mnl_attr_put(m.nlh(), RTPPROXY_GATE_A_ADDR, sizeof(five), five);
    mnl_attr_put_u16(m.nlh(), RTPPROXY_GATE_A_PORT, 2);
    m.end_nest(gate);
    m.end_nest(sb);
    m.end();
    const auto e = catch_system_error([&] { parse_switchboard_reply(m.nlh()); });
    EXPECT_EQ(e.code().value(), EBADMSG);
}

TEST(Reply, SessionWithIpv6Client) {
    MessageBuffer m;
    m.begin(kFamily, 0, 1);
    put_switchboard(m, AF_INET6, "fd00::1", "fd00::2", false);
    put_session(m, "2001:db8::7");
    m.end();

    const SessionEntry entry = parse_session_reply(m.nlh());
    // What the reply says of the switchboard, all of which SwitchboardGates holds.
    EXPECT_EQ(entry.switchboard.family, AF_INET6);
    EXPECT_EQ(entry.switchboard.gate_a.addr.to_string(), "fd00::1");
    EXPECT_EQ(entry.switchboard.gate_a.port, 50000);
    EXPECT_EQ(entry.switchboard.gate_b.addr.to_string(), "fd00::2");
    EXPECT_EQ(entry.switchboard.gate_b.port, 50200);
    const Session& s = entry.session;
    EXPECT_EQ(s.id, 3U);
    EXPECT_EQ(s.state, SessionState::expired);
    EXPECT_EQ(s.age_ms, 5000U);
    EXPECT_EQ(s.idle_ms, 61000U);

    const Stream& rtp_a = s.stream(StreamIndex::rtp_a);
    EXPECT_EQ(rtp_a.gate_port, 50006);
    EXPECT_FALSE(rtp_a.client);
    EXPECT_FALSE(rtp_a.learn_ms);
    EXPECT_FALSE(rtp_a.last_ms);
    EXPECT_EQ(rtp_a.packets, 10U);

    const Stream& rtcp_a = s.stream(StreamIndex::rtcp_a);
    EXPECT_EQ(rtcp_a.gate_port, 50007);
    ASSERT_TRUE(rtcp_a.learn_ms);
    EXPECT_EQ(*rtcp_a.learn_ms, 900U);

    const Stream& rtp_b = s.stream(StreamIndex::rtp_b);
    EXPECT_EQ(rtp_b.gate_port, 50206);
    ASSERT_TRUE(rtp_b.client);
    EXPECT_EQ(rtp_b.client->to_string(), "[2001:db8::7]:7078");
    EXPECT_TRUE(rtp_b.learned);
    EXPECT_TRUE(rtp_b.always_learn);
    ASSERT_TRUE(rtp_b.last_ms);
    EXPECT_EQ(*rtp_b.last_ms, 250U);
    EXPECT_EQ(rtp_b.bytes, 1602U);
    EXPECT_EQ(rtp_b.drops, 2U);

    EXPECT_EQ(s.stream(StreamIndex::rtcp_b).gate_port, 50207);
}

TEST(Reply, Affected) {
    MessageBuffer m;
    m.begin(kFamily, 0, 1);
    mnl_attr_put_u32(m.nlh(), RTPPROXY_A_AFFECTED, 17);
    m.end();
    EXPECT_EQ(parse_affected_reply(m.nlh()), 17U);
}

TEST(ExtAck, CappedErrorWithMessage) {
    MessageBuffer m;
    m.error(5, ENOSPC, "switchboard is full");
    const NetlinkError error = parse_error(m.nlh());
    EXPECT_EQ(error.error, ENOSPC);
    EXPECT_EQ(error.message, "switchboard is full");
    ASSERT_TRUE(error.offset);
    EXPECT_EQ(*error.offset, 20U);

    const KernelError e = to_system_error(error, "session alloc");
    EXPECT_EQ(e.code().value(), ENOSPC);
    EXPECT_EQ(e.kernel_message(), "switchboard is full");
    EXPECT_EQ(e.offset(), 20U);
    EXPECT_FALSE(e.missing_type());
    const std::string what = e.what();
    EXPECT_EQ(what.rfind("switchboard is full (attribute at offset 20 of the request): ", 0), 0U)
        << what;
}

TEST(ExtAck, UncappedErrorEchoesTheRequest) {
    const Request request = make_remove_request(kFamily, std::nullopt, SessionRange{1, 2});
    MessageBuffer m;
    m.error(6, ENOENT, "no switchboard matches the selector", false, request.header());
    const NetlinkError error = parse_error(m.nlh());
    EXPECT_EQ(error.error, ENOENT);
    EXPECT_EQ(error.message, "no switchboard matches the selector");
}

TEST(ExtAck, ErrorWithoutMessageNamesTheRequest) {
    MessageBuffer m;
    m.error(7, EPERM, "");
    const NetlinkError error = parse_error(m.nlh());
    EXPECT_EQ(error.error, EPERM);
    EXPECT_TRUE(error.message.empty());
    const std::system_error e = to_system_error(error, "session delete");
    EXPECT_EQ(e.code().value(), EPERM);
    EXPECT_EQ(std::string(e.what()).rfind("session delete", 0), 0U);
}

TEST(ExtAck, MissingAttribute) {
    MessageBuffer m;
    m.begin(NLMSG_ERROR, NLM_F_CAPPED | NLM_F_ACK_TLVS, 8, false);
    auto* err = static_cast<nlmsgerr*>(mnl_nlmsg_put_extra_header(m.nlh(), sizeof(nlmsgerr)));
    err->error = -EINVAL;
    mnl_attr_put_u32(m.nlh(), NLMSGERR_ATTR_MISS_TYPE, RTPPROXY_A_SESSION);
    m.end();
    const NetlinkError error = parse_error(m.nlh());
    ASSERT_TRUE(error.missing_type);
    EXPECT_EQ(*error.missing_type, static_cast<std::uint32_t>(RTPPROXY_A_SESSION));
    EXPECT_FALSE(error.missing_nest);
    const KernelError e = to_system_error(error, "session alloc");
    EXPECT_EQ(e.missing_type(), static_cast<std::uint32_t>(RTPPROXY_A_SESSION));
    EXPECT_FALSE(e.missing_nest());
    const std::string what = e.what();
    EXPECT_EQ(what.rfind("session alloc: missing attribute 8: ", 0), 0U) << what;
}

TEST(ExtAck, MissingAttributeInANest) {
    MessageBuffer m;
    m.begin(NLMSG_ERROR, NLM_F_CAPPED | NLM_F_ACK_TLVS, 8, false);
    auto* err = static_cast<nlmsgerr*>(mnl_nlmsg_put_extra_header(m.nlh(), sizeof(nlmsgerr)));
    err->error = -EINVAL;
    mnl_attr_put_strz(m.nlh(), NLMSGERR_ATTR_MSG, "stream without port");
    mnl_attr_put_u32(m.nlh(), NLMSGERR_ATTR_MISS_TYPE, RTPPROXY_STREAM_A_PORT);
    mnl_attr_put_u32(m.nlh(), NLMSGERR_ATTR_MISS_NEST, 36);
    m.end();
    const NetlinkError error = parse_error(m.nlh());
    EXPECT_EQ(error.missing_type, static_cast<std::uint32_t>(RTPPROXY_STREAM_A_PORT));
    EXPECT_EQ(error.missing_nest, 36U);
    EXPECT_FALSE(error.offset);
    const KernelError e = to_system_error(error, "session alloc");
    EXPECT_EQ(e.code().value(), EINVAL);
    EXPECT_EQ(e.missing_nest(), 36U);
    const std::string what = e.what();
    EXPECT_EQ(what.rfind("stream without port: missing attribute 4 in the nest at offset 36: ", 0),
              0U)
        << what;
}

TEST(ExtAck, Ack) {
    MessageBuffer m;
    m.ack(9);
    EXPECT_EQ(parse_error(m.nlh()).error, 0);
}

TEST(ExtAck, TruncatedErrorIsMalformed) {
    MessageBuffer m;
    m.begin(NLMSG_ERROR, 0, 9, false);
    m.end();
    const auto e = catch_system_error([&] { parse_error(m.nlh()); });
    EXPECT_EQ(e.code().value(), EBADMSG);
}

TEST(ExtAck, FailedDumpDone) {
    MessageBuffer m;
    m.begin(NLMSG_DONE, NLM_F_MULTI | NLM_F_ACK_TLVS, 3, false);
    auto* value = static_cast<int*>(mnl_nlmsg_put_extra_header(m.nlh(), sizeof(int)));
    *value = -EINVAL;
    mnl_attr_put_strz(m.nlh(), NLMSGERR_ATTR_MSG, "bad session range");
    m.end();
    const NetlinkError error = parse_error(m.nlh());
    EXPECT_EQ(error.error, EINVAL);
    EXPECT_EQ(error.message, "bad session range");
}

TEST(Walk, DoitReplyThenAck) {
    MessageBuffer m;
    m.begin(kFamily, 0, 41);
    mnl_attr_put_u32(m.nlh(), RTPPROXY_A_AFFECTED, 2);
    m.end();
    m.ack(41);
    int data = 0;
    ReplyProgress progress;
    walk_replies(
        m.bytes(), 41, "update", [&](const nlmsghdr*) { ++data; }, progress);
    EXPECT_EQ(data, 1);
    EXPECT_TRUE(progress.finished);
    EXPECT_FALSE(progress.interrupted);
}

TEST(Walk, DoitWithoutAckEndsAtItsReply) {
    MessageBuffer m;
    m.begin(kFamily, 0, 45);
    mnl_attr_put_u32(m.nlh(), RTPPROXY_A_AFFECTED, 2);
    m.end();
    // A stale message after the reply is not read: the request ended with its reply.
    m.error(45, EINVAL, "not for this request");
    int data = 0;
    ReplyProgress progress;
    progress.reply_finishes = true;
    walk_replies(
        m.bytes(), 45, "update", [&](const nlmsghdr*) { ++data; }, progress);
    EXPECT_EQ(data, 1);
    EXPECT_TRUE(progress.finished);

    MessageBuffer failed;
    failed.error(46, ENOENT, "no switchboard matches the given gates");
    ReplyProgress failed_progress;
    failed_progress.reply_finishes = true;
    const auto e = catch_system_error([&] {
        walk_replies(
            failed.bytes(), 46, "update", [](const nlmsghdr*) {}, failed_progress);
    });
    EXPECT_EQ(e.code().value(), ENOENT);
}

TEST(Request, DoitRequestsEndAtTheirReplyDumpsDoNot) {
    EXPECT_TRUE(make_info_request(kFamily).reply_finishes());
    EXPECT_TRUE(make_remove_request(kFamily, {}, {}).reply_finishes());
    EXPECT_TRUE(make_get_family_request("xt_rtpproxy").reply_finishes());
    EXPECT_FALSE(make_sessions_request(kFamily, {}, {}).reply_finishes());
    EXPECT_FALSE(make_session_table_request(kFamily, {}, {}).reply_finishes());
}

TEST(Walk, OtherSequenceNumbersAreSkipped) {
    MessageBuffer m;
    m.error(40, EINVAL, "stale");
    m.begin(kFamily, 0, 41);
    m.end();
    int data = 0;
    ReplyProgress progress;
    walk_replies(
        m.bytes(), 41, "update", [&](const nlmsghdr*) { ++data; }, progress);
    EXPECT_EQ(data, 1);
    EXPECT_FALSE(progress.finished);  // the ACK is still to come, in a later buffer
    MessageBuffer rest;
    rest.ack(41);
    walk_replies(
        rest.bytes(), 41, "update", [&](const nlmsghdr*) { ++data; }, progress);
    EXPECT_TRUE(progress.finished);
}

TEST(Walk, ErrorThrowsKernelText) {
    MessageBuffer m;
    m.error(42, EAFNOSUPPORT, "client address family differs from the switchboard's");
    ReplyProgress progress;
    const auto e = catch_system_error([&] {
        walk_replies(
            m.bytes(), 42, "alloc", [](const nlmsghdr*) {}, progress);
    });
    EXPECT_EQ(e.code().value(), EAFNOSUPPORT);
    EXPECT_NE(std::string(e.what()).find("family differs"), std::string::npos);
}

TEST(Walk, DumpInterrupted) {
    MessageBuffer m;
    for (int i = 0; i < 3; ++i) {
        m.begin(kFamily, NLM_F_MULTI | (i == 1 ? NLM_F_DUMP_INTR : 0), 43);
        put_switchboard(m, AF_INET, "10.0.0.1", "10.0.0.1", false);
        m.end();
    }
    m.done(43);
    std::vector<Switchboard> switchboards;
    ReplyProgress progress;
    walk_replies(
        m.bytes(), 43, "list",
        [&](const nlmsghdr* nlh) { switchboards.push_back(parse_switchboard_reply(nlh)); },
        progress);
    EXPECT_EQ(switchboards.size(), 3U);
    EXPECT_TRUE(progress.finished);
    EXPECT_TRUE(progress.interrupted);
}

TEST(Walk, DumpFailsInDone) {
    MessageBuffer m;
    m.done(44, EPERM);
    ReplyProgress progress;
    const auto e = catch_system_error([&] {
        walk_replies(
            m.bytes(), 44, "list", [](const nlmsghdr*) {}, progress);
    });
    EXPECT_EQ(e.code().value(), EPERM);
}

// SPDX-License-Identifier: GPL-2.0
// Request building: every command's attributes, read back with libmnl.
#include "xtrtpproxy/message.hpp"

#include <gtest/gtest.h>
#include <linux/netfilter/xt_RTPPROXY.h>

#include <stdexcept>

#include "netlink_util.hpp"

using namespace xtrtpproxy;
using testutil::attr_addr;
using testutil::Attrs;
using testutil::kFamily;
using testutil::message_attrs;
using testutil::nested_attrs;

namespace {

SwitchboardSelector full_selector() {
    return {Address::parse("10.0.0.1"), 50000, Address::parse("10.0.0.2"), 50200};
}

void expect_header(const Request& request, std::uint8_t cmd, std::uint16_t flags) {
    const nlmsghdr* nlh = request.header();
    EXPECT_EQ(nlh->nlmsg_type, kFamily);
    EXPECT_EQ(nlh->nlmsg_flags, NLM_F_REQUEST | flags);
    EXPECT_EQ(nlh->nlmsg_len, request.bytes().size());
    EXPECT_EQ(nlh->nlmsg_len % 4, 0U);
    EXPECT_EQ(testutil::genl_header(nlh)->cmd, cmd);
    EXPECT_EQ(testutil::genl_header(nlh)->version, XT_RTPPROXY_GENL_VERSION);
}

void expect_gate(const nlattr* nest, const char* addr, std::uint16_t port) {
    ASSERT_NE(nest, nullptr);
    const Attrs gate = nested_attrs(nest);
    ASSERT_TRUE(gate.count(RTPPROXY_GATE_A_ADDR));
    EXPECT_EQ(attr_addr(gate.at(RTPPROXY_GATE_A_ADDR)).to_string(), addr);
    ASSERT_TRUE(gate.count(RTPPROXY_GATE_A_PORT));
    EXPECT_EQ(mnl_attr_get_u16(gate.at(RTPPROXY_GATE_A_PORT)), port);
}

void expect_full_selector(const Attrs& top) {
    ASSERT_TRUE(top.count(RTPPROXY_A_SWITCHBOARD));
    const Attrs sb = nested_attrs(top.at(RTPPROXY_A_SWITCHBOARD));
    EXPECT_EQ(sb.size(), 2U);
    expect_gate(sb.at(RTPPROXY_SB_A_GATE_A), "10.0.0.1", 50000);
    expect_gate(sb.at(RTPPROXY_SB_A_GATE_B), "10.0.0.2", 50200);
}

void expect_range(const Attrs& top, std::uint32_t lo, std::uint32_t hi) {
    ASSERT_TRUE(top.count(RTPPROXY_A_SESS_ID_LO));
    ASSERT_TRUE(top.count(RTPPROXY_A_SESS_ID_HI));
    EXPECT_EQ(mnl_attr_get_u32(top.at(RTPPROXY_A_SESS_ID_LO)), lo);
    EXPECT_EQ(mnl_attr_get_u32(top.at(RTPPROXY_A_SESS_ID_HI)), hi);
}

}  // namespace

TEST(Request, SequenceNumber) {
    Request request = make_info_request(kFamily);
    request.set_seq(77);
    EXPECT_EQ(request.seq(), 77U);
    EXPECT_EQ(request.header()->nlmsg_seq, 77U);
    EXPECT_FALSE(request.is_dump());
}

TEST(Request, GetFamily) {
    const Request request = make_get_family_request(XT_RTPPROXY_GENL_NAME);
    EXPECT_EQ(request.header()->nlmsg_type, GENL_ID_CTRL);
    EXPECT_EQ(testutil::genl_header(request.header())->cmd, CTRL_CMD_GETFAMILY);
    const Attrs top = message_attrs(request.header());
    ASSERT_TRUE(top.count(CTRL_ATTR_FAMILY_NAME));
    EXPECT_STREQ(mnl_attr_get_str(top.at(CTRL_ATTR_FAMILY_NAME)), "xt_rtpproxy");
}

TEST(Request, Info) {
    const Request request = make_info_request(kFamily);
    expect_header(request, RTPPROXY_CMD_GET_INFO, 0);
    EXPECT_TRUE(message_attrs(request.header()).empty());
}

TEST(Request, SwitchboardsWithoutSelectorSendsNoNest) {
    const Request request = make_switchboards_request(kFamily, {});
    expect_header(request, RTPPROXY_CMD_GET_SWITCHBOARD, NLM_F_DUMP);
    EXPECT_TRUE(request.is_dump());
    EXPECT_TRUE(message_attrs(request.header()).empty());
}

TEST(Request, SwitchboardsPartialSelector) {
    SwitchboardSelector selector;
    selector.port_a = 50000;
    const Request request = make_switchboards_request(kFamily, selector);
    const Attrs top = message_attrs(request.header());
    ASSERT_TRUE(top.count(RTPPROXY_A_SWITCHBOARD));
    const Attrs sb = nested_attrs(top.at(RTPPROXY_A_SWITCHBOARD));
    ASSERT_EQ(sb.size(), 1U);
    const Attrs gate = nested_attrs(sb.at(RTPPROXY_SB_A_GATE_A));
    EXPECT_EQ(gate.size(), 1U);
    EXPECT_EQ(mnl_attr_get_u16(gate.at(RTPPROXY_GATE_A_PORT)), 50000);
}

TEST(Request, AllocWithStreams) {
    SessionParams params;
    params.stream(StreamIndex::rtp_a).addr = Address::parse("192.168.1.10");
    params.stream(StreamIndex::rtp_a).port = 4000;
    params.stream(StreamIndex::rtp_a).always_learn = true;
    params.stream(StreamIndex::rtp_b).learn_timeout_ms = 5000;

    // The RTCP streams are derived by the request itself: what makes Client::alloc and the CLI
    // give the same defaults.
    const Request request = make_alloc_request(kFamily, full_selector(), params);
    expect_header(request, RTPPROXY_CMD_NEW_SESSION, 0);
    const Attrs top = message_attrs(request.header());
    EXPECT_EQ(top.size(), 2U);
    expect_full_selector(top);

    const Attrs session = nested_attrs(top.at(RTPPROXY_A_SESSION));
    ASSERT_EQ(session.size(), 4U);
    const Attrs rtp_a = nested_attrs(session.at(RTPPROXY_SESS_A_RTP_A));
    EXPECT_EQ(attr_addr(rtp_a.at(RTPPROXY_STREAM_A_ADDR)).to_string(), "192.168.1.10");
    EXPECT_EQ(mnl_attr_get_u16(rtp_a.at(RTPPROXY_STREAM_A_PORT)), 4000);
    EXPECT_TRUE(rtp_a.count(RTPPROXY_STREAM_A_ALWAYS_LEARN));
    EXPECT_EQ(mnl_attr_get_payload_len(rtp_a.at(RTPPROXY_STREAM_A_ALWAYS_LEARN)), 0);
    EXPECT_FALSE(rtp_a.count(RTPPROXY_STREAM_A_LEARN_TIMEOUT_MS));

    const Attrs rtcp_a = nested_attrs(session.at(RTPPROXY_SESS_A_RTCP_A));
    EXPECT_EQ(attr_addr(rtcp_a.at(RTPPROXY_STREAM_A_ADDR)).to_string(), "192.168.1.10");
    EXPECT_EQ(mnl_attr_get_u16(rtcp_a.at(RTPPROXY_STREAM_A_PORT)), 4001);

    for (int type : {RTPPROXY_SESS_A_RTP_B, RTPPROXY_SESS_A_RTCP_B}) {
        const Attrs b = nested_attrs(session.at(type));
        ASSERT_EQ(b.size(), 1U);
        EXPECT_EQ(mnl_attr_get_u32(b.at(RTPPROXY_STREAM_A_LEARN_TIMEOUT_MS)), 5000U);
    }
}

TEST(Request, AllocIpv6Address) {
    SessionParams params;
    params.stream(StreamIndex::rtp_a).addr = Address::parse("2001:db8::5");
    params.stream(StreamIndex::rtp_a).port = 6000;
    const SwitchboardSelector selector{Address::parse("fd00::1"), 40000, std::nullopt,
                                       std::nullopt};
    const Request request = make_alloc_request(kFamily, selector, params);
    const Attrs top = message_attrs(request.header());
    const Attrs sb = nested_attrs(top.at(RTPPROXY_A_SWITCHBOARD));
    EXPECT_EQ(sb.size(), 1U);
    const Attrs gate = nested_attrs(sb.at(RTPPROXY_SB_A_GATE_A));
    EXPECT_EQ(mnl_attr_get_payload_len(gate.at(RTPPROXY_GATE_A_ADDR)), 16);
    EXPECT_EQ(attr_addr(gate.at(RTPPROXY_GATE_A_ADDR)).to_string(), "fd00::1");
    const Attrs session = nested_attrs(top.at(RTPPROXY_A_SESSION));
    ASSERT_EQ(session.size(), 2U);  // RTP A and the RTCP A derived from it
    for (int type : {RTPPROXY_SESS_A_RTP_A, RTPPROXY_SESS_A_RTCP_A}) {
        const Attrs a = nested_attrs(session.at(type));
        EXPECT_EQ(mnl_attr_get_payload_len(a.at(RTPPROXY_STREAM_A_ADDR)), 16);
        EXPECT_EQ(attr_addr(a.at(RTPPROXY_STREAM_A_ADDR)).to_string(), "2001:db8::5");
    }
}

TEST(Request, UpdateWithRangeAndClearAddr) {
    SessionParams params;
    params.stream(StreamIndex::rtcp_b).clear_addr = true;
    const Request request =
        make_update_request(kFamily, full_selector(), SessionRange{3, 7}, params);
    expect_header(request, RTPPROXY_CMD_SET_SESSION, 0);
    const Attrs top = message_attrs(request.header());
    EXPECT_EQ(top.size(), 4U);
    expect_full_selector(top);
    expect_range(top, 3, 7);
    const Attrs session = nested_attrs(top.at(RTPPROXY_A_SESSION));
    ASSERT_EQ(session.size(), 1U);
    const Attrs rtcp_b = nested_attrs(session.at(RTPPROXY_SESS_A_RTCP_B));
    EXPECT_TRUE(rtcp_b.count(RTPPROXY_STREAM_A_CLEAR_ADDR));
}

TEST(Request, UpdateDerivesRtcpFromRtp) {
    SessionParams params;
    params.stream(StreamIndex::rtp_b).addr = Address::parse("10.0.2.2");
    params.stream(StreamIndex::rtp_b).port = 6000;
    params.stream(StreamIndex::rtp_a).learn_timeout_ms = 700;
    params.stream(StreamIndex::rtcp_b).port = 7001;  // given: kept
    const Request request = make_update_request(kFamily, full_selector(), std::nullopt, params);
    const Attrs session = nested_attrs(message_attrs(request.header()).at(RTPPROXY_A_SESSION));
    ASSERT_EQ(session.size(), 4U);
    const Attrs rtcp_a = nested_attrs(session.at(RTPPROXY_SESS_A_RTCP_A));
    EXPECT_EQ(rtcp_a.size(), 1U);
    EXPECT_EQ(mnl_attr_get_u32(rtcp_a.at(RTPPROXY_STREAM_A_LEARN_TIMEOUT_MS)), 700U);
    const Attrs rtcp_b = nested_attrs(session.at(RTPPROXY_SESS_A_RTCP_B));
    EXPECT_EQ(attr_addr(rtcp_b.at(RTPPROXY_STREAM_A_ADDR)).to_string(), "10.0.2.2");
    EXPECT_EQ(mnl_attr_get_u16(rtcp_b.at(RTPPROXY_STREAM_A_PORT)), 7001);
}

TEST(Request, RtcpPortThatCannotBeDerived) {
    SessionParams params;
    params.stream(StreamIndex::rtp_a).addr = Address::parse("10.0.1.2");
    params.stream(StreamIndex::rtp_a).port = 65535;
    EXPECT_THROW(make_alloc_request(kFamily, full_selector(), params), std::invalid_argument);
}

TEST(Request, UpdateWithoutRangeOrParams) {
    const Request request = make_update_request(kFamily, full_selector(), std::nullopt, {});
    const Attrs top = message_attrs(request.header());
    EXPECT_FALSE(top.count(RTPPROXY_A_SESS_ID_LO));
    EXPECT_FALSE(top.count(RTPPROXY_A_SESS_ID_HI));
    ASSERT_TRUE(top.count(RTPPROXY_A_SESSION));
    EXPECT_TRUE(nested_attrs(top.at(RTPPROXY_A_SESSION)).empty());
}

TEST(Request, RemoveEverything) {
    const Request request = make_remove_request(kFamily, std::nullopt, std::nullopt);
    expect_header(request, RTPPROXY_CMD_DEL_SESSION, 0);
    EXPECT_TRUE(message_attrs(request.header()).empty());
}

TEST(Request, RemoveRange) {
    const Request request = make_remove_request(kFamily, full_selector(), SessionRange{2, 2});
    const Attrs top = message_attrs(request.header());
    EXPECT_EQ(top.size(), 3U);
    expect_full_selector(top);
    expect_range(top, 2, 2);
}

TEST(Request, SessionGet) {
    const Request request = make_session_request(kFamily, full_selector(), 9);
    expect_header(request, RTPPROXY_CMD_GET_SESSION, 0);
    const Attrs top = message_attrs(request.header());
    EXPECT_EQ(top.size(), 2U);
    expect_full_selector(top);
    EXPECT_EQ(mnl_attr_get_u32(top.at(RTPPROXY_A_SESS_ID_LO)), 9U);
}

TEST(Request, SessionsDump) {
    const Request request = make_sessions_request(kFamily, full_selector(), SessionRange{0, 4});
    expect_header(request, RTPPROXY_CMD_GET_SESSION, NLM_F_DUMP);
    const Attrs top = message_attrs(request.header());
    expect_full_selector(top);
    expect_range(top, 0, 4);

    const Request all = make_sessions_request(kFamily, std::nullopt, std::nullopt);
    EXPECT_TRUE(message_attrs(all.header()).empty());
}

TEST(Request, Reset) {
    const Request request = make_reset_request(kFamily, RTPPROXY_RESET_ALL, full_selector());
    expect_header(request, RTPPROXY_CMD_RESET_COUNTERS, 0);
    const Attrs top = message_attrs(request.header());
    EXPECT_EQ(mnl_attr_get_u32(top.at(RTPPROXY_A_RESET)), RTPPROXY_RESET_ALL);
    expect_full_selector(top);

    const Request global = make_reset_request(kFamily, RTPPROXY_RESET_GLOBAL, std::nullopt);
    EXPECT_EQ(message_attrs(global.header()).size(), 1U);
}

TEST(Request, Audit) {
    const Request request = make_audit_request(kFamily, std::nullopt);
    expect_header(request, RTPPROXY_CMD_AUDIT, 0);
    EXPECT_TRUE(message_attrs(request.header()).empty());
    const Request limited = make_audit_request(kFamily, full_selector());
    expect_full_selector(message_attrs(limited.header()));
}

TEST(Request, LargestRequestFits) {
    SessionParams params;
    for (auto& stream : params.streams) {
        stream.addr = Address::parse("2001:db8:1:2:3:4:5:6");
        stream.port = 65000;
        stream.learn_timeout_ms = 1;
        stream.always_learn = true;
        stream.clear_addr = true;
    }
    const SwitchboardSelector selector{Address::parse("2001:db8::1"), 2,
                                       Address::parse("2001:db8::2"), 4};
    const Request request = make_update_request(kFamily, selector, SessionRange{0, 1}, params);
    EXPECT_LT(request.bytes().size(), Request::kCapacity / 2);
}

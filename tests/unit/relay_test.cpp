// SPDX-License-Identifier: GPL-2.0
// The relay options: in requests, in replies (old modules' replies too) and a too-old module's
// refusal of them told by name.
#include <gtest/gtest.h>
#include <linux/netfilter/xt_RTPPROXY.h>
#include <sys/socket.h>

#include <cerrno>
#include <string>
#include <utility>
#include <vector>

#include "netlink_util.hpp"
#include "xtrtpproxy/error.hpp"
#include "xtrtpproxy/message.hpp"

using namespace xtrtpproxy;
using testutil::Attrs;
using testutil::kFamily;
using testutil::message_attrs;
using testutil::MessageBuffer;
using testutil::nested_attrs;
using testutil::offset_of;
using testutil::selector;
using testutil::session_attrs;
using testutil::unknown_attribute;

namespace {

SessionParams learning_params() {
    SessionParams params;
    params.stream(StreamIndex::rtp_a).learn_timeout_ms = 5000;
    return params;
}

SessionParams with_every_option() {
    SessionParams params = learning_params();
    params.relay.dscp = Dscp{46};
    params.relay.max_ttl = 16;
    params.relay.mark = Mark{0x10, 0xff};
    params.relay.dup_below = 128;
    return params;
}

const int kRelayTypes[] = {RTPPROXY_SESS_A_DSCP, RTPPROXY_SESS_A_MAX_TTL, RTPPROXY_SESS_A_MARK,
                           RTPPROXY_SESS_A_MARK_MASK, RTPPROXY_SESS_A_DUP_BELOW};

}  // namespace

TEST(RelayRequest, NoRelayOptionsSendsNone) {
    const Attrs session = session_attrs(make_alloc_request(kFamily, selector(), learning_params()));
    for (int type : kRelayTypes) EXPECT_FALSE(session.count(type)) << type;
}

TEST(RelayRequest, EveryOptionWithItsSize) {
    const Attrs session =
        session_attrs(make_alloc_request(kFamily, selector(), with_every_option()));
    ASSERT_EQ(session.size(), 2U + 5U);  // RTP A, RTCP A derived, the five options
    EXPECT_EQ(mnl_attr_get_payload_len(session.at(RTPPROXY_SESS_A_DSCP)), 1);
    EXPECT_EQ(mnl_attr_get_u8(session.at(RTPPROXY_SESS_A_DSCP)), 46);
    EXPECT_EQ(mnl_attr_get_payload_len(session.at(RTPPROXY_SESS_A_MAX_TTL)), 1);
    EXPECT_EQ(mnl_attr_get_u8(session.at(RTPPROXY_SESS_A_MAX_TTL)), 16);
    EXPECT_EQ(mnl_attr_get_u32(session.at(RTPPROXY_SESS_A_MARK)), 0x10U);
    EXPECT_EQ(mnl_attr_get_u32(session.at(RTPPROXY_SESS_A_MARK_MASK)), 0xffU);
    EXPECT_EQ(mnl_attr_get_payload_len(session.at(RTPPROXY_SESS_A_DUP_BELOW)), 2);
    EXPECT_EQ(mnl_attr_get_u16(session.at(RTPPROXY_SESS_A_DUP_BELOW)), 128);
}

TEST(RelayRequest, OptionsFollowTheStreamsInAbiOrder) {
    const Request request = make_alloc_request(kFamily, selector(), with_every_option());
    const Attrs session = session_attrs(request);
    std::uint32_t previous = offset_of(request, session.at(RTPPROXY_SESS_A_RTCP_A));
    for (int type : kRelayTypes) {
        const std::uint32_t offset = offset_of(request, session.at(type));
        EXPECT_GT(offset, previous) << type;
        previous = offset;
    }
}

TEST(RelayRequest, MarkWithEveryBitSendsNoMask) {
    SessionParams params = learning_params();
    params.relay.mark = Mark{0x20};  // the mask's default: every bit, the kernel's default too
    const Attrs session = session_attrs(make_alloc_request(kFamily, selector(), params));
    EXPECT_EQ(mnl_attr_get_u32(session.at(RTPPROXY_SESS_A_MARK)), 0x20U);
    EXPECT_FALSE(session.count(RTPPROXY_SESS_A_MARK_MASK));
}

TEST(RelayRequest, ZerosAndTheSenderAreSentWhenGiven) {
    // In an update they put back the defaults, so "given" is what counts, not the value.
    SessionParams params;
    params.relay.dscp = Dscp::sender();
    params.relay.max_ttl = 0;
    params.relay.mark = Mark{0, 0};
    params.relay.dup_below = 0;
    const Request request = make_update_request(kFamily, selector(), SessionRange{1, 1}, params);
    const Attrs session = session_attrs(request);
    ASSERT_EQ(session.size(), 5U);  // no stream nest: an update of the options alone
    EXPECT_EQ(mnl_attr_get_u8(session.at(RTPPROXY_SESS_A_DSCP)), RTPPROXY_DSCP_SENDER);
    EXPECT_EQ(mnl_attr_get_u8(session.at(RTPPROXY_SESS_A_MAX_TTL)), 0);
    EXPECT_EQ(mnl_attr_get_u32(session.at(RTPPROXY_SESS_A_MARK_MASK)), 0U);
    EXPECT_EQ(mnl_attr_get_u16(session.at(RTPPROXY_SESS_A_DUP_BELOW)), 0);
}

TEST(RelayRequest, UpdateSendsOnlyWhatIsGiven) {
    SessionParams params;
    params.relay.dup_below = 200;
    const Attrs session =
        session_attrs(make_update_request(kFamily, selector(), std::nullopt, params));
    ASSERT_EQ(session.size(), 1U);
    EXPECT_EQ(mnl_attr_get_u16(session.at(RTPPROXY_SESS_A_DUP_BELOW)), 200);
}

TEST(RelayRequest, BulkAllocCarriesEachSessionsOwn) {
    std::vector<SessionParams> params(2, learning_params());
    params[1].relay.dscp = Dscp{10};
    const Request request = make_alloc_many_request(kFamily, selector(), params);
    const auto items =
        testutil::nested_list(message_attrs(request.header()).at(RTPPROXY_A_SESSION_LIST));
    ASSERT_EQ(items.size(), 2U);
    EXPECT_FALSE(nested_attrs(items[0]).count(RTPPROXY_SESS_A_DSCP));
    EXPECT_EQ(mnl_attr_get_u8(nested_attrs(items[1]).at(RTPPROXY_SESS_A_DSCP)), 10);
}

TEST(RelayRequest, BulkMaximumOfIpv6SessionsWithEveryOptionFits) {
    SessionParams p = with_every_option();
    for (auto& stream : p.streams) {
        stream.addr = Address::parse("fd00:1::1234:5678:9abc:def0");
        stream.port = 4000;
        stream.learn_timeout_ms = 1000;
        stream.always_learn = true;
    }
    SwitchboardSelector sel;
    sel.addr_a = Address::parse("fd00:1::1");
    sel.port_a = 20000;
    sel.addr_b = Address::parse("fd00:2::1");
    sel.port_b = 20000;
    const std::vector<SessionParams> params(RTPPROXY_BULK_MAX, p);
    EXPECT_LE(make_alloc_many_request(kFamily, sel, params).bytes().size(), Request::kBulkCapacity);
}

TEST(RelayParams, TakePartInEquality) {
    SessionParams a = learning_params(), b = learning_params();
    EXPECT_EQ(a, b);
    b.relay.mark = Mark{1};
    EXPECT_NE(a, b);
    a.relay.mark = Mark{1, Mark::kAllBits};
    EXPECT_EQ(a, b);
    EXPECT_TRUE(learning_params().relay.empty());
    EXPECT_FALSE(with_every_option().relay.empty());
}

namespace {

// A GET_SESSION (or alloc) reply whose session nest gets put_options(m) after its state, and,
// with dups, what a module with relay options says of each stream.
template <class PutOptions>
void put_session_reply(MessageBuffer& m, PutOptions put_options, bool dups) {
    m.begin(kFamily, 0, 1, true, RTPPROXY_CMD_GET_SESSION);
    nlattr* sb = m.nest(RTPPROXY_A_SWITCHBOARD);
    testutil::put_ipv4_gates(m);
    m.end_nest(sb);
    nlattr* session = m.nest(RTPPROXY_A_SESSION);
    mnl_attr_put_u32(m.nlh(), RTPPROXY_SESS_A_ID, 0);
    mnl_attr_put_u8(m.nlh(), RTPPROXY_SESS_A_STATE, RTPPROXY_SESS_LIVE);
    put_options(m);
    for (std::uint16_t i = 0; i < RTPPROXY_STREAMS; ++i) {
        nlattr* stream = m.nest(RTPPROXY_SESS_A_RTP_A + i);
        m.put_u64(RTPPROXY_STREAM_A_PACKETS, 10);
        if (dups) m.put_u64(RTPPROXY_STREAM_A_DUPS, i + 1);
        m.end_nest(stream);
    }
    m.end_nest(session);
    m.end();
}

void put_every_option(MessageBuffer& m) {
    mnl_attr_put_u8(m.nlh(), RTPPROXY_SESS_A_DSCP, 46);
    mnl_attr_put_u8(m.nlh(), RTPPROXY_SESS_A_MAX_TTL, 3);
    mnl_attr_put_u32(m.nlh(), RTPPROXY_SESS_A_MARK, 0x100);
    mnl_attr_put_u32(m.nlh(), RTPPROXY_SESS_A_MARK_MASK, 0xf00);
    mnl_attr_put_u16(m.nlh(), RTPPROXY_SESS_A_DUP_BELOW, 128);
}

Session session_with_dscp(std::uint8_t dscp) {
    MessageBuffer m;
    put_session_reply(
        m, [&](MessageBuffer& b) { mnl_attr_put_u8(b.nlh(), RTPPROXY_SESS_A_DSCP, dscp); }, false);
    return parse_session_reply(m.nlh()).session;
}

}  // namespace

TEST(RelayReply, SessionWithEveryOption) {
    MessageBuffer m;
    put_session_reply(m, put_every_option, true);
    const Session s = parse_session_reply(m.nlh()).session;
    EXPECT_EQ(s.relay.dscp, Dscp{46});
    EXPECT_EQ(s.relay.max_ttl, 3);
    EXPECT_EQ(s.relay.mark, (Mark{0x100, 0xf00}));
    EXPECT_EQ(s.relay.dup_below, 128);
    for (std::size_t i = 0; i < kStreams; ++i) {
        EXPECT_EQ(s.streams[i].dups, i + 1);
        EXPECT_EQ(s.streams[i].packets, 10U);  // copies are not packets
    }
}

TEST(RelayReply, AnOlderModulesSessionHasTheDefaults) {
    MessageBuffer m;
    put_session_reply(
        m, [](MessageBuffer&) {}, false);
    const Session s = parse_session_reply(m.nlh()).session;
    EXPECT_EQ(s.relay, RelayOptions{});
    EXPECT_TRUE(s.relay.dscp.is_sender());
    EXPECT_EQ(s.relay.max_ttl, 0);
    EXPECT_EQ(s.relay.mark, (Mark{0, 0}));
    EXPECT_EQ(s.relay.dup_below, 0);
    for (const auto& stream : s.streams) EXPECT_EQ(stream.dups, 0U);
}

TEST(RelayReply, DscpIsACodePointOrTheSenders) {
    EXPECT_EQ(session_with_dscp(0).relay.dscp, Dscp{0});
    EXPECT_EQ(session_with_dscp(63).relay.dscp, Dscp{63});
    EXPECT_TRUE(session_with_dscp(RTPPROXY_DSCP_SENDER).relay.dscp.is_sender());
    for (const std::uint8_t bad : {64, 0xfe}) {
        const auto e = testutil::catch_system_error([&] { session_with_dscp(bad); });
        EXPECT_EQ(e.code().value(), EBADMSG) << int(bad);
    }
}

TEST(RelayReply, WrongOptionSizeIsMalformed) {
    MessageBuffer m;
    put_session_reply(
        m, [](MessageBuffer& b) { mnl_attr_put_u32(b.nlh(), RTPPROXY_SESS_A_DUP_BELOW, 128); },
        false);
    const auto e = testutil::catch_system_error([&] { parse_session_reply(m.nlh()); });
    EXPECT_EQ(e.code().value(), EBADMSG);
}

TEST(RelayReply, DuplicatedCounter) {
    MessageBuffer m;
    m.begin(kFamily, 0, 1, true, RTPPROXY_CMD_GET_INFO);
    nlattr* nest = m.nest(RTPPROXY_A_COUNTERS);
    m.put_u64(RTPPROXY_CNT_A_PACKETS, 100);
    m.put_u64(RTPPROXY_CNT_A_DUPLICATED, 7);
    m.end_nest(nest);
    m.end();
    const Counters c = parse_info_reply(m.nlh()).counters;
    EXPECT_EQ(c.duplicated, 7U);
    EXPECT_EQ(c.packets, 100U);

    MessageBuffer old;
    old.begin(kFamily, 0, 1, true, RTPPROXY_CMD_GET_INFO);
    nest = old.nest(RTPPROXY_A_COUNTERS);
    old.put_u64(RTPPROXY_CNT_A_PACKETS, 100);
    old.end_nest(nest);
    old.end();
    EXPECT_EQ(parse_info_reply(old.nlh()).counters.duplicated, 0U);
}

TEST(RelayReply, SwitchboardDuplicatedCounter) {
    MessageBuffer m;
    m.begin(kFamily, NLM_F_MULTI, 1, true, RTPPROXY_CMD_GET_SWITCHBOARD);
    nlattr* sb = m.nest(RTPPROXY_A_SWITCHBOARD);
    testutil::put_ipv4_gates(m);
    nlattr* counters = m.nest(RTPPROXY_SB_A_COUNTERS);
    m.put_u64(RTPPROXY_CNT_A_DUPLICATED, 9);
    m.end_nest(counters);
    m.end_nest(sb);
    m.end();
    EXPECT_EQ(parse_switchboard_reply(m.nlh()).counters.duplicated, 9U);
}

TEST(RelayReply, SwitchboardRelayDefaults) {
    MessageBuffer m;
    m.begin(kFamily, NLM_F_MULTI, 1, true, RTPPROXY_CMD_GET_SWITCHBOARD);
    nlattr* sb = m.nest(RTPPROXY_A_SWITCHBOARD);
    testutil::put_ipv4_gates(m);
    mnl_attr_put_u8(m.nlh(), RTPPROXY_SB_A_DSCP, 46);
    mnl_attr_put_u8(m.nlh(), RTPPROXY_SB_A_MAX_TTL, 8);
    mnl_attr_put_u16(m.nlh(), RTPPROXY_SB_A_DUP_BELOW, 128);
    m.end_nest(sb);
    m.end();
    const auto defaults = parse_switchboard_reply(m.nlh()).relay_defaults;
    EXPECT_EQ(defaults.dscp, Dscp{46});
    EXPECT_EQ(defaults.max_ttl, 8U);
    EXPECT_EQ(defaults.dup_below, 128U);

    // An older module's switchboard: the sender's DSCP, no cap, no copies.
    MessageBuffer old;
    old.begin(kFamily, NLM_F_MULTI, 1, true, RTPPROXY_CMD_GET_SWITCHBOARD);
    sb = old.nest(RTPPROXY_A_SWITCHBOARD);
    testutil::put_ipv4_gates(old);
    old.end_nest(sb);
    old.end();
    EXPECT_EQ(parse_switchboard_reply(old.nlh()).relay_defaults, RelayDefaults{});

    // A DSCP out of range is a malformed reply.
    MessageBuffer bad;
    bad.begin(kFamily, NLM_F_MULTI, 1, true, RTPPROXY_CMD_GET_SWITCHBOARD);
    sb = bad.nest(RTPPROXY_A_SWITCHBOARD);
    testutil::put_ipv4_gates(bad);
    mnl_attr_put_u8(bad.nlh(), RTPPROXY_SB_A_DSCP, 64);
    bad.end_nest(sb);
    bad.end();
    EXPECT_THROW(parse_switchboard_reply(bad.nlh()), std::system_error);
}

// ---- a module too old for the options ----

TEST(TooOldModule, TheRefusedOptionIsNamedFromTheOffset) {
    const Request request = make_alloc_request(kFamily, selector(), with_every_option());
    const Attrs session = session_attrs(request);
    // The kernel stops at the first attribute it does not know: the DSCP.
    const auto too_old = explain_unknown_attribute(
        unknown_attribute(offset_of(request, session.at(RTPPROXY_SESS_A_DSCP))), request);
    ASSERT_TRUE(too_old);
    EXPECT_EQ(too_old->code().value(), EINVAL);
    EXPECT_EQ(std::string(too_old->what())
                  .rfind("the xt_RTPPROXY module is too old for the DSCP "
                         "option (RTPPROXY_SESS_A_DSCP): update it: ",
                         0),
              0U)
        << too_old->what();
    EXPECT_EQ(too_old->attributes(), std::vector<std::uint16_t>{RTPPROXY_SESS_A_DSCP});
    // What the kernel said stays readable.
    EXPECT_EQ(too_old->kernel_message(), "Unknown attribute type");
    EXPECT_EQ(too_old->offset(), offset_of(request, session.at(RTPPROXY_SESS_A_DSCP)));

    const std::pair<int, const char*> others[] = {
        {RTPPROXY_SESS_A_MAX_TTL, "the max TTL option (RTPPROXY_SESS_A_MAX_TTL)"},
        {RTPPROXY_SESS_A_MARK, "the mark option (RTPPROXY_SESS_A_MARK)"},
        {RTPPROXY_SESS_A_MARK_MASK, "the mark mask option (RTPPROXY_SESS_A_MARK_MASK)"},
        {RTPPROXY_SESS_A_DUP_BELOW, "the dup-below option (RTPPROXY_SESS_A_DUP_BELOW)"}};
    for (const auto& [type, name] : others) {
        const auto other = explain_unknown_attribute(
            unknown_attribute(offset_of(request, session.at(type))), request);
        ASSERT_TRUE(other) << name;
        EXPECT_NE(std::string(other->what()).find(name), std::string::npos) << other->what();
    }
}

TEST(TooOldModule, InAnUpdate) {
    SessionParams params;
    params.relay.mark = Mark{1};
    const Request request = make_update_request(kFamily, selector(), std::nullopt, params);
    const auto too_old = explain_unknown_attribute(
        unknown_attribute(offset_of(request, session_attrs(request).at(RTPPROXY_SESS_A_MARK))),
        request);
    ASSERT_TRUE(too_old);
    EXPECT_EQ(too_old->attributes(), std::vector<std::uint16_t>{RTPPROXY_SESS_A_MARK});
}

TEST(TooOldModule, InTheSecondSessionOfABulkAlloc) {
    std::vector<SessionParams> params(2, learning_params());
    params[1].relay.dup_below = 128;
    const Request request = make_alloc_many_request(kFamily, selector(), params);
    const auto items =
        testutil::nested_list(message_attrs(request.header()).at(RTPPROXY_A_SESSION_LIST));
    const auto offset = offset_of(request, nested_attrs(items[1]).at(RTPPROXY_SESS_A_DUP_BELOW));
    const auto too_old = explain_unknown_attribute(unknown_attribute(offset), request);
    ASSERT_TRUE(too_old);
    EXPECT_EQ(too_old->attributes(), std::vector<std::uint16_t>{RTPPROXY_SESS_A_DUP_BELOW});
}

TEST(TooOldModule, WithoutAnOffsetEveryOptionSentIsNamed) {
    SessionParams params = learning_params();
    params.relay.dscp = Dscp{46};
    params.relay.dup_below = 128;
    const Request request = make_alloc_request(kFamily, selector(), params);
    const auto too_old = explain_unknown_attribute(unknown_attribute(std::nullopt), request);
    ASSERT_TRUE(too_old);
    EXPECT_EQ(std::string(too_old->what())
                  .rfind("the xt_RTPPROXY module is too old for the DSCP and dup-below options "
                         "(RTPPROXY_SESS_A_DSCP, RTPPROXY_SESS_A_DUP_BELOW): update it: ",
                         0),
              0U)
        << too_old->what();
    EXPECT_EQ(too_old->attributes(),
              (std::vector<std::uint16_t>{RTPPROXY_SESS_A_DSCP, RTPPROXY_SESS_A_DUP_BELOW}));
}

TEST(TooOldModule, OtherErrorsAreLeftAsTheKernelSaidThem) {
    const Request request = make_alloc_request(kFamily, selector(), with_every_option());
    const Attrs session = session_attrs(request);
    const auto dscp = offset_of(request, session.at(RTPPROXY_SESS_A_DSCP));
    // A module that knows the option and refuses its value.
    EXPECT_FALSE(explain_unknown_attribute(
        unknown_attribute(dscp, "DSCP is 0 to 63, or RTPPROXY_DSCP_SENDER"), request));
    // Another errno.
    NetlinkError full;
    full.error = ENOSPC;
    full.message = "Unknown attribute type";
    full.offset = dscp;
    EXPECT_FALSE(explain_unknown_attribute(KernelError(full, "session alloc"), request));
    // Another attribute: a stream nest, the session nest, an offset inside an attribute.
    EXPECT_FALSE(explain_unknown_attribute(
        unknown_attribute(offset_of(request, session.at(RTPPROXY_SESS_A_RTP_A))), request));
    EXPECT_FALSE(explain_unknown_attribute(
        unknown_attribute(
            offset_of(request, message_attrs(request.header()).at(RTPPROXY_A_SESSION))),
        request));
    EXPECT_FALSE(explain_unknown_attribute(unknown_attribute(dscp + 4), request));
    // No relay option in the request, with or without an offset.
    const Request plain = make_alloc_request(kFamily, selector(), learning_params());
    EXPECT_FALSE(explain_unknown_attribute(unknown_attribute(std::nullopt), plain));
    EXPECT_FALSE(explain_unknown_attribute(unknown_attribute(dscp), plain));
}

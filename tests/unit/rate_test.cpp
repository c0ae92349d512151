// SPDX-License-Identifier: GPL-2.0
// The per-stream rate limits: in requests, in replies (old modules' replies too) and a too-old
// module's refusal of them told by name.
#include <gtest/gtest.h>
#include <linux/netfilter/xt_RTPPROXY.h>
#include <sys/socket.h>

#include <cerrno>
#include <string>
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

// Client A's RTP at a fixed address (RTCP derived from it), client B learned.
SessionParams client_params() {
    SessionParams params;
    params.stream(StreamIndex::rtp_a).addr = Address::parse("10.0.1.2");
    params.stream(StreamIndex::rtp_a).port = 4000;
    params.stream(StreamIndex::rtp_b).learn_timeout_ms = 5000;
    return params;
}

Attrs stream_attrs(const Request& request, StreamIndex index) {
    return nested_attrs(session_attrs(request).at(RTPPROXY_SESS_A_RTP_A + static_cast<int>(index)));
}

}  // namespace

TEST(RateRequest, NoLimitSendsNone) {
    const Request request = make_alloc_request(kFamily, selector(), client_params());
    for (const auto index :
         {StreamIndex::rtp_a, StreamIndex::rtcp_a, StreamIndex::rtp_b, StreamIndex::rtcp_b}) {
        const Attrs stream = stream_attrs(request, index);
        EXPECT_FALSE(stream.count(RTPPROXY_STREAM_A_RATE));
        EXPECT_FALSE(stream.count(RTPPROXY_STREAM_A_BURST));
    }
}

TEST(RateRequest, RateAndBurstInTheStreamsNest) {
    SessionParams params = client_params();
    params.stream(StreamIndex::rtp_a).rate = RateLimit{8000, 3000};
    params.stream(StreamIndex::rtp_b).rate = RateLimit{64000};
    const Request request = make_alloc_request(kFamily, selector(), params);

    const Attrs rtp_a = stream_attrs(request, StreamIndex::rtp_a);
    EXPECT_EQ(mnl_attr_get_payload_len(rtp_a.at(RTPPROXY_STREAM_A_RATE)), 4);
    EXPECT_EQ(mnl_attr_get_u32(rtp_a.at(RTPPROXY_STREAM_A_RATE)), 8000U);
    EXPECT_EQ(mnl_attr_get_payload_len(rtp_a.at(RTPPROXY_STREAM_A_BURST)), 4);
    EXPECT_EQ(mnl_attr_get_u32(rtp_a.at(RTPPROXY_STREAM_A_BURST)), 3000U);
    // The burst left to the kernel, which sizes it after the rate.
    const Attrs rtp_b = stream_attrs(request, StreamIndex::rtp_b);
    EXPECT_EQ(mnl_attr_get_u32(rtp_b.at(RTPPROXY_STREAM_A_RATE)), 64000U);
    EXPECT_FALSE(rtp_b.count(RTPPROXY_STREAM_A_BURST));
    EXPECT_EQ(mnl_attr_get_u32(rtp_b.at(RTPPROXY_STREAM_A_LEARN_TIMEOUT_MS)), 5000U);
    // Nothing else in the session: the rate limits are no session attributes.
    EXPECT_EQ(session_attrs(request).size(), 4U);
}

TEST(RateRequest, RtcpKeepsItsOwn) {
    SessionParams params = client_params();
    params.stream(StreamIndex::rtp_a).rate = RateLimit{8000};
    params.stream(StreamIndex::rtp_b).rate = RateLimit{8000};
    params.stream(StreamIndex::rtcp_b).rate = RateLimit{500, 1500};
    const SessionParams derived = with_rtcp_defaults(params);
    EXPECT_FALSE(derived.stream(StreamIndex::rtcp_a).rate);
    EXPECT_EQ(derived.stream(StreamIndex::rtcp_a).port, 4001);  // the rest is derived
    EXPECT_EQ(derived.stream(StreamIndex::rtcp_b).rate, (RateLimit{500, 1500}));

    const Request request = make_alloc_request(kFamily, selector(), params);
    EXPECT_FALSE(stream_attrs(request, StreamIndex::rtcp_a).count(RTPPROXY_STREAM_A_RATE));
    const Attrs rtcp_b = stream_attrs(request, StreamIndex::rtcp_b);
    EXPECT_EQ(mnl_attr_get_u32(rtcp_b.at(RTPPROXY_STREAM_A_RATE)), 500U);
    EXPECT_EQ(mnl_attr_get_u32(rtcp_b.at(RTPPROXY_STREAM_A_BURST)), 1500U);
}

TEST(RateRequest, AnUpdateOfTheLimitAlone) {
    // 0 removes the limit: sent because it is given, and a stream with nothing else is no
    // longer empty.
    SessionParams params;
    params.stream(StreamIndex::rtcp_b).rate = RateLimit{0};
    EXPECT_FALSE(params.stream(StreamIndex::rtcp_b).empty());
    const Request request = make_update_request(kFamily, selector(), SessionRange{2, 2}, params);
    const Attrs session = session_attrs(request);
    ASSERT_EQ(session.size(), 1U);
    const Attrs rtcp_b = nested_attrs(session.at(RTPPROXY_SESS_A_RTCP_B));
    ASSERT_EQ(rtcp_b.size(), 1U);
    EXPECT_EQ(mnl_attr_get_u32(rtcp_b.at(RTPPROXY_STREAM_A_RATE)), 0U);
    // A rate alone is no client: alloc still needs an address or a learning timeout.
    EXPECT_FALSE(params.has_client_or_learning());
}

TEST(RateRequest, RateLastInTheStreamInAbiOrder) {
    SessionParams params;
    StreamParams& rtp_a = params.stream(StreamIndex::rtp_a);
    rtp_a.addr = Address::parse("10.0.1.2");
    rtp_a.port = 4000;
    rtp_a.learn_timeout_ms = 100;
    rtp_a.always_learn = true;
    rtp_a.rate = RateLimit{8000, 2000};
    const Request request = make_update_request(kFamily, selector(), std::nullopt, params);
    const Attrs stream = stream_attrs(request, StreamIndex::rtp_a);
    std::uint32_t previous = 0;
    for (const int type :
         {RTPPROXY_STREAM_A_ADDR, RTPPROXY_STREAM_A_PORT, RTPPROXY_STREAM_A_LEARN_TIMEOUT_MS,
          RTPPROXY_STREAM_A_ALWAYS_LEARN, RTPPROXY_STREAM_A_RATE, RTPPROXY_STREAM_A_BURST}) {
        const std::uint32_t offset = offset_of(request, stream.at(type));
        EXPECT_GT(offset, previous) << type;
        previous = offset;
    }
}

TEST(RateRequest, BulkMaximumOfIpv6SessionsWithEveryOptionAndLimitFits) {
    SessionParams p;
    for (auto& stream : p.streams) {
        stream.addr = Address::parse("fd00:1::1234:5678:9abc:def0");
        stream.port = 4000;
        stream.learn_timeout_ms = 1000;
        stream.always_learn = true;
        stream.rate = RateLimit{0xffffffff, 0xffffffff};
    }
    p.relay.dscp = Dscp{46};
    p.relay.max_ttl = 16;
    p.relay.mark = Mark{0x10, 0xff};
    p.relay.dup_below = 128;
    SwitchboardSelector sel;
    sel.addr_a = Address::parse("fd00:1::1");
    sel.port_a = 20000;
    sel.addr_b = Address::parse("fd00:2::1");
    sel.port_b = 20000;
    const std::vector<SessionParams> params(RTPPROXY_BULK_MAX, p);
    const Request request = make_alloc_many_request(kFamily, sel, params);
    EXPECT_LE(request.bytes().size(), Request::kBulkCapacity);
    // The list's nest length is 16 bits.
    EXPECT_LT(request.bytes().size(), 65536U);
    EXPECT_EQ(
        testutil::nested_list(message_attrs(request.header()).at(RTPPROXY_A_SESSION_LIST)).size(),
        std::size_t{RTPPROXY_BULK_MAX});
}

TEST(RateParams, TakePartInEquality) {
    SessionParams a = client_params(), b = client_params();
    b.stream(StreamIndex::rtp_a).rate = RateLimit{8000};
    EXPECT_NE(a, b);
    a.stream(StreamIndex::rtp_a).rate = RateLimit{8000, 1600};
    EXPECT_NE(a, b);  // a burst given is not the kernel's default, even when they agree
    a.stream(StreamIndex::rtp_a).rate = RateLimit{8000};
    EXPECT_EQ(a, b);
}

namespace {

// A GET_SESSION (or alloc) reply whose streams get put_stream(m, index) after their counters.
template <class PutStream>
void put_session_reply(MessageBuffer& m, PutStream put_stream) {
    m.begin(kFamily, 0, 1, true, RTPPROXY_CMD_GET_SESSION);
    nlattr* sb = m.nest(RTPPROXY_A_SWITCHBOARD);
    testutil::put_ipv4_gates(m);
    m.end_nest(sb);
    nlattr* session = m.nest(RTPPROXY_A_SESSION);
    mnl_attr_put_u32(m.nlh(), RTPPROXY_SESS_A_ID, 0);
    mnl_attr_put_u8(m.nlh(), RTPPROXY_SESS_A_STATE, RTPPROXY_SESS_LIVE);
    for (std::uint16_t i = 0; i < RTPPROXY_STREAMS; ++i) {
        nlattr* stream = m.nest(RTPPROXY_SESS_A_RTP_A + i);
        m.put_u64(RTPPROXY_STREAM_A_PACKETS, 10);
        m.put_u64(RTPPROXY_STREAM_A_DROPS, 3);
        put_stream(m, i);
        m.end_nest(stream);
    }
    m.end_nest(session);
    m.end();
}

}  // namespace

TEST(RateReply, EveryStreamsOwnLimit) {
    MessageBuffer m;
    put_session_reply(m, [](MessageBuffer& b, std::uint16_t i) {
        // What the module sends of every stream: 0/0 for none.
        mnl_attr_put_u32(b.nlh(), RTPPROXY_STREAM_A_RATE, i == 3 ? 0 : 8000 * (i + 1));
        mnl_attr_put_u32(b.nlh(), RTPPROXY_STREAM_A_BURST, i == 3 ? 0 : 1600 * (i + 1));
    });
    const Session s = parse_session_reply(m.nlh()).session;
    for (std::size_t i = 0; i < 3; ++i) {
        EXPECT_EQ(s.streams[i].rate, 8000 * (i + 1));
        EXPECT_EQ(s.streams[i].burst, 1600 * (i + 1));
        EXPECT_EQ(s.streams[i].drops, 3U);
    }
    EXPECT_EQ(s.stream(StreamIndex::rtcp_b).rate, 0U);
    EXPECT_EQ(s.stream(StreamIndex::rtcp_b).burst, 0U);
}

TEST(RateReply, AnOlderModulesStreamsHaveNoLimit) {
    MessageBuffer m;
    put_session_reply(m, [](MessageBuffer&, std::uint16_t) {});
    const Session s = parse_session_reply(m.nlh()).session;
    for (const auto& stream : s.streams) {
        EXPECT_EQ(stream.rate, 0U);
        EXPECT_EQ(stream.burst, 0U);
        EXPECT_EQ(stream.packets, 10U);
    }
}

TEST(RateReply, WrongSizeIsMalformed) {
    for (const std::uint16_t type : {RTPPROXY_STREAM_A_RATE, RTPPROXY_STREAM_A_BURST}) {
        MessageBuffer m;
        put_session_reply(
            m, [&](MessageBuffer& b, std::uint16_t) { mnl_attr_put_u16(b.nlh(), type, 8000); });
        const auto e = testutil::catch_system_error([&] { parse_session_reply(m.nlh()); });
        EXPECT_EQ(e.code().value(), EBADMSG) << type;
    }
}

TEST(RateReply, DropRateCounter) {
    MessageBuffer m;
    m.begin(kFamily, 0, 1, true, RTPPROXY_CMD_GET_INFO);
    nlattr* nest = m.nest(RTPPROXY_A_COUNTERS);
    m.put_u64(RTPPROXY_CNT_A_DUPLICATED, 7);
    m.put_u64(RTPPROXY_CNT_A_DROP_RATE, 42);
    m.end_nest(nest);
    m.end();
    const Counters c = parse_info_reply(m.nlh()).counters;
    EXPECT_EQ(c.drop_rate, 42U);
    EXPECT_EQ(c.duplicated, 7U);

    // An older module's counters: none dropped.
    MessageBuffer old;
    old.begin(kFamily, 0, 1, true, RTPPROXY_CMD_GET_INFO);
    nest = old.nest(RTPPROXY_A_COUNTERS);
    old.put_u64(RTPPROXY_CNT_A_DUPLICATED, 7);
    old.end_nest(nest);
    old.end();
    EXPECT_EQ(parse_info_reply(old.nlh()).counters.drop_rate, 0U);
}

TEST(RateReply, SwitchboardDropRateCounter) {
    MessageBuffer m;
    m.begin(kFamily, NLM_F_MULTI, 1, true, RTPPROXY_CMD_GET_SWITCHBOARD);
    nlattr* sb = m.nest(RTPPROXY_A_SWITCHBOARD);
    testutil::put_ipv4_gates(m);
    nlattr* counters = m.nest(RTPPROXY_SB_A_COUNTERS);
    m.put_u64(RTPPROXY_CNT_A_DROP_RATE, 9);
    m.end_nest(counters);
    m.end_nest(sb);
    m.end();
    EXPECT_EQ(parse_switchboard_reply(m.nlh()).counters.drop_rate, 9U);
}

// ---- a module too old for the rate limits ----

TEST(TooOldModuleForRates, TheRateIsNamedFromTheOffset) {
    SessionParams params = client_params();
    params.stream(StreamIndex::rtp_b).rate = RateLimit{8000, 3000};
    const Request request = make_alloc_request(kFamily, selector(), params);
    const Attrs rtp_b = stream_attrs(request, StreamIndex::rtp_b);
    // The kernel stops at the first attribute it does not know: the rate, before the burst.
    const auto too_old = explain_unknown_attribute(
        unknown_attribute(offset_of(request, rtp_b.at(RTPPROXY_STREAM_A_RATE))), request);
    ASSERT_TRUE(too_old);
    EXPECT_EQ(too_old->code().value(), EINVAL);
    EXPECT_EQ(std::string(too_old->what())
                  .rfind("the xt_RTPPROXY module is too old for the rate limit option "
                         "(RTPPROXY_STREAM_A_RATE): update it: ",
                         0),
              0U)
        << too_old->what();
    // A stream attribute, not the session attribute of the same number (the dup-below).
    static_assert(int{RTPPROXY_STREAM_A_RATE} == int{RTPPROXY_SESS_A_DUP_BELOW});
    EXPECT_EQ(too_old->stream_attributes(), std::vector<std::uint16_t>{RTPPROXY_STREAM_A_RATE});
    EXPECT_TRUE(too_old->attributes().empty());
    EXPECT_EQ(too_old->kernel_message(), "Unknown attribute type");

    const auto burst = explain_unknown_attribute(
        unknown_attribute(offset_of(request, rtp_b.at(RTPPROXY_STREAM_A_BURST))), request);
    ASSERT_TRUE(burst);
    EXPECT_NE(std::string(burst->what()).find("the burst option (RTPPROXY_STREAM_A_BURST)"),
              std::string::npos)
        << burst->what();
}

TEST(TooOldModuleForRates, InAnUpdateAndInTheSecondSessionOfABulkAlloc) {
    SessionParams params;
    params.stream(StreamIndex::rtcp_a).rate = RateLimit{0};
    const Request update = make_update_request(kFamily, selector(), std::nullopt, params);
    const auto refused = explain_unknown_attribute(
        unknown_attribute(offset_of(
            update, stream_attrs(update, StreamIndex::rtcp_a).at(RTPPROXY_STREAM_A_RATE))),
        update);
    ASSERT_TRUE(refused);
    EXPECT_EQ(refused->stream_attributes(), std::vector<std::uint16_t>{RTPPROXY_STREAM_A_RATE});

    std::vector<SessionParams> many(2, client_params());
    many[1].stream(StreamIndex::rtp_a).rate = RateLimit{8000};
    const Request bulk = make_alloc_many_request(kFamily, selector(), many);
    const auto items =
        testutil::nested_list(message_attrs(bulk.header()).at(RTPPROXY_A_SESSION_LIST));
    const auto rtp_a = nested_attrs(nested_attrs(items[1]).at(RTPPROXY_SESS_A_RTP_A));
    const auto too_old = explain_unknown_attribute(
        unknown_attribute(offset_of(bulk, rtp_a.at(RTPPROXY_STREAM_A_RATE))), bulk);
    ASSERT_TRUE(too_old);
    EXPECT_EQ(too_old->stream_attributes(), std::vector<std::uint16_t>{RTPPROXY_STREAM_A_RATE});
}

TEST(TooOldModuleForRates, WithoutAnOffsetEveryOptionSentIsNamedOnce) {
    SessionParams params = client_params();
    params.stream(StreamIndex::rtp_a).rate = RateLimit{8000, 3000};
    params.stream(StreamIndex::rtcp_b).rate = RateLimit{800};
    params.relay.dup_below = 128;
    const Request request = make_alloc_request(kFamily, selector(), params);
    const auto too_old = explain_unknown_attribute(unknown_attribute(std::nullopt), request);
    ASSERT_TRUE(too_old);
    EXPECT_EQ(std::string(too_old->what())
                  .rfind("the xt_RTPPROXY module is too old for the rate limit, burst and "
                         "dup-below options (RTPPROXY_STREAM_A_RATE, RTPPROXY_STREAM_A_BURST, "
                         "RTPPROXY_SESS_A_DUP_BELOW): update it: ",
                         0),
              0U)
        << too_old->what();
    EXPECT_EQ(too_old->stream_attributes(),
              (std::vector<std::uint16_t>{RTPPROXY_STREAM_A_RATE, RTPPROXY_STREAM_A_BURST}));
    EXPECT_EQ(too_old->attributes(), std::vector<std::uint16_t>{RTPPROXY_SESS_A_DUP_BELOW});
}

TEST(TooOldModuleForRates, OtherStreamAttributesAreLeftAsTheKernelSaidThem) {
    SessionParams params = client_params();
    params.stream(StreamIndex::rtp_a).rate = RateLimit{8000};
    const Request request = make_alloc_request(kFamily, selector(), params);
    const Attrs rtp_a = stream_attrs(request, StreamIndex::rtp_a);
    for (const int type : {RTPPROXY_STREAM_A_ADDR, RTPPROXY_STREAM_A_PORT})
        EXPECT_FALSE(explain_unknown_attribute(
            unknown_attribute(offset_of(request, rtp_a.at(type))), request))
            << type;
    // A module that knows the rate and refuses its value.
    EXPECT_FALSE(explain_unknown_attribute(
        unknown_attribute(offset_of(request, rtp_a.at(RTPPROXY_STREAM_A_RATE)),
                          "integer out of range"),
        request));
    // No rate limit in the request: a stream attribute the module refused is another one.
    const Request plain = make_alloc_request(kFamily, selector(), client_params());
    EXPECT_FALSE(explain_unknown_attribute(unknown_attribute(std::nullopt), plain));
}

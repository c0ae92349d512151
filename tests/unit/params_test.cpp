// SPDX-License-Identifier: GPL-2.0
// RTCP defaults derived from RTP, and what alloc requires.
#include <gtest/gtest.h>

#include <stdexcept>

#include "xtrtpproxy/types.hpp"

using namespace xtrtpproxy;

TEST(RtcpDefaults, DerivedFromRtp) {
    SessionParams params;
    auto& rtp_a = params.stream(StreamIndex::rtp_a);
    rtp_a.addr = Address::parse("10.1.1.1");
    rtp_a.port = 4000;
    rtp_a.learn_timeout_ms = 3000;
    params.stream(StreamIndex::rtp_b).learn_timeout_ms = 1500;

    const SessionParams derived = with_rtcp_defaults(params);
    const auto& rtcp_a = derived.stream(StreamIndex::rtcp_a);
    EXPECT_EQ(rtcp_a.addr, Address::parse("10.1.1.1"));
    EXPECT_EQ(rtcp_a.port, 4001);
    EXPECT_EQ(rtcp_a.learn_timeout_ms, 3000U);
    const auto& rtcp_b = derived.stream(StreamIndex::rtcp_b);
    EXPECT_FALSE(rtcp_b.addr);
    EXPECT_FALSE(rtcp_b.port);
    EXPECT_EQ(rtcp_b.learn_timeout_ms, 1500U);
    // RTP streams are left alone.
    EXPECT_EQ(derived.stream(StreamIndex::rtp_a), params.stream(StreamIndex::rtp_a));
    EXPECT_EQ(derived.stream(StreamIndex::rtp_b), params.stream(StreamIndex::rtp_b));
}

TEST(RtcpDefaults, ExplicitRtcpWins) {
    SessionParams params;
    auto& rtp_b = params.stream(StreamIndex::rtp_b);
    rtp_b.addr = Address::parse("2001:db8::1");
    rtp_b.port = 6000;
    rtp_b.learn_timeout_ms = 100;
    auto& rtcp_b = params.stream(StreamIndex::rtcp_b);
    rtcp_b.addr = Address::parse("2001:db8::2");
    rtcp_b.port = 7001;
    rtcp_b.learn_timeout_ms = 200;
    EXPECT_EQ(with_rtcp_defaults(params), params);
}

TEST(RtcpDefaults, PartlyExplicit) {
    SessionParams params;
    params.stream(StreamIndex::rtp_a).addr = Address::parse("10.1.1.1");
    params.stream(StreamIndex::rtp_a).port = 4000;
    params.stream(StreamIndex::rtcp_a).addr = Address::parse("10.1.1.2");
    const auto derived = with_rtcp_defaults(params);
    EXPECT_EQ(derived.stream(StreamIndex::rtcp_a).addr, Address::parse("10.1.1.2"));
    EXPECT_EQ(derived.stream(StreamIndex::rtcp_a).port, 4001);
}

TEST(RtcpDefaults, NoPortAfter65535) {
    SessionParams params;
    params.stream(StreamIndex::rtp_a).addr = Address::parse("10.1.1.1");
    params.stream(StreamIndex::rtp_a).port = 65535;
    EXPECT_THROW(with_rtcp_defaults(params), std::invalid_argument);
    params.stream(StreamIndex::rtcp_a).port = 65534;
    EXPECT_NO_THROW(with_rtcp_defaults(params));
}

TEST(RtcpDefaults, EmptyStaysEmpty) {
    const SessionParams derived = with_rtcp_defaults({});
    for (const auto& stream : derived.streams) EXPECT_TRUE(stream.empty());
    EXPECT_FALSE(derived.has_client_or_learning());
}

TEST(SessionParams, ClientOrLearning) {
    SessionParams params;
    params.stream(StreamIndex::rtcp_b).always_learn = true;
    EXPECT_FALSE(params.has_client_or_learning());
    params.stream(StreamIndex::rtcp_b).learn_timeout_ms = 0;
    EXPECT_TRUE(params.has_client_or_learning());
    SessionParams with_addr;
    with_addr.stream(StreamIndex::rtp_a).addr = Address::parse("10.0.0.9");
    EXPECT_TRUE(with_addr.has_client_or_learning());
}

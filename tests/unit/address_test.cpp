// SPDX-License-Identifier: GPL-2.0
// Address parsing and formatting, endpoints, stream names.
#include <gtest/gtest.h>
#include <sys/socket.h>

#include <stdexcept>

#include "xtrtpproxy/types.hpp"

using namespace xtrtpproxy;

TEST(Address, ParsesIpv4) {
    const Address addr = Address::parse("192.0.2.33");
    EXPECT_EQ(addr.family(), AF_INET);
    EXPECT_FALSE(addr.is_v6());
    ASSERT_EQ(addr.bytes().size(), 4U);
    EXPECT_EQ(addr.bytes()[0], std::byte{192});
    EXPECT_EQ(addr.bytes()[3], std::byte{33});
    EXPECT_EQ(addr.to_string(), "192.0.2.33");
}

TEST(Address, ParsesIpv6AndCompresses) {
    const Address addr = Address::parse("2001:0db8:0000:0000:0000:0000:0000:0001");
    EXPECT_EQ(addr.family(), AF_INET6);
    EXPECT_TRUE(addr.is_v6());
    ASSERT_EQ(addr.bytes().size(), 16U);
    EXPECT_EQ(addr.to_string(), "2001:db8::1");
    EXPECT_EQ(Address::parse("::").to_string(), "::");
    EXPECT_EQ(Address::parse("::ffff:10.0.0.1").to_string(), "::ffff:10.0.0.1");
}

TEST(Address, RejectsGarbage) {
    for (const char* text : {"", "1.2.3", "1.2.3.4.5", "256.1.1.1", "1.2.3.4 ", " 1.2.3.4", "[::1]",
                             "::1::2", "example.com", "1.2.3.4/24", "-1"}) {
        EXPECT_FALSE(Address::try_parse(text)) << text;
        EXPECT_THROW(Address::parse(text), std::invalid_argument) << text;
    }
    EXPECT_FALSE(Address::try_parse(std::string(100, '1')));
}

TEST(Address, ErrorNamesTheText) {
    try {
        Address::parse("10.0.0.300");
        FAIL();
    } catch (const std::invalid_argument& e) {
        EXPECT_NE(std::string(e.what()).find("10.0.0.300"), std::string::npos);
    }
}

TEST(Address, FromBytes) {
    const std::byte v4[] = {std::byte{10}, std::byte{1}, std::byte{2}, std::byte{3}};
    EXPECT_EQ(Address::from_bytes(v4).to_string(), "10.1.2.3");
    std::byte v6[16] = {};
    v6[0] = std::byte{0xfe};
    v6[1] = std::byte{0x80};
    v6[15] = std::byte{9};
    EXPECT_EQ(Address::from_bytes(v6).to_string(), "fe80::9");
    const std::byte five[5] = {};
    EXPECT_THROW(Address::from_bytes(five), std::invalid_argument);
}

TEST(Address, Equality) {
    EXPECT_EQ(Address::parse("10.0.0.1"), Address::parse("10.0.0.1"));
    EXPECT_NE(Address::parse("10.0.0.1"), Address::parse("10.0.0.2"));
    EXPECT_NE(Address::parse("::"), Address::parse("0.0.0.0"));
    EXPECT_EQ(Address().family(), 0);
    EXPECT_TRUE(Address().bytes().empty());
}

TEST(Endpoint, Format) {
    EXPECT_EQ((Endpoint{Address::parse("10.0.0.1"), 5004}).to_string(), "10.0.0.1:5004");
    EXPECT_EQ((Endpoint{Address::parse("2001:db8::1"), 5004}).to_string(), "[2001:db8::1]:5004");
}

TEST(Stream, Names) {
    EXPECT_EQ(stream_name(0), "rtp-a");
    EXPECT_EQ(stream_name(1), "rtcp-a");
    EXPECT_EQ(stream_name(2), "rtp-b");
    EXPECT_EQ(stream_name(3), "rtcp-b");
}

TEST(Switchboard, SelectorMatchesItsGates) {
    Switchboard sb;
    sb.gate_a = {Address::parse("10.0.0.1"), 50000};
    sb.gate_b = {Address::parse("10.0.0.2"), 50000};
    const SwitchboardSelector selector = sb.selector();
    EXPECT_EQ(selector.addr_a, sb.gate_a.addr);
    EXPECT_EQ(selector.port_a, 50000);
    EXPECT_EQ(selector.addr_b, sb.gate_b.addr);
    EXPECT_EQ(selector.port_b, 50000);
    EXPECT_FALSE(selector.empty());
    EXPECT_TRUE(SwitchboardSelector{}.empty());
}

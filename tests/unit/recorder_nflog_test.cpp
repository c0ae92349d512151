// SPDX-License-Identifier: GPL-2.0
// The recorder's NFLOG parsers on canned messages: the kernel's prefix of a copy, the copy's
// IP and UDP headers, the packet message, and which switchboard's session a copy is of.
#include <gtest/gtest.h>
#include <libmnl/libmnl.h>
#include <linux/netfilter/nfnetlink.h>
#include <linux/netfilter/nfnetlink_log.h>
#include <sys/socket.h>

#include <algorithm>
#include <span>

#include "recorder_nflog.hpp"
#include "recorder_util.hpp"

using namespace rtpproxyd;
using namespace rectest;

TEST(CopyPrefix, TheKernelsPrefixes) {
    EXPECT_EQ(parse_copy_prefix("rtpp 0 rtp-a received"), (CopyPrefix{0, 0, false}));
    EXPECT_EQ(parse_copy_prefix("rtpp 17 rtcp-a received"), (CopyPrefix{17, 1, false}));
    EXPECT_EQ(parse_copy_prefix("rtpp 4294967295 rtp-b sent"), (CopyPrefix{4294967295u, 2, true}));
    EXPECT_EQ(parse_copy_prefix("rtpp 3 rtcp-b sent"), (CopyPrefix{3, 3, true}));
    EXPECT_TRUE(parse_copy_prefix("rtpp 3 rtcp-b sent")->rtcp());
    EXPECT_FALSE(parse_copy_prefix("rtpp 3 rtp-b sent")->rtcp());
}

TEST(CopyPrefix, AnythingElseIsNotACopy) {
    for (const char* text :
         {"", "rtpp", "rtpp ", "rtpp 1", "rtpp 1 rtp-a", "rtpp 1 rtp-a ", "rtpp  1 rtp-a received",
          "rtpp -1 rtp-a received", "rtpp +1 rtp-a received", "rtpp x rtp-a received",
          "rtpp 4294967296 rtp-a received", "rtpp 1 rtp-c received", "rtpp 1 rtp-a got",
          "rtpp 1 rtp-a received ", "rtpp 1 rtp-a  received", "RTPP 1 rtp-a received",
          "IN=eth0 DROP "})
        EXPECT_FALSE(parse_copy_prefix(text)) << '"' << text << '"';
}

TEST(UdpDatagram, IPv4AndIPv6Headers) {
    const xtrtpproxy::Endpoint a{ip("10.0.0.2"), 7000};
    const xtrtpproxy::Endpoint g{v4, 40000};
    const auto d4 = parse_udp_datagram(udp(a, g, 172));
    ASSERT_TRUE(d4);
    EXPECT_EQ(d4->source, a);
    EXPECT_EQ(d4->destination, g);
    EXPECT_EQ(d4->length, 20u + 8 + 172);

    const xtrtpproxy::Endpoint b{ip("2001:db8::2"), 6000};
    const xtrtpproxy::Endpoint g6{v6, 41000};
    const auto d6 = parse_udp_datagram(udp(b, g6, 160));
    ASSERT_TRUE(d6);
    EXPECT_EQ(d6->source, b);
    EXPECT_EQ(d6->destination, g6);
    EXPECT_EQ(d6->length, 40u + 8 + 160);

    // A hop-by-hop options header before the UDP header.
    auto hbh = udp(b, g6, 160);
    hbh[6] = std::byte{0};
    const auto options = bytes_of({17, 0, 1, 4, 0, 0, 0, 0});
    hbh.insert(hbh.begin() + 40, options.begin(), options.end());
    put16(hbh, 4, 8 + 8 + 160);
    const auto with_options = parse_udp_datagram(hbh);
    ASSERT_TRUE(with_options);
    EXPECT_EQ(with_options->destination, g6);
}

TEST(UdpDatagram, ACutCopyKeepsItsLength) {
    const auto whole = udp({ip("10.0.0.2"), 7000}, {v4, 40000}, 1000);
    const std::span<const std::byte> cut(whole.data(), 100);
    const auto d = parse_udp_datagram(cut);
    ASSERT_TRUE(d);
    EXPECT_EQ(d->length, whole.size());
}

TEST(UdpDatagram, NotAUdpHeader) {
    auto d = udp({ip("10.0.0.2"), 7000}, {v4, 40000}, 20);
    EXPECT_FALSE(parse_udp_datagram(std::span<const std::byte>(d.data(), 27))) << "cut header";
    EXPECT_FALSE(parse_udp_datagram({})) << "empty";
    auto tcp = d;
    tcp[9] = std::byte{6};
    EXPECT_FALSE(parse_udp_datagram(tcp));
    auto fragment = d;
    put16(fragment, 6, 0x2000 | 185);  // a later fragment: no UDP header
    EXPECT_FALSE(parse_udp_datagram(fragment));
    auto first = d;
    put16(first, 6, 0x2000);  // the first fragment has one
    EXPECT_TRUE(parse_udp_datagram(first));
    auto version = d;
    version[0] = std::byte{0x55};
    EXPECT_FALSE(parse_udp_datagram(version));
}

TEST(NflogPacket, ParsesTheKernelsMessage) {
    const auto datagram = udp({ip("10.0.0.2"), 7000}, {v4, 40000}, 172);
    const MessageBuffer m = batch({{prefix(3, "rtp-a"), datagram, timeval{1700000000, 123456}}});
    const auto packet = parse_nflog_packet(first_message(m));
    ASSERT_TRUE(packet);
    EXPECT_EQ(packet->group, kGroup);
    EXPECT_EQ(packet->prefix, "rtpp 3 rtp-a received");
    ASSERT_EQ(packet->payload.size(), datagram.size());
    EXPECT_TRUE(std::equal(datagram.begin(), datagram.end(), packet->payload.begin()));
    ASSERT_TRUE(packet->timestamp);
    EXPECT_EQ(packet->timestamp->tv_sec, 1700000000);
    EXPECT_EQ(packet->timestamp->tv_usec, 123456);

    const MessageBuffer untimed = batch({{prefix(3, "rtp-a"), datagram}});
    EXPECT_FALSE(parse_nflog_packet(first_message(untimed))->timestamp);
}

TEST(NflogPacket, OthersAndMalformedOnesAreNot) {
    const auto datagram = udp({ip("10.0.0.2"), 7000}, {v4, 40000}, 10);
    {
        MessageBuffer m;  // a configuration message
        m.begin((NFNL_SUBSYS_ULOG << 8) | NFULNL_MSG_CONFIG, 0, 0, false);
        mnl_nlmsg_put_extra_header(m.nlh(), sizeof(nfgenmsg));
        m.end();
        EXPECT_FALSE(parse_nflog_packet(first_message(m)));
    }
    {
        MessageBuffer m;  // NFULNL_COPY_META: no payload
        m.begin((NFNL_SUBSYS_ULOG << 8) | NFULNL_MSG_PACKET, 0, 0, false);
        mnl_nlmsg_put_extra_header(m.nlh(), sizeof(nfgenmsg));
        mnl_attr_put_strz(m.nlh(), NFULA_PREFIX, "rtpp 1 rtp-a received");
        m.end();
        EXPECT_FALSE(parse_nflog_packet(first_message(m)));
    }
    {
        MessageBuffer m;  // a prefix without its NUL
        m.begin((NFNL_SUBSYS_ULOG << 8) | NFULNL_MSG_PACKET, 0, 0, false);
        mnl_nlmsg_put_extra_header(m.nlh(), sizeof(nfgenmsg));
        mnl_attr_put(m.nlh(), NFULA_PREFIX, 4, "rtpp");
        mnl_attr_put(m.nlh(), NFULA_PAYLOAD, datagram.size(), datagram.data());
        m.end();
        EXPECT_FALSE(parse_nflog_packet(first_message(m)));
    }
    {
        MessageBuffer m;  // a short timestamp
        m.begin((NFNL_SUBSYS_ULOG << 8) | NFULNL_MSG_PACKET, 0, 0, false);
        mnl_nlmsg_put_extra_header(m.nlh(), sizeof(nfgenmsg));
        mnl_attr_put_u32(m.nlh(), NFULA_TIMESTAMP, 1);
        mnl_attr_put(m.nlh(), NFULA_PAYLOAD, datagram.size(), datagram.data());
        m.end();
        EXPECT_FALSE(parse_nflog_packet(first_message(m)));
    }
}

TEST(CopyOf, TheGatePortOfTheSessionsStream) {
    xtrtpproxy::SwitchboardGates gates;
    gates.family = AF_INET;
    gates.gate_a = {v4, 40000};
    gates.gate_b = {v4, 40200};
    const xtrtpproxy::Endpoint client{ip("10.0.0.2"), 7000};
    const auto to = [&](std::uint16_t port) {
        return *parse_udp_datagram(udp(client, {v4, port}, 4));
    };
    EXPECT_TRUE(copy_of(gates, {5, 0, false}, to(40010)));
    EXPECT_TRUE(copy_of(gates, {5, 1, false}, to(40011)));
    EXPECT_TRUE(copy_of(gates, {5, 2, false}, to(40210)));
    EXPECT_TRUE(copy_of(gates, {5, 3, false}, to(40211)));
    EXPECT_FALSE(copy_of(gates, {5, 0, false}, to(40210))) << "the other side's gate";
    EXPECT_FALSE(copy_of(gates, {5, 0, false}, to(40011))) << "RTCP's port";
    EXPECT_FALSE(copy_of(gates, {4, 0, false}, to(40010))) << "another session";
    EXPECT_FALSE(copy_of(gates, {5, 0, true}, to(40010))) << "a sent copy";
    gates.gate_a.port = 50000;
    EXPECT_FALSE(copy_of(gates, {5, 0, false}, to(40010))) << "another switchboard";
}

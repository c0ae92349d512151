// SPDX-License-Identifier: GPL-2.0
// Which of the gates' ports the kernel could also hand out as ephemeral ports.
#include <gtest/gtest.h>

#include "ephemeral_ports.hpp"

namespace {

using namespace rtpproxyd;

TEST(EphemeralPorts, ParsesTheKernelsRange) {
    EXPECT_EQ(parse_port_range("32768\t60999\n"), (PortRange{32768, 60999}));
    EXPECT_EQ(parse_port_range(" 1024 1024 "), (PortRange{1024, 1024}));
    EXPECT_FALSE(parse_port_range("60999 32768"));
    EXPECT_FALSE(parse_port_range("32768"));
    EXPECT_FALSE(parse_port_range("32768 65536"));
    EXPECT_FALSE(parse_port_range("a b"));
}

TEST(EphemeralPorts, ParsesTheReservedList) {
    EXPECT_EQ(parse_port_list("\n"), std::vector<PortRange>{});
    EXPECT_EQ(parse_port_list("35000-39999,41000\n"),
              (std::vector<PortRange>{{35000, 39999}, {41000, 41000}}));
    EXPECT_FALSE(parse_port_list("35000-"));
    EXPECT_FALSE(parse_port_list("40000-35000"));
    EXPECT_FALSE(parse_port_list("1,,2"));
    EXPECT_FALSE(parse_port_list("70000"));
}

TEST(EphemeralPorts, rtpproxysDefaultRangeMeetsLinuxsDefaultOne) {
    EXPECT_EQ(exposed_ports({{35000, 65000}}, {32768, 60999}, {}),
              (std::vector<PortRange>{{35000, 60999}}));
    EXPECT_EQ(to_string(exposed_ports({{35000, 65000}}, {32768, 60999}, {})), "35000-60999");
}

TEST(EphemeralPorts, ReservedPortsAreSafe) {
    EXPECT_TRUE(exposed_ports({{35000, 65000}}, {32768, 60999}, {{35000, 65000}}).empty());
    const auto holes =
        exposed_ports({{40000, 40999}}, {32768, 60999}, {{40000, 40099}, {40200, 40999}});
    EXPECT_EQ(holes, (std::vector<PortRange>{{40100, 40199}}));
    EXPECT_EQ(to_string({{40100, 40199}, {40500, 40500}}), "40100-40199,40500");
}

TEST(EphemeralPorts, GatesSideBySideAreOneRange) {
    // One address's two gates (35000-49999 and 50000-64999 by default).
    EXPECT_EQ(to_string(exposed_ports({{35000, 49999}, {50000, 64999}}, {32768, 60999}, {})),
              "35000-60999");
    // Two addresses' gates on the same ports: each port once.
    EXPECT_EQ(to_string(exposed_ports({{40000, 40999}, {40000, 40999}}, {32768, 60999}, {})),
              "40000-40999");
}

TEST(EphemeralPorts, RangesApartDoNotMeet) {
    EXPECT_TRUE(exposed_ports({{16384, 32767}}, {32768, 60999}, {}).empty());
    EXPECT_TRUE(exposed_ports({{61000, 65535}}, {32768, 60999}, {}).empty());
    EXPECT_EQ(exposed_ports({{60998, 65535}}, {32768, 60999}, {}),
              (std::vector<PortRange>{{60998, 60999}}));
}

}  // namespace

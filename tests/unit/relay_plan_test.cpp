// SPDX-License-Identifier: GPL-2.0
// The daemon's switchboards from its addresses, and where a new call's parties go.
#include <gtest/gtest.h>
#include <sys/socket.h>

#include "relay_plan.hpp"

namespace {

using namespace rtpproxyd;
using xtrtpproxy::Address;

const Address v4 = Address::parse("192.0.2.1");
const Address v4_ext = Address::parse("198.51.100.1");
const Address v6 = Address::parse("2001:db8::1");

TEST(RelayPlan, OneFamilySharesItsRangeBetweenTheGates) {
    const auto plan = RelayPlan::own({v4, {}}, {}, 35000, 65000);
    ASSERT_EQ(plan.switchboards().size(), 1u);
    EXPECT_FALSE(plan.bridging());
    const auto& sb = plan.switchboards()[0];
    EXPECT_EQ(sb.gates.gate_a.addr, v4);
    EXPECT_EQ(sb.gates.gate_b.addr, v4);
    EXPECT_EQ(sb.gates.gate_a.port, 35000);
    EXPECT_EQ(sb.gates.gate_b.port, 50000);
    EXPECT_EQ(sb.max_sess, 7500u);
}

TEST(RelayPlan, BothFamiliesGetABridgeToo) {
    const auto plan = RelayPlan::own({v4, v6}, {}, 40000, 40599);
    ASSERT_EQ(plan.switchboards().size(), 3u);
    EXPECT_FALSE(plan.bridging());
    const auto& bridge = plan.switchboards()[2];
    EXPECT_EQ(bridge.gates.gate_a.addr, v4);
    EXPECT_EQ(bridge.gates.gate_b.addr, v6);
    // Three gates on each address: 200 ports each.
    EXPECT_EQ(bridge.gates.gate_a.port, 40400);
    EXPECT_EQ(bridge.gates.gate_b.port, 40400);
    EXPECT_EQ(bridge.max_sess, 100u);
    EXPECT_EQ(plan.switchboards()[1].gates.gate_b.port, 40200);
}

TEST(RelayPlan, BridgingPairsEveryInternalWithEveryExternal) {
    const auto plan = RelayPlan::own({v4, {}}, {v4_ext, v6}, 30000, 39999);
    EXPECT_TRUE(plan.bridging());
    ASSERT_EQ(plan.switchboards().size(), 2u);
    EXPECT_EQ(plan.switchboards()[0].gates.gate_b.addr, v4_ext);
    EXPECT_EQ(plan.switchboards()[1].gates.gate_b.addr, v6);
    EXPECT_EQ(plan.switchboards()[0].gates.gate_a.port, 30000);
    EXPECT_EQ(plan.switchboards()[1].gates.gate_a.port, 35000);
    EXPECT_EQ(plan.switchboards()[0].gates.gate_b.port, 30000);
    EXPECT_EQ(plan.switchboards()[0].max_sess, 2500u);
    EXPECT_EQ(plan.switchboards()[1].max_sess, 2500u) << "the smaller of its gates' shares";
}

TEST(RelayPlan, AWholeRangeForOneGate) {
    const auto plan = RelayPlan::own({v4, {}}, {v6, {}}, 1024, 65535);
    // 64,512 ports give one gate 32,256 sessions: below the kernel's 32,767.
    EXPECT_EQ(plan.switchboards()[0].max_sess, 32256u);
}

TEST(RelayPlan, RefusesWhatCannotWork) {
    EXPECT_THROW(RelayPlan::own({}, {}, 35000, 65000), std::invalid_argument);
    EXPECT_THROW(RelayPlan::own({v4, {}}, {}, 35001, 65000), std::invalid_argument);
    EXPECT_THROW(RelayPlan::own({v4, {}}, {}, 35000, 35002), std::invalid_argument);
    EXPECT_NO_THROW(RelayPlan::own({v4, {}}, {}, 35000, 35003));
}

TEST(RelayPlan, PlainModePlacesTheOffererOnGateAOfItsFamily) {
    const auto plan = RelayPlan::own({v4, v6}, {}, 40000, 40599);
    auto c = plan.choose(AF_INET, {}, {}, {});
    ASSERT_TRUE(c);
    EXPECT_EQ(c->switchboard, 0u);
    EXPECT_EQ(c->offerer_side, Side::a);
    c = plan.choose(AF_INET6, {}, {}, {});
    ASSERT_TRUE(c);
    EXPECT_EQ(c->switchboard, 1u);
    // The bridge, with the IPv6 offerer on its IPv6 gate B.
    c = plan.choose(AF_INET6, AF_INET, {}, {});
    ASSERT_TRUE(c);
    EXPECT_EQ(c->switchboard, 2u);
    EXPECT_EQ(c->offerer_side, Side::b);
    ChoiceError why{};
    EXPECT_FALSE(plan.choose(AF_INET, {}, Network::internal, {}, &why));
    EXPECT_EQ(why, ChoiceError::no_bridge);
}

TEST(RelayPlan, MissingFamilyIsNoLocalAddress) {
    const auto plan = RelayPlan::own({v4, {}}, {}, 40000, 40599);
    ChoiceError why{};
    EXPECT_FALSE(plan.choose(AF_INET6, {}, {}, {}, &why));
    EXPECT_EQ(why, ChoiceError::no_local_address);
    EXPECT_FALSE(plan.choose(AF_INET, AF_INET6, {}, {}, &why));
}

TEST(RelayPlan, BridgingFollowsTheNetworksAndFamilies) {
    // rtpproxy -l 192.0.2.1 -6 /2001:db8::1: internal IPv4, external IPv6.
    const auto plan = RelayPlan::own({v4, {}}, {{}, v6}, 40000, 40599);
    ASSERT_EQ(plan.switchboards().size(), 1u);
    auto c = plan.choose(AF_INET, {}, {}, {});
    ASSERT_TRUE(c);
    EXPECT_EQ(c->offerer_side, Side::a) << "an IPv4 offerer is internal";
    c = plan.choose(AF_INET6, {}, {}, {});
    ASSERT_TRUE(c);
    EXPECT_EQ(c->offerer_side, Side::b) << "an IPv6 offerer is external";
    c = plan.choose(AF_INET6, {}, Network::external, Network::internal);
    ASSERT_TRUE(c);
    EXPECT_EQ(c->offerer_side, Side::b);
    EXPECT_FALSE(plan.choose(AF_INET, {}, Network::external, {})) << "no IPv4 outside";
    EXPECT_FALSE(plan.choose(AF_INET, {}, Network::internal, Network::internal));
}

TEST(RelayPlan, OperatorsSwitchboardsOnTwoAddressesMeanBridging) {
    xtrtpproxy::SwitchboardGates one;
    one.family = AF_INET;
    one.gate_a = {v4, 50000};
    one.gate_b = {v4, 52000};
    EXPECT_FALSE(RelayPlan::operators({one}).bridging());
    one.gate_b.addr = v4_ext;
    const auto plan = RelayPlan::operators({one});
    EXPECT_TRUE(plan.bridging());
    const auto c = plan.choose(AF_INET, {}, Network::external, {});
    ASSERT_TRUE(c);
    EXPECT_EQ(c->offerer_side, Side::b);
}

}  // namespace

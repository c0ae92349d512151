// SPDX-License-Identifier: GPL-2.0
// Planning the daemon's switchboards and placing a call's parties on their gates.
#include "relay_plan.hpp"

#include <linux/netfilter/xt_RTPPROXY.h>
#include <sys/socket.h>

#include <algorithm>
#include <stdexcept>
#include <string>

namespace rtpproxyd {

const std::optional<xtrtpproxy::Address>& NetworkAddresses::of(int family) const {
    return family == AF_INET6 ? ipv6 : ipv4;
}

namespace {

PlannedSwitchboard make(const xtrtpproxy::Address& a, const xtrtpproxy::Address& b) {
    PlannedSwitchboard sb;
    sb.gates.family = a.family();
    sb.gates.gate_a.addr = a;
    sb.gates.gate_b.addr = b;
    return sb;
}

// Gives every gate its share of the port range of its address.
void share_ports(std::vector<PlannedSwitchboard>& switchboards, std::uint16_t port_min,
                 std::uint16_t port_max) {
    if (port_min % 2 != 0 || port_max <= port_min)
        throw std::invalid_argument("the port range must start at an even port and not be empty");
    struct GateRef {
        std::size_t switchboard;
        Side side;
    };
    std::vector<std::pair<xtrtpproxy::Address, std::vector<GateRef>>> by_address;
    for (std::size_t i = 0; i < switchboards.size(); ++i) {
        for (const Side side : {Side::a, Side::b}) {
            const auto& addr = gate_of(switchboards[i].gates, side).addr;
            auto it = std::find_if(by_address.begin(), by_address.end(),
                                   [&](const auto& entry) { return entry.first == addr; });
            if (it == by_address.end()) {
                by_address.push_back({addr, {}});
                it = by_address.end() - 1;
            }
            it->second.push_back({i, side});
        }
    }
    const unsigned ports = unsigned{port_max} - port_min + 1;
    for (const auto& [addr, gates] : by_address) {
        const unsigned share = ports / gates.size() & ~1U;
        const std::uint32_t sessions = std::min<unsigned>(share / 2, XT_RTPPROXY_MAX_SESS);
        if (sessions == 0)
            throw std::invalid_argument("the port range " + std::to_string(port_min) + "-" +
                                        std::to_string(port_max) + " is too small for " +
                                        std::to_string(gates.size()) + " gates on " +
                                        addr.to_string());
        for (std::size_t k = 0; k < gates.size(); ++k) {
            auto& sb = switchboards[gates[k].switchboard];
            const auto port = static_cast<std::uint16_t>(port_min + k * share);
            (gates[k].side == Side::a ? sb.gates.gate_a : sb.gates.gate_b).port = port;
            // Both gates of a switchboard have room for as many sessions: its size is the
            // smaller share.
            sb.max_sess = sb.max_sess == 0 ? sessions : std::min(sb.max_sess, sessions);
        }
    }
}

}  // namespace

RelayPlan RelayPlan::own(const NetworkAddresses& internal, const NetworkAddresses& external,
                         std::uint16_t port_min, std::uint16_t port_max) {
    if (internal.empty()) throw std::invalid_argument("no local address to relay on (-l or -6)");
    RelayPlan plan;
    plan.bridging_ = !external.empty();
    if (!plan.bridging_) {
        for (const auto* addr : {&internal.ipv4, &internal.ipv6})
            if (*addr) plan.switchboards_.push_back(make(**addr, **addr));
        if (internal.ipv4 && internal.ipv6)
            plan.switchboards_.push_back(make(*internal.ipv4, *internal.ipv6));
    } else {
        for (const auto* a : {&internal.ipv4, &internal.ipv6})
            for (const auto* b : {&external.ipv4, &external.ipv6})
                if (*a && *b) plan.switchboards_.push_back(make(**a, **b));
    }
    share_ports(plan.switchboards_, port_min, port_max);
    return plan;
}

RelayPlan RelayPlan::operators(std::vector<xtrtpproxy::SwitchboardGates> switchboards) {
    RelayPlan plan;
    for (auto& gates : switchboards) {
        if (gates.gate_a.addr != gates.gate_b.addr) plan.bridging_ = true;
        PlannedSwitchboard sb;
        sb.gates = std::move(gates);
        plan.switchboards_.push_back(std::move(sb));
    }
    return plan;
}

std::optional<Choice> RelayPlan::choose(int offerer_family, std::optional<int> answerer_family,
                                        std::optional<Network> offerer_network,
                                        std::optional<Network> answerer_network,
                                        ChoiceError* why) const {
    const auto fail = [&](ChoiceError error) -> std::optional<Choice> {
        if (why) *why = error;
        return std::nullopt;
    };
    if (!bridging_ && (offerer_network || answerer_network)) return fail(ChoiceError::no_bridge);
    const auto network_side = [](Network network) {
        return network == Network::internal ? Side::a : Side::b;
    };
    for (const Side side : {Side::a, Side::b}) {
        if (offerer_network && network_side(*offerer_network) != side) continue;
        if (answerer_network && network_side(*answerer_network) != other(side)) continue;
        std::optional<int> wanted = answerer_family;
        if (!wanted && bridging_) {
            // The answerer's network has only one family: that one, whatever the offerer's.
            std::optional<int> only;
            bool several = false;
            for (const auto& sb : switchboards_) {
                if (gate_of(sb.gates, side).addr.family() != offerer_family) continue;
                const int family = gate_of(sb.gates, other(side)).addr.family();
                if (only && *only != family) several = true;
                only = family;
            }
            if (only && !several) wanted = only;
        }
        if (!wanted) wanted = offerer_family;
        for (std::size_t i = 0; i < switchboards_.size(); ++i) {
            const auto& gates = switchboards_[i].gates;
            if (gate_of(gates, side).addr.family() == offerer_family &&
                gate_of(gates, other(side)).addr.family() == *wanted)
                return Choice{i, side};
        }
    }
    return fail(ChoiceError::no_local_address);
}

}  // namespace rtpproxyd

// SPDX-License-Identifier: GPL-2.0
// The switchboards the daemon relays through, and which of them (and which gate) a new call's
// offerer gets. Own switchboards are planned from the listen addresses and the port range;
// an operator's are taken as the kernel reports them.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <vector>

#include "rtpproxy_command.hpp"
#include "session_label.hpp"
#include "xtrtpproxy/types.hpp"

namespace rtpproxyd {

// The local addresses of one network: rtpproxy's -l and -6 give one address of each family,
// the second of each "addr1/addr2" being the external network's (bridging mode).
struct NetworkAddresses {
    std::optional<xtrtpproxy::Address> ipv4;
    std::optional<xtrtpproxy::Address> ipv6;

    bool empty() const noexcept { return !ipv4 && !ipv6; }
    const std::optional<xtrtpproxy::Address>& of(int family) const;
};

struct PlannedSwitchboard {
    xtrtpproxy::SwitchboardGates gates;
    std::uint32_t max_sess = 0;
};

// Why no switchboard suits a call.
enum class ChoiceError : std::uint8_t {
    no_local_address,  // no gate of the family the party needs (rtpproxy E36)
    no_bridge,         // I/E asked for without bridging mode (E11/E12)
};

struct Choice {
    std::size_t switchboard = 0;
    Side offerer_side = Side::a;
};

class RelayPlan {
  public:
    // Gate A always faces the internal network, gate B the external one. Without external
    // addresses (no bridging): one switchboard per family on its address, both gates there,
    // and, with both families, one IPv4-IPv6 bridge. With them: one switchboard for every
    // pair of an internal and an external address. Every address's port range
    // [port_min, port_max] is shared out evenly among the gates on it: a gate of n ports has
    // room for n / 2 sessions (an RTP and an RTCP port each), at most XT_RTPPROXY_MAX_SESS.
    // Throws std::invalid_argument when internal is empty, or the range leaves a gate no
    // session.
    static RelayPlan own(const NetworkAddresses& internal, const NetworkAddresses& external,
                         std::uint16_t port_min, std::uint16_t port_max);
    // Switchboards the operator made (their rules, their sizes), as listed by the kernel. A
    // switchboard whose gates are on two addresses makes it bridging mode, A internal.
    static RelayPlan operators(std::vector<xtrtpproxy::SwitchboardGates> switchboards);

    const std::vector<PlannedSwitchboard>& switchboards() const noexcept { return switchboards_; }
    bool bridging() const noexcept { return bridging_; }

    // Where a new call goes. The offerer's network and the answerer's are the modifiers'
    // I/E (ng's "direction"); without them, in bridging mode, the offerer's is the one with an
    // address of its family, internal first, and the answerer's the other. The answerer's
    // family: the one asked for, else the only one its network has, else the offerer's.
    std::optional<Choice> choose(int offerer_family, std::optional<int> answerer_family,
                                 std::optional<Network> offerer_network,
                                 std::optional<Network> answerer_network,
                                 ChoiceError* why = nullptr) const;

  private:
    std::vector<PlannedSwitchboard> switchboards_;
    bool bridging_ = false;
};

// The gate of a side.
inline const xtrtpproxy::Gate& gate_of(const xtrtpproxy::SwitchboardGates& gates, Side side) {
    return side == Side::a ? gates.gate_a : gates.gate_b;
}

}  // namespace rtpproxyd

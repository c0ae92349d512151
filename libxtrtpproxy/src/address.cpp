// SPDX-License-Identifier: GPL-2.0
// Address parsing/formatting and small helpers of the value types.
#include <arpa/inet.h>
#include <sys/socket.h>

#include <cstring>
#include <stdexcept>
#include <string>

#include "xtrtpproxy/types.hpp"

namespace xtrtpproxy {

std::optional<Address> Address::try_parse(std::string_view text) noexcept {
    // inet_pton needs a terminated string; anything longer than an IPv6 text is no address.
    char buf[INET6_ADDRSTRLEN];
    if (text.empty() || text.size() >= sizeof(buf)) return std::nullopt;
    std::memcpy(buf, text.data(), text.size());
    buf[text.size()] = '\0';

    Address addr;
    if (inet_pton(AF_INET, buf, addr.bytes_.data()) == 1) {
        addr.family_ = AF_INET;
        return addr;
    }
    if (inet_pton(AF_INET6, buf, addr.bytes_.data()) == 1) {
        addr.family_ = AF_INET6;
        return addr;
    }
    return std::nullopt;
}

Address Address::parse(std::string_view text) {
    if (auto addr = try_parse(text)) return *addr;
    throw std::invalid_argument("invalid IP address '" + std::string(text) + "'");
}

Address Address::from_bytes(std::span<const std::byte> bytes) {
    Address addr;
    if (bytes.size() == 4)
        addr.family_ = AF_INET;
    else if (bytes.size() == 16)
        addr.family_ = AF_INET6;
    else
        throw std::invalid_argument("an IP address has 4 or 16 bytes, not " +
                                    std::to_string(bytes.size()));
    std::memcpy(addr.bytes_.data(), bytes.data(), bytes.size());
    return addr;
}

bool Address::is_v6() const noexcept { return family_ == AF_INET6; }

std::span<const std::byte> Address::bytes() const noexcept {
    switch (family_) {
        case AF_INET:
            return {bytes_.data(), 4};
        case AF_INET6:
            return {bytes_.data(), 16};
        default:
            return {};
    }
}

std::string Address::to_string() const {
    if (family_ != AF_INET && family_ != AF_INET6) return "-";
    char buf[INET6_ADDRSTRLEN];
    if (!inet_ntop(family_, bytes_.data(), buf, sizeof(buf))) return "-";
    return buf;
}

std::string Endpoint::to_string() const {
    if (addr.is_v6()) return "[" + addr.to_string() + "]:" + std::to_string(port);
    return addr.to_string() + ":" + std::to_string(port);
}

SwitchboardSelector SwitchboardGates::selector() const {
    return SwitchboardSelector{gate_a.addr, gate_a.port, gate_b.addr, gate_b.port};
}

bool SwitchboardSelector::matches(const SwitchboardGates& gates) const noexcept {
    return (!addr_a || *addr_a == gates.gate_a.addr) && (!port_a || *port_a == gates.gate_a.port) &&
           (!addr_b || *addr_b == gates.gate_b.addr) && (!port_b || *port_b == gates.gate_b.port);
}

bool LabelFilter::matches(std::string_view session_label) const noexcept {
    // An empty filter is no request's (make_sessions_request refuses it): it matches nothing.
    if (label.empty()) return false;
    return prefix ? session_label.starts_with(label) : session_label == label;
}

std::string_view stream_name(std::size_t index) {
    static constexpr std::string_view names[kStreams] = {"rtp-a", "rtcp-a", "rtp-b", "rtcp-b"};
    return index < kStreams ? names[index] : "stream?";
}

}  // namespace xtrtpproxy

// SPDX-License-Identifier: GPL-2.0
// Gate ports the kernel may also give local UDP sockets as ephemeral ports. A switchboard
// claims every UDP packet to its gates' port ranges before any socket sees it (PREROUTING):
// a local program's reply on such a port (a resolver's answer to the SIP proxy on the same
// host, from the same address) would be taken for media and dropped. rtpproxy binds its
// ports, so the kernel never hands them out; a switchboard binds nothing. The daemon warns
// at start, naming the ports to reserve (net.ipv4.ip_local_reserved_ports).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace rtpproxyd {

// Ports first..last, both included.
struct PortRange {
    std::uint16_t first = 0, last = 0;

    friend bool operator==(const PortRange&, const PortRange&) = default;
};

// net.ipv4.ip_local_port_range's "LOW HIGH" (whitespace around and between); nullopt when
// malformed.
std::optional<PortRange> parse_port_range(std::string_view text);

// net.ipv4.ip_local_reserved_ports's "A-B,C,..." (empty: none; a trailing newline allowed);
// nullopt when malformed.
std::optional<std::vector<PortRange>> parse_port_list(std::string_view text);

// The ports of used (ranges in ascending order) that are in ephemeral and in none of
// reserved, in order, as few ranges as cover them.
std::vector<PortRange> exposed_ports(const std::vector<PortRange>& used, PortRange ephemeral,
                                     const std::vector<PortRange>& reserved);

// "A-B,C" as ip_local_reserved_ports takes it (a range of one port as that port).
std::string to_string(const std::vector<PortRange>& ranges);

// The warning for gates whose ports (used, as for exposed_ports) the kernel could hand out, read
// from this network namespace's /proc/sys/net/ipv4; nullopt when none could be, or the files cannot
// be read (the check is advice, never a reason not to start).
std::optional<std::string> ephemeral_warning(const std::vector<PortRange>& used);

}  // namespace rtpproxyd

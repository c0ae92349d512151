// SPDX-License-Identifier: GPL-2.0
#include "ephemeral_ports.hpp"

#include <algorithm>
#include <charconv>
#include <fstream>
#include <iterator>
#include <sstream>

namespace rtpproxyd {
namespace {

std::string_view trim(std::string_view s) {
    const auto space = [](char c) { return c == ' ' || c == '\t' || c == '\n'; };
    while (!s.empty() && space(s.front())) s.remove_prefix(1);
    while (!s.empty() && space(s.back())) s.remove_suffix(1);
    return s;
}

std::optional<std::uint16_t> parse_port(std::string_view s) {
    unsigned value = 0;
    const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), value);
    if (ec != std::errc{} || end != s.data() + s.size() || s.empty() || value > 65535)
        return std::nullopt;
    return static_cast<std::uint16_t>(value);
}

std::optional<std::string> read_file(const char* path) {
    std::ifstream in(path);
    if (!in) return std::nullopt;
    return std::string(std::istreambuf_iterator<char>(in), {});
}

}  // namespace

std::optional<PortRange> parse_port_range(std::string_view text) {
    text = trim(text);
    const auto gap = text.find_first_of(" \t");
    if (gap == std::string_view::npos) return std::nullopt;
    const auto low = parse_port(text.substr(0, gap));
    const auto high = parse_port(trim(text.substr(gap)));
    if (!low || !high || *low > *high) return std::nullopt;
    return PortRange{*low, *high};
}

std::optional<std::vector<PortRange>> parse_port_list(std::string_view text) {
    text = trim(text);
    std::vector<PortRange> ranges;
    while (!text.empty()) {
        const auto comma = text.find(',');
        const std::string_view item = text.substr(0, comma);
        text = comma == std::string_view::npos ? std::string_view{} : text.substr(comma + 1);
        const auto dash = item.find('-');
        const auto first = parse_port(item.substr(0, dash));
        const auto last =
            dash == std::string_view::npos ? first : parse_port(item.substr(dash + 1));
        if (!first || !last || *first > *last) return std::nullopt;
        ranges.push_back({*first, *last});
    }
    return ranges;
}

std::vector<PortRange> exposed_ports(const std::vector<PortRange>& used, PortRange ephemeral,
                                     const std::vector<PortRange>& reserved) {
    // A bit per port: the reserved list may name thousands of ranges, and a walk over the
    // ports then stays one pass.
    std::vector<bool> kept(65536);
    for (const PortRange& r : reserved)
        for (unsigned port = r.first; port <= r.last; ++port) kept[port] = true;
    std::vector<PortRange> exposed;
    for (const PortRange& range : used) {
        const unsigned first = std::max(range.first, ephemeral.first);
        const unsigned last = std::min(range.last, ephemeral.last);
        for (unsigned port = first; port <= last; ++port) {
            if (kept[port]) continue;
            const auto p = static_cast<std::uint16_t>(port);
            if (!exposed.empty() && exposed.back().last + 1u == port)
                exposed.back().last = p;
            else if (exposed.empty() || exposed.back().last < port)
                exposed.push_back({p, p});
        }
    }
    return exposed;
}

std::string to_string(const std::vector<PortRange>& ranges) {
    std::string out;
    for (const PortRange& r : ranges) {
        if (!out.empty()) out += ',';
        out += std::to_string(r.first);
        if (r.last != r.first) out += '-' + std::to_string(r.last);
    }
    return out;
}

std::optional<std::string> ephemeral_warning(const std::vector<PortRange>& used) {
    // IPv6 sockets take their ephemeral ports from the same (ipv4) settings.
    const auto range_text = read_file("/proc/sys/net/ipv4/ip_local_port_range");
    const auto reserved_text = read_file("/proc/sys/net/ipv4/ip_local_reserved_ports");
    if (!range_text || !reserved_text) return std::nullopt;
    const auto ephemeral = parse_port_range(*range_text);
    const auto reserved = parse_port_list(*reserved_text);
    if (!ephemeral || !reserved) return std::nullopt;
    const std::vector<PortRange> exposed = exposed_ports(used, *ephemeral, *reserved);
    if (exposed.empty()) return std::nullopt;
    std::ostringstream m;
    m << "the gates' ports " << to_string(exposed)
      << " are also local ephemeral ports (net.ipv4.ip_local_port_range " << ephemeral->first << " "
      << ephemeral->last << "): a local program's UDP replies to them on a gate's"
      << " address would be taken for media and dropped; reserve them (sysctl -w"
      << " net.ipv4.ip_local_reserved_ports=" << to_string(exposed)
      << ", with what it holds already) or give -m/-M outside that range";
    return m.str();
}

}  // namespace rtpproxyd

// SPDX-License-Identifier: GPL-2.0
// The relay options: their help, their values and the combinations that are a bad command line.
#include "relay_options.hpp"

namespace po = boost::program_options;

namespace iptrtpproxy {

namespace {

// The two low bits of a TOS byte or traffic class.
constexpr unsigned kEcnMask = 0x3;

}  // namespace

void add_relay_options(po::options_description& group) {
    const auto text = [](const char* name) { return po::value<std::string>()->value_name(name); };
    // clang-format off
    group.add_options()
        ("dscp", text("dscp"), "DSCP of the relayed packets, 0..63, or 'sender' (the default)")
        ("tos", text("tos"), "the same as a TOS byte (e.g. 0xb8: DSCP 46), ECN bits 0")
        ("max-ttl", text("ttl"), "highest TTL or hop limit of the relayed packets (0: no cap)")
        ("mark", text("value[/mask]"), "set the firewall mark as MARK --set-xmark (before routing)")
        ("dup-small", text("bytes"), "send RTP/RTCP of fewer payload bytes twice (rtpproxy -2: 128)")
        ("no-dup-small", po::bool_switch(), "send every packet once (the same as --dup-small 0)");
    // clang-format on
}

xtrtpproxy::Mark parse_mark(const std::string& option, const std::string& text) {
    const auto slash = text.find('/');
    xtrtpproxy::Mark mark;
    mark.value = static_cast<std::uint32_t>(parse_number(option, text.substr(0, slash), 0,
                                                         xtrtpproxy::Mark::kAllBits, "mark",
                                                         NumberBase::decimal_or_hex));
    if (slash != std::string::npos)
        mark.mask = static_cast<std::uint32_t>(parse_number(option, text.substr(slash + 1), 0,
                                                            xtrtpproxy::Mark::kAllBits, "mask",
                                                            NumberBase::decimal_or_hex));
    return mark;
}

xtrtpproxy::RelayParams parse_relay_options(const Values& values) {
    using xtrtpproxy::Dscp;
    xtrtpproxy::RelayParams relay;

    const auto dscp = values.text("dscp");
    const auto tos = values.text("tos");
    if (dscp && tos) throw UsageError("--dscp and --tos both set the DSCP: give one of them");
    if (dscp) {
        relay.dscp = *dscp == "sender" ? Dscp::sender()
                                       : Dscp{static_cast<std::uint8_t>(
                                             parse_number("dscp", *dscp, 0, Dscp::kMax, "DSCP"))};
    } else if (tos) {
        // rtpproxy's -t: a whole TOS byte, of which only the DSCP is ours to set.
        const auto byte = parse_number("tos", *tos, 0, 255, "TOS", NumberBase::decimal_or_hex);
        if (byte & kEcnMask)
            throw UsageError("TOS " + *tos +
                             " for --tos has ECN bits set (the two low bits): the ECN field is "
                             "always the sender's, give them as 0");
        relay.dscp = Dscp{static_cast<std::uint8_t>(byte >> 2)};
    }

    if (const auto ttl = values.text("max-ttl"))
        relay.max_ttl = static_cast<std::uint8_t>(parse_number("max-ttl", *ttl, 0, 255, "TTL"));
    if (const auto mark = values.text("mark")) relay.mark = parse_mark("mark", *mark);

    const auto dup_small = values.text("dup-small");
    const bool no_dup_small = values.flag("no-dup-small");
    if (dup_small && no_dup_small)
        throw UsageError("--dup-small and --no-dup-small contradict each other: give one of them");
    if (dup_small)
        relay.dup_below =
            static_cast<std::uint16_t>(parse_number("dup-small", *dup_small, 0, 65535, "size"));
    else if (no_dup_small)
        relay.dup_below = 0;
    return relay;
}

}  // namespace iptrtpproxy

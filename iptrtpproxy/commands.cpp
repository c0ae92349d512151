// SPDX-License-Identifier: GPL-2.0
// The subcommand table and what several subcommands share.
#include "commands.hpp"

#include <iostream>
#include <stdexcept>

namespace iptrtpproxy {

namespace {

constexpr Subcommand kSubcommands[] = {
    {"info", run_info, "Show uptime, number of switchboards and sessions, global counters.",
     "[other_options] [common_options]", kOtherOptions},
    {"list", run_list, "List switchboards and their sessions.",
     "[switchboard] [session_range] [label_filter] [list_verbosity] [other_options] "
     "[common_options]",
     kSwitchboardOptions | kRangeOptions | kLabelOptions | kLabelFilterOptions | kListOptions |
         kOtherOptions},
    {"alloc", run_alloc, "Allocate a session and print its id and gate ports.",
     "[switchboard] RTP_params [relay_options] [recording] [label] [other_options] "
     "[common_options]",
     kSwitchboardOptions | kClientOptions | kRelayOptions | kRecordingOptions | kLabelOptions |
         kOtherOptions},
    {"update", run_update,
     "Update sessions: every live one, or those in the range (resurrecting expired ones).",
     "[switchboard] [session_range] [RTP_params] [relay_options] [recording] [label] "
     "[other_options] [common_options]",
     kSwitchboardOptions | kRangeOptions | kClientOptions | kRelayOptions | kRecordingOptions |
         kLabelOptions | kOtherOptions},
    {"delete", run_delete,
     "Delete sessions: all of every matching switchboard, or those in the range.",
     "[switchboard] [session_range] [other_options] [common_options]",
     kSwitchboardOptions | kRangeOptions | kOtherOptions},
    {"monitor", run_monitor,
     "Print a line for each event of the sessions and switchboards, until interrupted.",
     "[switchboard] [label_filter] [monitor_options] [common_options]",
     kSwitchboardOptions | kLabelOptions | kLabelFilterOptions | kMonitorOptions},
};

}  // namespace

std::span<const Subcommand> subcommands() { return kSubcommands; }

const Subcommand* find_subcommand(std::string_view name) {
    for (const auto& sub : kSubcommands)
        if (sub.name == name) return &sub;
    return nullptr;
}

std::optional<xtrtpproxy::SwitchboardSelector> optional_selector(const Options& options) {
    if (options.selector.empty()) return std::nullopt;
    return options.selector;
}

const xtrtpproxy::Switchboard& the_only_switchboard(
    const std::vector<xtrtpproxy::Switchboard>& switchboards, const Options& options) {
    const bool chosen = !options.selector.empty();
    if (switchboards.size() == 1) return switchboards.front();
    if (switchboards.empty()) {
        if (chosen) throw std::runtime_error("no switchboard matches the given gates");
        throw std::runtime_error(
            "no switchboard exists: define one with an iptables rule '-j RTPPROXY'");
    }
    throw UsageError(std::to_string(switchboards.size()) +
                     (chosen ? " switchboards match the given gates" : " switchboards exist") +
                     ": choose one with --addr-a and --port-a (or --addr-b and --port-b)");
}

void check_range(const Options& options, const xtrtpproxy::Switchboard& sb) {
    // max-sess 0: a reply that did not say; the kernel checks anyway.
    if (!options.range || sb.max_sess == 0) return;
    const auto beyond = [&](std::uint32_t id, const char* option) {
        return UsageError("session id " + std::to_string(id) + " for --" + option +
                          " is beyond the switchboard's --max-sess " + std::to_string(sb.max_sess) +
                          " (ids 0.." + std::to_string(sb.max_sess - 1) + ")");
    };
    // --sess-id-hi defaults to --sess-id-lo: a bad high end alone was given as such.
    if (options.range->lo >= sb.max_sess) throw beyond(options.range->lo, "sess-id-lo");
    if (options.range->hi >= sb.max_sess) throw beyond(options.range->hi, "sess-id-hi");
}

xtrtpproxy::SwitchboardSelector resolve_switchboard(xtrtpproxy::Client& client,
                                                    const Options& options) {
    const auto& sel = options.selector;
    // Gates of one address never overlap, so an address with its lowest port names at most one
    // switchboard: without a range to check, the kernel's answer to the request itself says
    // all, and an alloc costs one round trip, not two.
    const bool one_at_most = (sel.addr_a && sel.port_a) || (sel.addr_b && sel.port_b);
    if (one_at_most && !options.range) return sel;
    const auto switchboards = client.switchboards(sel);
    const auto& sb = the_only_switchboard(switchboards, options);
    check_range(options, sb);
    return sb.selector();
}

void check_range_of_selected(xtrtpproxy::Client& client, const Options& options) {
    if (!options.range || options.selector.empty()) return;
    for (const auto& sb : client.switchboards(options.selector)) check_range(options, sb);
}

void run_audit(xtrtpproxy::Client& client, const Options& options,
               const std::optional<xtrtpproxy::SwitchboardSelector>& selector) {
    if (!options.audit) return;
    const auto changed = client.audit(selector);
    verbose(options, "audit: " + std::to_string(changed) + " session(s) expired or freed");
}

void run_resets(xtrtpproxy::Client& client, const Options& options,
                const std::optional<xtrtpproxy::SwitchboardSelector>& selector) {
    if (!options.reset_bits) return;
    const auto touched = client.reset(options.reset_bits, selector);
    verbose(options, "counters reset on " + std::to_string(touched) + " switchboard(s)");
}

void run_other_options(xtrtpproxy::Client& client, const Options& options,
                       const std::optional<xtrtpproxy::SwitchboardSelector>& selector) {
    run_audit(client, options, selector);
    run_resets(client, options, selector);
}

void verbose(const Options& options, const std::string& line) {
    if (options.verbose) std::cerr << line << "\n";
}

}  // namespace iptrtpproxy

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
     "[switchboard] [session_range] [list_verbosity] [other_options] [common_options]",
     kSwitchboardOptions | kRangeOptions | kListOptions | kOtherOptions},
    {"alloc", run_alloc, "Allocate a session and print its id and gate ports.",
     "[switchboard] RTP_params [other_options] [common_options]",
     kSwitchboardOptions | kClientOptions | kOtherOptions},
    {"update", run_update,
     "Update sessions: every live one, or those in the range (resurrecting expired ones).",
     "[switchboard] [session_range] [RTP_params] [other_options] [common_options]",
     kSwitchboardOptions | kRangeOptions | kClientOptions | kOtherOptions},
    {"delete", run_delete,
     "Delete sessions: all of every matching switchboard, or those in the range.",
     "[switchboard] [session_range] [other_options] [common_options]",
     kSwitchboardOptions | kRangeOptions | kOtherOptions},
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

xtrtpproxy::SwitchboardSelector resolve_switchboard(xtrtpproxy::Client& client,
                                                    const Options& options) {
    if (!options.selector.empty()) return options.selector;
    const auto switchboards = client.switchboards();
    if (switchboards.size() == 1) return switchboards.front().selector();
    if (switchboards.empty())
        throw std::runtime_error(
            "no switchboard exists: define one with an iptables rule '-j RTPPROXY'");
    throw std::runtime_error(std::to_string(switchboards.size()) +
                             " switchboards exist: choose one with --addr-a/--port-a "
                             "(and --addr-b/--port-b)");
}

void run_other_options(xtrtpproxy::Client& client, const Options& options,
                       const std::optional<xtrtpproxy::SwitchboardSelector>& selector) {
    if (options.audit) {
        const auto changed = client.audit(selector);
        verbose(options, "audit: " + std::to_string(changed) + " session(s) expired or freed");
    }
    if (options.reset_bits) {
        const auto touched = client.reset(options.reset_bits, selector);
        verbose(options, "counters reset on " + std::to_string(touched) + " switchboard(s)");
    }
}

void verbose(const Options& options, const std::string& line) {
    if (options.verbose) std::cerr << line << "\n";
}

}  // namespace iptrtpproxy

// SPDX-License-Identifier: GPL-2.0
// The table of iptrtpproxy's subcommands and the helpers they share.
#pragma once

#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "options.hpp"
#include "xtrtpproxy/client.hpp"

namespace iptrtpproxy {

// Groups of options, as the man page lists them; each command accepts some.
enum OptionGroup : unsigned {
    kSwitchboardOptions = 1U << 0,  // --addr-a/-b, --port-a/-b
    kRangeOptions = 1U << 1,        // --sess-id-lo/-hi
    kClientOptions = 1U << 2,       // --rtp-*/--rtcp-*, --always-learn, --clock-rate
    kListOptions = 1U << 3,         // --no-switchboard, --no-session
    kOtherOptions = 1U << 4,        // resets, --audit
    kRelayOptions = 1U << 5,        // --dscp, --tos, --max-ttl, --mark, --dup-small
    kLabelOptions = 1U << 6,        // --label
    kLabelFilterOptions = 1U << 7,  // --label-prefix (list, monitor)
    kMonitorOptions = 1U << 8,      // --rcvbuf, --count
    kRecordingOptions = 1U << 9,    // --nflog-group, --nflog-copy, --no-nflog
};

struct Subcommand {
    std::string_view name;
    int (*handler)(const Options& options);
    std::string_view help;      // one line for the overview
    std::string_view synopsis;  // what follows the command name
    unsigned groups;            // OptionGroup bits
};

std::span<const Subcommand> subcommands();
const Subcommand* find_subcommand(std::string_view name);

int run_info(const Options& options);
int run_list(const Options& options);
int run_alloc(const Options& options);
int run_update(const Options& options);
int run_delete(const Options& options);
int run_monitor(const Options& options);

// Shared by the handlers.

// The selector as a request filter: none when no switchboard option was given.
std::optional<xtrtpproxy::SwitchboardSelector> optional_selector(const Options& options);
// For alloc/update: the one switchboard the options select, as a selector for it; the range,
// if any, is checked against it. Throws std::runtime_error when none matches, UsageError (exit
// 2) when several match (there was no choice on the command line) or the range is beyond its
// --max-sess. Asks the kernel only when it must (see the definition).
xtrtpproxy::SwitchboardSelector resolve_switchboard(xtrtpproxy::Client& client,
                                                    const Options& options);
// For delete: the range checked against every switchboard the selector matches, as the kernel
// would check it (after deleting in the switchboards before the bad one). Nothing to check
// without a range or a selector: a range then applies to every switchboard, whatever its size.
void check_range_of_selected(xtrtpproxy::Client& client, const Options& options);
// The decisions of the two above, without the kernel. switchboards: those the options'
// selector matched.
const xtrtpproxy::Switchboard& the_only_switchboard(
    const std::vector<xtrtpproxy::Switchboard>& switchboards, const Options& options);
// Throws UsageError naming --sess-id-lo or --sess-id-hi if the range has an id at or above
// sb's max-sess; without a range nothing.
void check_range(const Options& options, const xtrtpproxy::Switchboard& sb);

// --audit, limited to selector; before the command's own work (so that a list shows its
// outcome).
void run_audit(xtrtpproxy::Client& client, const Options& options,
               const std::optional<xtrtpproxy::SwitchboardSelector>& selector);
// The --reset-* options, limited to selector: info and list run them after their output is
// written, as `iptables -L -Z` does, the other commands before their work.
void run_resets(xtrtpproxy::Client& client, const Options& options,
                const std::optional<xtrtpproxy::SwitchboardSelector>& selector);
// run_audit, then run_resets: alloc, update and delete.
void run_other_options(xtrtpproxy::Client& client, const Options& options,
                       const std::optional<xtrtpproxy::SwitchboardSelector>& selector);
// A -v line on stderr.
void verbose(const Options& options, const std::string& line);

}  // namespace iptrtpproxy

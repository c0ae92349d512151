// SPDX-License-Identifier: GPL-2.0
// The table of iptrtpproxy's subcommands and the helpers they share.
#pragma once

#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "options.hpp"
#include "xtrtpproxy/client.hpp"

namespace iptrtpproxy {

// Groups of options, as the man page lists them; each command accepts some.
enum OptionGroup : unsigned {
    kSwitchboardOptions = 1U << 0,  // --addr-a/-b, --port-a/-b
    kRangeOptions = 1U << 1,        // --sess-id-lo/-hi
    kClientOptions = 1U << 2,       // --rtp-*/--rtcp-*, --always-learn
    kListOptions = 1U << 3,         // --no-switchboard, --no-session
    kOtherOptions = 1U << 4,        // resets, --audit
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

// Shared by the handlers.

// The selector as a request filter: none when no switchboard option was given.
std::optional<xtrtpproxy::SwitchboardSelector> optional_selector(const Options& options);
// For alloc/update: the selector given, or, without any switchboard option, the only
// switchboard there is. Throws std::runtime_error when there is none or several.
xtrtpproxy::SwitchboardSelector resolve_switchboard(xtrtpproxy::Client& client,
                                                    const Options& options);
// --audit, then the resets, limited to selector; before the command's own work.
void run_other_options(xtrtpproxy::Client& client, const Options& options,
                       const std::optional<xtrtpproxy::SwitchboardSelector>& selector);
// A -v line on stderr.
void verbose(const Options& options, const std::string& line);

}  // namespace iptrtpproxy

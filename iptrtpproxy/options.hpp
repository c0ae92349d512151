// SPDX-License-Identifier: GPL-2.0
// Command line of iptrtpproxy: parsing, validation and help texts.
#pragma once

#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "xtrtpproxy/types.hpp"

namespace iptrtpproxy {

// A bad command line: main prints it and exits with 2.
class UsageError : public std::runtime_error {
  public:
    using std::runtime_error::runtime_error;
};

struct Options {
    std::string command;   // empty if none was given
    bool help = false;     // -h/--help anywhere: print help of command (or the overview)
    bool version = false;  // --version
    bool verbose = false;

    xtrtpproxy::SwitchboardSelector selector;       // only what was given
    std::optional<xtrtpproxy::SessionRange> range;  // --sess-id-lo/--sess-id-hi
    // As given, relay options included: the library derives RTCP.
    xtrtpproxy::SessionParams params;
    bool no_switchboard = false;
    bool no_session = false;       // also set by --no-switchboard
    std::uint32_t reset_bits = 0;  // RTPPROXY_RESET_*
    bool audit = false;
};

// Parses the arguments after the program name. Throws UsageError for anything the man page
// does not allow: unknown commands or options, options the command does not take, bad
// addresses, ports, ids or timeouts (learning: at most RTPPROXY_MAX_LEARN_TIMEOUT_MS), bad
// rates or bursts (parse_rate_limit, option_values.hpp), incomplete client endpoints,
// sess-id-hi < sess-id-lo, bad or conflicting relay options (relay_options.hpp). What needs
// the kernel's switchboards (ids beyond max-sess, several switchboards matching) is checked by
// the commands (commands.hpp), which throw UsageError too. With -h or --version nothing else
// is checked.
Options parse_options(const std::vector<std::string>& args);

// Help of one command (its synopsis and options), or the overview for an empty name.
std::string help_text(std::string_view command);

}  // namespace iptrtpproxy

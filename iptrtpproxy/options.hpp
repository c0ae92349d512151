// SPDX-License-Identifier: GPL-2.0
// Command line of iptrtpproxy: parsing, validation and help texts.
#pragma once

#include <cstddef>
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
    // As given, relay options, recording and alloc's or update's --label included: the library
    // derives RTCP.
    xtrtpproxy::SessionParams params;
    // list's --label and --label-prefix.
    std::optional<xtrtpproxy::LabelFilter> label_filter;
    bool no_switchboard = false;
    bool no_session = false;       // also set by --no-switchboard
    std::uint32_t reset_bits = 0;  // RTPPROXY_RESET_*
    bool audit = false;
    // monitor's --rcvbuf (bytes) and --count (lines).
    std::optional<std::size_t> rcvbuf;
    std::optional<std::uint64_t> count;
};

// Parses the arguments after the program name. Throws UsageError for anything the man page
// does not allow: unknown commands or options, options the command does not take, bad
// addresses, ports, ids or timeouts (learning: at most RTPPROXY_MAX_LEARN_TIMEOUT_MS), bad
// rates or bursts (parse_rate_limit, option_values.hpp), a clock rate outside
// xtrtpproxy::kMinClockRate..kMaxClockRate, incomplete client endpoints,
// sess-id-hi < sess-id-lo, bad or conflicting relay options (relay_options.hpp) or recording
// options (recording_options.hpp), bad labels (label_text.hpp; an empty one for list and
// monitor), --label-prefix without --label, a --rcvbuf of 0 or above
// xtrtpproxy::Monitor::kMaxReceiveBuffer, a --count of 0. What needs
// the kernel's switchboards (ids beyond max-sess, several switchboards matching) is checked by
// the commands (commands.hpp), which throw UsageError too. With -h or --version nothing else
// is checked.
Options parse_options(const std::vector<std::string>& args);

// Help of one command (its synopsis and options), or the overview for an empty name.
std::string help_text(std::string_view command);

}  // namespace iptrtpproxy

// SPDX-License-Identifier: GPL-2.0
// The relay options of alloc and update (--dscp, --tos, --max-ttl, --mark, --dup-small): how a
// session's packets leave the relay.
#pragma once

#include <boost/program_options/options_description.hpp>
#include <string>

#include "option_values.hpp"
#include "xtrtpproxy/types.hpp"

namespace iptrtpproxy {

// Adds the relay options to group, for parsing and help.
void add_relay_options(boost::program_options::options_description& group);

// What the relay options given set; the others stay unset (alloc: the defaults, update: kept).
// Throws UsageError for a bad value, for --dscp with --tos, for --dup-small with --no-dup-small.
xtrtpproxy::RelayParams parse_relay_options(const Values& values);

// VALUE[/MASK] of --option, each hex (0x...) or decimal, as iptables' --set-xmark; MASK
// defaults to every bit. Throws UsageError.
xtrtpproxy::Mark parse_mark(const std::string& option, const std::string& text);

}  // namespace iptrtpproxy

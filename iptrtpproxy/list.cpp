// SPDX-License-Identifier: GPL-2.0
// `iptrtpproxy list`: switchboards and their sessions.
#include <iostream>

#include "commands.hpp"
#include "format.hpp"
#include "output.hpp"

namespace iptrtpproxy {

int run_list(const Options& options) {
    xtrtpproxy::Client client;
    const auto selector = optional_selector(options);
    run_audit(client, options, selector);
    // --no-switchboard lists nothing: what is left are the audit and reset options.
    if (!options.no_switchboard) {
        const auto switchboards = client.switchboards(options.selector);
        std::vector<xtrtpproxy::SessionEntry> sessions;
        if (!options.no_session && !switchboards.empty())
            sessions = client.sessions(selector, options.range, options.label_filter);
        write_list(std::cout, switchboards, sessions, !options.no_session);
        // The counters printed are the ones reset, as with `iptables -L -Z`; not if they were
        // lost.
        flush_checked(std::cout);
    }
    run_resets(client, options, selector);
    return 0;
}

}  // namespace iptrtpproxy

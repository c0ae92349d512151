// SPDX-License-Identifier: GPL-2.0
// `iptrtpproxy alloc`: a new session; prints the id and the gate ports for the SDP.
#include <iostream>

#include "commands.hpp"
#include "format.hpp"

namespace iptrtpproxy {

int run_alloc(const Options& options) {
    xtrtpproxy::Client client;
    run_other_options(client, options, optional_selector(options));
    const auto selector = resolve_switchboard(client, options);
    const auto entry = client.alloc(selector, options.params);
    verbose(options,
            "allocated session " + std::to_string(entry.session.id) + " on switchboard gate-a=" +
                xtrtpproxy::Endpoint{entry.switchboard.gate_a.addr, entry.switchboard.gate_a.port}
                    .to_string() +
                " gate-b=" +
                xtrtpproxy::Endpoint{entry.switchboard.gate_b.addr, entry.switchboard.gate_b.port}
                    .to_string());
    std::cout << format_alloc(entry);
    return 0;
}

}  // namespace iptrtpproxy

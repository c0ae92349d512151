// SPDX-License-Identifier: GPL-2.0
// `iptrtpproxy alloc`: a new session; prints the id and the gate ports for the SDP.
#include <iostream>

#include "commands.hpp"
#include "format.hpp"
#include "output.hpp"

namespace iptrtpproxy {

int run_alloc(const Options& options) {
    xtrtpproxy::Client client;
    // A command line that names no single switchboard changes nothing, the resets included.
    const auto selector = resolve_switchboard(client, options);
    run_other_options(client, options, optional_selector(options));
    const auto entry = client.alloc(selector, options.params);
    const auto& gates = entry.switchboard;
    verbose(
        options,
        "allocated session " + std::to_string(entry.session.id) + " on switchboard gate-a=" +
            xtrtpproxy::Endpoint{gates.gate_a.addr, gates.gate_a.port}.to_string() +
            " gate-b=" + xtrtpproxy::Endpoint{gates.gate_b.addr, gates.gate_b.port}.to_string());
    // A session nobody heard of would hold its ports until someone deletes it by hand.
    const xtrtpproxy::SessionRange just_allocated{entry.session.id, entry.session.id};
    write_or_undo(std::cout, format_alloc(entry),
                  [&] { client.remove(gates.selector(), just_allocated); });
    return 0;
}

}  // namespace iptrtpproxy

// SPDX-License-Identifier: GPL-2.0
// `iptrtpproxy update`: change clients, learning, relay options or the recording of sessions,
// or resurrect expired ones.
#include <stdexcept>

#include "commands.hpp"

namespace iptrtpproxy {

int run_update(const Options& options) {
    xtrtpproxy::Client client;
    // A command line that names no single switchboard changes nothing, the resets included.
    const auto selector = resolve_switchboard(client, options);
    run_other_options(client, options, optional_selector(options));
    const auto updated = client.update(selector, options.range, options.params);
    verbose(options, std::to_string(updated) + " session(s) updated");
    if (options.range && updated == 0) throw std::runtime_error("no session in range");
    return 0;
}

}  // namespace iptrtpproxy

// SPDX-License-Identifier: GPL-2.0
// `iptrtpproxy info`: module version, uptime and global counters.
#include <iostream>

#include "commands.hpp"
#include "format.hpp"
#include "output.hpp"

namespace iptrtpproxy {

int run_info(const Options& options) {
    xtrtpproxy::Client client;
    run_audit(client, options, std::nullopt);
    std::cout << format_info(client.info());
    // The counters printed are the ones reset, as with `iptables -L -Z`; not if they were lost.
    flush_checked(std::cout);
    run_resets(client, options, std::nullopt);
    return 0;
}

}  // namespace iptrtpproxy

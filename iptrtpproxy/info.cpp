// SPDX-License-Identifier: GPL-2.0
// `iptrtpproxy info`: module version, uptime and global counters.
#include <iostream>

#include "commands.hpp"
#include "format.hpp"

namespace iptrtpproxy {

int run_info(const Options& options) {
    xtrtpproxy::Client client;
    run_other_options(client, options, std::nullopt);
    std::cout << format_info(client.info());
    return 0;
}

}  // namespace iptrtpproxy

// SPDX-License-Identifier: GPL-2.0
// `iptrtpproxy delete`: free sessions, of one switchboard or of all.
#include <stdexcept>

#include "commands.hpp"

namespace iptrtpproxy {

int run_delete(const Options& options) {
    xtrtpproxy::Client client;
    const auto selector = optional_selector(options);
    // Before anything is deleted: the kernel would stop at the first switchboard that is too
    // small, after deleting in those before it.
    check_range_of_selected(client, options);
    run_other_options(client, options, selector);
    const auto deleted = client.remove(selector, options.range);
    verbose(options, std::to_string(deleted) + " session(s) deleted");
    if (options.range && deleted == 0) throw std::runtime_error("no session in range");
    return 0;
}

}  // namespace iptrtpproxy

// SPDX-License-Identifier: GPL-2.0
// Restarting dumps that the kernel flagged as inconsistent (NLM_F_DUMP_INTR).
#pragma once

#include <cerrno>
#include <string>
#include <string_view>
#include <system_error>
#include <vector>

namespace xtrtpproxy {

// Calls dump_once(items) until it returns true (a consistent dump), each time with an empty
// vector. A table that keeps changing under the dump makes it give up after attempts tries
// with std::system_error(EAGAIN) rather than return a list mixing old and new state.
template <class T, class DumpOnce>
std::vector<T> retry_dump(std::string_view what, int attempts, DumpOnce dump_once) {
    for (int attempt = 0; attempt < attempts; ++attempt) {
        std::vector<T> items;
        if (dump_once(items)) return items;
    }
    throw std::system_error(EAGAIN, std::generic_category(),
                            std::string(what) + ": interrupted by concurrent changes " +
                                std::to_string(attempts) + " times in a row, try again");
}

}  // namespace xtrtpproxy

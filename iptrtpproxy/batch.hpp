// SPDX-License-Identifier: GPL-2.0
// Many commands in one process, one per line, as `ip -batch` runs them: a SIP proxy keeps one
// pipe open, and setting up thousands of sessions does not cost thousands of process starts.
#pragma once

#include <functional>
#include <istream>
#include <string>
#include <string_view>
#include <vector>

namespace iptrtpproxy {

// The words of one batch line, split at blanks; none for an empty line or a comment ('#').
std::vector<std::string> batch_words(std::string_view line);

// Runs every line of in through run_one (words, "NAME:LINE" for messages), in order. Stops at
// the first line whose status is not 0 and returns it; with force, runs every line and returns
// the highest status seen. An exception of run_one ends the batch, force or not: no line after
// it is read, and the exception goes to the caller.
int run_batch(
    std::istream& in, const std::string& name, bool force,
    const std::function<int(const std::vector<std::string>&, const std::string&)>& run_one);

}  // namespace iptrtpproxy

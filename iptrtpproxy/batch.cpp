// SPDX-License-Identifier: GPL-2.0
// Reads batch lines and runs them in order.
#include "batch.hpp"

#include <algorithm>

namespace iptrtpproxy {

std::vector<std::string> batch_words(std::string_view line) {
    std::vector<std::string> words;
    constexpr std::string_view blanks = " \t\r\n";
    size_t pos = line.find_first_not_of(blanks);
    if (pos == std::string_view::npos || line[pos] == '#') return words;
    while (pos != std::string_view::npos) {
        const size_t end = line.find_first_of(blanks, pos);
        words.emplace_back(line.substr(pos, end == std::string_view::npos ? end : end - pos));
        pos = line.find_first_not_of(blanks, end == std::string_view::npos ? line.size() : end);
    }
    return words;
}

int run_batch(
    std::istream& in, const std::string& name, bool force,
    const std::function<int(const std::vector<std::string>&, const std::string&)>& run_one) {
    int worst = 0;
    std::string line;
    for (unsigned lineno = 1; std::getline(in, line); ++lineno) {
        const std::vector<std::string> words = batch_words(line);
        if (words.empty()) continue;
        const int status = run_one(words, name + ":" + std::to_string(lineno));
        if (status != 0 && !force) return status;
        worst = std::max(worst, status);
    }
    return worst;
}

}  // namespace iptrtpproxy

// SPDX-License-Identifier: GPL-2.0
// iptrtpproxy: parse the command line, check privileges, run the subcommand, map errors to exit
// codes.
#include <filesystem>
#include <iostream>
#include <system_error>

#include "caps.hpp"
#include "commands.hpp"
#include "options.hpp"

namespace {

constexpr int kExitError = 1;
constexpr int kExitUsage = 2;

// For the setcap advice: the real file, not a symlink or a relative name.
std::string program_path(const char* argv0) {
    std::error_code ec;
    const auto exe = std::filesystem::read_symlink("/proc/self/exe", ec);
    return ec ? std::string(argv0) : exe.string();
}

}  // namespace

int main(int argc, char** argv) {
    using namespace iptrtpproxy;
    const std::vector<std::string> args(argv + 1, argv + argc);

    Options options;
    try {
        options = parse_options(args);
    } catch (const UsageError& e) {
        std::cerr << "iptrtpproxy: " << e.what() << "\n"
                  << "Try 'iptrtpproxy -h' for more information.\n";
        return kExitUsage;
    }
    if (options.help) {
        std::cout << help_text(options.command);
        return 0;
    }
    if (options.version) {
        std::cout << "iptrtpproxy " << IPTRTPPROXY_VERSION << "\n";
        return 0;
    }

    try {
        acquire_net_admin(program_path(argv[0]));
        return find_subcommand(options.command)->handler(options);
    } catch (const std::exception& e) {
        std::cerr << "iptrtpproxy: " << e.what() << "\n";
        return kExitError;
    }
}

// SPDX-License-Identifier: GPL-2.0
// iptrtpproxy: parse the command line, check privileges, run the subcommand (or a batch of them),
// map errors to exit codes.
#include <filesystem>
#include <fstream>
#include <iostream>
#include <optional>
#include <system_error>

#include "batch.hpp"
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

// "iptrtpproxy: " or, in a batch, "iptrtpproxy: FILE:LINE: ".
std::string prefix(const std::string& where) {
    return where.empty() ? "iptrtpproxy: " : "iptrtpproxy: " + where + ": ";
}

// One command line, privileges already checked unless check_privileges is set.
int run_one(const std::vector<std::string>& args, const std::string& where,
            const char* check_privileges) {
    using namespace iptrtpproxy;
    Options options;
    try {
        options = parse_options(args);
    } catch (const UsageError& e) {
        std::cerr << prefix(where) << e.what() << "\n"
                  << "Try 'iptrtpproxy -h' for more information.\n";
        return kExitUsage;
    }
    if (options.help) {
        std::cout << help_text(options.command) << std::flush;
        return 0;
    }
    if (options.version) {
        std::cout << "iptrtpproxy " << IPTRTPPROXY_VERSION << std::endl;
        return 0;
    }
    try {
        if (check_privileges) acquire_net_admin(program_path(check_privileges));
        const int status = find_subcommand(options.command)->handler(options);
        // A reader at the other end of a pipe gets each answer as it is made.
        std::cout.flush();
        return status;
    } catch (const std::exception& e) {
        std::cout.flush();
        std::cerr << prefix(where) << e.what() << "\n";
        return kExitError;
    }
}

struct BatchRequest {
    std::string file;  // "-": standard input
    bool force = false;
};

// -b FILE, --batch FILE, --batch=FILE and --force; nothing when no batch is asked for. Throws
// UsageError when a batch is asked for with anything else.
std::optional<BatchRequest> parse_batch(const std::vector<std::string>& args) {
    BatchRequest request;
    bool batch = false, other = false;
    for (size_t i = 0; i < args.size(); ++i) {
        const std::string& arg = args[i];
        if (arg == "-b" || arg == "--batch") {
            if (batch || i + 1 == args.size())
                throw iptrtpproxy::UsageError(arg + " needs one FILE ('-': standard input)");
            request.file = args[++i];
            batch = true;
        } else if (arg.rfind("--batch=", 0) == 0) {
            if (batch) throw iptrtpproxy::UsageError("--batch is given twice");
            request.file = arg.substr(8);
            batch = true;
        } else if (arg == "--force") {
            request.force = true;
        } else {
            other = true;
        }
    }
    if (!batch) {
        if (request.force) throw iptrtpproxy::UsageError("--force goes with --batch");
        return std::nullopt;
    }
    if (other) throw iptrtpproxy::UsageError("--batch takes no command: the commands are in FILE");
    if (request.file.empty()) throw iptrtpproxy::UsageError("--batch needs a FILE");
    return request;
}

}  // namespace

int main(int argc, char** argv) {
    using namespace iptrtpproxy;
    const std::vector<std::string> args(argv + 1, argv + argc);

    std::optional<BatchRequest> batch;
    try {
        batch = parse_batch(args);
    } catch (const UsageError& e) {
        std::cerr << "iptrtpproxy: " << e.what() << "\n"
                  << "Try 'iptrtpproxy -h' for more information.\n";
        return kExitUsage;
    }
    if (!batch) return run_one(args, "", argv[0]);

    std::ifstream file;
    if (batch->file != "-") {
        file.open(batch->file);
        if (!file) {
            std::cerr << "iptrtpproxy: cannot read " << batch->file << ": "
                      << std::generic_category().message(errno) << "\n";
            return kExitError;
        }
    }
    try {
        acquire_net_admin(program_path(argv[0]));
    } catch (const std::exception& e) {
        std::cerr << "iptrtpproxy: " << e.what() << "\n";
        return kExitError;
    }
    std::istream& in = batch->file == "-" ? std::cin : file;
    return run_batch(in, batch->file == "-" ? "stdin" : batch->file, batch->force,
                     [](const std::vector<std::string>& words, const std::string& where) {
                         return run_one(words, where, nullptr);
                     });
}

// SPDX-License-Identifier: GPL-2.0
// iptrtpproxy: parse the command line, check privileges, run the subcommand (or a batch of them),
// map errors to exit codes.
#include <cerrno>
#include <csignal>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <optional>
#include <system_error>

#include "batch.hpp"
#include "caps.hpp"
#include "commands.hpp"
#include "options.hpp"
#include "output.hpp"

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

int usage_error(const std::string& where, const iptrtpproxy::UsageError& e) {
    std::cerr << prefix(where) << e.what() << "\n"
              << "Try 'iptrtpproxy -h' for more information.\n";
    return kExitUsage;
}

// One command line, privileges already checked unless check_privileges is set. Every output
// is flushed before it returns, and one that did not get through is an error.
int run_one(const std::vector<std::string>& args, const std::string& where,
            const char* check_privileges) {
    using namespace iptrtpproxy;
    Options options;
    try {
        options = parse_options(args);
    } catch (const UsageError& e) {
        return usage_error(where, e);
    }
    try {
        int status = 0;
        if (options.help) {
            std::cout << help_text(options.command);
        } else if (options.version) {
            std::cout << "iptrtpproxy " << IPTRTPPROXY_VERSION << "\n";
        } else {
            if (check_privileges) acquire_net_admin(program_path(check_privileges));
            status = find_subcommand(options.command)->handler(options);
        }
        // A reader at the other end of a pipe gets each answer as it is made.
        flush_checked(std::cout);
        return status;
    } catch (const UsageError& e) {
        // Found by a command, from the switchboards the kernel has: still the command line's.
        return usage_error(where, e);
    } catch (const OutputError& e) {
        // A reader that went away (`list | head`) wants no more, not a message about it.
        if (e.code().value() != EPIPE) std::cerr << prefix(where) << e.what() << "\n";
        return kExitError;
    } catch (const std::exception& e) {
        // What was written before the error goes out before the message (a failed write of it
        // is already the error, or is reported by the next flush).
        std::cout.flush();
        std::cerr << prefix(where) << e.what() << "\n";
        return kExitError;
    }
}

// Ends a batch whose standard output is gone: the lines left would run with nobody to read
// their results (and each alloc would only delete its session again).
struct OutputLost {
    int status;
};

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
    // A reader that went away is a failed write (EPIPE) like any other, not a silent death:
    // alloc must live to delete the session whose line nobody read.
    std::signal(SIGPIPE, SIG_IGN);

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
    try {
        return run_batch(in, batch->file == "-" ? "stdin" : batch->file, batch->force,
                         [](const std::vector<std::string>& words, const std::string& where) {
                             const int status = run_one(words, where, nullptr);
                             // Even with --force: run_one said so on stderr.
                             if (!std::cout) throw OutputLost{status};
                             return status;
                         });
    } catch (const OutputLost& lost) {
        return lost.status;
    }
}

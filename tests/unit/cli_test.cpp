// SPDX-License-Identifier: GPL-2.0
// The iptrtpproxy binary's exit codes and output for help, version and bad command lines.
#include <gtest/gtest.h>
#include <sys/wait.h>

#include <cstdio>
#include <string>

namespace {

struct RunResult {
    int status;
    std::string out;  // stdout followed by stderr
};

// Runs the built binary through the shell; no case here gets as far as the kernel.
RunResult run(const std::string& args, bool merge_stderr = false) {
    const std::string command =
        std::string(IPTRTPPROXY_BINARY) + " " + args + (merge_stderr ? " 2>&1" : " 2>/dev/null");
    FILE* pipe = popen(command.c_str(), "r");
    EXPECT_NE(pipe, nullptr);
    RunResult result{-1, {}};
    char buf[4096];
    size_t len;
    while ((len = fread(buf, 1, sizeof(buf), pipe)) > 0) result.out.append(buf, len);
    const int status = pclose(pipe);
    result.status = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    return result;
}

}  // namespace

TEST(Cli, Version) {
    const RunResult r = run("--version");
    EXPECT_EQ(r.status, 0);
    EXPECT_EQ(r.out, "iptrtpproxy " IPTRTPPROXY_VERSION "\n");
}

TEST(Cli, Help) {
    const RunResult overview = run("-h");
    EXPECT_EQ(overview.status, 0);
    EXPECT_NE(overview.out.find("Commands:"), std::string::npos);

    const RunResult before = run("-h alloc");
    const RunResult after = run("alloc --rtp-addr-a 10.0.0.1 -h");
    EXPECT_EQ(before.status, 0);
    EXPECT_EQ(after.status, 0);
    EXPECT_EQ(before.out, after.out);
    EXPECT_EQ(before.out.rfind("Usage: iptrtpproxy alloc ", 0), 0U);
    // Help wins even over an otherwise bad command line.
    EXPECT_EQ(run("list --bogus --help").status, 0);
}

TEST(Cli, BadCommandLinesExitTwo) {
    for (const char* args :
         {"", "bogus", "list --bogus", "alloc --rtp-addr-a 10.0.0.1", "alloc",
          "list --addr-a 10.0.0.999", "list --port-a 70000", "delete --sess-id-lo 3 --sess-id-hi 2",
          "info --addr-a 10.0.0.1", "list extra", "update --rtcp-port-a 5"}) {
        const RunResult r = run(args, true);
        EXPECT_EQ(r.status, 2) << args;
        EXPECT_EQ(r.out.rfind("iptrtpproxy: ", 0), 0U) << args << ": " << r.out;
    }
}

TEST(Cli, BadBatchCommandLinesExitTwo) {
    for (const char* args : {"-b", "--batch", "--force", "--force list", "-b f list", "-b f -b g",
                             "--batch=", "--batch=f --batch=g", "info -b f"}) {
        const RunResult r = run(args, true);
        EXPECT_EQ(r.status, 2) << args;
        EXPECT_EQ(r.out.rfind("iptrtpproxy: ", 0), 0U) << args << ": " << r.out;
    }
}

TEST(Cli, BatchFileThatCannotBeReadExitsOne) {
    const RunResult r = run("-b /nonexistent/batch", true);
    EXPECT_EQ(r.status, 1);
    EXPECT_NE(r.out.find("cannot read /nonexistent/batch"), std::string::npos) << r.out;
}

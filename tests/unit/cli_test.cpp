// SPDX-License-Identifier: GPL-2.0
// The iptrtpproxy binary's exit codes and output for help, version and bad command lines.
#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <string>

namespace {

struct RunResult {
    int status;
    std::string out;  // stdout followed by stderr
};

// Runs a shell command line; what it writes to the pipe (its stdout) is the output.
RunResult run_shell(const std::string& command) {
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

// Runs the built binary through the shell; no case here gets as far as the kernel.
RunResult run(const std::string& args, bool merge_stderr = false) {
    return run_shell(std::string(IPTRTPPROXY_BINARY) + " " + args +
                     (merge_stderr ? " 2>&1" : " 2>/dev/null"));
}

// The binary with its standard output sent to stdout_target; the result is its stderr.
RunResult run_to(const std::string& args, const std::string& stdout_target) {
    return run_shell(std::string(IPTRTPPROXY_BINARY) + " " + args + " 2>&1 >" + stdout_target);
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
          "info --addr-a 10.0.0.1", "list extra", "update --rtcp-port-a 5",
          "alloc --rtp-learning-timeout-a 86400001"}) {
        const RunResult r = run(args, true);
        EXPECT_EQ(r.status, 2) << args;
        EXPECT_EQ(r.out.rfind("iptrtpproxy: ", 0), 0U) << args << ": " << r.out;
    }
}

TEST(Cli, BadRelayOptionsExitTwo) {
    for (const char* args : {"update --dscp 64", "update --tos 0xb9", "update --dscp 46 --tos 0xb8",
                             "update --max-ttl 256", "update --mark 0x1/0x", "list --dscp 10",
                             "update --dup-small 65536", "update --dup-small 1 --no-dup-small"}) {
        const RunResult r = run(args, true);
        EXPECT_EQ(r.status, 2) << args;
        EXPECT_EQ(r.out.rfind("iptrtpproxy: ", 0), 0U) << args << ": " << r.out;
    }
}

TEST(Cli, BadClockRatesExitTwo) {
    for (const char* args :
         {"update --clock-rate 999", "update --clock-rate 1000001", "update --clock-rate 48k",
          "update --clock-rate", "list --clock-rate 8000", "monitor --clock-rate 8000",
          "alloc --clock-rate 8000"}) {
        const RunResult r = run(args, true);
        EXPECT_EQ(r.status, 2) << args;
        EXPECT_EQ(r.out.rfind("iptrtpproxy: ", 0), 0U) << args << ": " << r.out;
    }
    const RunResult r = run("alloc --rtp-learning-timeout-a 5 --clock-rate 999", true);
    EXPECT_EQ(r.status, 2);
    EXPECT_NE(r.out.find("clock rate 999 for --clock-rate is out of range (1000..1000000)"),
              std::string::npos)
        << r.out;
}

TEST(Cli, BadRecordingOptionsExitTwo) {
    for (const char* args :
         {"update --nflog-group 65536", "update --nflog-group x", "update --nflog-copy sent",
          "update --nflog-group 1 --nflog-copy all", "update --nflog-group 1 --no-nflog",
          "update --nflog-group", "list --nflog-group 1", "delete --no-nflog",
          "monitor --nflog-copy both", "alloc --nflog-group 1"}) {
        const RunResult r = run(args, true);
        EXPECT_EQ(r.status, 2) << args;
        EXPECT_EQ(r.out.rfind("iptrtpproxy: ", 0), 0U) << args << ": " << r.out;
    }
    const RunResult r = run("update --sess-id-lo 0 --no-nflog --nflog-group 5", true);
    EXPECT_EQ(r.status, 2);
    EXPECT_NE(r.out.find("--nflog-group and --no-nflog contradict each other"), std::string::npos)
        << r.out;
}

TEST(Cli, BadLabelsExitTwo) {
    for (const char* args :
         {"update --label %", "update --label a%4", "update --label %zz", "list --label ''",
          "list --label=", "list --label-prefix", "update --label a --label-prefix",
          "delete --label a", "info --label a", "update --label a --label b"}) {
        const RunResult r = run(args, true);
        EXPECT_EQ(r.status, 2) << args;
        EXPECT_EQ(r.out.rfind("iptrtpproxy: ", 0), 0U) << args << ": " << r.out;
    }
    const RunResult r = run("update --label " + std::string(129, 'x'), true);
    EXPECT_EQ(r.status, 2);
    EXPECT_NE(r.out.find("129 bytes long once decoded"), std::string::npos) << r.out;
}

TEST(Cli, BadMonitorCommandLinesExitTwo) {
    for (const char* args :
         {"monitor --rcvbuf 0", "monitor --rcvbuf 2G", "monitor --count 0", "monitor --count",
          "monitor --label ''", "monitor --label-prefix", "monitor --sess-id-lo 1",
          "monitor --audit", "monitor extra", "list --count 1", "info --rcvbuf 1k"}) {
        const RunResult r = run(args, true);
        EXPECT_EQ(r.status, 2) << args;
        EXPECT_EQ(r.out.rfind("iptrtpproxy: ", 0), 0U) << args << ": " << r.out;
    }
    const RunResult help = run("-h monitor");
    EXPECT_EQ(help.status, 0);
    EXPECT_EQ(help.out.rfind("Usage: iptrtpproxy monitor ", 0), 0U) << help.out;
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

TEST(Cli, LearningTimeoutBeyondTheKernelsIsNamed) {
    const RunResult r = run("alloc --rtcp-learning-timeout-b 90000000", true);
    EXPECT_EQ(r.status, 2);
    EXPECT_NE(r.out.find("--rtcp-learning-timeout-b is out of range (0..86400000)"),
              std::string::npos)
        << r.out;
}

TEST(Cli, OutputThatCannotBeWrittenExitsOne) {
    for (const char* args : {"-h", "-h alloc", "--version"}) {
        const RunResult full = run_to(args, "/dev/full");
        EXPECT_EQ(full.status, 1) << args;
        EXPECT_EQ(full.out, "iptrtpproxy: writing the output failed: No space left on device\n")
            << args;
    }
    const RunResult closed = run_to("-h", "&-");
    EXPECT_EQ(closed.status, 1);
    EXPECT_EQ(closed.out, "iptrtpproxy: writing the output failed: Bad file descriptor\n");
}

TEST(Cli, BatchStopsWhenItsOutputIsGone) {
    // The capability check comes before the first line.
    if (geteuid() != 0) GTEST_SKIP() << "a batch needs CAP_NET_ADMIN";
    // Even with --force: the second line is not run (it would fail the same way).
    const RunResult r = run_shell("printf -- '-h\\n-h\\n' | " + std::string(IPTRTPPROXY_BINARY) +
                                  " --force -b - 2>&1 >/dev/full");
    EXPECT_EQ(r.status, 1);
    EXPECT_EQ(r.out, "iptrtpproxy: stdin:1: writing the output failed: No space left on device\n");
}

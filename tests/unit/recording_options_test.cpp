// SPDX-License-Identifier: GPL-2.0
// The recording options of alloc and update: accepted forms, what they set, every rejection
// (exit 2).
#include "recording_options.hpp"

#include <gtest/gtest.h>

#include "commands.hpp"
#include "options.hpp"

using namespace iptrtpproxy;
using xtrtpproxy::Recording;
using xtrtpproxy::SessionParams;

namespace {

// The session params of an alloc (which needs a client or learning besides) or of an update.
SessionParams params_of(std::vector<std::string> args, const char* command = "alloc") {
    args.insert(args.begin(), command);
    if (std::string(command) == "alloc") {
        args.push_back("--rtp-learning-timeout-a");
        args.push_back("5000");
    }
    return parse_options(args).params;
}

std::string usage_error(std::vector<std::string> args, const char* command = "alloc") {
    try {
        params_of(std::move(args), command);
    } catch (const UsageError& e) {
        return e.what();
    }
    ADD_FAILURE() << "accepted";
    return "";
}

}  // namespace

TEST(RecordingOptions, NoneGivenSetsNothing) {
    for (const char* command : {"alloc", "update"}) {
        const SessionParams params = params_of({}, command);
        EXPECT_FALSE(params.recording) << command;
        EXPECT_FALSE(params.stop_recording) << command;
    }
}

TEST(RecordingOptions, AGroupRecordsReceivedCopiesUnlessToldOtherwise) {
    for (const char* command : {"alloc", "update"}) {
        EXPECT_EQ(params_of({"--nflog-group", "5"}, command).recording,
                  (Recording{5, Recording::kReceived}))
            << command;
        EXPECT_FALSE(params_of({"--nflog-group", "5"}, command).stop_recording) << command;
    }
    EXPECT_EQ(params_of({"--nflog-group", "0"}).recording, (Recording{0, Recording::kReceived}));
    EXPECT_EQ(params_of({"--nflog-group", "65535"}).recording,
              (Recording{65535, Recording::kReceived}));
    for (const auto& [text, copy] : {std::pair{"received", Recording::kReceived},
                                     {"sent", Recording::kSent},
                                     {"both", Recording::kBoth}})
        EXPECT_EQ(params_of({"--nflog-copy", text, "--nflog-group", "7"}, "update").recording,
                  (Recording{7, copy}))
            << text;
}

TEST(RecordingOptions, NoNflogStopsTheRecording) {
    for (const char* command : {"alloc", "update"}) {
        const SessionParams params = params_of({"--no-nflog"}, command);
        EXPECT_TRUE(params.stop_recording) << command;
        EXPECT_FALSE(params.recording) << command;
    }
    // update may change nothing else: a session range and --no-nflog is a whole command.
    EXPECT_TRUE(parse_options({"update", "--sess-id-lo", "0", "--no-nflog"}).params.stop_recording);
}

TEST(RecordingOptions, BadValuesAndConflicts) {
    EXPECT_EQ(usage_error({"--nflog-group", "65536"}),
              "NFLOG group 65536 for --nflog-group is out of range (0..65535)");
    for (const char* bad : {"", "-1", "0x5", "five", "5k"})
        EXPECT_EQ(usage_error({"--nflog-group", bad}),
                  std::string("invalid NFLOG group '") + bad + "' for --nflog-group")
            << bad;
    for (const char* bad : {"", "Received", "rx", "all", "1", "received,sent"})
        EXPECT_EQ(
            usage_error({"--nflog-group", "5", "--nflog-copy", bad}),
            std::string("invalid copies '") + bad + "' for --nflog-copy: received, sent or both")
            << bad;
    EXPECT_EQ(usage_error({"--nflog-copy", "sent"}, "update"), "--nflog-copy needs --nflog-group");
    EXPECT_EQ(usage_error({"--nflog-group", "5", "--no-nflog"}, "update"),
              "--nflog-group and --no-nflog contradict each other: give one of them");
    EXPECT_EQ(usage_error({"--no-nflog", "--nflog-group", "5", "--nflog-copy", "both"}),
              "--nflog-group and --no-nflog contradict each other: give one of them");
    EXPECT_EQ(usage_error({"--no-nflog", "--nflog-copy", "both"}, "update"),
              "--nflog-copy needs --nflog-group");
    // Each once, and each with its value.
    EXPECT_FALSE(usage_error({"--nflog-group", "1", "--nflog-group", "2"}).empty());
    EXPECT_FALSE(usage_error({"--nflog-group"}).empty());
    EXPECT_FALSE(usage_error({"--nflog-group", "1", "--nflog-copy"}).empty());
}

TEST(RecordingOptions, AllocStillNeedsAClientOrLearning) {
    try {
        parse_options({"alloc", "--nflog-group", "5"});
        ADD_FAILURE() << "accepted";
    } catch (const UsageError& e) {
        EXPECT_EQ(std::string(e.what()).rfind("alloc needs a client address", 0), 0U);
    }
}

TEST(RecordingOptions, OnlyAllocAndUpdateTakeThem) {
    for (const char* command : {"info", "list", "delete", "monitor"}) {
        for (const std::vector<std::string>& args :
             {std::vector<std::string>{"--nflog-group", "1"},
              std::vector<std::string>{"--nflog-copy", "sent"},
              std::vector<std::string>{"--no-nflog"}}) {
            std::vector<std::string> line = args;
            line.insert(line.begin(), command);
            try {
                parse_options(line);
                ADD_FAILURE() << command << " " << args[0] << " accepted";
            } catch (const UsageError& e) {
                EXPECT_EQ(std::string(e.what()),
                          "option '" + args[0] + "' is not accepted by '" + command + "'");
            }
        }
    }
}

TEST(RecordingOptions, InTheHelpOfAllocAndUpdateOnly) {
    for (const char* command : {"alloc", "update"}) {
        const std::string help = help_text(command);
        for (const char* option : {"--nflog-group", "--nflog-copy", "--no-nflog", "[recording]"})
            EXPECT_NE(help.find(option), std::string::npos) << command << " " << option;
    }
    for (const char* command : {"info", "list", "delete", "monitor"})
        EXPECT_EQ(help_text(command).find("nflog"), std::string::npos) << command;
}

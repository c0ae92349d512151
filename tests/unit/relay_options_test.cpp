// SPDX-License-Identifier: GPL-2.0
// The relay options of alloc and update: accepted forms, what they set, every rejection (exit 2).
#include "relay_options.hpp"

#include <gtest/gtest.h>

#include "commands.hpp"
#include "options.hpp"

using namespace iptrtpproxy;
using xtrtpproxy::Dscp;
using xtrtpproxy::Mark;
using xtrtpproxy::RelayParams;

namespace {

// The relay params of an alloc (which needs a client or learning besides) or of an update.
RelayParams relay_of(std::vector<std::string> args, const char* command = "alloc") {
    args.insert(args.begin(), command);
    if (std::string(command) == "alloc") {
        args.push_back("--rtp-learning-timeout-a");
        args.push_back("5000");
    }
    return parse_options(args).params.relay;
}

std::string usage_error(std::vector<std::string> args, const char* command = "alloc") {
    try {
        relay_of(std::move(args), command);
    } catch (const UsageError& e) {
        return e.what();
    }
    ADD_FAILURE() << "accepted";
    return "";
}

}  // namespace

TEST(RelayOptions, NoneGivenSetsNothing) {
    EXPECT_TRUE(relay_of({}).empty());
    EXPECT_TRUE(relay_of({}, "update").empty());
}

TEST(RelayOptions, Dscp) {
    EXPECT_EQ(relay_of({"--dscp", "46"}).dscp, Dscp{46});
    EXPECT_EQ(relay_of({"--dscp", "0"}).dscp, Dscp{0});
    EXPECT_EQ(relay_of({"--dscp", "63"}, "update").dscp, Dscp{63});
    EXPECT_EQ(relay_of({"--dscp", "sender"}, "update").dscp, Dscp::sender());
    EXPECT_EQ(usage_error({"--dscp", "64"}), "DSCP 64 for --dscp is out of range (0..63)");
    EXPECT_EQ(usage_error({"--dscp", "ef"}), "invalid DSCP 'ef' for --dscp");
    EXPECT_EQ(usage_error({"--dscp", "-1"}), "invalid DSCP '-1' for --dscp");
    EXPECT_EQ(usage_error({"--dscp", ""}), "invalid DSCP '' for --dscp");
}

TEST(RelayOptions, TosIsRtpproxysByte) {
    EXPECT_EQ(relay_of({"--tos", "0xb8"}).dscp, Dscp{46});
    EXPECT_EQ(relay_of({"--tos", "0XB8"}).dscp, Dscp{46});
    EXPECT_EQ(relay_of({"--tos", "184"}).dscp, Dscp{46});
    EXPECT_EQ(relay_of({"--tos", "0"}, "update").dscp, Dscp{0});
    EXPECT_EQ(relay_of({"--tos", "0xfc"}).dscp, Dscp{63});
    const std::string ecn = usage_error({"--tos", "0xb9"});
    EXPECT_EQ(ecn.rfind("TOS 0xb9 for --tos has ECN bits set", 0), 0U) << ecn;
    EXPECT_EQ(usage_error({"--tos", "2"}).rfind("TOS 2 for --tos has ECN bits set", 0), 0U);
    EXPECT_EQ(usage_error({"--tos", "0x100"}), "TOS 0x100 for --tos is out of range (0..255)");
    EXPECT_EQ(usage_error({"--tos", "0x"}), "invalid TOS '0x' for --tos");
    EXPECT_EQ(usage_error({"--tos", "0xg8"}), "invalid TOS '0xg8' for --tos");
}

TEST(RelayOptions, DscpAndTosExcludeEachOther) {
    EXPECT_EQ(usage_error({"--dscp", "46", "--tos", "0xb8"}),
              "--dscp and --tos both set the DSCP: give one of them");
    EXPECT_EQ(usage_error({"--tos", "0xb8", "--dscp", "sender"}, "update"),
              "--dscp and --tos both set the DSCP: give one of them");
}

TEST(RelayOptions, MaxTtl) {
    EXPECT_EQ(relay_of({"--max-ttl", "1"}).max_ttl, 1);
    EXPECT_EQ(relay_of({"--max-ttl", "255"}).max_ttl, 255);
    EXPECT_EQ(relay_of({"--max-ttl", "0"}, "update").max_ttl, 0);  // the cap removed
    EXPECT_EQ(usage_error({"--max-ttl", "256"}), "TTL 256 for --max-ttl is out of range (0..255)");
    EXPECT_EQ(usage_error({"--max-ttl", "0x10"}), "invalid TTL '0x10' for --max-ttl");
}

TEST(RelayOptions, MarkIsSetXmark) {
    EXPECT_EQ(relay_of({"--mark", "0x10"}).mark, (Mark{0x10, Mark::kAllBits}));
    EXPECT_EQ(relay_of({"--mark", "16/0xff"}).mark, (Mark{16, 0xff}));
    EXPECT_EQ(relay_of({"--mark", "0x0/0x0"}, "update").mark, (Mark{0, 0}));
    EXPECT_EQ(relay_of({"--mark", "0xffffffff/4294967295"}).mark,
              (Mark{Mark::kAllBits, Mark::kAllBits}));
    EXPECT_EQ(usage_error({"--mark", "0x100000000"}),
              "mark 0x100000000 for --mark is out of range (0..4294967295)");
    EXPECT_EQ(usage_error({"--mark", "1/0x1ffffffff"}),
              "mask 0x1ffffffff for --mark is out of range (0..4294967295)");
    EXPECT_EQ(usage_error({"--mark", "/0xff"}), "invalid mark '' for --mark");
    EXPECT_EQ(usage_error({"--mark", "1/"}), "invalid mask '' for --mark");
    EXPECT_EQ(usage_error({"--mark", "1/2/3"}), "invalid mask '2/3' for --mark");
    EXPECT_EQ(usage_error({"--mark", "fw"}), "invalid mark 'fw' for --mark");
}

TEST(RelayOptions, ParseMarkAlone) {
    EXPECT_EQ(parse_mark("mark", "0xa/0xf"), (Mark{0xa, 0xf}));
    EXPECT_EQ(parse_mark("mark", "7"), (Mark{7, Mark::kAllBits}));
}

TEST(RelayOptions, DupSmall) {
    EXPECT_EQ(relay_of({"--dup-small", "128"}).dup_below, 128);
    EXPECT_EQ(relay_of({"--dup-small", "65535"}).dup_below, 65535);
    EXPECT_EQ(relay_of({"--dup-small", "0"}, "update").dup_below, 0);
    EXPECT_EQ(relay_of({"--no-dup-small"}, "update").dup_below, 0);
    EXPECT_FALSE(relay_of({}, "update").dup_below);
    EXPECT_EQ(usage_error({"--dup-small", "65536"}),
              "size 65536 for --dup-small is out of range (0..65535)");
    EXPECT_EQ(usage_error({"--dup-small", "small"}), "invalid size 'small' for --dup-small");
    EXPECT_EQ(usage_error({"--dup-small", "128", "--no-dup-small"}, "update"),
              "--dup-small and --no-dup-small contradict each other: give one of them");
    // The value is not optional: the command name after it would otherwise be taken for it.
    EXPECT_FALSE(usage_error({"--dup-small"}).empty());
}

TEST(RelayOptions, EveryOptionAtOnce) {
    const RelayParams relay = relay_of(
        {"--tos", "0xb8", "--max-ttl", "64", "--mark", "0x1/0x1", "--dup-small", "200"}, "update");
    EXPECT_EQ(relay.dscp, Dscp{46});
    EXPECT_EQ(relay.max_ttl, 64);
    EXPECT_EQ(relay.mark, (Mark{1, 1}));
    EXPECT_EQ(relay.dup_below, 200);
}

TEST(RelayOptions, OnlyAllocAndUpdateTakeThem) {
    for (const char* option : {"--dscp", "--tos", "--max-ttl", "--mark", "--dup-small"}) {
        for (const char* command : {"info", "list", "delete"}) {
            try {
                parse_options({command, option, "1"});
                ADD_FAILURE() << command << " " << option << " accepted";
            } catch (const UsageError& e) {
                EXPECT_EQ(std::string(e.what()), "option '" + std::string(option) +
                                                     "' is not accepted by '" + command + "'");
            }
        }
    }
    EXPECT_THROW(parse_options({"list", "--no-dup-small"}), UsageError);
}

TEST(RelayOptions, AllocStillNeedsAClientOrLearning) {
    try {
        parse_options({"alloc", "--dscp", "46"});
        ADD_FAILURE() << "accepted";
    } catch (const UsageError& e) {
        EXPECT_EQ(std::string(e.what()).rfind("alloc needs a client address", 0), 0U);
    }
    // update may change nothing but the relay options.
    EXPECT_EQ(parse_options({"update", "--dscp", "10"}).params.relay.dscp, Dscp{10});
}

TEST(RelayOptions, InTheHelpOfAllocAndUpdateOnly) {
    for (const char* command : {"alloc", "update"}) {
        const std::string help = help_text(command);
        for (const char* option : {"--dscp", "--tos", "--max-ttl", "--mark", "--dup-small",
                                   "--no-dup-small", "relay_options"})
            EXPECT_NE(help.find(option), std::string::npos) << command << " " << option;
    }
    EXPECT_EQ(help_text("list").find("--dscp"), std::string::npos);
}

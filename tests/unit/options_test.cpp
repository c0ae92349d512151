// SPDX-License-Identifier: GPL-2.0
// iptrtpproxy's command line: accepted forms, defaults and every rejection (exit 2).
#include "options.hpp"

#include <gtest/gtest.h>
#include <linux/netfilter/xt_RTPPROXY.h>

#include "commands.hpp"

using namespace iptrtpproxy;
using xtrtpproxy::Address;
using xtrtpproxy::StreamIndex;

namespace {

Options parse(std::vector<std::string> args) { return parse_options(args); }

std::string usage_error(std::vector<std::string> args) {
    try {
        parse_options(args);
    } catch (const UsageError& e) {
        return e.what();
    }
    ADD_FAILURE() << "accepted";
    return "";
}

}  // namespace

TEST(Options, HelpAnywhere) {
    EXPECT_TRUE(parse({"-h"}).help);
    EXPECT_EQ(parse({"-h"}).command, "");
    EXPECT_EQ(parse({"-h", "alloc"}).command, "alloc");
    EXPECT_EQ(parse({"alloc", "-h"}).command, "alloc");
    EXPECT_EQ(parse({"list", "--bogus", "--help"}).command, "list");
    EXPECT_EQ(parse({"--addr-a", "1.2.3.4", "delete", "-vh"}).command, "delete");
    EXPECT_TRUE(parse({"--help"}).help);
}

TEST(Options, Version) {
    const Options opts = parse({"--version"});
    EXPECT_TRUE(opts.version);
    EXPECT_FALSE(opts.help);
}

TEST(Options, HelpTexts) {
    const std::string overview = help_text("");
    for (const auto& sub : subcommands())
        EXPECT_NE(overview.find(std::string(sub.name)), std::string::npos) << sub.name;
    const std::string alloc = help_text("alloc");
    EXPECT_NE(alloc.find("--rtp-learning-timeout-a"), std::string::npos);
    EXPECT_EQ(alloc.find("--sess-id-lo"), std::string::npos);
    const std::string info = help_text("info");
    EXPECT_NE(info.find("--audit"), std::string::npos);
    EXPECT_EQ(info.find("--addr-a"), std::string::npos);
}

TEST(Options, CommandIsRequired) {
    EXPECT_EQ(usage_error({}), "no command given");
    EXPECT_EQ(usage_error({"-v"}), "no command given");
    EXPECT_EQ(usage_error({"frobnicate"}), "unknown command 'frobnicate'");
    EXPECT_NE(usage_error({"list", "extra"}).find("too many"), std::string::npos);
}

TEST(Options, UnknownAndAbbreviatedOptions) {
    EXPECT_NE(usage_error({"list", "--bogus"}).find("--bogus"), std::string::npos);
    // Prefixes are not guessed.
    EXPECT_NE(usage_error({"list", "--addr", "10.0.0.1"}).find("--addr"), std::string::npos);
    EXPECT_NE(usage_error({"list", "--no-sess"}).find("--no-sess"), std::string::npos);
}

TEST(Options, OptionsTheCommandDoesNotTake) {
    EXPECT_EQ(usage_error({"info", "--addr-a", "10.0.0.1"}),
              "option '--addr-a' is not accepted by 'info'");
    EXPECT_EQ(usage_error({"list", "--rtp-learning-timeout-a", "5"}),
              "option '--rtp-learning-timeout-a' is not accepted by 'list'");
    EXPECT_EQ(usage_error({"alloc", "--rtp-learning-timeout-a", "5", "--sess-id-lo", "1"}),
              "option '--sess-id-lo' is not accepted by 'alloc'");
    EXPECT_EQ(usage_error({"delete", "--always-learn"}),
              "option '--always-learn' is not accepted by 'delete'");
    EXPECT_EQ(usage_error({"update", "--no-session"}),
              "option '--no-session' is not accepted by 'update'");
}

TEST(Options, MissingValueAndRepeats) {
    EXPECT_FALSE(usage_error({"list", "--addr-a"}).empty());
    EXPECT_FALSE(usage_error({"list", "--port-a", "50000", "--port-a", "50002"}).empty());
}

TEST(Options, Selector) {
    const Options opts = parse({"list", "--addr-a", "10.0.0.1", "--port-b=50200", "-v"});
    EXPECT_EQ(opts.command, "list");
    EXPECT_TRUE(opts.verbose);
    EXPECT_EQ(opts.selector.addr_a, Address::parse("10.0.0.1"));
    EXPECT_FALSE(opts.selector.port_a);
    EXPECT_FALSE(opts.selector.addr_b);
    EXPECT_EQ(opts.selector.port_b, 50200);
    EXPECT_FALSE(opts.range);
}

TEST(Options, BadAddressesAndPorts) {
    EXPECT_EQ(usage_error({"list", "--addr-a", "10.0.0"}),
              "invalid IP address '10.0.0' for --addr-a");
    EXPECT_EQ(usage_error({"list", "--port-a", "65536"}),
              "port 65536 for --port-a is out of range (1..65535)");
    EXPECT_EQ(usage_error({"list", "--port-a", "0"}),
              "port 0 for --port-a is out of range (1..65535)");
    EXPECT_EQ(usage_error({"list", "--port-a", "-2"}), "invalid port '-2' for --port-a");
    EXPECT_EQ(usage_error({"list", "--port-a", "5e4"}), "invalid port '5e4' for --port-a");
    EXPECT_EQ(usage_error({"list", "--port-a", "99999999999999999999999"}),
              "port 99999999999999999999999 for --port-a is out of range (1..65535)");
    EXPECT_EQ(usage_error({"list", "--port-b", "50001"}),
              "gate port 50001 for --port-b is odd; a gate starts at an even port");
    EXPECT_EQ(usage_error({"alloc", "--rtp-addr-a", "1.2.3.4", "--rtp-port-a", "70000"}),
              "port 70000 for --rtp-port-a is out of range (1..65535)");
    EXPECT_EQ(usage_error({"alloc", "--rtp-addr-b", "fe80::1::2", "--rtp-port-b", "7000"}),
              "invalid IP address 'fe80::1::2' for --rtp-addr-b");
}

TEST(Options, SessionRange) {
    auto opts = parse({"delete", "--sess-id-lo", "4"});
    ASSERT_TRUE(opts.range);
    EXPECT_EQ(*opts.range, (xtrtpproxy::SessionRange{4, 4}));
    opts = parse({"delete", "--sess-id-hi", "4"});
    EXPECT_EQ(*opts.range, (xtrtpproxy::SessionRange{0, 4}));
    opts = parse({"list", "--sess-id-lo", "2", "--sess-id-hi", "9"});
    EXPECT_EQ(*opts.range, (xtrtpproxy::SessionRange{2, 9}));
    EXPECT_EQ(usage_error({"delete", "--sess-id-lo", "5", "--sess-id-hi", "3"}),
              "--sess-id-hi 3 is below --sess-id-lo 5");
    EXPECT_EQ(usage_error({"delete", "--sess-id-lo", "x"}),
              "invalid session id 'x' for --sess-id-lo");
    EXPECT_EQ(usage_error({"delete", "--sess-id-hi", "32767"}),
              "session id 32767 for --sess-id-hi is out of range (0..32766)");
}

TEST(Options, AllocLeavesRtcpDefaultsToTheLibrary) {
    const Options opts = parse({"alloc", "--rtp-addr-a", "192.168.1.5", "--rtp-port-a", "7078",
                                "--rtp-learning-timeout-b", "10000", "--always-learn"});
    const auto& p = opts.params;
    EXPECT_EQ(p.stream(StreamIndex::rtp_a).addr, Address::parse("192.168.1.5"));
    EXPECT_EQ(p.stream(StreamIndex::rtp_a).port, 7078);
    EXPECT_FALSE(p.stream(StreamIndex::rtcp_a).addr);
    EXPECT_FALSE(p.stream(StreamIndex::rtcp_a).port);
    EXPECT_FALSE(p.stream(StreamIndex::rtp_b).addr);
    EXPECT_EQ(p.stream(StreamIndex::rtp_b).learn_timeout_ms, 10000U);
    EXPECT_FALSE(p.stream(StreamIndex::rtcp_b).learn_timeout_ms);
    for (const auto& stream : p.streams) EXPECT_TRUE(stream.always_learn);
    EXPECT_TRUE(opts.selector.empty());
    // What the request will carry (message_test checks that it does).
    const auto derived = xtrtpproxy::with_rtcp_defaults(p);
    EXPECT_EQ(derived.stream(StreamIndex::rtcp_a).addr, Address::parse("192.168.1.5"));
    EXPECT_EQ(derived.stream(StreamIndex::rtcp_a).port, 7079);
    EXPECT_EQ(derived.stream(StreamIndex::rtcp_b).learn_timeout_ms, 10000U);
}

TEST(Options, AllocExplicitRtcp) {
    const Options opts =
        parse({"alloc", "--rtp-addr-b", "2001:db8::9", "--rtp-port-b", "4000", "--rtcp-port-b",
               "4444", "--rtcp-addr-a", "10.0.0.1", "--rtcp-port-a", "9"});
    const auto& p = opts.params;
    EXPECT_FALSE(p.stream(StreamIndex::rtcp_b).addr);  // derived by the library
    EXPECT_EQ(p.stream(StreamIndex::rtcp_b).port, 4444);
    EXPECT_FALSE(p.stream(StreamIndex::rtp_a).addr);
    EXPECT_EQ(p.stream(StreamIndex::rtcp_a).addr, Address::parse("10.0.0.1"));
    EXPECT_FALSE(p.stream(StreamIndex::rtcp_a).always_learn);
}

TEST(Options, AddressAndPortGoTogether) {
    EXPECT_EQ(usage_error({"alloc", "--rtp-addr-a", "1.2.3.4"}), "--rtp-addr-a needs --rtp-port-a");
    EXPECT_EQ(usage_error({"alloc", "--rtp-port-b", "4000"}), "--rtp-port-b needs --rtp-addr-b");
    EXPECT_EQ(usage_error({"alloc", "--rtcp-addr-a", "1.2.3.4"}),
              "--rtcp-addr-a needs --rtcp-port-a or --rtp-port-a");
    EXPECT_EQ(usage_error({"update", "--rtcp-port-b", "4001"}),
              "--rtcp-port-b needs --rtcp-addr-b or --rtp-addr-b");
    EXPECT_EQ(usage_error({"alloc", "--rtp-addr-a", "1.2.3.4", "--rtp-port-a", "65535"}),
              "RTP port 65535 of client A leaves no port for RTCP; give the RTCP port");
}

TEST(Options, AllocNeedsClientOrLearning) {
    const std::string message = usage_error({"alloc"});
    EXPECT_EQ(message.rfind("alloc needs a client address or a learning timeout", 0), 0U);
    EXPECT_EQ(usage_error({"alloc", "--always-learn", "--addr-a", "10.0.0.1"}), message);
    EXPECT_NO_THROW(parse({"alloc", "--rtcp-learning-timeout-a", "0"}));
    // update may change nothing but the state: with a range it resurrects.
    EXPECT_NO_THROW(parse({"update", "--sess-id-lo", "3"}));
}

TEST(Options, LearningTimeout) {
    // At most the kernel's longest window: a day.
    EXPECT_EQ(parse({"alloc", "--rtp-learning-timeout-a", "86400000"})
                  .params.stream(StreamIndex::rtp_a)
                  .learn_timeout_ms,
              RTPPROXY_MAX_LEARN_TIMEOUT_MS);
    EXPECT_EQ(usage_error({"alloc", "--rtp-learning-timeout-a", "86400001"}),
              "timeout 86400001 for --rtp-learning-timeout-a is out of range (0..86400000)");
    EXPECT_EQ(usage_error({"update", "--rtcp-learning-timeout-b", "4294967295"}),
              "timeout 4294967295 for --rtcp-learning-timeout-b is out of range (0..86400000)");
    EXPECT_EQ(usage_error({"alloc", "--rtp-learning-timeout-a", "4294967296"}),
              "timeout 4294967296 for --rtp-learning-timeout-a is out of range (0..86400000)");
    EXPECT_EQ(usage_error({"alloc", "--rtp-learning-timeout-a", "1s"}),
              "invalid timeout '1s' for --rtp-learning-timeout-a");
}

namespace {

// The rate limit of stream index that an update with args sets.
std::optional<xtrtpproxy::RateLimit> rate_of(std::vector<std::string> args, StreamIndex index) {
    args.insert(args.begin(), "update");
    return parse(args).params.stream(index).rate;
}

}  // namespace

TEST(Options, RateLimitOfEachStream) {
    using xtrtpproxy::RateLimit;
    EXPECT_EQ(rate_of({"--rtp-rate-a", "8000"}, StreamIndex::rtp_a), (RateLimit{8000}));
    EXPECT_EQ(rate_of({"--rtp-rate-a", "8000/3000"}, StreamIndex::rtp_a), (RateLimit{8000, 3000}));
    EXPECT_EQ(rate_of({"--rtcp-rate-a", "400/1500"}, StreamIndex::rtcp_a), (RateLimit{400, 1500}));
    EXPECT_EQ(rate_of({"--rtp-rate-b", "4294967295/4294967295"}, StreamIndex::rtp_b),
              (RateLimit{0xffffffff, 0xffffffff}));
    EXPECT_EQ(rate_of({"--rtcp-rate-b", "0"}, StreamIndex::rtcp_b), (RateLimit{0}));  // removed
    // k is a thousand, as rates are written, for the burst too.
    EXPECT_EQ(rate_of({"--rtp-rate-b", "64k"}, StreamIndex::rtp_b), (RateLimit{64000}));
    EXPECT_EQ(rate_of({"--rtp-rate-b", "8k/2k"}, StreamIndex::rtp_b), (RateLimit{8000, 2000}));
    EXPECT_EQ(rate_of({"--rtp-rate-b", "0k"}, StreamIndex::rtp_b), (RateLimit{0}));
    // Not given: kept (update) or none (alloc).
    EXPECT_FALSE(rate_of({"--rtp-rate-a", "8000"}, StreamIndex::rtp_b));
    for (const auto& stream : parse({"alloc", "--rtp-learning-timeout-a", "5"}).params.streams)
        EXPECT_FALSE(stream.rate);
}

TEST(Options, RateLimitIsNotDerivedForRtcp) {
    const Options opts = parse({"alloc", "--rtp-addr-a", "10.0.0.5", "--rtp-port-a", "4000",
                                "--rtp-rate-a", "8000", "--rtcp-rate-b", "500"});
    const auto derived = xtrtpproxy::with_rtcp_defaults(opts.params);
    EXPECT_EQ(derived.stream(StreamIndex::rtp_a).rate, (xtrtpproxy::RateLimit{8000}));
    EXPECT_FALSE(derived.stream(StreamIndex::rtcp_a).rate);
    EXPECT_EQ(derived.stream(StreamIndex::rtcp_a).port, 4001);
    EXPECT_FALSE(derived.stream(StreamIndex::rtp_b).rate);
    EXPECT_EQ(derived.stream(StreamIndex::rtcp_b).rate, (xtrtpproxy::RateLimit{500}));
}

TEST(Options, BadRateLimits) {
    const auto error = [](const char* option, const char* value) {
        return usage_error({"update", option, value});
    };
    EXPECT_EQ(error("--rtp-rate-a", "fast"), "invalid rate 'fast' for --rtp-rate-a");
    EXPECT_EQ(error("--rtp-rate-a", ""), "invalid rate '' for --rtp-rate-a");
    EXPECT_EQ(error("--rtp-rate-a", "-1"), "invalid rate '-1' for --rtp-rate-a");
    EXPECT_EQ(error("--rtp-rate-a", "k"), "invalid rate 'k' for --rtp-rate-a");
    EXPECT_EQ(error("--rtp-rate-a", "8K"), "invalid rate '8K' for --rtp-rate-a");
    EXPECT_EQ(error("--rtp-rate-a", "8kk"), "invalid rate '8kk' for --rtp-rate-a");
    EXPECT_EQ(error("--rtp-rate-a", "0x100"), "invalid rate '0x100' for --rtp-rate-a");
    EXPECT_EQ(error("--rtcp-rate-a", "4294967296"),
              "rate 4294967296 for --rtcp-rate-a is out of range (0..4294967295)");
    EXPECT_EQ(error("--rtcp-rate-a", "4294968k"),
              "rate 4294968k for --rtcp-rate-a is out of range (0..4294967295)");
    EXPECT_EQ(error("--rtp-rate-b", "99999999999999999999k"),
              "rate 99999999999999999999k for --rtp-rate-b is out of range (0..4294967295)");
    // A burst below one full-size datagram would drop every such datagram.
    EXPECT_EQ(error("--rtp-rate-b", "8000/1499"),
              "burst 1499 for --rtp-rate-b is out of range (1500..4294967295)");
    EXPECT_EQ(error("--rtp-rate-b", "8000/1k"),
              "burst 1k for --rtp-rate-b is out of range (1500..4294967295)");
    EXPECT_EQ(error("--rtcp-rate-b", "8000/"), "invalid burst '' for --rtcp-rate-b");
    EXPECT_EQ(error("--rtcp-rate-b", "8000/2000/3000"),
              "invalid burst '2000/3000' for --rtcp-rate-b");
    EXPECT_EQ(error("--rtcp-rate-b", "/2000"), "invalid rate '' for --rtcp-rate-b");
    EXPECT_EQ(error("--rtp-rate-a", "0/3000"),
              "rate 0 for --rtp-rate-a removes the limit: it takes no burst");
}

TEST(Options, RateLimitsAreForAllocAndUpdate) {
    for (const char* option : {"--rtp-rate-a", "--rtcp-rate-a", "--rtp-rate-b", "--rtcp-rate-b"}) {
        for (const char* command : {"info", "list", "delete"})
            EXPECT_EQ(usage_error({command, option, "8000"}),
                      "option '" + std::string(option) + "' is not accepted by '" + command + "'");
        for (const char* command : {"alloc", "update"})
            EXPECT_NE(help_text(command).find(option), std::string::npos) << command << option;
    }
    // A rate alone is no client.
    EXPECT_EQ(usage_error({"alloc", "--rtp-rate-a", "8000"})
                  .rfind("alloc needs a client address or a learning timeout", 0),
              0U);
    EXPECT_NO_THROW(parse({"update", "--rtp-rate-a", "8000"}));
}

TEST(Options, ClockRateOfAllocAndUpdate) {
    EXPECT_EQ(parse({"alloc", "--rtp-learning-timeout-a", "5", "--clock-rate", "48000"})
                  .params.clock_rate,
              48000U);
    EXPECT_EQ(parse({"update", "--sess-id-lo", "1", "--clock-rate", "90000"}).params.clock_rate,
              90000U);
    // The kernel's range, both ends included.
    EXPECT_EQ(parse({"update", "--clock-rate", "1000"}).params.clock_rate, 1000U);
    EXPECT_EQ(parse({"update", "--clock-rate", "1000000"}).params.clock_rate, 1000000U);
    // Not given: the kernel's 8000 (alloc) or the sessions' own (update).
    EXPECT_FALSE(parse({"alloc", "--rtp-learning-timeout-a", "5"}).params.clock_rate);
    EXPECT_FALSE(parse({"update"}).params.clock_rate);
    EXPECT_EQ(usage_error({"update", "--clock-rate", "999"}),
              "clock rate 999 for --clock-rate is out of range (1000..1000000)");
    EXPECT_EQ(usage_error({"update", "--clock-rate", "1000001"}),
              "clock rate 1000001 for --clock-rate is out of range (1000..1000000)");
    EXPECT_EQ(usage_error({"update", "--clock-rate", "0"}),
              "clock rate 0 for --clock-rate is out of range (1000..1000000)");
    EXPECT_EQ(usage_error({"update", "--clock-rate", "99999999999999999999"}),
              "clock rate 99999999999999999999 for --clock-rate is out of range (1000..1000000)");
    for (const char* bad : {"", "48k", "8000Hz", "0x1f40", "-8000", "8000.0"})
        EXPECT_EQ(usage_error({"update", "--clock-rate", bad}),
                  std::string("invalid clock rate '") + bad + "' for --clock-rate")
            << bad;
    EXPECT_FALSE(usage_error({"update", "--clock-rate"}).empty());
    // A clock rate is no client.
    EXPECT_EQ(usage_error({"alloc", "--clock-rate", "8000"})
                  .rfind("alloc needs a client address or a learning timeout", 0),
              0U);
    for (const char* command : {"info", "list", "delete", "monitor"})
        EXPECT_EQ(usage_error({command, "--clock-rate", "8000"}),
                  "option '--clock-rate' is not accepted by '" + std::string(command) + "'");
    for (const char* command : {"alloc", "update"})
        EXPECT_NE(help_text(command).find("--clock-rate"), std::string::npos) << command;
    EXPECT_EQ(help_text("list").find("--clock-rate"), std::string::npos);
}

TEST(Options, LabelOfAllocAndUpdate) {
    auto opts = parse({"alloc", "--rtp-learning-timeout-a", "5000", "--label", "callid%3Bx%20y"});
    EXPECT_EQ(opts.params.label, std::optional<std::string>("callid;x y"));
    EXPECT_FALSE(opts.label_filter);
    opts = parse({"update", "--sess-id-lo", "3", "--label", "a=b%00"});
    EXPECT_EQ(opts.params.label, std::optional<std::string>(std::string("a=b\0", 4)));
    // Without --label the sessions' stays; an empty one removes it, also as --label= (a batch
    // line has no quotes).
    EXPECT_FALSE(parse({"update", "--sess-id-lo", "3"}).params.label);
    EXPECT_EQ(parse({"update", "--label", ""}).params.label, std::optional<std::string>(""));
    EXPECT_EQ(parse({"update", "--label="}).params.label, std::optional<std::string>(""));
    EXPECT_EQ(parse({"update", "--label=x%3D"}).params.label, std::optional<std::string>("x="));
    // A label alone is no client.
    EXPECT_EQ(usage_error({"alloc", "--label", "x"})
                  .rfind("alloc needs a client address or a learning timeout", 0),
              0U);
    EXPECT_NE(usage_error({"update", "--label", "%x"}).find("not followed by two hex digits"),
              std::string::npos);
    EXPECT_NE(usage_error({"update", "--label", std::string(129, 'x')}).find("129 bytes"),
              std::string::npos);
}

TEST(Options, LabelFilterOfList) {
    auto opts = parse({"list", "--label", "callid%3Babc"});
    ASSERT_TRUE(opts.label_filter);
    EXPECT_EQ(*opts.label_filter, (xtrtpproxy::LabelFilter{"callid;abc", false}));
    EXPECT_FALSE(opts.params.label);
    opts = parse({"list", "--label-prefix", "--label", "callid%3B", "--no-session"});
    EXPECT_EQ(*opts.label_filter, (xtrtpproxy::LabelFilter{"callid;", true}));
    EXPECT_FALSE(parse({"list"}).label_filter);
    // With the print-and-reset options too.
    opts = parse({"list", "--label", "x", "--reset-packet-stat"});
    EXPECT_EQ(*opts.label_filter, (xtrtpproxy::LabelFilter{"x", false}));
    EXPECT_EQ(opts.reset_bits, RTPPROXY_RESET_SESSIONS);

    EXPECT_EQ(usage_error({"list", "--label", ""}),
              "--label for list takes a label of 1..128 bytes, not an empty one");
    EXPECT_EQ(usage_error({"list", "--label="}),
              "--label for list takes a label of 1..128 bytes, not an empty one");
    EXPECT_EQ(usage_error({"list", "--label-prefix"}), "--label-prefix needs --label");
    EXPECT_NE(usage_error({"list", "--label", "a%"}).find("not followed by two hex digits"),
              std::string::npos);
}

TEST(Options, LabelOptionsOfTheOtherCommands) {
    for (const char* command : {"info", "delete"})
        EXPECT_EQ(usage_error({command, "--label", "x"}),
                  "option '--label' is not accepted by '" + std::string(command) + "'");
    for (const char* command : {"info", "delete"})
        EXPECT_EQ(usage_error({command, "--label-prefix"}),
                  "option '--label-prefix' is not accepted by '" + std::string(command) + "'");
    for (const char* command : {"alloc", "update"})
        EXPECT_EQ(usage_error({command, "--label", "x", "--label-prefix"}),
                  "option '--label-prefix' is not accepted by '" + std::string(command) + "'");
    for (const char* command : {"alloc", "update", "list"})
        EXPECT_NE(help_text(command).find("--label"), std::string::npos) << command;
    EXPECT_NE(help_text("list").find("--label-prefix"), std::string::npos);
    EXPECT_EQ(help_text("update").find("--label-prefix"), std::string::npos);
}

TEST(Options, ListVerbosity) {
    auto opts = parse({"list", "--no-switchboard"});
    EXPECT_TRUE(opts.no_switchboard);
    EXPECT_TRUE(opts.no_session);
    opts = parse({"list", "--no-session"});
    EXPECT_FALSE(opts.no_switchboard);
    EXPECT_TRUE(opts.no_session);
}

TEST(Options, OtherOptions) {
    auto opts = parse({"info", "--reset-global-stat", "--reset-packet-stat", "--audit"});
    EXPECT_EQ(opts.reset_bits, RTPPROXY_RESET_GLOBAL | RTPPROXY_RESET_SESSIONS);
    EXPECT_TRUE(opts.audit);
    opts = parse({"list", "--reset-switchboard-stat", "--addr-a", "10.0.0.1"});
    EXPECT_EQ(opts.reset_bits, RTPPROXY_RESET_SWITCHBOARD);
    EXPECT_FALSE(opts.audit);
    EXPECT_EQ(parse({"delete", "--audit"}).audit, true);
}

TEST(Options, SubcommandTable) {
    ASSERT_EQ(subcommands().size(), 6U);
    for (const char* name : {"info", "list", "alloc", "update", "delete", "monitor"}) {
        const Subcommand* sub = find_subcommand(name);
        ASSERT_NE(sub, nullptr) << name;
        EXPECT_NE(sub->handler, nullptr);
        EXPECT_FALSE(sub->help.empty());
    }
    EXPECT_EQ(find_subcommand("lis"), nullptr);
}

TEST(Options, MonitorTakesTheSelectorAndTheLabelFilter) {
    auto opts = parse({"monitor", "--addr-a", "10.0.0.1", "--port-a", "20000", "--label", "c1%3B",
                       "--label-prefix"});
    EXPECT_EQ(opts.command, "monitor");
    EXPECT_EQ(opts.selector.addr_a, Address::parse("10.0.0.1"));
    EXPECT_EQ(opts.selector.port_a, 20000);
    ASSERT_TRUE(opts.label_filter);
    EXPECT_EQ(*opts.label_filter, (xtrtpproxy::LabelFilter{"c1;", true}));
    EXPECT_FALSE(opts.params.label);
    EXPECT_FALSE(opts.rcvbuf);
    EXPECT_FALSE(opts.count);
    opts = parse({"monitor"});
    EXPECT_TRUE(opts.selector.empty());
    EXPECT_FALSE(opts.label_filter);
    EXPECT_EQ(usage_error({"monitor", "--label", ""}),
              "--label for monitor takes a label of 1..128 bytes, not an empty one");
    EXPECT_EQ(usage_error({"monitor", "--label-prefix"}), "--label-prefix needs --label");
}

TEST(Options, MonitorRcvbufAndCount) {
    EXPECT_EQ(parse({"monitor", "--rcvbuf", "4096"}).rcvbuf, 4096U);
    EXPECT_EQ(parse({"monitor", "--rcvbuf", "64k"}).rcvbuf, 64000U);
    EXPECT_EQ(parse({"monitor", "--rcvbuf", "64M"}).rcvbuf, 64000000U);
    EXPECT_EQ(parse({"monitor", "--rcvbuf", "1073741823"}).rcvbuf, 1073741823U);
    EXPECT_EQ(usage_error({"monitor", "--rcvbuf", "1074M"}),
              "size 1074M for --rcvbuf is out of range (1..1073741823)");
    EXPECT_EQ(usage_error({"monitor", "--rcvbuf", "0"}),
              "size 0 for --rcvbuf is out of range (1..1073741823)");
    for (const char* bad : {"", "M", "4G", "1.5M", "-1", "64m", "4kM"})
        EXPECT_EQ(usage_error({"monitor", "--rcvbuf", bad}),
                  std::string("invalid size '") + bad + "' for --rcvbuf")
            << bad;
    EXPECT_EQ(parse({"monitor", "--count", "1"}).count, 1U);
    EXPECT_EQ(parse({"monitor", "--count", "18446744073709551615"}).count, 18446744073709551615ULL);
    EXPECT_EQ(usage_error({"monitor", "--count", "0"}),
              "count 0 for --count is out of range (1..18446744073709551615)");
    EXPECT_EQ(usage_error({"monitor", "--count", "1k"}), "invalid count '1k' for --count");
    // A rate's k, not monitor's M.
    EXPECT_EQ(usage_error({"update", "--rtp-rate-a", "1M"}), "invalid rate '1M' for --rtp-rate-a");
}

TEST(Options, MonitorOptionsAreMonitorsAndMonitorTakesNoOthers) {
    for (const char* command : {"info", "list", "alloc", "update", "delete"}) {
        EXPECT_EQ(usage_error({command, "--rcvbuf", "4096"}),
                  "option '--rcvbuf' is not accepted by '" + std::string(command) + "'");
        EXPECT_EQ(usage_error({command, "--count", "1"}),
                  "option '--count' is not accepted by '" + std::string(command) + "'");
    }
    for (const std::vector<std::string>& args : {std::vector<std::string>{"--sess-id-lo", "1"},
                                                 {"--reset-global-stat"},
                                                 {"--audit"},
                                                 {"--no-session"},
                                                 {"--rtp-learning-timeout-a", "10"},
                                                 {"--dscp", "46"}}) {
        std::vector<std::string> line{"monitor"};
        line.insert(line.end(), args.begin(), args.end());
        EXPECT_EQ(usage_error(line), "option '" + args[0] + "' is not accepted by 'monitor'");
    }
    const std::string help = help_text("monitor");
    for (const char* option : {"--addr-a", "--label", "--label-prefix", "--rcvbuf", "--count"})
        EXPECT_NE(help.find(option), std::string::npos) << option;
    EXPECT_EQ(help.find("--sess-id-lo"), std::string::npos);
    EXPECT_EQ(help_text("list").find("--rcvbuf"), std::string::npos);
}

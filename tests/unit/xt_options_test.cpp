// SPDX-License-Identifier: GPL-2.0
// Unit tests of the RTPPROXY iptables target's option parsing, defaults, validation and save text.
#include <gtest/gtest.h>

#include <arpa/inet.h>

#include <cstddef>
#include <cstring>
#include <sstream>
#include <string>

#include "rtpproxy_opts.h"

namespace {

constexpr uint8_t kIpv4 = NFPROTO_IPV4;
constexpr uint8_t kIpv6 = NFPROTO_IPV6;

// What iptables would hand to the kernel for one rule, or why it refuses the rule.
struct Rule {
    xt_rtpproxy_tginfo info{};
    std::string error;  // empty when the rule is accepted
};

// Parses "--addr-a 10.0.0.1 --port-a 50000 ..." the way the extension does: each option through
// rtpproxy_opt_parse(), then rtpproxy_opts_finish() with the set of options given.
Rule Parse(uint8_t family, const std::string& args) {
    Rule rule;
    rtpproxy_err err{};
    unsigned int given = 0;
    std::istringstream words(args);
    std::string name;
    std::string value;
    while (words >> name) {
        int opt = 0;
        while (opt < RTPPROXY_OPT_COUNT && name != std::string("--") + rtpproxy_opt_names[opt]) {
            ++opt;
        }
        if (opt == RTPPROXY_OPT_COUNT) {
            ADD_FAILURE() << "test bug: unknown option " << name;
            rule.error = "unknown option";
            return rule;
        }
        words >> value;
        if (const char* msg = rtpproxy_opt_parse(&rule.info, family, static_cast<rtpproxy_opt>(opt),
                                                 value.c_str(), &err)) {
            rule.error = msg;
            return rule;
        }
        given |= RTPPROXY_OPT_BIT(opt);
    }
    if (const char* msg = rtpproxy_opts_finish(&rule.info, family, given, &err)) {
        rule.error = msg;
    }
    return rule;
}

std::string Save(const xt_rtpproxy_tginfo& info, uint8_t family) {
    char buf[RTPPROXY_OPTS_STR_SIZE];
    int len = rtpproxy_opts_save(&info, family, buf, sizeof(buf));
    EXPECT_GT(len, 0);
    EXPECT_LT(len, static_cast<int>(sizeof(buf)));
    return buf;
}

std::string Print(const xt_rtpproxy_tginfo& info, uint8_t family) {
    char buf[RTPPROXY_OPTS_STR_SIZE];
    int len = rtpproxy_opts_print(&info, family, buf, sizeof(buf));
    EXPECT_GT(len, 0);
    EXPECT_LT(len, static_cast<int>(sizeof(buf)));
    return buf;
}

std::string Validate(const xt_rtpproxy_tginfo& info, uint8_t family) {
    rtpproxy_err err{};
    const char* msg = rtpproxy_opts_validate(&info, family, &err);
    return msg ? msg : "";
}

std::string Ipv4(const union nf_inet_addr& addr) {
    char buf[INET_ADDRSTRLEN];
    return inet_ntop(AF_INET, &addr.in, buf, sizeof(buf));
}

std::string Ipv6(const union nf_inet_addr& addr) {
    char buf[INET6_ADDRSTRLEN];
    return inet_ntop(AF_INET6, &addr.in6, buf, sizeof(buf));
}

// A rule that passes every check, for tests that break one field of it.
xt_rtpproxy_tginfo GoodInfo() {
    Rule rule = Parse(kIpv4, "--addr-a 10.0.0.1 --port-a 50000 --max-sess 100");
    EXPECT_EQ(rule.error, "");
    return rule.info;
}

TEST(XtOptionsDefaults, GateBFollowsGateAOnTheSameAddress) {
    Rule rule = Parse(kIpv4, "--addr-a 10.0.0.1 --port-a 50000 --max-sess 100");
    ASSERT_EQ(rule.error, "");
    EXPECT_EQ(Ipv4(rule.info.addr_a), "10.0.0.1");
    EXPECT_EQ(Ipv4(rule.info.addr_b), "10.0.0.1");
    EXPECT_EQ(rule.info.port_a, 50000);
    EXPECT_EQ(rule.info.port_b, 50200);
    EXPECT_EQ(rule.info.max_sess, 100u);
    EXPECT_EQ(rule.info.expires_timeout, unsigned{XT_RTPPROXY_DEF_EXPIRES});
    EXPECT_EQ(rule.info.resurrection_timeout, unsigned{XT_RTPPROXY_DEF_RESURRECTION});
    EXPECT_EQ(rule.info.expires_timeout, 60u);
    EXPECT_EQ(rule.info.resurrection_timeout, 30u);
    EXPECT_EQ(rule.info.flags, 0u);
    EXPECT_EQ(rule.info.dscp, 0u);
    EXPECT_EQ(rule.info.max_ttl, 0u);
    EXPECT_EQ(rule.info.dup_below, 0u);
}

TEST(XtOptionsDefaults, RelayDefaults) {
    Rule rule = Parse(kIpv4,
                      "--addr-a 10.0.0.1 --port-a 50000 --max-sess 100 --dscp 46 --max-ttl 8 "
                      "--dup-small 128");
    ASSERT_EQ(rule.error, "");
    EXPECT_EQ(rule.info.flags, unsigned{XT_RTPPROXY_F_DSCP});
    EXPECT_EQ(rule.info.dscp, 46u);
    EXPECT_EQ(rule.info.max_ttl, 8u);
    EXPECT_EQ(rule.info.dup_below, 128u);
    // DSCP 0 is a DSCP: the flag says it is set.
    rule = Parse(kIpv6, "--addr-a fd00::1 --port-a 50000 --max-sess 10 --dscp 0");
    ASSERT_EQ(rule.error, "");
    EXPECT_EQ(rule.info.flags, unsigned{XT_RTPPROXY_F_DSCP});
    EXPECT_EQ(rule.info.dscp, 0u);
    EXPECT_EQ(Parse(kIpv4, "--addr-a 10.0.0.1 --port-a 50000 --max-sess 1 --dscp 64").error,
              "--dscp 64 is out of range 0..63");
    EXPECT_EQ(Parse(kIpv4, "--addr-a 10.0.0.1 --port-a 50000 --max-sess 1 --max-ttl 256").error,
              "--max-ttl 256 is out of range 0..255");
    EXPECT_EQ(Parse(kIpv4, "--addr-a 10.0.0.1 --port-a 50000 --max-sess 1 --dup-small 0x80").error,
              "--dup-small \"0x80\" is not a decimal number");
}

TEST(XtOptionsDefaults, GateBUsesGateAPortOnAnotherAddress) {
    Rule rule = Parse(kIpv4, "--addr-a 10.0.0.1 --addr-b 10.0.0.2 --port-a 50000 --max-sess 100");
    ASSERT_EQ(rule.error, "");
    EXPECT_EQ(Ipv4(rule.info.addr_b), "10.0.0.2");
    EXPECT_EQ(rule.info.port_b, 50000);
}

TEST(XtOptionsDefaults, ExplicitAddrBEqualToAddrAStillPlacesGateBAfterGateA) {
    Rule rule = Parse(kIpv4, "--addr-a 10.0.0.1 --addr-b 10.0.0.1 --port-a 1000 --max-sess 3");
    ASSERT_EQ(rule.error, "");
    EXPECT_EQ(rule.info.port_b, 1006);
}

TEST(XtOptionsDefaults, ExplicitValuesAreKept) {
    Rule rule = Parse(kIpv4,
                      "--addr-a 10.0.0.1 --port-a 50000 --port-b 40000 --max-sess 100 "
                      "--expires-timeout 5 --resurrection-timeout 0");
    ASSERT_EQ(rule.error, "");
    EXPECT_EQ(rule.info.port_b, 40000);
    EXPECT_EQ(rule.info.expires_timeout, 5u);
    EXPECT_EQ(rule.info.resurrection_timeout, 0u);
}

TEST(XtOptionsDefaults, OptionOrderDoesNotMatter) {
    Rule rule = Parse(kIpv4, "--max-sess 100 --port-a 50000 --addr-a 10.0.0.1");
    ASSERT_EQ(rule.error, "");
    EXPECT_EQ(rule.info.port_b, 50200);
}

TEST(XtOptionsDefaults, Ipv6) {
    Rule rule = Parse(kIpv6, "--addr-a 2001:db8::1 --port-a 40000 --max-sess 10");
    ASSERT_EQ(rule.error, "");
    EXPECT_EQ(Ipv6(rule.info.addr_a), "2001:db8::1");
    EXPECT_EQ(Ipv6(rule.info.addr_b), "2001:db8::1");
    EXPECT_EQ(rule.info.port_b, 40020);

    rule = Parse(kIpv6, "--addr-a 2001:db8::1 --addr-b 2001:db8::2 --port-a 40000 --max-sess 10");
    ASSERT_EQ(rule.error, "");
    EXPECT_EQ(rule.info.port_b, 40000);
}

TEST(XtOptionsRequired, AddrAPortAAndMaxSess) {
    EXPECT_EQ(Parse(kIpv4, "").error, "--addr-a is required");
    EXPECT_EQ(Parse(kIpv4, "--port-a 50000 --max-sess 1").error, "--addr-a is required");
    EXPECT_EQ(Parse(kIpv4, "--addr-a 10.0.0.1 --max-sess 1").error, "--port-a is required");
    EXPECT_EQ(Parse(kIpv4, "--addr-a 10.0.0.1 --port-a 50000").error, "--max-sess is required");
    EXPECT_EQ(Parse(kIpv4, "--addr-b 10.0.0.2 --port-b 2 --expires-timeout 9").error,
              "--addr-a is required");
}

TEST(XtOptionsAddress, FamilyMustMatchTheTable) {
    EXPECT_EQ(Parse(kIpv4, "--addr-a 2001:db8::1").error,
              "--addr-a 2001:db8::1 is an IPv6 address: use ip6tables");
    // Both gates of the other family; one of each would be a bridge.
    EXPECT_EQ(Parse(kIpv4, "--addr-a 2001:db8::1 --addr-b ::1 --port-a 2 --max-sess 1").error,
              "--addr-a 2001:db8::1 is an IPv6 address: use ip6tables");
    EXPECT_EQ(Parse(kIpv6, "--addr-a 10.0.0.1").error,
              "--addr-a 10.0.0.1 is an IPv4 address: use iptables");
    EXPECT_EQ(Parse(kIpv6, "--addr-a 192.0.2.2 --addr-b 192.0.2.1 --port-a 2 --max-sess 1").error,
              "--addr-a 192.0.2.2 is an IPv4 address: use iptables");
}

TEST(XtOptionsAddress, OneGateOfEachFamilyIsABridgeInEitherTable) {
    for (const uint8_t table : {kIpv4, kIpv6}) {
        const Rule r =
            Parse(table, "--addr-a 192.0.2.1 --addr-b 2001:db8::1 --port-a 2 --max-sess 1");
        EXPECT_EQ(r.error, "");
        EXPECT_EQ(r.info.flags, XT_RTPPROXY_F_A4_B6);
        const Rule back =
            Parse(table, "--addr-b 192.0.2.1 --addr-a 2001:db8::1 --port-a 2 --max-sess 1");
        EXPECT_EQ(back.info.flags, XT_RTPPROXY_F_A6_B4);
    }
}

TEST(XtOptionsAddress, OnlyNumericAddresses) {
    EXPECT_EQ(Parse(kIpv4, "--addr-a localhost").error,
              "--addr-a \"localhost\" is not a numeric IPv4 address");
    EXPECT_EQ(Parse(kIpv4, "--addr-a 10.0.0.256").error,
              "--addr-a \"10.0.0.256\" is not a numeric IPv4 address");
    EXPECT_EQ(Parse(kIpv4, "--addr-a 10.0.0.1/24").error,
              "--addr-a \"10.0.0.1/24\" is not a numeric IPv4 address");
    EXPECT_EQ(Parse(kIpv6, "--addr-a ip6-localhost").error,
              "--addr-a \"ip6-localhost\" is not a numeric IPv6 address");
    EXPECT_EQ(Parse(kIpv6, "--addr-a 2001:db8::1::2").error,
              "--addr-a \"2001:db8::1::2\" is not a numeric IPv6 address");
}

TEST(XtOptionsAddress, GatesNeedUnicastAddresses) {
    EXPECT_EQ(Parse(kIpv4, "--addr-a 0.0.0.0").error,
              "--addr-a 0.0.0.0: a gate needs a unicast address");
    EXPECT_EQ(Parse(kIpv4, "--addr-a 0.1.2.3").error,
              "--addr-a 0.1.2.3: a gate needs a unicast address");
    EXPECT_EQ(Parse(kIpv4, "--addr-a 255.255.255.255").error,
              "--addr-a 255.255.255.255: a gate needs a unicast address");
    EXPECT_EQ(Parse(kIpv4, "--addr-a 10.0.0.1 --addr-b 224.0.0.1").error,
              "--addr-b 224.0.0.1: a gate needs a unicast address");
    EXPECT_EQ(Parse(kIpv4, "--addr-a 239.255.255.255").error,
              "--addr-a 239.255.255.255: a gate needs a unicast address");
    EXPECT_EQ(
        Parse(kIpv4, "--addr-a 1.0.0.0 --addr-b 223.255.255.254 --port-a 2 --max-sess 1").error,
        "");
    EXPECT_EQ(Parse(kIpv6, "--addr-a ::").error, "--addr-a ::: a gate needs a unicast address");
    EXPECT_EQ(Parse(kIpv6, "--addr-a ff02::1").error,
              "--addr-a ff02::1: a gate needs a unicast address");
}

TEST(XtOptionsNumbers, OnlyPlainDecimal) {
    const std::string gate = "--addr-a 10.0.0.1 --max-sess 1 ";
    EXPECT_EQ(Parse(kIpv4, gate + "--port-a abc").error,
              "--port-a \"abc\" is not a decimal number");
    EXPECT_EQ(Parse(kIpv4, gate + "--port-a -2").error, "--port-a \"-2\" is not a decimal number");
    EXPECT_EQ(Parse(kIpv4, gate + "--port-a +2").error, "--port-a \"+2\" is not a decimal number");
    EXPECT_EQ(Parse(kIpv4, gate + "--port-a 0x10").error,
              "--port-a \"0x10\" is not a decimal number");
    EXPECT_EQ(Parse(kIpv4, gate + "--port-a 2k").error, "--port-a \"2k\" is not a decimal number");

    Rule rule;
    rtpproxy_err err{};
    const char* msg = rtpproxy_opt_parse(&rule.info, kIpv4, RTPPROXY_OPT_PORT_A, "", &err);
    EXPECT_STREQ(msg, "--port-a \"\" is not a decimal number");
    msg = rtpproxy_opt_parse(&rule.info, kIpv4, RTPPROXY_OPT_PORT_A, " 2", &err);
    EXPECT_STREQ(msg, "--port-a \" 2\" is not a decimal number");
    msg = rtpproxy_opt_parse(&rule.info, kIpv4, RTPPROXY_OPT_MAX_SESS, nullptr, &err);
    EXPECT_STREQ(msg, "--max-sess needs an argument");
}

TEST(XtOptionsNumbers, Ranges) {
    const std::string gate = "--addr-a 10.0.0.1 --port-a 50000 ";
    EXPECT_EQ(Parse(kIpv4, gate + "--max-sess 0").error, "--max-sess 0 is out of range 1..32767");
    EXPECT_EQ(Parse(kIpv4, gate + "--max-sess 32768").error,
              "--max-sess 32768 is out of range 1..32767");
    EXPECT_EQ(Parse(kIpv4, gate + "--max-sess 99999999999999999999999").error,
              "--max-sess 99999999999999999999999 is out of range 1..32767");
    EXPECT_EQ(Parse(kIpv4, gate + "--max-sess 1 --expires-timeout 0").error,
              "--expires-timeout 0 is out of range 1..86400");
    EXPECT_EQ(Parse(kIpv4, gate + "--max-sess 1 --expires-timeout 86401").error,
              "--expires-timeout 86401 is out of range 1..86400");
    EXPECT_EQ(Parse(kIpv4, gate + "--max-sess 1 --resurrection-timeout 86401").error,
              "--resurrection-timeout 86401 is out of range 0..86400");
    EXPECT_EQ(
        Parse(kIpv4, gate + "--max-sess 1 --expires-timeout 1 --resurrection-timeout 0").error, "");
    EXPECT_EQ(Parse(kIpv4, gate + "--max-sess 1 --expires-timeout 86400 "
                                  "--resurrection-timeout 86400")
                  .error,
              "");
}

TEST(XtOptionsPorts, NonZeroAndEven) {
    const std::string gate = "--addr-a 10.0.0.1 --max-sess 10 ";
    EXPECT_EQ(Parse(kIpv4, gate + "--port-a 0").error, "--port-a 0 is out of range 1..65535");
    EXPECT_EQ(Parse(kIpv4, gate + "--port-a 65536").error,
              "--port-a 65536 is out of range 1..65535");
    EXPECT_EQ(Parse(kIpv4, gate + "--port-a 50000 --port-b 0").error,
              "--port-b 0 is out of range 1..65535");
    EXPECT_EQ(Parse(kIpv4, gate + "--port-a 50001").error,
              "--port-a 50001 is odd: a gate starts at an even (RTP) port");
    EXPECT_EQ(Parse(kIpv4, gate + "--port-a 50000 --port-b 40001").error,
              "--port-b 40001 is odd: a gate starts at an even (RTP) port");

    xt_rtpproxy_tginfo info = GoodInfo();
    info.port_a = 0;
    EXPECT_EQ(Validate(info, kIpv4), "--port-a must not be 0");
    info = GoodInfo();
    info.port_b = 0;
    EXPECT_EQ(Validate(info, kIpv4), "--port-b must not be 0");
}

TEST(XtOptionsPorts, GatesMustEndBy65535) {
    // The last port of a gate is port + 2 * max-sess - 1.
    EXPECT_EQ(Parse(kIpv4, "--addr-a 10.0.0.1 --addr-b 10.0.0.2 --port-a 65534 --max-sess 1").error,
              "");
    EXPECT_EQ(Parse(kIpv4, "--addr-a 10.0.0.1 --addr-b 10.0.0.2 --port-a 65534 --max-sess 2").error,
              "gate A needs ports 65534-65537 for --max-sess 2, beyond 65535: lower --port-a or "
              "--max-sess");
    EXPECT_EQ(Parse(kIpv4, "--addr-a 10.0.0.1 --addr-b 10.0.0.2 --port-a 2 --max-sess 32767").error,
              "");
    EXPECT_EQ(Parse(kIpv4, "--addr-a 10.0.0.1 --addr-b 10.0.0.2 --port-a 4 --max-sess 32767").error,
              "gate A needs ports 4-65537 for --max-sess 32767, beyond 65535: lower --port-a or "
              "--max-sess");
    EXPECT_EQ(Parse(kIpv4, "--addr-a 10.0.0.1 --port-a 50000 --port-b 65500 --max-sess 18").error,
              "")
        << "gate B ends at 65535 itself";
    EXPECT_EQ(Parse(kIpv4, "--addr-a 10.0.0.1 --port-a 50000 --port-b 65500 --max-sess 19").error,
              "gate B needs ports 65500-65537 for --max-sess 19, beyond 65535: lower --port-b or "
              "--max-sess");
}

TEST(XtOptionsPorts, DefaultGateBNeedsRoomAfterGateA) {
    EXPECT_EQ(Parse(kIpv4, "--addr-a 10.0.0.1 --port-a 65534 --max-sess 1").error,
              "no room for gate B after gate A (ports 65534-65535): give --addr-b or --port-b");
    EXPECT_EQ(Parse(kIpv4, "--addr-a 10.0.0.1 --port-a 2 --max-sess 32767").error,
              "no room for gate B after gate A (ports 2-65535): give --addr-b or --port-b");
    Rule rule = Parse(kIpv4, "--addr-a 10.0.0.1 --port-a 65532 --max-sess 1");
    EXPECT_EQ(rule.error, "");
    EXPECT_EQ(rule.info.port_b, 65534);
    // Gate A's own problems are reported as such, not as a lack of room for gate B.
    EXPECT_EQ(Parse(kIpv4, "--addr-a 10.0.0.1 --port-a 65001 --max-sess 1").error,
              "--port-a 65001 is odd: a gate starts at an even (RTP) port");
}

TEST(XtOptionsPorts, GatesOnOneAddressMustNotOverlap) {
    const std::string gate = "--addr-a 10.0.0.1 --port-a 50000 --max-sess 10 ";
    EXPECT_EQ(Parse(kIpv4, gate + "--port-b 50000").error,
              "gate A (ports 50000-50019) and gate B (ports 50000-50019) overlap on 10.0.0.1: use "
              "--addr-b or move --port-b");
    EXPECT_EQ(Parse(kIpv4, gate + "--port-b 50018").error,
              "gate A (ports 50000-50019) and gate B (ports 50018-50037) overlap on 10.0.0.1: use "
              "--addr-b or move --port-b");
    EXPECT_EQ(Parse(kIpv4, gate + "--port-b 49982").error,
              "gate A (ports 50000-50019) and gate B (ports 49982-50001) overlap on 10.0.0.1: use "
              "--addr-b or move --port-b");
    EXPECT_EQ(Parse(kIpv4, gate + "--port-b 50020").error, "") << "adjacent above";
    EXPECT_EQ(Parse(kIpv4, gate + "--port-b 49980").error, "") << "adjacent below";
    EXPECT_EQ(Parse(kIpv4, gate + "--addr-b 10.0.0.2 --port-b 50000").error, "") << "other address";
    EXPECT_EQ(
        Parse(kIpv6, "--addr-a 2001:db8:0::1 --port-a 50000 --max-sess 10 --port-b 50010").error,
        "gate A (ports 50000-50019) and gate B (ports 50010-50029) overlap on 2001:db8::1: "
        "use --addr-b or move --port-b");
}

TEST(XtOptionsValidate, AcceptsWhatFinishProduces) { EXPECT_EQ(Validate(GoodInfo(), kIpv4), ""); }

TEST(XtOptionsValidate, RefusesWhatTheKernelWould) {
    xt_rtpproxy_tginfo info = GoodInfo();
    info.max_sess = 0;
    EXPECT_EQ(Validate(info, kIpv4), "--max-sess 0 is out of range 1..32767");
    info.max_sess = 0x80000000u;  // 2 * max_sess must not wrap around to a small gate
    EXPECT_EQ(Validate(info, kIpv4), "--max-sess 2147483648 is out of range 1..32767");

    info = GoodInfo();
    info.expires_timeout = 0;
    EXPECT_EQ(Validate(info, kIpv4), "--expires-timeout 0 is out of range 1..86400");
    info = GoodInfo();
    info.resurrection_timeout = XT_RTPPROXY_MAX_TIMEOUT + 1;
    EXPECT_EQ(Validate(info, kIpv4), "--resurrection-timeout 86401 is out of range 0..86400");

    info = GoodInfo();
    info.flags = 8;
    EXPECT_EQ(Validate(info, kIpv4), "unknown flags 0x8");
    info = GoodInfo();
    info.dscp = 1;  // without XT_RTPPROXY_F_DSCP it is padding
    EXPECT_EQ(Validate(info, kIpv4), "--dscp 1 is out of range 0..63");
    info.flags = XT_RTPPROXY_F_DSCP;
    EXPECT_EQ(Validate(info, kIpv4), "");
    info.dscp = 64;
    EXPECT_EQ(Validate(info, kIpv4), "--dscp 64 is out of range 0..63");

    info = GoodInfo();
    std::memset(&info.addr_b, 0, sizeof(info.addr_b));
    EXPECT_EQ(Validate(info, kIpv4), "--addr-b 0.0.0.0: a gate needs a unicast address");
    info = GoodInfo();
    std::memset(&info.addr_a, 0, sizeof(info.addr_a));
    EXPECT_EQ(Validate(info, kIpv6), "--addr-a ::: a gate needs a unicast address");
}

TEST(XtOptionsValidate, FinishOverwritesFlagsAndPadding) {
    Rule rule;
    rtpproxy_err err{};
    rule.info = GoodInfo();
    rule.info.flags = 7;
    rule.info.dscp = 7;
    rule.info.max_ttl = 7;
    rule.info.dup_below = 7;
    unsigned int given = RTPPROXY_OPTS_REQUIRED;
    EXPECT_EQ(rtpproxy_opts_finish(&rule.info, kIpv4, given, &err), nullptr);
    EXPECT_EQ(rule.info.flags, 0u);
    EXPECT_EQ(rule.info.dscp, 0u);
    EXPECT_EQ(rule.info.max_ttl, 0u);
    EXPECT_EQ(rule.info.dup_below, 0u);
}

TEST(XtOptionsValidate, UnknownFamilyAndOption) {
    Rule rule;
    rtpproxy_err err{};
    EXPECT_STREQ(rtpproxy_opt_parse(&rule.info, NFPROTO_ARP, RTPPROXY_OPT_ADDR_A, "1.2.3.4", &err),
                 "unsupported family 3");
    EXPECT_STREQ(rtpproxy_opts_finish(&rule.info, NFPROTO_BRIDGE, RTPPROXY_OPTS_REQUIRED, &err),
                 "unsupported family 7");
    EXPECT_EQ(Validate(GoodInfo(), NFPROTO_UNSPEC), "unsupported family 0");
    EXPECT_EQ(std::string(rtpproxy_opt_parse(&rule.info, kIpv4, RTPPROXY_OPT_COUNT, "1", &err)),
              "unknown option " + std::to_string(RTPPROXY_OPT_COUNT));
}

TEST(XtOptionsFormat, SaveAndPrintIpv4) {
    Rule rule = Parse(kIpv4, "--addr-a 10.0.0.1 --port-a 50000 --max-sess 100");
    ASSERT_EQ(rule.error, "");
    EXPECT_EQ(Save(rule.info, kIpv4),
              "--addr-a 10.0.0.1 --port-a 50000 --addr-b 10.0.0.1 --port-b 50200 --max-sess 100 "
              "--expires-timeout 60 --resurrection-timeout 30");
    EXPECT_EQ(Print(rule.info, kIpv4),
              "RTPPROXY addr-a 10.0.0.1 port-a 50000 addr-b 10.0.0.1 port-b 50200 max-sess 100 "
              "expires-timeout 60 resurrection-timeout 30");
}

TEST(XtOptionsFormat, SaveAndPrintIpv6Compressed) {
    Rule rule =
        Parse(kIpv6,
              "--addr-a 2001:0DB8:0000:0000:0000:0000:0000:0001 --addr-b fd00:0:0:1:0:0:0:2 "
              "--port-a 40000 --max-sess 10 --resurrection-timeout 0");
    ASSERT_EQ(rule.error, "");
    EXPECT_EQ(Save(rule.info, kIpv6),
              "--addr-a 2001:db8::1 --port-a 40000 --addr-b fd00:0:0:1::2 --port-b 40000 "
              "--max-sess 10 --expires-timeout 60 --resurrection-timeout 0");
    EXPECT_EQ(Print(rule.info, kIpv6),
              "RTPPROXY addr-a 2001:db8::1 port-a 40000 addr-b fd00:0:0:1::2 port-b 40000 "
              "max-sess 10 expires-timeout 60 resurrection-timeout 0");
}

TEST(XtOptionsFormat, SaveParsesBackToTheSameRule) {
    const struct {
        uint8_t family;
        const char* args;
    } rules[] = {
        {kIpv4, "--addr-a 10.0.0.1 --port-a 50000 --max-sess 100"},
        {kIpv4, "--addr-a 10.0.0.1 --addr-b 10.0.0.2 --port-a 2 --max-sess 32767"},
        {kIpv4,
         "--addr-a 192.0.2.1 --port-a 1000 --port-b 900 --max-sess 50 --expires-timeout 1 "
         "--resurrection-timeout 86400"},
        {kIpv6, "--addr-a ::1 --port-a 65532 --max-sess 1"},
        {kIpv6, "--addr-a ::ffff:10.0.0.1 --addr-b fe80::1 --port-a 10000 --max-sess 7"},
    };
    for (const auto& r : rules) {
        Rule first = Parse(r.family, r.args);
        ASSERT_EQ(first.error, "") << r.args;
        std::string saved = Save(first.info, r.family);
        Rule again = Parse(r.family, saved);
        ASSERT_EQ(again.error, "") << saved;
        EXPECT_EQ(std::memcmp(&first.info, &again.info, offsetof(xt_rtpproxy_tginfo, sb)), 0)
            << saved;
        EXPECT_EQ(Save(again.info, r.family), saved);
    }
}

TEST(XtOptionsFormat, BufferSizeFitsTheLongestRule) {
    Rule rule =
        Parse(kIpv6,
              "--addr-a 1111:2222:3333:4444:5555:6666:7777:8888 "
              "--addr-b 8888:7777:6666:5555:4444:3333:2222:1111 --port-a 10000 --port-b "
              "10000 --max-sess 10000 --expires-timeout 86400 --resurrection-timeout 86400");
    ASSERT_EQ(rule.error, "");
    char buf[RTPPROXY_OPTS_STR_SIZE];
    EXPECT_LT(rtpproxy_opts_save(&rule.info, kIpv6, buf, sizeof(buf)), RTPPROXY_OPTS_STR_SIZE);
    EXPECT_LT(rtpproxy_opts_print(&rule.info, kIpv6, buf, sizeof(buf)), RTPPROXY_OPTS_STR_SIZE);
}

TEST(XtOptionsFormat, ShortBufferIsCutAndTheFullLengthReported) {
    char buf[10];
    xt_rtpproxy_tginfo info = GoodInfo();
    std::string full = Save(info, kIpv4);
    EXPECT_EQ(rtpproxy_opts_save(&info, kIpv4, buf, sizeof(buf)), static_cast<int>(full.size()));
    EXPECT_STREQ(buf, full.substr(0, sizeof(buf) - 1).c_str());
}

TEST(XtOptionsNames, MatchTheCommandLine) {
    const char* expected[] = {"addr-a",
                              "port-a",
                              "addr-b",
                              "port-b",
                              "max-sess",
                              "expires-timeout",
                              "resurrection-timeout",
                              "dscp",
                              "max-ttl",
                              "dup-small"};
    ASSERT_EQ(sizeof(expected) / sizeof(expected[0]), size_t{RTPPROXY_OPT_COUNT});
    for (int i = 0; i < RTPPROXY_OPT_COUNT; ++i) {
        EXPECT_STREQ(rtpproxy_opt_names[i], expected[i]);
    }
    static_assert(RTPPROXY_OPT_COUNT < 32, "option ids are bits of libxtables' xflags");
}

}  // namespace

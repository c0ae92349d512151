// SPDX-License-Identifier: GPL-2.0
// iptrtpproxyd's command line and configuration file: rtpproxy's forms, defaults, precedence
// and every refusal naming its option.
#include "options.hpp"

#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <initializer_list>
#include <string>
#include <string_view>
#include <vector>

using namespace rtpproxyd;
using xtrtpproxy::Address;
using Kind = SocketAddress::Kind;

namespace {

Options parse(const std::vector<std::string>& args) {
    std::vector<const char*> argv{"iptrtpproxyd"};
    for (const auto& arg : args) argv.push_back(arg.c_str());
    return parse_options(static_cast<int>(argv.size()), argv.data());
}

std::string joined(const std::vector<std::string>& args) {
    std::string text;
    for (const auto& arg : args) text += " " + arg;
    return text;
}

// The message args are refused with, which must contain every one of parts.
std::string refusal(const std::vector<std::string>& args,
                    std::initializer_list<std::string_view> parts) {
    try {
        parse(args);
    } catch (const UsageError& e) {
        const std::string message = e.what();
        for (const auto part : parts)
            EXPECT_NE(message.find(part), std::string::npos)
                << "'" << part << "' not in: " << message << "\n  args:" << joined(args);
        return message;
    }
    ADD_FAILURE() << "accepted:" << joined(args);
    return "";
}

// What most tests add to have an address to relay on.
const std::vector<std::string> kListen{"-l", "192.0.2.1"};

std::vector<std::string> with_listen(std::vector<std::string> args) {
    args.insert(args.begin(), kListen.begin(), kListen.end());
    return args;
}

// A configuration file in the test's temporary directory, removed at the end.
class ConfigFile {
  public:
    explicit ConfigFile(const std::string& text) {
        std::string name = testing::TempDir() + "iptrtpproxyd-XXXXXX";
        const int fd = mkstemp(name.data());
        EXPECT_GE(fd, 0);
        close(fd);
        path_ = name;
        std::ofstream(path_) << text;
    }
    ~ConfigFile() { std::remove(path_.c_str()); }
    ConfigFile(const ConfigFile&) = delete;
    ConfigFile& operator=(const ConfigFile&) = delete;

    const std::string& path() const { return path_; }

  private:
    std::string path_;
};

Address addr(const char* text) { return Address::parse(text); }

SocketAddress udp(Kind kind, const char* host, std::uint16_t port) {
    SocketAddress sock;
    sock.kind = kind;
    sock.host = host;
    sock.port = port;
    return sock;
}

SocketAddress unix_socket(const char* path) {
    SocketAddress sock;
    sock.kind = Kind::unix_stream;
    sock.path = path;
    return sock;
}

}  // namespace

TEST(DaemonOptions, Defaults) {
    const Options opts = parse(kListen);
    EXPECT_EQ(opts.ipv4.internal, addr("192.0.2.1"));
    EXPECT_FALSE(opts.ipv4.external);
    EXPECT_TRUE(opts.ipv6.empty());
    EXPECT_FALSE(opts.bridge());
    ASSERT_EQ(opts.control.size(), 1u);
    EXPECT_EQ(opts.control[0], unix_socket("/var/run/rtpproxy.sock"));
    EXPECT_TRUE(opts.ng.empty());
    EXPECT_EQ(opts.tos, 0xB8);
    EXPECT_EQ(opts.dscp(), 46);  // EF
    EXPECT_EQ(opts.max_ttl, 0);
    EXPECT_FALSE(opts.duplicate_small);
    EXPECT_EQ(opts.record_dir, "");
    EXPECT_EQ(opts.spool_dir, "");
    EXPECT_FALSE(opts.record_no_rtcp);
    EXPECT_EQ(opts.pid_file, "/var/run/rtpproxy.pid");
    EXPECT_FALSE(opts.foreground);
    EXPECT_EQ(opts.port_min, 35000);
    EXPECT_EQ(opts.port_max, 65000);
    EXPECT_EQ(opts.idle_timeout, 60u);
    EXPECT_FALSE(opts.notify);
    EXPECT_FALSE(opts.user);
    EXPECT_FALSE(opts.group);
    EXPECT_EQ(opts.log_level, LogLevel::info);
    EXPECT_EQ(opts.log_facility, "");
    EXPECT_TRUE(opts.switchboards.empty());
    EXPECT_EQ(opts.config_file, "");
    EXPECT_FALSE(opts.show_help);
    EXPECT_FALSE(opts.show_version);
}

TEST(DaemonOptions, HelpAndVersionAnywhere) {
    for (const char* arg : {"-h", "-?", "--help", "-fh", "-2?"}) {
        const Options opts = parse({arg});
        EXPECT_TRUE(opts.show_help) << arg;
        EXPECT_FALSE(opts.show_version) << arg;
    }
    for (const char* arg : {"-v", "-V", "--version", "-fv"}) {
        const Options opts = parse({arg});
        EXPECT_TRUE(opts.show_version) << arg;
        EXPECT_FALSE(opts.show_help) << arg;
    }
    // Nothing else is read: neither bad options nor a missing configuration file.
    EXPECT_TRUE(parse({"--bogus", "-t", "999", "-h"}).show_help);
    EXPECT_TRUE(parse({"-c", "/nonexistent/iptrtpproxyd.conf", "--version"}).show_version);
    EXPECT_TRUE(parse({"-h", "-v"}).show_help);
    // After "--" they are words, which iptrtpproxyd does not take.
    refusal(with_listen({"--", "-h"}), {"unexpected argument '-h'"});
    // An option's value that looks like neither.
    EXPECT_FALSE(parse(with_listen({"-p", "/run/-h"})).show_help);
}

TEST(DaemonOptions, UsageText) {
    const std::string text = usage_text();
    EXPECT_EQ(text.rfind("Usage: iptrtpproxyd", 0), 0u);
    for (const char* name : {"--listen",
                             "--listen6",
                             "--switchboard",
                             "--control-socket",
                             "--ng",
                             "--notify-socket",
                             "--tos",
                             "--max-ttl",
                             "--duplicate-small",
                             "--record-dir",
                             "--spool-dir",
                             "--no-record-rtcp",
                             "--port-min",
                             "--port-max",
                             "--idle-timeout",
                             "--pid-file",
                             "--state-dir",
                             "--foreground",
                             "--user",
                             "--log-level",
                             "--config",
                             "--version",
                             "--help",
                             "-?",
                             "-V"})
        EXPECT_NE(text.find(name), std::string::npos) << name;
}

// Each short option is its long one.
TEST(DaemonOptions, ShortAndLongSpellings) {
    struct Pair {
        std::vector<std::string> short_form, long_form;
    };
    const std::vector<Pair> pairs = {
        {{"-l", "192.0.2.1/198.51.100.1"}, {"--listen", "192.0.2.1/198.51.100.1"}},
        {{"-6", "2001:db8::1"}, {"--listen6=2001:db8::1"}},
        {{"-l", "192.0.2.1", "-s", "udp:127.0.0.1:7000"},
         {"-l", "192.0.2.1", "--control-socket", "udp:127.0.0.1:7000"}},
        {with_listen({"-t", "0x28"}), with_listen({"--tos", "0x28"})},
        {with_listen({"-T", "64"}), with_listen({"--max-ttl", "64"})},
        {with_listen({"-2"}), with_listen({"--duplicate-small"})},
        {with_listen({"-r", "/var/spool/rec"}), with_listen({"--record-dir", "/var/spool/rec"})},
        {with_listen({"-r", "/a", "-S", "/b"}), with_listen({"-r", "/a", "--spool-dir", "/b"})},
        {with_listen({"-R"}), with_listen({"--no-record-rtcp"})},
        {with_listen({"-p", "/run/x.pid"}), with_listen({"--pid-file", "/run/x.pid"})},
        {with_listen({"-f"}), with_listen({"--foreground"})},
        {with_listen({"-m", "10000"}), with_listen({"--port-min", "10000"})},
        {with_listen({"-M", "40000"}), with_listen({"--port-max", "40000"})},
        {with_listen({"-n", "unix:/run/n.sock"}),
         with_listen({"--notify-socket", "unix:/run/n.sock"})},
        {with_listen({"-u", "rtp:voip"}), with_listen({"--user", "rtp:voip"})},
        {with_listen({"-d", "WARN:LOG_LOCAL1"}), with_listen({"--log-level", "WARN:LOG_LOCAL1"})},
        // getopt's forms: the value stuck to the letter, flags in a group.
        {with_listen({"-t0x28"}), with_listen({"-t", "0x28"})},
        {with_listen({"-2fR"}), with_listen({"-2", "-f", "-R"})},
    };
    for (const auto& pair : pairs)
        EXPECT_EQ(parse(pair.short_form), parse(pair.long_form)) << joined(pair.short_form);
    const ConfigFile file("listen = 192.0.2.1\n");
    EXPECT_EQ(parse({"-c", file.path()}), parse({"--config", file.path()}));
    EXPECT_EQ(parse({"-c", file.path()}).config_file, file.path());
}

TEST(DaemonOptions, Listen) {
    Options opts = parse({"-l", "192.0.2.1/198.51.100.1"});
    EXPECT_EQ(opts.ipv4.internal, addr("192.0.2.1"));
    EXPECT_EQ(opts.ipv4.external, addr("198.51.100.1"));
    EXPECT_TRUE(opts.ipv4.bridge());
    EXPECT_TRUE(opts.bridge());

    opts = parse({"-6", "2001:db8::1"});
    EXPECT_TRUE(opts.ipv4.empty());
    EXPECT_EQ(opts.ipv6.internal, addr("2001:db8::1"));
    EXPECT_FALSE(opts.bridge());

    opts = parse({"-6", "2001:db8::1/2001:db8:1::1"});
    EXPECT_EQ(opts.ipv6.external, addr("2001:db8:1::1"));
    EXPECT_TRUE(opts.bridge());

    // IPv4 inside, IPv6 outside: the second half alone, as sippy takes it.
    opts = parse({"-l", "192.0.2.1", "-6", "/2001:db8::1"});
    EXPECT_EQ(opts.ipv4, (ListenAddresses{addr("192.0.2.1"), std::nullopt}));
    EXPECT_EQ(opts.ipv6, (ListenAddresses{std::nullopt, addr("2001:db8::1")}));
    EXPECT_FALSE(opts.ipv4.bridge());
    EXPECT_TRUE(opts.ipv6.bridge());
    EXPECT_TRUE(opts.bridge());

    // And the reverse; an empty second half is none.
    opts = parse({"-l", "/192.0.2.1", "-6", "2001:db8::1/"});
    EXPECT_EQ(opts.ipv4, (ListenAddresses{std::nullopt, addr("192.0.2.1")}));
    EXPECT_EQ(opts.ipv6, (ListenAddresses{addr("2001:db8::1"), std::nullopt}));
    EXPECT_TRUE(opts.bridge());
}

TEST(DaemonOptions, DualStackWithoutABridge) {
    const char* argv[] = {"iptrtpproxyd", "-l", "192.0.2.1", "-6", "2001:db8::1"};
    const Options opts = parse_options(5, argv);
    EXPECT_FALSE(opts.bridge());
    EXPECT_EQ(opts.ipv4.internal, xtrtpproxy::Address::parse("192.0.2.1"));
    EXPECT_EQ(opts.ipv6.internal, xtrtpproxy::Address::parse("2001:db8::1"));
}

TEST(DaemonOptions, ListenRefusals) {
    refusal({"-l", "2001:db8::1"}, {"-l/--listen", "not an IPv4 address"});
    refusal({"-6", "192.0.2.1"}, {"-6/--listen6", "not an IPv6 address"});
    refusal({"-6", "::ffff:192.0.2.1"}, {"-6/--listen6", "IPv4-mapped"});
    refusal({"-l", "rtp.example.org"}, {"-l/--listen", "invalid IP address 'rtp.example.org'"});
    refusal({"-l", "*"}, {"-l/--listen", "invalid IP address '*'"});
    refusal({"-l", "0.0.0.0"}, {"-l/--listen", "'0.0.0.0'"});
    refusal({"-6", "::"}, {"-6/--listen6", "'::'"});
    refusal({"-l", "192.0.2.1/198.51.100.1/203.0.113.1"}, {"-l/--listen", "more than two"});
    refusal({"-l", "/"}, {"-l/--listen", "no address"});
    refusal({"-l", "192.0.2.1/2001:db8::1"}, {"-l/--listen", "'2001:db8::1' is not an IPv4"});
    refusal({"--listen="}, {"--listen"});
    // sippy's bridge rules.
    refusal({"-l", "192.0.2.1/198.51.100.1", "-6", "2001:db8::1"},
            {"-l/--listen", "-6/--listen6", "internal address"});
    refusal({"-l", "192.0.2.1/198.51.100.1", "-6", "/2001:db8::1"},
            {"-l/--listen", "-6/--listen6", "external address"});
    refusal({"-l", "192.0.2.1/"}, {"without an external address", "-l/--listen"});
    refusal({"-6", "/2001:db8::1"}, {"without an internal address", "-6/--listen6"});
    refusal({"-f"}, {"no address to relay on", "-l/--listen", "--switchboard"});
}

TEST(DaemonOptions, Switchboards) {
    Options opts = parse({"--switchboard", "192.0.2.1:40000"});
    ASSERT_EQ(opts.switchboards.size(), 1u);
    EXPECT_EQ(opts.switchboards[0].addr_a, addr("192.0.2.1"));
    EXPECT_EQ(opts.switchboards[0].port_a, 40000);
    EXPECT_FALSE(opts.switchboards[0].addr_b);
    EXPECT_FALSE(opts.switchboards[0].port_b);
    EXPECT_TRUE(opts.ipv4.empty());
    EXPECT_TRUE(opts.ipv6.empty());

    opts = parse({"--switchboard", "192.0.2.1:40000,[2001:db8::1]:50000", "--switchboard",
                  "[2001:db8::2]:40000"});
    ASSERT_EQ(opts.switchboards.size(), 2u);
    EXPECT_EQ(opts.switchboards[0].addr_b, addr("2001:db8::1"));
    EXPECT_EQ(opts.switchboards[0].port_b, 50000);
    EXPECT_EQ(opts.switchboards[1].addr_a, addr("2001:db8::2"));
    EXPECT_EQ(opts.switchboards[1].port_a, 40000);
}

TEST(DaemonOptions, SwitchboardRefusals) {
    refusal({"--switchboard", "[2001:db8::2]:0"}, {"--switchboard", "port 0 out of range"});
    refusal({"--switchboard", "192.0.2.1:40001"}, {"--switchboard", "gate port 40001 is odd"});
    refusal({"--switchboard", "192.0.2.1"}, {"--switchboard", "no port"});
    refusal({"--switchboard", "2001:db8::1:40000"}, {"--switchboard", "brackets"});
    refusal({"--switchboard", "[2001:db8::1]40000"}, {"--switchboard", "]:port"});
    refusal({"--switchboard", "[192.0.2.1]:40000"}, {"--switchboard", "invalid IPv6 address"});
    refusal({"--switchboard", "gw.example:40000"}, {"--switchboard", "invalid IP address"});
    refusal({"--switchboard", "192.0.2.1:40000,192.0.2.2:40000,192.0.2.3:40000"},
            {"--switchboard", "more than two gates"});
    refusal({"--switchboard", "192.0.2.1:40000,192.0.2.2"}, {"--switchboard", "no port"});
    refusal({"--switchboard", "192.0.2.1:40000", "--switchboard", "192.0.2.1:40000"},
            {"--switchboard", "given twice"});
    for (const char* option : {"-l", "-6", "-m", "-M"}) {
        const char* value = option[1] == '6'   ? "2001:db8::1"
                            : option[1] == 'l' ? "192.0.2.9"
                                               : "40000";
        refusal({"--switchboard", "192.0.2.1:40000", option, value},
                {"--switchboard", std::string(option) + "/--", "exclude each other"});
    }
}

TEST(DaemonOptions, ControlSockets) {
    const std::vector<std::pair<std::string, SocketAddress>> forms = {
        {"udp:127.0.0.1:7722", udp(Kind::udp, "127.0.0.1", 7722)},
        {"udp:127.0.0.1", udp(Kind::udp, "127.0.0.1", 22222)},
        {"udp:127.0.0.1:", udp(Kind::udp, "127.0.0.1", 22222)},
        {"udp:*", udp(Kind::udp, "*", 22222)},
        {"udp:*:7000", udp(Kind::udp, "*", 7000)},
        // sippy's udp6: the port after the last ':', so the man page's ::1 port 9000.
        {"udp6:::1:9000", udp(Kind::udp6, "::1", 9000)},
        {"udp6:::1:22222", udp(Kind::udp6, "::1", 22222)},
        {"udp6:2001:0db8:0::1:", udp(Kind::udp6, "2001:db8::1", 22222)},
        {"udp6:[::1]", udp(Kind::udp6, "::1", 22222)},
        {"udp6:[::1]:9000", udp(Kind::udp6, "::1", 9000)},
        {"udp6:*", udp(Kind::udp6, "*", 22222)},
        {"udp6:*:9000", udp(Kind::udp6, "*", 9000)},
        {"unix:/run/rtpproxy/control.sock", unix_socket("/run/rtpproxy/control.sock")},
        // sippy's default type.
        {"/run/rtpproxy.sock", unix_socket("/run/rtpproxy.sock")},
    };
    for (const auto& [text, expected] : forms) {
        const Options opts = parse(with_listen({"-s", text}));
        ASSERT_EQ(opts.control.size(), 1u) << text;
        EXPECT_EQ(opts.control[0], expected) << text;
        // to_string() is read back as the same socket.
        EXPECT_EQ(parse(with_listen({"-s", expected.to_string()})).control[0], expected) << text;
    }
    EXPECT_EQ(udp(Kind::udp6, "::1", 9000).to_string(), "udp6:[::1]:9000");
    EXPECT_EQ(udp(Kind::udp, "*", 22222).to_string(), "udp:*:22222");
    EXPECT_EQ(unix_socket("/run/a.sock").to_string(), "unix:/run/a.sock");

    // Several, in order; no default then.
    const Options opts = parse(with_listen({"-s", "unix:/run/a.sock", "--control-socket",
                                            "udp:127.0.0.1:7000", "-s", "udp6:[::1]:7000"}));
    EXPECT_EQ(opts.control, (std::vector<SocketAddress>{unix_socket("/run/a.sock"),
                                                        udp(Kind::udp, "127.0.0.1", 7000),
                                                        udp(Kind::udp6, "::1", 7000)}));
}

TEST(DaemonOptions, ControlSocketRefusals) {
    const auto refused = [](const std::string& text, std::string_view why) {
        refusal(with_listen({"-s", text}), {"-s/--control-socket", why});
    };
    refused("unix:run/rtpproxy.sock", "not an absolute path");
    refused("unix:", "no socket path");
    refused("unix:/" + std::string(120, 'x'), "longer than a unix socket's 107 bytes");
    refused("cunix:/run/rtpproxy.sock", "unsupported socket 'cunix:/run/rtpproxy.sock'");
    refused("tcp:127.0.0.1:22222", "unsupported socket");
    refused("rtpproxy.sock", "unsupported socket");
    refused("udp:::1:7000", "'::1' is not an IPv4 address");
    refused("udp6:127.0.0.1:7000", "'127.0.0.1' is not an IPv6 address");
    refused("udp:localhost:7000", "invalid IP address 'localhost'");
    refused("udp:", "no host");
    refused("udp6:::1", "invalid IP address ':'");  // sippy's reading: ':' port 1
    refused("udp6:::1", "udp6:[::1] or udp6:::1:22222");
    refused("udp::7000", "no host");
    refused("udp6:[::1", "no ']'");
    refused("udp6:[::1]x", "junk after ']'");
    refused("udp:127.0.0.1:0", "port 0 out of range");
    refused("udp:127.0.0.1:65536", "port 65536 out of range");
    refused("udp:127.0.0.1:22x", "invalid port '22x'");
    refusal(with_listen({"-s"}), {"--control-socket", "missing"});
    // Sockets that cannot both be bound.
    refusal(
        with_listen({"-s", "udp:*:7000", "-s", "udp:127.0.0.1:7000"}),
        {"'udp:127.0.0.1:7000' for -s/--control-socket", "'udp:*:7000'", "cannot both be bound"});
    refusal(with_listen({"-s", "/run/a.sock", "-s", "unix:/run/a.sock"}), {"cannot both be bound"});
    refusal(with_listen({"-s", "udp:127.0.0.1:7000", "--ng", "udp:127.0.0.1:7000"}),
            {"for --ng", "for -s/--control-socket", "cannot both be bound"});
    // Different ports, families or addresses are different sockets.
    EXPECT_EQ(parse(with_listen({"-s", "udp:*:7000", "-s", "udp:*:7001", "-s", "udp6:*:7000", "-s",
                                 "udp:127.0.0.1:7002", "-s", "udp:127.0.0.2:7002"}))
                  .control.size(),
              5u);
}

TEST(DaemonOptions, Ng) {
    Options opts = parse(with_listen({"--ng", "udp:127.0.0.1:2223"}));
    EXPECT_EQ(opts.ng, (std::vector<SocketAddress>{udp(Kind::udp, "127.0.0.1", 2223)}));
    // --ng alone: no default rtpproxy socket.
    EXPECT_TRUE(opts.control.empty());

    opts = parse(
        with_listen({"--ng", "udp6:[::1]:2223", "--ng", "udp:*:2224", "-s", "unix:/run/a.sock"}));
    EXPECT_EQ(opts.ng, (std::vector<SocketAddress>{udp(Kind::udp6, "::1", 2223),
                                                   udp(Kind::udp, "*", 2224)}));
    EXPECT_EQ(opts.control, (std::vector<SocketAddress>{unix_socket("/run/a.sock")}));

    refusal(with_listen({"--ng", "unix:/run/ng.sock"}), {"--ng", "ng protocol is UDP"});
    refusal(with_listen({"--ng", "/run/ng.sock"}), {"--ng", "ng protocol is UDP"});
    refusal(with_listen({"--ng", "udp:127.0.0.1"}), {"--ng", "no port"});
    refusal(with_listen({"--ng", "udp6:[::1]"}), {"--ng", "no port"});
    refusal(with_listen({"--ng", "127.0.0.1:2223"}), {"--ng", "udp:HOST:PORT"});
}

TEST(DaemonOptions, NotifySocket) {
    const auto target = [](const std::string& text) {
        const Options opts = parse(with_listen({"-n", text}));
        EXPECT_TRUE(opts.notify) << text;
        return opts.notify.value_or(NotifyTarget{});
    };
    NotifyTarget t = target("unix:/run/notify.sock");
    EXPECT_EQ(t.kind, NotifyTarget::Kind::unix_stream);
    EXPECT_EQ(t.path, "/run/notify.sock");
    EXPECT_EQ(t.to_string(), "unix:/run/notify.sock");
    EXPECT_EQ(target("/run/notify.sock"), t);  // rtpproxy 1.x's form

    t = target("tcp:127.0.0.1:9999");
    EXPECT_EQ(t.kind, NotifyTarget::Kind::tcp);
    EXPECT_EQ(t.host, "127.0.0.1");
    EXPECT_EQ(t.port, 9999);
    EXPECT_EQ(t.to_string(), "tcp:127.0.0.1:9999");

    t = target("tcp:%%CC_SELF%%:9999");
    EXPECT_EQ(t.host, "%%CC_SELF%%");
    EXPECT_EQ(t.to_string(), "tcp:%%CC_SELF%%:9999");

    t = target("udp:[2001:db8::1]:9");
    EXPECT_EQ(t.kind, NotifyTarget::Kind::udp);
    EXPECT_EQ(t.host, "2001:db8::1");
    EXPECT_EQ(t.port, 9);
    EXPECT_EQ(t.to_string(), "udp:[2001:db8::1]:9");
    EXPECT_EQ(target("udp:2001:db8:0::1:9"), t);  // the port after the last ':'
    EXPECT_EQ(target(t.to_string()), t);

    const auto refused = [](const std::string& text, std::string_view why) {
        refusal(with_listen({"-n", text}), {"-n/--notify-socket", why});
    };
    refused("tcp:127.0.0.1", "no port");
    refused("tcp:127.0.0.1:", "no port");
    refused("tcp:127.0.0.1:70000", "out of range");
    refused("tcp:sip.example:9999", "invalid IP address 'sip.example'");
    refused("tcp::9999", "no host");
    refused("notify.sock", "unsupported socket");
    refused("unix:notify.sock", "not an absolute path");
    refused("unix:/" + std::string(110, 'n'), "longer than");
    refusal(with_listen({"-n", "unix:/a", "-n", "unix:/b"}), {"--notify-socket", "more than once"});
}

TEST(DaemonOptions, TosAndTtl) {
    EXPECT_EQ(parse(with_listen({"-t", "0"})).tos, 0);
    EXPECT_EQ(parse(with_listen({"-t", "255"})).tos, 255);
    EXPECT_EQ(parse(with_listen({"-t", "0x2e"})).tos, 0x2e);
    EXPECT_EQ(parse(with_listen({"--tos", "0XB9"})).dscp(), 46);  // ECN bits are not DSCP
    EXPECT_EQ(parse(with_listen({"-t", "184"})).tos, 0xB8);
    refusal(with_listen({"-t", "256"}), {"-t/--tos", "TOS 256 out of range (0..255)"});
    refusal(with_listen({"-t", "0x100"}), {"-t/--tos", "out of range"});
    refusal(with_listen({"-t", "-1"}), {"-t/--tos", "invalid TOS '-1'"});
    refusal(with_listen({"-t", "0x"}), {"-t/--tos", "invalid TOS '0x'"});
    refusal(with_listen({"-t", "EF"}), {"-t/--tos", "invalid TOS 'EF'"});
    refusal(with_listen({"-t", "99999999999999999999999"}), {"-t/--tos", "out of range"});
    refusal(with_listen({"-t", "1", "-t", "2"}), {"--tos", "more than once"});

    EXPECT_EQ(parse(with_listen({"-T", "1"})).max_ttl, 1);
    EXPECT_EQ(parse(with_listen({"--max-ttl", "255"})).max_ttl, 255);
    refusal(with_listen({"-T", "0"}), {"-T/--max-ttl", "TTL 0 out of range (1..255)"});
    refusal(with_listen({"-T", "256"}), {"-T/--max-ttl", "out of range"});
    refusal(with_listen({"-T", "0x10"}), {"-T/--max-ttl", "invalid TTL '0x10'"});
}

TEST(DaemonOptions, Flags) {
    const Options opts = parse(with_listen({"-2", "-R", "-f"}));
    EXPECT_TRUE(opts.duplicate_small);
    EXPECT_TRUE(opts.record_no_rtcp);
    EXPECT_TRUE(opts.foreground);
    EXPECT_TRUE(parse(with_listen({"--duplicate-small"})).duplicate_small);
    EXPECT_TRUE(parse(with_listen({"--no-record-rtcp"})).record_no_rtcp);
    EXPECT_TRUE(parse(with_listen({"--foreground"})).foreground);
    refusal(with_listen({"--foreground=yes"}), {"--foreground"});
}

TEST(DaemonOptions, RecordingAndPidFile) {
    Options opts = parse(with_listen({"-r", "/var/spool/rtpproxy"}));
    EXPECT_EQ(opts.record_dir, "/var/spool/rtpproxy");
    EXPECT_EQ(opts.spool_dir, "/var/spool/rtpproxy");  // -S defaults to -r
    opts = parse(with_listen({"--record-dir", "/rec", "--spool-dir", "/spool"}));
    EXPECT_EQ(opts.record_dir, "/rec");
    EXPECT_EQ(opts.spool_dir, "/spool");
    EXPECT_EQ(parse(with_listen({"-p", "/run/iptrtpproxyd.pid"})).pid_file,
              "/run/iptrtpproxyd.pid");

    refusal(with_listen({"-S", "/spool"}), {"-S/--spool-dir needs -r/--record-dir"});
    refusal(with_listen({"-r", "rec"}), {"-r/--record-dir", "'rec' is not an absolute path"});
    refusal(with_listen({"-r", ""}), {"-r/--record-dir", "no directory"});
    refusal(with_listen({"-r", "/rec", "-S", "spool"}), {"-S/--spool-dir", "absolute"});
    refusal(with_listen({"-p", "rtpproxy.pid"}), {"-p/--pid-file", "absolute"});

    EXPECT_EQ(parse(with_listen({})).state_dir, "") << "none unless given";
    EXPECT_EQ(parse(with_listen({"--state-dir", "/run/iptrtpproxyd"})).state_dir,
              "/run/iptrtpproxyd");
    refusal(with_listen({"--state-dir", "run"}), {"--state-dir", "absolute"});
    refusal(with_listen({"--state-dir", ""}), {"--state-dir", "no directory"});
}

TEST(DaemonOptions, Ports) {
    Options opts = parse(with_listen({"-m", "10000", "-M", "20000"}));
    EXPECT_EQ(opts.port_min, 10000);
    EXPECT_EQ(opts.port_max, 20000);
    opts = parse(with_listen({"--port-min", "1024", "--port-max", "1027"}));  // one session
    EXPECT_EQ(opts.port_min, 1024);
    EXPECT_EQ(opts.port_max, 1027);
    EXPECT_EQ(parse(with_listen({"-M", "65535"})).port_max, 65535);
    EXPECT_EQ(parse(with_listen({"-m", "64000"})).port_min, 64000);  // below the default max

    refusal(with_listen({"-m", "10001"}), {"-m/--port-min", "odd"});
    refusal(with_listen({"-m", "1022"}), {"-m/--port-min", "port 1022 out of range (1024..65535)"});
    refusal(with_listen({"-M", "65536"}), {"-M/--port-max", "out of range"});
    refusal(with_listen({"-m", "x"}), {"-m/--port-min", "invalid port 'x'"});
    refusal(with_listen({"-m", "20000", "-M", "10000"}),
            {"-M/--port-max 10000 is below -m/--port-min 20000"});
    refusal(with_listen({"-M", "20000"}), {"-M/--port-max 20000 is below -m/--port-min 35000"});
    refusal(with_listen({"-m", "20000", "-M", "20002"}),
            {"-m/--port-min 20000", "-M/--port-max 20002", "leave 3 ports"});
}

TEST(DaemonOptions, IdleTimeout) {
    EXPECT_EQ(parse(with_listen({"--idle-timeout", "1"})).idle_timeout, 1u);
    EXPECT_EQ(parse(with_listen({"--idle-timeout", "86400"})).idle_timeout, 86400u);
    refusal(with_listen({"--idle-timeout", "0"}), {"--idle-timeout", "out of range (1..86400)"});
    refusal(with_listen({"--idle-timeout", "86401"}), {"--idle-timeout", "out of range"});
    refusal(with_listen({"--idle-timeout", "1m"}), {"--idle-timeout", "invalid timeout '1m'"});
}

TEST(DaemonOptions, User) {
    Options opts = parse(with_listen({"-u", "rtpproxy"}));
    EXPECT_EQ(opts.user, "rtpproxy");
    EXPECT_FALSE(opts.group);
    opts = parse(with_listen({"--user", "rtpproxy:voip"}));
    EXPECT_EQ(opts.user, "rtpproxy");
    EXPECT_EQ(opts.group, "voip");
    refusal(with_listen({"-u", ":voip"}), {"-u/--user", "no user in ':voip'"});
    refusal(with_listen({"-u", ""}), {"-u/--user", "no user"});
    refusal(with_listen({"-u", "rtpproxy:"}), {"-u/--user", "no group"});
    refusal(with_listen({"-u", "a:b:c"}), {"-u/--user", "more than one ':'"});
}

TEST(DaemonOptions, LogLevel) {
    const std::vector<std::pair<const char*, LogLevel>> levels = {
        {"DBUG", LogLevel::debug},    {"INFO", LogLevel::info},
        {"WARN", LogLevel::warning},  {"ERR", LogLevel::error},
        {"CRIT", LogLevel::critical}, {"dbug", LogLevel::debug},
        {"debug", LogLevel::debug},   {"info", LogLevel::info},
        {"notice", LogLevel::notice}, {"Warning", LogLevel::warning},
        {"error", LogLevel::error},   {"CRITICAL", LogLevel::critical},
    };
    for (const auto& [text, level] : levels) {
        const Options opts = parse(with_listen({"-d", text}));
        EXPECT_EQ(opts.log_level, level) << text;
        EXPECT_EQ(opts.log_facility, "") << text;
    }
    Options opts = parse(with_listen({"-d", "ERR:LOG_LOCAL0"}));
    EXPECT_EQ(opts.log_level, LogLevel::error);
    EXPECT_EQ(opts.log_facility, "LOG_LOCAL0");
    EXPECT_EQ(parse(with_listen({"-d", "INFO:local5"})).log_facility, "LOG_LOCAL5");
    EXPECT_EQ(parse(with_listen({"--log-level", "debug:Daemon"})).log_facility, "LOG_DAEMON");

    refusal(with_listen({"-d", "LOUD"}), {"-d/--log-level", "unknown log level 'LOUD'"});
    refusal(with_listen({"-d", ":LOG_LOCAL0"}), {"-d/--log-level", "unknown log level ''"});
    refusal(with_listen({"-d", "INFO:LOG_LOCAL8"}),
            {"-d/--log-level", "unknown syslog facility 'LOG_LOCAL8'"});
    refusal(with_listen({"-d", "INFO:"}), {"-d/--log-level", "unknown syslog facility ''"});
}

TEST(DaemonOptions, CommandLineSyntax) {
    refusal(with_listen({"--bogus"}), {"unrecognised option '--bogus'"});
    refusal(with_listen({"-L", "4096"}), {"'-L'"});  // sippy's, not taken
    refusal(with_listen({"--list"}), {"'--list'"});  // no abbreviations
    refusal(with_listen({"-t"}), {"--tos", "missing"});
    refusal(with_listen({"extra"}), {"unexpected argument 'extra'"});
    refusal(with_listen({"-l", "192.0.2.2"}), {"--listen", "more than once"});
    refusal(with_listen({"-f", "-f"}), {"--foreground", "more than once"});
}

TEST(DaemonOptions, ConfigFileTakesEveryOption) {
    const ConfigFile file(
        "# iptrtpproxyd.conf\n"
        "\n"
        "listen = 192.0.2.1/198.51.100.1   # inside/outside\n"
        "control-socket = udp:127.0.0.1:7000\n"
        "control-socket=unix:/run/rtpproxy.sock\n"
        "  ng = udp6:[::1]:2223\n"
        "notify-socket = tcp:127.0.0.1:9999\n"
        "tos = 0x28\n"
        "max-ttl = 32\n"
        "duplicate-small = yes\n"
        "record-dir = /var/spool/rec\n"
        "spool-dir = /var/spool/tmp\n"
        "no-record-rtcp = true\n"
        "port-min = 20000\n"
        "port-max = 30000\n"
        "idle-timeout = 120\n"
        "pid-file = /run/iptrtpproxyd.pid\n"
        "state-dir = /run/iptrtpproxyd\n"
        "foreground = 1\n"
        "user = rtpproxy:voip\n"
        "log-level = WARN:LOG_LOCAL2\n");
    const Options opts = parse({"--config", file.path()});
    EXPECT_EQ(opts.config_file, file.path());
    EXPECT_EQ(opts.ipv4, (ListenAddresses{addr("192.0.2.1"), addr("198.51.100.1")}));
    EXPECT_EQ(opts.control, (std::vector<SocketAddress>{udp(Kind::udp, "127.0.0.1", 7000),
                                                        unix_socket("/run/rtpproxy.sock")}));
    EXPECT_EQ(opts.ng, (std::vector<SocketAddress>{udp(Kind::udp6, "::1", 2223)}));
    ASSERT_TRUE(opts.notify);
    EXPECT_EQ(opts.notify->to_string(), "tcp:127.0.0.1:9999");
    EXPECT_EQ(opts.tos, 0x28);
    EXPECT_EQ(opts.max_ttl, 32);
    EXPECT_TRUE(opts.duplicate_small);
    EXPECT_EQ(opts.record_dir, "/var/spool/rec");
    EXPECT_EQ(opts.spool_dir, "/var/spool/tmp");
    EXPECT_TRUE(opts.record_no_rtcp);
    EXPECT_EQ(opts.port_min, 20000);
    EXPECT_EQ(opts.port_max, 30000);
    EXPECT_EQ(opts.idle_timeout, 120u);
    EXPECT_EQ(opts.pid_file, "/run/iptrtpproxyd.pid");
    EXPECT_EQ(opts.state_dir, "/run/iptrtpproxyd");
    EXPECT_TRUE(opts.foreground);
    EXPECT_EQ(opts.user, "rtpproxy");
    EXPECT_EQ(opts.group, "voip");
    EXPECT_EQ(opts.log_level, LogLevel::warning);
    EXPECT_EQ(opts.log_facility, "LOG_LOCAL2");

    const ConfigFile other(
        "listen6 = /2001:db8::1\n"
        "listen = 192.0.2.1\n"
        "foreground = false\n");
    const Options bridge = parse({"-c", other.path()});
    EXPECT_EQ(bridge.ipv6.external, addr("2001:db8::1"));
    EXPECT_TRUE(bridge.bridge());
    EXPECT_FALSE(bridge.foreground);

    const ConfigFile switchboards(
        "switchboard = 192.0.2.1:40000\n"
        "switchboard = [2001:db8::1]:40000,192.0.2.1:50000\n");
    EXPECT_EQ(parse({"-c", switchboards.path()}).switchboards.size(), 2u);
}

TEST(DaemonOptions, CommandLineWinsOverConfigFile) {
    const ConfigFile sockets(
        "listen = 192.0.2.1\n"
        "tos = 0x10\n"
        "pid-file = /run/file.pid\n"
        "control-socket = udp:127.0.0.1:7000\n"
        "control-socket = udp:127.0.0.1:7001\n"
        "foreground = yes\n");
    Options opts = parse({"-c", sockets.path(), "-t", "0x20", "-l", "198.51.100.1"});
    EXPECT_EQ(opts.tos, 0x20);
    EXPECT_EQ(opts.ipv4.internal, addr("198.51.100.1"));
    EXPECT_EQ(opts.pid_file, "/run/file.pid");  // the file's where the command line is silent
    EXPECT_TRUE(opts.foreground);               // a file's flag over the default
    EXPECT_EQ(opts.control.size(), 2u);

    // A repeatable option on the command line replaces the file's list of it...
    opts = parse({"-c", sockets.path(), "-s", "unix:/run/cmdline.sock"});
    EXPECT_EQ(opts.control, (std::vector<SocketAddress>{unix_socket("/run/cmdline.sock")}));
    // ...and only of it: --ng on the command line leaves the file's -s.
    opts = parse({"-c", sockets.path(), "--ng", "udp:127.0.0.1:2223"});
    EXPECT_EQ(opts.control.size(), 2u);
    EXPECT_EQ(opts.ng.size(), 1u);

    const ConfigFile boards("switchboard = 192.0.2.1:40000\nswitchboard = 192.0.2.2:40000\n");
    opts = parse({"-c", boards.path(), "--switchboard", "192.0.2.3:40000"});
    ASSERT_EQ(opts.switchboards.size(), 1u);
    EXPECT_EQ(opts.switchboards[0].addr_a, addr("192.0.2.3"));

    // The file's switchboard and the command line's -l are refused together, naming the line.
    refusal({"-c", boards.path(), "-l", "198.51.100.1"},
            {"switchboard at " + boards.path() + ":1", "-l/--listen", "exclude each other"});
}

TEST(DaemonOptions, ConfigFileRefusals) {
    {
        const ConfigFile file("listen = 192.0.2.1\n# fine\nbogus = 1\n");
        refusal({"-c", file.path()}, {file.path() + ":3", "unrecognised option 'bogus'"});
    }
    {
        // Only the long names.
        const ConfigFile file("l = 192.0.2.1\n");
        refusal({"-c", file.path()}, {file.path() + ":1", "'l'"});
    }
    for (const char* key : {"config", "help", "version"}) {
        const ConfigFile file("listen = 192.0.2.1\n" + std::string(key) + " = 1\n");
        refusal({"-c", file.path()},
                {file.path() + ":2", "unrecognised option '" + std::string(key)});
    }
    {
        const ConfigFile file("listen = 192.0.2.1\n[daemon]\nforeground = yes\n");
        refusal({"-c", file.path()}, {file.path() + ":3", "'daemon.foreground'"});
    }
    {
        const ConfigFile file("listen = 192.0.2.1\ngarbage\n");
        refusal({"-c", file.path()}, {file.path() + ":2", "invalid line 'garbage'"});
    }
    {
        const ConfigFile file("listen = 192.0.2.1\ntos = 1\n\ntos = 2\n");
        refusal({"-c", file.path()}, {file.path() + ":4", "'tos'", "more than once"});
    }
    {
        const ConfigFile file("listen = 192.0.2.1\nforeground = maybe\n");
        refusal({"-c", file.path()}, {file.path() + ":2", "'maybe'", "'foreground'"});
    }
    {
        // A bad value: the key and its line, not -m/--port-min.
        const ConfigFile file("listen = 192.0.2.1\n\nport-min = 1001\n");
        const std::string message = refusal(
            {"-c", file.path()}, {"port 1001 out of range", "port-min at " + file.path() + ":3"});
        EXPECT_EQ(message.find("-m/"), std::string::npos) << message;
    }
    {
        // The line of the bad one among a repeated key's.
        const ConfigFile file(
            "listen = 192.0.2.1\n"
            "control-socket = udp:127.0.0.1:7000\n"
            "# another\n"
            "control-socket = tcp:127.0.0.1:7001\n");
        refusal({"-c", file.path()},
                {"control-socket at " + file.path() + ":4", "unsupported socket"});
    }
    {
        const ConfigFile file("listen = 192.0.2.1\nspool-dir = /spool\n");
        refusal({"-c", file.path()}, {"spool-dir at " + file.path() + ":2 needs -r/--record-dir"});
    }
    {
        // A value the command line gave is named as the command line's.
        const ConfigFile file("listen = 192.0.2.1\nport-min = 10000\n");
        refusal({"-c", file.path(), "-M", "10002"},
                {"port-min at " + file.path() + ":2 10000", "-M/--port-max 10002"});
    }
    refusal({"-c", "/nonexistent/iptrtpproxyd.conf"},
            {"cannot read configuration file '/nonexistent/iptrtpproxyd.conf'"});
    // rtpproxy's -c is the scheduling policy.
    refusal({"-l", "192.0.2.1", "-c", "fifo"}, {"'fifo'", "not rtpproxy's scheduling policy"});
    refusal({"-c"}, {"--config", "missing"});
}

// SPDX-License-Identifier: GPL-2.0
// Command line and configuration file of iptrtpproxyd, rtpproxy(8)'s (sippy's) options.
#pragma once

#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "xtrtpproxy/types.hpp"

namespace rtpproxyd {

// The addresses -l (IPv4) or -6 (IPv6) gave, as sippy reads "addr1[/addr2]": addr1 is the
// internal network's, addr2 the external's (a U or L command's I and E modifiers pick them).
// Either half may be empty ("-6 /2001:db8::1"): the other family then gives it.
struct ListenAddresses {
    std::optional<xtrtpproxy::Address> internal{};
    std::optional<xtrtpproxy::Address> external{};

    // This family has an external address, which only bridge mode has (Options::bridge()).
    bool bridge() const noexcept { return external.has_value(); }
    bool empty() const noexcept { return !internal && !external; }
    friend bool operator==(const ListenAddresses&, const ListenAddresses&) = default;
};

// A control socket: -s udp:HOST[:PORT], udp6:HOST[:PORT] or unix:PATH; --ng udp:HOST:PORT or
// udp6:HOST:PORT. host is "*" (every local address) or a numeric address as
// xtrtpproxy::Address::to_string() writes it, port is for udp and udp6, path for unix.
struct SocketAddress {
    enum class Kind { udp, udp6, unix_stream };
    Kind kind = Kind::unix_stream;
    std::string host{};
    std::uint16_t port = 0;
    std::string path{};

    // "udp:HOST:PORT", "udp6:[HOST]:PORT" or "unix:PATH"; parse_options() reads it back.
    std::string to_string() const;
    friend bool operator==(const SocketAddress&, const SocketAddress&) = default;
};

// -n: where the timeout notifications of the sessions whose U command asked for them go.
// host is a numeric address as xtrtpproxy::Address::to_string() writes it, or sippy's
// "%%CC_SELF%%": the address the command came from.
struct NotifyTarget {
    enum class Kind { unix_stream, tcp, udp };
    Kind kind = Kind::unix_stream;
    std::string host{};
    std::uint16_t port = 0;
    std::string path{};

    // "unix:PATH", "tcp:HOST:PORT" or "udp:HOST:PORT", IPv6 in brackets. A U command names
    // its socket in text that need not be spelled the same: compare parsed targets.
    std::string to_string() const;
    // Whether host is "%%CC_SELF%%".
    bool command_sender() const;
    friend bool operator==(const NotifyTarget&, const NotifyTarget&) = default;
};

// A notify socket as -n and a U command write it. Throws UsageError saying what is wrong,
// naming what (e.g. "-n/--notify-socket").
NotifyTarget parse_notify_target(std::string_view text, std::string_view what);

// syslog's levels that rtpproxy's -d names (DBUG, INFO, WARN, ERR, CRIT), and notice.
enum class LogLevel { debug, info, notice, warning, error, critical };

// The defaults are rtpproxy's (sippy's main.c and rtpp_defines.h) but for the log level and
// for -l: sippy's is '*', every address, where a switchboard's gate is one address.
struct Options {
    // -l and -6. Bridge mode when either has a second address; then exactly one family gives
    // the internal address and exactly one the external (the same family or the other).
    // Without it exactly one of -l and -6 gives one address. Never both with --switchboard.
    ListenAddresses ipv4{};
    ListenAddresses ipv6{};
    // -s, in the order given; unix:/var/run/rtpproxy.sock when neither -s nor --ng is given.
    std::vector<SocketAddress> control{};
    // --ng: rtpengine's ng protocol, on UDP only.
    std::vector<SocketAddress> ng{};
    // -t: the IP TOS byte of relayed packets. The kernel sets the DSCP (dscp()); the ECN bits
    // stay the sender's.
    std::uint8_t tos = 0xB8;
    std::uint8_t max_ttl = 0;      // -T: the highest TTL or hop limit relayed packets leave with
    bool duplicate_small = false;  // -2: send RTP and RTCP datagrams below 128 bytes twice
    std::string record_dir{};      // -r
    std::string spool_dir{};       // -S, or record_dir when -r is given without it
    bool record_no_rtcp = false;   // -R
    std::string pid_file = "/var/run/rtpproxy.pid";  // -p
    bool foreground = false;                         // -f
    std::string state_dir{};                         // --state-dir
    // -m, -M: the UDP ports of the relay's own switchboard, port_min even; its sessions take
    // 2 ports on each side.
    std::uint16_t port_min = 35000;
    std::uint16_t port_max = 65000;
    std::uint32_t idle_timeout = 60;       // --idle-timeout: seconds until an idle session ends
    std::optional<NotifyTarget> notify{};  // -n
    // -u user[:group]; the names are looked up when the daemon drops its privileges.
    std::optional<std::string> user{};
    std::optional<std::string> group{};
    LogLevel log_level = LogLevel::info;  // -d level[:facility]
    std::string log_facility{};           // -d's facility as "LOG_LOCAL0"; empty: LOG_DAEMON
    // --switchboard: switchboards of the operator's iptables rules to relay with, instead of
    // the relay's own on -l or -6 (and -m, -M); the gates given must match, gate B may be left
    // out.
    std::vector<xtrtpproxy::SwitchboardSelector> switchboards{};
    std::string config_file{};  // -c/--config
    // -v/-V/--version and -h/-?/--help: print and exit; nothing else was read.
    bool show_version = false;
    bool show_help = false;

    // Sippy's bridge mode: -l or -6 gave a second address.
    bool bridge() const noexcept { return ipv4.bridge() || ipv6.bridge(); }
    // The DSCP of -t's TOS.
    std::uint8_t dscp() const noexcept { return static_cast<std::uint8_t>(tos >> 2); }
    friend bool operator==(const Options&, const Options&) = default;
};

// A bad command line or configuration file: the daemon prints it and exits with 2.
struct UsageError : std::runtime_error {
    using std::runtime_error::runtime_error;
};

// Reads argv (argv[0] is the program's name) and then, with --config, the configuration file:
// "name = value" lines of the long option names but config, help and version, "#" comments.
// A single-valued option on the command line wins over the file's; a repeatable one (-s,
// --ng, --switchboard) given on the command line replaces the file's list of it, so that the
// command line can always say exactly which sockets there are.
// Throws UsageError naming the option (its line in the file when it came from there) and what
// is wrong with it. With -h or -v anywhere nothing else is read nor checked.
Options parse_options(int argc, const char* const* argv);

// The --help text.
std::string usage_text();

}  // namespace rtpproxyd

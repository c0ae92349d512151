// SPDX-License-Identifier: GPL-2.0
// iptrtpproxyd's options with Boost.ProgramOptions: one table for the command line, the
// configuration file and --help, and the checks sippy's main.c makes (and a few it leaves to
// bind(2) or to the first session).
#include "options.hpp"

#include <linux/netfilter/xt_RTPPROXY.h>
#include <sys/un.h>

#include <algorithm>
#include <boost/program_options.hpp>
#include <cctype>
#include <cerrno>
#include <charconv>
#include <cstring>
#include <fstream>
#include <map>
#include <set>
#include <sstream>
#include <string_view>

namespace po = boost::program_options;

namespace rtpproxyd {

namespace {

constexpr std::uint16_t kDefaultControlPort = 22222;  // sippy's CPORT
constexpr const char* kDefaultControlPath = "/var/run/rtpproxy.sock";
constexpr std::uint16_t kLowestPort = 1024;
// A session takes an RTP and an RTCP port on each of its two sides.
constexpr unsigned kPortsPerSession = 4;
// sun_path with its terminating NUL.
constexpr std::size_t kMaxUnixPath = sizeof(sockaddr_un::sun_path) - 1;
// rtpproxy's -n target that stands for the address a U command came from.
constexpr std::string_view kCommandSender = "%%CC_SELF%%";

enum class Arity { flag, single, repeated };

struct Spec {
    const char* name;
    char short_name;  // 0: none
    Arity arity;
    const char* value_name;  // nullptr for a flag
    const char* help;
    bool in_file;  // the configuration file takes it
};

// Every option, in --help's order. The long names are also the configuration file's keys.
constexpr Spec kSpecs[] = {
    {"listen", 'l', Arity::single, "addr1[/addr2]",
     "IPv4 address to relay on; addr1/addr2 bridges the internal network (addr1) and the "
     "external one (addr2)",
     true},
    {"listen6", '6', Arity::single, "addr1[/addr2]",
     "IPv6 address to relay on, as -l; a half may be empty: -l 192.0.2.1 -6 /2001:db8::1 "
     "bridges IPv4 (internal) and IPv6 (external)",
     true},
    {"switchboard", 0, Arity::repeated, "addr:port[,addr:port]",
     "relay with the switchboard of these gates (an iptables RTPPROXY rule's; IPv6 in "
     "brackets) instead of one of its own on -l/-6; repeatable",
     true},
    {"control-socket", 's', Arity::repeated, "type:socket",
     "rtpproxy control socket: udp:host[:port], udp6:host[:port] (host * for all, port after "
     "the last ':', default 22222) or unix:path; repeatable (default unix:/var/run/rtpproxy.sock "
     "unless --ng is given)",
     true},
    {"ng", 0, Arity::repeated, "udp:host:port",
     "rtpengine ng control socket, udp: or udp6: as -s but with a port; repeatable", true},
    {"notify-socket", 'n', Arity::single, "socket",
     "where timeout notifications go: unix:path, tcp:host:port or udp:host:port (host "
     "%%CC_SELF%%: the command's sender)",
     true},
    {"tos", 't', Arity::single, "tos",
     "IP TOS of relayed packets, 0..255 or 0x00..0xff (default 0xB8); the ECN bits stay the "
     "sender's",
     true},
    {"max-ttl", 'T', Arity::single, "ttl", "highest TTL (hop limit) of relayed packets, 1..255",
     true},
    {"duplicate-small", '2', Arity::flag, nullptr,
     "send RTP and RTCP datagrams below 128 bytes twice", true},
    {"record-dir", 'r', Arity::single, "dir", "directory of recorded sessions", true},
    {"spool-dir", 'S', Arity::single, "dir",
     "directory of sessions being recorded (needs -r; default: -r's)", true},
    {"no-record-rtcp", 'R', Arity::flag, nullptr, "record RTP only, not RTCP", true},
    {"port-min", 'm', Arity::single, "port",
     "lowest UDP port of the sessions, even, 1024..65535 (default 35000)", true},
    {"port-max", 'M', Arity::single, "port",
     "highest UDP port of the sessions (default 65000), 4 ports above -m at least", true},
    {"idle-timeout", 0, Arity::single, "seconds",
     "end a session idle for this long, 1..86400 (default 60)", true},
    {"pid-file", 'p', Arity::single, "file", "PID file (default /var/run/rtpproxy.pid)", true},
    {"state-dir", 0, Arity::single, "dir",
     "keep the calls' timeout notification targets here (a tmpfs such as /run/iptrtpproxyd) "
     "for a restarted daemon (default: none, a restart loses them)",
     true},
    {"foreground", 'f', Arity::flag, nullptr, "do not become a daemon", true},
    {"user", 'u', Arity::single, "user[:group]", "run as this user (and group)", true},
    {"log-level", 'd', Arity::single, "level[:facility]",
     "DBUG, INFO, WARN, ERR, CRIT, or debug, info, notice, warning, error, critical (default "
     "INFO); facility LOG_LOCAL0 or local0... (default LOG_DAEMON)",
     true},
    {"config", 'c', Arity::single, "file", "read options from file", false},
    {"version", 'v', Arity::flag, nullptr, "print the version and exit (also -V)", false},
    {"help", 'h', Arity::flag, nullptr, "print this help and exit (also -?)", false},
};

const Spec& spec_of(std::string_view name) {
    for (const auto& spec : kSpecs)
        if (name == spec.name) return spec;
    throw std::logic_error("no option " + std::string(name));
}

// The command line or the configuration file's options.
po::options_description describe(bool command_line) {
    po::options_description desc("Options", 100, 42);
    for (const auto& spec : kSpecs) {
        if (!command_line && !spec.in_file) continue;
        std::string names = spec.name;
        if (spec.short_name != 0) names += std::string(",") + spec.short_name;
        po::value_semantic* value = nullptr;
        switch (spec.arity) {
            case Arity::flag:
                value = po::bool_switch();
                break;
            case Arity::single:
                value = po::value<std::string>()->value_name(spec.value_name);
                break;
            case Arity::repeated:
                value = po::value<std::vector<std::string>>()->value_name(spec.value_name);
                break;
        }
        desc.add_options()(names.c_str(), value, spec.help);
    }
    return desc;
}

// Exact matching (no abbreviations: --list is not --listen); the rest is Boost's default,
// sippy's getopt forms included (-t0xB8, -2f).
constexpr int kStyle =
    po::command_line_style::default_style & ~po::command_line_style::allow_guessing;

// -h, -?, -v or -V anywhere (alone or in a group of flags, -fh): what gets printed. As
// rtpproxy does, these print and exit whatever else the command line says.
void find_help_and_version(const std::vector<std::string>& args, Options& opts) {
    for (const auto& arg : args) {
        if (arg == "--") return;
        if (arg == "--help") opts.show_help = true;
        if (arg == "--version") opts.show_version = true;
        if (arg.size() < 2 || arg[0] != '-' || arg[1] == '-') continue;
        const std::string_view flags = std::string_view(arg).substr(1);
        if (flags.find_first_not_of("2fRhv?V") != std::string_view::npos) continue;
        if (flags.find_first_of("h?") != std::string_view::npos) opts.show_help = true;
        if (flags.find_first_of("vV") != std::string_view::npos) opts.show_version = true;
    }
}

std::string trim(std::string_view text) {
    const auto first = text.find_first_not_of(" \t\r\n");
    if (first == std::string_view::npos) return {};
    const auto last = text.find_last_not_of(" \t\r\n");
    return std::string(text.substr(first, last - first + 1));
}

// Where each value came from, for the messages: the command line, or a line of the
// configuration file. Boost's parser tells no lines; this reads the file as it does
// (config_file.cpp: '#' to the end of the line is a comment, [section] prefixes the names).
class Origins {
  public:
    void set_command_line(const po::variables_map& vm) {
        for (const auto& [name, value] : vm)
            if (!value.defaulted()) command_line_.insert(name);
    }

    void scan_file(const std::string& file, const std::string& text) {
        file_ = file;
        std::istringstream in(text);
        std::string line, prefix;
        for (unsigned number = 1; std::getline(in, line); ++number) {
            const std::string content = trim(line.substr(0, line.find('#')));
            if (content.empty()) continue;
            if (content.front() == '[' && content.back() == ']') {
                prefix = content.substr(1, content.size() - 2);
                if (!prefix.empty() && prefix.back() != '.') prefix += '.';
                continue;
            }
            const auto equals = content.find('=');
            if (equals == std::string::npos) {
                invalid_lines_.emplace(content, number);
                continue;
            }
            lines_[prefix + trim(content.substr(0, equals))].push_back(number);
        }
    }

    // "FILE:LINE" of the index-th occurrence of the key in the file ("FILE" if not found).
    std::string file_line(const std::string& key, std::size_t index) const {
        const auto found = lines_.find(key);
        if (found == lines_.end() || found->second.empty()) return file_;
        const auto& lines = found->second;
        return file_ + ":" + std::to_string(lines[std::min(index, lines.size() - 1)]);
    }
    std::string invalid_line(const std::string& content) const {
        const auto found = invalid_lines_.find(content);
        return found == invalid_lines_.end() ? file_ : file_ + ":" + std::to_string(found->second);
    }

    // "-m/--port-min", or "port-min at FILE:LINE" for a value the file gave.
    std::string label(const Spec& spec, std::size_t index) const {
        if (!file_.empty() && !command_line_.contains(spec.name) && lines_.contains(spec.name))
            return std::string(spec.name) + " at " + file_line(spec.name, index);
        std::string text;
        if (spec.short_name != 0) text = std::string("-") + spec.short_name + "/";
        return text + "--" + spec.name;
    }

  private:
    std::set<std::string> command_line_;
    std::string file_;
    std::map<std::string, std::vector<unsigned>> lines_;
    std::map<std::string, unsigned> invalid_lines_;
};

// One value of an option, with the name its messages give it.
struct Value {
    std::string text;
    std::string label;
};

class Reader {
  public:
    Reader(const po::variables_map& vm, const Origins& origins) : vm_(vm), origins_(origins) {}

    bool given(const char* name) const { return vm_.count(name) && !vm_[name].defaulted(); }
    bool flag(const char* name) const { return vm_.count(name) && vm_[name].as<bool>(); }
    std::string label(const char* name, std::size_t index = 0) const {
        return origins_.label(spec_of(name), index);
    }

    std::optional<Value> single(const char* name) const {
        if (!given(name)) return std::nullopt;
        return Value{vm_[name].as<std::string>(), label(name)};
    }
    std::vector<Value> repeated(const char* name) const {
        std::vector<Value> values;
        if (!given(name)) return values;
        const auto& texts = vm_[name].as<std::vector<std::string>>();
        for (std::size_t i = 0; i < texts.size(); ++i) values.push_back({texts[i], label(name, i)});
        return values;
    }

  private:
    const po::variables_map& vm_;
    const Origins& origins_;
};

[[noreturn]] void fail(const Value& value, const std::string& problem) {
    throw UsageError(value.label + ": " + problem);
}

std::string quoted(std::string_view text) { return "'" + std::string(text) + "'"; }

std::uint64_t parse_number(const Value& value, std::string_view text, std::uint64_t min,
                           std::uint64_t max, const char* what, bool hex = false) {
    std::string_view digits = text;
    int radix = 10;
    if (hex && (digits.starts_with("0x") || digits.starts_with("0X"))) {
        digits.remove_prefix(2);
        radix = 16;
    }
    std::uint64_t number = 0;
    const char* end = digits.data() + digits.size();
    const auto [ptr, ec] = std::from_chars(digits.data(), end, number, radix);
    if (digits.empty() || ec == std::errc::invalid_argument || ptr != end)
        fail(value, "invalid " + std::string(what) + " " + quoted(text));
    if (ec == std::errc::result_out_of_range || number < min || number > max)
        fail(value, std::string(what) + " " + std::string(text) + " out of range (" +
                        std::to_string(min) + ".." + std::to_string(max) + ")");
    return number;
}

std::uint16_t parse_port(const Value& value, std::string_view text) {
    return static_cast<std::uint16_t>(parse_number(value, text, 1, 65535, "port"));
}

void check_path(const Value& value, std::string_view path, const char* what) {
    if (path.empty()) fail(value, std::string("no ") + what);
    // The daemon's working directory is / (daemon(3), systemd's default): a relative path
    // would not mean what it meant where the command was typed.
    if (path.front() != '/')
        fail(value, std::string(what) + " " + quoted(path) + " is not an absolute path");
}

void check_unix_path(const Value& value, std::string_view path) {
    check_path(value, path, "socket path");
    if (path.size() > kMaxUnixPath)
        fail(value, "socket path " + quoted(path) + " is longer than a unix socket's " +
                        std::to_string(kMaxUnixPath) + " bytes");
}

bool is_unspecified(const xtrtpproxy::Address& addr) {
    const auto bytes = addr.bytes();
    return std::all_of(bytes.begin(), bytes.end(), [](std::byte b) { return b == std::byte{0}; });
}

bool is_v4_mapped(const xtrtpproxy::Address& addr) {
    const auto bytes = addr.bytes();
    if (bytes.size() != 16) return false;
    return std::all_of(bytes.begin(), bytes.begin() + 10,
                       [](std::byte b) { return b == std::byte{0}; }) &&
           bytes[10] == std::byte{0xff} && bytes[11] == std::byte{0xff};
}

// -l and -6: the address of a local interface the kernel relays on, of the option's family.
xtrtpproxy::Address listen_address(const Value& value, std::string_view text, bool v6) {
    const auto addr = xtrtpproxy::Address::try_parse(text);
    if (!addr) {
        // sippy takes host names and '*' too; a switchboard's gate is one numeric address.
        fail(value, "invalid IP address " + quoted(text) + " (a numeric address of this host)");
    }
    if (addr->is_v6() != v6) {
        fail(value, quoted(text) + " is not an IPv" + (v6 ? "6" : "4") + " address (-" +
                        (v6 ? "l/--listen" : "6/--listen6") + " takes IPv" + (v6 ? "4" : "6") +
                        ")");
    }
    if (is_v4_mapped(*addr))
        fail(value, quoted(text) + " is an IPv4-mapped address (-l/--listen takes IPv4)");
    if (is_unspecified(*addr))
        fail(value, quoted(text) + " is no address of one interface (the relay needs one)");
    return *addr;
}

// "addr1[/addr2]", either half possibly empty. Sets bridge if there is a '/' (sippy's bmode).
ListenAddresses parse_listen(const Value& value, bool v6, bool& bridge) {
    const std::string_view text = value.text;
    const auto slash = text.find('/');
    const std::string_view first = text.substr(0, slash);
    const std::string_view second =
        slash == std::string_view::npos ? std::string_view() : text.substr(slash + 1);
    if (second.find('/') != std::string_view::npos)
        fail(value, "more than two addresses in " + quoted(text));
    if (first.empty() && second.empty()) fail(value, "no address in " + quoted(text));
    ListenAddresses addrs;
    if (!first.empty()) addrs.internal = listen_address(value, first, v6);
    if (!second.empty()) addrs.external = listen_address(value, second, v6);
    if (slash != std::string_view::npos) bridge = true;
    return addrs;
}

// sippy's rules (main.c, init_config()): a '/' in -l or -6 is bridge mode, which takes
// exactly one internal (first) and one external (second) address, each from one family.
// Without it sippy takes one address, of -l or of -6; this daemon takes one of each too, a
// dual-stack relay (each family its own switchboard, and a bridge between them for the ng
// protocol's "address family"), which is what an operator of rtpengine expects. Internal is sippy's
// bindaddr[0], which the I modifier of U and L names, external bindaddr[1], E's.
void check_listen(const Options& opts, bool bridge, const Reader& reader) {
    const std::string l = reader.label("listen"), l6 = reader.label("listen6");
    if (bridge) {
        if (opts.ipv4.internal && opts.ipv6.internal)
            throw UsageError("both " + l + " and " + l6 +
                             " give an internal address (addr1); a bridge's internal network "
                             "is of one family");
        if (opts.ipv4.external && opts.ipv6.external)
            throw UsageError("both " + l + " and " + l6 +
                             " give an external address (addr2); a bridge's external network "
                             "is of one family");
        if (!opts.ipv4.internal && !opts.ipv6.internal)
            throw UsageError("bridge mode without an internal address: give addr1 of " + l +
                             " or " + l6);
        if (!opts.ipv4.external && !opts.ipv6.external)
            throw UsageError("bridge mode without an external address: give addr2 of " + l +
                             " or " + l6);
    }
}

// "[addr]:port", or "host:port" split at the last ':' (sippy's udp6:::1:22222). A missing or
// empty port is default_port, refused without one.
struct HostPort {
    std::string host;
    std::uint16_t port = 0;
};
HostPort split_host_port(const Value& value, std::string_view text,
                         std::optional<std::uint16_t> default_port) {
    std::string_view host = text, port;
    bool has_port = false;
    if (text.starts_with('[')) {
        const auto close = text.find(']');
        if (close == std::string_view::npos) fail(value, "no ']' in " + quoted(value.text));
        host = text.substr(1, close - 1);
        const std::string_view rest = text.substr(close + 1);
        if (!rest.empty() && !rest.starts_with(':'))
            fail(value, "junk after ']' in " + quoted(value.text));
        has_port = !rest.empty();
        if (has_port) port = rest.substr(1);
    } else if (const auto colon = text.rfind(':'); colon != std::string_view::npos) {
        host = text.substr(0, colon);
        port = text.substr(colon + 1);
        has_port = true;
    }
    if (host.empty()) fail(value, "no host in " + quoted(value.text));
    HostPort result{std::string(host), 0};
    if (has_port && !port.empty()) {
        result.port = parse_port(value, port);
    } else if (default_port) {
        result.port = *default_port;
    } else {
        fail(value, "no port in " + quoted(value.text));
    }
    return result;
}

// The host of a udp: or udp6: control socket: '*' or a numeric address of the family.
std::string control_host(const Value& value, const std::string& host, bool v6) {
    if (host == "*") return host;
    const auto addr = xtrtpproxy::Address::try_parse(host);
    if (!addr) {
        fail(value,
             "invalid IP address " + quoted(host) + " (numeric, or * for all" +
                 (v6 ? "; the port is after the last ':': udp6:[::1] or udp6:::1:22222)" : ")"));
    }
    if (addr->is_v6() != v6)
        fail(value, quoted(host) + " is not an IPv" + (v6 ? "6" : "4") + " address (" +
                        (v6 ? "udp:" : "udp6:") + " takes IPv" + (v6 ? "4" : "6") + ")");
    return addr->to_string();
}

// -s and --ng. sippy's default type is unix: a bare path is one (-s /var/run/rtpproxy.sock).
SocketAddress parse_socket(const Value& value, bool ng) {
    const std::string_view text = value.text;
    SocketAddress sock;
    std::string_view rest;
    if (text.starts_with("udp:")) {
        sock.kind = SocketAddress::Kind::udp;
        rest = text.substr(4);
    } else if (text.starts_with("udp6:")) {
        sock.kind = SocketAddress::Kind::udp6;
        rest = text.substr(5);
    } else if (text.starts_with("unix:") || text.starts_with('/')) {
        if (ng) fail(value, "unix socket " + quoted(text) + " (rtpengine's ng protocol is UDP)");
        sock.kind = SocketAddress::Kind::unix_stream;
        sock.path = text.starts_with('/') ? text : text.substr(5);
        check_unix_path(value, sock.path);
        return sock;
    } else {
        // sippy's cunix:, tcp:, stdio: and systemd: among others.
        fail(value, "unsupported socket " + quoted(text) +
                        (ng ? " (udp:HOST:PORT or udp6:HOST:PORT)" : " (udp:, udp6: or unix:)"));
    }
    const bool v6 = sock.kind == SocketAddress::Kind::udp6;
    const auto host_port =
        split_host_port(value, rest, ng ? std::nullopt : std::optional(kDefaultControlPort));
    sock.host = control_host(value, host_port.host, v6);
    sock.port = host_port.port;
    return sock;
}

// Two sockets that could not both be bound: the same path, or the same family and port on
// the same address or on all of them.
bool same_socket(const SocketAddress& a, const SocketAddress& b) {
    if (a.kind != b.kind) return false;
    if (a.kind == SocketAddress::Kind::unix_stream) return a.path == b.path;
    return a.port == b.port && (a.host == b.host || a.host == "*" || b.host == "*");
}

NotifyTarget parse_notify(const Value& value) {
    const std::string_view text = value.text;
    NotifyTarget target;
    std::string_view rest;
    if (text.starts_with("unix:") || text.starts_with('/')) {
        // A bare path is rtpproxy 1.x's form, which sippy still takes.
        target.kind = NotifyTarget::Kind::unix_stream;
        target.path = text.starts_with('/') ? text : text.substr(5);
        check_unix_path(value, target.path);
        return target;
    }
    if (text.starts_with("tcp:")) {
        target.kind = NotifyTarget::Kind::tcp;
        rest = text.substr(4);
    } else if (text.starts_with("udp:")) {
        target.kind = NotifyTarget::Kind::udp;
        rest = text.substr(4);
    } else {
        fail(value, "unsupported socket " + quoted(text) + " (unix:, tcp: or udp:)");
    }
    const auto host_port = split_host_port(value, rest, std::nullopt);
    target.port = host_port.port;
    if (host_port.host == kCommandSender) {
        target.host = host_port.host;
    } else if (const auto addr = xtrtpproxy::Address::try_parse(host_port.host)) {
        target.host = addr->to_string();
    } else {
        fail(value, "invalid IP address " + quoted(host_port.host) + " (numeric, or " +
                        std::string(kCommandSender) + ")");
    }
    return target;
}

// One gate of --switchboard: "addr:port" or "[v6addr]:port"; its lowest port, even.
void parse_gate(const Value& value, std::string_view text, std::optional<xtrtpproxy::Address>& addr,
                std::optional<std::uint16_t>& port) {
    std::string_view host;
    std::string_view port_text;
    if (text.starts_with('[')) {
        const auto close = text.find("]:");
        if (close == std::string_view::npos)
            fail(value, "no ']:port' after the IPv6 address in " + quoted(text));
        host = text.substr(1, close - 1);
        port_text = text.substr(close + 2);
        const auto parsed = xtrtpproxy::Address::try_parse(host);
        if (!parsed || !parsed->is_v6())
            fail(value, "invalid IPv6 address " + quoted(host) + " in " + quoted(text));
        addr = parsed;
    } else {
        const auto colon = text.find(':');
        if (colon == std::string_view::npos) fail(value, "no port in " + quoted(text));
        if (text.find(':', colon + 1) != std::string_view::npos)
            fail(value, quoted(text) + ": an IPv6 address goes in brackets, [ADDR]:PORT");
        host = text.substr(0, colon);
        port_text = text.substr(colon + 1);
        const auto parsed = xtrtpproxy::Address::try_parse(host);
        if (!parsed) fail(value, "invalid IP address " + quoted(host) + " in " + quoted(text));
        addr = parsed;
    }
    port = parse_port(value, port_text);
    // A gate's range starts with an RTP port, always even; the kernel refuses odd ones.
    if (*port % 2 != 0)
        fail(value,
             "gate port " + std::to_string(*port) + " is odd (a gate starts at an even port)");
}

xtrtpproxy::SwitchboardSelector parse_switchboard(const Value& value) {
    const std::string_view text = value.text;
    const auto comma = text.find(',');
    xtrtpproxy::SwitchboardSelector selector;
    parse_gate(value, text.substr(0, comma), selector.addr_a, selector.port_a);
    if (comma != std::string_view::npos) {
        const std::string_view b = text.substr(comma + 1);
        if (b.find(',') != std::string_view::npos)
            fail(value, "more than two gates in " + quoted(text));
        parse_gate(value, b, selector.addr_b, selector.port_b);
    }
    return selector;
}

bool equal_ignoring_case(std::string_view a, std::string_view b) {
    return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
               return std::tolower(static_cast<unsigned char>(x)) ==
                      std::tolower(static_cast<unsigned char>(y));
           });
}

// -d: sippy's level names (rtpp_log_str2lvl(), without case) and syslog's; a facility as
// rtpp_log_str2fac() takes it, with or without LOG_.
void parse_log_level(const Value& value, Options& opts) {
    struct Level {
        const char* name;
        LogLevel level;
    };
    static constexpr Level kLevels[] = {
        {"DBUG", LogLevel::debug},    {"INFO", LogLevel::info},
        {"WARN", LogLevel::warning},  {"ERR", LogLevel::error},
        {"CRIT", LogLevel::critical}, {"debug", LogLevel::debug},
        {"notice", LogLevel::notice}, {"warning", LogLevel::warning},
        {"error", LogLevel::error},   {"critical", LogLevel::critical},
    };
    static constexpr const char* kFacilities[] = {
        "LOG_AUTH",   "LOG_AUTHPRIV", "LOG_CRON",   "LOG_DAEMON", "LOG_FTP",
        "LOG_KERN",   "LOG_LOCAL0",   "LOG_LOCAL1", "LOG_LOCAL2", "LOG_LOCAL3",
        "LOG_LOCAL4", "LOG_LOCAL5",   "LOG_LOCAL6", "LOG_LOCAL7", "LOG_LPR",
        "LOG_MAIL",   "LOG_NEWS",     "LOG_SYSLOG", "LOG_USER",   "LOG_UUCP",
    };
    const std::string_view text = value.text;
    const auto colon = text.find(':');
    const std::string_view level = text.substr(0, colon);
    const auto found = std::find_if(std::begin(kLevels), std::end(kLevels), [&](const Level& l) {
        return equal_ignoring_case(l.name, level);
    });
    if (found == std::end(kLevels))
        fail(value, "unknown log level " + quoted(level) +
                        " (DBUG, INFO, WARN, ERR, CRIT, debug, info, notice, warning, error, "
                        "critical)");
    opts.log_level = found->level;
    if (colon == std::string_view::npos) return;
    const std::string_view facility = text.substr(colon + 1);
    for (const char* name : kFacilities) {
        if (equal_ignoring_case(name, facility) ||
            equal_ignoring_case(std::string_view(name).substr(4), facility)) {
            opts.log_facility = name;
            return;
        }
    }
    fail(value, "unknown syslog facility " + quoted(facility) + " (LOG_DAEMON, LOG_LOCAL0...)");
}

// -u user[:group]; the names are looked up when the daemon drops its privileges.
void parse_user(const Value& value, Options& opts) {
    const std::string_view text = value.text;
    const auto colon = text.find(':');
    const std::string_view user = text.substr(0, colon);
    // sippy's ":group" keeps root's user id; a group alone is not what -u is for.
    if (user.empty()) fail(value, "no user in " + quoted(text));
    opts.user = std::string(user);
    if (colon == std::string_view::npos) return;
    const std::string_view group = text.substr(colon + 1);
    if (group.empty()) fail(value, "no group after ':' in " + quoted(text));
    if (group.find(':') != std::string_view::npos)
        fail(value, "more than one ':' in " + quoted(text));
    opts.group = std::string(group);
}

void parse_ports(const Reader& reader, Options& opts) {
    const auto min = reader.single("port-min");
    const auto max = reader.single("port-max");
    if (min) {
        opts.port_min =
            static_cast<std::uint16_t>(parse_number(*min, min->text, kLowestPort, 65535, "port"));
        // sippy rounds an odd one up; here the lowest port is what was asked for, or nothing.
        if (opts.port_min % 2 != 0)
            fail(*min, "port " + min->text + " is odd (the RTP port of a session is even)");
    }
    if (max)
        opts.port_max =
            static_cast<std::uint16_t>(parse_number(*max, max->text, kLowestPort, 65535, "port"));
    const unsigned ports = opts.port_max >= opts.port_min ? opts.port_max - opts.port_min + 1 : 0;
    if (ports < kPortsPerSession) {
        const std::string m = reader.label("port-min"), M = reader.label("port-max");
        if (ports == 0)
            throw UsageError(M + " " + std::to_string(opts.port_max) + " is below " + m + " " +
                             std::to_string(opts.port_min));
        throw UsageError(m + " " + std::to_string(opts.port_min) + " and " + M + " " +
                         std::to_string(opts.port_max) + " leave " + std::to_string(ports) +
                         " ports; a session takes " + std::to_string(kPortsPerSession));
    }
}

void parse_paths(const Reader& reader, Options& opts) {
    if (const auto v = reader.single("record-dir")) {
        check_path(*v, v->text, "directory");
        opts.record_dir = v->text;
    }
    if (const auto v = reader.single("spool-dir")) {
        if (opts.record_dir.empty())
            throw UsageError(v->label + " needs " + reader.label("record-dir"));
        check_path(*v, v->text, "directory");
        opts.spool_dir = v->text;
    } else {
        opts.spool_dir = opts.record_dir;
    }
    opts.record_no_rtcp = reader.flag("no-record-rtcp");
    if (const auto v = reader.single("pid-file")) {
        check_path(*v, v->text, "file");
        opts.pid_file = v->text;
    }
    if (const auto v = reader.single("state-dir")) {
        check_path(*v, v->text, "directory");
        opts.state_dir = v->text;
    }
}

void parse_sockets(const Reader& reader, Options& opts) {
    std::vector<std::pair<SocketAddress, std::string>> all;  // with their labels
    const auto add = [&](const Value& v, bool ng) {
        const SocketAddress sock = parse_socket(v, ng);
        for (const auto& [other, label] : all)
            if (same_socket(sock, other))
                throw UsageError(quoted(v.text) + " for " + v.label + " and " +
                                 quoted(other.to_string()) + " for " + label +
                                 " cannot both be bound");
        all.emplace_back(sock, v.label);
        (ng ? opts.ng : opts.control).push_back(sock);
    };
    for (const auto& v : reader.repeated("control-socket")) add(v, false);
    for (const auto& v : reader.repeated("ng")) add(v, true);
    if (opts.control.empty() && opts.ng.empty()) {
        SocketAddress sock;
        sock.kind = SocketAddress::Kind::unix_stream;
        sock.path = kDefaultControlPath;
        opts.control.push_back(sock);
    }
}

void parse_relay(const Reader& reader, Options& opts) {
    bool bridge = false;
    const auto l = reader.single("listen"), l6 = reader.single("listen6");
    if (l) opts.ipv4 = parse_listen(*l, false, bridge);
    if (l6) opts.ipv6 = parse_listen(*l6, true, bridge);
    check_listen(opts, bridge, reader);

    for (const auto& v : reader.repeated("switchboard")) {
        const auto selector = parse_switchboard(v);
        if (std::find(opts.switchboards.begin(), opts.switchboards.end(), selector) !=
            opts.switchboards.end())
            fail(v, quoted(v.text) + " given twice");
        opts.switchboards.push_back(selector);
    }
    if (!opts.switchboards.empty()) {
        const std::string sb = reader.label("switchboard");
        for (const char* name : {"listen", "listen6", "port-min", "port-max"})
            if (reader.given(name))
                throw UsageError(sb + " and " + reader.label(name) +
                                 " exclude each other: the switchboards' rules give the gates");
    } else if (!l && !l6) {
        throw UsageError("no address to relay on: give -l/--listen, -6/--listen6 or --switchboard");
    }
    parse_ports(reader, opts);
    if (const auto v = reader.single("idle-timeout"))
        opts.idle_timeout = static_cast<std::uint32_t>(
            parse_number(*v, v->text, 1, XT_RTPPROXY_MAX_TIMEOUT, "timeout"));
}

// The file's values go under the command line's: Boost's store() keeps what an earlier
// store() gave, a vector included (no option is composing()), and only replaces defaults.
void read_config_file(const std::string& file, po::variables_map& vm, Origins& origins) {
    std::ifstream in(file);
    if (!in) {
        std::string message =
            "cannot read configuration file " + quoted(file) + ": " + std::strerror(errno);
        if (file == "fifo" || file == "rr")
            message += " (-c is --config here, not rtpproxy's scheduling policy)";
        throw UsageError(message);
    }
    std::stringstream text;
    text << in.rdbuf();
    origins.scan_file(file, text.str());
    std::istringstream is(text.str());
    try {
        po::store(po::parse_config_file(is, describe(false)), vm);
    } catch (const po::invalid_config_file_syntax& e) {
        throw UsageError(origins.invalid_line(e.tokens()) + ": " + e.what());
    } catch (const po::multiple_occurrences& e) {
        throw UsageError(origins.file_line(e.get_option_name(), 1) + ": " + e.what());
    } catch (const po::error_with_option_name& e) {
        throw UsageError(origins.file_line(e.get_option_name(), 0) + ": " + e.what());
    } catch (const po::error& e) {
        throw UsageError(file + ": " + e.what());
    }
}

}  // namespace

std::string SocketAddress::to_string() const {
    switch (kind) {
        case Kind::udp:
            return "udp:" + host + ":" + std::to_string(port);
        case Kind::udp6:
            return "udp6:" + (host == "*" ? host : "[" + host + "]") + ":" + std::to_string(port);
        case Kind::unix_stream:
            break;
    }
    return "unix:" + path;
}

bool NotifyTarget::command_sender() const { return host == kCommandSender; }

NotifyTarget parse_notify_target(std::string_view text, std::string_view what) {
    return parse_notify(Value{std::string(text), std::string(what)});
}

std::string NotifyTarget::to_string() const {
    if (kind == Kind::unix_stream) return "unix:" + path;
    const bool v6 = host.find(':') != std::string::npos;
    return std::string(kind == Kind::tcp ? "tcp:" : "udp:") + (v6 ? "[" + host + "]" : host) + ":" +
           std::to_string(port);
}

Options parse_options(int argc, const char* const* argv) {
    const std::vector<std::string> args(argv + (argc > 0 ? 1 : 0), argv + argc);
    Options opts;
    find_help_and_version(args, opts);
    if (opts.show_help || opts.show_version) return opts;

    po::variables_map vm;
    // parsed keeps a pointer to it, for store().
    const po::options_description desc = describe(true);
    try {
        const auto parsed = po::command_line_parser(args).options(desc).style(kStyle).run();
        // Without a positional description Boost keeps other words aside, silently.
        const auto words = po::collect_unrecognized(parsed.options, po::include_positional);
        if (!words.empty())
            throw UsageError("unexpected argument " + quoted(words.front()) +
                             " (iptrtpproxyd takes options only)");
        po::store(parsed, vm);
    } catch (const po::error& e) {
        throw UsageError(e.what());
    }
    Origins origins;
    origins.set_command_line(vm);
    if (vm.count("config")) {
        opts.config_file = vm["config"].as<std::string>();
        read_config_file(opts.config_file, vm, origins);
    }

    const Reader reader(vm, origins);
    parse_relay(reader, opts);
    parse_sockets(reader, opts);
    if (const auto v = reader.single("notify-socket")) opts.notify = parse_notify(*v);
    if (const auto v = reader.single("tos"))
        opts.tos = static_cast<std::uint8_t>(parse_number(*v, v->text, 0, 255, "TOS", true));
    if (const auto v = reader.single("max-ttl"))
        opts.max_ttl = static_cast<std::uint8_t>(parse_number(*v, v->text, 1, 255, "TTL"));
    opts.duplicate_small = reader.flag("duplicate-small");
    parse_paths(reader, opts);
    opts.foreground = reader.flag("foreground");
    if (const auto v = reader.single("user")) parse_user(*v, opts);
    if (const auto v = reader.single("log-level")) parse_log_level(*v, opts);
    return opts;
}

std::string usage_text() {
    std::ostringstream out;
    out << "Usage: iptrtpproxyd -l addr1[/addr2] | -6 addr1[/addr2] | --switchboard gates...\n"
           "                    [-2fR] [-s ctrl_socket] [--ng ng_socket] [-t tos] [-T max_ttl]\n"
           "                    [-r rdir [-S sdir]] [-m port_min] [-M port_max]\n"
           "                    [--idle-timeout seconds] [-n timeout_socket] [--state-dir dir]\n"
           "                    [-u uname[:gname]] [-d log_level[:log_facility]] [-p pid_file]\n"
           "                    [-c config_file]\n"
           "       iptrtpproxyd -v | -h\n"
           "rtpproxy(8)'s control protocol, and rtpengine's ng, on the kernel's RTP relay "
           "(xt_RTPPROXY).\n\n"
        << describe(true)
        << "\nA configuration file (-c) has 'name = value' lines of the long names but config,\n"
           "help and version; '#' begins a comment. The command line wins over it; a repeatable\n"
           "option on the command line replaces all of the file's lines of it.\n";
    return out.str();
}

}  // namespace rtpproxyd

// SPDX-License-Identifier: GPL-2.0
// Command line parsing with Boost.ProgramOptions and the checks the man page implies.
#include "options.hpp"

#include <linux/netfilter/xt_RTPPROXY.h>

#include <algorithm>
#include <boost/program_options.hpp>
#include <limits>
#include <sstream>

#include "commands.hpp"
#include "label_text.hpp"
#include "option_values.hpp"
#include "recording_options.hpp"
#include "relay_options.hpp"
#include "xtrtpproxy/monitor.hpp"

namespace po = boost::program_options;

namespace iptrtpproxy {

namespace {

struct Descriptions {
    // Wide enough that every group lines its descriptions up at the same column.
    static constexpr unsigned kWidth = 100, kColumn = 60;
    po::options_description switchboard{"Switchboard (every option given must match)", kWidth,
                                        kColumn};
    po::options_description range{"Session range", kWidth, kColumn};
    po::options_description client{"RTP params", kWidth, kColumn};
    po::options_description relay{"Relay options (how the session's packets leave)", kWidth,
                                  kColumn};
    po::options_description recording{"Recording (copies of the session's datagrams to NFLOG)",
                                      kWidth, kColumn};
    po::options_description label{"Session label (%XX is the byte XX, '%' itself is %25)", kWidth,
                                  kColumn};
    po::options_description label_filter{"Label filter", kWidth, kColumn};
    po::options_description list{"List verbosity", kWidth, kColumn};
    po::options_description monitor{"Monitor options", kWidth, kColumn};
    po::options_description other{
        "Other options (the audit before the command; info and list "
        "reset after printing)",
        kWidth, kColumn};
    po::options_description common{"Common options", kWidth, kColumn};
    po::options_description positional;

    Descriptions();
    // The groups a command accepts, in help order, paired with their OptionGroup bit.
    std::vector<std::pair<unsigned, const po::options_description*>> groups() const {
        return {{kSwitchboardOptions, &switchboard},
                {kRangeOptions, &range},
                {kClientOptions, &client},
                {kRelayOptions, &relay},
                {kRecordingOptions, &recording},
                {kLabelOptions, &label},
                {kLabelFilterOptions, &label_filter},
                {kListOptions, &list},
                {kMonitorOptions, &monitor},
                {kOtherOptions, &other}};
    }
};

Descriptions::Descriptions() {
    const auto text = [](const char* name) { return po::value<std::string>()->value_name(name); };
    // One option per line reads better than what clang-format makes of the call chains.
    // clang-format off
    switchboard.add_options()
        ("addr-a", text("ip"), "IP address of gate A")
        ("port-a", text("port"), "lowest port of gate A")
        ("addr-b", text("ip"), "IP address of gate B")
        ("port-b", text("port"), "lowest port of gate B");
    range.add_options()
        ("sess-id-lo", text("id"), "lowest session id (default 0)")
        ("sess-id-hi", text("id"), "highest session id (default: --sess-id-lo)");
    client.add_options()
        ("rtp-addr-a", text("ip"), "IP address of client A's RTP (needs --rtp-port-a)")
        ("rtp-port-a", text("port"), "port of client A's RTP")
        ("rtcp-addr-a", text("ip"), "IP address of client A's RTCP (default: --rtp-addr-a)")
        ("rtcp-port-a", text("port"), "port of client A's RTCP (default: --rtp-port-a + 1)")
        ("rtp-addr-b", text("ip"), "IP address of client B's RTP (needs --rtp-port-b)")
        ("rtp-port-b", text("port"), "port of client B's RTP")
        ("rtcp-addr-b", text("ip"), "IP address of client B's RTCP (default: --rtp-addr-b)")
        ("rtcp-port-b", text("port"), "port of client B's RTCP (default: --rtp-port-b + 1)")
        ("rtp-learning-timeout-a", text("msec"), "learn client A's RTP address for msec (<= 86400000)")
        ("rtcp-learning-timeout-a", text("msec"),
         "learn client A's RTCP address (default: --rtp-learning-timeout-a)")
        ("rtp-learning-timeout-b", text("msec"), "learn client B's RTP address for msec (<= 86400000)")
        ("rtcp-learning-timeout-b", text("msec"),
         "learn client B's RTCP address (default: --rtp-learning-timeout-b)")
        ("always-learn", po::bool_switch(), "keep learning every stream's source from every packet")
        ("rtp-rate-a", text("bytes[/burst]"), "limit client A's RTP to bytes of payload a second (0: no limit)")
        ("rtcp-rate-a", text("bytes[/burst]"), "the same for client A's RTCP (its own, not derived from RTP)")
        ("rtp-rate-b", text("bytes[/burst]"), "limit client B's RTP to bytes of payload a second (0: no limit)")
        ("rtcp-rate-b", text("bytes[/burst]"), "the same for client B's RTCP (its own, not derived from RTP)")
        ("clock-rate", text("hz"), "RTP clock of the session in Hz, for the jitter (alloc: 8000)");
    add_relay_options(relay);
    add_recording_options(recording);
    label.add_options()
        ("label", text("text"),
         "alloc, update: the sessions' label ('' removes it); list, monitor: only the sessions with it");
    label_filter.add_options()
        ("label-prefix", po::bool_switch(), "list, monitor: the sessions whose label begins with --label");
    list.add_options()
        ("no-switchboard", po::bool_switch(), "do not list switchboards (implies --no-session)")
        ("no-session", po::bool_switch(), "do not list sessions");
    monitor.add_options()
        ("rcvbuf", text("bytes"), "room for the events not yet read (k: thousand, M: million)")
        ("count", text("n"), "exit after n lines");
    other.add_options()
        ("reset-global-stat", po::bool_switch(), "reset the global counters")
        ("reset-switchboard-stat", po::bool_switch(), "reset the switchboards' counters")
        ("reset-packet-stat", po::bool_switch(), "reset the sessions' per-stream counters")
        ("audit", po::bool_switch(), "run the expiry check now");
    common.add_options()
        ("verbose,v", po::bool_switch(), "verbose output on stderr")
        ("version", po::bool_switch(), "print the version")
        ("help,h", po::bool_switch(), "print help of the command, or the list of commands");
    // clang-format on
    positional.add_options()("command", po::value<std::string>());
}

// -h, -vh, -hv: a group of our short flags that contains h.
bool is_short_help(const std::string& arg) {
    if (arg.size() < 2 || arg[0] != '-' || arg[1] == '-') return false;
    const std::string_view flags(arg.data() + 1, arg.size() - 1);
    return flags.find('h') != std::string_view::npos &&
           flags.find_first_not_of("hv") == std::string_view::npos;
}

std::optional<std::uint16_t> gate_port(const Values& values, const char* name) {
    auto port = values.port(name);
    // A gate's range starts with an RTP port, always even.
    if (port && *port % 2 != 0)
        throw UsageError("gate port " + std::to_string(*port) + " for --" + name +
                         " is odd; a gate starts at an even port");
    return port;
}

// One client's RTP and RTCP options: checks that addresses come with ports and fills the
// RTP and RTCP stream params as given (the library derives the RTCP defaults, but no rate).
void parse_client(const Values& values, char side, bool always_learn, xtrtpproxy::StreamParams& rtp,
                  xtrtpproxy::StreamParams& rtcp) {
    const auto name = [side](const char* base) { return std::string(base) + side; };
    const std::string rtp_addr = name("rtp-addr-"), rtp_port = name("rtp-port-");
    const std::string rtcp_addr = name("rtcp-addr-"), rtcp_port = name("rtcp-port-");
    const std::string rtp_learn = name("rtp-learning-timeout-");
    const std::string rtcp_learn = name("rtcp-learning-timeout-");
    const std::string rtp_rate = name("rtp-rate-"), rtcp_rate = name("rtcp-rate-");

    rtp.addr = values.address(rtp_addr.c_str());
    rtp.port = values.port(rtp_port.c_str());
    rtcp.addr = values.address(rtcp_addr.c_str());
    rtcp.port = values.port(rtcp_port.c_str());
    // The kernel's longest window: beyond it the kernel would refuse the request (exit 1).
    rtp.learn_timeout_ms =
        values.number(rtp_learn.c_str(), RTPPROXY_MAX_LEARN_TIMEOUT_MS, "timeout");
    rtcp.learn_timeout_ms =
        values.number(rtcp_learn.c_str(), RTPPROXY_MAX_LEARN_TIMEOUT_MS, "timeout");
    if (const auto rate = values.text(rtp_rate.c_str()))
        rtp.rate = parse_rate_limit(rtp_rate, *rate);
    if (const auto rate = values.text(rtcp_rate.c_str()))
        rtcp.rate = parse_rate_limit(rtcp_rate, *rate);

    if (rtp.addr && !rtp.port) throw UsageError("--" + rtp_addr + " needs --" + rtp_port);
    if (rtp.port && !rtp.addr) throw UsageError("--" + rtp_port + " needs --" + rtp_addr);
    // RTCP may borrow the address or the port from RTP, but must end up with both or neither.
    if (rtcp.addr && !rtcp.port && !rtp.port)
        throw UsageError("--" + rtcp_addr + " needs --" + rtcp_port + " or --" + rtp_port);
    if (rtcp.port && !rtcp.addr && !rtp.addr)
        throw UsageError("--" + rtcp_port + " needs --" + rtcp_addr + " or --" + rtp_addr);
    rtp.always_learn = always_learn;
    rtcp.always_learn = always_learn;
}

// "--label=" as "--label" "": Boost refuses an empty value after '=', and a batch line, split
// at blanks without quotes, has no other way to give the empty label that removes a label.
std::vector<std::string> with_empty_label(const std::vector<std::string>& args) {
    std::vector<std::string> out;
    out.reserve(args.size() + 1);
    for (const auto& arg : args) {
        if (arg == "--label=") {
            out.emplace_back("--label");
            out.emplace_back();
        } else {
            out.push_back(arg);
        }
    }
    return out;
}

// --label of alloc and update into params, of list and monitor (with --label-prefix) into the
// filter.
void parse_label(const Values& values, const Subcommand& subcommand, Options& opts) {
    const auto text = values.text("label");
    if (!text) {
        if (values.flag("label-prefix")) throw UsageError("--label-prefix needs --label");
        return;
    }
    std::string label = label_from_text("label", *text);
    if (!(subcommand.groups & kLabelFilterOptions)) {
        opts.params.label = std::move(label);
        return;
    }
    // The kernel filters by 1..RTPPROXY_LABEL_MAX bytes: the sessions without a label cannot
    // be asked for, and an empty prefix is no filter.
    if (label.empty())
        throw UsageError("--label for " + opts.command + " takes a label of 1.." +
                         std::to_string(xtrtpproxy::kLabelMax) + " bytes, not an empty one");
    opts.label_filter = xtrtpproxy::LabelFilter{std::move(label), values.flag("label-prefix")};
}

const Descriptions& descriptions() {
    static const Descriptions desc;
    return desc;
}

}  // namespace

Options parse_options(const std::vector<std::string>& args) {
    Options opts;
    // -h and --version win over everything else, wherever they are, as the man page says.
    for (const auto& arg : args) {
        if (arg == "--help" || is_short_help(arg))
            opts.help = true;
        else if (arg == "--version")
            opts.version = true;
    }
    if (opts.help) {
        const auto command = std::find_if(args.begin(), args.end(), [](const std::string& arg) {
            return find_subcommand(arg) != nullptr;
        });
        if (command != args.end()) opts.command = *command;
        return opts;
    }
    if (opts.version) return opts;

    const Descriptions& desc = descriptions();
    po::options_description all;
    for (const auto& [bit, group] : desc.groups()) all.add(*group);
    all.add(desc.common).add(desc.positional);
    po::positional_options_description positional;
    positional.add("command", 1);

    po::variables_map vm;
    try {
        // Exact option names only: no abbreviations, so scripts cannot come to depend on them.
        const int style =
            po::command_line_style::default_style & ~po::command_line_style::allow_guessing;
        po::store(po::command_line_parser(with_empty_label(args))
                      .options(all)
                      .positional(positional)
                      .style(style)
                      .run(),
                  vm);
        po::notify(vm);
    } catch (const po::error& e) {
        throw UsageError(e.what());
    }

    if (!vm.count("command")) throw UsageError("no command given");
    opts.command = vm["command"].as<std::string>();
    const Subcommand* subcommand = find_subcommand(opts.command);
    if (!subcommand) throw UsageError("unknown command '" + opts.command + "'");

    const Values values(vm);
    for (const auto& [bit, group] : desc.groups()) {
        if (subcommand->groups & bit) continue;
        for (const auto& option : group->options())
            if (values.given(option->long_name().c_str()))
                throw UsageError("option '--" + option->long_name() + "' is not accepted by '" +
                                 opts.command + "'");
    }

    opts.verbose = values.flag("verbose");

    opts.selector.addr_a = values.address("addr-a");
    opts.selector.port_a = gate_port(values, "port-a");
    opts.selector.addr_b = values.address("addr-b");
    opts.selector.port_b = gate_port(values, "port-b");

    const auto lo = values.number("sess-id-lo", XT_RTPPROXY_MAX_SESS - 1, "session id");
    const auto hi = values.number("sess-id-hi", XT_RTPPROXY_MAX_SESS - 1, "session id");
    if (lo || hi) {
        opts.range = xtrtpproxy::SessionRange{lo.value_or(0), hi ? *hi : lo.value_or(0)};
        if (opts.range->hi < opts.range->lo)
            throw UsageError("--sess-id-hi " + std::to_string(opts.range->hi) +
                             " is below --sess-id-lo " + std::to_string(opts.range->lo));
    }

    const bool always_learn = values.flag("always-learn");
    using xtrtpproxy::StreamIndex;
    parse_client(values, 'a', always_learn, opts.params.stream(StreamIndex::rtp_a),
                 opts.params.stream(StreamIndex::rtcp_a));
    parse_client(values, 'b', always_learn, opts.params.stream(StreamIndex::rtp_b),
                 opts.params.stream(StreamIndex::rtcp_b));
    // The library derives the RTCP defaults when it sends the request; what it cannot derive
    // is a bad command line, so it is found here (exit 2), not by the request (exit 1).
    try {
        xtrtpproxy::with_rtcp_defaults(opts.params);
    } catch (const std::invalid_argument& e) {
        throw UsageError(e.what());
    }
    // The kernel's range: beyond it the kernel would refuse the request (exit 1).
    if (const auto clock_rate = values.text("clock-rate"))
        opts.params.clock_rate = static_cast<std::uint32_t>(
            parse_number("clock-rate", *clock_rate, xtrtpproxy::kMinClockRate,
                         xtrtpproxy::kMaxClockRate, "clock rate"));
    opts.params.relay = parse_relay_options(values);
    parse_recording_options(values, opts.params);
    parse_label(values, *subcommand, opts);
    if (opts.command == "alloc" && !opts.params.has_client_or_learning())
        throw UsageError(
            "alloc needs a client address or a learning timeout "
            "(--rtp-addr-a/--rtp-port-a, --rtp-learning-timeout-a, ... -b)");

    opts.no_switchboard = values.flag("no-switchboard");
    opts.no_session = values.flag("no-session") || opts.no_switchboard;

    if (values.flag("reset-global-stat")) opts.reset_bits |= RTPPROXY_RESET_GLOBAL;
    if (values.flag("reset-switchboard-stat")) opts.reset_bits |= RTPPROXY_RESET_SWITCHBOARD;
    if (values.flag("reset-packet-stat")) opts.reset_bits |= RTPPROXY_RESET_SESSIONS;
    opts.audit = values.flag("audit");

    if (const auto rcvbuf = values.text("rcvbuf"))
        opts.rcvbuf = parse_number("rcvbuf", *rcvbuf, 1, xtrtpproxy::Monitor::kMaxReceiveBuffer,
                                   "size", NumberBase::decimal_or_kilo_mega);
    if (const auto count = values.text("count"))
        opts.count =
            parse_number("count", *count, 1, std::numeric_limits<std::uint64_t>::max(), "count");
    return opts;
}

std::string help_text(std::string_view command) {
    const Descriptions& desc = descriptions();
    std::ostringstream out;
    const Subcommand* subcommand = command.empty() ? nullptr : find_subcommand(command);
    if (!subcommand) {
        out << "Usage: iptrtpproxy <command> [options]\n"
               "       iptrtpproxy -h [command]\n"
               "       iptrtpproxy --version\n"
               "       iptrtpproxy [--force] -b|--batch FILE   (one command per line; '-': "
               "stdin)\n\n"
               "Manages the RTP/RTCP sessions of the netfilter RTPPROXY target.\n\n"
               "Commands:\n";
        for (const auto& sub : subcommands()) {
            std::string name(sub.name);
            name.resize(8, ' ');
            out << "  " << name << sub.help << "\n";
        }
        out << "\n" << desc.common << "\nSee 'iptrtpproxy -h <command>' and iptrtpproxy(8).\n";
        return out.str();
    }
    out << "Usage: iptrtpproxy " << subcommand->name << " " << subcommand->synopsis << "\n\n"
        << subcommand->help << "\n";
    for (const auto& [bit, group] : desc.groups())
        if (subcommand->groups & bit) out << "\n" << *group;
    out << "\n" << desc.common;
    return out.str();
}

}  // namespace iptrtpproxy

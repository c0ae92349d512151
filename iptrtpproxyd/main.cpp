// SPDX-License-Identifier: GPL-2.0
// iptrtpproxyd: a drop-in for rtpproxy(8) and rtpengine's ng control whose media never leave
// the kernel. Start-up: options, switchboards, the call table from the kernel's labels, the
// sockets, the privileges dropped, detached; then the event loop; at the end what it made is
// removed.
//
// Exit status: 0 stopped by SIGTERM or SIGINT; 1 a start-up failure (the message says what);
// 2 a usage error.
#include <fcntl.h>
#include <grp.h>
#include <pwd.h>
#include <signal.h>
#include <sys/capability.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/un.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstddef>
#include <cstdio>
#include <cstring>
#include <iostream>
#include <memory>
#include <optional>
#include <string>
#include <system_error>
#include <vector>

#include "call_table.hpp"
#include "control_sockets.hpp"
#include "daemon.hpp"
#include "ephemeral_ports.hpp"
#include "log.hpp"
#include "ng_service.hpp"
#include "notify_journal.hpp"
#include "options.hpp"
#include "recorder.hpp"
#include "relay_plan.hpp"
#include "rtpproxy_service.hpp"
#include "session_store.hpp"
#include "switchboard_rules.hpp"
#include "xtrtpproxy/client.hpp"
#include "xtrtpproxy/monitor.hpp"

#ifndef IPTRTPPROXYD_VERSION
#define IPTRTPPROXYD_VERSION "0"
#endif

namespace {

using namespace rtpproxyd;

constexpr int kExitFailure = 1;
constexpr int kExitUsage = 2;

struct Identity {
    std::optional<uid_t> uid;
    std::optional<gid_t> gid;
};

Identity look_up(const Options& opts) {
    Identity id;
    if (opts.user) {
        const passwd* pw = ::getpwnam(opts.user->c_str());
        if (!pw) throw std::runtime_error("-u: no user " + *opts.user);
        id.uid = pw->pw_uid;
        id.gid = pw->pw_gid;
    }
    if (opts.group) {
        const group* gr = ::getgrnam(opts.group->c_str());
        if (!gr) throw std::runtime_error("-u: no group " + *opts.group);
        id.gid = gr->gr_gid;
    }
    return id;
}

// Becomes the user, keeping CAP_NET_ADMIN alone: what the kernel asks of every switchboard
// and session request, and of removing the daemon's rules at the end.
void drop_privileges(const Identity& id) {
    if (!id.uid && !id.gid) return;
    if (id.gid && (::setgroups(1, &*id.gid) < 0 || ::setgid(*id.gid) < 0))
        throw std::system_error(errno, std::generic_category(), "-u: cannot change group");
    if (id.uid) {
        if (::prctl(PR_SET_KEEPCAPS, 1) < 0 || ::setuid(*id.uid) < 0)
            throw std::system_error(errno, std::generic_category(), "-u: cannot change user");
    }
    cap_t caps = cap_init();
    const cap_value_t keep[] = {CAP_NET_ADMIN};
    cap_set_flag(caps, CAP_PERMITTED, 1, keep, CAP_SET);
    cap_set_flag(caps, CAP_EFFECTIVE, 1, keep, CAP_SET);
    const int rc = cap_set_proc(caps);
    cap_free(caps);
    if (rc < 0)
        throw std::system_error(errno, std::generic_category(), "-u: cannot keep CAP_NET_ADMIN");
    ::prctl(PR_SET_KEEPCAPS, 0);
}

// Forks; the parent waits until the child says it runs (or why it could not start), so the
// exit status of the command that started the daemon tells whether it did.
int ready_fd = -1;

void detach() {
    int fds[2];
    if (::pipe2(fds, O_CLOEXEC) < 0)
        throw std::system_error(errno, std::generic_category(), "pipe");
    const pid_t pid = ::fork();
    if (pid < 0) throw std::system_error(errno, std::generic_category(), "fork");
    if (pid > 0) {
        ::close(fds[1]);
        std::string message;
        char buf[512];
        ssize_t n;
        while ((n = ::read(fds[0], buf, sizeof buf)) > 0) message.append(buf, n);
        if (message == "ok") ::_exit(0);
        if (message.empty()) message = "the daemon died while starting";
        std::fprintf(stderr, "iptrtpproxyd: %s\n", message.c_str());
        ::_exit(kExitFailure);
    }
    ::close(fds[0]);
    ready_fd = fds[1];
    ::setsid();
    // Nothing relative: the paths the options give are absolute, and the daemon must not
    // keep a mount point busy.
    if (::chdir("/") < 0) throw std::system_error(errno, std::generic_category(), "chdir /");
}

// One daemon per network namespace: two would share (and fight over) the switchboards and
// each other's calls. An abstract unix socket is the namespace's own and goes with the
// process, however it ends.
Fd claim_namespace() {
    Fd fd(::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0));
    if (!fd) throw std::system_error(errno, std::generic_category(), "socket");
    sockaddr_un sun{};
    sun.sun_family = AF_UNIX;
    static constexpr char kName[] = "iptrtpproxyd";
    std::memcpy(sun.sun_path + 1, kName, sizeof kName - 1);
    const auto length = static_cast<socklen_t>(offsetof(sockaddr_un, sun_path) + sizeof kName);
    if (::bind(fd.get(), reinterpret_cast<const sockaddr*>(&sun), length) < 0) {
        if (errno == EADDRINUSE)
            throw std::runtime_error("another iptrtpproxyd runs in this network namespace");
        throw std::system_error(errno, std::generic_category(), "cannot claim the namespace");
    }
    return fd;
}

void tell_parent(const std::string& message) {
    if (ready_fd < 0) return;
    [[maybe_unused]] const auto n = ::write(ready_fd, message.data(), message.size());
    ::close(ready_fd);
    ready_fd = -1;
}

std::vector<SwitchboardSpec> specs_of(const RelayPlan& plan, const Options& opts) {
    std::vector<SwitchboardSpec> specs;
    for (const auto& sb : plan.switchboards()) {
        SwitchboardSpec spec;
        spec.addr_a = sb.gates.gate_a.addr;
        spec.addr_b = sb.gates.gate_b.addr;
        spec.port_a = sb.gates.gate_a.port;
        spec.port_b = sb.gates.gate_b.port;
        spec.max_sess = sb.max_sess;
        spec.expires_timeout = opts.idle_timeout;
        // The daemon ends an expired session at once (Daemon::on_events); the slot is not
        // kept for a resurrection nobody would ask for.
        spec.resurrection_timeout = 1;
        specs.push_back(spec);
    }
    return specs;
}

// The operator's switchboards, each selector naming exactly one.
RelayPlan operator_plan(xtrtpproxy::Client& client, const Options& opts) {
    std::vector<xtrtpproxy::SwitchboardGates> gates;
    for (const auto& selector : opts.switchboards) {
        const auto found = client.switchboards(selector);
        if (found.size() != 1)
            throw std::runtime_error("--switchboard: " + std::to_string(found.size()) +
                                     " switchboards match " +
                                     (selector.addr_a ? selector.addr_a->to_string() : "") +
                                     "; it must name exactly one (iptrtpproxy list)");
        gates.push_back(found[0]);
    }
    return RelayPlan::operators(std::move(gates));
}

// Each gate's ports, an RTP and an RTCP port per session, checked against the ports the
// kernel gives local sockets (ephemeral_ports.hpp).
void warn_of_ephemeral_ports(const RelayPlan& plan) {
    std::vector<PortRange> used;
    for (const PlannedSwitchboard& sb : plan.switchboards()) {
        for (const xtrtpproxy::Gate* gate : {&sb.gates.gate_a, &sb.gates.gate_b}) {
            const unsigned last = unsigned{gate->port} + 2 * sb.max_sess - 1;
            used.push_back({gate->port, static_cast<std::uint16_t>(std::min(last, 65535u))});
        }
    }
    std::sort(used.begin(), used.end(),
              [](const PortRange& x, const PortRange& y) { return x.first < y.first; });
    used.erase(std::unique(used.begin(), used.end()), used.end());
    if (const auto warning = ephemeral_warning(used)) log::warning(*warning);
}

// The kernel's boot: a notification file of another boot names sessions long gone.
std::string boot_id() {
    std::string id;
    if (FILE* f = std::fopen("/proc/sys/kernel/random/boot_id", "r")) {
        char line[64] = {};
        if (std::fgets(line, sizeof line, f)) id = line;
        std::fclose(f);
    }
    while (!id.empty() && (id.back() == '\n' || id.back() == ' ')) id.pop_back();
    return id;
}

int run(const Options& opts) {
    log::setup(opts.log_level, opts.log_facility, false);
    const Identity identity = look_up(opts);
    if (!opts.foreground) detach();

    // SIGTERM and SIGINT are read from a signalfd by the loop.
    sigset_t mask;
    sigemptyset(&mask);
    for (const int s : {SIGTERM, SIGINT, SIGHUP, SIGPIPE}) sigaddset(&mask, s);
    ::sigprocmask(SIG_BLOCK, &mask, nullptr);

    const Fd claim = claim_namespace();
    xtrtpproxy::Client client;
    xtrtpproxy::Monitor monitor(std::size_t{8} << 20);
    const bool own = opts.switchboards.empty();
    RelayPlan plan =
        own ? RelayPlan::own({opts.ipv4.internal, opts.ipv6.internal},
                             {opts.ipv4.external, opts.ipv6.external}, opts.port_min, opts.port_max)
            : operator_plan(client, opts);
    const auto specs = own ? specs_of(plan, opts) : std::vector<SwitchboardSpec>{};
    // A start that fails after the rules went in takes them out again, unless they were
    // there before: a previous daemon's, with its calls, which a fixed restart adopts.
    struct RulesGuard {
        bool armed = false;
        ~RulesGuard() {
            if (!armed) return;
            try {
                SwitchboardRules::remove();
            } catch (const std::exception&) {
            }
        }
    } rules_guard;
    if (own) {
        rules_guard.armed = !SwitchboardRules::installed();
        SwitchboardRules::install(specs);
        for (const auto& spec : specs) log::info("switchboard " + spec.to_string());
    }
    warn_of_ephemeral_ports(plan);

    KernelSessions store(client);
    SessionPolicy policy;
    policy.relay.dscp = xtrtpproxy::Dscp{opts.dscp()};
    if (opts.max_ttl) policy.relay.max_ttl = opts.max_ttl;
    // -2: rtpproxy sends packets under 128 bytes twice.
    if (opts.duplicate_small) policy.relay.dup_below = 128;
    std::optional<NotifyJournal> journal;
    if (!opts.state_dir.empty())
        journal.emplace(opts.state_dir + "/notify-targets", boot_id(),
                        [](std::string_view m) { log::warning(m); });
    CallTable calls(plan, store, policy, journal ? &*journal : nullptr);
    const CallTable::Rebuilt rebuilt = calls.rebuild();
    if (rebuilt.streams > 0)
        log::notice("found " + std::to_string(rebuilt.streams) + " streams of " +
                    std::to_string(calls.calls()) + " calls in the kernel");

    const auto kernel_info = [&client] { return client.info(); };
    RtpproxyServiceConfig rconfig;
    rconfig.notify_enabled = opts.notify.has_value();
    if (rconfig.notify_enabled) rconfig.features.add("20081224");
    rconfig.features.add("20080403");
    rconfig.idle_timeout = opts.idle_timeout;
    rconfig.kernel_info = kernel_info;
    // Recording (-r): its NFLOG socket needs CAP_NET_ADMIN, so it is opened before the
    // privileges go; it outlives the services and the loop, and finishes its files last.
    std::optional<Recorder> recorder;
    if (!opts.record_dir.empty()) {
        RecorderConfig rc;
        rc.record_dir = opts.record_dir;
        rc.spool_dir = opts.spool_dir;
        rc.no_rtcp = opts.record_no_rtcp;
        rc.log = [](LogLevel level, std::string_view m) { log::write(level, m); };
        recorder.emplace(std::move(rc), calls, store);
        const std::size_t resumed = recorder->resume(plan.switchboards());
        if (resumed > 0) log::notice("recording " + std::to_string(resumed) + " streams again");
        rconfig.recording = &*recorder;
        rconfig.features.add("20071218");
    }
    RtpproxyService rtpproxy(calls, plan, rconfig);
    NgService ng(calls, plan, NgServiceConfig{kernel_info, recorder ? &*recorder : nullptr});

    Daemon::Parts parts{plan, calls, store, rtpproxy, ng, monitor, opts.notify};
    parts.recorder = recorder ? &*recorder : nullptr;
    if (own) parts.reinstall = [&specs] { SwitchboardRules::install(specs); };
    Daemon daemon(std::move(parts));
    std::vector<std::string> unix_paths;
    for (const auto& s : opts.control) {
        if (s.kind == SocketAddress::Kind::unix_stream) {
            daemon.add_control_listener(open_stream_listener(s, identity.uid, identity.gid),
                                        s.to_string());
            unix_paths.push_back(s.path);
        } else {
            daemon.add_control_datagram(open_datagram(s), s.to_string());
        }
        log::info("rtpproxy protocol on " + s.to_string());
    }
    for (const auto& s : opts.ng) {
        daemon.add_ng(open_datagram(s), s.to_string());
        log::info("ng protocol on " + s.to_string());
    }
    // Written while the daemon may still write where pid files go (/run), and chowned to
    // the user it becomes, who removes it at the end.
    if (!opts.pid_file.empty()) {
        if (FILE* f = std::fopen(opts.pid_file.c_str(), "w")) {
            std::fprintf(f, "%d\n", static_cast<int>(::getpid()));
            std::fclose(f);
            if ((identity.uid || identity.gid) &&
                ::chown(opts.pid_file.c_str(), identity.uid.value_or(static_cast<uid_t>(-1)),
                        identity.gid.value_or(static_cast<gid_t>(-1))) < 0)
                log::warning("cannot chown " + opts.pid_file + ": " + std::strerror(errno));
        } else {
            log::warning("cannot write " + opts.pid_file + ": " + std::strerror(errno));
        }
    }
    drop_privileges(identity);
    if (!opts.foreground) {
        log::setup(opts.log_level, opts.log_facility, true);
        const int null = ::open("/dev/null", O_RDWR);
        for (const int fd : {0, 1, 2}) ::dup2(null, fd);
        if (null > 2) ::close(null);
    }
    log::notice(std::string("iptrtpproxyd ") + IPTRTPPROXYD_VERSION + " ready");
    rules_guard.armed = false;
    tell_parent("ok");
    for (const EndedStream& ended : rebuilt.ended) {
        log::info("call " + ended.call_id + " media " + std::to_string(ended.stream.index) +
                  ": ended while no daemon ran");
        daemon.notify_timeout(ended);
    }

    const int signal = daemon.run();
    log::notice(std::string("stopping on ") + strsignal(signal));
    // What this daemon made goes: its switchboards with every session in them, or, in the
    // operator's switchboards, its sessions.
    try {
        if (own)
            SwitchboardRules::remove();
        else
            calls.remove_all();
    } catch (const std::exception& e) {
        log::error(std::string("cleaning up: ") + e.what());
    }
    if (journal) journal->remove();
    for (const auto& path : unix_paths) ::unlink(path.c_str());
    if (!opts.pid_file.empty()) ::unlink(opts.pid_file.c_str());
    return 0;
}

}  // namespace

int main(int argc, char** argv) {
    Options opts;
    try {
        opts = parse_options(argc, argv);
    } catch (const UsageError& e) {
        std::cerr << "iptrtpproxyd: " << e.what() << "\nTry 'iptrtpproxyd --help'.\n";
        return kExitUsage;
    }
    if (opts.show_help) {
        std::cout << usage_text();
        return 0;
    }
    if (opts.show_version) {
        std::cout << "iptrtpproxyd " << IPTRTPPROXYD_VERSION << "\n";
        return 0;
    }
    try {
        return run(opts);
    } catch (const std::exception& e) {
        const std::string message = e.what();
        // Detached, the parent prints it (once) and exits 1.
        if (ready_fd >= 0)
            tell_parent(message);
        else
            log::error(message);
        return kExitFailure;
    }
}

// SPDX-License-Identifier: GPL-2.0
// The event loop.
#include "daemon.hpp"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netdb.h>
#include <poll.h>
#include <signal.h>
#include <sys/epoll.h>
#include <sys/signalfd.h>
#include <sys/timerfd.h>
#include <sys/un.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <cstring>
#include <system_error>

#include "log.hpp"

namespace rtpproxyd {
namespace {

// Datagrams read from one socket before the others get their turn.
constexpr int kBurst = 64;
// Stream connections at once, and how long one may stay silent: Kamailio's last a command.
constexpr std::size_t kMaxStreams = 256;
constexpr auto kStreamIdle = std::chrono::seconds(30);
// A line longer than this on a stream is not a command.
constexpr std::size_t kMaxStreamBuffer = 8192;
// Reply caches: Kamailio retransmits for 5 s; 64 Ki commands in 60 s is well beyond a large
// proxy's rate, and the bytes bound holds the memory whatever comes.
constexpr std::size_t kCacheEntries = 65536;
constexpr std::size_t kCacheBytes = 16 << 20;

[[noreturn]] void fail(const char* what) {
    throw std::system_error(errno, std::generic_category(), what);
}

// Connects, writes, gives up after timeout: a notification must not stall the relay.
void send_line(const NotifyTarget& target, const std::string& line) {
    Fd fd;
    sockaddr_storage addr{};
    socklen_t length = 0;
    if (target.kind == NotifyTarget::Kind::unix_stream) {
        auto* sun = reinterpret_cast<sockaddr_un*>(&addr);
        sun->sun_family = AF_UNIX;
        std::strncpy(sun->sun_path, target.path.c_str(), sizeof sun->sun_path - 1);
        length = sizeof *sun;
        fd = Fd(::socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0));
    } else {
        addrinfo hints{};
        hints.ai_socktype = target.kind == NotifyTarget::Kind::tcp ? SOCK_STREAM : SOCK_DGRAM;
        hints.ai_flags = AI_NUMERICHOST | AI_NUMERICSERV;
        addrinfo* found = nullptr;
        if (getaddrinfo(target.host.c_str(), std::to_string(target.port).c_str(), &hints, &found) !=
            0)
            throw std::runtime_error("cannot resolve " + target.to_string());
        std::memcpy(&addr, found->ai_addr, found->ai_addrlen);
        length = found->ai_addrlen;
        fd = Fd(::socket(found->ai_family, found->ai_socktype | SOCK_NONBLOCK | SOCK_CLOEXEC, 0));
        freeaddrinfo(found);
    }
    if (!fd) fail("socket");
    if (::connect(fd.get(), reinterpret_cast<const sockaddr*>(&addr), length) < 0) {
        if (errno != EINPROGRESS) fail("connect");
        pollfd p{fd.get(), POLLOUT, 0};
        if (::poll(&p, 1, 200) != 1) throw std::runtime_error("connect timed out");
        int err = 0;
        socklen_t len = sizeof err;
        getsockopt(fd.get(), SOL_SOCKET, SO_ERROR, &err, &len);
        if (err != 0) {
            errno = err;
            fail("connect");
        }
    }
    if (::send(fd.get(), line.data(), line.size(), MSG_NOSIGNAL) < 0) fail("send");
}

}  // namespace

Daemon::Daemon(Parts parts)
    : parts_(std::move(parts)),
      epoll_(::epoll_create1(EPOLL_CLOEXEC)),
      rtpproxy_cache_(kCacheEntries, kCacheBytes),
      ng_cache_(kCacheEntries, kCacheBytes) {
    if (!epoll_) fail("epoll_create1");
    // The monitor's socket is read without waiting: a burst of events must not hold up the
    // commands.
    const int mfd = parts_.monitor.fd();
    ::fcntl(mfd, F_SETFL, ::fcntl(mfd, F_GETFL) | O_NONBLOCK);
    watch(Kind::monitor, Fd(::dup(mfd)), "kernel events");
    if (parts_.recorder) watch(Kind::recorder, Fd(::dup(parts_.recorder->fd())), "NFLOG recording");

    sigset_t mask;
    sigemptyset(&mask);
    sigaddset(&mask, SIGTERM);
    sigaddset(&mask, SIGINT);
    sigaddset(&mask, SIGHUP);
    sigaddset(&mask, SIGPIPE);
    Fd sig(::signalfd(-1, &mask, SFD_NONBLOCK | SFD_CLOEXEC));
    if (!sig) fail("signalfd");
    watch(Kind::signal, std::move(sig), "signals");

    Fd timer(::timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK | TFD_CLOEXEC));
    if (!timer) fail("timerfd_create");
    const itimerspec every_second{{1, 0}, {1, 0}};
    ::timerfd_settime(timer.get(), 0, &every_second, nullptr);
    watch(Kind::timer, std::move(timer), "timer");
}

void Daemon::watch(Kind kind, Fd fd, std::string name) {
    epoll_event ev{};
    ev.events = EPOLLIN;
    ev.data.fd = fd.get();
    if (::epoll_ctl(epoll_.get(), EPOLL_CTL_ADD, fd.get(), &ev) < 0) fail("epoll_ctl");
    const int key = fd.get();
    sources_.emplace(
        key, Source{kind, std::move(fd), std::move(name), {}, std::chrono::steady_clock::now()});
}

void Daemon::close_source(int fd) {
    ::epoll_ctl(epoll_.get(), EPOLL_CTL_DEL, fd, nullptr);
    const auto it = sources_.find(fd);
    if (it == sources_.end()) return;
    if (it->second.kind == Kind::control_stream) --streams_open_;
    sources_.erase(it);
}

void Daemon::add_control_datagram(Fd fd, std::string name) {
    watch(Kind::control_datagram, std::move(fd), std::move(name));
}
void Daemon::add_control_listener(Fd fd, std::string name) {
    watch(Kind::control_listener, std::move(fd), std::move(name));
}
void Daemon::add_ng(Fd fd, std::string name) { watch(Kind::ng, std::move(fd), std::move(name)); }

int Daemon::run() {
    std::array<epoll_event, 32> events{};
    while (stop_signal_ == 0) {
        const int n = ::epoll_wait(epoll_.get(), events.data(), events.size(), -1);
        if (n < 0) {
            if (errno == EINTR) continue;
            fail("epoll_wait");
        }
        for (int i = 0; i < n; ++i) {
            const auto it = sources_.find(events[i].data.fd);
            if (it == sources_.end()) continue;  // closed by an earlier event of this round
            Source& source = it->second;
            try {
                switch (source.kind) {
                    case Kind::control_datagram:
                        on_datagram(source, false);
                        break;
                    case Kind::ng:
                        on_datagram(source, true);
                        break;
                    case Kind::control_listener:
                        on_accept(source);
                        break;
                    case Kind::control_stream:
                        if (source.unsent.empty())
                            on_stream(source);
                        else
                            flush_stream(source);
                        break;
                    case Kind::monitor:
                        on_events();
                        break;
                    case Kind::recorder:
                        parts_.recorder->on_readable();
                        break;
                    case Kind::timer:
                        on_timer();
                        break;
                    case Kind::signal: {
                        signalfd_siginfo info{};
                        while (::read(source.fd.get(), &info, sizeof info) == sizeof info) {
                            if (info.ssi_signo == SIGTERM || info.ssi_signo == SIGINT)
                                stop_signal_ = static_cast<int>(info.ssi_signo);
                            else if (info.ssi_signo == SIGHUP)
                                log::info("SIGHUP: " + std::to_string(parts_.calls.calls()) +
                                          " calls, " + std::to_string(parts_.calls.streams()) +
                                          " streams");
                        }
                        break;
                    }
                }
            } catch (const std::system_error& e) {
                // The kernel or a socket failed for this one command or event: say so and go
                // on with the others.
                log::error(source.name + ": " + e.what());
            }
        }
    }
    return stop_signal_;
}

std::string Daemon::rtpproxy_reply(std::string_view peer, std::string_view bytes, Cookie cookie) {
    const ParseResult parsed = parse_datagram(bytes, cookie);
    const auto now = ReplyCache::Clock::now();
    if (cookie == Cookie::expected && !parsed.cookie.empty()) {
        if (auto cached = rtpproxy_cache_.lookup(peer, parsed.cookie, now)) return *cached;
    }
    std::string body;
    if (const auto* error = std::get_if<Error>(&parsed.result)) {
        body = format_error(*error);
        log::info(std::string(peer) + ": refused (" + std::string(error_meaning(*error)) +
                  "): " + std::string(bytes.substr(0, 120)));
    } else {
        body = parts_.rtpproxy.handle(std::get<Command>(parsed.result));
        if (log::enabled(LogLevel::debug))
            log::debug(std::string(peer) + ": " + std::string(bytes.substr(0, 200)) + " -> " +
                       body);
    }
    std::string reply = frame_reply(parsed.cookie, body);
    if (cookie == Cookie::expected && !parsed.cookie.empty())
        rtpproxy_cache_.store(peer, parsed.cookie, reply, now);
    return reply;
}

void Daemon::on_datagram(Source& source, bool ng) {
    static std::array<char, 65536> buffer;
    for (int i = 0; i < kBurst; ++i) {
        sockaddr_storage peer{};
        socklen_t length = sizeof peer;
        const ssize_t n = ::recvfrom(source.fd.get(), buffer.data(), buffer.size(), MSG_TRUNC,
                                     reinterpret_cast<sockaddr*>(&peer), &length);
        if (n < 0) {
            if (errno == EAGAIN || errno == EINTR) return;
            fail("recvfrom");
        }
        if (static_cast<std::size_t>(n) > buffer.size()) continue;  // truncated: not a command
        const std::string_view bytes(buffer.data(), static_cast<std::size_t>(n));
        const std::string name = peer_name(peer, length);
        std::string reply;
        if (!ng) {
            reply = rtpproxy_reply(name, bytes, Cookie::expected);
        } else {
            const ng::Datagram d = ng::parse_datagram(bytes);
            if (d.dropped()) continue;
            if (!d.request) {
                reply = d.reply;
            } else {
                const auto now = ReplyCache::Clock::now();
                if (auto cached = ng_cache_.lookup(name, d.cookie, now)) {
                    reply = std::move(*cached);
                } else {
                    reply = ng::frame(d.cookie, parts_.ng.handle(*d.request));
                    ng_cache_.store(name, d.cookie, reply, now);
                    log::debug(name + ": ng " + std::string(ng::command_name(d.request->command)) +
                               " " + d.request->call_id);
                }
            }
        }
        // A reply that does not fit the socket now is lost as a datagram would be; the proxy
        // retransmits and gets it from the cache.
        ::sendto(source.fd.get(), reply.data(), reply.size(), MSG_DONTWAIT,
                 reinterpret_cast<const sockaddr*>(&peer), length);
    }
}

void Daemon::on_accept(Source& source) {
    for (int i = 0; i < kBurst; ++i) {
        Fd fd(::accept4(source.fd.get(), nullptr, nullptr, SOCK_NONBLOCK | SOCK_CLOEXEC));
        if (!fd) {
            if (errno == EAGAIN || errno == EINTR || errno == ECONNABORTED) return;
            fail("accept");
        }
        if (streams_open_ >= kMaxStreams) {
            log::warning(source.name + ": " + std::to_string(kMaxStreams) +
                         " connections open; refusing another");
            continue;
        }
        ++streams_open_;
        watch(Kind::control_stream, std::move(fd), source.name);
    }
}

void Daemon::on_stream(Source& source) {
    std::array<char, 4096> chunk{};
    const ssize_t n = ::read(source.fd.get(), chunk.data(), chunk.size());
    if (n == 0 || (n < 0 && errno != EAGAIN && errno != EINTR)) {
        close_source(source.fd.get());
        return;
    }
    if (n < 0) return;
    source.last_active = std::chrono::steady_clock::now();
    source.buffer.append(chunk.data(), static_cast<std::size_t>(n));
    // A read that filled the chunk may have more behind it; one that did not is the whole
    // write of a Kamailio unix: command.
    const bool whole = static_cast<std::size_t>(n) < chunk.size();
    std::string out;
    for (const auto& command : take_commands(source.buffer, whole))
        out += rtpproxy_reply(source.name, command, Cookie::absent);
    if (source.buffer.size() > kMaxStreamBuffer) {
        out += frame_reply("", format_error(Error::too_long));
        source.buffer.clear();
    }
    if (!out.empty()) send_stream(source, std::move(out));
}

void Daemon::send_stream(Source& source, std::string out) {
    source.unsent = std::move(out);
    flush_stream(source);
}

// Writes what the socket takes of source.unsent; watches for room while some is left, for
// commands again once all went.
void Daemon::flush_stream(Source& source) {
    const ssize_t n = ::send(source.fd.get(), source.unsent.data(), source.unsent.size(),
                             MSG_DONTWAIT | MSG_NOSIGNAL);
    if (n < 0 && errno != EAGAIN && errno != EINTR) {
        close_source(source.fd.get());
        return;
    }
    if (n > 0) {
        source.unsent.erase(0, static_cast<std::size_t>(n));
        source.last_active = std::chrono::steady_clock::now();
    }
    const bool wait = !source.unsent.empty();
    if (wait == source.waiting_for_room) return;
    epoll_event ev{};
    ev.events = wait ? EPOLLOUT : EPOLLIN;
    ev.data.fd = source.fd.get();
    if (::epoll_ctl(epoll_.get(), EPOLL_CTL_MOD, source.fd.get(), &ev) < 0) fail("epoll_ctl");
    source.waiting_for_room = wait;
}

void Daemon::on_events() {
    for (int round = 0; round < kBurst; ++round) {
        const auto events = parts_.monitor.read();
        if (events.empty()) return;
        for (const auto& event : events) {
            if (event.kind == xtrtpproxy::EventKind::lost) {
                log::warning(
                    "kernel events were lost: calls the kernel ended meanwhile stay "
                    "in the table until their delete");
                continue;
            }
            const auto& sbs = parts_.plan.switchboards();
            std::size_t sb = 0;
            while (sb < sbs.size() && !sbs[sb].gates.same_gates(event.gates)) ++sb;
            if (sb == sbs.size()) continue;  // not one of ours
            switch (event.kind) {
                case xtrtpproxy::EventKind::expired:
                case xtrtpproxy::EventKind::freed:
                case xtrtpproxy::EventKind::deleted: {
                    if (!event.session) break;
                    const auto ended = parts_.calls.forget(sb, event.session->id);
                    if (!ended) break;
                    if (parts_.recorder)
                        parts_.recorder->stream_ended(ended->call_id, ended->stream);
                    if (event.kind == xtrtpproxy::EventKind::expired) {
                        // rtpproxy ends a call whose media stopped: so do we, at once, rather
                        // than let the kernel resurrect it for a call the proxy was told is over.
                        parts_.store.remove(sbs[sb].gates, event.session->id);
                        log::info("call " + ended->call_id + " media " +
                                  std::to_string(ended->stream.index) +
                                  ": no media for the idle "
                                  "timeout; ended");
                        notify_timeout(*ended);
                    }
                    break;
                }
                case xtrtpproxy::EventKind::switchboard_del: {
                    const std::size_t n = parts_.calls.forget_switchboard(sb);
                    if (parts_.recorder) parts_.recorder->sweep();
                    log::error(
                        "switchboard " + event.gates.gate_a.addr.to_string() + ":" +
                        std::to_string(event.gates.gate_a.port) +
                        " went away (its rule was deleted: iptables-nft -F, or a restore without "
                        "--noflush?) with " +
                        std::to_string(n) + " streams");
                    if (parts_.reinstall) {
                        try {
                            parts_.reinstall();
                            log::notice("the daemon's switchboards are back");
                        } catch (const std::exception& e) {
                            log::error(std::string("cannot put the switchboards back: ") +
                                       e.what());
                        }
                    }
                    break;
                }
                default:
                    break;
            }
        }
    }
}

void Daemon::notify_timeout(const EndedStream& ended) {
    if (!ended.stream.notify) return;
    // The U command's socket, parsed as -n's is; %%CC_SELF%% (the command's source is not
    // kept) and what does not parse go to -n's socket.
    std::optional<NotifyTarget> target;
    try {
        target = parse_notify_target(ended.stream.notify->socket, "notify socket");
    } catch (const UsageError&) {
    }
    if (!target || target->command_sender()) target = parts_.notify;
    if (!target) return;
    try {
        send_line(*target, ended.stream.notify->tag + "\n");
        log::info("timeout of " + ended.call_id + " notified to " + target->to_string());
    } catch (const std::exception& e) {
        log::warning("timeout notification to " + target->to_string() + " failed: " + e.what());
    }
}

void Daemon::on_timer() {
    for (const auto& [fd, source] : sources_) {
        if (source.kind != Kind::timer) continue;
        std::uint64_t expirations = 0;
        [[maybe_unused]] const auto n = ::read(fd, &expirations, sizeof expirations);
    }
    if (parts_.recorder) parts_.recorder->sweep();
    const auto now = std::chrono::steady_clock::now();
    rtpproxy_cache_.expire(now);
    ng_cache_.expire(now);
    std::vector<int> idle;
    for (const auto& [fd, source] : sources_)
        if (source.kind == Kind::control_stream && now - source.last_active > kStreamIdle)
            idle.push_back(fd);
    for (const int fd : idle) close_source(fd);
}

}  // namespace rtpproxyd

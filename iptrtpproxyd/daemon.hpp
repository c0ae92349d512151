// SPDX-License-Identifier: GPL-2.0
// The daemon's event loop: the control sockets of both protocols, the kernel's events, the
// signals. One thread; every command runs to its end before the next is read, so replies go
// out in the order the commands came.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "call_table.hpp"
#include "control_sockets.hpp"
#include "ng_service.hpp"
#include "options.hpp"
#include "recorder.hpp"
#include "reply_cache.hpp"
#include "rtpproxy_service.hpp"
#include "xtrtpproxy/monitor.hpp"

namespace rtpproxyd {

class Daemon {
  public:
    struct Parts {
        const RelayPlan& plan;
        CallTable& calls;
        SessionStore& store;
        RtpproxyService& rtpproxy;
        NgService& ng;
        xtrtpproxy::Monitor& monitor;
        std::optional<NotifyTarget> notify;  // -n
        Recorder* recorder = nullptr;        // -r
        // Puts the daemon's own switchboards back after their rules went (an operator's
        // iptables-nft -F or restore); empty for an operator's switchboards.
        std::function<void()> reinstall{};
    };
    explicit Daemon(Parts parts);

    // Takes sockets opened before the privileges were dropped.
    void add_control_datagram(Fd fd, std::string name);
    void add_control_listener(Fd fd, std::string name);
    void add_ng(Fd fd, std::string name);

    // Until SIGTERM or SIGINT (blocked by the caller before; handled here through a
    // signalfd). Returns the signal that ended it.
    int run();

    // Sends a stream's timeout notification (its U's notify socket and tag), if it has one.
    void notify_timeout(const EndedStream& ended);

  private:
    enum class Kind : std::uint8_t {
        control_datagram,
        control_listener,
        control_stream,
        ng,
        monitor,
        recorder,
        signal,
        timer
    };
    struct Source {
        Kind kind;
        Fd fd;
        std::string name;
        std::string buffer;  // control_stream: bytes of an unfinished line
        std::chrono::steady_clock::time_point last_active;
        // control_stream: replies the socket did not take yet. While there are any, the
        // connection is not read: a proxy that sends without reading is held back by its own
        // socket, the daemon keeps at most one read's replies for it, and they stay in order.
        std::string unsent = {};
        bool waiting_for_room = false;  // control_stream: watched for EPOLLOUT, not EPOLLIN
    };

    void watch(Kind kind, Fd fd, std::string name);
    void close_source(int fd);
    void on_datagram(Source& source, bool ng);
    void on_accept(Source& source);
    void on_stream(Source& source);
    void send_stream(Source& source, std::string out);
    void flush_stream(Source& source);
    void on_events();
    void on_timer();
    std::string rtpproxy_reply(std::string_view peer, std::string_view bytes, Cookie cookie);

    Parts parts_;
    Fd epoll_;
    std::unordered_map<int, Source> sources_;
    ReplyCache rtpproxy_cache_;
    ReplyCache ng_cache_;
    std::size_t streams_open_ = 0;
    int stop_signal_ = 0;
};

}  // namespace rtpproxyd

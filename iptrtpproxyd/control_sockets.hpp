// SPDX-License-Identifier: GPL-2.0
// The sockets the proxies reach the daemon on: opening them, and the unix: connections'
// framing (Kamailio writes one command per connection, OpenSIPS a line per command).
#pragma once

#include <sys/socket.h>

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "options.hpp"

namespace rtpproxyd {

// A descriptor that closes itself.
class Fd {
  public:
    Fd() = default;
    explicit Fd(int fd) : fd_(fd) {}
    Fd(Fd&& other) noexcept : fd_(std::exchange(other.fd_, -1)) {}
    Fd& operator=(Fd&& other) noexcept;
    ~Fd();
    int get() const noexcept { return fd_; }
    explicit operator bool() const noexcept { return fd_ >= 0; }

  private:
    int fd_ = -1;
};

// Binds a non-blocking UDP socket (udp: or udp6:; host "*" is every address). Throws
// std::system_error naming the socket.
Fd open_datagram(const SocketAddress& address);
// Binds and listens on a unix stream socket, replacing a stale socket file (never another
// kind of file). owner: chown it to the daemon's user and group (-u), so that a proxy in that
// group may connect. Throws std::system_error naming the path.
Fd open_stream_listener(const SocketAddress& address, std::optional<uid_t> owner,
                        std::optional<gid_t> group);

// "IP:PORT" of a datagram's source (the reply cache's peer), or the unix path.
std::string peer_name(const sockaddr_storage& peer, socklen_t length);

// The commands in what a stream connection sent: every whole line, and, when the read ended
// without a newline, the rest as one command (Kamailio's unix: way, one write per command).
// buffer keeps what is left for the next read (nothing, in that case).
std::vector<std::string> take_commands(std::string& buffer, bool whole_read);

}  // namespace rtpproxyd

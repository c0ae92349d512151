// SPDX-License-Identifier: GPL-2.0
// Opening the control sockets, and the framing of stream connections.
#include "control_sockets.hpp"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netdb.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <system_error>

namespace rtpproxyd {

Fd& Fd::operator=(Fd&& other) noexcept {
    if (this != &other) {
        if (fd_ >= 0) ::close(fd_);
        fd_ = std::exchange(other.fd_, -1);
    }
    return *this;
}

Fd::~Fd() {
    if (fd_ >= 0) ::close(fd_);
}

namespace {

[[noreturn]] void fail(const std::string& what) {
    throw std::system_error(errno, std::generic_category(), what);
}

}  // namespace

Fd open_datagram(const SocketAddress& address) {
    const bool v6 = address.kind == SocketAddress::Kind::udp6;
    addrinfo hints{};
    hints.ai_family = v6 ? AF_INET6 : AF_INET;
    hints.ai_socktype = SOCK_DGRAM;
    hints.ai_flags = AI_PASSIVE | AI_NUMERICSERV;
    const std::string port = std::to_string(address.port);
    addrinfo* found = nullptr;
    const char* host = address.host == "*" || address.host.empty() ? nullptr : address.host.c_str();
    if (const int rc = getaddrinfo(host, port.c_str(), &hints, &found); rc != 0)
        throw std::runtime_error(address.to_string() + ": " + gai_strerror(rc));
    Fd fd(::socket(found->ai_family, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0));
    if (!fd) {
        freeaddrinfo(found);
        fail(address.to_string() + ": socket");
    }
    const int one = 1;
    if (v6) setsockopt(fd.get(), IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof one);
    const int rc = ::bind(fd.get(), found->ai_addr, found->ai_addrlen);
    freeaddrinfo(found);
    if (rc < 0) fail("cannot bind " + address.to_string());
    return fd;
}

Fd open_stream_listener(const SocketAddress& address, std::optional<uid_t> owner,
                        std::optional<gid_t> group) {
    sockaddr_un sun{};
    sun.sun_family = AF_UNIX;
    if (address.path.size() >= sizeof sun.sun_path)
        throw std::runtime_error(address.to_string() + ": path too long");
    std::memcpy(sun.sun_path, address.path.c_str(), address.path.size() + 1);
    struct stat st {};
    if (::lstat(address.path.c_str(), &st) == 0) {
        if (!S_ISSOCK(st.st_mode))
            throw std::runtime_error(address.to_string() + ": exists and is not a socket");
        ::unlink(address.path.c_str());  // a previous daemon's
    }
    Fd fd(::socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0));
    if (!fd) fail(address.to_string() + ": socket");
    if (::bind(fd.get(), reinterpret_cast<const sockaddr*>(&sun), sizeof sun) < 0)
        fail("cannot bind " + address.to_string());
    if ((owner || group) && ::chown(address.path.c_str(), owner.value_or(static_cast<uid_t>(-1)),
                                    group.value_or(static_cast<gid_t>(-1))) < 0)
        fail("cannot chown " + address.path);
    if ((owner || group) && ::chmod(address.path.c_str(), 0660) < 0)
        fail("cannot chmod " + address.path);
    if (::listen(fd.get(), 128) < 0) fail("cannot listen on " + address.to_string());
    return fd;
}

std::string peer_name(const sockaddr_storage& peer, socklen_t length) {
    char text[INET6_ADDRSTRLEN] = "";
    if (peer.ss_family == AF_INET) {
        const auto* sin = reinterpret_cast<const sockaddr_in*>(&peer);
        inet_ntop(AF_INET, &sin->sin_addr, text, sizeof text);
        return std::string(text) + ":" + std::to_string(ntohs(sin->sin_port));
    }
    if (peer.ss_family == AF_INET6) {
        const auto* sin6 = reinterpret_cast<const sockaddr_in6*>(&peer);
        inet_ntop(AF_INET6, &sin6->sin6_addr, text, sizeof text);
        return "[" + std::string(text) + "]:" + std::to_string(ntohs(sin6->sin6_port));
    }
    if (peer.ss_family == AF_UNIX && length > sizeof(sa_family_t)) {
        const auto* sun = reinterpret_cast<const sockaddr_un*>(&peer);
        return std::string(sun->sun_path, strnlen(sun->sun_path, length - sizeof(sa_family_t)));
    }
    return "?";
}

std::vector<std::string> take_commands(std::string& buffer, bool whole_read) {
    std::vector<std::string> commands;
    std::size_t start = 0;
    for (std::size_t nl; (nl = buffer.find('\n', start)) != std::string::npos; start = nl + 1) {
        if (nl > start) commands.push_back(buffer.substr(start, nl - start));
    }
    buffer.erase(0, start);
    if (whole_read && !buffer.empty()) {
        commands.push_back(std::move(buffer));
        buffer.clear();
    }
    return commands;
}

}  // namespace rtpproxyd

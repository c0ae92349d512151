// SPDX-License-Identifier: GPL-2.0
// The events listener: joining the group, sizing the receive buffer, reading overruns as events.
#include "xtrtpproxy/monitor.hpp"

#include <linux/netfilter/xt_RTPPROXY.h>
#include <linux/netlink.h>
#include <sys/socket.h>
#include <sys/uio.h>

#include <cerrno>
#include <stdexcept>
#include <string>
#include <system_error>

#include "xtrtpproxy/error.hpp"

namespace xtrtpproxy {

namespace {

// A switchboard event, the largest, is one page at most (NLMSG_DEFAULT_SIZE in the kernel).
constexpr std::size_t kMessageBufferSize = 64 * 1024;

[[noreturn]] void throw_errno(int error, const std::string& what) {
    throw std::system_error(error, std::generic_category(), what);
}

// errno, taken before the message is made (which may allocate, and so change it).
[[noreturn]] void throw_last_errno(const char* what) {
    const int error = errno;
    throw_errno(error, what);
}

int rcvbuf_of(int fd) {
    int bytes = 0;
    socklen_t len = sizeof(bytes);
    if (getsockopt(fd, SOL_SOCKET, SO_RCVBUF, &bytes, &len) < 0)
        throw_last_errno("cannot read the event socket's receive buffer size");
    // The kernel doubles what it is given, for its bookkeeping, and reports that.
    return bytes / 2;
}

void set_receive_buffer(int fd, std::size_t bytes) {
    if (bytes == 0 || bytes > Monitor::kMaxReceiveBuffer)
        throw std::invalid_argument("an event receive buffer of " + std::to_string(bytes) +
                                    " bytes (1.." + std::to_string(Monitor::kMaxReceiveBuffer) +
                                    ")");
    const int asked = static_cast<int>(bytes);
    if (setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &asked, sizeof(asked)) < 0)
        throw_last_errno("cannot set the event socket's receive buffer");
    // SO_RCVBUF stops at net.core.rmem_max, a limit for every user. Only SO_RCVBUFFORCE goes
    // beyond it, and it needs CAP_NET_ADMIN in the initial user namespace (a container's root
    // has it only in its own): so the privilege is used only when the limit is in the way, and
    // without it the listener keeps what the limit allows, which receive_buffer() tells.
    if (rcvbuf_of(fd) < asked) setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &asked, sizeof(asked));
}

}  // namespace

Monitor::Monitor(std::optional<std::size_t> receive_buffer)
    : Monitor(XT_RTPPROXY_GENL_NAME, XT_RTPPROXY_MCGRP_EVENTS, receive_buffer) {}

Monitor::Monitor(std::string_view family_name, std::string_view group_name,
                 std::optional<std::size_t> receive_buffer)
    : socket_(family_name), rx_(kMessageBufferSize) {
    const bool ours = family_name == XT_RTPPROXY_GENL_NAME;
    const std::string group = "multicast group " + std::string(group_name) +
                              " of the generic netlink family " + std::string(family_name);
    const auto id = socket_.family().multicast_group(group_name);
    if (!id) {
        // The family is there (Socket() said so otherwise): it is older than the events.
        if (ours)
            throw_errno(EOPNOTSUPP, "the xt_RTPPROXY module is too old for events (no " + group +
                                        "): update it");
        throw_errno(EOPNOTSUPP, "no " + group);
    }
    group_id_ = *id;
    // Events may be far apart: a wait for one has no end.
    socket_.set_receive_timeout(std::chrono::milliseconds{0});
    if (receive_buffer) set_receive_buffer(fd(), *receive_buffer);
    // NETLINK_NO_ENOBUFS is never set: the overrun report is how a listener learns that it
    // missed events (EventKind::lost). NETLINK_BROADCAST_ERROR tells the kernel too, so that
    // the module counts what this listener missed (Counters::events_lost): without it netlink
    // reports a full listener to nobody but the listener.
    const int on = 1;
    if (setsockopt(fd(), SOL_NETLINK, NETLINK_BROADCAST_ERROR, &on, sizeof(on)) < 0)
        throw_last_errno("cannot ask for the event socket's overruns to be reported");
    if (setsockopt(fd(), SOL_NETLINK, NETLINK_ADD_MEMBERSHIP, &group_id_, sizeof(group_id_)) < 0) {
        const int error = errno;
        if (error == EPERM)
            throw_errno(EPERM, "listening to the " +
                                   std::string(ours ? "xt_RTPPROXY events" : group) +
                                   " needs CAP_NET_ADMIN in the user namespace that owns the "
                                   "network namespace");
        throw_errno(error, "cannot join the " + group);
    }
}

std::size_t Monitor::receive_buffer() const { return static_cast<std::size_t>(rcvbuf_of(fd())); }

std::vector<Event> Monitor::read() {
    for (;;) {
        sockaddr_nl from{};
        iovec iov{rx_.data(), rx_.size()};
        msghdr msg{};
        msg.msg_name = &from;
        msg.msg_namelen = sizeof(from);
        msg.msg_iov = &iov;
        msg.msg_iovlen = 1;
        const ssize_t len = recvmsg(fd(), &msg, 0);
        if (len < 0) {
            if (errno == EINTR) continue;
            // Netlink's overrun report: events were dropped since the last read. It comes once,
            // ahead of what is still queued, which the next reads return.
            if (errno == ENOBUFS) return {Event{}};
            if (errno == EAGAIN || errno == EWOULDBLOCK) return {};
            throw_last_errno("cannot receive events");
        }
        if (msg.msg_flags & MSG_TRUNC)
            throw malformed_reply("event message of more than " + std::to_string(rx_.size()) +
                                  " bytes");
        // A process with CAP_NET_ADMIN may send to the group too: only the kernel tells events.
        if (from.nl_pid != 0) return {};
        return parse_events({rx_.data(), static_cast<std::size_t>(len)}, family_id());
    }
}

}  // namespace xtrtpproxy

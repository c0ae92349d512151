// SPDX-License-Identifier: GPL-2.0
// The netlink socket: family lookup, extended ACKs, request/ACK and dump loops, batches.
#include "xtrtpproxy/socket.hpp"

#include <libmnl/libmnl.h>
#include <linux/netfilter/xt_RTPPROXY.h>
#include <linux/netlink.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <stdexcept>
#include <string>
#include <system_error>
#include <utility>

#include "xtrtpproxy/error.hpp"

namespace xtrtpproxy {

namespace {

// The kernel sizes dump messages after our receive buffer, up to 32 KiB.
constexpr std::size_t kReceiveBufferSize = 64 * 1024;
// Room for the replies and ACKs of a whole chunk of a batch, so none is dropped.
constexpr int kSocketReceiveBuffer = 4 * 1024 * 1024;
constexpr std::size_t kBatchChunk = 64;

[[noreturn]] void throw_errno(const std::string& what) {
    throw std::system_error(errno, std::generic_category(), what);
}

}  // namespace

Socket::Socket() : Socket(XT_RTPPROXY_GENL_NAME) {}

Socket::Socket(std::string_view family_name) : owner_(getpid()), rx_(kReceiveBufferSize) {
    nl_ = mnl_socket_open2(NETLINK_GENERIC, SOCK_CLOEXEC);
    if (!nl_) throw_errno("cannot open a generic netlink socket");
    try {
        set_receive_timeout(kDefaultReceiveTimeout);
        // Both are best effort: kernels without them still report the errno.
        int one = 1;
        mnl_socket_setsockopt(nl_, NETLINK_EXT_ACK, &one, sizeof(one));
        mnl_socket_setsockopt(nl_, NETLINK_CAP_ACK, &one, sizeof(one));
        // FORCE needs CAP_NET_ADMIN, which we have when it matters; else the default limit.
        const int fd = mnl_socket_get_fd(nl_);
        if (setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &kSocketReceiveBuffer,
                       sizeof(kSocketReceiveBuffer)) < 0)
            setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &kSocketReceiveBuffer,
                       sizeof(kSocketReceiveBuffer));
        if (mnl_socket_bind(nl_, 0, MNL_SOCKET_AUTOPID) < 0)
            throw_errno("cannot bind the generic netlink socket");

        Request request = make_get_family_request(family_name);
        FamilyInfo family;
        try {
            execute(request, "generic netlink family lookup",
                    [&](const nlmsghdr* nlh) { family = parse_family_reply(nlh); });
        } catch (const std::system_error& e) {
            if (e.code().value() != ENOENT) throw;
            // The module registers the family when it loads: say what to do, not what failed.
            if (family_name == XT_RTPPROXY_GENL_NAME)
                throw std::system_error(ENOENT, std::generic_category(),
                                        "the xt_RTPPROXY kernel module is not loaded (no generic "
                                        "netlink family " XT_RTPPROXY_GENL_NAME
                                        "): run 'modprobe xt_RTPPROXY' (as root)");
            throw std::system_error(
                ENOENT, std::generic_category(),
                "generic netlink family " + std::string(family_name) + " not found");
        }
        family_ = std::move(family);
    } catch (...) {
        close();
        throw;
    }
}

Socket::Socket(Socket&& other) noexcept
    : nl_(std::exchange(other.nl_, nullptr)),
      owner_(other.owner_),
      seq_(other.seq_),
      family_(std::move(other.family_)),
      receive_timeout_(other.receive_timeout_),
      rx_(std::move(other.rx_)) {}

Socket& Socket::operator=(Socket&& other) noexcept {
    if (this != &other) {
        close();
        nl_ = std::exchange(other.nl_, nullptr);
        owner_ = other.owner_;
        seq_ = other.seq_;
        family_ = std::move(other.family_);
        receive_timeout_ = other.receive_timeout_;
        rx_ = std::move(other.rx_);
    }
    return *this;
}

Socket::~Socket() { close(); }

void Socket::close() noexcept {
    if (nl_) mnl_socket_close(nl_);
    nl_ = nullptr;
}

int Socket::fd() const noexcept { return nl_ ? mnl_socket_get_fd(nl_) : -1; }

void Socket::set_receive_timeout(std::chrono::milliseconds timeout) {
    if (!nl_) throw std::system_error(EBADF, std::generic_category(), "netlink socket is closed");
    if (timeout.count() < 0) throw std::invalid_argument("a receive timeout cannot be negative");
    const auto seconds = std::chrono::duration_cast<std::chrono::seconds>(timeout);
    timeval tv{};
    tv.tv_sec = static_cast<time_t>(seconds.count());
    tv.tv_usec = static_cast<suseconds_t>(
        std::chrono::duration_cast<std::chrono::microseconds>(timeout - seconds).count());
    if (setsockopt(mnl_socket_get_fd(nl_), SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv)) < 0)
        throw_errno("cannot set the netlink socket's receive timeout");
    receive_timeout_ = timeout;
}

void Socket::check_owner() const {
    if (getpid() != owner_)
        throw std::system_error(EBADFD, std::generic_category(),
                                "this xtrtpproxy socket was opened by process " +
                                    std::to_string(owner_) +
                                    ": after fork() the child must open its own Client");
}

void Socket::send(std::span<const std::byte> bytes) {
    if (!nl_) throw std::system_error(EBADF, std::generic_category(), "netlink socket is closed");
    check_owner();
    if (mnl_socket_sendto(nl_, bytes.data(), bytes.size()) < 0)
        throw_errno("cannot send a netlink request");
}

std::span<const std::byte> Socket::receive() {
    for (;;) {
        const ssize_t len = mnl_socket_recvfrom(nl_, rx_.data(), rx_.size());
        if (len >= 0) return {rx_.data(), static_cast<std::size_t>(len)};
        if (errno == EINTR) continue;
        // SO_RCVTIMEO ran out.
        if (errno == EAGAIN || errno == EWOULDBLOCK)
            throw std::system_error(ETIMEDOUT, std::generic_category(),
                                    "no answer from the kernel within " +
                                        std::to_string(receive_timeout_.count()) + " ms");
        if (errno == ENOBUFS)
            throw_errno("netlink replies were lost: the socket's receive buffer overflowed");
        throw_errno("cannot receive a netlink reply");
    }
}

void Socket::execute(Request& request, std::string_view what, const DataHandler& on_data) {
    request.set_seq(++seq_);
    send(request.bytes());
    ReplyProgress progress;
    progress.reply_finishes = request.reply_finishes();
    while (!progress.finished) walk_replies(receive(), request.seq(), what, on_data, progress);
}

bool Socket::dump(Request& request, std::string_view what, const DataHandler& on_data) {
    request.set_seq(++seq_);
    send(request.bytes());
    ReplyProgress progress;
    // Read to the end even when interrupted, so the next request starts on a clean socket.
    while (!progress.finished) walk_replies(receive(), request.seq(), what, on_data, progress);
    return !progress.interrupted;
}

std::vector<std::exception_ptr> Socket::batch(std::span<Request> requests, std::string_view what,
                                              const BatchHandler& on_data) {
    std::vector<std::exception_ptr> results(requests.size());
    std::vector<std::byte> packed;

    for (std::size_t start = 0; start < requests.size(); start += kBatchChunk) {
        const std::size_t count = std::min(kBatchChunk, requests.size() - start);
        const std::uint32_t first_seq = seq_ + 1;
        packed.clear();
        for (std::size_t i = start; i < start + count; ++i) {
            requests[i].set_seq(++seq_);
            const auto bytes = requests[i].bytes();
            packed.insert(packed.end(), bytes.begin(), bytes.end());
        }
        send(packed);

        std::vector<bool> acked(count, false);
        std::size_t pending = count;
        while (pending > 0) {
            std::span<const std::byte> buf;
            try {
                buf = receive();
            } catch (...) {
                // The missing ACKs will not come: fail what is still open, go on with the rest.
                for (std::size_t i = 0; i < count; ++i)
                    if (!acked[i] && !results[start + i])
                        results[start + i] = std::current_exception();
                break;
            }
            int len = static_cast<int>(buf.size());
            auto* nlh = reinterpret_cast<const nlmsghdr*>(buf.data());
            for (; mnl_nlmsg_ok(nlh, len); nlh = mnl_nlmsg_next(nlh, &len)) {
                const std::uint32_t offset = nlh->nlmsg_seq - first_seq;
                if (offset >= count || acked[offset]) continue;
                const std::size_t index = start + offset;
                if (nlh->nlmsg_type == NLMSG_ERROR) {
                    try {
                        const NetlinkError error = parse_error(nlh);
                        if (error.error != 0 && !results[index])
                            results[index] =
                                std::make_exception_ptr(to_system_error(error, std::string(what)));
                    } catch (...) {
                        if (!results[index]) results[index] = std::current_exception();
                    }
                    acked[offset] = true;
                    --pending;
                } else if (nlh->nlmsg_type >= NLMSG_MIN_TYPE) {
                    try {
                        on_data(index, nlh);
                    } catch (...) {
                        if (!results[index]) results[index] = std::current_exception();
                    }
                    if (requests[index].reply_finishes()) {
                        acked[offset] = true;
                        --pending;
                    }
                }
            }
        }
    }
    return results;
}

}  // namespace xtrtpproxy

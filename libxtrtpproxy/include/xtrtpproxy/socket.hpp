// SPDX-License-Identifier: GPL-2.0
// A move-only generic netlink socket bound to the xt_rtpproxy family.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <exception>
#include <functional>
#include <span>
#include <string_view>
#include <vector>

#include "xtrtpproxy/message.hpp"

struct mnl_socket;
struct nlmsghdr;

namespace xtrtpproxy {

// Not for two threads at once, and only for the process that opened it: see client.hpp.
class Socket {
  public:
    using DataHandler = std::function<void(const nlmsghdr*)>;
    using BatchHandler = std::function<void(std::size_t index, const nlmsghdr*)>;

    // How long a receive waits for the kernel's next message by default. The kernel answers a
    // request while it is being sent and makes each part of a dump as it is read, so a wait
    // this long means that an answer will never come.
    static constexpr std::chrono::milliseconds kDefaultReceiveTimeout{5000};

    // Opens the socket, enables extended ACKs, sets kDefaultReceiveTimeout and resolves the
    // family. Throws std::system_error; ENOENT, saying to load it, if the module is not loaded.
    Socket();
    // The same for another generic netlink family (the unit tests use "nlctrl", which every
    // kernel has); ENOENT if it does not exist.
    explicit Socket(std::string_view family_name);
    Socket(const Socket&) = delete;
    Socket& operator=(const Socket&) = delete;
    Socket(Socket&& other) noexcept;
    Socket& operator=(Socket&& other) noexcept;
    ~Socket();

    std::uint16_t family_id() const noexcept { return family_.id; }
    std::uint32_t family_version() const noexcept { return family_.version; }
    // What the controller said of the family, its multicast groups included (Monitor joins one).
    const FamilyInfo& family() const noexcept { return family_; }
    // The descriptor, for an event loop's poll; reading or writing it directly would take
    // replies from under the calls below. -1 once moved from.
    int fd() const noexcept;

    // Every wait for a message of the kernel ends after timeout with
    // std::system_error(ETIMEDOUT) instead of blocking for ever; 0 waits for ever.
    void set_receive_timeout(std::chrono::milliseconds timeout);
    std::chrono::milliseconds receive_timeout() const noexcept { return receive_timeout_; }

    // Sends a doit request and waits for its ACK, or for its one reply when it asked for no
    // ACK (Request::reply_finishes); replies go to on_data.
    // Throws std::system_error with the kernel's extended-ACK text; what names the request.
    void execute(Request& request, std::string_view what, const DataHandler& on_data);

    // Sends a dump request and passes every message to on_data. Returns false if the kernel
    // flagged the dump as inconsistent (NLM_F_DUMP_INTR): the caller should start over.
    bool dump(Request& request, std::string_view what, const DataHandler& on_data);

    // Sends many doit requests in as few sendmsg calls as the receive buffer allows and
    // collects their replies (on_data gets the request's index) and ACKs (or, without
    // NLM_F_ACK, takes a request's reply as its end). Returns one entry
    // per request: null on success, else the exception (from the kernel or from on_data).
    std::vector<std::exception_ptr> batch(std::span<Request> requests, std::string_view what,
                                          const BatchHandler& on_data);

  private:
    // Throws std::system_error(EBADFD) in a process other than the one that opened the socket.
    void check_owner() const;
    void send(std::span<const std::byte> bytes);
    std::span<const std::byte> receive();
    void close() noexcept;

    mnl_socket* nl_ = nullptr;
    // The process that opened the socket: after fork() parent and child would share its port
    // id and read each other's replies.
    pid_t owner_ = 0;
    std::uint32_t seq_ = 0;
    FamilyInfo family_;
    std::chrono::milliseconds receive_timeout_{0};
    std::vector<std::byte> rx_;
};

}  // namespace xtrtpproxy

// SPDX-License-Identifier: GPL-2.0
// One call per xt_rtpproxy command, plus batched alloc/delete.
#pragma once

#include <chrono>
#include <cstdint>
#include <exception>
#include <optional>
#include <span>
#include <vector>

#include "xtrtpproxy/socket.hpp"
#include "xtrtpproxy/types.hpp"

namespace xtrtpproxy {

// The outcome of one item of a batch: a value or the exception the item failed with.
template <class T>
struct BatchResult {
    std::optional<T> value;
    std::exception_ptr error;

    bool ok() const noexcept { return value.has_value(); }
    // The value, or rethrows the item's error.
    const T& get() const {
        if (error) std::rethrow_exception(error);
        return *value;
    }
};

// Threads: a Client is one netlink socket with one reply buffer and one sequence counter, so one
// Client must not be used by two threads at once (one Client per thread, or a lock around it).
// Nothing is shared between Clients.
//
// fork(): parent and child would share the socket, and each could read the other's replies. A
// Client belongs to the process that opened it; every request from another process throws
// std::system_error(EBADFD) before it is sent. A SIP proxy that forks workers opens one Client
// per worker, after the fork (the parent may keep using its own, and the child may destroy the
// inherited one).
//
// Every wait for the kernel gives up after receive_timeout() with std::system_error(ETIMEDOUT).
class Client {
  public:
    // Dumps interrupted by concurrent changes are retried this many times in all.
    static constexpr int kDumpAttempts = 5;

    Client() = default;  // opens a Socket (Socket::kDefaultReceiveTimeout)
    explicit Client(Socket socket) : socket_(std::move(socket)) {}

    // The socket's descriptor, for an event loop's poll (see Socket::fd).
    int fd() const noexcept { return socket_.fd(); }
    // How long to wait for an answer of the kernel; 0 waits for ever.
    void set_receive_timeout(std::chrono::milliseconds timeout) {
        socket_.set_receive_timeout(timeout);
    }
    std::chrono::milliseconds receive_timeout() const noexcept { return socket_.receive_timeout(); }

    Info info();
    std::vector<Switchboard> switchboards(const SwitchboardSelector& selector = {});
    // The selector must match exactly one switchboard. The RTCP fields params leaves empty are
    // derived from RTP (with_rtcp_defaults, types.hpp), here and in update and alloc_batch.
    // A module older than a relay option (RelayParams), a rate limit (StreamParams::rate), the
    // label (SessionParams::label), the clock rate (SessionParams::clock_rate) or the recording
    // (SessionParams::recording, stop_recording) of params refuses it: these three then throw
    // (or, in a batch, give) ModuleTooOldError (error.hpp), which names the option.
    SessionEntry alloc(const SwitchboardSelector& selector, const SessionParams& params);
    // Returns the number of sessions changed. Without range: every live session.
    std::uint32_t update(const SwitchboardSelector& selector,
                         const std::optional<SessionRange>& range, const SessionParams& params);
    // Returns the number of sessions deleted.
    std::uint32_t remove(const std::optional<SwitchboardSelector>& selector = {},
                         const std::optional<SessionRange>& range = {});
    SessionEntry session(const SwitchboardSelector& selector, std::uint32_t id);
    // With label, only the sessions it matches (LabelFilter, types.hpp); a module older than the
    // labels refuses it with ModuleTooOldError.
    std::vector<SessionEntry> sessions(const std::optional<SwitchboardSelector>& selector = {},
                                       const std::optional<SessionRange>& range = {},
                                       const std::optional<LabelFilter>& label = {});
    // bits: RTPPROXY_RESET_*. Returns the number of switchboards touched.
    std::uint32_t reset(std::uint32_t bits,
                        const std::optional<SwitchboardSelector>& selector = {});
    // Runs the expiry scan now; returns the number of sessions that changed state or were freed.
    std::uint32_t audit(const std::optional<SwitchboardSelector>& selector = {});

    // Many allocs or deletes in one switchboard, each with its own result. They go to the
    // kernel RTPPROXY_NEW_BULK_MAX allocs (NEW_SESSIONS) or RTPPROXY_BULK_MAX deletes
    // (DEL_SESSIONS) to a message; a message the kernel
    // refuses, which then changed nothing, is sent again as one request per item, so that each
    // item gets its own result; so is everything on a kernel without the bulk commands.
    std::vector<BatchResult<SessionEntry>> alloc_batch(const SwitchboardSelector& selector,
                                                       std::span<const SessionParams> params);
    std::vector<BatchResult<std::uint32_t>> remove_batch(const SwitchboardSelector& selector,
                                                         std::span<const SessionRange> ranges);

    Socket& socket() noexcept { return socket_; }

  private:
    template <class T, class Parse>
    std::vector<T> dump_all(Request& request, std::string_view what, Parse parse);
    std::uint32_t affected(Request& request, std::string_view what);
    std::vector<BatchResult<SessionEntry>> alloc_each(const SwitchboardSelector& selector,
                                                      std::span<const SessionParams> params);
    std::vector<BatchResult<std::uint32_t>> remove_each(const SwitchboardSelector& selector,
                                                        std::span<const SessionRange> ranges);
    // Whether the kernel knows the bulk commands: true until it answers EOPNOTSUPP.
    bool bulk_ = true;

    Socket socket_;
};

}  // namespace xtrtpproxy

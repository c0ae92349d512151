// SPDX-License-Identifier: GPL-2.0
// A listener of the module's events: a netlink socket of its own in the multicast group.
#pragma once

#include <climits>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string_view>
#include <vector>

#include "xtrtpproxy/event.hpp"
#include "xtrtpproxy/socket.hpp"

namespace xtrtpproxy {

// Hears every event of the network namespace it was opened in, as ip monitor and conntrack -E
// hear theirs; choosing among them is the caller's (SwitchboardSelector::matches,
// LabelFilter::matches). Events come as they happen and are not asked for: a listener that
// reads slower than they come loses some, and is told (EventKind::lost); a larger receive
// buffer lets it fall further behind first. A Client's socket is for its requests only, so a
// program that watches and commands keeps one of each.
//
// Threads and fork(): as a Client (client.hpp), one reader at a time, in one process.
class Monitor {
  public:
    // The most the kernel sets (it caps SO_RCVBUF and SO_RCVBUFFORCE there).
    static constexpr std::size_t kMaxReceiveBuffer = INT_MAX / 2;

    // Opens the socket (Socket()), looks up the group XT_RTPPROXY_MCGRP_EVENTS of the family in
    // the controller's answer and joins it. receive_buffer: the room, in bytes, for events not
    // yet read, as SO_RCVBUF takes it; beyond net.core.rmem_max it takes CAP_NET_ADMIN in the
    // initial user namespace, and without that it stops at the limit (receive_buffer() says
    // what it got). Without it, the Socket's. Throws std::system_error with a message that
    // says what to do: ENOENT when the module is not loaded, EOPNOTSUPP when it is too old for
    // events, EPERM without CAP_NET_ADMIN in the user namespace that owns the network
    // namespace; std::invalid_argument for a receive_buffer of 0 or over kMaxReceiveBuffer.
    explicit Monitor(std::optional<std::size_t> receive_buffer = std::nullopt);
    // The same for another family's group (the unit tests use nlctrl's "notify").
    Monitor(std::string_view family_name, std::string_view group_name,
            std::optional<std::size_t> receive_buffer = std::nullopt);

    // For an event loop's poll: readable when read() will not wait.
    int fd() const noexcept { return socket_.fd(); }
    std::uint16_t family_id() const noexcept { return socket_.family_id(); }
    std::uint32_t group_id() const noexcept { return group_id_; }
    // The receive buffer as setsockopt(SO_RCVBUF) would take it (getsockopt reports twice
    // that: the kernel's bookkeeping).
    std::size_t receive_buffer() const;

    // Waits for the next message and returns its events (none for one that has none we know,
    // or, on a descriptor the caller made non-blocking, when nothing is waiting). A signal does
    // not end the wait: poll fd() for that. An overrun of the receive buffer is no error but
    // an Event of kind lost, noticed before the events queued ahead of the loss; reading goes
    // on. Throws std::system_error: EBADMSG for a message that breaks the ABI, the errno of
    // the socket otherwise.
    std::vector<Event> read();

  private:
    Socket socket_;
    std::uint32_t group_id_ = 0;
    std::vector<std::byte> rx_;
};

}  // namespace xtrtpproxy

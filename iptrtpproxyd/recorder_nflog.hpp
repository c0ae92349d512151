// SPDX-License-Identifier: GPL-2.0
// The recorder's NFLOG side: the socket that listens on the recording group (nfnetlink_log),
// and the parsing of what comes on it: the packet messages, the kernel's prefix of each copy
// ("rtpp ID STREAM received"), the copy's IP and UDP headers. No kernel needed to test it.
#pragma once

#include <linux/netlink.h>
#include <sys/time.h>

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string_view>
#include <utility>

#include "xtrtpproxy/types.hpp"

namespace rtpproxyd {

// The listener of one NFLOG group. Move-only; the descriptor closes with it.
class NflogSocket {
  public:
    // Opens a netfilter netlink socket and binds the group to it (NFULNL_CFG_CMD_BIND), whole
    // datagrams copied, batched for at most 50 ms. Needs CAP_NET_ADMIN, in the namespace
    // whose copies it is to hear. Throws std::system_error saying what failed and why (EPERM:
    // another program listens on the group, or the capability is missing).
    static NflogSocket open(std::uint16_t group);
    // Takes a descriptor that delivers NFLOG netlink datagrams, one per read (the unit tests'
    // socketpair).
    static NflogSocket adopt(int fd) noexcept { return NflogSocket(fd); }

    NflogSocket(NflogSocket&& other) noexcept : fd_(std::exchange(other.fd_, -1)) {}
    NflogSocket& operator=(NflogSocket&& other) noexcept;
    NflogSocket(const NflogSocket&) = delete;
    NflogSocket& operator=(const NflogSocket&) = delete;
    ~NflogSocket();

    int fd() const noexcept { return fd_; }

  private:
    explicit NflogSocket(int fd) noexcept : fd_(fd) {}
    int fd_ = -1;
};

// The part of an NFULNL_MSG_PACKET message the recorder uses; views into the message.
struct NflogPacket {
    std::uint16_t group = 0;
    std::string_view prefix{};             // NFULA_PREFIX without its NUL; empty if none
    std::span<const std::byte> payload{};  // NFULA_PAYLOAD: the datagram from its IP header
    std::optional<timeval> timestamp{};    // NFULA_TIMESTAMP (arrival), when the kernel had one
};

// nullopt for a message that is not an NFLOG packet or whose attributes are malformed.
std::optional<NflogPacket> parse_nflog_packet(const nlmsghdr* nlh);

// What the kernel's prefix of a copy says (kmod/record.c: "rtpp %u %s %s").
struct CopyPrefix {
    std::uint32_t session = 0;
    std::size_t stream = 0;  // xtrtpproxy::StreamIndex's value: 0 rtp-a .. 3 rtcp-b
    bool sent = false;       // the copy as sent, else as received

    bool rtcp() const noexcept { return stream % 2 == 1; }
    friend bool operator==(const CopyPrefix&, const CopyPrefix&) = default;
};
// nullopt for any other prefix (an operator's NFLOG rule logging to the same group).
std::optional<CopyPrefix> parse_copy_prefix(std::string_view prefix);

// The addresses and ports of a copied UDP datagram.
struct UdpDatagram {
    xtrtpproxy::Endpoint source{};
    xtrtpproxy::Endpoint destination{};
    // What the IP header says the datagram has: more than the copy when it was cut short.
    std::size_t length = 0;
};
// nullopt unless bytes start with an IPv4 or IPv6 header, then (after IPv6's extension
// headers) a whole UDP header; a fragment but the first has none.
std::optional<UdpDatagram> parse_udp_datagram(std::span<const std::byte> bytes);

// Whether a received copy of session `prefix.session`, stream `prefix.stream`, belongs to the
// switchboard `gates`: the kernel's prefix does not name the switchboard, but a received copy
// is addressed to its gate, the stream's side's address at port + 2 * session (+ 1 for RTCP),
// and no two switchboards share a gate port. Sent copies never match (see recorder.hpp).
bool copy_of(const xtrtpproxy::SwitchboardGates& gates, const CopyPrefix& prefix,
             const UdpDatagram& datagram);

}  // namespace rtpproxyd

// SPDX-License-Identifier: GPL-2.0
// The NFLOG socket of the recorder and the parsers of what it hears.
#include "recorder_nflog.hpp"

#include <arpa/inet.h>
#include <endian.h>
#include <fcntl.h>
#include <libmnl/libmnl.h>
#include <linux/netfilter/nfnetlink.h>
#include <linux/netfilter/nfnetlink_log.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <charconv>
#include <cstring>
#include <ctime>
#include <string>
#include <system_error>
#include <vector>

namespace rtpproxyd {
namespace {

// How nfnetlink_log batches the copies for us. A batch goes when it holds kQueueThreshold
// copies, when its buffer is full, or kFlushTimeout after its first copy: 50 ms, so that the
// copies still in the kernel when a call ends (and its file is closed) are at most that much
// of its media, while a busy relay still gets dozens of copies per read.
constexpr std::uint32_t kQueueThreshold = 64;
constexpr std::uint32_t kFlushTimeout = 5;  // in 1/100 s
// A batch's buffer: with the skb's own overhead it stays one order-2 (16 KiB) allocation,
// which the kernel makes in atomic context; the default is one page (about 13 RTP copies).
constexpr std::uint32_t kBatchBytes = 16000;
// Whole datagrams: the kernel caps the copy at 0xffff less an attribute header.
constexpr std::uint32_t kCopyRange = 0xffff;
// Room for bursts while the daemon handles a command: about half a second of 1000 recorded
// G.711 calls. Forced past net.core.rmem_max, which CAP_NET_ADMIN allows.
constexpr int kReceiveBuffer = 16 << 20;
// How long the kernel may take to answer the configuration: it answers at once.
constexpr int kReceiveTimeoutSeconds = 5;

[[noreturn]] void fail(int error, const std::string& what) {
    throw std::system_error(error, std::generic_category(), what);
}

std::string group_name(std::uint16_t group) { return "NFLOG group " + std::to_string(group); }

// Why the kernel refused the group, in words an operator acts on.
std::string refusal(std::uint16_t group, int error) {
    switch (error) {
        case EPERM:
            return group_name(group) +
                   ": another program listens on it (tcpdump -i nflog:" + std::to_string(group) +
                   ", ulogd), or CAP_NET_ADMIN is missing";
        case EBUSY:
            return group_name(group) + ": this socket is bound to it already";
        case EOPNOTSUPP:
        case ENOENT:
            return group_name(group) + ": nfnetlink_log is not available";
        default:
            return group_name(group) + ": the kernel refused to bind it";
    }
}

void configure(int fd, std::uint32_t portid, std::uint16_t group) {
    // Sessions still recording to the group from before a restart may send copies before
    // the answer: room for a batch of them (see kDatagramBytes in recorder.cpp).
    std::vector<std::uint64_t> words((256 << 10) / sizeof(std::uint64_t));
    const std::span<char> buffer(reinterpret_cast<char*>(words.data()),
                                 words.size() * sizeof(std::uint64_t));
    nlmsghdr* nlh = mnl_nlmsg_put_header(buffer.data());
    nlh->nlmsg_type = (NFNL_SUBSYS_ULOG << 8) | NFULNL_MSG_CONFIG;
    nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK;
    nlh->nlmsg_seq = static_cast<std::uint32_t>(std::time(nullptr));
    auto* nfg = static_cast<nfgenmsg*>(mnl_nlmsg_put_extra_header(nlh, sizeof(nfgenmsg)));
    // No NFULNL_CFG_CMD_PF_BIND: the module logs with an NF_LOG_TYPE_ULOG loginfo, which
    // reaches nfnetlink_log whatever logger the family has; binding would make nfnetlink_log
    // the namespace's default logger of the family, for everyone's LOG-less logging.
    nfg->nfgen_family = AF_UNSPEC;
    nfg->version = NFNETLINK_V0;
    nfg->res_id = htons(group);
    // One message: the kernel binds first, then applies the rest to the new instance.
    const nfulnl_msg_config_cmd cmd{NFULNL_CFG_CMD_BIND};
    mnl_attr_put(nlh, NFULA_CFG_CMD, sizeof cmd, &cmd);
    const nfulnl_msg_config_mode mode{htonl(kCopyRange), NFULNL_COPY_PACKET, 0};
    mnl_attr_put(nlh, NFULA_CFG_MODE, sizeof mode, &mode);
    mnl_attr_put_u32(nlh, NFULA_CFG_NLBUFSIZ, htonl(kBatchBytes));
    mnl_attr_put_u32(nlh, NFULA_CFG_TIMEOUT, htonl(kFlushTimeout));
    mnl_attr_put_u32(nlh, NFULA_CFG_QTHRESH, htonl(kQueueThreshold));

    sockaddr_nl kernel{};
    kernel.nl_family = AF_NETLINK;
    if (::sendto(fd, nlh, nlh->nlmsg_len, 0, reinterpret_cast<const sockaddr*>(&kernel),
                 sizeof kernel) < 0)
        fail(errno, group_name(group) + ": sending the configuration");
    const std::uint32_t seq = nlh->nlmsg_seq;
    // Copies may come before the answer once the group is bound: mnl_cb_run passes over them
    // (no data callback) until the ACK stops it.
    for (;;) {
        const ssize_t n = ::recv(fd, buffer.data(), buffer.size(), 0);
        if (n < 0) {
            if (errno == EINTR) continue;
            if (errno == EAGAIN) fail(ETIMEDOUT, group_name(group) + ": no answer from the kernel");
            fail(errno, group_name(group) + ": reading the answer");
        }
        const int ret =
            mnl_cb_run(buffer.data(), static_cast<std::size_t>(n), seq, portid, nullptr, nullptr);
        if (ret < 0) fail(errno, refusal(group, errno));
        if (ret == MNL_CB_STOP) return;
    }
}

int attr_cb(const nlattr* attr, void* data) {
    auto* tb = static_cast<const nlattr**>(data);
    const int type = mnl_attr_get_type(attr);
    if (type > NFULA_MAX) return MNL_CB_OK;  // a newer kernel's
    switch (type) {
        case NFULA_PREFIX:
            if (mnl_attr_validate(attr, MNL_TYPE_NUL_STRING) < 0) return MNL_CB_ERROR;
            break;
        case NFULA_TIMESTAMP:
            if (mnl_attr_validate2(attr, MNL_TYPE_UNSPEC, sizeof(nfulnl_msg_packet_timestamp)) < 0)
                return MNL_CB_ERROR;
            break;
        default:
            break;
    }
    tb[type] = attr;
    return MNL_CB_OK;
}

std::uint16_t be16_at(std::span<const std::byte> b, std::size_t at) {
    return static_cast<std::uint16_t>(std::to_integer<unsigned>(b[at]) << 8 |
                                      std::to_integer<unsigned>(b[at + 1]));
}

unsigned byte_at(std::span<const std::byte> b, std::size_t at) {
    return std::to_integer<unsigned>(b[at]);
}

constexpr unsigned kUdp = 17;

}  // namespace

NflogSocket NflogSocket::open(std::uint16_t group) {
    NflogSocket s(::socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_NETFILTER));
    if (s.fd_ < 0) fail(errno, group_name(group) + ": netfilter netlink socket");
    sockaddr_nl local{};
    local.nl_family = AF_NETLINK;
    socklen_t length = sizeof local;
    if (::bind(s.fd_, reinterpret_cast<const sockaddr*>(&local), sizeof local) < 0 ||
        ::getsockname(s.fd_, reinterpret_cast<sockaddr*>(&local), &length) < 0)
        fail(errno, group_name(group) + ": binding the netlink socket");
    const int size = kReceiveBuffer;
    if (::setsockopt(s.fd_, SOL_SOCKET, SO_RCVBUFFORCE, &size, sizeof size) < 0)
        ::setsockopt(s.fd_, SOL_SOCKET, SO_RCVBUF, &size, sizeof size);  // rmem_max's, then
    const timeval timeout{kReceiveTimeoutSeconds, 0};
    ::setsockopt(s.fd_, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout);
    configure(s.fd_, local.nl_pid, group);
    // A socket asking for timestamps makes the kernel stamp every datagram it receives
    // (tcpdump's does the same), and nfnetlink_log passes the stamp on in NFULA_TIMESTAMP:
    // the time each copy arrived, not the time a batch of them was read. The stamps of this
    // socket's own datagrams are not read.
    const int on = 1;
    ::setsockopt(s.fd_, SOL_SOCKET, SO_TIMESTAMP, &on, sizeof on);
    if (::fcntl(s.fd_, F_SETFL, ::fcntl(s.fd_, F_GETFL) | O_NONBLOCK) < 0)
        fail(errno, group_name(group) + ": O_NONBLOCK");
    return s;
}

NflogSocket& NflogSocket::operator=(NflogSocket&& other) noexcept {
    if (this != &other) {
        if (fd_ >= 0) ::close(fd_);
        fd_ = std::exchange(other.fd_, -1);
    }
    return *this;
}

NflogSocket::~NflogSocket() {
    if (fd_ >= 0) ::close(fd_);
}

std::optional<NflogPacket> parse_nflog_packet(const nlmsghdr* nlh) {
    if (nlh->nlmsg_type != ((NFNL_SUBSYS_ULOG << 8) | NFULNL_MSG_PACKET) ||
        mnl_nlmsg_get_payload_len(nlh) < sizeof(nfgenmsg))
        return std::nullopt;
    std::array<const nlattr*, NFULA_MAX + 1> tb{};
    if (mnl_attr_parse(nlh, sizeof(nfgenmsg), attr_cb, tb.data()) < 0) return std::nullopt;
    if (!tb[NFULA_PAYLOAD]) return std::nullopt;  // NFULNL_COPY_META: not ours

    NflogPacket packet;
    const auto* nfg = static_cast<const nfgenmsg*>(mnl_nlmsg_get_payload(nlh));
    packet.group = ntohs(nfg->res_id);
    packet.payload = {static_cast<const std::byte*>(mnl_attr_get_payload(tb[NFULA_PAYLOAD])),
                      mnl_attr_get_payload_len(tb[NFULA_PAYLOAD])};
    if (tb[NFULA_PREFIX]) packet.prefix = mnl_attr_get_str(tb[NFULA_PREFIX]);
    if (tb[NFULA_TIMESTAMP]) {
        nfulnl_msg_packet_timestamp ts;
        std::memcpy(&ts, mnl_attr_get_payload(tb[NFULA_TIMESTAMP]), sizeof ts);
        const std::uint64_t usec = be64toh(ts.usec);
        if (usec < 1'000'000)
            packet.timestamp =
                timeval{static_cast<time_t>(be64toh(ts.sec)), static_cast<suseconds_t>(usec)};
    }
    return packet;
}

std::optional<CopyPrefix> parse_copy_prefix(std::string_view prefix) {
    constexpr std::string_view kStart = "rtpp ";
    if (!prefix.starts_with(kStart)) return std::nullopt;
    prefix.remove_prefix(kStart.size());
    CopyPrefix copy;
    const char* end = prefix.data() + prefix.size();
    const auto [after_id, error] = std::from_chars(prefix.data(), end, copy.session);
    if (error != std::errc() || after_id == prefix.data() || after_id == end || *after_id != ' ')
        return std::nullopt;
    prefix.remove_prefix(static_cast<std::size_t>(after_id - prefix.data()) + 1);
    const auto space = prefix.find(' ');
    if (space == std::string_view::npos) return std::nullopt;
    const std::string_view name = prefix.substr(0, space);
    const std::string_view which = prefix.substr(space + 1);
    copy.stream = xtrtpproxy::kStreams;
    for (std::size_t i = 0; i < xtrtpproxy::kStreams; ++i)
        if (xtrtpproxy::stream_name(i) == name) copy.stream = i;
    if (copy.stream == xtrtpproxy::kStreams) return std::nullopt;
    if (which == "sent")
        copy.sent = true;
    else if (which != "received")
        return std::nullopt;
    return copy;
}

std::optional<UdpDatagram> parse_udp_datagram(std::span<const std::byte> b) {
    if (b.empty()) return std::nullopt;
    UdpDatagram d;
    std::size_t udp = 0;
    const unsigned version = byte_at(b, 0) >> 4;
    if (version == 4) {
        const std::size_t ihl = (byte_at(b, 0) & 0xf) * 4u;
        if (ihl < 20 || b.size() < ihl || byte_at(b, 9) != kUdp) return std::nullopt;
        if ((be16_at(b, 6) & 0x1fff) != 0) return std::nullopt;  // a later fragment
        d.length = be16_at(b, 2);
        d.source.addr = xtrtpproxy::Address::from_bytes(b.subspan(12, 4));
        d.destination.addr = xtrtpproxy::Address::from_bytes(b.subspan(16, 4));
        udp = ihl;
    } else if (version == 6) {
        if (b.size() < 40) return std::nullopt;
        const std::size_t payload = be16_at(b, 4);
        d.length = payload == 0 ? b.size() : 40 + payload;  // 0: a jumbogram
        d.source.addr = xtrtpproxy::Address::from_bytes(b.subspan(8, 16));
        d.destination.addr = xtrtpproxy::Address::from_bytes(b.subspan(24, 16));
        unsigned next = byte_at(b, 6);
        udp = 40;
        // Hop-by-hop, routing and destination options, and a first fragment, may come first.
        for (int headers = 0; next != kUdp; ++headers) {
            if (headers == 8 || b.size() < udp + 8) return std::nullopt;
            if (next == 44) {
                if ((be16_at(b, udp + 2) & 0xfff8) != 0) return std::nullopt;  // a later one
                next = byte_at(b, udp);
                udp += 8;
            } else if (next == 0 || next == 43 || next == 60) {
                next = byte_at(b, udp);
                udp += (byte_at(b, udp + 1) + 1) * 8u;
            } else {
                return std::nullopt;
            }
        }
    } else {
        return std::nullopt;
    }
    if (b.size() < udp + 8) return std::nullopt;
    d.source.port = be16_at(b, udp);
    d.destination.port = be16_at(b, udp + 2);
    d.length = std::max(d.length, b.size());
    return d;
}

bool copy_of(const xtrtpproxy::SwitchboardGates& gates, const CopyPrefix& prefix,
             const UdpDatagram& datagram) {
    if (prefix.sent) return false;
    const xtrtpproxy::Gate& gate = prefix.stream < 2 ? gates.gate_a : gates.gate_b;
    const std::uint64_t port = gate.port + 2 * std::uint64_t{prefix.session} + prefix.rtcp();
    return datagram.destination.addr == gate.addr && datagram.destination.port == port;
}

}  // namespace rtpproxyd

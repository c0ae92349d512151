// SPDX-License-Identifier: GPL-2.0
// Test helpers of the recorder's tests: canned datagrams and NFLOG messages as nfnetlink_log
// sends them (built with libmnl), pcap files read back with libpcap, directories of their own.
#pragma once

#include <arpa/inet.h>
#include <endian.h>
#include <gtest/gtest.h>
#include <libmnl/libmnl.h>
#include <linux/if_ether.h>
#include <linux/netfilter/nfnetlink.h>
#include <linux/netfilter/nfnetlink_log.h>
#include <pcap/pcap.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <sys/time.h>

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <initializer_list>
#include <optional>
#include <string>
#include <vector>

#include "netlink_util.hpp"
#include "xtrtpproxy/types.hpp"

namespace rectest {

using testutil::MessageBuffer;
namespace fs = std::filesystem;

// rtpproxyd has an Address of its own (the commands').
inline xtrtpproxy::Address ip(const char* text) { return xtrtpproxy::Address::parse(text); }

inline const xtrtpproxy::Address v4 = ip("192.0.2.1");
inline const xtrtpproxy::Address v6 = ip("2001:db8::1");
inline constexpr std::uint16_t kGroup = 2223;

// ---- canned datagrams and NFLOG messages ----

inline std::vector<std::byte> bytes_of(std::initializer_list<unsigned> values) {
    std::vector<std::byte> out;
    for (const unsigned v : values) out.push_back(static_cast<std::byte>(v));
    return out;
}

inline void put16(std::vector<std::byte>& b, std::size_t at, std::size_t value) {
    b[at] = static_cast<std::byte>(value >> 8);
    b[at + 1] = static_cast<std::byte>(value & 0xff);
}

inline void put_addr(std::vector<std::byte>& b, std::size_t at, const xtrtpproxy::Address& addr) {
    std::copy(addr.bytes().begin(), addr.bytes().end(), b.begin() + static_cast<long>(at));
}

// An IPv4 or IPv6 UDP datagram from `from` to `to` with `payload` bytes of `fill`.
inline std::vector<std::byte> udp(const xtrtpproxy::Endpoint& from, const xtrtpproxy::Endpoint& to,
                                  std::size_t payload, unsigned fill = 0x80) {
    const bool v6 = from.addr.is_v6();
    const std::size_t ip = v6 ? 40 : 20;
    std::vector<std::byte> b(ip + 8 + payload, static_cast<std::byte>(fill));
    std::fill(b.begin(), b.begin() + static_cast<long>(ip + 8), std::byte{0});
    if (v6) {
        b[0] = std::byte{0x60};
        put16(b, 4, 8 + payload);
        b[6] = std::byte{17};
        b[7] = std::byte{64};
        put_addr(b, 8, from.addr);
        put_addr(b, 24, to.addr);
    } else {
        b[0] = std::byte{0x45};
        put16(b, 2, b.size());
        b[8] = std::byte{64};
        b[9] = std::byte{17};
        put_addr(b, 12, from.addr);
        put_addr(b, 16, to.addr);
    }
    put16(b, ip, from.port);
    put16(b, ip + 2, to.port);
    put16(b, ip + 4, 8 + payload);
    return b;
}

struct NflogCopy {
    std::string prefix;
    std::vector<std::byte> datagram;
    std::optional<timeval> timestamp{};
    std::uint16_t group = kGroup;
};

// One NFULNL_MSG_PACKET as nfnetlink_log builds it (attributes in its order).
inline void put_packet(MessageBuffer& m, const NflogCopy& copy) {
    const bool v6 = (std::to_integer<unsigned>(copy.datagram[0]) >> 4) == 6;
    nlmsghdr* nlh = m.begin((NFNL_SUBSYS_ULOG << 8) | NFULNL_MSG_PACKET, NLM_F_MULTI, 0, false);
    auto* nfg = static_cast<nfgenmsg*>(mnl_nlmsg_put_extra_header(nlh, sizeof(nfgenmsg)));
    nfg->nfgen_family = v6 ? AF_INET6 : AF_INET;
    nfg->version = NFNETLINK_V0;
    nfg->res_id = htons(copy.group);
    const nfulnl_msg_packet_hdr hdr{htons(v6 ? ETH_P_IPV6 : ETH_P_IP), 0, 0};
    mnl_attr_put(nlh, NFULA_PACKET_HDR, sizeof hdr, &hdr);
    mnl_attr_put_strz(nlh, NFULA_PREFIX, copy.prefix.c_str());
    mnl_attr_put_u32(nlh, NFULA_IFINDEX_INDEV, htonl(2));
    if (copy.timestamp) {
        nfulnl_msg_packet_timestamp ts{};
        ts.sec = htobe64(static_cast<std::uint64_t>(copy.timestamp->tv_sec));
        ts.usec = htobe64(static_cast<std::uint64_t>(copy.timestamp->tv_usec));
        mnl_attr_put(nlh, NFULA_TIMESTAMP, sizeof ts, &ts);
    }
    mnl_attr_put(nlh, NFULA_PAYLOAD, copy.datagram.size(), copy.datagram.data());
    m.end();
}

// A batch as the kernel sends it: the packets, then NLMSG_DONE.
inline MessageBuffer batch(const std::vector<NflogCopy>& copies) {
    MessageBuffer m;
    for (const auto& copy : copies) put_packet(m, copy);
    if (copies.size() > 1) m.done(0);
    return m;
}

inline const nlmsghdr* first_message(const MessageBuffer& m) {
    return reinterpret_cast<const nlmsghdr*>(m.bytes().data());
}

inline std::string prefix(std::uint32_t id, const char* stream, const char* which = "received") {
    return "rtpp " + std::to_string(id) + " " + stream + " " + which;
}

// A pcap file read back.
struct Capture {
    int linktype = -1;
    std::vector<pcap_pkthdr> headers;
    std::vector<std::vector<std::byte>> packets;
};

inline Capture read_pcap(const std::string& path) {
    Capture c;
    char error[PCAP_ERRBUF_SIZE] = "";
    pcap_t* p = pcap_open_offline(path.c_str(), error);
    EXPECT_NE(p, nullptr) << path << ": " << error;
    if (!p) return c;
    c.linktype = pcap_datalink(p);
    pcap_pkthdr* header = nullptr;
    const u_char* data = nullptr;
    while (pcap_next_ex(p, &header, &data) == 1) {
        c.headers.push_back(*header);
        const auto* b = reinterpret_cast<const std::byte*>(data);
        c.packets.emplace_back(b, b + header->caplen);
    }
    pcap_close(p);
    return c;
}

inline std::vector<std::string> files_in(const std::string& dir) {
    std::vector<std::string> names;
    for (const auto& entry : fs::directory_iterator(dir)) names.push_back(entry.path().string());
    std::sort(names.begin(), names.end());
    return names;
}

// A directory of its own, gone after the test.
class TempDir {
  public:
    TempDir() {
        std::string pattern = (fs::temp_directory_path() / "recorder_test.XXXXXX").string();
        path_ = ::mkdtemp(pattern.data());
        EXPECT_FALSE(path_.empty());
    }
    ~TempDir() { fs::remove_all(path_); }
    const std::string& path() const { return path_; }

  private:
    std::string path_;
};

}  // namespace rectest

// SPDX-License-Identifier: GPL-2.0
// Test helpers: read attributes of a built request, hand-build kernel replies with libmnl and
// the errors of a module too old for an attribute.
#pragma once

#include <gtest/gtest.h>
#include <libmnl/libmnl.h>
#include <linux/genetlink.h>
#include <linux/netfilter/xt_RTPPROXY.h>
#include <linux/netlink.h>
#include <sys/socket.h>

#include <algorithm>
#include <cerrno>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <map>
#include <optional>
#include <span>
#include <stdexcept>
#include <string>
#include <system_error>
#include <vector>

#include "xtrtpproxy/error.hpp"
#include "xtrtpproxy/message.hpp"
#include "xtrtpproxy/types.hpp"

namespace testutil {

// The family id the canned requests and replies carry.
constexpr std::uint16_t kFamily = 0x1d;

// The switchboard the request tests name: gate A 10.0.1.1:20000.
inline xtrtpproxy::SwitchboardSelector selector() {
    xtrtpproxy::SwitchboardSelector sel;
    sel.addr_a = xtrtpproxy::Address::parse("10.0.1.1");
    sel.port_a = 20000;
    return sel;
}

// Attributes by type; a repeated type would be a bug in the builder, so it fails the test.
using Attrs = std::map<int, const nlattr*>;

inline int collect_cb(const nlattr* attr, void* data) {
    auto* attrs = static_cast<Attrs*>(data);
    const int type = mnl_attr_get_type(attr);
    EXPECT_EQ(attrs->count(type), 0U) << "attribute " << type << " twice";
    (*attrs)[type] = attr;
    return MNL_CB_OK;
}

inline Attrs message_attrs(const nlmsghdr* nlh) {
    Attrs attrs;
    EXPECT_GE(mnl_attr_parse(nlh, sizeof(genlmsghdr), collect_cb, &attrs), 0);
    return attrs;
}

inline Attrs nested_attrs(const nlattr* nest) {
    Attrs attrs;
    EXPECT_GE(mnl_attr_parse_nested(nest, collect_cb, &attrs), 0);
    return attrs;
}

// Every attribute of a nest in order, repeated types included (a bulk request's list).
inline std::vector<const nlattr*> nested_list(const nlattr* nest) {
    std::vector<const nlattr*> items;
    const auto* end =
        static_cast<const char*>(mnl_attr_get_payload(nest)) + mnl_attr_get_payload_len(nest);
    const auto* attr = static_cast<const nlattr*>(mnl_attr_get_payload(nest));
    while (mnl_attr_ok(attr, static_cast<int>(end - reinterpret_cast<const char*>(attr)))) {
        items.push_back(attr);
        attr = mnl_attr_next(attr);
    }
    return items;
}

inline const genlmsghdr* genl_header(const nlmsghdr* nlh) {
    return static_cast<const genlmsghdr*>(mnl_nlmsg_get_payload(nlh));
}

inline xtrtpproxy::Address attr_addr(const nlattr* attr) {
    return xtrtpproxy::Address::from_bytes(
        {static_cast<const std::byte*>(mnl_attr_get_payload(attr)),
         static_cast<std::size_t>(mnl_attr_get_payload_len(attr))});
}

// Builds netlink messages back to back in one buffer, as the kernel would return them.
class MessageBuffer {
  public:
    MessageBuffer() : storage_(16384 / sizeof(std::uint32_t)) {}

    // Starts a message at the end of the buffer; for genl data messages pass genl = true.
    nlmsghdr* begin(std::uint16_t type, std::uint16_t flags, std::uint32_t seq, bool genl = true,
                    std::uint8_t cmd = 0) {
        nlh_ = mnl_nlmsg_put_header(reinterpret_cast<char*>(storage_.data()) + used_);
        nlh_->nlmsg_type = type;
        nlh_->nlmsg_flags = flags;
        nlh_->nlmsg_seq = seq;
        if (genl) {
            auto* g =
                static_cast<genlmsghdr*>(mnl_nlmsg_put_extra_header(nlh_, sizeof(genlmsghdr)));
            g->cmd = cmd;
            g->version = 1;
        }
        return nlh_;
    }
    // Closes the current message.
    void end() { used_ += nlh_->nlmsg_len; }

    nlmsghdr* nlh() { return nlh_; }
    std::span<const std::byte> bytes() const {
        return {reinterpret_cast<const std::byte*>(storage_.data()), used_};
    }

    void put_addr(std::uint16_t type, const std::string& text) {
        const auto addr = xtrtpproxy::Address::parse(text);
        mnl_attr_put(nlh_, type, addr.bytes().size(), addr.bytes().data());
    }
    // 64-bit attributes as the kernel sends them: 4-byte aligned, after a pad attribute.
    void put_u64(std::uint16_t type, std::uint64_t value) { mnl_attr_put_u64(nlh_, type, value); }
    nlattr* nest(std::uint16_t type) { return mnl_attr_nest_start(nlh_, type); }
    void end_nest(nlattr* nest) { mnl_attr_nest_end(nlh_, nest); }

    // An NLMSG_ERROR answering seq, with an extended ACK message when text is not empty.
    void error(std::uint32_t seq, int error, const std::string& text, bool capped = true,
               const nlmsghdr* request = nullptr) {
        begin(NLMSG_ERROR, capped ? NLM_F_CAPPED : 0, seq, false);
        auto* err = static_cast<nlmsgerr*>(mnl_nlmsg_put_extra_header(nlh_, sizeof(nlmsgerr)));
        err->error = -error;
        if (request) {
            err->msg = *request;
            if (!capped) {
                // The request's payload is echoed after the header copy.
                const auto payload_len = request->nlmsg_len - NLMSG_HDRLEN;
                auto* copy = mnl_nlmsg_put_extra_header(nlh_, payload_len);
                std::memcpy(copy, mnl_nlmsg_get_payload(request), payload_len);
            }
        }
        if (!text.empty()) {
            nlh_->nlmsg_flags |= NLM_F_ACK_TLVS;
            mnl_attr_put_strz(nlh_, NLMSGERR_ATTR_MSG, text.c_str());
            mnl_attr_put_u32(nlh_, NLMSGERR_ATTR_OFFS, 20);
        }
        end();
    }
    void ack(std::uint32_t seq) { error(seq, 0, ""); }
    void done(std::uint32_t seq, int error = 0, std::uint16_t flags = NLM_F_MULTI) {
        begin(NLMSG_DONE, flags, seq, false);
        auto* value = static_cast<int*>(mnl_nlmsg_put_extra_header(nlh_, sizeof(int)));
        *value = -error;
        end();
    }

  private:
    std::vector<std::uint32_t> storage_;
    std::size_t used_ = 0;
    nlmsghdr* nlh_ = nullptr;
};

// A gate nest of a reply.
inline void put_gate(MessageBuffer& m, std::uint16_t type, const std::string& addr,
                     std::uint16_t port) {
    nlattr* nest = m.nest(type);
    m.put_addr(RTPPROXY_GATE_A_ADDR, addr);
    mnl_attr_put_u16(m.nlh(), RTPPROXY_GATE_A_PORT, port);
    m.end_nest(nest);
}

// The family and gates of an IPv4 switchboard nest (session replies).
inline void put_ipv4_gates(MessageBuffer& m) {
    mnl_attr_put_u8(m.nlh(), RTPPROXY_SB_A_FAMILY, AF_INET);
    put_gate(m, RTPPROXY_SB_A_GATE_A, "10.0.1.1", 2);
    put_gate(m, RTPPROXY_SB_A_GATE_B, "10.0.1.1", 4);
}

// A table message as the kernel builds it: short switchboard, record size, the records padded
// to rec_size bytes each (a newer kernel's larger records) or cut to it (an older one's). The
// parsers do not look at the family id.
inline void put_table(MessageBuffer& m, int family, const std::string& gate_a,
                      const std::string& gate_b, const std::vector<rtpproxy_session_rec>& recs,
                      std::size_t rec_size = sizeof(rtpproxy_session_rec)) {
    m.begin(0x1d, NLM_F_MULTI, 7, true, RTPPROXY_CMD_GET_SESSION_TABLE);
    nlattr* sb = m.nest(RTPPROXY_A_SWITCHBOARD);
    mnl_attr_put_u8(m.nlh(), RTPPROXY_SB_A_FAMILY, static_cast<std::uint8_t>(family));
    put_gate(m, RTPPROXY_SB_A_GATE_A, gate_a, 20000);
    put_gate(m, RTPPROXY_SB_A_GATE_B, gate_b, 30000);
    m.end_nest(sb);
    mnl_attr_put_u32(m.nlh(), RTPPROXY_A_SESSION_REC_SIZE, static_cast<std::uint32_t>(rec_size));
    std::vector<std::byte> bytes(recs.size() * rec_size);
    for (std::size_t i = 0; i < recs.size(); ++i)
        std::memcpy(bytes.data() + i * rec_size, &recs[i], std::min(rec_size, sizeof(recs[i])));
    mnl_attr_put(m.nlh(), RTPPROXY_A_SESSION_TABLE, bytes.size(), bytes.data());
    m.end();
}

// A live session's record with the gate ports of session id in put_table's gates.
inline rtpproxy_session_rec session_record(std::uint32_t id) {
    rtpproxy_session_rec r{};
    r.id = id;
    r.state = RTPPROXY_SESS_LIVE;
    r.age_ms = 1000 + id;
    r.idle_ms = 10 + id;
    for (std::size_t i = 0; i < RTPPROXY_STREAMS; ++i)
        r.stream[i].gate_port =
            static_cast<std::uint16_t>((i < 2 ? 20000 : 30000) + 2 * id + (i & 1));
    return r;
}

// The attributes of a request's RTPPROXY_A_SESSION nest.
inline Attrs session_attrs(const xtrtpproxy::Request& request) {
    return nested_attrs(message_attrs(request.header()).at(RTPPROXY_A_SESSION));
}

// Where attr starts in the request, as the kernel's NLMSGERR_ATTR_OFFS counts.
inline std::uint32_t offset_of(const xtrtpproxy::Request& request, const nlattr* attr) {
    return static_cast<std::uint32_t>(reinterpret_cast<const char*>(attr) -
                                      reinterpret_cast<const char*>(request.header()));
}

// What an old module's strict validation answers for an attribute it does not know.
inline xtrtpproxy::KernelError unknown_attribute(
    std::optional<std::uint32_t> offset, const std::string& text = "Unknown attribute type") {
    xtrtpproxy::NetlinkError error;
    error.error = EINVAL;
    error.message = text;
    error.offset = offset;
    return xtrtpproxy::KernelError(error, "session alloc");
}

// The std::system_error that f throws (a test failure if it throws none).
template <class F>
std::system_error catch_system_error(F f) {
    try {
        f();
    } catch (const std::system_error& e) {
        return e;
    }
    ADD_FAILURE() << "no std::system_error";
    return std::system_error(0, std::generic_category());
}

// The message of the std::invalid_argument that f throws (a test failure if it throws none).
template <class F>
std::string invalid_argument(F f) {
    try {
        f();
    } catch (const std::invalid_argument& e) {
        return e.what();
    }
    ADD_FAILURE() << "no std::invalid_argument";
    return "";
}

}  // namespace testutil

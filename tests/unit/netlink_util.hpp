// SPDX-License-Identifier: GPL-2.0
// Test helpers: read attributes of a built request, hand-build kernel replies with libmnl and
// the errors of a module too old for an attribute.
#pragma once

#include <gtest/gtest.h>
#include <libmnl/libmnl.h>
#include <linux/genetlink.h>
#include <linux/netlink.h>

#include <cerrno>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <map>
#include <optional>
#include <span>
#include <string>
#include <system_error>
#include <vector>

#include "xtrtpproxy/error.hpp"
#include "xtrtpproxy/message.hpp"
#include "xtrtpproxy/types.hpp"

namespace testutil {

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

}  // namespace testutil

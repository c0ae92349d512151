// SPDX-License-Identifier: GPL-2.0
// Extended-ACK parsing: libmnl 1.0.4 reports only errno, so the kernel's text is read here.
#include <libmnl/libmnl.h>
#include <linux/netlink.h>

#include <cerrno>
#include <cstring>
#include <string>

#include "xtrtpproxy/error.hpp"

namespace xtrtpproxy {

namespace {

struct ExtAckAttrs {
    const nlattr* tb[NLMSGERR_ATTR_MAX + 1] = {};
};

int ext_ack_attr_cb(const nlattr* attr, void* data) {
    auto* attrs = static_cast<ExtAckAttrs*>(data);
    const int type = mnl_attr_get_type(attr);
    // Attributes newer than our headers are of no use to us; skip them.
    if (type > NLMSGERR_ATTR_MAX) return MNL_CB_OK;
    attrs->tb[type] = attr;
    return MNL_CB_OK;
}

}  // namespace

NetlinkError parse_error(const nlmsghdr* nlh) {
    NetlinkError result;
    const std::size_t payload_len = mnl_nlmsg_get_payload_len(nlh);
    std::size_t tlv_offset = 0;

    if (nlh->nlmsg_type == NLMSG_ERROR) {
        if (payload_len < sizeof(nlmsgerr))
            throw malformed_reply("truncated netlink error message");
        const auto* err = static_cast<const nlmsgerr*>(mnl_nlmsg_get_payload(nlh));
        result.error = -err->error;
        tlv_offset = sizeof(nlmsgerr);
        // Without NETLINK_CAP_ACK (or if the kernel ignored it) the request's payload is echoed.
        if (!(nlh->nlmsg_flags & NLM_F_CAPPED) && err->msg.nlmsg_len > NLMSG_HDRLEN)
            tlv_offset += err->msg.nlmsg_len - NLMSG_HDRLEN;
    } else {
        // NLMSG_DONE ending a dump carries the dump's result as an int.
        if (payload_len < sizeof(int)) return result;
        int error = 0;
        std::memcpy(&error, mnl_nlmsg_get_payload(nlh), sizeof(error));
        result.error = -error;
        tlv_offset = sizeof(int);
    }

    if (!(nlh->nlmsg_flags & NLM_F_ACK_TLVS) || MNL_ALIGN(tlv_offset) >= payload_len) return result;

    ExtAckAttrs attrs;
    mnl_attr_parse(nlh, static_cast<unsigned int>(tlv_offset), ext_ack_attr_cb, &attrs);
    if (const nlattr* msg = attrs.tb[NLMSGERR_ATTR_MSG]; msg && mnl_attr_get_payload_len(msg) > 0) {
        const char* text = static_cast<const char*>(mnl_attr_get_payload(msg));
        result.message.assign(text, strnlen(text, mnl_attr_get_payload_len(msg)));
    }
    if (const nlattr* offs = attrs.tb[NLMSGERR_ATTR_OFFS];
        offs && mnl_attr_validate(offs, MNL_TYPE_U32) >= 0)
        result.offset = mnl_attr_get_u32(offs);
    if (const nlattr* miss = attrs.tb[NLMSGERR_ATTR_MISS_TYPE];
        miss && mnl_attr_validate(miss, MNL_TYPE_U32) >= 0)
        result.missing_type = mnl_attr_get_u32(miss);
    if (const nlattr* nest = attrs.tb[NLMSGERR_ATTR_MISS_NEST];
        nest && mnl_attr_validate(nest, MNL_TYPE_U32) >= 0)
        result.missing_nest = mnl_attr_get_u32(nest);
    return result;
}

namespace {

// Everything the kernel said, for what(): a bare offset means little to a user, but it is what
// finds the attribute in a captured request.
std::string describe(const NetlinkError& error, const std::string& what) {
    std::string text = error.message.empty() ? what : error.message;
    if (error.missing_type) {
        text += ": missing attribute " + std::to_string(*error.missing_type);
        if (error.missing_nest)
            text += " in the nest at offset " + std::to_string(*error.missing_nest);
    }
    if (error.offset)
        text += " (attribute at offset " + std::to_string(*error.offset) + " of the request)";
    return text;
}

}  // namespace

KernelError::KernelError(const NetlinkError& error, const std::string& what)
    : std::system_error(error.error, std::generic_category(), describe(error, what)),
      kernel_message_(error.message),
      offset_(error.offset),
      missing_type_(error.missing_type),
      missing_nest_(error.missing_nest) {}

KernelError::KernelError(const KernelError& answer, const std::string& text)
    : std::system_error(answer.code(), text),
      kernel_message_(answer.kernel_message_),
      offset_(answer.offset_),
      missing_type_(answer.missing_type_),
      missing_nest_(answer.missing_nest_) {}

KernelError to_system_error(const NetlinkError& error, const std::string& what) {
    return KernelError(error, what);
}

std::system_error malformed_reply(const std::string& what) {
    return std::system_error(EBADMSG, std::generic_category(), "malformed reply: " + what);
}

}  // namespace xtrtpproxy

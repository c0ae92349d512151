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
    return result;
}

KernelError to_system_error(const NetlinkError& error, const std::string& what) {
    std::string text = error.message;
    if (text.empty() && error.missing_type)
        text = what + ": missing attribute " + std::to_string(*error.missing_type);
    if (text.empty()) text = what;
    return KernelError(error.error, std::generic_category(), text);
}

std::system_error malformed_reply(const std::string& what) {
    return std::system_error(EBADMSG, std::generic_category(), "malformed reply: " + what);
}

}  // namespace xtrtpproxy

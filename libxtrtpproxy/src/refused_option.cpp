// SPDX-License-Identifier: GPL-2.0
// Which relay option a module too old for it refused: the extended ACK's offset, mapped back to
// the attribute of the request it points at.
#include <libmnl/libmnl.h>
#include <linux/genetlink.h>
#include <linux/netfilter/xt_RTPPROXY.h>

#include <algorithm>
#include <cerrno>
#include <cstddef>
#include <string>
#include <utility>
#include <vector>

#include "xtrtpproxy/message.hpp"

namespace xtrtpproxy {

namespace {

struct RelayOptionName {
    std::uint16_t type;
    const char* option;     // for people
    const char* attribute;  // for whoever reads the ABI header or a captured request
};

// In the order of the ABI, which is the order the requests carry them in.
constexpr RelayOptionName kRelayOptionNames[] = {
    {RTPPROXY_SESS_A_DSCP, "DSCP", "RTPPROXY_SESS_A_DSCP"},
    {RTPPROXY_SESS_A_MAX_TTL, "max TTL", "RTPPROXY_SESS_A_MAX_TTL"},
    {RTPPROXY_SESS_A_MARK, "mark", "RTPPROXY_SESS_A_MARK"},
    {RTPPROXY_SESS_A_MARK_MASK, "mark mask", "RTPPROXY_SESS_A_MARK_MASK"},
    {RTPPROXY_SESS_A_DUP_BELOW, "dup-below", "RTPPROXY_SESS_A_DUP_BELOW"},
};

const RelayOptionName* relay_option_name(std::uint16_t type) {
    for (const auto& name : kRelayOptionNames)
        if (name.type == type) return &name;
    return nullptr;
}

// Calls f(attr) for every attribute of the len bytes at first.
template <class F>
void for_each_attr(const void* first, std::size_t len, F f) {
    auto* attr = static_cast<const nlattr*>(first);
    const auto* end = static_cast<const char*>(first) + len;
    while (mnl_attr_ok(attr, static_cast<int>(end - reinterpret_cast<const char*>(attr)))) {
        f(attr);
        attr = mnl_attr_next(attr);
    }
}

template <class F>
void for_each_nested(const nlattr* nest, F f) {
    for_each_attr(mnl_attr_get_payload(nest), mnl_attr_get_payload_len(nest), f);
}

// Calls f(attr) for every attribute of every session nest of the request: RTPPROXY_A_SESSION
// (alloc, update) and each nest of RTPPROXY_A_SESSION_LIST (bulk alloc). The request is ours,
// so well-formed.
template <class F>
void for_each_session_attr(const nlmsghdr* nlh, F f) {
    for_each_attr(mnl_nlmsg_get_payload_offset(nlh, sizeof(genlmsghdr)),
                  mnl_nlmsg_get_payload_len(nlh) - sizeof(genlmsghdr), [&](const nlattr* top) {
                      if (mnl_attr_get_type(top) == RTPPROXY_A_SESSION)
                          for_each_nested(top, f);
                      else if (mnl_attr_get_type(top) == RTPPROXY_A_SESSION_LIST)
                          for_each_nested(
                              top, [&](const nlattr* session) { for_each_nested(session, f); });
                  });
}

// "the DSCP option (RTPPROXY_SESS_A_DSCP)", "the DSCP and mark options (RTPPROXY_SESS_A_DSCP,
// RTPPROXY_SESS_A_MARK)".
std::string describe(const std::vector<std::uint16_t>& types) {
    std::string options, attributes;
    for (std::size_t i = 0; i < types.size(); ++i) {
        const RelayOptionName* name = relay_option_name(types[i]);
        if (i > 0) {
            options += i + 1 == types.size() ? " and " : ", ";
            attributes += ", ";
        }
        options += name->option;
        attributes += name->attribute;
    }
    return "the " + options + (types.size() == 1 ? " option (" : " options (") + attributes + ")";
}

}  // namespace

std::optional<ModuleTooOldError> explain_unknown_attribute(const KernelError& error,
                                                           const Request& request) {
    // What the kernel's strict attribute validation (lib/nlattr.c) says of a type beyond the
    // policy's maximum, i.e. of an attribute newer than the module.
    if (error.code().value() != EINVAL ||
        error.kernel_message().find("Unknown attribute") == std::string::npos)
        return std::nullopt;
    const nlmsghdr* nlh = request.header();
    std::vector<std::uint16_t> refused;
    for_each_session_attr(nlh, [&](const nlattr* attr) {
        const std::uint16_t type = mnl_attr_get_type(attr);
        if (!relay_option_name(type)) return;
        const auto offset = static_cast<std::uint32_t>(reinterpret_cast<const char*>(attr) -
                                                       reinterpret_cast<const char*>(nlh));
        // The kernel stops at the first unknown attribute: that one, when it says where.
        if (error.offset() ? offset == *error.offset()
                           : std::find(refused.begin(), refused.end(), type) == refused.end())
            refused.push_back(type);
    });
    if (refused.empty()) return std::nullopt;
    std::sort(refused.begin(), refused.end());
    const std::string text =
        "the xt_RTPPROXY module is too old for " + describe(refused) + ": update it";
    return ModuleTooOldError(error, text, std::move(refused));
}

}  // namespace xtrtpproxy

// SPDX-License-Identifier: GPL-2.0
// Which relay option, rate limit, label, clock rate, recording or label filter a module too old
// for it refused: the extended ACK's offset, mapped back to the attribute of the request it
// points at.
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

// Where an option's attribute lives: top-level, session and stream attributes share their
// numbers.
enum class Nest { stream, session, top };

struct OptionName {
    Nest nest;
    std::uint16_t type;
    const char* option;     // for people
    const char* attribute;  // for whoever reads the ABI header or a captured request
};

// In the order the requests carry them in, the stream nests first, each in the order of the ABI;
// then the filter of the session list dumps (no request has both). Its two attributes are one
// option to whoever gave it.
constexpr OptionName kOptionNames[] = {
    {Nest::stream, RTPPROXY_STREAM_A_RATE, "rate limit", "RTPPROXY_STREAM_A_RATE"},
    {Nest::stream, RTPPROXY_STREAM_A_BURST, "burst", "RTPPROXY_STREAM_A_BURST"},
    {Nest::session, RTPPROXY_SESS_A_DSCP, "DSCP", "RTPPROXY_SESS_A_DSCP"},
    {Nest::session, RTPPROXY_SESS_A_MAX_TTL, "max TTL", "RTPPROXY_SESS_A_MAX_TTL"},
    {Nest::session, RTPPROXY_SESS_A_MARK, "mark", "RTPPROXY_SESS_A_MARK"},
    {Nest::session, RTPPROXY_SESS_A_MARK_MASK, "mark mask", "RTPPROXY_SESS_A_MARK_MASK"},
    {Nest::session, RTPPROXY_SESS_A_DUP_BELOW, "dup-below", "RTPPROXY_SESS_A_DUP_BELOW"},
    {Nest::session, RTPPROXY_SESS_A_LABEL, "label", "RTPPROXY_SESS_A_LABEL"},
    {Nest::session, RTPPROXY_SESS_A_CLOCK_RATE, "clock rate", "RTPPROXY_SESS_A_CLOCK_RATE"},
    {Nest::session, RTPPROXY_SESS_A_NFLOG_GROUP, "recording", "RTPPROXY_SESS_A_NFLOG_GROUP"},
    {Nest::session, RTPPROXY_SESS_A_NFLOG_COPY, "recording", "RTPPROXY_SESS_A_NFLOG_COPY"},
    {Nest::session, RTPPROXY_SESS_A_NFLOG_OFF, "recording", "RTPPROXY_SESS_A_NFLOG_OFF"},
    {Nest::top, RTPPROXY_A_LABEL, "label filter", "RTPPROXY_A_LABEL"},
    {Nest::top, RTPPROXY_A_LABEL_PREFIX, "label filter", "RTPPROXY_A_LABEL_PREFIX"},
};

const OptionName* option_name(Nest nest, std::uint16_t type) {
    for (const auto& name : kOptionNames)
        if (name.nest == nest && name.type == type) return &name;
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

// Calls f(attr, nest) for every top-level attribute of the request, every attribute of its
// session nests and of the sessions' stream nests: RTPPROXY_A_SESSION (alloc, update) and each
// nest of RTPPROXY_A_SESSION_LIST (bulk alloc). The request is ours, so well-formed.
template <class F>
void for_each_request_attr(const nlmsghdr* nlh, F f) {
    const auto in_session = [&](const nlattr* session) {
        for_each_nested(session, [&](const nlattr* attr) {
            const std::uint16_t type = mnl_attr_get_type(attr);
            f(attr, Nest::session);
            if (type >= RTPPROXY_SESS_A_RTP_A && type <= RTPPROXY_SESS_A_RTCP_B)
                for_each_nested(attr, [&](const nlattr* inner) { f(inner, Nest::stream); });
        });
    };
    for_each_attr(mnl_nlmsg_get_payload_offset(nlh, sizeof(genlmsghdr)),
                  mnl_nlmsg_get_payload_len(nlh) - sizeof(genlmsghdr), [&](const nlattr* top) {
                      f(top, Nest::top);
                      if (mnl_attr_get_type(top) == RTPPROXY_A_SESSION)
                          in_session(top);
                      else if (mnl_attr_get_type(top) == RTPPROXY_A_SESSION_LIST)
                          for_each_nested(top, in_session);
                  });
}

// "the DSCP option (RTPPROXY_SESS_A_DSCP)", "the rate limit and DSCP options
// (RTPPROXY_STREAM_A_RATE, RTPPROXY_SESS_A_DSCP)", "the label filter option (RTPPROXY_A_LABEL,
// RTPPROXY_A_LABEL_PREFIX)": each option once, every attribute.
std::string describe(const std::vector<const OptionName*>& names) {
    std::vector<std::string> options;
    std::string attributes;
    for (const OptionName* name : names) {
        if (std::find(options.begin(), options.end(), name->option) == options.end())
            options.emplace_back(name->option);
        if (!attributes.empty()) attributes += ", ";
        attributes += name->attribute;
    }
    std::string text;
    for (std::size_t i = 0; i < options.size(); ++i) {
        if (i > 0) text += i + 1 == options.size() ? " and " : ", ";
        text += options[i];
    }
    return "the " + text + (options.size() == 1 ? " option (" : " options (") + attributes + ")";
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
    std::vector<const OptionName*> refused;
    for_each_request_attr(nlh, [&](const nlattr* attr, Nest nest) {
        const OptionName* name = option_name(nest, mnl_attr_get_type(attr));
        if (!name) return;
        const auto offset = static_cast<std::uint32_t>(reinterpret_cast<const char*>(attr) -
                                                       reinterpret_cast<const char*>(nlh));
        // The kernel stops at the first unknown attribute: that one, when it says where.
        if (error.offset() ? offset == *error.offset()
                           : std::find(refused.begin(), refused.end(), name) == refused.end())
            refused.push_back(name);
    });
    if (refused.empty()) return std::nullopt;
    // The table's order, whatever the order of the sessions and streams they were found in.
    std::sort(refused.begin(), refused.end());
    std::vector<std::uint16_t> session_types, stream_types, top_types;
    for (const OptionName* name : refused)
        (name->nest == Nest::session  ? session_types
         : name->nest == Nest::stream ? stream_types
                                      : top_types)
            .push_back(name->type);
    const std::string text =
        "the xt_RTPPROXY module is too old for " + describe(refused) + ": update it";
    return ModuleTooOldError(error, text, std::move(session_types), std::move(stream_types),
                             std::move(top_types));
}

}  // namespace xtrtpproxy

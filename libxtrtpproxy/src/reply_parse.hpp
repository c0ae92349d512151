// SPDX-License-Identifier: GPL-2.0
// Internal: the attribute parsers of reply.cpp that the event parser (event.cpp) shares.
#pragma once

#include <linux/netfilter/xt_RTPPROXY.h>

#include <array>

#include "xtrtpproxy/types.hpp"

struct nlattr;
struct nlmsghdr;

namespace xtrtpproxy {

// A message's top-level attributes by type (unknown, newer ones left out). Each throws
// std::system_error(EBADMSG) on what breaks the ABI; what names the message or attribute.
using TopAttributes = std::array<const nlattr*, RTPPROXY_A_MAX + 1>;
TopAttributes parse_top_attributes(const nlmsghdr* nlh, const char* what);
// attr, or EBADMSG "missing WHAT" for none.
const nlattr* require(const nlattr* attr, const char* what);

// RTPPROXY_A_SWITCHBOARD as a session reply has it (family and gates only), as a switchboard
// reply has it, and RTPPROXY_A_SESSION.
SwitchboardGates parse_switchboard_gates(const nlattr* nest);
Switchboard parse_switchboard(const nlattr* nest);
Session parse_session(const nlattr* nest);

}  // namespace xtrtpproxy

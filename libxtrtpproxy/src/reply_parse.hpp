// SPDX-License-Identifier: GPL-2.0
// Internal: the parsers of reply.cpp that the event parser (event.cpp) shares, and the call
// quality's (reply_quality.cpp) that reply.cpp calls.
#pragma once

#include <libmnl/libmnl.h>
#include <linux/netfilter/xt_RTPPROXY.h>

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>

#include "xtrtpproxy/types.hpp"

namespace xtrtpproxy {

// A message's top-level attributes by type (unknown, newer ones left out). Each throws
// std::system_error(EBADMSG) on what breaks the ABI; what names the message or attribute.
using TopAttributes = std::array<const nlattr*, RTPPROXY_A_MAX + 1>;
TopAttributes parse_top_attributes(const nlmsghdr* nlh, const char* what);
// attr, or EBADMSG "missing WHAT" for none.
const nlattr* require(const nlattr* attr, const char* what);
// The value of a validated attribute, 0 for none: what an older module does not send.
inline std::uint64_t get_u64(const nlattr* attr) { return attr ? mnl_attr_get_u64(attr) : 0; }
inline std::uint32_t get_u32(const nlattr* attr) { return attr ? mnl_attr_get_u32(attr) : 0; }

// RTPPROXY_A_SWITCHBOARD as a session reply has it (family and gates only), as a switchboard
// reply has it, and RTPPROXY_A_SESSION.
SwitchboardGates parse_switchboard_gates(const nlattr* nest);
Switchboard parse_switchboard(const nlattr* nest);
Session parse_session(const nlattr* nest);

// The call quality (reply_quality.cpp) of a stream nest's attributes by type, validated by
// reply.cpp: none for a nest without them (an RTCP stream's, an older module's).
using StreamAttributes = std::array<const nlattr*, RTPPROXY_STREAM_A_MAX + 1>;
std::optional<Quality> parse_quality(const StreamAttributes& tb);
// The clock rate and the RTP streams' quality of a table record, of which rec_size bytes were
// the kernel's: none (and a clock rate of 0) from a module without call quality. Throws
// EBADMSG for a record that ends inside them.
void quality_from_record(const rtpproxy_session_rec& r, std::size_t rec_size, Session& session);

}  // namespace xtrtpproxy

// SPDX-License-Identifier: GPL-2.0
// Netlink error replies (with the kernel's extended ACK) and the exceptions made from them.
#pragma once

#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>
#include <system_error>

struct nlmsghdr;

namespace xtrtpproxy {

// The content of an NLMSG_ERROR message; error 0 is a plain acknowledgement.
struct NetlinkError {
    int error = 0;                              // positive errno
    std::string message;                        // NLMSGERR_ATTR_MSG, empty if the kernel gave none
    std::optional<std::uint32_t> offset;        // NLMSGERR_ATTR_OFFS: bad attribute in the request
    std::optional<std::uint32_t> missing_type;  // NLMSGERR_ATTR_MISS_TYPE
};

// Parses an NLMSG_ERROR message, or an NLMSG_DONE message that ends a failed dump.
// Throws std::system_error(EBADMSG) if it is truncated.
NetlinkError parse_error(const nlmsghdr* nlh);

// A request the kernel answered with an error, as opposed to a failure of the socket: the
// request was processed (and, for the all-or-nothing bulk commands, changed nothing).
class KernelError : public std::system_error {
  public:
    using std::system_error::system_error;
};

// The exception for a failed request: the errno and the kernel's text (or a description of
// the missing attribute, or what the request was, when the kernel said nothing more).
KernelError to_system_error(const NetlinkError& error, const std::string& what);

// A reply that does not have the shape the ABI header promises.
std::system_error malformed_reply(const std::string& what);

}  // namespace xtrtpproxy

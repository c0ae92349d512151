// SPDX-License-Identifier: GPL-2.0
// Netlink error replies (with the kernel's extended ACK) and the exceptions made from them.
#pragma once

#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>
#include <system_error>
#include <utility>
#include <vector>

struct nlmsghdr;

namespace xtrtpproxy {

// The content of an NLMSG_ERROR message; error 0 is a plain acknowledgement.
struct NetlinkError {
    int error = 0;        // positive errno
    std::string message;  // NLMSGERR_ATTR_MSG, empty if the kernel gave none
    // NLMSGERR_ATTR_OFFS: byte offset of the bad attribute, from the start of the request.
    std::optional<std::uint32_t> offset;
    // NLMSGERR_ATTR_MISS_TYPE: type of a required attribute the request lacks...
    std::optional<std::uint32_t> missing_type;
    // ...and NLMSGERR_ATTR_MISS_NEST: offset of the nest it is missing from (absent when it is
    // missing at the top level).
    std::optional<std::uint32_t> missing_nest;
};

// Parses an NLMSG_ERROR message, or an NLMSG_DONE message that ends a failed dump.
// Throws std::system_error(EBADMSG) if it is truncated.
NetlinkError parse_error(const nlmsghdr* nlh);

// A request the kernel answered with an error, as opposed to a failure of the socket: the
// request was processed (and, for the all-or-nothing bulk commands, changed nothing).
class KernelError : public std::system_error {
  public:
    // The errno; what() is the kernel's text (or, when it gave none, what the request was),
    // then the missing attribute and the bad attribute's offset when the kernel named them:
    // "TEXT: missing attribute T in the nest at offset N (attribute at offset O of the
    // request): ERRNO TEXT".
    KernelError(const NetlinkError& error, const std::string& what);

    const std::string& kernel_message() const noexcept { return kernel_message_; }
    std::optional<std::uint32_t> offset() const noexcept { return offset_; }
    std::optional<std::uint32_t> missing_type() const noexcept { return missing_type_; }
    std::optional<std::uint32_t> missing_nest() const noexcept { return missing_nest_; }

  protected:
    // The same answer of the kernel, told by text instead.
    KernelError(const KernelError& answer, const std::string& text);

  private:
    std::string kernel_message_;
    std::optional<std::uint32_t> offset_;
    std::optional<std::uint32_t> missing_type_;
    std::optional<std::uint32_t> missing_nest_;
};

// A request refused by a module older than an option in it (explain_unknown_attribute,
// message.hpp): what() is "the xt_RTPPROXY module is too old for the DSCP option
// (RTPPROXY_SESS_A_DSCP): update it: ERRNO TEXT". The errno and the extended ACK stay the
// kernel's.
class ModuleTooOldError : public KernelError {
  public:
    // attributes: the session attributes (RTPPROXY_SESS_A_*) it names, stream_attributes the
    // stream attributes (RTPPROXY_STREAM_A_*, of whichever stream), top_attributes the
    // top-level ones (RTPPROXY_A_*); text says which.
    ModuleTooOldError(const KernelError& answer, const std::string& text,
                      std::vector<std::uint16_t> attributes,
                      std::vector<std::uint16_t> stream_attributes = {},
                      std::vector<std::uint16_t> top_attributes = {})
        : KernelError(answer, text),
          attributes_(std::move(attributes)),
          stream_attributes_(std::move(stream_attributes)),
          top_attributes_(std::move(top_attributes)) {}

    // The option the kernel pointed at, or, when it gave no offset, every one the request had:
    // a relay option (RelayParams), the label (SessionParams::label), the clock rate
    // (SessionParams::clock_rate) or the recording (SessionParams::recording) here, a rate
    // limit (StreamParams::rate) in stream_attributes(), the label filter of a session list
    // (LabelFilter) in top_attributes(). Top-level, session and stream attributes are numbered
    // apart: the same number is another option in each.
    const std::vector<std::uint16_t>& attributes() const noexcept { return attributes_; }
    const std::vector<std::uint16_t>& stream_attributes() const noexcept {
        return stream_attributes_;
    }
    const std::vector<std::uint16_t>& top_attributes() const noexcept { return top_attributes_; }

  private:
    std::vector<std::uint16_t> attributes_;
    std::vector<std::uint16_t> stream_attributes_;
    std::vector<std::uint16_t> top_attributes_;
};

// The exception for a failed request: KernelError(error, what).
KernelError to_system_error(const NetlinkError& error, const std::string& what);

// A reply that does not have the shape the ABI header promises.
std::system_error malformed_reply(const std::string& what);

}  // namespace xtrtpproxy

// SPDX-License-Identifier: GPL-2.0
// Building requests and parsing replies of the xt_rtpproxy family, on byte buffers only.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "xtrtpproxy/error.hpp"
#include "xtrtpproxy/types.hpp"

struct nlmsghdr;

namespace xtrtpproxy {

// One netlink request: nlmsghdr + genlmsghdr + attributes. The socket sets the sequence number.
class Request {
  public:
    // The largest single request (alloc with four IPv6 streams) is well below this.
    static constexpr std::size_t kCapacity = 1024;
    // A bulk alloc of RTPPROXY_BULK_MAX sessions with four IPv6 streams each, every option, a
    // label of RTPPROXY_LABEL_MAX bytes, a clock rate and a recording fits: 456 bytes a session,
    // 57 KiB in all. The session list's nest, whose length is 16 bits, stays below 64 KiB: it
    // would take 144 such sessions to reach it, so one message still carries RTPPROXY_BULK_MAX.
    static constexpr std::size_t kBulkCapacity = 60 * 1024;

    // A generic netlink request for family_id, with NLM_F_REQUEST | flags, in a buffer of
    // capacity bytes.
    Request(std::uint16_t family_id, std::uint8_t cmd, std::uint8_t version, std::uint16_t flags,
            std::size_t capacity = kCapacity);
    std::size_t capacity() const noexcept { return storage_.size() * sizeof(std::uint32_t); }

    nlmsghdr* header() noexcept;
    const nlmsghdr* header() const noexcept;
    // The whole message, nlmsg_len bytes (always a multiple of 4).
    std::span<const std::byte> bytes() const noexcept;
    std::uint32_t seq() const noexcept;
    void set_seq(std::uint32_t seq) noexcept;
    bool is_dump() const noexcept;
    // A doit request without NLM_F_ACK: every command answers with exactly one reply or an
    // error, so an ACK after the reply would be a second message for nothing.
    bool reply_finishes() const noexcept;

  private:
    // uint32_t elements keep the buffer aligned for struct nlmsghdr.
    std::vector<std::uint32_t> storage_;
};

// Generic netlink controller: resolve a family's id and its multicast groups' ids.
Request make_get_family_request(std::string_view name);
struct MulticastGroup {
    std::string name;
    std::uint32_t id = 0;
};
struct FamilyInfo {
    std::uint16_t id = 0;
    std::uint32_t version = 0;
    std::vector<MulticastGroup> multicast_groups;  // CTRL_ATTR_MCAST_GROUPS, none if absent

    // The id of the group of that name; nothing when the family has none of that name.
    std::optional<std::uint32_t> multicast_group(std::string_view name) const noexcept;
};
FamilyInfo parse_family_reply(const nlmsghdr* nlh);

// Requests of the xt_rtpproxy family. An absent optional selector or range is not sent. Doit
// requests ask for no ACK: their reply, or an error, ends them. The session params of alloc,
// update and the bulk alloc go out with_rtcp_defaults (types.hpp), which throws
// std::invalid_argument when they cannot be derived; so does a label longer than kLabelMax, a
// clock rate outside kMinClockRate..kMaxClockRate, and a recording of unknown copies or with
// stop_recording (SessionParams::recording).
// The session list dumps take an optional label filter (LabelFilter, types.hpp), which throws
// std::invalid_argument when its label is empty or longer than kLabelMax.
Request make_info_request(std::uint16_t family_id);
Request make_switchboards_request(std::uint16_t family_id, const SwitchboardSelector& selector);
Request make_alloc_request(std::uint16_t family_id, const SwitchboardSelector& selector,
                           const SessionParams& params);
Request make_update_request(std::uint16_t family_id, const SwitchboardSelector& selector,
                            const std::optional<SessionRange>& range, const SessionParams& params);
Request make_remove_request(std::uint16_t family_id,
                            const std::optional<SwitchboardSelector>& selector,
                            const std::optional<SessionRange>& range);
Request make_session_request(std::uint16_t family_id, const SwitchboardSelector& selector,
                             std::uint32_t id);
Request make_sessions_request(std::uint16_t family_id,
                              const std::optional<SwitchboardSelector>& selector,
                              const std::optional<SessionRange>& range,
                              const std::optional<LabelFilter>& label = std::nullopt);
Request make_reset_request(std::uint16_t family_id, std::uint32_t bits,
                           const std::optional<SwitchboardSelector>& selector);
Request make_audit_request(std::uint16_t family_id,
                           const std::optional<SwitchboardSelector>& selector);
// The bulk commands (see the ABI header): at most RTPPROXY_NEW_BULK_MAX sessions or
// RTPPROXY_BULK_MAX ranges each.
Request make_alloc_many_request(std::uint16_t family_id, const SwitchboardSelector& selector,
                                std::span<const SessionParams> params);
Request make_remove_many_request(std::uint16_t family_id, const SwitchboardSelector& selector,
                                 std::span<const SessionRange> ranges);
Request make_session_table_request(std::uint16_t family_id,
                                   const std::optional<SwitchboardSelector>& selector,
                                   const std::optional<SessionRange>& range,
                                   const std::optional<LabelFilter>& label = std::nullopt);

// Replies. Each throws std::system_error(EBADMSG) on a reply that breaks the ABI.
Info parse_info_reply(const nlmsghdr* nlh);
Switchboard parse_switchboard_reply(const nlmsghdr* nlh);
// Alloc replies and session get/dump replies (their switchboard: family and gates only).
SessionEntry parse_session_reply(const nlmsghdr* nlh);
// RTPPROXY_A_AFFECTED of update, delete, reset and audit replies.
std::uint32_t parse_affected_reply(const nlmsghdr* nlh);
// A session table message (GET_SESSION_TABLE dumps, NEW_SESSIONS replies): appends its
// sessions to out, in the message's order.
void parse_session_table_reply(const nlmsghdr* nlh, std::vector<SessionEntry>& out);
// RTPPROXY_A_AFFECTED_LIST of a DEL_SESSIONS reply: sessions deleted per range.
std::vector<std::uint32_t> parse_affected_list_reply(const nlmsghdr* nlh);

// An error of an alloc, update or bulk alloc request, told in terms of the relay options
// (RelayParams), the rate limits (StreamParams::rate), the label (SessionParams::label), the
// clock rate (SessionParams::clock_rate) and the recording (SessionParams::recording,
// stop_recording) when a module older than them refused one, and of a session list dump in
// terms of its label filter (LabelFilter): a module's strict validation answers EINVAL
// "Unknown attribute type" with the offset of the attribute, which is mapped back to the
// attribute of request, at the top level, in a session nest or in one of its stream nests. Without
// an offset, every such option the request had is named. Nothing when the error is of another kind
// or points at another attribute.
std::optional<ModuleTooOldError> explain_unknown_attribute(const KernelError& error,
                                                           const Request& request);

// How far the replies to one request have come.
struct ReplyProgress {
    bool finished = false;        // the ACK, NLMSG_DONE or (reply_finishes) the reply arrived
    bool interrupted = false;     // a dump message carried NLM_F_DUMP_INTR
    bool reply_finishes = false;  // set by the caller: the request's one reply ends it
};

// Walks the messages in buf that answer the request with sequence number seq (others are
// skipped): every data message goes to on_data; an error message throws the kernel's error
// through to_system_error(…, what). Updates progress; call again with the next buffer until
// progress.finished.
void walk_replies(std::span<const std::byte> buf, std::uint32_t seq, std::string_view what,
                  const std::function<void(const nlmsghdr*)>& on_data, ReplyProgress& progress);

}  // namespace xtrtpproxy

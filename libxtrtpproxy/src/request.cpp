// SPDX-License-Identifier: GPL-2.0
// Building the requests of the xt_rtpproxy family, kept free of sockets for tests.
#include "xtrtpproxy/message.hpp"

#include <libmnl/libmnl.h>
#include <linux/genetlink.h>
#include <linux/netfilter/xt_RTPPROXY.h>
#include <linux/netlink.h>

#include <stdexcept>
#include <string>
#include <vector>

namespace xtrtpproxy {

// ---- Request ----

Request::Request(std::uint16_t family_id, std::uint8_t cmd, std::uint8_t version,
                 std::uint16_t flags, std::size_t capacity)
    : storage_(capacity / sizeof(std::uint32_t)) {
    nlmsghdr* nlh = mnl_nlmsg_put_header(storage_.data());
    nlh->nlmsg_type = family_id;
    nlh->nlmsg_flags = NLM_F_REQUEST | flags;
    auto* genl = static_cast<genlmsghdr*>(mnl_nlmsg_put_extra_header(nlh, sizeof(genlmsghdr)));
    genl->cmd = cmd;
    genl->version = version;
}

nlmsghdr* Request::header() noexcept { return reinterpret_cast<nlmsghdr*>(storage_.data()); }

const nlmsghdr* Request::header() const noexcept {
    return reinterpret_cast<const nlmsghdr*>(storage_.data());
}

std::span<const std::byte> Request::bytes() const noexcept {
    return {reinterpret_cast<const std::byte*>(storage_.data()), header()->nlmsg_len};
}

std::uint32_t Request::seq() const noexcept { return header()->nlmsg_seq; }
void Request::set_seq(std::uint32_t seq) noexcept { header()->nlmsg_seq = seq; }
bool Request::is_dump() const noexcept {
    return (header()->nlmsg_flags & NLM_F_DUMP) == NLM_F_DUMP;
}
bool Request::reply_finishes() const noexcept {
    return !is_dump() && !(header()->nlmsg_flags & NLM_F_ACK);
}

namespace {

// Appends attributes to a Request, refusing to run past its buffer.
class Builder {
  public:
    explicit Builder(Request& request) : nlh_(request.header()), capacity_(request.capacity()) {}

    void put_u8(std::uint16_t type, std::uint8_t value) {
        check(mnl_attr_put_u8_check(nlh_, capacity_, type, value));
    }
    void put_u16(std::uint16_t type, std::uint16_t value) {
        check(mnl_attr_put_u16_check(nlh_, capacity_, type, value));
    }
    void put_u32(std::uint16_t type, std::uint32_t value) {
        check(mnl_attr_put_u32_check(nlh_, capacity_, type, value));
    }
    void put_bytes(std::uint16_t type, std::span<const std::byte> bytes) {
        check(mnl_attr_put_check(nlh_, capacity_, type, bytes.size(), bytes.data()));
    }
    void put_flag(std::uint16_t type) {
        check(mnl_attr_put_check(nlh_, capacity_, type, 0, nullptr));
    }
    void put_strz(std::uint16_t type, const std::string& value) {
        check(mnl_attr_put_strz_check(nlh_, capacity_, type, value.c_str()));
    }
    void put_addr(std::uint16_t type, const Address& addr) {
        const auto bytes = addr.bytes();
        if (bytes.empty()) throw std::invalid_argument("address without family in a request");
        check(mnl_attr_put_check(nlh_, capacity_, type, bytes.size(), bytes.data()));
    }
    nlattr* nest_start(std::uint16_t type) {
        nlattr* nest = mnl_attr_nest_start_check(nlh_, capacity_, type);
        check(nest != nullptr);
        return nest;
    }
    void nest_end(nlattr* nest) { mnl_attr_nest_end(nlh_, nest); }

  private:
    static void check(bool fitted) {
        if (!fitted) throw std::length_error("netlink request exceeds its buffer");
    }

    nlmsghdr* nlh_;
    std::size_t capacity_;
};

void put_gate(Builder& b, std::uint16_t type, const std::optional<Address>& addr,
              const std::optional<std::uint16_t>& port) {
    if (!addr && !port) return;
    nlattr* nest = b.nest_start(type);
    if (addr) b.put_addr(RTPPROXY_GATE_A_ADDR, *addr);
    if (port) b.put_u16(RTPPROXY_GATE_A_PORT, *port);
    b.nest_end(nest);
}

void put_selector(Builder& b, const SwitchboardSelector& selector) {
    nlattr* nest = b.nest_start(RTPPROXY_A_SWITCHBOARD);
    put_gate(b, RTPPROXY_SB_A_GATE_A, selector.addr_a, selector.port_a);
    put_gate(b, RTPPROXY_SB_A_GATE_B, selector.addr_b, selector.port_b);
    b.nest_end(nest);
}

void put_range(Builder& b, const std::optional<SessionRange>& range) {
    if (!range) return;
    b.put_u32(RTPPROXY_A_SESS_ID_LO, range->lo);
    b.put_u32(RTPPROXY_A_SESS_ID_HI, range->hi);
}

static_assert(Dscp::kSender == RTPPROXY_DSCP_SENDER && Dscp::kMax == RTPPROXY_DSCP_MAX);

// After the streams, in the order of the ABI: a module older than them names the first.
void put_relay_params(Builder& b, const RelayParams& relay) {
    if (relay.dscp) b.put_u8(RTPPROXY_SESS_A_DSCP, relay.dscp->value);
    if (relay.max_ttl) b.put_u8(RTPPROXY_SESS_A_MAX_TTL, *relay.max_ttl);
    if (relay.mark) {
        b.put_u32(RTPPROXY_SESS_A_MARK, relay.mark->value);
        // All bits is what the kernel takes for a mark without a mask.
        if (relay.mark->mask != Mark::kAllBits)
            b.put_u32(RTPPROXY_SESS_A_MARK_MASK, relay.mark->mask);
    }
    if (relay.dup_below) b.put_u16(RTPPROXY_SESS_A_DUP_BELOW, *relay.dup_below);
}

static_assert(RateLimit::kMinBurst == RTPPROXY_MIN_BURST);

// The rate limit last, in the order of the ABI: a module older than it names RATE.
void put_stream_params(Builder& b, std::size_t index, const StreamParams& stream) {
    nlattr* nest = b.nest_start(static_cast<std::uint16_t>(RTPPROXY_SESS_A_RTP_A + index));
    if (stream.addr) b.put_addr(RTPPROXY_STREAM_A_ADDR, *stream.addr);
    if (stream.port) b.put_u16(RTPPROXY_STREAM_A_PORT, *stream.port);
    if (stream.learn_timeout_ms)
        b.put_u32(RTPPROXY_STREAM_A_LEARN_TIMEOUT_MS, *stream.learn_timeout_ms);
    if (stream.always_learn) b.put_flag(RTPPROXY_STREAM_A_ALWAYS_LEARN);
    if (stream.clear_addr) b.put_flag(RTPPROXY_STREAM_A_CLEAR_ADDR);
    if (stream.rate) {
        b.put_u32(RTPPROXY_STREAM_A_RATE, stream.rate->bytes_per_second);
        // Without it the kernel sizes the bucket after the rate.
        if (stream.rate->burst) b.put_u32(RTPPROXY_STREAM_A_BURST, *stream.rate->burst);
    }
    b.nest_end(nest);
}

static_assert(kLabelMax == RTPPROXY_LABEL_MAX);

// A label of a session or of a filter (what: for the message), checked here, where every
// request with one is built: the kernel's refusal of a longer one would not say which.
void put_label(Builder& b, std::uint16_t type, const std::string& label, const char* what) {
    if (label.size() > kLabelMax)
        throw std::invalid_argument(std::string(what) + " of " + std::to_string(label.size()) +
                                    " bytes is longer than the kernel keeps (" +
                                    std::to_string(kLabelMax) + " bytes, RTPPROXY_LABEL_MAX)");
    b.put_bytes(type, std::as_bytes(std::span(label.data(), label.size())));
}

static_assert(kMinClockRate == RTPPROXY_MIN_CLOCK_RATE && kMaxClockRate == RTPPROXY_MAX_CLOCK_RATE);

// Checked here, where every request with one is built: the kernel's policy refuses one out of
// range with a message that names the attribute, not the value.
void put_clock_rate(Builder& b, std::uint32_t clock_rate) {
    if (clock_rate < kMinClockRate || clock_rate > kMaxClockRate)
        throw std::invalid_argument("clock rate " + std::to_string(clock_rate) +
                                    " Hz is out of range (" + std::to_string(kMinClockRate) + ".." +
                                    std::to_string(kMaxClockRate) + ")");
    b.put_u32(RTPPROXY_SESS_A_CLOCK_RATE, clock_rate);
}

static_assert(Recording::kReceived == RTPPROXY_NFLOG_RECEIVED &&
              Recording::kSent == RTPPROXY_NFLOG_SENT && Recording::kBoth == RTPPROXY_NFLOG_ALL);

// Recording on or off, checked here, where every request with it is built: the kernel refuses
// both at once and copies of no known kind with a message that names the attribute, not the
// value. The copies go with the group always, the default's too, so that what is recorded does
// not rest on a default of the kernel's.
void put_recording(Builder& b, const SessionParams& params) {
    if (params.recording && params.stop_recording)
        throw std::invalid_argument(
            "recording to NFLOG group " + std::to_string(params.recording->nflog_group) +
            " and stopping the recording contradict each other: give one of them");
    if (params.stop_recording) {
        b.put_flag(RTPPROXY_SESS_A_NFLOG_OFF);
        return;
    }
    if (!params.recording) return;
    const Recording& recording = *params.recording;
    if (recording.copy == 0 || (recording.copy & ~Recording::kBoth))
        throw std::invalid_argument("NFLOG copies " + std::to_string(recording.copy) +
                                    " are none of received (1), sent (2) and both (3)");
    b.put_u16(RTPPROXY_SESS_A_NFLOG_GROUP, recording.nflog_group);
    b.put_u8(RTPPROXY_SESS_A_NFLOG_COPY, recording.copy);
}

// Every session an alloc or update request carries, with the RTCP defaults derived: the kernel
// derives nothing, and here is the one place that every caller of the library goes through.
// The label, the clock rate and the recording last, in the order of the ABI: a module older
// than one of them names the first it does not know.
void put_session_params(Builder& b, const SessionParams& given,
                        std::uint16_t type = RTPPROXY_A_SESSION) {
    const SessionParams params = with_rtcp_defaults(given);
    nlattr* session = b.nest_start(type);
    for (std::size_t i = 0; i < kStreams; ++i)
        if (!params.streams[i].empty()) put_stream_params(b, i, params.streams[i]);
    put_relay_params(b, params.relay);
    // Empty is sent too: it removes the label (update).
    if (params.label) put_label(b, RTPPROXY_SESS_A_LABEL, *params.label, "session label");
    if (params.clock_rate) put_clock_rate(b, *params.clock_rate);
    put_recording(b, params);
    b.nest_end(session);
}

// The filter of the session list dumps, after the selector and the range.
void put_label_filter(Builder& b, const std::optional<LabelFilter>& filter) {
    if (!filter) return;
    // The kernel takes 1..RTPPROXY_LABEL_MAX bytes: an empty prefix would match every session,
    // which no filter does already, and an empty exact label would stand for the sessions
    // without one, which the ABI has no way to ask for.
    if (filter->label.empty())
        throw std::invalid_argument("label filter is empty: it takes 1.." +
                                    std::to_string(kLabelMax) +
                                    " bytes (no filter lists every session)");
    put_label(b, RTPPROXY_A_LABEL, filter->label, "label filter");
    if (filter->prefix) b.put_flag(RTPPROXY_A_LABEL_PREFIX);
}

Request doit(std::uint16_t family_id, std::uint8_t cmd) {
    return Request(family_id, cmd, XT_RTPPROXY_GENL_VERSION, 0);
}

Request dumpit(std::uint16_t family_id, std::uint8_t cmd) {
    return Request(family_id, cmd, XT_RTPPROXY_GENL_VERSION, NLM_F_DUMP);
}

}  // namespace

// ---- requests ----

Request make_get_family_request(std::string_view name) {
    Request request(GENL_ID_CTRL, CTRL_CMD_GETFAMILY, 1, 0);
    Builder b(request);
    b.put_strz(CTRL_ATTR_FAMILY_NAME, std::string(name));
    return request;
}

Request make_info_request(std::uint16_t family_id) {
    return doit(family_id, RTPPROXY_CMD_GET_INFO);
}

Request make_switchboards_request(std::uint16_t family_id, const SwitchboardSelector& selector) {
    Request request = dumpit(family_id, RTPPROXY_CMD_GET_SWITCHBOARD);
    if (!selector.empty()) {
        Builder b(request);
        put_selector(b, selector);
    }
    return request;
}

Request make_alloc_request(std::uint16_t family_id, const SwitchboardSelector& selector,
                           const SessionParams& params) {
    Request request = doit(family_id, RTPPROXY_CMD_NEW_SESSION);
    Builder b(request);
    put_selector(b, selector);
    put_session_params(b, params);
    return request;
}

Request make_update_request(std::uint16_t family_id, const SwitchboardSelector& selector,
                            const std::optional<SessionRange>& range, const SessionParams& params) {
    Request request = doit(family_id, RTPPROXY_CMD_SET_SESSION);
    Builder b(request);
    put_selector(b, selector);
    put_range(b, range);
    put_session_params(b, params);
    return request;
}

Request make_remove_request(std::uint16_t family_id,
                            const std::optional<SwitchboardSelector>& selector,
                            const std::optional<SessionRange>& range) {
    Request request = doit(family_id, RTPPROXY_CMD_DEL_SESSION);
    Builder b(request);
    if (selector) put_selector(b, *selector);
    put_range(b, range);
    return request;
}

Request make_session_request(std::uint16_t family_id, const SwitchboardSelector& selector,
                             std::uint32_t id) {
    Request request = doit(family_id, RTPPROXY_CMD_GET_SESSION);
    Builder b(request);
    put_selector(b, selector);
    b.put_u32(RTPPROXY_A_SESS_ID_LO, id);
    return request;
}

Request make_sessions_request(std::uint16_t family_id,
                              const std::optional<SwitchboardSelector>& selector,
                              const std::optional<SessionRange>& range,
                              const std::optional<LabelFilter>& label) {
    Request request = dumpit(family_id, RTPPROXY_CMD_GET_SESSION);
    Builder b(request);
    if (selector) put_selector(b, *selector);
    put_range(b, range);
    put_label_filter(b, label);
    return request;
}

Request make_reset_request(std::uint16_t family_id, std::uint32_t bits,
                           const std::optional<SwitchboardSelector>& selector) {
    Request request = doit(family_id, RTPPROXY_CMD_RESET_COUNTERS);
    Builder b(request);
    b.put_u32(RTPPROXY_A_RESET, bits);
    if (selector) put_selector(b, *selector);
    return request;
}

Request make_audit_request(std::uint16_t family_id,
                           const std::optional<SwitchboardSelector>& selector) {
    Request request = doit(family_id, RTPPROXY_CMD_AUDIT);
    if (selector) {
        Builder b(request);
        put_selector(b, *selector);
    }
    return request;
}

Request make_alloc_many_request(std::uint16_t family_id, const SwitchboardSelector& selector,
                                std::span<const SessionParams> params) {
    Request request(family_id, RTPPROXY_CMD_NEW_SESSIONS, XT_RTPPROXY_GENL_VERSION, 0,
                    Request::kBulkCapacity);
    Builder b(request);
    put_selector(b, selector);
    nlattr* list = b.nest_start(RTPPROXY_A_SESSION_LIST);
    for (const auto& p : params) put_session_params(b, p);
    b.nest_end(list);
    return request;
}

Request make_remove_many_request(std::uint16_t family_id, const SwitchboardSelector& selector,
                                 std::span<const SessionRange> ranges) {
    Request request(family_id, RTPPROXY_CMD_DEL_SESSIONS, XT_RTPPROXY_GENL_VERSION, 0,
                    Request::kBulkCapacity);
    Builder b(request);
    put_selector(b, selector);
    std::vector<rtpproxy_range> list(ranges.size());
    for (std::size_t i = 0; i < ranges.size(); ++i) list[i] = {ranges[i].lo, ranges[i].hi};
    b.put_bytes(RTPPROXY_A_RANGE_LIST, std::as_bytes(std::span(list)));
    return request;
}

Request make_session_table_request(std::uint16_t family_id,
                                   const std::optional<SwitchboardSelector>& selector,
                                   const std::optional<SessionRange>& range,
                                   const std::optional<LabelFilter>& label) {
    Request request = dumpit(family_id, RTPPROXY_CMD_GET_SESSION_TABLE);
    Builder b(request);
    if (selector) put_selector(b, *selector);
    put_range(b, range);
    put_label_filter(b, label);
    return request;
}

}  // namespace xtrtpproxy

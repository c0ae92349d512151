// SPDX-License-Identifier: GPL-2.0
// Parsing the replies of the xt_rtpproxy family and walking a buffer of them, on bytes only.
#include "xtrtpproxy/message.hpp"

#include <libmnl/libmnl.h>
#include <linux/genetlink.h>
#include <linux/netfilter/xt_RTPPROXY.h>
#include <linux/netlink.h>
#include <sys/socket.h>

#include <algorithm>
#include <cstddef>
#include <cstring>
#include <initializer_list>
#include <string>
#include <utility>

#include "reply_parse.hpp"
#include "xtrtpproxy/error.hpp"

namespace xtrtpproxy {

const nlattr* require(const nlattr* attr, const char* what) {
    if (!attr) throw malformed_reply(std::string("missing ") + what);
    return attr;
}

namespace {

// ---- attribute tables ----

template <std::size_t N>
using Policy = std::array<mnl_attr_data_type, N>;

template <std::size_t N>
constexpr Policy<N> make_policy(std::initializer_list<std::pair<int, mnl_attr_data_type>> types) {
    Policy<N> policy{};
    for (const auto& [type, data_type] : types) policy[type] = data_type;
    return policy;
}

constexpr auto kTopPolicy = make_policy<RTPPROXY_A_MAX + 1>({
    {RTPPROXY_A_VERSION, MNL_TYPE_NUL_STRING},
    {RTPPROXY_A_UPTIME_MS, MNL_TYPE_U64},
    {RTPPROXY_A_SWITCHBOARD_COUNT, MNL_TYPE_U32},
    {RTPPROXY_A_SESSION_COUNT, MNL_TYPE_U32},
    {RTPPROXY_A_COUNTERS, MNL_TYPE_NESTED},
    {RTPPROXY_A_SWITCHBOARD, MNL_TYPE_NESTED},
    {RTPPROXY_A_SESSION, MNL_TYPE_NESTED},
    {RTPPROXY_A_SESS_ID_LO, MNL_TYPE_U32},
    {RTPPROXY_A_SESS_ID_HI, MNL_TYPE_U32},
    {RTPPROXY_A_AFFECTED, MNL_TYPE_U32},
    {RTPPROXY_A_RESET, MNL_TYPE_U32},
    {RTPPROXY_A_SESSION_REC_SIZE, MNL_TYPE_U32},
    {RTPPROXY_A_EVENT, MNL_TYPE_U8},
    {RTPPROXY_A_STREAM, MNL_TYPE_U8},
});

constexpr auto kSwitchboardPolicy = make_policy<RTPPROXY_SB_A_MAX + 1>({
    {RTPPROXY_SB_A_FAMILY, MNL_TYPE_U8},
    {RTPPROXY_SB_A_GATE_A, MNL_TYPE_NESTED},
    {RTPPROXY_SB_A_GATE_B, MNL_TYPE_NESTED},
    {RTPPROXY_SB_A_MAX_SESS, MNL_TYPE_U32},
    {RTPPROXY_SB_A_EXPIRES_TIMEOUT, MNL_TYPE_U32},
    {RTPPROXY_SB_A_RESURRECTION_TIMEOUT, MNL_TYPE_U32},
    {RTPPROXY_SB_A_RULES, MNL_TYPE_U32},
    {RTPPROXY_SB_A_SESSIONS_LIVE, MNL_TYPE_U32},
    {RTPPROXY_SB_A_SESSIONS_EXPIRED, MNL_TYPE_U32},
    {RTPPROXY_SB_A_AGE_MS, MNL_TYPE_U64},
    {RTPPROXY_SB_A_COUNTERS, MNL_TYPE_NESTED},
    {RTPPROXY_SB_A_DSCP, MNL_TYPE_U8},
    {RTPPROXY_SB_A_MAX_TTL, MNL_TYPE_U8},
    {RTPPROXY_SB_A_DUP_BELOW, MNL_TYPE_U16},
});

constexpr auto kGatePolicy = make_policy<RTPPROXY_GATE_A_MAX + 1>({
    {RTPPROXY_GATE_A_ADDR, MNL_TYPE_BINARY},
    {RTPPROXY_GATE_A_PORT, MNL_TYPE_U16},
    {RTPPROXY_GATE_A_FAMILY, MNL_TYPE_U8},
});

constexpr auto kSessionPolicy = make_policy<RTPPROXY_SESS_A_MAX + 1>({
    {RTPPROXY_SESS_A_ID, MNL_TYPE_U32},
    {RTPPROXY_SESS_A_STATE, MNL_TYPE_U8},
    {RTPPROXY_SESS_A_AGE_MS, MNL_TYPE_U64},
    {RTPPROXY_SESS_A_IDLE_MS, MNL_TYPE_U64},
    {RTPPROXY_SESS_A_RTP_A, MNL_TYPE_NESTED},
    {RTPPROXY_SESS_A_RTCP_A, MNL_TYPE_NESTED},
    {RTPPROXY_SESS_A_RTP_B, MNL_TYPE_NESTED},
    {RTPPROXY_SESS_A_RTCP_B, MNL_TYPE_NESTED},
    {RTPPROXY_SESS_A_DSCP, MNL_TYPE_U8},
    {RTPPROXY_SESS_A_MAX_TTL, MNL_TYPE_U8},
    {RTPPROXY_SESS_A_MARK, MNL_TYPE_U32},
    {RTPPROXY_SESS_A_MARK_MASK, MNL_TYPE_U32},
    {RTPPROXY_SESS_A_DUP_BELOW, MNL_TYPE_U16},
    {RTPPROXY_SESS_A_LABEL, MNL_TYPE_BINARY},  // any length to libmnl: checked_label()
    {RTPPROXY_SESS_A_CLOCK_RATE, MNL_TYPE_U32},
    {RTPPROXY_SESS_A_NFLOG_GROUP, MNL_TYPE_U16},
    {RTPPROXY_SESS_A_NFLOG_COPY, MNL_TYPE_U8},
});

constexpr auto kStreamPolicy = make_policy<RTPPROXY_STREAM_A_MAX + 1>({
    {RTPPROXY_STREAM_A_GATE_PORT, MNL_TYPE_U16},
    {RTPPROXY_STREAM_A_ADDR, MNL_TYPE_BINARY},
    {RTPPROXY_STREAM_A_PORT, MNL_TYPE_U16},
    {RTPPROXY_STREAM_A_LEARN_TIMEOUT_MS, MNL_TYPE_U32},
    {RTPPROXY_STREAM_A_ALWAYS_LEARN, MNL_TYPE_FLAG},
    {RTPPROXY_STREAM_A_LEARNED, MNL_TYPE_FLAG},
    {RTPPROXY_STREAM_A_PACKETS, MNL_TYPE_U64},
    {RTPPROXY_STREAM_A_BYTES, MNL_TYPE_U64},
    {RTPPROXY_STREAM_A_DROPS, MNL_TYPE_U64},
    {RTPPROXY_STREAM_A_LAST_MS, MNL_TYPE_U64},
    {RTPPROXY_STREAM_A_CLEAR_ADDR, MNL_TYPE_FLAG},
    {RTPPROXY_STREAM_A_DUPS, MNL_TYPE_U64},
    {RTPPROXY_STREAM_A_RATE, MNL_TYPE_U32},
    {RTPPROXY_STREAM_A_BURST, MNL_TYPE_U32},
    // The call quality, read by parse_quality().
    {RTPPROXY_STREAM_A_SSRC, MNL_TYPE_U32},
    {RTPPROXY_STREAM_A_SSRC_CHANGES, MNL_TYPE_U32},
    {RTPPROXY_STREAM_A_PAYLOAD_TYPE, MNL_TYPE_U8},
    {RTPPROXY_STREAM_A_EXPECTED, MNL_TYPE_U64},
    {RTPPROXY_STREAM_A_LOST, MNL_TYPE_U64},
    {RTPPROXY_STREAM_A_DUPLICATES, MNL_TYPE_U64},
    {RTPPROXY_STREAM_A_REORDERED, MNL_TYPE_U64},
    {RTPPROXY_STREAM_A_JITTER, MNL_TYPE_U32},
    {RTPPROXY_STREAM_A_NOT_RTP, MNL_TYPE_U64},
});

constexpr auto kCounterPolicy = make_policy<RTPPROXY_CNT_A_MAX + 1>({
    {RTPPROXY_CNT_A_PACKETS, MNL_TYPE_U64},
    {RTPPROXY_CNT_A_BYTES, MNL_TYPE_U64},
    {RTPPROXY_CNT_A_DROP_NO_SESSION, MNL_TYPE_U64},
    {RTPPROXY_CNT_A_DROP_SOURCE, MNL_TYPE_U64},
    {RTPPROXY_CNT_A_DROP_EXPIRED, MNL_TYPE_U64},
    {RTPPROXY_CNT_A_DROP_MALFORMED, MNL_TYPE_U64},
    {RTPPROXY_CNT_A_DROP_NO_DEST, MNL_TYPE_U64},
    {RTPPROXY_CNT_A_DROP_XMIT, MNL_TYPE_U64},
    {RTPPROXY_CNT_A_SESS_CREATED, MNL_TYPE_U64},
    {RTPPROXY_CNT_A_SESS_EXPIRED, MNL_TYPE_U64},
    {RTPPROXY_CNT_A_SESS_DELETED, MNL_TYPE_U64},
    {RTPPROXY_CNT_A_DROP_LOOP, MNL_TYPE_U64},
    {RTPPROXY_CNT_A_DUPLICATED, MNL_TYPE_U64},
    {RTPPROXY_CNT_A_DROP_RATE, MNL_TYPE_U64},
    {RTPPROXY_CNT_A_EVENTS_LOST, MNL_TYPE_U64},
});

constexpr auto kCtrlPolicy = make_policy<CTRL_ATTR_MAX + 1>({
    {CTRL_ATTR_FAMILY_ID, MNL_TYPE_U16},
    {CTRL_ATTR_VERSION, MNL_TYPE_U32},
    {CTRL_ATTR_MCAST_GROUPS, MNL_TYPE_NESTED},
});

constexpr auto kCtrlGroupPolicy = make_policy<CTRL_ATTR_MCAST_GRP_MAX + 1>({
    {CTRL_ATTR_MCAST_GRP_NAME, MNL_TYPE_NUL_STRING},
    {CTRL_ATTR_MCAST_GRP_ID, MNL_TYPE_U32},
});

// tb[type] for every known attribute; unknown (newer) attributes are ignored.
template <std::size_t N>
using Table = std::array<const nlattr*, N>;

template <std::size_t N>
struct TableParse {
    const Policy<N>* policy;
    Table<N> tb{};
    int bad_type = -1;
};

template <std::size_t N>
int table_cb(const nlattr* attr, void* data) {
    auto* parse = static_cast<TableParse<N>*>(data);
    const std::size_t type = mnl_attr_get_type(attr);
    if (type >= N) return MNL_CB_OK;
    const mnl_attr_data_type data_type = (*parse->policy)[type];
    if (data_type != MNL_TYPE_UNSPEC && mnl_attr_validate(attr, data_type) < 0) {
        parse->bad_type = static_cast<int>(type);
        return MNL_CB_ERROR;
    }
    parse->tb[type] = attr;
    return MNL_CB_OK;
}

template <std::size_t N>
Table<N> check_table(TableParse<N>& parse, int ret, const char* what) {
    if (ret < 0 || parse.bad_type >= 0)
        throw malformed_reply(std::string(what) + " attribute " + std::to_string(parse.bad_type) +
                              " has the wrong size");
    return parse.tb;
}

template <std::size_t N>
Table<N> parse_nested(const nlattr* nest, const Policy<N>& policy, const char* what) {
    TableParse<N> parse{&policy};
    const int ret = mnl_attr_parse_nested(nest, table_cb<N>, &parse);
    return check_table(parse, ret, what);
}

template <std::size_t N>
Table<N> parse_message(const nlmsghdr* nlh, std::size_t header_len, const Policy<N>& policy,
                       const char* what) {
    if (mnl_nlmsg_get_payload_len(nlh) < header_len)
        throw malformed_reply(std::string(what) + " message is truncated");
    TableParse<N> parse{&policy};
    const int ret = mnl_attr_parse(nlh, static_cast<unsigned int>(header_len), table_cb<N>, &parse);
    return check_table(parse, ret, what);
}

Address get_addr(const nlattr* attr, const char* what) {
    const auto len = mnl_attr_get_payload_len(attr);
    if (len != 4 && len != 16)
        throw malformed_reply(std::string(what) + " address has " + std::to_string(len) + " bytes");
    return Address::from_bytes(
        {static_cast<const std::byte*>(mnl_attr_get_payload(attr)), static_cast<std::size_t>(len)});
}

Counters parse_counters(const nlattr* nest) {
    Counters c;
    if (!nest) return c;
    const auto tb = parse_nested(nest, kCounterPolicy, "counters");
    c.packets = get_u64(tb[RTPPROXY_CNT_A_PACKETS]);
    c.bytes = get_u64(tb[RTPPROXY_CNT_A_BYTES]);
    c.drop_no_session = get_u64(tb[RTPPROXY_CNT_A_DROP_NO_SESSION]);
    c.drop_source = get_u64(tb[RTPPROXY_CNT_A_DROP_SOURCE]);
    c.drop_expired = get_u64(tb[RTPPROXY_CNT_A_DROP_EXPIRED]);
    c.drop_malformed = get_u64(tb[RTPPROXY_CNT_A_DROP_MALFORMED]);
    c.drop_no_dest = get_u64(tb[RTPPROXY_CNT_A_DROP_NO_DEST]);
    c.drop_xmit = get_u64(tb[RTPPROXY_CNT_A_DROP_XMIT]);
    // Absent from kernels older than the counter: 0, as the default of every counter here.
    c.drop_loop = get_u64(tb[RTPPROXY_CNT_A_DROP_LOOP]);
    c.sessions_created = get_u64(tb[RTPPROXY_CNT_A_SESS_CREATED]);
    c.sessions_expired = get_u64(tb[RTPPROXY_CNT_A_SESS_EXPIRED]);
    c.sessions_deleted = get_u64(tb[RTPPROXY_CNT_A_SESS_DELETED]);
    c.duplicated = get_u64(tb[RTPPROXY_CNT_A_DUPLICATED]);
    c.drop_rate = get_u64(tb[RTPPROXY_CNT_A_DROP_RATE]);
    c.events_lost = get_u64(tb[RTPPROXY_CNT_A_EVENTS_LOST]);
    return c;
}

Gate parse_gate(const nlattr* nest, const char* what) {
    const auto tb = parse_nested(nest, kGatePolicy, what);
    Gate gate;
    gate.addr = get_addr(require(tb[RTPPROXY_GATE_A_ADDR], what), what);
    gate.port = mnl_attr_get_u16(require(tb[RTPPROXY_GATE_A_PORT], what));
    // Modules before bridging send no family: the address's length says it all the same.
    if (tb[RTPPROXY_GATE_A_FAMILY] &&
        mnl_attr_get_u8(tb[RTPPROXY_GATE_A_FAMILY]) != gate.addr.family())
        throw malformed_reply(std::string(what) + " address of another family than the gate");
    return gate;
}

template <std::size_t N>
SwitchboardGates parse_gates(const Table<N>& tb) {
    SwitchboardGates gates;
    gates.family = mnl_attr_get_u8(require(tb[RTPPROXY_SB_A_FAMILY], "switchboard family"));
    gates.gate_a = parse_gate(require(tb[RTPPROXY_SB_A_GATE_A], "gate A"), "gate A");
    gates.gate_b = parse_gate(require(tb[RTPPROXY_SB_A_GATE_B], "gate B"), "gate B");
    // The switchboard's family is gate A's; a bridge's gate B is of the other.
    if (gates.gate_a.addr.family() != gates.family)
        throw malformed_reply("gate A address of another family than the switchboard");
    return gates;
}

// The DSCP of a session or switchboard attribute, or of a table record: a code point or
// RTPPROXY_DSCP_SENDER.
Dscp dscp_from_kernel(std::uint8_t value) {
    if (value > RTPPROXY_DSCP_MAX && value != RTPPROXY_DSCP_SENDER)
        throw malformed_reply("DSCP " + std::to_string(value));
    return Dscp{value};
}

Stream parse_stream(const nlattr* nest) {
    const auto tb = parse_nested(nest, kStreamPolicy, "stream");
    Stream stream;
    if (tb[RTPPROXY_STREAM_A_GATE_PORT])
        stream.gate_port = mnl_attr_get_u16(tb[RTPPROXY_STREAM_A_GATE_PORT]);
    if (tb[RTPPROXY_STREAM_A_ADDR]) {
        Endpoint client;
        client.addr = get_addr(tb[RTPPROXY_STREAM_A_ADDR], "client");
        client.port = mnl_attr_get_u16(require(tb[RTPPROXY_STREAM_A_PORT], "client port"));
        stream.client = client;
    }
    if (tb[RTPPROXY_STREAM_A_LEARN_TIMEOUT_MS])
        stream.learn_ms = mnl_attr_get_u32(tb[RTPPROXY_STREAM_A_LEARN_TIMEOUT_MS]);
    stream.always_learn = tb[RTPPROXY_STREAM_A_ALWAYS_LEARN] != nullptr;
    stream.learned = tb[RTPPROXY_STREAM_A_LEARNED] != nullptr;
    stream.packets = get_u64(tb[RTPPROXY_STREAM_A_PACKETS]);
    stream.bytes = get_u64(tb[RTPPROXY_STREAM_A_BYTES]);
    stream.drops = get_u64(tb[RTPPROXY_STREAM_A_DROPS]);
    if (tb[RTPPROXY_STREAM_A_LAST_MS]) stream.last_ms = get_u64(tb[RTPPROXY_STREAM_A_LAST_MS]);
    stream.dups = get_u64(tb[RTPPROXY_STREAM_A_DUPS]);
    // Absent from a module without rate limits: 0, no limit.
    stream.rate = get_u32(tb[RTPPROXY_STREAM_A_RATE]);
    stream.burst = get_u32(tb[RTPPROXY_STREAM_A_BURST]);
    stream.quality = parse_quality(tb);
    return stream;
}

// A kernel without relay options sends none of them: the defaults of RelayOptions.
template <std::size_t N>
RelayOptions parse_relay_options(const Table<N>& tb) {
    RelayOptions relay;
    if (const nlattr* dscp = tb[RTPPROXY_SESS_A_DSCP])
        relay.dscp = dscp_from_kernel(mnl_attr_get_u8(dscp));
    if (const nlattr* max_ttl = tb[RTPPROXY_SESS_A_MAX_TTL])
        relay.max_ttl = mnl_attr_get_u8(max_ttl);
    relay.mark.value = get_u32(tb[RTPPROXY_SESS_A_MARK]);
    relay.mark.mask = get_u32(tb[RTPPROXY_SESS_A_MARK_MASK]);
    if (const nlattr* dup_below = tb[RTPPROXY_SESS_A_DUP_BELOW])
        relay.dup_below = mnl_attr_get_u16(dup_below);
    return relay;
}

// The label of a session attribute or of a table record: len bytes at data, of which the ABI
// allows at most RTPPROXY_LABEL_MAX (a longer one is not the ABI's, and no label to hand on).
std::string checked_label(const void* data, std::size_t len) {
    if (len > RTPPROXY_LABEL_MAX)
        throw malformed_reply("session label of " + std::to_string(len) + " bytes (at most " +
                              std::to_string(RTPPROXY_LABEL_MAX) + ")");
    return std::string(static_cast<const char*>(data), len);
}

// The recording of a session attribute or of a table record: copies of no kind are not a
// recording, and the ABI has no such thing to tell.
Recording recording_from_kernel(std::uint16_t nflog_group, std::uint8_t copy) {
    if (copy == 0) throw malformed_reply("session recording of no copies");
    return Recording{nflog_group, copy};
}

// Both attributes while the session records, neither while it does not (nor from a module
// without recording).
template <std::size_t N>
std::optional<Recording> parse_recording(const Table<N>& tb) {
    const nlattr* group = tb[RTPPROXY_SESS_A_NFLOG_GROUP];
    const nlattr* copy = tb[RTPPROXY_SESS_A_NFLOG_COPY];
    if (!group && !copy) return std::nullopt;
    if (!group || !copy)
        throw malformed_reply(std::string("session recording without its ") +
                              (group ? "copies" : "NFLOG group"));
    return recording_from_kernel(mnl_attr_get_u16(group), mnl_attr_get_u8(copy));
}

constexpr std::size_t kGenlHeader = sizeof(genlmsghdr);

}  // namespace

// ---- shared with event.cpp (reply_parse.hpp) ----

TopAttributes parse_top_attributes(const nlmsghdr* nlh, const char* what) {
    return parse_message(nlh, kGenlHeader, kTopPolicy, what);
}

SwitchboardGates parse_switchboard_gates(const nlattr* nest) {
    return parse_gates(parse_nested(nest, kSwitchboardPolicy, "switchboard"));
}

Switchboard parse_switchboard(const nlattr* nest) {
    const auto tb = parse_nested(nest, kSwitchboardPolicy, "switchboard");
    Switchboard sb;
    static_cast<SwitchboardGates&>(sb) = parse_gates(tb);
    sb.max_sess = get_u32(tb[RTPPROXY_SB_A_MAX_SESS]);
    sb.expires_timeout = get_u32(tb[RTPPROXY_SB_A_EXPIRES_TIMEOUT]);
    sb.resurrection_timeout = get_u32(tb[RTPPROXY_SB_A_RESURRECTION_TIMEOUT]);
    sb.rules = get_u32(tb[RTPPROXY_SB_A_RULES]);
    sb.live = get_u32(tb[RTPPROXY_SB_A_SESSIONS_LIVE]);
    sb.expired = get_u32(tb[RTPPROXY_SB_A_SESSIONS_EXPIRED]);
    sb.age_ms = get_u64(tb[RTPPROXY_SB_A_AGE_MS]);
    sb.counters = parse_counters(tb[RTPPROXY_SB_A_COUNTERS]);
    if (const nlattr* dscp = tb[RTPPROXY_SB_A_DSCP])
        sb.relay_defaults.dscp = dscp_from_kernel(mnl_attr_get_u8(dscp));
    if (const nlattr* max_ttl = tb[RTPPROXY_SB_A_MAX_TTL])
        sb.relay_defaults.max_ttl = mnl_attr_get_u8(max_ttl);
    if (const nlattr* dup_below = tb[RTPPROXY_SB_A_DUP_BELOW])
        sb.relay_defaults.dup_below = mnl_attr_get_u16(dup_below);
    return sb;
}

Session parse_session(const nlattr* nest) {
    const auto tb = parse_nested(nest, kSessionPolicy, "session");
    Session session;
    session.id = mnl_attr_get_u32(require(tb[RTPPROXY_SESS_A_ID], "session id"));
    const auto state = mnl_attr_get_u8(require(tb[RTPPROXY_SESS_A_STATE], "session state"));
    session.state = state == RTPPROXY_SESS_LIVE      ? SessionState::live
                    : state == RTPPROXY_SESS_EXPIRED ? SessionState::expired
                                                     : SessionState::unknown;
    session.age_ms = get_u64(tb[RTPPROXY_SESS_A_AGE_MS]);
    session.idle_ms = get_u64(tb[RTPPROXY_SESS_A_IDLE_MS]);
    for (std::size_t i = 0; i < kStreams; ++i)
        if (const nlattr* stream = tb[RTPPROXY_SESS_A_RTP_A + i])
            session.streams[i] = parse_stream(stream);
    session.relay = parse_relay_options(tb);
    // Absent when the session has none, and from a module without labels.
    if (const nlattr* attr = tb[RTPPROXY_SESS_A_LABEL])
        session.label = checked_label(mnl_attr_get_payload(attr), mnl_attr_get_payload_len(attr));
    // Absent from a module without call quality: 0, unknown.
    session.clock_rate = get_u32(tb[RTPPROXY_SESS_A_CLOCK_RATE]);
    session.recording = parse_recording(tb);
    return session;
}

// ---- replies ----

FamilyInfo parse_family_reply(const nlmsghdr* nlh) {
    const auto tb = parse_message(nlh, kGenlHeader, kCtrlPolicy, "generic netlink family");
    FamilyInfo family;
    family.id = mnl_attr_get_u16(require(tb[CTRL_ATTR_FAMILY_ID], "family id"));
    family.version = get_u32(tb[CTRL_ATTR_VERSION]);
    // A list of nests, one per group, numbered from 1; absent for a family without groups.
    if (const nlattr* groups = tb[CTRL_ATTR_MCAST_GROUPS]) {
        const auto* end = static_cast<const char*>(mnl_attr_get_payload(groups)) +
                          mnl_attr_get_payload_len(groups);
        for (auto* group = static_cast<const nlattr*>(mnl_attr_get_payload(groups));
             mnl_attr_ok(group, static_cast<int>(end - reinterpret_cast<const char*>(group)));
             group = mnl_attr_next(group)) {
            const auto g = parse_nested(group, kCtrlGroupPolicy, "multicast group");
            family.multicast_groups.push_back(
                {mnl_attr_get_str(require(g[CTRL_ATTR_MCAST_GRP_NAME], "multicast group name")),
                 mnl_attr_get_u32(require(g[CTRL_ATTR_MCAST_GRP_ID], "multicast group id"))});
        }
    }
    return family;
}

std::optional<std::uint32_t> FamilyInfo::multicast_group(std::string_view name) const noexcept {
    for (const auto& group : multicast_groups)
        if (group.name == name) return group.id;
    return std::nullopt;
}

Info parse_info_reply(const nlmsghdr* nlh) {
    const auto tb = parse_message(nlh, kGenlHeader, kTopPolicy, "info");
    Info info;
    if (const nlattr* version = tb[RTPPROXY_A_VERSION]) info.version = mnl_attr_get_str(version);
    info.uptime_ms = get_u64(tb[RTPPROXY_A_UPTIME_MS]);
    info.switchboards = get_u32(tb[RTPPROXY_A_SWITCHBOARD_COUNT]);
    info.sessions = get_u32(tb[RTPPROXY_A_SESSION_COUNT]);
    info.counters = parse_counters(tb[RTPPROXY_A_COUNTERS]);
    return info;
}

Switchboard parse_switchboard_reply(const nlmsghdr* nlh) {
    const auto tb = parse_message(nlh, kGenlHeader, kTopPolicy, "switchboard");
    return parse_switchboard(require(tb[RTPPROXY_A_SWITCHBOARD], "switchboard"));
}

SessionEntry parse_session_reply(const nlmsghdr* nlh) {
    const auto tb = parse_message(nlh, kGenlHeader, kTopPolicy, "session");
    SessionEntry entry;
    entry.switchboard = parse_switchboard_gates(require(tb[RTPPROXY_A_SWITCHBOARD], "switchboard"));
    entry.session = parse_session(require(tb[RTPPROXY_A_SESSION], "session"));
    return entry;
}

std::uint32_t parse_affected_reply(const nlmsghdr* nlh) {
    const auto tb = parse_message(nlh, kGenlHeader, kTopPolicy, "reply");
    return mnl_attr_get_u32(require(tb[RTPPROXY_A_AFFECTED], "affected count"));
}

namespace {

Stream stream_from_record(const rtpproxy_stream_rec& r, int family) {
    Stream stream;
    stream.gate_port = r.gate_port;
    if (r.flags & RTPPROXY_STREAM_F_CLIENT) {
        const std::size_t len = family == AF_INET6 ? 16 : 4;
        stream.client =
            Endpoint{Address::from_bytes(std::as_bytes(std::span(r.addr)).first(len)), r.port};
    }
    if (r.flags & RTPPROXY_STREAM_F_LEARNING) stream.learn_ms = r.learn_ms;
    stream.always_learn = r.flags & RTPPROXY_STREAM_F_ALWAYS_LEARN;
    stream.learned = r.flags & RTPPROXY_STREAM_F_LEARNED;
    stream.packets = r.packets;
    stream.bytes = r.bytes;
    stream.drops = r.drops;
    if (r.flags & RTPPROXY_STREAM_F_RELAYED) stream.last_ms = r.last_ms;
    return stream;
}

static_assert(RTPPROXY_SESSION_REC_V1_SIZE == offsetof(rtpproxy_session_rec, dscp));

// rec_size bytes of r were the kernel's, the rest is zero: a record without relay options
// (RTPPROXY_SESSION_REC_V1_SIZE, an older module) reads as the defaults.
RelayOptions relay_from_record(const rtpproxy_session_rec& r, std::size_t rec_size) {
    RelayOptions relay;
    if (rec_size <= RTPPROXY_SESSION_REC_V1_SIZE) return relay;
    relay.dscp = dscp_from_kernel(r.dscp);
    relay.max_ttl = r.max_ttl;
    relay.mark = {r.mark, r.mark_mask};
    relay.dup_below = r.dup_below;
    return relay;
}

static_assert(RTPPROXY_SESSION_REC_V2_SIZE == offsetof(rtpproxy_session_rec, label_len));

// rec_size bytes of r were the kernel's, the rest is zero: a record without labels
// (RTPPROXY_SESSION_REC_V2_SIZE or less, an older module) has label_len 0, no label. A label
// that runs past the record's end is as broken as one longer than the ABI allows.
std::string label_from_record(const rtpproxy_session_rec& r, std::size_t rec_size) {
    if (r.label_len == 0) return {};
    if (r.label_len <= RTPPROXY_LABEL_MAX &&
        offsetof(rtpproxy_session_rec, label) + r.label_len > rec_size)
        throw malformed_reply("session label of " + std::to_string(r.label_len) +
                              " bytes in a record of " + std::to_string(rec_size));
    return checked_label(r.label, r.label_len);
}

static_assert(RTPPROXY_SESSION_REC_V4_SIZE == offsetof(rtpproxy_session_rec, nflog_group));
// Where the recording ends: a record ending before it is no module's.
constexpr std::size_t kRecordingEnd =
    offsetof(rtpproxy_session_rec, nflog_copy) + sizeof(rtpproxy_session_rec::nflog_copy);

// rec_size bytes of r were the kernel's, the rest is zero: a record of
// RTPPROXY_SESSION_REC_V4_SIZE or less (a module without recording) reads as not recording, as
// does one whose nflog_copy is 0.
std::optional<Recording> recording_from_record(const rtpproxy_session_rec& r,
                                               std::size_t rec_size) {
    if (rec_size <= RTPPROXY_SESSION_REC_V4_SIZE) return std::nullopt;
    if (rec_size < kRecordingEnd)
        throw malformed_reply("session record of " + std::to_string(rec_size) +
                              " bytes ends inside the recording (" +
                              std::to_string(RTPPROXY_SESSION_REC_V4_SIZE) + " or at least " +
                              std::to_string(kRecordingEnd) + ")");
    if (r.nflog_copy == 0) return std::nullopt;
    return recording_from_kernel(r.nflog_group, r.nflog_copy);
}

}  // namespace

void parse_session_table_reply(const nlmsghdr* nlh, std::vector<SessionEntry>& out) {
    const auto tb = parse_message(nlh, kGenlHeader, kTopPolicy, "session table");
    SessionEntry entry;
    entry.switchboard = parse_switchboard_gates(require(tb[RTPPROXY_A_SWITCHBOARD], "switchboard"));
    const std::uint32_t rec_size =
        mnl_attr_get_u32(require(tb[RTPPROXY_A_SESSION_REC_SIZE], "session record size"));
    const nlattr* table = require(tb[RTPPROXY_A_SESSION_TABLE], "session table");
    const std::size_t len = mnl_attr_get_payload_len(table);
    // An older module's records end before the relay options, a newer one may append fields:
    // read what both know, never less than the first record of the ABI.
    if (rec_size < RTPPROXY_SESSION_REC_V1_SIZE || len % rec_size)
        throw malformed_reply("session table of " + std::to_string(len) + " bytes in records of " +
                              std::to_string(rec_size));
    const auto* data = static_cast<const std::byte*>(mnl_attr_get_payload(table));
    for (std::size_t off = 0; off < len; off += rec_size) {
        // Records are only 4-byte aligned in the message: copy before reading.
        rtpproxy_session_rec r{};
        std::memcpy(&r, data + off, std::min<std::size_t>(rec_size, sizeof(r)));
        Session& s = entry.session;
        s.id = r.id;
        s.state = r.state == RTPPROXY_SESS_LIVE      ? SessionState::live
                  : r.state == RTPPROXY_SESS_EXPIRED ? SessionState::expired
                                                     : SessionState::unknown;
        s.age_ms = r.age_ms;
        s.idle_ms = r.idle_ms;
        for (std::size_t i = 0; i < kStreams; ++i) {
            s.streams[i] = stream_from_record(r.stream[i], entry.switchboard.stream_family(i));
            s.streams[i].dups = r.dups[i];
            // Beyond a shorter record (a module without rate limits) the copy left zeros: no
            // limit, without a size check of its own.
            s.streams[i].rate = r.rate[i];
            s.streams[i].burst = r.burst[i];
        }
        s.relay = relay_from_record(r, rec_size);
        s.label = label_from_record(r, rec_size);
        quality_from_record(r, rec_size, s);
        s.recording = recording_from_record(r, rec_size);
        out.push_back(entry);
    }
}

std::vector<std::uint32_t> parse_affected_list_reply(const nlmsghdr* nlh) {
    const auto tb = parse_message(nlh, kGenlHeader, kTopPolicy, "reply");
    const nlattr* list = require(tb[RTPPROXY_A_AFFECTED_LIST], "affected counts");
    const std::size_t len = mnl_attr_get_payload_len(list);
    if (len % sizeof(std::uint32_t)) throw malformed_reply("affected counts of odd length");
    std::vector<std::uint32_t> counts(len / sizeof(std::uint32_t));
    std::memcpy(counts.data(), mnl_attr_get_payload(list), len);
    return counts;
}

void walk_replies(std::span<const std::byte> buf, std::uint32_t seq, std::string_view what,
                  const std::function<void(const nlmsghdr*)>& on_data, ReplyProgress& progress) {
    int len = static_cast<int>(buf.size());
    auto* nlh = reinterpret_cast<const nlmsghdr*>(buf.data());
    for (; !progress.finished && mnl_nlmsg_ok(nlh, len); nlh = mnl_nlmsg_next(nlh, &len)) {
        // Leftovers of an earlier, abandoned request are not ours to judge.
        if (nlh->nlmsg_seq != seq) continue;
        if (nlh->nlmsg_flags & NLM_F_DUMP_INTR) progress.interrupted = true;
        switch (nlh->nlmsg_type) {
            case NLMSG_NOOP:
                break;
            case NLMSG_ERROR:
            case NLMSG_DONE: {
                const NetlinkError error = parse_error(nlh);
                if (error.error != 0) throw to_system_error(error, std::string(what));
                progress.finished = true;
                break;
            }
            case NLMSG_OVERRUN:
                throw std::system_error(ENOBUFS, std::generic_category(),
                                        std::string(what) + ": netlink overrun");
            default:
                on_data(nlh);
                if (progress.reply_finishes) progress.finished = true;
                break;
        }
    }
}

}  // namespace xtrtpproxy

// SPDX-License-Identifier: GPL-2.0
// Request building and reply parsing for the xt_rtpproxy family, kept free of sockets for tests.
#include "xtrtpproxy/message.hpp"

#include <libmnl/libmnl.h>
#include <linux/genetlink.h>
#include <linux/netfilter/xt_RTPPROXY.h>
#include <linux/netlink.h>
#include <sys/socket.h>

#include <cstring>
#include <initializer_list>
#include <stdexcept>
#include <string>
#include <utility>

#include "xtrtpproxy/error.hpp"

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

// Every session an alloc or update request carries, with the RTCP defaults derived: the kernel
// derives nothing, and here is the one place that every caller of the library goes through.
void put_session_params(Builder& b, const SessionParams& given,
                        std::uint16_t type = RTPPROXY_A_SESSION) {
    const SessionParams params = with_rtcp_defaults(given);
    nlattr* session = b.nest_start(type);
    for (std::size_t i = 0; i < kStreams; ++i) {
        const StreamParams& stream = params.streams[i];
        if (stream.empty()) continue;
        nlattr* nest = b.nest_start(static_cast<std::uint16_t>(RTPPROXY_SESS_A_RTP_A + i));
        if (stream.addr) b.put_addr(RTPPROXY_STREAM_A_ADDR, *stream.addr);
        if (stream.port) b.put_u16(RTPPROXY_STREAM_A_PORT, *stream.port);
        if (stream.learn_timeout_ms)
            b.put_u32(RTPPROXY_STREAM_A_LEARN_TIMEOUT_MS, *stream.learn_timeout_ms);
        if (stream.always_learn) b.put_flag(RTPPROXY_STREAM_A_ALWAYS_LEARN);
        if (stream.clear_addr) b.put_flag(RTPPROXY_STREAM_A_CLEAR_ADDR);
        b.nest_end(nest);
    }
    b.nest_end(session);
}

Request doit(std::uint16_t family_id, std::uint8_t cmd) {
    return Request(family_id, cmd, XT_RTPPROXY_GENL_VERSION, 0);
}

Request dumpit(std::uint16_t family_id, std::uint8_t cmd) {
    return Request(family_id, cmd, XT_RTPPROXY_GENL_VERSION, NLM_F_DUMP);
}

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
});

constexpr auto kGatePolicy = make_policy<RTPPROXY_GATE_A_MAX + 1>({
    {RTPPROXY_GATE_A_ADDR, MNL_TYPE_BINARY},
    {RTPPROXY_GATE_A_PORT, MNL_TYPE_U16},
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
});

constexpr auto kCtrlPolicy = make_policy<CTRL_ATTR_MAX + 1>({
    {CTRL_ATTR_FAMILY_ID, MNL_TYPE_U16},
    {CTRL_ATTR_VERSION, MNL_TYPE_U32},
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

std::uint64_t get_u64(const nlattr* attr) { return attr ? mnl_attr_get_u64(attr) : 0; }
std::uint32_t get_u32(const nlattr* attr) { return attr ? mnl_attr_get_u32(attr) : 0; }

const nlattr* require(const nlattr* attr, const char* what) {
    if (!attr) throw malformed_reply(std::string("missing ") + what);
    return attr;
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
    return c;
}

Gate parse_gate(const nlattr* nest, const char* what) {
    const auto tb = parse_nested(nest, kGatePolicy, what);
    Gate gate;
    gate.addr = get_addr(require(tb[RTPPROXY_GATE_A_ADDR], what), what);
    gate.port = mnl_attr_get_u16(require(tb[RTPPROXY_GATE_A_PORT], what));
    return gate;
}

template <std::size_t N>
SwitchboardGates parse_gates(const Table<N>& tb) {
    SwitchboardGates gates;
    gates.family = mnl_attr_get_u8(require(tb[RTPPROXY_SB_A_FAMILY], "switchboard family"));
    gates.gate_a = parse_gate(require(tb[RTPPROXY_SB_A_GATE_A], "gate A"), "gate A");
    gates.gate_b = parse_gate(require(tb[RTPPROXY_SB_A_GATE_B], "gate B"), "gate B");
    if (gates.gate_a.addr.family() != gates.family || gates.gate_b.addr.family() != gates.family)
        throw malformed_reply("gate address of another family than the switchboard");
    return gates;
}

// The switchboard of a session reply: family and gates only.
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
    return sb;
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
    return stream;
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
    return session;
}

constexpr std::size_t kGenlHeader = sizeof(genlmsghdr);

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
                              const std::optional<SessionRange>& range) {
    Request request = dumpit(family_id, RTPPROXY_CMD_GET_SESSION);
    Builder b(request);
    if (selector) put_selector(b, *selector);
    put_range(b, range);
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
                                   const std::optional<SessionRange>& range) {
    Request request = dumpit(family_id, RTPPROXY_CMD_GET_SESSION_TABLE);
    Builder b(request);
    if (selector) put_selector(b, *selector);
    put_range(b, range);
    return request;
}

// ---- replies ----

FamilyInfo parse_family_reply(const nlmsghdr* nlh) {
    const auto tb = parse_message(nlh, kGenlHeader, kCtrlPolicy, "generic netlink family");
    FamilyInfo family;
    family.id = mnl_attr_get_u16(require(tb[CTRL_ATTR_FAMILY_ID], "family id"));
    family.version = get_u32(tb[CTRL_ATTR_VERSION]);
    return family;
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

}  // namespace

void parse_session_table_reply(const nlmsghdr* nlh, std::vector<SessionEntry>& out) {
    const auto tb = parse_message(nlh, kGenlHeader, kTopPolicy, "session table");
    SessionEntry entry;
    entry.switchboard = parse_switchboard_gates(require(tb[RTPPROXY_A_SWITCHBOARD], "switchboard"));
    const std::uint32_t rec_size =
        mnl_attr_get_u32(require(tb[RTPPROXY_A_SESSION_REC_SIZE], "session record size"));
    const nlattr* table = require(tb[RTPPROXY_A_SESSION_TABLE], "session table");
    const std::size_t len = mnl_attr_get_payload_len(table);
    // A newer kernel may append fields: read the prefix we know, never less than that.
    if (rec_size < sizeof(rtpproxy_session_rec) || len % rec_size)
        throw malformed_reply("session table of " + std::to_string(len) + " bytes in records of " +
                              std::to_string(rec_size));
    const auto* data = static_cast<const std::byte*>(mnl_attr_get_payload(table));
    const int family = entry.switchboard.family;
    for (std::size_t off = 0; off < len; off += rec_size) {
        // Records are only 4-byte aligned in the message: copy before reading.
        rtpproxy_session_rec r;
        std::memcpy(&r, data + off, sizeof(r));
        Session& s = entry.session;
        s.id = r.id;
        s.state = r.state == RTPPROXY_SESS_LIVE      ? SessionState::live
                  : r.state == RTPPROXY_SESS_EXPIRED ? SessionState::expired
                                                     : SessionState::unknown;
        s.age_ms = r.age_ms;
        s.idle_ms = r.idle_ms;
        for (std::size_t i = 0; i < kStreams; ++i)
            s.streams[i] = stream_from_record(r.stream[i], family);
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

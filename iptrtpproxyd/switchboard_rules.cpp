// SPDX-License-Identifier: GPL-2.0
// The daemon's switchboard rules: nftables transactions through libnftnl and libmnl.
#include "switchboard_rules.hpp"

#include <arpa/inet.h>
#include <libmnl/libmnl.h>
#include <libnftnl/chain.h>
#include <libnftnl/common.h>
#include <libnftnl/expr.h>
#include <libnftnl/gen.h>
#include <libnftnl/rule.h>
#include <libnftnl/table.h>
#include <linux/netfilter.h>
#include <linux/netfilter/nf_tables.h>
#include <linux/netfilter/nfnetlink.h>
#include <linux/netfilter/x_tables.h>
#include <linux/netlink.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <functional>
#include <memory>
#include <new>
#include <optional>
#include <stdexcept>
#include <string>
#include <system_error>
#include <vector>

#include "rtpproxy_opts.h"
#include "xtrtpproxy/error.hpp"

namespace rtpproxyd {

namespace {

constexpr std::uint8_t kFamilies[] = {NFPROTO_IPV4, NFPROTO_IPV6};

// How long to wait for an answer: the kernel answers while the request is being sent, so a
// wait this long means none will come.
constexpr int kReceiveTimeoutSeconds = 5;
// Another program changing the ruleset between our reads and our transaction makes the
// kernel refuse it (ERESTART): read again and retry, a few times.
constexpr int kAttempts = 5;
// Room for any one message we build: a rule with the target is about 300 bytes. libnftnl
// writes attributes without bounds checks, so this must stay generous.
constexpr std::size_t kMaxMessage = 4096;
// What the kernel's answer to one message of a batch may take of the receive buffer (an ACK
// is one small skb each).
constexpr std::size_t kAckTruesize = 1024;

const char* family_table(std::uint8_t family) {
    return family == NFPROTO_IPV6 ? "table ip6 mangle" : "table ip mangle";
}

template <auto Free>
struct Deleter {
    template <typename T>
    void operator()(T* p) const noexcept {
        Free(p);
    }
};
using TablePtr = std::unique_ptr<nftnl_table, Deleter<nftnl_table_free>>;
using ChainPtr = std::unique_ptr<nftnl_chain, Deleter<nftnl_chain_free>>;
using RulePtr = std::unique_ptr<nftnl_rule, Deleter<nftnl_rule_free>>;
using GenPtr = std::unique_ptr<nftnl_gen, Deleter<nftnl_gen_free>>;

template <typename Ptr, typename Alloc>
Ptr make(Alloc alloc) {
    Ptr p(alloc());
    if (!p) throw std::bad_alloc();
    return p;
}

// An expression handed to a rule, which then owns it.
nftnl_expr* new_expr(nftnl_rule* rule, const char* name) {
    nftnl_expr* e = nftnl_expr_alloc(name);
    if (!e) throw std::bad_alloc();
    nftnl_rule_add_expr(rule, e);
    return e;
}

bool link_local(const xtrtpproxy::Address& addr) {
    const auto b = addr.bytes();
    return addr.is_v6() && b[0] == std::byte{0xfe} && (b[1] & std::byte{0xc0}) == std::byte{0x80};
}

void copy_addr(union nf_inet_addr& to, const xtrtpproxy::Address& from) {
    const auto bytes = from.bytes();
    std::memcpy(&to, bytes.data(), bytes.size());
}

// One rule to make: the target's info and the families whose chains get it.
struct RuleInfo {
    std::string name;  // the spec's to_string()
    xt_rtpproxy_tginfo info{};
    bool in_family[2] = {false, false};  // indexed as kFamilies
};

[[noreturn]] void bad_spec(const SwitchboardSpec& spec, const std::string& why) {
    throw std::invalid_argument("switchboard " + spec.to_string() + ": " + why);
}

// The tginfo as the iptables extension fills it (its defaults for addr_b and port_b), checked
// the way the kernel's checkentry will check it, so that a bad spec fails with a message of
// its own before anything is sent (the kernel's reasons go to its log only).
RuleInfo make_rule(const SwitchboardSpec& spec) {
    RuleInfo rule;
    rule.name = spec.to_string();
    xt_rtpproxy_tginfo& info = rule.info;

    const xtrtpproxy::Address& a = spec.addr_a;
    const xtrtpproxy::Address& b = spec.addr_b.family() == AF_UNSPEC ? a : spec.addr_b;
    if (a.family() == AF_UNSPEC) bad_spec(spec, "gate A has no address");
    if (link_local(a) || link_local(b))
        bad_spec(spec,
                 "link-local gates are not supported (a relay could not name the "
                 "interface to send on)");
    if (spec.max_sess < 1 || spec.max_sess > XT_RTPPROXY_MAX_SESS)
        bad_spec(spec, "max-sess " + std::to_string(spec.max_sess) + " is out of range 1.." +
                           std::to_string(XT_RTPPROXY_MAX_SESS));
    copy_addr(info.addr_a, a);
    copy_addr(info.addr_b, b);
    info.port_a = spec.port_a;
    info.port_b = spec.port_b;
    if (!info.port_b) {
        if (a != b) {
            info.port_b = spec.port_a;
        } else {
            const std::uint32_t next = spec.port_a + 2 * spec.max_sess;
            if (next > 65535) bad_spec(spec, "no room for gate B after gate A: give port_b");
            info.port_b = static_cast<std::uint16_t>(next);
        }
    }
    info.max_sess = spec.max_sess;
    info.expires_timeout = spec.expires_timeout;
    info.resurrection_timeout = spec.resurrection_timeout;
    if (!spec.relay.dscp.is_sender()) {
        info.flags |= XT_RTPPROXY_F_DSCP;
        info.dscp = spec.relay.dscp.value;
    }
    info.max_ttl = spec.relay.max_ttl;
    info.dup_below = spec.relay.dup_below;

    std::uint8_t family = a.is_v6() ? NFPROTO_IPV6 : NFPROTO_IPV4;
    if (a.family() != b.family()) {
        info.flags |= a.is_v6() ? XT_RTPPROXY_F_A6_B4 : XT_RTPPROXY_F_A4_B6;
        rule.in_family[0] = rule.in_family[1] = true;
    } else {
        rule.in_family[family == NFPROTO_IPV6] = true;
    }
    rtpproxy_err err;
    if (const char* msg = rtpproxy_opts_validate(&info, family, &err)) bad_spec(spec, msg);
    return rule;
}

std::system_error nft_error(int error, const std::string& what) {
    return std::system_error(error, std::generic_category(), what);
}

// A transaction being built: the batch's messages back to back, and what each one does.
class Batch {
  public:
    Batch(std::uint32_t first_seq, std::optional<std::uint32_t> genid)
        : begin_seq_(first_seq), seq_(first_seq) {
        nlmsghdr* nlh = nftnl_batch_begin(room(), seq_++);
        // The kernel refuses the transaction (ERESTART) if the ruleset changed since genid:
        // what we read of it decided what the batch holds.
        if (genid) mnl_attr_put_u32(nlh, NFNL_BATCH_GENID, htonl(*genid));
        commit(nlh);
    }

    // A message of type cmd (NFT_MSG_*) for family; build() adds its payload. what says what
    // it does, for the error message if the kernel refuses it.
    template <typename Build>
    void add(std::uint16_t cmd, std::uint8_t family, std::uint16_t flags, std::string what,
             Build&& build) {
        nlmsghdr* nlh = nftnl_nlmsg_build_hdr(room(), cmd, family, flags | NLM_F_ACK, seq_++);
        build(nlh);
        commit(nlh);
        what_.push_back(std::move(what));
    }

    // Closes the batch; nothing may be added after it.
    void end() { commit(nftnl_batch_end(room(), seq_++)); }

    std::size_t messages() const noexcept { return what_.size(); }
    std::uint32_t begin_seq() const noexcept { return begin_seq_; }
    // What the message of seq does, or null if seq is none of the batch's messages.
    const std::string* what(std::uint32_t seq) const noexcept {
        const std::uint32_t i = seq - begin_seq_ - 1;
        return seq != begin_seq_ && i < what_.size() ? &what_[i] : nullptr;
    }
    const std::vector<char>& bytes() const noexcept { return buf_; }

  private:
    char* room() {
        used_ = buf_.size();
        buf_.resize(used_ + kMaxMessage);
        return buf_.data() + used_;
    }
    void commit(const nlmsghdr* nlh) { buf_.resize(used_ + NLMSG_ALIGN(nlh->nlmsg_len)); }

    std::uint32_t begin_seq_;
    std::uint32_t seq_;
    std::size_t used_ = 0;
    std::vector<char> buf_;
    std::vector<std::string> what_;
};

// A netlink socket for nftables (NETLINK_NETFILTER).
class NftSocket {
  public:
    NftSocket() : seq_(static_cast<std::uint32_t>(std::time(nullptr))), rx_(65536) {
        nl_ = mnl_socket_open(NETLINK_NETFILTER);
        if (!nl_) throw nft_error(errno, "cannot open a netfilter netlink socket");
        if (mnl_socket_bind(nl_, 0, MNL_SOCKET_AUTOPID) < 0) {
            const int error = errno;
            mnl_socket_close(nl_);
            throw nft_error(error, "cannot bind a netfilter netlink socket");
        }
        // The kernel's own words when it has any, and errors without a copy of the request.
        int one = 1;
        mnl_socket_setsockopt(nl_, NETLINK_EXT_ACK, &one, sizeof(one));
        mnl_socket_setsockopt(nl_, NETLINK_CAP_ACK, &one, sizeof(one));
        const timeval tv{kReceiveTimeoutSeconds, 0};
        setsockopt(fd(), SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
    }
    NftSocket(const NftSocket&) = delete;
    NftSocket& operator=(const NftSocket&) = delete;
    ~NftSocket() { mnl_socket_close(nl_); }

    std::uint32_t next_seq() noexcept { return seq_++; }
    // For a batch that takes seqs from next_seq() on.
    void skip_seqs(std::uint32_t n) noexcept { seq_ += n; }

    // Sends a GET request (its seq from next_seq()) and waits for its answer: data goes to
    // on_data. Returns 0, or the errno the kernel answered with.
    int query(const nlmsghdr* nlh, const std::string& what,
              const std::function<void(const nlmsghdr*)>& on_data) {
        send(nlh, nlh->nlmsg_len, what);
        for (;;) {
            const std::size_t len = receive(what);
            const auto* msg = reinterpret_cast<const nlmsghdr*>(rx_.data());
            for (int left = static_cast<int>(len); mnl_nlmsg_ok(msg, left);
                 msg = mnl_nlmsg_next(msg, &left)) {
                if (msg->nlmsg_seq != nlh->nlmsg_seq) continue;
                if (msg->nlmsg_type == NLMSG_ERROR) {
                    const auto error = xtrtpproxy::parse_error(msg);
                    if (error.error) check_permission(error.error, what);
                    return error.error;
                }
                on_data(msg);
                return 0;
            }
        }
    }

    // Sends the batch and waits for the kernel's answer to each of its messages. Returns 0 if
    // the transaction was committed, ERESTART if the ruleset changed since the batch's genid;
    // throws for everything else.
    int transact(const Batch& batch) {
        const auto& bytes = batch.bytes();
        // One sendmsg: larger than the socket's send buffer, it would fail with EMSGSIZE, and
        // the kernel's answers must all fit in the receive buffer.
        grow_buffer(SO_SNDBUFFORCE, SO_SNDBUF, bytes.size() + 4096);
        grow_buffer(SO_RCVBUFFORCE, SO_RCVBUF, rx_.size() + batch.messages() * kAckTruesize);
        send(bytes.data(), bytes.size(), "the nftables transaction");

        std::size_t answered = 0;
        std::optional<xtrtpproxy::NetlinkError> first_error;
        std::uint32_t first_error_seq = 0;
        while (answered < batch.messages()) {
            const std::size_t len = receive("the nftables transaction");
            const auto* msg = reinterpret_cast<const nlmsghdr*>(rx_.data());
            for (int left = static_cast<int>(len); mnl_nlmsg_ok(msg, left);
                 msg = mnl_nlmsg_next(msg, &left)) {
                if (msg->nlmsg_type != NLMSG_ERROR) continue;
                const auto error = xtrtpproxy::parse_error(msg);
                if (msg->nlmsg_seq == batch.begin_seq()) {
                    // About the whole batch: nothing else will come.
                    if (error.error == ERESTART) return ERESTART;
                    check_permission(error.error, "the nftables transaction");
                    throw nft_error(
                        error.error,
                        "the kernel refused the nftables transaction" + kernel_text(error) +
                            (error.error == EOPNOTSUPP ? " (no nf_tables in this kernel?)" : ""));
                }
                if (!batch.what(msg->nlmsg_seq)) continue;
                ++answered;
                // The first refused message is the cause: the kernel goes on checking the
                // rest of the batch, which may fail for its sake.
                if (error.error && (!first_error || msg->nlmsg_seq < first_error_seq)) {
                    first_error = error;
                    first_error_seq = msg->nlmsg_seq;
                }
            }
        }
        if (!first_error) return 0;
        const int error = first_error->error;
        const std::string& what = *batch.what(first_error_seq);
        check_permission(error, what);
        std::string text = what + ": the kernel refused it" + kernel_text(*first_error);
        if (what.starts_with("rule ")) {
            if (error == ENOENT)
                text +=
                    " (the kernel has no RTPPROXY target: load the xt_RTPPROXY module, "
                    "modprobe xt_RTPPROXY)";
            else if (error == EINVAL)
                text +=
                    " (the RTPPROXY target says why in the kernel log, dmesg: another "
                    "max-sess for gates in use, say, or a gate overlapping another "
                    "switchboard's)";
        }
        throw nft_error(error, text + "; nothing was changed");
    }

  private:
    int fd() const noexcept { return mnl_socket_get_fd(nl_); }

    static std::string kernel_text(const xtrtpproxy::NetlinkError& error) {
        return error.message.empty() ? std::string() : " (kernel: " + error.message + ")";
    }

    static void check_permission(int error, const std::string& what) {
        if (error == EPERM)
            throw nft_error(error, what + ": needs CAP_NET_ADMIN in this network namespace");
    }

    void grow_buffer(int force_opt, int opt, std::size_t bytes) {
        int size = static_cast<int>(std::min<std::size_t>(bytes, 1U << 30));
        int current = 0;
        socklen_t len = sizeof(current);
        // The kernel reports twice what was set: its bookkeeping's share.
        if (getsockopt(fd(), SOL_SOCKET, opt, &current, &len) == 0 && current / 2 >= size) return;
        // Beyond net.core.[rw]mem_max only with CAP_NET_ADMIN, which every caller has.
        if (setsockopt(fd(), SOL_SOCKET, force_opt, &size, sizeof(size)) < 0)
            setsockopt(fd(), SOL_SOCKET, opt, &size, sizeof(size));
    }

    void send(const void* data, std::size_t len, const std::string& what) {
        if (mnl_socket_sendto(nl_, data, len) < 0) throw nft_error(errno, "cannot send " + what);
    }

    std::size_t receive(const std::string& what) {
        const ssize_t len = mnl_socket_recvfrom(nl_, rx_.data(), rx_.size());
        if (len >= 0) return static_cast<std::size_t>(len);
        const int error = errno;
        if (error == EAGAIN || error == EWOULDBLOCK)
            throw nft_error(ETIMEDOUT, "no answer from the kernel to " + what);
        if (error == ENOBUFS)
            throw nft_error(error, "lost the kernel's answers to " + what +
                                       " (receive buffer full): list the ruleset to see what "
                                       "it did");
        throw nft_error(error, "cannot receive the kernel's answer to " + what);
    }

    mnl_socket* nl_ = nullptr;
    std::uint32_t seq_;
    std::vector<char> rx_;
};

// What there is of the daemon's objects in one family.
struct FamilyState {
    bool table = false;
    std::uint32_t table_use = 0;  // chains, sets, objects and flowtables in it
    bool chain = false;
};

std::uint32_t read_genid(NftSocket& sock) {
    char buf[kMaxMessage];
    nlmsghdr* nlh = nftnl_nlmsg_build_hdr(buf, NFT_MSG_GETGEN, AF_UNSPEC, 0, sock.next_seq());
    std::uint32_t genid = 0;
    const int error = sock.query(nlh, "the ruleset's generation", [&](const nlmsghdr* msg) {
        auto gen = make<GenPtr>(nftnl_gen_alloc);
        if (nftnl_gen_nlmsg_parse(msg, gen.get()) < 0)
            throw xtrtpproxy::malformed_reply("the ruleset's generation");
        genid = nftnl_gen_get_u32(gen.get(), NFTNL_GEN_ID);
    });
    if (error) throw nft_error(error, "cannot read the ruleset's generation");
    return genid;
}

FamilyState read_state(NftSocket& sock, std::uint8_t family) {
    FamilyState state;
    char buf[kMaxMessage];
    const std::string table_what = family_table(family);

    auto table = make<TablePtr>(nftnl_table_alloc);
    nftnl_table_set_str(table.get(), NFTNL_TABLE_NAME, SwitchboardRules::kTable);
    nlmsghdr* nlh = nftnl_nlmsg_build_hdr(buf, NFT_MSG_GETTABLE, family, 0, sock.next_seq());
    nftnl_table_nlmsg_build_payload(nlh, table.get());
    int error = sock.query(nlh, table_what, [&](const nlmsghdr* msg) {
        auto reply = make<TablePtr>(nftnl_table_alloc);
        if (nftnl_table_nlmsg_parse(msg, reply.get()) < 0)
            throw xtrtpproxy::malformed_reply(table_what);
        state.table = true;
        state.table_use = nftnl_table_get_u32(reply.get(), NFTNL_TABLE_USE);
    });
    if (error == ENOENT) return state;
    if (error) throw nft_error(error, "cannot read " + table_what);

    const std::string chain_what =
        "chain " + std::string(SwitchboardRules::kChain) + " of " + table_what;
    auto chain = make<ChainPtr>(nftnl_chain_alloc);
    nftnl_chain_set_str(chain.get(), NFTNL_CHAIN_TABLE, SwitchboardRules::kTable);
    nftnl_chain_set_str(chain.get(), NFTNL_CHAIN_NAME, SwitchboardRules::kChain);
    nlh = nftnl_nlmsg_build_hdr(buf, NFT_MSG_GETCHAIN, family, 0, sock.next_seq());
    nftnl_chain_nlmsg_build_payload(nlh, chain.get());
    error = sock.query(nlh, chain_what, [&](const nlmsghdr*) { state.chain = true; });
    if (error && error != ENOENT) throw nft_error(error, "cannot read " + chain_what);
    return state;
}

std::string chain_what(std::uint8_t family) {
    return "chain " + std::string(SwitchboardRules::kChain) + " of " + family_table(family);
}

void add_flush(Batch& batch, std::uint8_t family) {
    auto rule = make<RulePtr>(nftnl_rule_alloc);
    nftnl_rule_set_str(rule.get(), NFTNL_RULE_TABLE, SwitchboardRules::kTable);
    nftnl_rule_set_str(rule.get(), NFTNL_RULE_CHAIN, SwitchboardRules::kChain);
    // A DELRULE without a handle deletes every rule of the chain.
    batch.add(NFT_MSG_DELRULE, family, 0, "flush " + chain_what(family),
              [&](nlmsghdr* nlh) { nftnl_rule_nlmsg_build_payload(nlh, rule.get()); });
}

// Deletes the chain, and the table if the chain was all it held.
void add_removal(Batch& batch, std::uint8_t family, const FamilyState& state) {
    if (!state.chain) return;
    add_flush(batch, family);
    auto chain = make<ChainPtr>(nftnl_chain_alloc);
    nftnl_chain_set_str(chain.get(), NFTNL_CHAIN_TABLE, SwitchboardRules::kTable);
    nftnl_chain_set_str(chain.get(), NFTNL_CHAIN_NAME, SwitchboardRules::kChain);
    batch.add(NFT_MSG_DELCHAIN, family, 0, "delete " + chain_what(family),
              [&](nlmsghdr* nlh) { nftnl_chain_nlmsg_build_payload(nlh, chain.get()); });
    if (state.table_use != 1) return;
    auto table = make<TablePtr>(nftnl_table_alloc);
    nftnl_table_set_str(table.get(), NFTNL_TABLE_NAME, SwitchboardRules::kTable);
    batch.add(NFT_MSG_DELTABLE, family, 0, std::string("delete ") + family_table(family),
              [&](nlmsghdr* nlh) { nftnl_table_nlmsg_build_payload(nlh, table.get()); });
}

// `meta l4proto udp` and the compat target RTPPROXY, as iptables-nft makes `-p udp -j
// RTPPROXY ...` (without its counter: the switchboard counts).
void add_rule(Batch& batch, std::uint8_t family, const RuleInfo& info) {
    auto rule = make<RulePtr>(nftnl_rule_alloc);
    nftnl_rule_set_str(rule.get(), NFTNL_RULE_TABLE, SwitchboardRules::kTable);
    nftnl_rule_set_str(rule.get(), NFTNL_RULE_CHAIN, SwitchboardRules::kChain);
    nftnl_rule_set_u32(rule.get(), NFTNL_RULE_FAMILY, family);
    // The xtables entry's protocol, which nft_compat passes to checkentry as iptables would.
    nftnl_rule_set_u32(rule.get(), NFTNL_RULE_COMPAT_PROTO, IPPROTO_UDP);
    nftnl_rule_set_u32(rule.get(), NFTNL_RULE_COMPAT_FLAGS, 0);

    nftnl_expr* meta = new_expr(rule.get(), "meta");
    nftnl_expr_set_u32(meta, NFTNL_EXPR_META_KEY, NFT_META_L4PROTO);
    nftnl_expr_set_u32(meta, NFTNL_EXPR_META_DREG, NFT_REG_1);
    nftnl_expr* cmp = new_expr(rule.get(), "cmp");
    nftnl_expr_set_u32(cmp, NFTNL_EXPR_CMP_SREG, NFT_REG_1);
    nftnl_expr_set_u32(cmp, NFTNL_EXPR_CMP_OP, NFT_CMP_EQ);
    nftnl_expr_set_u8(cmp, NFTNL_EXPR_CMP_DATA, IPPROTO_UDP);

    nftnl_expr* target = new_expr(rule.get(), "target");
    nftnl_expr_set_str(target, NFTNL_EXPR_TG_NAME, XT_RTPPROXY_NAME);
    nftnl_expr_set_u32(target, NFTNL_EXPR_TG_REV, XT_RTPPROXY_REVISION);
    // The whole struct, the kernel's pointer included (zero): nft_compat wants the target's
    // aligned size. libnftnl takes the buffer and frees it with free().
    constexpr std::size_t size = XT_ALIGN(sizeof(xt_rtpproxy_tginfo));
    void* data = std::calloc(1, size);
    if (!data) throw std::bad_alloc();
    std::memcpy(data, &info.info, sizeof(info.info));
    nftnl_expr_set(target, NFTNL_EXPR_TG_INFO, data, size);

    batch.add(NFT_MSG_NEWRULE, family, NLM_F_CREATE | NLM_F_APPEND,
              "rule for switchboard " + info.name + " in " + family_table(family),
              [&](nlmsghdr* nlh) { nftnl_rule_nlmsg_build_payload(nlh, rule.get()); });
}

// Makes the family's chain hold these rules, creating what is missing.
void add_install(Batch& batch, std::uint8_t family, const FamilyState& state,
                 const std::vector<const RuleInfo*>& rules) {
    if (!state.table) {
        auto table = make<TablePtr>(nftnl_table_alloc);
        nftnl_table_set_str(table.get(), NFTNL_TABLE_NAME, SwitchboardRules::kTable);
        batch.add(NFT_MSG_NEWTABLE, family, NLM_F_CREATE,
                  std::string("create ") + family_table(family),
                  [&](nlmsghdr* nlh) { nftnl_table_nlmsg_build_payload(nlh, table.get()); });
    }
    if (state.chain) {
        add_flush(batch, family);
    } else {
        auto chain = make<ChainPtr>(nftnl_chain_alloc);
        nftnl_chain_set_str(chain.get(), NFTNL_CHAIN_TABLE, SwitchboardRules::kTable);
        nftnl_chain_set_str(chain.get(), NFTNL_CHAIN_NAME, SwitchboardRules::kChain);
        nftnl_chain_set_str(chain.get(), NFTNL_CHAIN_TYPE, "filter");
        nftnl_chain_set_u32(chain.get(), NFTNL_CHAIN_HOOKNUM, NF_INET_PRE_ROUTING);
        nftnl_chain_set_s32(chain.get(), NFTNL_CHAIN_PRIO, SwitchboardRules::kPriority);
        batch.add(NFT_MSG_NEWCHAIN, family, NLM_F_CREATE, "create " + chain_what(family),
                  [&](nlmsghdr* nlh) { nftnl_chain_nlmsg_build_payload(nlh, chain.get()); });
    }
    for (const RuleInfo* rule : rules) add_rule(batch, family, *rule);
}

// Reads what exists, lets plan() fill a batch from it and commits that, again if the ruleset
// changed in between.
void run_transaction(const std::function<void(Batch&, const FamilyState*)>& plan) {
    NftSocket sock;
    for (int attempt = 1;; ++attempt) {
        const std::uint32_t genid = read_genid(sock);
        const FamilyState states[] = {read_state(sock, kFamilies[0]),
                                      read_state(sock, kFamilies[1])};
        const std::uint32_t first_seq = sock.next_seq();
        Batch batch(first_seq, genid);
        plan(batch, states);
        batch.end();
        sock.skip_seqs(static_cast<std::uint32_t>(batch.messages()) + 1);
        if (batch.messages() == 0) return;
        const int result = sock.transact(batch);
        if (result == 0) return;
        if (attempt == kAttempts)
            throw nft_error(result,
                            "the ruleset kept changing while the switchboards' rules "
                            "were being replaced");
    }
}

}  // namespace

std::string SwitchboardSpec::to_string() const {
    const xtrtpproxy::Address& b = addr_b.family() == AF_UNSPEC ? addr_a : addr_b;
    return xtrtpproxy::Endpoint{addr_a, port_a}.to_string() + " <-> " +
           xtrtpproxy::Endpoint{b, port_b}.to_string();
}

void SwitchboardRules::install(std::span<const SwitchboardSpec> switchboards) {
    std::vector<RuleInfo> rules;
    rules.reserve(switchboards.size());
    for (const SwitchboardSpec& spec : switchboards) rules.push_back(make_rule(spec));

    run_transaction([&](Batch& batch, const FamilyState* states) {
        for (std::size_t f = 0; f < std::size(kFamilies); ++f) {
            std::vector<const RuleInfo*> mine;
            for (const RuleInfo& rule : rules)
                if (rule.in_family[f]) mine.push_back(&rule);
            if (mine.empty())
                add_removal(batch, kFamilies[f], states[f]);
            else
                add_install(batch, kFamilies[f], states[f], mine);
        }
    });
}

void SwitchboardRules::remove() {
    run_transaction([](Batch& batch, const FamilyState* states) {
        for (std::size_t f = 0; f < std::size(kFamilies); ++f)
            add_removal(batch, kFamilies[f], states[f]);
    });
}

bool SwitchboardRules::installed() {
    NftSocket sock;
    for (const std::uint8_t family : kFamilies)
        if (read_state(sock, family).chain) return true;
    return false;
}

}  // namespace rtpproxyd

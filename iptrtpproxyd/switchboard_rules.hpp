// SPDX-License-Identifier: GPL-2.0
// The daemon's own switchboards: RTPPROXY rules in an nftables chain of its own, made through
// libnftnl in one transaction, so that a restarted daemon takes over the previous one's.
#pragma once

// Before the kernel's headers: glibc's then tells them to leave out what it defines itself.
#include <netinet/in.h>

#include <linux/netfilter/xt_RTPPROXY.h>

#include <cstdint>
#include <span>
#include <string>

#include "xtrtpproxy/types.hpp"

namespace rtpproxyd {

// One switchboard, as an iptables rule `-j RTPPROXY` would define it.
struct SwitchboardSpec {
    // Gate A's and gate B's local addresses; of different families, a bridge between IPv4 and
    // IPv6. addr_b unset (AF_UNSPEC): addr_a, as the iptables extension defaults it.
    xtrtpproxy::Address addr_a, addr_b;
    // The lowest port of each gate, even. port_b 0: as the iptables extension defaults it, right
    // after gate A's range when both gates share the address, else port_a.
    std::uint16_t port_a = 0, port_b = 0;
    std::uint32_t max_sess = 0;                                         // 1..XT_RTPPROXY_MAX_SESS
    std::uint32_t expires_timeout = XT_RTPPROXY_DEF_EXPIRES;            // seconds
    std::uint32_t resurrection_timeout = XT_RTPPROXY_DEF_RESURRECTION;  // seconds
    // What its new sessions start with (--dscp, --max-ttl, --dup-small).
    xtrtpproxy::RelayDefaults relay;

    // "A_ADDR:PORT <-> B_ADDR:PORT" (IPv6 in brackets), for messages.
    std::string to_string() const;
};

// The rules live in `table ip mangle` and `table ip6 mangle`, the tables iptables-nft uses: the
// target allows only the mangle table (.table = "mangle" in its xt_target) and nft_compat gives
// it the nft table's name. In each, a base chain of the daemon's own, kChain (type filter hook
// prerouting priority mangle), holds one rule per switchboard of the family, `meta l4proto udp`
// and the target with the whole struct xt_rtpproxy_tginfo, as iptables-nft sends it. A bridge
// has its rule in both chains: the same rule in both families names one switchboard, and each
// sees the packets of its own family's gate. iptables-nft lists neither the chain nor its rules
// (it says that the table "contains incompatible base-chains"); nft does. But iptables-nft
// -t mangle -F flushes every chain of the table, this one too, and iptables-nft-restore without
// --noflush makes the table anew: either ends the switchboards, their sessions with them, until
// install() runs again.
//
// Every call needs CAP_NET_ADMIN in the network namespace, and opens a netlink socket of its own.
class SwitchboardRules {
  public:
    static constexpr const char* kTable = "mangle";
    static constexpr const char* kChain = "iptrtpproxyd";
    static constexpr std::int32_t kPriority = -150;  // NF_IP_PRI_MANGLE

    // Makes the daemon's chains hold exactly these switchboards, in one nftables transaction:
    // each table and chain a family needs is created if absent, the chain's rules are replaced;
    // the chain of a family without switchboards goes as in remove(). Nothing else is touched
    // (iptables-nft's chains in the same tables keep their rules). Within the transaction the
    // kernel checks every new rule before it destroys the old ones, so a switchboard whose gates
    // are in the old rules and the new ones lives on with its sessions: this is how a daemon
    // restarted after a crash adopts what the previous one left. Its max_sess cannot change so:
    // the kernel refuses another max_sess for gates in use. The timeouts and relay defaults of
    // the new rule apply. The transaction is all or nothing.
    //
    // Throws std::invalid_argument, naming the switchboard, for a spec the target would refuse
    // (odd or zero ports, ranges beyond 65535, max_sess or timeouts out of range, addresses that
    // cannot be a gate), before anything is sent. Throws std::system_error, with what failed and
    // the kernel's errno (and hints: the module not loaded, no CAP_NET_ADMIN, the kernel log for
    // why the target refused a rule), if the kernel refuses the transaction.
    static void install(std::span<const SwitchboardSpec> switchboards);

    // Deletes kChain with its rules in both families, where it exists, in one transaction. A
    // table is deleted too if the chain was all it held (iptables-nft creates it again when it
    // needs it); one that holds anything else stays. Throws std::system_error.
    static void remove();

    // Whether kChain exists in either family. Throws std::system_error.
    static bool installed();
};

}  // namespace rtpproxyd

// SPDX-License-Identifier: GPL-2.0
/*
 * The packet path. A UDP packet to a gate port of a live session, from the
 * client that gate port expects, is rewritten to come from the opposite
 * gate's port of the session and to go to the opposite client, then sent
 * by the kernel itself: it is stolen from the hook and leaves through
 * ip_local_out(), so it needs no forwarding, no reverse path check and no
 * conntrack state of the original flow. The session is found by index under
 * RCU and its client addresses are read under a seqlock; only a packet that
 * teaches a stream its client takes the session's seqlock for writing.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/ip.h>
#include <linux/ipv6.h>
#include <linux/netfilter/x_tables.h>
#include <linux/udp.h>
#include <net/dsfield.h>
#include <net/inet_dscp.h>
#include <net/inet_ecn.h>
#include <net/ip.h>
#include <net/ip6_checksum.h>
#include <net/ip6_route.h>
#include <net/ipv6.h>
#include <net/route.h>
#include "compat.h"
#include "events.h"
#include "relay.h"
#include "session.h"

/* What the packet path needs of a packet's headers. */
struct rtpp_pkt {
	unsigned int thoff;		/* UDP header, from skb->data */
	unsigned int ulen;		/* UDP length field */
	union nf_inet_addr saddr, daddr;
	__be16 sport, dport;
	__sum16 check;
	u8 tos;				/* IPv4 TOS or IPv6 traffic class */
	u8 ttl;				/* IPv4 TTL or IPv6 hop limit */
	bool df;
	bool fragment;			/* a first fragment */
	bool routed;			/* a source route not at its end */
	bool unreadable;		/* IPv4: a header that lies */
};

/* The part of the UDP checksum that a relay changes. */
struct rtpp_csum_tuple {
	union nf_inet_addr saddr, daddr;
	__be16 sport, dport;
};

/* How a relayed packet leaves: its session's relay options applied. */
struct rtpp_out {
	u8 tos;				/* TOS or traffic class */
	u8 ttl;				/* at most: the route's may be lower */
	u32 mark, mark_mask;
};

/*
 * The session's options, each read once: the DSCP replaced (the ECN field
 * stays the sender's), the TTL one less than it arrived with and capped.
 */
static void rtpp_out_init(struct rtpp_out *out, const struct rtpp_pkt *pkt,
			  const struct rtpp_relay_opts *o)
{
	u8 dscp = READ_ONCE(o->dscp), max_ttl = READ_ONCE(o->max_ttl);

	out->tos = dscp == RTPPROXY_DSCP_SENDER ? pkt->tos :
		   dscp << 2 | (pkt->tos & INET_ECN_MASK);
	out->ttl = pkt->ttl - 1;
	if (max_ttl && out->ttl > max_ttl)
		out->ttl = max_ttl;
	out->mark = READ_ONCE(o->mark);
	out->mark_mask = READ_ONCE(o->mark_mask);
}

/*
 * A relayed packet re-enters the hooks in LOCAL_OUT. If an operator chains
 * switchboards into a loop, that would recurse until the stack overflows.
 */
#define RTPP_XMIT_MAX_DEPTH	4
static DEFINE_PER_CPU(unsigned int, rtpp_xmit_depth);

/*
 * A source route not at its end: the gate is not the destination the
 * sender's checksum was computed for (RFC 8200 8.1, RFC 768's pseudo
 * header), nor the datagram's end. IPv6: a routing header with segments
 * left; IPv4: an LSRR or SSRR option whose pointer is within it.
 */
static bool rtpp_segments_left6(const struct sk_buff *skb)
{
	int flags = IP6_FH_F_SKIP_RH;
	unsigned int off = 0;

	return ipv6_find_hdr(skb, &off, NEXTHDR_ROUTING, NULL, &flags) ==
	       NEXTHDR_ROUTING;
}

static bool rtpp_source_routed4(const struct sk_buff *skb,
				unsigned int optlen)
{
	u8 _opts[MAX_IPOPTLEN];
	const u8 *opt;
	unsigned int i = 0, len;

	opt = skb_header_pointer(skb, skb_network_offset(skb) +
				 sizeof(struct iphdr), optlen, _opts);
	if (!opt)
		return false;
	while (i < optlen && opt[i] != IPOPT_END) {
		if (opt[i] == IPOPT_NOOP) {
			i++;
			continue;
		}
		if (i + 2 >= optlen)
			break;
		len = opt[i + 1];
		if (len < 3 || i + len > optlen)
			break;
		if ((opt[i] == IPOPT_LSRR || opt[i] == IPOPT_SSRR) &&
		    opt[i + 2] <= len)
			return true;
		i += len;
	}
	return false;
}

static bool rtpp_parse(u8 family, const struct sk_buff *skb,
		       struct rtpp_pkt *pkt)
{
	const struct udphdr *uh;
	struct udphdr _uh;

	memset(pkt, 0, sizeof(*pkt));
	if (family == NFPROTO_IPV4) {
		const struct iphdr *iph = ip_hdr(skb);

		/* A later fragment's ports are not there: maybe not ours. */
		if (iph->protocol != IPPROTO_UDP ||
		    iph->frag_off & htons(IP_OFFSET))
			return false;
		pkt->fragment = iph->frag_off & htons(IP_MF);
		pkt->df = iph->frag_off & htons(IP_DF);
		pkt->saddr.ip = iph->saddr;
		pkt->daddr.ip = iph->daddr;
		pkt->tos = iph->tos;
		pkt->ttl = iph->ttl;
		/*
		 * ip_rcv() and the raw socket refuse such headers today, but
		 * a rule before this one (nft payload statements) may write
		 * any header length: a UDP header at the wrong offset would
		 * be read, and rewritten, inside the IP header or the payload.
		 */
		if (iph->ihl < 5 ||
		    ntohs(iph->tot_len) < iph->ihl * 4 + sizeof(struct udphdr) ||
		    skb_network_offset(skb) + ntohs(iph->tot_len) > skb->len) {
			pkt->unreadable = true;
			return true;
		}
		pkt->thoff = skb_network_offset(skb) + iph->ihl * 4;
		pkt->routed = iph->ihl > 5 &&
			      rtpp_source_routed4(skb, iph->ihl * 4 - sizeof(*iph));
	} else {
		const struct ipv6hdr *ip6h = ipv6_hdr(skb);
		unsigned short fragoff = 0;
		int flags = 0, proto;

		proto = ipv6_find_hdr(skb, &pkt->thoff, IPPROTO_UDP, &fragoff,
				      &flags);
		pkt->saddr.in6 = ip6h->saddr;
		pkt->daddr.in6 = ip6h->daddr;
		if (proto != IPPROTO_UDP || fragoff)
			return false;
		pkt->fragment = flags & IP6_FH_F_FRAG;
		pkt->routed = ip6h->nexthdr != IPPROTO_UDP &&
			      rtpp_segments_left6(skb);
		pkt->tos = ipv6_get_dsfield(ip6h);
		pkt->ttl = ip6h->hop_limit;
	}
	uh = skb_header_pointer(skb, pkt->thoff, sizeof(_uh), &_uh);
	if (!uh)
		return false;
	pkt->sport = uh->source;
	pkt->dport = uh->dest;
	pkt->ulen = ntohs(uh->len);
	pkt->check = uh->check;
	return true;
}

static bool rtpp_gate_addr(const struct rtpp_switchboard *sb,
			   const union nf_inet_addr *addr)
{
	return rtpp_addr_eq(sb->family, addr, &sb->gate[RTPP_SIDE_A].addr) ||
	       rtpp_addr_eq(sb->family, addr, &sb->gate[RTPP_SIDE_B].addr);
}

/* Which gate and which port of it the packet is addressed to. */
static bool rtpp_gate_of(const struct rtpp_switchboard *sb,
			 const struct rtpp_pkt *pkt, int *side, u32 *offset)
{
	u16 dport = ntohs(pkt->dport);
	int i;

	for (i = RTPP_SIDE_A; i <= RTPP_SIDE_B; i++) {
		if (rtpp_gate_port(sb, i, &pkt->daddr, dport, offset)) {
			*side = i;
			return true;
		}
	}
	return false;
}

static bool rtpp_malformed(u8 family, const struct sk_buff *skb,
			   const struct rtpp_pkt *pkt)
{
	bool partial = skb->ip_summed == CHECKSUM_PARTIAL, ours = false;

	if (pkt->fragment || pkt->routed)
		return true;	/* defragmentation is on: it could not be */
	if (pkt->ulen < sizeof(struct udphdr) ||
	    pkt->ulen > skb->len - pkt->thoff)
		return true;
	if (partial) {
		/*
		 * Pending for this UDP header, or for one inside its payload
		 * (a tunnel's): anywhere else the sender (a tap's virtio
		 * header, say) made it up.
		 */
		int start = skb_checksum_start_offset(skb);

		ours = start == pkt->thoff;
		if (!ours &&
		    (start < (int)(pkt->thoff + sizeof(struct udphdr)) ||
		     start + skb->csum_offset + sizeof(__sum16) >
		     pkt->thoff + pkt->ulen))
			return true;
	}
	/* IPv6 has no "no checksum" (RFC 8200 8.1) */
	return family == NFPROTO_IPV6 && !pkt->check && !ours;
}

static unsigned int rtpp_drop(struct rtpp_switchboard *sb,
			      struct rtpp_stream *st, enum rtpp_counter why)
{
	if (st)
		atomic64_inc(&st->drops);
	rtpp_sb_count(sb, why, 1);
	return NF_DROP;
}

/*
 * The sum of the words of a tuple, as they stand in the pseudo header and
 * the UDP header. Summed inline, word by word: csum_partial() is an out of
 * line call that would also read an IPv4 tuple's unused address words.
 */
static __wsum rtpp_tuple_sum(u8 family, const union nf_inet_addr *saddr,
			     const union nf_inet_addr *daddr,
			     __be16 sport, __be16 dport)
{
	int i, words = family == NFPROTO_IPV4 ? 1 : 4;
	__wsum sum = 0;

	for (i = 0; i < words; i++) {
		sum = csum_add(sum, (__force __wsum)saddr->ip6[i]);
		sum = csum_add(sum, (__force __wsum)daddr->ip6[i]);
	}
	/* A 16-bit word folds to the same sum in either half of a 32-bit one. */
	return csum_add(sum, (__force __wsum)((__force u32)sport +
					      (__force u32)dport));
}

static void rtpp_fix_csum(u8 family, struct sk_buff *skb, struct udphdr *uh,
			  const struct rtpp_pkt *pkt,
			  const struct rtpp_csum_tuple *to)
{
	__wsum sum;

	if (skb->ip_summed == CHECKSUM_PARTIAL) {
		/* The device or the stack completes it from the pseudo header. */
		if (family == NFPROTO_IPV4)
			uh->check = ~csum_tcpudp_magic(to->saddr.ip, to->daddr.ip,
						       pkt->ulen, IPPROTO_UDP, 0);
		else
			uh->check = ~csum_ipv6_magic(&to->saddr.in6,
						     &to->daddr.in6, pkt->ulen,
						     IPPROTO_UDP, 0);
		return;
	}
	skb->ip_summed = CHECKSUM_NONE;
	if (!uh->check)
		return;		/* IPv4 sender chose no checksum */
	/*
	 * Incremental update (RFC 1624): a corrupt packet stays corrupt for
	 * the receiver to notice, and the payload is not read again.
	 */
	sum = ~csum_unfold(uh->check);
	sum = csum_sub(sum, rtpp_tuple_sum(family, &pkt->saddr, &pkt->daddr,
					   pkt->sport, pkt->dport));
	sum = csum_add(sum, rtpp_tuple_sum(family, &to->saddr, &to->daddr,
					   to->sport, to->dport));
	uh->check = csum_fold(sum) ?: CSUM_MANGLED_0;
}

/*
 * Make the packet a fresh UDP datagram from @to->saddr to @to->daddr, with
 * room for a network header of @nhlen in front of the UDP header. Options
 * and extension headers of the original are left behind.
 */
static int rtpp_rewrite(u8 family, struct sk_buff *skb,
			const struct rtpp_pkt *pkt,
			const struct rtpp_csum_tuple *to, unsigned int nhlen)
{
	struct udphdr *uh;

	/* The new header goes where the old one was: rtpp_parse() checked. */
	if (pkt->thoff < nhlen)
		return -EINVAL;
	if (skb_ensure_writable(skb, pkt->thoff + sizeof(*uh)) ||
	    pskb_trim_rcsum(skb, pkt->thoff + pkt->ulen))
		return -ENOMEM;
	/*
	 * An offload pending for another header than ours (a tunnel's inner
	 * one, its outer checksum complete): finished here, or it would be
	 * left undone once ours is the one pending. What is relayed is a
	 * plain datagram: its payload's headers are not the stack's business.
	 */
	if (skb->ip_summed == CHECKSUM_PARTIAL &&
	    skb_checksum_start_offset(skb) != pkt->thoff &&
	    skb_checksum_help(skb))
		return -EINVAL;
	skb->encapsulation = 0;
	uh = (struct udphdr *)(skb->data + pkt->thoff);
	rtpp_fix_csum(family, skb, uh, pkt, to);
	uh->source = to->sport;
	uh->dest = to->dport;

	skb_scrub_packet(skb, false);
	/* A receive timestamp must not read as a departure time to fq. */
	skb_clear_tstamp(skb);
	skb_orphan(skb);
	__skb_pull(skb, pkt->thoff);
	skb_reset_transport_header(skb);
	__skb_push(skb, nhlen);
	skb_reset_network_header(skb);
	if (skb->ip_summed == CHECKSUM_PARTIAL) {
		skb->csum_start = skb_transport_header(skb) - skb->head;
		skb->csum_offset = offsetof(struct udphdr, check);
	}
	return 0;
}

static int rtpp_local_out(struct net *net, struct sk_buff *skb, bool ipv4)
{
	/*
	 * The depth counter needs the CPU to stay ours: it does in PREROUTING
	 * (softirq); OUTPUT can run in process context, where bottom halves
	 * are disabled for it. Not always: enabling them again is a call.
	 */
	bool bh_on = !in_softirq();
	int err;

	if (bh_on)
		local_bh_disable();
	if (unlikely(__this_cpu_read(rtpp_xmit_depth) >= RTPP_XMIT_MAX_DEPTH)) {
		kfree_skb(skb);
		err = -ELOOP;
	} else {
		__this_cpu_inc(rtpp_xmit_depth);
		err = ipv4 ? ip_local_out(net, NULL, skb) :
			     ip6_local_out(net, NULL, skb);
		__this_cpu_dec(rtpp_xmit_depth);
		err = net_xmit_eval(err);
	}
	if (bh_on)
		local_bh_enable();
	return err;
}

/* Looks up (or finds cached) the route and rewrites the packet for it. */
static struct dst_entry *rtpp_prepare(struct net *net, u8 family,
				      struct sk_buff *skb,
				      const struct rtpp_pkt *pkt,
				      const struct rtpp_csum_tuple *to,
				      struct rtpp_route __rcu **cache,
				      const struct rtpp_out *out,
				      unsigned int nhlen)
{
	struct rtpp_route_key key = {
		.saddr = to->saddr,
		.daddr = to->daddr,
		.sport = to->sport,
		.dport = to->dport,
		.tos = family == NFPROTO_IPV4 ? out->tos & INET_DSCP_MASK : 0,
	};
	struct dst_entry *dst;
	bool noref;

	/* Before the lookup: policy routing may choose by it. */
	skb->mark = (skb->mark & ~out->mark_mask) ^ out->mark;
	key.mark = skb->mark;
	dst = rtpp_route_output(net, family, cache, &key, &noref);
	if (IS_ERR(dst)) {
		kfree_skb(skb);
		return dst;
	}
	if (rtpp_rewrite(family, skb, pkt, to, nhlen)) {
		if (!noref)
			dst_release(dst);
		kfree_skb(skb);
		return ERR_PTR(-ENOMEM);
	}
	if (noref)
		skb_dst_set_noref(skb, dst);
	else
		skb_dst_set(skb, dst);
	/*
	 * A locally sent packet's device is the route's: ip_output() hands
	 * the old one to POSTROUTING as the input device (nf_dup does this).
	 */
	skb->dev = dst->dev;
	return dst;
}

static int rtpp_xmit4(struct net *net, struct sk_buff *skb,
		      const struct rtpp_pkt *pkt,
		      const struct rtpp_csum_tuple *to,
		      struct rtpp_route __rcu **cache,
		      const struct rtpp_out *out)
{
	struct dst_entry *dst;
	struct iphdr *iph;

	dst = rtpp_prepare(net, NFPROTO_IPV4, skb, pkt, to, cache, out,
			   sizeof(*iph));
	if (IS_ERR(dst))
		return PTR_ERR(dst);
	iph = ip_hdr(skb);
	iph->version = 4;
	iph->ihl = sizeof(*iph) / 4;
	iph->tos = out->tos;
	iph->tot_len = htons(skb->len);
	/*
	 * The relay is the source of this datagram: like a local UDP socket
	 * it fragments what no longer fits the path (after a fragmentation
	 * needed, real or forged), rather than answering itself with one and
	 * dropping the datagram: that black hole would stay for the 10
	 * minutes of the path MTU exception.
	 */
	iph->frag_off = pkt->df && skb->len <= dst_mtu(dst) ? htons(IP_DF) : 0;
	iph->ttl = min_t(int, ip4_dst_hoplimit(dst), out->ttl);
	iph->protocol = IPPROTO_UDP;
	iph->saddr = to->saddr.ip;
	iph->daddr = to->daddr.ip;
	ip_select_ident(net, skb, NULL);
	memset(IPCB(skb), 0, sizeof(*IPCB(skb)));
	skb->protocol = htons(ETH_P_IP);
	return rtpp_local_out(net, skb, true);
}

static int rtpp_xmit6(struct net *net, struct sk_buff *skb,
		      const struct rtpp_pkt *pkt,
		      const struct rtpp_csum_tuple *to,
		      struct rtpp_route __rcu **cache,
		      const struct rtpp_out *out)
{
	struct dst_entry *dst;
	struct ipv6hdr *ip6h;

	dst = rtpp_prepare(net, NFPROTO_IPV6, skb, pkt, to, cache, out,
			   sizeof(*ip6h));
	if (IS_ERR(dst))
		return PTR_ERR(dst);
	ip6h = ipv6_hdr(skb);
	ip6_flow_hdr(ip6h, out->tos, 0);
	ip6h->payload_len = htons(skb->len - sizeof(*ip6h));
	ip6h->nexthdr = IPPROTO_UDP;
	ip6h->hop_limit = min_t(int, ip6_dst_hoplimit(dst), out->ttl);
	ip6h->saddr = to->saddr.in6;
	ip6h->daddr = to->daddr.in6;
	memset(IP6CB(skb), 0, sizeof(*IP6CB(skb)));
	/*
	 * The relay is the source of this datagram: like a local UDP socket it
	 * may fragment it, else a datagram that arrived in fragments (or over
	 * a larger MTU) is refused by ip6_fragment().
	 */
	skb->ignore_df = 1;
	skb->protocol = htons(ETH_P_IPV6);
	return rtpp_local_out(net, skb, false);
}

static int rtpp_xmit(struct net *net, u8 family, struct sk_buff *skb,
		     const struct rtpp_pkt *pkt,
		     const struct rtpp_csum_tuple *to,
		     struct rtpp_route __rcu **cache, const struct rtpp_out *how)
{
	if (family == NFPROTO_IPV4)
		return rtpp_xmit4(net, skb, pkt, to, cache, how);
	return rtpp_xmit6(net, skb, pkt, to, cache, how);
}

static bool rtpp_is_sender(const struct rtpp_endpoint *ep,
			   const struct rtpp_pkt *pkt, u8 family)
{
	return ep->port == pkt->sport &&
	       rtpp_addr_eq(family, &ep->addr, &pkt->saddr);
}

/*
 * A local source may be learned from a local packet (a media server on the
 * proxy host), but never a gate port of any switchboard: the relay would
 * send to another session of its own, which a second session can point
 * back, and a plain user's two datagrams would start a loop.
 */
static bool rtpp_local_learnable(const struct rtpp_switchboard *sb,
				 const struct rtpp_pkt *pkt, bool from_wire)
{
	return !from_wire &&
	       !rtpp_any_gate_port(sb->rn, sb->family, &pkt->saddr,
				   ntohs(pkt->sport));
}

/*
 * Whether a packet's source may become a stream's client. The relay takes
 * packets in PREROUTING, before the stack's source checks would drop
 * martians: a spoofed broadcast source would have the relay send media to a
 * whole LAN, a local one to the proxy itself, and a gate port to a relay
 * of its own. Port 0 cannot be sent to.
 */
static bool rtpp_learnable(struct net *net, const struct rtpp_switchboard *sb,
			   const struct rtpp_pkt *pkt, bool from_wire)
{
	int type;

	if (!pkt->sport || !rtpp_addr_unicast(sb->family, &pkt->saddr) ||
	    rtpp_is_gate_port(sb, &pkt->saddr, ntohs(pkt->sport)))
		return false;
	if (sb->family == NFPROTO_IPV4) {
		if (ipv4_is_loopback(pkt->saddr.ip))
			return rtpp_local_learnable(sb, pkt, from_wire);
		switch (inet_addr_type(net, pkt->saddr.ip)) {
		case RTN_UNICAST:
			return true;
		case RTN_LOCAL:
			return rtpp_local_learnable(sb, pkt, from_wire);
		default:	/* broadcast, multicast, blackhole, ... */
			return false;
		}
	}
	type = ipv6_addr_type(&pkt->saddr.in6);
	if (type & IPV6_ADDR_LOOPBACK)
		return rtpp_local_learnable(sb, pkt, from_wire);
	/* Not routable without an interface, or IPv4 in disguise. */
	if (type & (IPV6_ADDR_LINKLOCAL | IPV6_ADDR_MAPPED))
		return false;
	if (ipv6_chk_addr(net, &pkt->saddr.in6, NULL, 0))
		return rtpp_local_learnable(sb, pkt, from_wire);
	return true;
}

static unsigned int rtpp_relay_packet(struct net *net,
				      struct rtpp_switchboard *sb,
				      struct sk_buff *skb,
				      const struct rtpp_pkt *pkt,
				      int side, u32 offset, bool from_wire)
{
	unsigned int rtcp = offset & 1, in = side * 2 + rtcp;
	unsigned int out = (1 - side) * 2 + rtcp;
	unsigned long now = jiffies;
	struct rtpp_endpoint src, dst;
	struct rtpp_csum_tuple to;
	struct rtpp_session *sess;
	struct rtpp_route __rcu **cache;
	struct sk_buff *dup = NULL;
	struct rtpp_stream *st;
	unsigned int payload;
	struct rtpp_out how;
	u16 dup_below;
	int err;

	sess = rcu_dereference(sb->slots[offset / 2]);
	if (!sess)
		return rtpp_drop(sb, NULL, RTPP_CNT_DROP_NO_SESSION);
	st = &sess->stream[in];
	if (rtpp_malformed(sb->family, skb, pkt))
		return rtpp_drop(sb, st, RTPP_CNT_DROP_MALFORMED);
	if (rtpp_session_expired(sess, sb, now))
		return rtpp_drop(sb, st, RTPP_CNT_DROP_EXPIRED);
	/*
	 * Each relay takes one from the TTL, as a router does: however a
	 * loop is made (clients that are other switchboards' gates, or relays
	 * on two hosts naming each other), it dies out instead of circling
	 * through the loopback's backlog where the depth guard cannot see it.
	 */
	if (pkt->ttl <= 1)
		return rtpp_drop(sb, st, RTPP_CNT_DROP_LOOP);

	rtpp_endpoint_read(sess, in, &src);
	if (rtpp_endpoint_learning(&src, now)) {
		bool sender = rtpp_is_sender(&src, pkt, sb->family);
		bool moved = false;

		if (!sender && !rtpp_learnable(net, sb, pkt, from_wire))
			return rtpp_drop(sb, st, RTPP_CNT_DROP_SOURCE);
		/* The client itself closes a first window: nothing to learn. */
		if ((!sender || !(src.flags & RTPP_STREAM_ALWAYS)) &&
		    !rtpp_session_learn(sess, sb->family, in, &pkt->saddr,
					pkt->sport, now, &src, &moved) &&
		    (!src.port || !rtpp_is_sender(&src, pkt, sb->family)))
			return rtpp_drop(sb, st, RTPP_CNT_DROP_SOURCE);
		if (moved)
			rtpp_event_learned(sb, sess, in);
	} else if (!src.port || !rtpp_is_sender(&src, pkt, sb->family)) {
		return rtpp_drop(sb, st, RTPP_CNT_DROP_SOURCE);
	}
	rtpp_endpoint_read(sess, out, &dst);
	if (!dst.port)
		return rtpp_drop(sb, st, RTPP_CNT_DROP_NO_DEST);

	to.saddr = sb->gate[1 - side].addr;
	to.sport = htons(sb->gate[1 - side].port + offset);
	to.daddr = dst.addr;
	to.dport = dst.port;
	payload = pkt->ulen - sizeof(struct udphdr);
	if (!rtpp_stream_admit(sess, in, skb, pkt->thoff + sizeof(struct udphdr),
			       payload))
		return rtpp_drop(sb, st, RTPP_CNT_DROP_RATE);
	rtpp_out_init(&how, pkt, &sess->opts);
	/* RTP's route is kept with the session; RTCP's is looked up. */
	cache = rtcp ? NULL : &sess->route[1 - side];
	/*
	 * A small datagram goes twice when asked (rtpproxy's -2): a copy of
	 * its headers, sharing the payload, rewritten and routed on its own.
	 */
	dup_below = READ_ONCE(sess->opts.dup_below);
	if (dup_below && payload < dup_below)
		dup = pskb_copy(skb, GFP_ATOMIC);
	err = rtpp_xmit(net, sb->family, skb, pkt, &to, cache, &how);
	if (err) {
		kfree_skb(dup);
		rtpp_drop(sb, st, err == -ELOOP ? RTPP_CNT_DROP_LOOP :
						  RTPP_CNT_DROP_XMIT);
		return NF_STOLEN;	/* freed on the way */
	}
	if (dup && !rtpp_xmit(net, sb->family, dup, pkt, &to, cache, &how)) {
		atomic64_inc(&st->dups);
		rtpp_sb_count(sb, RTPP_CNT_DUPLICATED, 1);
	}

	atomic64_inc(&st->packets);
	atomic64_add(payload, &st->bytes);
	WRITE_ONCE(st->last, now);
	WRITE_ONCE(sess->active, now);
	rtpp_sb_count(sb, RTPP_CNT_PACKETS, 1);
	rtpp_sb_count(sb, RTPP_CNT_BYTES, payload);
	return NF_STOLEN;
}

/* A GRO or GSO super-packet is relayed as the datagrams it stands for. */
static unsigned int rtpp_relay_gso(struct net *net,
				   struct rtpp_switchboard *sb,
				   struct sk_buff *skb, bool from_wire)
{
	struct sk_buff *segs, *seg, *next;

	segs = skb_gso_segment(skb, 0);
	if (IS_ERR_OR_NULL(segs))
		return rtpp_drop(sb, NULL, RTPP_CNT_DROP_MALFORMED);
	consume_skb(skb);
	skb_list_walk_safe(segs, seg, next) {
		skb_mark_not_on_list(seg);
		if (rtpp_relay(net, sb, seg, from_wire) != NF_STOLEN)
			kfree_skb(seg);
	}
	return NF_STOLEN;
}

/**
 * rtpp_relay - the target's verdict on a packet
 * @net: the namespace of the hook
 * @sb: the rule's switchboard
 * @skb: the packet, network header at skb->data
 * @from_wire: it came in from another host (not through the loopback, not
 *	from this host's OUTPUT path)
 *
 * Return: XT_CONTINUE for packets not addressed to a gate port, NF_STOLEN
 * for relayed ones, NF_DROP for dropped ones (counted by reason).
 */
unsigned int rtpp_relay(struct net *net, struct rtpp_switchboard *sb,
			struct sk_buff *skb, bool from_wire)
{
	struct rtpp_pkt pkt;
	u32 offset;
	int side;

	if (!rtpp_parse(sb->family, skb, &pkt))
		return XT_CONTINUE;
	if (unlikely(pkt.unreadable)) {
		/* Ours if it is addressed to a gate: its ports cannot be read. */
		if (rtpp_gate_addr(sb, &pkt.daddr))
			return rtpp_drop(sb, NULL, RTPP_CNT_DROP_MALFORMED);
		return XT_CONTINUE;
	}
	if (!rtpp_gate_of(sb, &pkt, &side, &offset))
		return XT_CONTINUE;
	if (skb_is_gso(skb))
		return rtpp_relay_gso(net, sb, skb, from_wire);
	return rtpp_relay_packet(net, sb, skb, &pkt, side, offset, from_wire);
}

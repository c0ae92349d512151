// SPDX-License-Identifier: GPL-2.0
/*
 * The packet path. A UDP packet to a gate port of a live session, from the
 * client that gate port expects, is rewritten to come from the opposite
 * gate's port of the session and to go to the opposite client, then sent
 * by the kernel itself (xmit.c): it is stolen from the hook and leaves
 * through ip_local_out(), so it needs no forwarding, no reverse path check
 * and no conntrack state of the original flow. The session is found by
 * index under RCU and its client addresses are read under a seqlock; only a
 * packet that teaches a stream its client takes the session's seqlock for
 * writing.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/ip.h>
#include <linux/ipv6.h>
#include <linux/netfilter/x_tables.h>
#include <linux/udp.h>
#include <net/dsfield.h>
#include <net/inet_ecn.h>
#include <net/ip.h>
#include <net/ip6_route.h>
#include <net/ipv6.h>
#include <net/route.h>
#include "compat.h"
#include "events.h"
#include "packet.h"
#include "record.h"
#include "relay.h"
#include "session.h"

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
	out->rec.copy = READ_ONCE(o->nflog_copy);
	if (unlikely(out->rec.copy))
		out->rec.group = READ_ONCE(o->nflog_group);
}

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
	pkt->family = family;
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
		/* Routers do not fragment IPv6: bridged to IPv4, it gets DF. */
		pkt->df = true;
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

static bool rtpp_gate_addr(const struct rtpp_switchboard *sb, u8 family,
			   const union nf_inet_addr *addr)
{
	int i;

	for (i = RTPP_SIDE_A; i <= RTPP_SIDE_B; i++)
		if (sb->gate[i].family == family &&
		    rtpp_addr_eq(family, addr, &sb->gate[i].addr))
			return true;
	return false;
}

/* Which gate and which port of it the packet is addressed to. */
static bool rtpp_gate_of(const struct rtpp_switchboard *sb,
			 const struct rtpp_pkt *pkt, int *side, u32 *offset)
{
	u16 dport = ntohs(pkt->dport);
	int i;

	for (i = RTPP_SIDE_A; i <= RTPP_SIDE_B; i++) {
		if (rtpp_gate_port(sb, i, pkt->family, &pkt->daddr, dport,
				   offset)) {
			*side = i;
			return true;
		}
	}
	return false;
}

static bool rtpp_malformed(const struct sk_buff *skb,
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
	return pkt->family == NFPROTO_IPV6 && !pkt->check && !ours;
}

static unsigned int rtpp_drop(struct rtpp_switchboard *sb,
			      struct rtpp_stream *st, enum rtpp_counter why)
{
	if (st)
		atomic64_inc(&st->drops);
	rtpp_sb_count(sb, why, 1);
	return NF_DROP;
}

static bool rtpp_is_sender(const struct rtpp_endpoint *ep,
			   const struct rtpp_pkt *pkt)
{
	return ep->port == pkt->sport &&
	       rtpp_addr_eq(pkt->family, &ep->addr, &pkt->saddr);
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
	       !rtpp_any_gate_port(sb->rn, pkt->family, &pkt->saddr,
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

	if (!pkt->sport || !rtpp_addr_unicast(pkt->family, &pkt->saddr) ||
	    rtpp_is_gate_port(sb, pkt->family, &pkt->saddr, ntohs(pkt->sport)))
		return false;
	if (pkt->family == NFPROTO_IPV4) {
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

static unsigned int rtpp_relay_packet(const struct nf_hook_state *state,
				      struct rtpp_switchboard *sb,
				      struct sk_buff *skb,
				      const struct rtpp_pkt *pkt,
				      int side, u32 offset, bool from_wire)
{
	struct net *net = state->net;
	unsigned int rtcp = offset & 1, in = side * 2 + rtcp;
	unsigned int out = (1 - side) * 2 + rtcp;
	u8 out_family = sb->gate[1 - side].family;
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
	if (rtpp_malformed(skb, pkt))
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
		bool sender = rtpp_is_sender(&src, pkt);
		bool moved = false;

		if (!sender && !rtpp_learnable(net, sb, pkt, from_wire))
			return rtpp_drop(sb, st, RTPP_CNT_DROP_SOURCE);
		/* The client itself closes a first window: nothing to learn. */
		if ((!sender || !(src.flags & RTPP_STREAM_ALWAYS)) &&
		    !rtpp_session_learn(sess, pkt->family, in, &pkt->saddr,
					pkt->sport, now, &src, &moved) &&
		    (!src.port || !rtpp_is_sender(&src, pkt)))
			return rtpp_drop(sb, st, RTPP_CNT_DROP_SOURCE);
		if (moved)
			rtpp_event_learned(sb, sess, in);
	} else if (!src.port || !rtpp_is_sender(&src, pkt)) {
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
	if (unlikely(how.rec.copy)) {
		how.rec.id = sess->id;
		how.rec.stream = in;
		if (how.rec.copy & RTPPROXY_NFLOG_RECEIVED)
			rtpp_record_copy(net, pkt->family, state->hook, skb,
					 state->in, state->out, &how.rec,
					 false);
	}
	/* RTP's route is kept with the session; RTCP's is looked up. */
	cache = rtcp ? NULL : &sess->route[1 - side];
	/*
	 * A small datagram goes twice when asked (rtpproxy's -2): a copy of
	 * its headers, sharing the payload, rewritten and routed on its own.
	 */
	dup_below = READ_ONCE(sess->opts.dup_below);
	if (dup_below && payload < dup_below)
		dup = pskb_copy(skb, GFP_ATOMIC);
	err = rtpp_xmit(net, out_family, skb, pkt, &to, cache, &how);
	if (err) {
		kfree_skb(dup);
		rtpp_drop(sb, st, err == -ELOOP ? RTPP_CNT_DROP_LOOP :
						  RTPP_CNT_DROP_XMIT);
		return NF_STOLEN;	/* freed on the way */
	}
	if (dup && !rtpp_xmit(net, out_family, dup, pkt, &to, cache, &how)) {
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
static unsigned int rtpp_relay_gso(const struct nf_hook_state *state,
				   struct rtpp_switchboard *sb,
				   struct sk_buff *skb)
{
	struct sk_buff *segs, *seg, *next;

	segs = skb_gso_segment(skb, 0);
	if (IS_ERR_OR_NULL(segs))
		return rtpp_drop(sb, NULL, RTPP_CNT_DROP_MALFORMED);
	consume_skb(skb);
	skb_list_walk_safe(segs, seg, next) {
		skb_mark_not_on_list(seg);
		if (rtpp_relay(state, sb, seg) != NF_STOLEN)
			kfree_skb(seg);
	}
	return NF_STOLEN;
}

/**
 * rtpp_relay - the target's verdict on a packet
 * @state: the hook's: namespace, family (a bridge's rules are in both
 *	tables), hook and devices
 * @sb: the rule's switchboard
 * @skb: the packet, network header at skb->data
 *
 * Return: XT_CONTINUE for packets not addressed to a gate port, NF_STOLEN
 * for relayed ones, NF_DROP for dropped ones (counted by reason).
 */
unsigned int rtpp_relay(const struct nf_hook_state *state,
			struct rtpp_switchboard *sb, struct sk_buff *skb)
{
	/*
	 * From another host: not through the loopback, not from this host's
	 * OUTPUT path (no input device).
	 */
	bool from_wire = state->in && !(state->in->flags & IFF_LOOPBACK);
	u8 family = state->pf;
	struct rtpp_pkt pkt;
	u32 offset;
	int side;

	if (!rtpp_parse(family, skb, &pkt))
		return XT_CONTINUE;
	if (unlikely(pkt.unreadable)) {
		/* Ours if it is addressed to a gate: its ports cannot be read. */
		if (rtpp_gate_addr(sb, family, &pkt.daddr))
			return rtpp_drop(sb, NULL, RTPP_CNT_DROP_MALFORMED);
		return XT_CONTINUE;
	}
	if (!rtpp_gate_of(sb, &pkt, &side, &offset))
		return XT_CONTINUE;
	if (skb_is_gso(skb))
		return rtpp_relay_gso(state, sb, skb);
	return rtpp_relay_packet(state, sb, skb, &pkt, side, offset, from_wire);
}

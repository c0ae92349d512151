// SPDX-License-Identifier: GPL-2.0
/*
 * Sending a relayed datagram: routed (route.c), rewritten to come from the
 * opposite gate's port and to go to the opposite client, in the family of
 * the opposite gate (a bridge translates), with its UDP checksum updated
 * for the new addresses and ports, then handed to ip_local_out() or
 * ip6_local_out() as a local socket's datagram would be.
 */
#include <linux/ip.h>
#include <linux/ipv6.h>
#include <linux/udp.h>
#include <net/inet_dscp.h>
#include <net/inet_ecn.h>
#include <net/ip.h>
#include <net/ip6_checksum.h>
#include <net/ip6_route.h>
#include <net/ipv6.h>
#include <net/route.h>
#include "compat.h"
#include "packet.h"

/* A copy as sent, when recorded: taken here, as ip_local_out() consumes it. */
static void rtpp_record_sent(struct net *net, u8 family, struct sk_buff *skb,
			     const struct rtpp_out *out)
{
	if (unlikely(out->rec.copy & RTPPROXY_NFLOG_SENT))
		rtpp_record_copy(net, family, NF_INET_LOCAL_OUT, skb, NULL,
				 skb->dev, &out->rec, true);
}

/*
 * A relayed packet re-enters the hooks in LOCAL_OUT. If an operator chains
 * switchboards into a loop, that would recurse until the stack overflows.
 */
#define RTPP_XMIT_MAX_DEPTH	4
static DEFINE_PER_CPU(unsigned int, rtpp_xmit_depth);

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

/*
 * An IPv4 datagram without a checksum, bridged to IPv6, which requires one
 * (RFC 8200 8.1): computed over the payload, as a translator does (RFC 7915
 * 4.5). The ports are already the new ones.
 */
static void rtpp_full_csum6(struct sk_buff *skb, struct udphdr *uh,
			    const struct rtpp_pkt *pkt,
			    const struct rtpp_csum_tuple *to)
{
	__wsum sum = skb_checksum(skb, pkt->thoff, pkt->ulen, 0);

	uh->check = csum_ipv6_magic(&to->saddr.in6, &to->daddr.in6, pkt->ulen,
				    IPPROTO_UDP, sum) ?: CSUM_MANGLED_0;
}

/*
 * @family is the one the datagram leaves in, pkt->family the one it came
 * in: a bridge's differ. The pseudo headers of both sum the same length
 * and protocol, so only the addresses and ports change the sum.
 */
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
	if (!uh->check) {
		/* The IPv4 sender chose no checksum: IPv6 has none of that. */
		if (family == NFPROTO_IPV6)
			rtpp_full_csum6(skb, uh, pkt, to);
		return;
	}
	/*
	 * Incremental update (RFC 1624): a corrupt packet stays corrupt for
	 * the receiver to notice, and the payload is not read again.
	 */
	sum = ~csum_unfold(uh->check);
	sum = csum_sub(sum, rtpp_tuple_sum(pkt->family, &pkt->saddr,
					   &pkt->daddr, pkt->sport, pkt->dport));
	sum = csum_add(sum, rtpp_tuple_sum(family, &to->saddr, &to->daddr,
					   to->sport, to->dport));
	uh->check = csum_fold(sum) ?: CSUM_MANGLED_0;
}

/*
 * Make the packet a fresh UDP datagram from @to->saddr to @to->daddr of
 * @family, with room for a network header of @nhlen in front of the UDP
 * header. Options and extension headers of the original are left behind.
 */
static int rtpp_rewrite(u8 family, struct sk_buff *skb,
			const struct rtpp_pkt *pkt,
			const struct rtpp_csum_tuple *to, unsigned int nhlen,
			const struct net_device *dev)
{
	struct udphdr *uh;

	/*
	 * The new header goes where the old one was; only an IPv4 datagram
	 * bridged to IPv6 needs more room, and then the device's too.
	 */
	if (unlikely(pkt->thoff < nhlen) &&
	    skb_cow_head(skb, nhlen - pkt->thoff + LL_RESERVED_SPACE(dev)))
		return -ENOMEM;
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
	uh->source = to->sport;
	uh->dest = to->dport;
	rtpp_fix_csum(family, skb, uh, pkt, to);

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
	if (rtpp_rewrite(family, skb, pkt, to, nhlen, dst->dev)) {
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
	rtpp_record_sent(net, NFPROTO_IPV4, skb, out);
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
	rtpp_record_sent(net, NFPROTO_IPV6, skb, out);
	return rtpp_local_out(net, skb, false);
}

/**
 * rtpp_xmit - send a relayed datagram
 * @net: the namespace
 * @family: the family it leaves in, the opposite gate's
 * @skb: the datagram as it arrived; consumed
 * @pkt: what its headers said
 * @to: the new addresses and ports
 * @cache: the session's route for it, or NULL to look it up
 * @how: its session's relay options
 *
 * Return: 0, -ELOOP past the depth of nested relays, or another error.
 */
int rtpp_xmit(struct net *net, u8 family, struct sk_buff *skb,
	      const struct rtpp_pkt *pkt, const struct rtpp_csum_tuple *to,
	      struct rtpp_route __rcu **cache, const struct rtpp_out *how)
{
	if (family == NFPROTO_IPV4)
		return rtpp_xmit4(net, skb, pkt, to, cache, how);
	return rtpp_xmit6(net, skb, pkt, to, cache, how);
}


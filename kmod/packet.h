/* SPDX-License-Identifier: GPL-2.0 */
/* A relayed datagram between the relay (relay.c) and its sending (xmit.c). */
#ifndef _RTPP_PACKET_H
#define _RTPP_PACKET_H

#include <linux/netfilter.h>
#include <linux/skbuff.h>
#include <linux/netfilter/xt_RTPPROXY.h>
#include "record.h"
#include "route.h"

/* What the packet path needs of a packet's headers. */
struct rtpp_pkt {
	unsigned int thoff;		/* UDP header, from skb->data */
	unsigned int ulen;		/* UDP length field */
	union nf_inet_addr saddr, daddr;
	__be16 sport, dport;
	__sum16 check;
	u8 tos;				/* IPv4 TOS or IPv6 traffic class */
	u8 ttl;				/* IPv4 TTL or IPv6 hop limit */
	u8 family;			/* NFPROTO_IPV4 or NFPROTO_IPV6 */
	bool df;			/* not to be fragmented on its way */
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
	struct rtpp_record rec;		/* rec.copy 0: no copies */
};

int rtpp_xmit(struct net *net, u8 family, struct sk_buff *skb,
	      const struct rtpp_pkt *pkt, const struct rtpp_csum_tuple *to,
	      struct rtpp_route __rcu **cache, const struct rtpp_out *how);

#endif /* _RTPP_PACKET_H */

/* SPDX-License-Identifier: GPL-2.0 */
/* Routes towards clients, cached per session for the RTP streams. */
#ifndef _RTPP_ROUTE_H
#define _RTPP_ROUTE_H

#include <linux/netfilter.h>
#include <net/dst.h>

struct rtpp_route;

/* What a route towards a client depends on. */
struct rtpp_route_key {
	union nf_inet_addr saddr, daddr;
	__be16 sport, dport;
	u32 mark;
	u8 tos;				/* IPv4: the packet's DSCP bits; IPv6: 0 */
};

struct dst_entry *rtpp_route_output(struct net *net, u8 family,
				    struct rtpp_route __rcu **cache,
				    const struct rtpp_route_key *key,
				    bool *noref);
void rtpp_route_release(struct rtpp_route __rcu **cache);

#endif

// SPDX-License-Identifier: GPL-2.0
/*
 * Routes towards clients. A media stream sends tens of packets a second to
 * one address for minutes: its route is looked up once and kept with the
 * session, then checked per packet the way a connected socket checks its
 * own (dst_check: a changed routing table, a removed device, a new path
 * MTU or a changed IPsec policy make it stale), and looked up again when
 * the client, its port, the packet's mark or, for IPv4, its DSCP bits
 * differ from what it was looked up for. IPv4 routing may use the DSCP
 * (6.1 keeps only IPTOS_RT_MASK of it), never the ECN field, which ECN
 * senders change from packet to packet; IPv6 routing uses neither. RTCP, a
 * few packets a second, is looked up every time.
 */
#include <linux/slab.h>
#include <net/ip6_fib.h>
#include <net/ip6_route.h>
#include <net/addrconf.h>
#include <net/route.h>
#include <net/xfrm.h>
#include "route.h"
#include "switchboard.h"

struct rtpp_route {
	struct dst_entry *dst;		/* holds a reference */
	union nf_inet_addr daddr;
	__be16 dport;
	u8 tos;
	u32 mark;
	u32 cookie;			/* IPv6: the route's serial number */
	struct rcu_head rcu;
};

/*
 * The route for a relayed datagram, through IPsec policy as a local
 * socket's: an IPv6 lookup does not go through xfrm by itself (the IPv4 one
 * does, given the protocol). @cookie is what dst_check() of an IPv6 route
 * needs, taken before xfrm may hand back a bundle instead.
 *
 * Not inlined: the slow path, and where t_hardening's kprobe counts the
 * lookups that the cache did not spare.
 */
static noinline struct dst_entry *
rtpp_route_lookup(struct net *net, u8 family, const struct rtpp_route_key *key,
		  u32 *cookie)
{
	struct dst_entry *dst;
	struct flowi6 fl6;
	int err;

	*cookie = 0;
	if (family == NFPROTO_IPV4) {
		struct flowi4 fl4 = {
			.flowi4_mark = key->mark,
			.flowi4_tos = key->tos,
			.flowi4_proto = IPPROTO_UDP,
			.saddr = key->saddr.ip,
			.daddr = key->daddr.ip,
			.fl4_sport = key->sport,
			.fl4_dport = key->dport,
		};
		struct rtable *rt = ip_route_output_key(net, &fl4);

		return IS_ERR(rt) ? ERR_CAST(rt) : &rt->dst;
	}

	/* IPv4 refuses a source that is not local; so must IPv6. */
	if (!ipv6_chk_addr(net, &key->saddr.in6, NULL, 0))
		return ERR_PTR(-EADDRNOTAVAIL);
	fl6 = (struct flowi6){
		.flowi6_mark = key->mark,
		.flowi6_proto = IPPROTO_UDP,
		.saddr = key->saddr.in6,
		.daddr = key->daddr.in6,
		.fl6_sport = key->sport,
		.fl6_dport = key->dport,
	};
	dst = ip6_route_output(net, NULL, &fl6);
	err = dst->error;
	if (err) {
		dst_release(dst);
		return ERR_PTR(err);
	}
	*cookie = rt6_get_cookie(container_of(dst, struct rt6_info, dst));
	return xfrm_lookup(net, dst, flowi6_to_flowi(&fl6), NULL, 0);
}

static bool rtpp_route_fits(const struct rtpp_route *r, u8 family,
			    const struct rtpp_route_key *key)
{
	return r->dport == key->dport && r->mark == key->mark &&
	       r->tos == key->tos &&
	       !memcmp(&r->daddr, &key->daddr, rtpp_addr_len(family));
}

static void rtpp_route_free(struct rtpp_route *r)
{
	/* Readers use r->dst without a reference: it goes after them. */
	dst_release(r->dst);
	kfree_rcu(r, rcu);
}

/**
 * rtpp_route_output - the route for a relayed datagram
 * @net: the namespace
 * @family: NFPROTO_IPV4 or NFPROTO_IPV6
 * @cache: the session's route for this stream, or NULL not to cache
 * @key: what the route depends on
 * @noref: set when the route is the cached one, used without a reference
 *	under the RCU read lock the packet path holds (skb_dst_set_noref);
 *	otherwise the caller owns a reference
 *
 * Return: the route or an ERR_PTR.
 */
struct dst_entry *rtpp_route_output(struct net *net, u8 family,
				    struct rtpp_route __rcu **cache,
				    const struct rtpp_route_key *key,
				    bool *noref)
{
	struct rtpp_route *r, *old;
	struct dst_entry *dst;
	u32 cookie;

	if (cache) {
		r = rcu_dereference(*cache);
		if (r && rtpp_route_fits(r, family, key)) {
			dst = r->dst;
			if (!dst->obsolete || dst_check(dst, r->cookie)) {
				*noref = true;
				return dst;
			}
		}
	}
	*noref = false;
	dst = rtpp_route_lookup(net, family, key, &cookie);
	if (IS_ERR(dst) || !cache)
		return dst;

	r = kmalloc(sizeof(*r), GFP_ATOMIC);
	if (!r)
		return dst;	/* uncached, this once */
	dst_hold(dst);
	r->dst = dst;
	r->daddr = key->daddr;
	r->dport = key->dport;
	r->tos = key->tos;
	r->mark = key->mark;
	r->cookie = cookie;
	/* Two CPUs may fill at once: each frees what it replaced. */
	old = unrcu_pointer(xchg(cache, RCU_INITIALIZER(r)));
	if (old)
		rtpp_route_free(old);
	return dst;
}

/**
 * rtpp_route_release - drop a session's cached route
 * @cache: the route, no longer reachable by the packet path
 */
void rtpp_route_release(struct rtpp_route __rcu **cache)
{
	struct rtpp_route *r = rcu_dereference_protected(*cache, 1);

	if (!r)
		return;
	RCU_INIT_POINTER(*cache, NULL);
	rtpp_route_free(r);
}

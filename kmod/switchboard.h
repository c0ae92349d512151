/* SPDX-License-Identifier: GPL-2.0 */
/* Switchboards: two gates of port ranges, created by the iptables rules. */
#ifndef _RTPP_SWITCHBOARD_H
#define _RTPP_SWITCHBOARD_H

#include <linux/netfilter.h>
#include <linux/in.h>
#include <net/ipv6.h>
#include <linux/workqueue.h>
#include <linux/netfilter/xt_RTPPROXY.h>
#include "netns.h"

struct rtpp_session;

enum rtpp_side { RTPP_SIDE_A, RTPP_SIDE_B };

struct rtpp_gate {
	union nf_inet_addr addr;
	u16 port;			/* lowest port, host order */
	u8 family;			/* NFPROTO_IPV4 or NFPROTO_IPV6 */
};

/* What a netlink request names: any of the gates' addresses and ports. */
struct rtpp_selector {
	bool has_addr[2], has_port[2];
	union nf_inet_addr addr[2];
	unsigned int addr_len[2];
	u16 port[2];
};

/*
 * How a session's packets leave (RTPPROXY_SESS_A_DSCP...). The packet path
 * reads each field once, without the lock: a packet relayed during an
 * update may see some fields new and others old, which is harmless.
 */
struct rtpp_relay_opts {
	u8 dscp;			/* RTPPROXY_DSCP_SENDER: the sender's */
	u8 max_ttl;			/* 0: no cap */
	u16 dup_below;			/* 0: no copies */
	u32 mark, mark_mask;
	u16 nflog_group;		/* recording (record.c) */
	u8 nflog_copy;			/* RTPPROXY_NFLOG_* bits; 0: none */
};

struct rtpp_switchboard {
	struct list_head list;		/* in rtpp_net.switchboards (RCU) */
	struct rtpp_net *rn;		/* pinned */
	u64 serial;			/* resumes dumps */
	struct rtpp_gate gate[2];	/* a bridge's are of both families */
	u32 max_sess;
	u32 expires_sec, resurrection_sec;
	unsigned long expires;		/* jiffies, read by the packet path */
	unsigned long resurrection;	/* jiffies */
	struct rtpp_relay_opts defaults; /* of new sessions, under rn->lock */
	unsigned int rules;		/* under rn->lock */
	unsigned int sessions;		/* slots in use, under rn->lock */
	unsigned int next_id;		/* where allocation looks first */
	unsigned long created;
	unsigned long *used;		/* bitmap of slots holding a session */
	struct rtpp_counter_set counters;
	struct rcu_work free_work;
	struct rtpp_session __rcu *slots[];
};

static inline unsigned int rtpp_addr_len(u8 family)
{
	return family == NFPROTO_IPV4 ? sizeof(__be32) : sizeof(struct in6_addr);
}

/* The family of a stream's clients: its gate's (stream index side * 2 + rtcp). */
static inline u8 rtpp_stream_family(const struct rtpp_switchboard *sb,
				    unsigned int idx)
{
	return sb->gate[idx / 2].family;
}

/* A switchboard's counter and its namespace's go up together. */
static inline void rtpp_sb_count(struct rtpp_switchboard *sb,
				 enum rtpp_counter which, u64 n)
{
	rtpp_count(&sb->counters, which, n);
	rtpp_count(&sb->rn->counters, which, n);
}

static inline bool rtpp_addr_eq(u8 family, const union nf_inet_addr *a,
				const union nf_inet_addr *b)
{
	return !memcmp(a, b, rtpp_addr_len(family));
}

static inline int rtpp_af(u8 family)
{
	return family == NFPROTO_IPV4 ? AF_INET : AF_INET6;
}

/* Gates and clients must be unicast: the rule and the netlink requests agree. */
static inline bool rtpp_addr_unicast(u8 family, const union nf_inet_addr *a)
{
	if (family == NFPROTO_IPV4)
		return a->ip && !ipv4_is_multicast(a->ip) &&
		       !ipv4_is_lbcast(a->ip) && !ipv4_is_zeronet(a->ip);
	return !ipv6_addr_any(&a->in6) && !ipv6_addr_is_multicast(&a->in6);
}

/*
 * Whether @addr:@port (of @family, port in host order) is one of gate
 * @side's ports; @offset is then the port's distance from the gate's lowest
 * port.
 */
static inline bool rtpp_gate_port(const struct rtpp_switchboard *sb, int side,
				  u8 family, const union nf_inet_addr *addr,
				  u16 port, u32 *offset)
{
	const struct rtpp_gate *g = &sb->gate[side];
	u32 off = (u32)port - g->port;

	if (off >= 2 * sb->max_sess || g->family != family ||
	    !rtpp_addr_eq(family, addr, &g->addr))
		return false;
	*offset = off;
	return true;
}

/*
 * Whether @addr:@port is any of the switchboard's own gate ports: a client
 * there would have the relay send to itself.
 */
static inline bool rtpp_is_gate_port(const struct rtpp_switchboard *sb,
				     u8 family, const union nf_inet_addr *addr,
				     u16 port)
{
	u32 offset;

	return rtpp_gate_port(sb, RTPP_SIDE_A, family, addr, port, &offset) ||
	       rtpp_gate_port(sb, RTPP_SIDE_B, family, addr, port, &offset);
}

/*
 * The gates' families of a rule in the table of @family: a bridge's flags
 * name them, else both are the table's.
 */
static inline void rtpp_rule_families(const struct xt_rtpproxy_tginfo *info,
				      u8 family, u8 *fam_a, u8 *fam_b)
{
	if (info->flags & XT_RTPPROXY_F_A4_B6) {
		*fam_a = NFPROTO_IPV4;
		*fam_b = NFPROTO_IPV6;
	} else if (info->flags & XT_RTPPROXY_F_A6_B4) {
		*fam_a = NFPROTO_IPV6;
		*fam_b = NFPROTO_IPV4;
	} else {
		*fam_a = family;
		*fam_b = family;
	}
}

struct rtpp_switchboard *rtpp_switchboard_get(struct net *net, u8 family,
					      const struct xt_rtpproxy_tginfo *info);
void rtpp_switchboard_put(struct rtpp_switchboard *sb);
bool rtpp_any_gate_port(struct rtpp_net *rn, u8 family,
			const union nf_inet_addr *addr, u16 port);
bool rtpp_switchboard_matches(const struct rtpp_switchboard *sb,
			      const struct rtpp_selector *sel);
void rtpp_switchboard_count_sessions(const struct rtpp_switchboard *sb,
				     u32 *live, u32 *expired);

#endif /* _RTPP_SWITCHBOARD_H */

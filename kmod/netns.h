/* SPDX-License-Identifier: GPL-2.0 */
/* Per network namespace state: the switchboards, their caps and the expiry worker. */
#ifndef _RTPP_NETNS_H
#define _RTPP_NETNS_H

#include <linux/jiffies.h>
#include <linux/kref.h>
#include <linux/list.h>
#include <linux/mutex.h>
#include <linux/workqueue.h>
#include <net/net_namespace.h>
#include <net/netlink.h>
#include "counters.h"

/*
 * Switchboards are freed when their last rule is destroyed, which may be
 * after this namespace's pernet exit ran (xtables tables are torn down by
 * their own pernet ops, in an order we do not control). So the state lives
 * in its own refcounted object that every switchboard pins, and not in the
 * net_generic area.
 */
struct rtpp_net {
	struct kref ref;
	possible_net_t net;		/* not a reference: events only */
	struct mutex lock;		/* switchboards and all session changes */
	struct list_head switchboards;	/* in creation order; RCU for learning */
	unsigned int sb_count;
	unsigned int sessions;		/* in all switchboards */
	bool capped;			/* made by a user namespace's root */
	unsigned int gen;		/* bumped when a list or a table changes */
	u64 next_serial;
	unsigned long created;		/* jiffies */
	struct delayed_work expiry_work;
	struct rtpp_counter_set counters;
};

extern struct workqueue_struct *rtpp_wq;

/*
 * What a namespace's root makes the module allocate (switchboards, session
 * slots, sessions, counters, dump state): charged to its memory cgroup, and
 * a full cgroup fails the request with ENOMEM instead of invoking the OOM
 * killer or filling the kernel log.
 */
#define RTPP_GFP_NS	(GFP_KERNEL_ACCOUNT | __GFP_NORETRY | __GFP_NOWARN)

/*
 * Milliseconds from @then to @now (jiffies), in 64 bits: jiffies_to_msecs()
 * returns 32, which wraps after 49.7 days of uptime or session age.
 */
static inline u64 rtpp_ms_between(unsigned long then, unsigned long now)
{
	return jiffies64_to_msecs(now - then);
}

struct rtpp_net *rtpp_net(struct net *net);
void rtpp_net_put(struct rtpp_net *rn);
bool rtpp_net_may_add_switchboard(struct rtpp_net *rn);
bool rtpp_net_may_add_sessions(struct rtpp_net *rn, unsigned int n,
			       struct netlink_ext_ack *extack);
void rtpp_net_start_expiry(struct rtpp_net *rn);
int rtpp_netns_init(void);
void rtpp_netns_exit(void);

#endif /* _RTPP_NETNS_H */

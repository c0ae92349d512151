/* SPDX-License-Identifier: GPL-2.0 */
/* Per network namespace state: the switchboards and the expiry worker. */
#ifndef _RTPP_NETNS_H
#define _RTPP_NETNS_H

#include <linux/kref.h>
#include <linux/list.h>
#include <linux/mutex.h>
#include <linux/workqueue.h>
#include <net/net_namespace.h>
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
	struct mutex lock;		/* switchboards and all session changes */
	struct list_head switchboards;	/* in creation order */
	unsigned int sb_count;
	unsigned int gen;		/* bumped when the list changes */
	u64 next_serial;
	unsigned long created;		/* jiffies */
	struct delayed_work expiry_work;
	struct rtpp_counters __percpu *counters;
};

extern struct workqueue_struct *rtpp_wq;

struct rtpp_net *rtpp_net(struct net *net);
void rtpp_net_put(struct rtpp_net *rn);
int rtpp_netns_init(void);
void rtpp_netns_exit(void);

#endif /* _RTPP_NETNS_H */

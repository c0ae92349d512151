// SPDX-License-Identifier: GPL-2.0
/*
 * Per network namespace state, the caps on what a namespace may make the
 * module allocate, and the expiry worker that runs in it.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/moduleparam.h>
#include <linux/sched.h>
#include <linux/slab.h>
#include <linux/user_namespace.h>
#include <net/netns/generic.h>
#include "netns.h"
#include "session.h"

struct workqueue_struct *rtpp_wq;
static unsigned int rtpp_net_id __read_mostly;

/*
 * A plain user may own a user and a network namespace and be root there:
 * what such a namespace makes the module allocate is charged to its memory
 * cgroup and, with these, bounded in number. The host's own namespaces are
 * not capped. Root of the host sets them (0: no cap).
 */
static unsigned int netns_max_switchboards __read_mostly = 16;
module_param(netns_max_switchboards, uint, 0644);
MODULE_PARM_DESC(netns_max_switchboards,
		 "Switchboards a network namespace owned by a user namespace other than the initial one may have (0: no cap; default 16)");

static unsigned int netns_max_sessions __read_mostly = 8192;
module_param(netns_max_sessions, uint, 0644);
MODULE_PARM_DESC(netns_max_sessions,
		 "Sessions such a network namespace may have in all its switchboards (0: no cap; default 8192)");

/* The scan also frees slots; once a second keeps expiry within a second. */
#define RTPP_EXPIRY_PERIOD	HZ
/* Sessions looked at per hold of the mutex: control commands wait no longer. */
#define RTPP_EXPIRY_BATCH	1024

struct rtpp_net *rtpp_net(struct net *net)
{
	return *(struct rtpp_net **)net_generic(net, rtpp_net_id);
}

static void rtpp_net_release(struct kref *ref)
{
	struct rtpp_net *rn = container_of(ref, struct rtpp_net, ref);

	rtpp_counters_free(&rn->counters);
	kfree(rn);
}

void rtpp_net_put(struct rtpp_net *rn)
{
	kref_put(&rn->ref, rtpp_net_release);
}

/**
 * rtpp_net_may_add_switchboard - is a new switchboard within the host's cap
 * @rn: the namespace, with its mutex held
 *
 * Return: true if it may be created; otherwise says why in the kernel log.
 */
bool rtpp_net_may_add_switchboard(struct rtpp_net *rn)
{
	unsigned int cap = READ_ONCE(netns_max_switchboards);

	if (!rn->capped || !cap || rn->sb_count < cap)
		return true;
	pr_info_ratelimited("this network namespace has %u switchboards, as many as the host allows (xt_RTPPROXY parameter netns_max_switchboards)\n",
			    rn->sb_count);
	return false;
}

/**
 * rtpp_net_may_add_sessions - are @n more sessions within the host's cap
 * @rn: the namespace, with its mutex held
 * @n: sessions to add
 * @extack: for the error message
 *
 * Return: true if they may be allocated.
 */
bool rtpp_net_may_add_sessions(struct rtpp_net *rn, unsigned int n,
			       struct netlink_ext_ack *extack)
{
	unsigned int cap = READ_ONCE(netns_max_sessions);

	if (!rn->capped || !cap || n <= cap - min(cap, rn->sessions))
		return true;
	NL_SET_ERR_MSG(extack,
		       "this network namespace has as many sessions as the host allows (xt_RTPPROXY parameter netns_max_sessions)");
	return false;
}

/*
 * One pass over every session of the namespace, RTPP_EXPIRY_BATCH at a
 * time: between batches the mutex is dropped, and the pass goes on from the
 * switchboard (by serial) and slot where it stopped.
 */
static void rtpp_expiry_work(struct work_struct *work)
{
	struct rtpp_net *rn = container_of(to_delayed_work(work),
					   struct rtpp_net, expiry_work);
	struct rtpp_switchboard *sb;
	unsigned int id = 0, budget;
	u64 serial = 0;

	mutex_lock(&rn->lock);
	for (;;) {
		budget = RTPP_EXPIRY_BATCH;
		list_for_each_entry(sb, &rn->switchboards, list) {
			if (sb->serial < serial)
				continue;
			if (sb->serial > serial) {
				serial = sb->serial;
				id = 0;
			}
			rtpp_switchboard_expire(sb, &id, &budget);
			if (id < sb->max_sess)
				break;		/* out of budget */
			/* Done with it: the next one starts at its first slot. */
			serial = sb->serial + 1;
			id = 0;
		}
		if (list_entry_is_head(sb, &rn->switchboards, list))
			break;			/* the pass is done */
		mutex_unlock(&rn->lock);
		cond_resched();
		mutex_lock(&rn->lock);
	}
	/* Not again while the namespace has no switchboard. */
	if (!list_empty(&rn->switchboards))
		queue_delayed_work(rtpp_wq, &rn->expiry_work,
				   RTPP_EXPIRY_PERIOD);
	mutex_unlock(&rn->lock);
}

/**
 * rtpp_net_start_expiry - run the expiry worker: a first switchboard exists
 * @rn: the namespace, with its mutex held
 */
void rtpp_net_start_expiry(struct rtpp_net *rn)
{
	queue_delayed_work(rtpp_wq, &rn->expiry_work, RTPP_EXPIRY_PERIOD);
}

static int __net_init rtpp_net_init(struct net *net)
{
	struct rtpp_net *rn;

	/* Every namespace has one: charged, but not to fail where it may wait. */
	rn = kzalloc(sizeof(*rn), GFP_KERNEL_ACCOUNT);
	if (!rn)
		return -ENOMEM;
	if (rtpp_counters_alloc(&rn->counters, GFP_KERNEL_ACCOUNT)) {
		kfree(rn);
		return -ENOMEM;
	}
	kref_init(&rn->ref);
	write_pnet(&rn->net, net);
	mutex_init(&rn->lock);
	INIT_LIST_HEAD(&rn->switchboards);
	rn->capped = net->user_ns != &init_user_ns;
	rn->created = jiffies;
	INIT_DELAYED_WORK(&rn->expiry_work, rtpp_expiry_work);
	*(struct rtpp_net **)net_generic(net, rtpp_net_id) = rn;
	return 0;
}

static void __net_exit rtpp_net_exit(struct net *net)
{
	struct rtpp_net *rn = rtpp_net(net);

	cancel_delayed_work_sync(&rn->expiry_work);
	rtpp_net_put(rn);
}

static struct pernet_operations rtpp_net_ops = {
	.init = rtpp_net_init,
	.exit = rtpp_net_exit,
	.id   = &rtpp_net_id,
	.size = sizeof(struct rtpp_net *),
};

int rtpp_netns_init(void)
{
	int ret;

	rtpp_wq = alloc_workqueue("xt_rtpproxy", 0, 0);
	if (!rtpp_wq)
		return -ENOMEM;
	ret = register_pernet_subsys(&rtpp_net_ops);
	if (ret)
		destroy_workqueue(rtpp_wq);
	return ret;
}

void rtpp_netns_exit(void)
{
	unregister_pernet_subsys(&rtpp_net_ops);
	/* Switchboards freed by the last rules wait for a grace period. */
	rcu_barrier();
	destroy_workqueue(rtpp_wq);
}

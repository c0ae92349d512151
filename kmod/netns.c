// SPDX-License-Identifier: GPL-2.0
/* Per network namespace state and the expiry worker that runs in it. */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/slab.h>
#include <net/netns/generic.h>
#include "netns.h"
#include "session.h"

struct workqueue_struct *rtpp_wq;
static unsigned int rtpp_net_id __read_mostly;

/* The scan also frees slots; once a second keeps expiry within a second. */
#define RTPP_EXPIRY_PERIOD	HZ

struct rtpp_net *rtpp_net(struct net *net)
{
	return *(struct rtpp_net **)net_generic(net, rtpp_net_id);
}

static void rtpp_net_release(struct kref *ref)
{
	struct rtpp_net *rn = container_of(ref, struct rtpp_net, ref);

	free_percpu(rn->counters);
	kfree(rn);
}

void rtpp_net_put(struct rtpp_net *rn)
{
	kref_put(&rn->ref, rtpp_net_release);
}

static void rtpp_expiry_work(struct work_struct *work)
{
	struct rtpp_net *rn = container_of(to_delayed_work(work),
					   struct rtpp_net, expiry_work);
	struct rtpp_switchboard *sb;

	mutex_lock(&rn->lock);
	list_for_each_entry(sb, &rn->switchboards, list)
		rtpp_switchboard_expire(sb);
	mutex_unlock(&rn->lock);
	queue_delayed_work(rtpp_wq, &rn->expiry_work, RTPP_EXPIRY_PERIOD);
}

static int __net_init rtpp_net_init(struct net *net)
{
	struct rtpp_net *rn;

	rn = kzalloc(sizeof(*rn), GFP_KERNEL);
	if (!rn)
		return -ENOMEM;
	rn->counters = alloc_percpu(struct rtpp_counters);
	if (!rn->counters) {
		kfree(rn);
		return -ENOMEM;
	}
	kref_init(&rn->ref);
	mutex_init(&rn->lock);
	INIT_LIST_HEAD(&rn->switchboards);
	rn->created = jiffies;
	INIT_DELAYED_WORK(&rn->expiry_work, rtpp_expiry_work);
	*(struct rtpp_net **)net_generic(net, rtpp_net_id) = rn;
	queue_delayed_work(rtpp_wq, &rn->expiry_work, RTPP_EXPIRY_PERIOD);
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

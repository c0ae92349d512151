// SPDX-License-Identifier: GPL-2.0
/*
 * Switchboards live in their network namespace, not in a rule: iptables
 * re-creates every rule of a table on each change, so the rules only hold
 * references and the sessions survive a reload of the table.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/bitmap.h>
#include <linux/rculist.h>
#include <linux/slab.h>
#include "events.h"
#include "session.h"
#include "switchboard.h"

static bool rtpp_gates_overlap(const struct rtpp_gate *g1, u32 n1,
			       const struct rtpp_gate *g2, u32 n2)
{
	if (g1->family != g2->family ||
	    !rtpp_addr_eq(g1->family, &g1->addr, &g2->addr))
		return false;
	return g1->port < g2->port + 2 * n2 && g2->port < g1->port + 2 * n1;
}

static bool rtpp_same_gates(const struct rtpp_switchboard *sb,
			    const struct rtpp_gate *gate)
{
	int i;

	for (i = 0; i < 2; i++)
		if (sb->gate[i].port != gate[i].port ||
		    sb->gate[i].family != gate[i].family ||
		    !rtpp_addr_eq(gate[i].family, &sb->gate[i].addr,
				  &gate[i].addr))
			return false;
	return true;
}

static bool rtpp_overlaps(const struct rtpp_switchboard *sb,
			  const struct rtpp_gate *gate, u32 max_sess)
{
	int i, j;

	for (i = 0; i < 2; i++)
		for (j = 0; j < 2; j++)
			if (rtpp_gates_overlap(&sb->gate[i], sb->max_sess,
					       &gate[j], max_sess))
				return true;
	return false;
}

/* The newest rule's timeouts, and its relay defaults for new sessions. */
static void rtpp_switchboard_set_rule(struct rtpp_switchboard *sb,
				      const struct xt_rtpproxy_tginfo *info)
{
	sb->defaults.dscp = info->flags & XT_RTPPROXY_F_DSCP ?
			    info->dscp : RTPPROXY_DSCP_SENDER;
	sb->defaults.max_ttl = info->max_ttl;
	sb->defaults.dup_below = info->dup_below;
	sb->expires_sec = info->expires_timeout;
	sb->resurrection_sec = info->resurrection_timeout;
	WRITE_ONCE(sb->expires, (unsigned long)info->expires_timeout * HZ);
	WRITE_ONCE(sb->resurrection,
		   (unsigned long)info->resurrection_timeout * HZ);
}

static void rtpp_switchboard_free_work(struct work_struct *work)
{
	struct rtpp_switchboard *sb = container_of(to_rcu_work(work),
						   struct rtpp_switchboard,
						   free_work);
	struct rtpp_net *rn = sb->rn;

	rtpp_switchboard_free_sessions(sb);
	rtpp_counters_free(&sb->counters);
	bitmap_free(sb->used);
	kvfree(sb);
	rtpp_net_put(rn);
}

static struct rtpp_switchboard *
rtpp_switchboard_create(struct rtpp_net *rn, const struct rtpp_gate *gate,
			const struct xt_rtpproxy_tginfo *info)
{
	struct rtpp_switchboard *sb;

	if (!rtpp_net_may_add_switchboard(rn))
		return ERR_PTR(-ENOSPC);
	/* A rule is made by a namespace's root: its memory cgroup pays. */
	sb = kvzalloc(struct_size(sb, slots, info->max_sess),
		      RTPP_GFP_NS);
	if (!sb)
		return ERR_PTR(-ENOMEM);
	sb->used = bitmap_zalloc(info->max_sess, RTPP_GFP_NS);
	if (!sb->used)
		goto err_free_sb;
	if (rtpp_counters_alloc(&sb->counters, RTPP_GFP_NS))
		goto err_free_used;

	memcpy(sb->gate, gate, sizeof(sb->gate));
	sb->max_sess = info->max_sess;
	rtpp_switchboard_set_rule(sb, info);
	sb->rules = 1;
	sb->created = jiffies;
	sb->serial = ++rn->next_serial;
	INIT_RCU_WORK(&sb->free_work, rtpp_switchboard_free_work);
	kref_get(&rn->ref);
	sb->rn = rn;
	list_add_tail_rcu(&sb->list, &rn->switchboards);
	if (!rn->sb_count++)
		rtpp_net_start_expiry(rn);
	rn->gen++;
	rtpp_event_switchboard(sb, RTPPROXY_EVENT_SWITCHBOARD_NEW);
	return sb;

err_free_used:
	bitmap_free(sb->used);
err_free_sb:
	kvfree(sb);
	return ERR_PTR(-ENOMEM);
}

/**
 * rtpp_switchboard_get - find or create the switchboard of a rule
 * @net: the rule's namespace
 * @family: the rule's, NFPROTO_IPV4 or NFPROTO_IPV6
 * @info: the validated rule options
 *
 * Return: the switchboard with one more rule reference, or an ERR_PTR.
 */
struct rtpp_switchboard *rtpp_switchboard_get(struct net *net, u8 family,
					      const struct xt_rtpproxy_tginfo *info)
{
	struct rtpp_net *rn = rtpp_net(net);
	struct rtpp_switchboard *sb, *found = NULL;
	struct rtpp_gate gate[2] = {};
	int i;

	gate[RTPP_SIDE_A].addr = info->addr_a;
	gate[RTPP_SIDE_A].port = info->port_a;
	gate[RTPP_SIDE_B].addr = info->addr_b;
	gate[RTPP_SIDE_B].port = info->port_b;
	rtpp_rule_families(info, family, &gate[0].family, &gate[1].family);
	for (i = 0; i < 2; i++)
		/* Only the first word counts; ignore what userspace left. */
		if (gate[i].family == NFPROTO_IPV4)
			memset(&gate[i].addr.all[1], 0, 3 * sizeof(__be32));

	if (rtpp_gates_overlap(&gate[0], info->max_sess, &gate[1],
			       info->max_sess)) {
		pr_info_ratelimited("gate A and gate B overlap\n");
		return ERR_PTR(-EINVAL);
	}

	mutex_lock(&rn->lock);
	list_for_each_entry(sb, &rn->switchboards, list) {
		if (rtpp_same_gates(sb, gate)) {
			found = sb;
			break;
		}
		if (rtpp_overlaps(sb, gate, info->max_sess)) {
			if (sb->gate[0].family == NFPROTO_IPV4)
				pr_info_ratelimited("gate ports overlap switchboard %pI4:%u\n",
						    &sb->gate[0].addr.ip,
						    sb->gate[0].port);
			else
				pr_info_ratelimited("gate ports overlap switchboard [%pI6c]:%u\n",
						    &sb->gate[0].addr.in6,
						    sb->gate[0].port);
			found = ERR_PTR(-EADDRINUSE);
			break;
		}
	}
	if (IS_ERR(found)) {
		sb = found;
	} else if (found) {
		sb = found;
		if (sb->max_sess != info->max_sess) {
			pr_info_ratelimited("switchboard with these gates exists with --max-sess %u\n",
					    sb->max_sess);
			sb = ERR_PTR(-EEXIST);
		} else {
			sb->rules++;
			rtpp_switchboard_set_rule(sb, info);
		}
	} else {
		sb = rtpp_switchboard_create(rn, gate, info);
	}
	mutex_unlock(&rn->lock);
	return sb;
}

/**
 * rtpp_switchboard_put - drop a rule's reference
 * @sb: the switchboard
 *
 * The last reference unlinks the switchboard and frees it with its sessions
 * after an RCU grace period.
 */
void rtpp_switchboard_put(struct rtpp_switchboard *sb)
{
	struct rtpp_net *rn = sb->rn;
	bool last;

	mutex_lock(&rn->lock);
	last = --sb->rules == 0;
	if (last) {
		rtpp_event_switchboard(sb, RTPPROXY_EVENT_SWITCHBOARD_DEL);
		list_del_rcu(&sb->list);
		rn->sb_count--;
		/* Its sessions go with it, after a grace period. */
		rn->sessions -= sb->sessions;
		rn->gen++;
	}
	mutex_unlock(&rn->lock);
	if (last)
		queue_rcu_work(rtpp_wq, &sb->free_work);
}

/**
 * rtpp_any_gate_port - is an address and port a gate port of any switchboard
 * @rn: the namespace, under RCU or its mutex
 * @family: NFPROTO_IPV4 or NFPROTO_IPV6
 * @addr: the address
 * @port: the port, host order
 *
 * Return: true if some switchboard of the namespace relays at @addr:@port.
 */
bool rtpp_any_gate_port(struct rtpp_net *rn, u8 family,
			const union nf_inet_addr *addr, u16 port)
{
	const struct rtpp_switchboard *sb;

	list_for_each_entry_rcu(sb, &rn->switchboards, list,
				lockdep_is_held(&rn->lock))
		if (rtpp_is_gate_port(sb, family, addr, port))
			return true;
	return false;
}

/**
 * rtpp_switchboard_matches - does a request's selector name this switchboard
 * @sb: the switchboard
 * @sel: the selector; what it does not give matches anything
 *
 * Return: true if every address and port given is equal.
 */
bool rtpp_switchboard_matches(const struct rtpp_switchboard *sb,
			      const struct rtpp_selector *sel)
{
	int i;

	for (i = 0; i < 2; i++) {
		if (sel->has_port[i] && sel->port[i] != sb->gate[i].port)
			return false;
		if (!sel->has_addr[i])
			continue;
		if (sel->addr_len[i] != rtpp_addr_len(sb->gate[i].family) ||
		    memcmp(&sel->addr[i], &sb->gate[i].addr, sel->addr_len[i]))
			return false;
	}
	return true;
}

/**
 * rtpp_switchboard_count_sessions - count live and expired sessions
 * @sb: the switchboard, with rn->lock held
 * @live: live sessions
 * @expired: expired sessions still holding a slot
 */
void rtpp_switchboard_count_sessions(const struct rtpp_switchboard *sb,
				     u32 *live, u32 *expired)
{
	unsigned long now = jiffies;
	unsigned int id;

	*live = 0;
	*expired = 0;
	for_each_set_bit(id, sb->used, sb->max_sess) {
		struct rtpp_session *sess;

		sess = rcu_dereference_protected(sb->slots[id],
						 lockdep_is_held(&sb->rn->lock));
		if (rtpp_session_expired(sess, sb, now))
			(*expired)++;
		else
			(*live)++;
	}
}

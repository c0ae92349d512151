// SPDX-License-Identifier: GPL-2.0
/*
 * The session commands: alloc, update, delete and get, one by one or in
 * bulk, and the session dumps. Every command runs under the namespace's
 * mutex.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/slab.h>
#include <net/genetlink.h>
#include "compat.h"
#include "events.h"
#include "nl_cmds.h"
#include "nl_reply.h"
#include "nl_request.h"
#include "session.h"

int rtpp_nl_new_session(struct sk_buff *skb, struct genl_info *info)
{
	struct rtpp_net *rn = rtpp_net(genl_info_net(info));
	struct rtpp_session_params p;
	struct rtpp_switchboard *sb;
	struct rtpp_session *sess;
	int err;

	mutex_lock(&rn->lock);
	sb = rtpp_select_one(rn, info);
	if (IS_ERR(sb)) {
		err = PTR_ERR(sb);
		goto out;
	}
	err = rtpp_parse_session(sb, info->attrs[RTPPROXY_A_SESSION], true, &p,
				 info->extack);
	if (err)
		goto out;
	sess = rtpp_session_new(sb, &p, info->extack);
	if (IS_ERR(sess)) {
		err = PTR_ERR(sess);
		goto out;
	}
	err = rtpp_reply_session(info, sb, sess, RTPPROXY_CMD_NEW_SESSION);
	if (err) {
		rtpp_session_discard(sb, sess->id);
	} else {
		rtpp_session_created(sb, 1);
		rtpp_event_session(sb, sess, RTPPROXY_EVENT_SESSION_NEW,
				   GFP_KERNEL);
	}
out:
	mutex_unlock(&rn->lock);
	return err;
}

int rtpp_nl_set_session(struct sk_buff *skb, struct genl_info *info)
{
	struct rtpp_net *rn = rtpp_net(genl_info_net(info));
	unsigned long now = jiffies;
	struct rtpp_session_params p;
	struct rtpp_switchboard *sb;
	struct rtpp_id_range r;
	unsigned int id;
	u32 affected = 0;
	int err;

	err = rtpp_parse_range(info->attrs, info->extack, &r);
	if (err)
		return err;
	mutex_lock(&rn->lock);
	sb = rtpp_select_one(rn, info);
	if (IS_ERR(sb)) {
		err = PTR_ERR(sb);
		goto out;
	}
	err = rtpp_check_range(sb, &r, info->extack) ?:
	      rtpp_parse_session(sb, info->attrs[RTPPROXY_A_SESSION], false,
				 &p, info->extack);
	if (err)
		goto out;
	id = r.lo;
	for_each_set_bit_from(id, sb->used, sb->max_sess) {
		struct rtpp_session *sess;

		if (id > r.hi)
			break;
		sess = rtpp_session_get(sb, id);
		if (rtpp_session_expired(sess, sb, now)) {
			/* Only a request naming it brings a session back. */
			if (!r.lo_attr)
				continue;
			rtpp_session_apply(sess, &p);
			rtpp_session_resurrect(sess);
			rtpp_event_session(sb, sess, RTPPROXY_EVENT_RESURRECTED,
					   GFP_KERNEL);
		} else {
			rtpp_session_apply(sess, &p);
		}
		affected++;
	}
out:
	mutex_unlock(&rn->lock);
	return err ?: rtpp_reply_affected(info, RTPPROXY_CMD_SET_SESSION,
					  affected);
}

/*
 * A range given with switchboards named must start within each of them:
 * checked for all before any is changed. Without a selector, a range
 * beyond a switchboard's --max-sess deletes nothing there.
 */
static int rtpp_delete_check(const struct rtpp_switchboard *sb,
			     struct genl_info *info)
{
	struct rtpp_id_range r;

	if (!info->attrs[RTPPROXY_A_SWITCHBOARD])
		return 0;
	return rtpp_parse_range(info->attrs, info->extack, &r) ?:
	       rtpp_check_range(sb, &r, info->extack);
}

static int rtpp_delete_range(struct rtpp_switchboard *sb,
			     struct genl_info *info, u32 *affected)
{
	struct rtpp_id_range r;
	unsigned int id;
	int err;

	err = rtpp_parse_range(info->attrs, info->extack, &r);
	if (err)
		return err;
	id = r.lo;
	for_each_set_bit_from(id, sb->used, sb->max_sess) {
		if (id > r.hi)
			break;
		rtpp_session_delete(sb, id);
		(*affected)++;
	}
	return 0;
}

int rtpp_nl_del_session(struct sk_buff *skb, struct genl_info *info)
{
	struct rtpp_id_range r;
	u32 affected = 0;

	/* A bad range fails before any switchboard is looked at. */
	return rtpp_parse_range(info->attrs, info->extack, &r) ?:
	       rtpp_on_selected(info, rtpp_delete_check, rtpp_delete_range,
				&affected) ?:
	       rtpp_reply_affected(info, RTPPROXY_CMD_DEL_SESSION, affected);
}

int rtpp_nl_get_session(struct sk_buff *skb, struct genl_info *info)
{
	struct rtpp_net *rn = rtpp_net(genl_info_net(info));
	const struct nlattr *alo = info->attrs[RTPPROXY_A_SESS_ID_LO];
	struct rtpp_switchboard *sb;
	struct rtpp_session *sess;
	struct rtpp_id_range r;
	int err;

	if (!alo) {
		NL_SET_ERR_MSG(info->extack,
			       "RTPPROXY_A_SESS_ID_LO must name the session");
		return -EINVAL;
	}
	mutex_lock(&rn->lock);
	sb = rtpp_select_one(rn, info);
	if (IS_ERR(sb)) {
		err = PTR_ERR(sb);
		goto out;
	}
	err = rtpp_parse_range(info->attrs, info->extack, &r) ?:
	      rtpp_check_range(sb, &r, info->extack);
	if (err)
		goto out;
	sess = rtpp_session_get(sb, r.lo);
	if (!sess) {
		NL_SET_ERR_MSG_ATTR(info->extack, alo, "no session with this id");
		err = -ENOENT;
		goto out;
	}
	err = rtpp_reply_session(info, sb, sess, RTPPROXY_CMD_GET_SESSION);
out:
	mutex_unlock(&rn->lock);
	return err;
}

/*
 * The next session at or after @id that a dump lists: in its id range and
 * with its label; sb->max_sess when none is left.
 */
static unsigned int rtpp_dump_next(struct rtpp_switchboard *sb,
				   const struct rtpp_dump_state *ctx,
				   unsigned int id)
{
	for (id = find_next_bit(sb->used, sb->max_sess, id);
	     id < sb->max_sess && id <= ctx->range.hi;
	     id = find_next_bit(sb->used, sb->max_sess, id + 1))
		if (rtpp_label_matches(rtpp_session_get(sb, id), &ctx->label))
			return id;
	return sb->max_sess;
}

int rtpp_nl_dump_sessions(struct sk_buff *skb, struct netlink_callback *cb)
{
	struct rtpp_dump_state *ctx = rtpp_dump_state(cb);
	struct rtpp_net *rn = rtpp_net(sock_net(skb->sk));
	struct rtpp_switchboard *sb;
	int err;

	mutex_lock(&rn->lock);
	cb->seq = rtpp_dump_seq(rn);
	list_for_each_entry(sb, &rn->switchboards, list) {
		unsigned int id;

		if (sb->serial < ctx->serial ||
		    !rtpp_switchboard_matches(sb, &ctx->sel))
			continue;
		if (sb->serial != ctx->serial) {
			ctx->serial = sb->serial;
			ctx->next_id = 0;
		}
		for (id = rtpp_dump_next(sb, ctx, max(ctx->next_id, ctx->range.lo));
		     id < sb->max_sess; id = rtpp_dump_next(sb, ctx, id + 1)) {
			err = rtpp_fill_session(skb, NETLINK_CB(cb->skb).portid,
						cb->nlh->nlmsg_seq, NLM_F_MULTI,
						sb, rtpp_session_get(sb, id),
						RTPPROXY_CMD_GET_SESSION, cb);
			if (err) {
				ctx->next_id = id;
				goto out;
			}
		}
		ctx->next_id = sb->max_sess;
	}
out:
	mutex_unlock(&rn->lock);
	return skb->len;
}

int rtpp_nl_dump_table(struct sk_buff *skb, struct netlink_callback *cb)
{
	struct rtpp_dump_state *ctx = rtpp_dump_state(cb);
	struct rtpp_net *rn = rtpp_net(sock_net(skb->sk));
	unsigned long now = jiffies;
	struct rtpp_switchboard *sb;
	int err = 0;

	mutex_lock(&rn->lock);
	cb->seq = rtpp_dump_seq(rn);
	list_for_each_entry(sb, &rn->switchboards, list) {
		unsigned int id, n = 0, used = 0;
		struct nlattr *table;
		void *hdr;
		u8 *rec;

		if (sb->serial < ctx->serial ||
		    !rtpp_switchboard_matches(sb, &ctx->sel))
			continue;
		if (sb->serial != ctx->serial) {
			ctx->serial = sb->serial;
			ctx->next_id = 0;
		}
		id = rtpp_dump_next(sb, ctx, max(ctx->next_id, ctx->range.lo));
		if (id >= sb->max_sess) {
			ctx->next_id = sb->max_sess;
			continue;
		}
		rec = rtpp_table_start(skb, NETLINK_CB(cb->skb).portid,
				       cb->nlh->nlmsg_seq, NLM_F_MULTI, sb, &n,
				       &hdr, &table, cb);
		if (!rec) {
			ctx->next_id = id;
			/* Not one record fits an empty buffer: say so. */
			if (!skb->len)
				err = -EMSGSIZE;
			goto out;
		}
		for (; id < sb->max_sess && used < n;
		     id = rtpp_dump_next(sb, ctx, id + 1)) {
			rtpp_fill_session_rec(rec, sb, rtpp_session_get(sb, id),
					      now);
			rec += sizeof(struct rtpproxy_session_rec);
			used++;
		}
		rtpp_table_end(skb, hdr, table, used);
		if (used == n && id < sb->max_sess) {
			ctx->next_id = id;
			goto out;
		}
		ctx->next_id = sb->max_sess;
	}
out:
	mutex_unlock(&rn->lock);
	return err ?: skb->len;
}

int rtpp_nl_new_sessions(struct sk_buff *skb, struct genl_info *info)
{
	struct rtpp_net *rn = rtpp_net(genl_info_net(info));
	const struct nlattr *list = info->attrs[RTPPROXY_A_SESSION_LIST];
	struct rtpp_session_params *params;
	struct rtpp_session **sessions;
	struct rtpp_switchboard *sb;
	unsigned int n = 0, i;
	const struct nlattr *item;
	struct nlattr *table;
	struct sk_buff *msg;
	void *hdr;
	u8 *rec;
	int rem, err;

	if (!list) {
		NL_SET_ERR_MSG(info->extack,
			       "RTPPROXY_A_SESSION_LIST must list the sessions");
		return -EINVAL;
	}
	nla_for_each_nested(item, list, rem)
		n++;
	if (rem || !n || n > RTPPROXY_NEW_BULK_MAX) {
		NL_SET_ERR_MSG_ATTR(info->extack, list,
				    "session list must hold 1 to RTPPROXY_NEW_BULK_MAX well-formed sessions");
		return -EINVAL;
	}
	params = kvmalloc_array(n, sizeof(*params), RTPP_GFP_NS);
	sessions = kmalloc_array(n, sizeof(*sessions), RTPP_GFP_NS);
	msg = genlmsg_new(rtpp_table_msg_size(n), GFP_KERNEL);
	if (!params || !sessions || !msg) {
		err = -ENOMEM;
		goto out_free;
	}

	mutex_lock(&rn->lock);
	sb = rtpp_select_one(rn, info);
	if (IS_ERR(sb)) {
		err = PTR_ERR(sb);
		goto out_unlock;
	}
	/* All or nothing: every session is valid and has a slot first. */
	i = 0;
	nla_for_each_nested(item, list, rem) {
		err = rtpp_parse_session(sb, item, true, &params[i++],
					 info->extack);
		if (err)
			goto out_unlock;
	}
	if (sb->max_sess - sb->sessions < n) {
		NL_SET_ERR_MSG_ATTR(info->extack, list,
				    "switchboard has fewer free slots than sessions asked for");
		err = -ENOSPC;
		goto out_unlock;
	}
	if (!rtpp_net_may_add_sessions(rn, n, info->extack)) {
		err = -ENOSPC;
		goto out_unlock;
	}
	for (i = 0; i < n; i++) {
		sessions[i] = rtpp_session_new(sb, &params[i], info->extack);
		if (IS_ERR(sessions[i])) {
			err = PTR_ERR(sessions[i]);
			goto out_undo;
		}
	}
	rec = rtpp_table_start(msg, info->snd_portid, info->snd_seq, 0, sb,
			       &n, &hdr, &table, NULL);
	if (!rec) {
		err = -EMSGSIZE;
		goto out_undo;
	}
	for (i = 0; i < n; i++) {
		rtpp_fill_session_rec(rec, sb, sessions[i], jiffies);
		rec += sizeof(struct rtpproxy_session_rec);
	}
	rtpp_table_end(msg, hdr, table, n);
	err = genlmsg_reply(msg, info);
	msg = NULL;
	if (err)
		goto out_undo;
	rtpp_session_created(sb, n);
	for (i = 0; i < n; i++)
		rtpp_event_session(sb, sessions[i], RTPPROXY_EVENT_SESSION_NEW,
				   GFP_KERNEL);
	goto out_unlock;

out_undo:
	while (i--)
		rtpp_session_discard(sb, sessions[i]->id);
out_unlock:
	mutex_unlock(&rn->lock);
out_free:
	nlmsg_free(msg);
	kfree(sessions);
	kvfree(params);
	return err;
}

int rtpp_nl_del_sessions(struct sk_buff *skb, struct genl_info *info)
{
	struct rtpp_net *rn = rtpp_net(genl_info_net(info));
	const struct nlattr *list = info->attrs[RTPPROXY_A_RANGE_LIST];
	const struct rtpproxy_range *ranges;
	struct rtpp_switchboard *sb;
	struct nlattr *counts;
	unsigned int n, i;
	u32 total = 0;
	struct sk_buff *msg;
	void *hdr;
	int err = 0;

	if (!list || !nla_len(list) ||
	    nla_len(list) % sizeof(struct rtpproxy_range)) {
		NL_SET_ERR_MSG_ATTR(info->extack, list,
				    "RTPPROXY_A_RANGE_LIST must hold whole struct rtpproxy_range");
		return -EINVAL;
	}
	ranges = nla_data(list);
	n = nla_len(list) / sizeof(struct rtpproxy_range);
	msg = genlmsg_new(nla_total_size(sizeof(u32)) +
			  nla_total_size(n * sizeof(u32)), GFP_KERNEL);
	if (!msg)
		return -ENOMEM;
	hdr = genlmsg_put_reply(msg, info, &rtpp_family, 0,
				RTPPROXY_CMD_DEL_SESSIONS);
	counts = hdr ? nla_reserve(msg, RTPPROXY_A_AFFECTED_LIST,
				   n * sizeof(u32)) : NULL;
	if (!counts) {
		nlmsg_free(msg);
		return -EMSGSIZE;
	}

	mutex_lock(&rn->lock);
	sb = rtpp_select_one(rn, info);
	if (IS_ERR(sb)) {
		err = PTR_ERR(sb);
		goto out;
	}
	for (i = 0; i < n; i++) {
		if (ranges[i].hi < ranges[i].lo ||
		    ranges[i].lo >= sb->max_sess) {
			NL_SET_ERR_MSG_ATTR(info->extack, list,
					    "a range is empty or starts beyond the switchboard's --max-sess");
			err = -EINVAL;
			goto out;
		}
	}
	for (i = 0; i < n; i++) {
		unsigned int id = ranges[i].lo;
		u32 deleted = 0;

		for_each_set_bit_from(id, sb->used, sb->max_sess) {
			if (id > ranges[i].hi)
				break;
			rtpp_session_delete(sb, id);
			deleted++;
		}
		memcpy((u32 *)nla_data(counts) + i, &deleted, sizeof(deleted));
		total += deleted;
	}
out:
	mutex_unlock(&rn->lock);
	if (err || nla_put_u32(msg, RTPPROXY_A_AFFECTED, total)) {
		nlmsg_free(msg);
		return err ?: -EMSGSIZE;
	}
	genlmsg_end(msg, hdr);
	return genlmsg_reply(msg, info);
}

// SPDX-License-Identifier: GPL-2.0
/*
 * The namespace's commands: info, the switchboard dump, counter resets and
 * the audit.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <net/genetlink.h>
#include "nl_cmds.h"
#include "nl_reply.h"
#include "nl_request.h"
#include "session.h"
#include "version.h"

int rtpp_nl_get_info(struct sk_buff *skb, struct genl_info *info)
{
	struct rtpp_net *rn = rtpp_net(genl_info_net(info));
	struct sk_buff *msg;
	void *hdr;

	msg = genlmsg_new(NLMSG_GOODSIZE, GFP_KERNEL);
	if (!msg)
		return -ENOMEM;
	hdr = genlmsg_put_reply(msg, info, &rtpp_family, 0,
				RTPPROXY_CMD_GET_INFO);
	if (!hdr)
		goto err_free;
	mutex_lock(&rn->lock);
	if (nla_put_string(msg, RTPPROXY_A_VERSION, RTPP_VERSION) ||
	    nla_put_u64_64bit(msg, RTPPROXY_A_UPTIME_MS,
			      rtpp_ms_between(rn->created, jiffies),
			      RTPPROXY_A_PAD) ||
	    nla_put_u32(msg, RTPPROXY_A_SWITCHBOARD_COUNT, rn->sb_count) ||
	    nla_put_u32(msg, RTPPROXY_A_SESSION_COUNT, rn->sessions) ||
	    rtpp_put_counters(msg, RTPPROXY_A_COUNTERS, &rn->counters)) {
		mutex_unlock(&rn->lock);
		goto err_free;
	}
	mutex_unlock(&rn->lock);
	genlmsg_end(msg, hdr);
	return genlmsg_reply(msg, info);

err_free:
	nlmsg_free(msg);
	return -EMSGSIZE;
}

int rtpp_nl_dump_switchboards(struct sk_buff *skb, struct netlink_callback *cb)
{
	struct rtpp_dump_state *ctx = rtpp_dump_state(cb);
	struct rtpp_net *rn = rtpp_net(sock_net(skb->sk));
	struct rtpp_switchboard *sb;

	mutex_lock(&rn->lock);
	/* Only the list matters here, but every change bumps the count. */
	cb->seq = rtpp_dump_seq(rn);
	list_for_each_entry(sb, &rn->switchboards, list) {
		void *hdr;

		if (sb->serial <= ctx->serial ||
		    !rtpp_switchboard_matches(sb, &ctx->sel))
			continue;
		hdr = genlmsg_put(skb, NETLINK_CB(cb->skb).portid,
				  cb->nlh->nlmsg_seq, &rtpp_family, NLM_F_MULTI,
				  RTPPROXY_CMD_GET_SWITCHBOARD);
		if (!hdr)
			break;
		nl_dump_check_consistent(cb, genlmsg_nlhdr(hdr));
		if (rtpp_put_switchboard(skb, sb, true)) {
			genlmsg_cancel(skb, hdr);
			break;
		}
		genlmsg_end(skb, hdr);
		ctx->serial = sb->serial;
	}
	mutex_unlock(&rn->lock);
	return skb->len;
}

static int rtpp_reset_switchboard(struct rtpp_switchboard *sb,
				  struct genl_info *info, u32 *affected)
{
	u32 what = nla_get_u32(info->attrs[RTPPROXY_A_RESET]);
	unsigned int id;

	if (what & RTPPROXY_RESET_SWITCHBOARD)
		rtpp_counters_reset(&sb->counters);
	if (what & RTPPROXY_RESET_SESSIONS)
		for_each_set_bit(id, sb->used, sb->max_sess)
			rtpp_session_reset_counters(rtpp_session_get(sb, id));
	(*affected)++;
	return 0;
}

int rtpp_nl_reset_counters(struct sk_buff *skb, struct genl_info *info)
{
	struct rtpp_net *rn = rtpp_net(genl_info_net(info));
	u32 affected = 0;
	int err;

	if (!info->attrs[RTPPROXY_A_RESET] ||
	    !nla_get_u32(info->attrs[RTPPROXY_A_RESET])) {
		NL_SET_ERR_MSG(info->extack,
			       "RTPPROXY_A_RESET must say what to reset");
		return -EINVAL;
	}
	err = rtpp_on_selected(info, NULL, rtpp_reset_switchboard, &affected);
	if (err)
		return err;
	if (nla_get_u32(info->attrs[RTPPROXY_A_RESET]) & RTPPROXY_RESET_GLOBAL) {
		mutex_lock(&rn->lock);
		rtpp_counters_reset(&rn->counters);
		mutex_unlock(&rn->lock);
	}
	return rtpp_reply_affected(info, RTPPROXY_CMD_RESET_COUNTERS, affected);
}

static int rtpp_audit_switchboard(struct rtpp_switchboard *sb,
				  struct genl_info *info, u32 *affected)
{
	unsigned int id = 0, budget = UINT_MAX;

	*affected += rtpp_switchboard_expire(sb, &id, &budget);
	return 0;
}

int rtpp_nl_audit(struct sk_buff *skb, struct genl_info *info)
{
	u32 affected = 0;

	return rtpp_on_selected(info, NULL, rtpp_audit_switchboard,
				&affected) ?:
	       rtpp_reply_affected(info, RTPPROXY_CMD_AUDIT, affected);
}

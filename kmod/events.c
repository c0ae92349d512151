// SPDX-License-Identifier: GPL-2.0
/*
 * Events: what happens to sessions and switchboards, multicast to the
 * namespace's listeners of XT_RTPPROXY_MCGRP_EVENTS as ip monitor and
 * conntrack -E get theirs. Nothing is built while nobody listens; a
 * listener whose buffer is full misses the event, learns it from ENOBUFS
 * (netlink's overrun report), and the module counts it.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <net/genetlink.h>
#include "events.h"
#include "nl_cmds.h"
#include "nl_reply.h"

/* Who may listen: CAP_NET_ADMIN in the namespace's user namespace. */
const struct genl_multicast_group rtpp_mcgrps[RTPP_MCGRPS] = {
	[RTPP_MCGRP_EVENTS] = { .name = XT_RTPPROXY_MCGRP_EVENTS,
				.flags = GENL_MCAST_CAP_NET_ADMIN },
};

static struct net *rtpp_sb_net(const struct rtpp_switchboard *sb)
{
	return read_pnet(&sb->rn->net);
}

static struct sk_buff *rtpp_event_start(struct rtpp_switchboard *sb,
					size_t size, u8 event, gfp_t gfp,
					void **hdr)
{
	struct sk_buff *msg;

	if (!genl_has_listeners(&rtpp_family, rtpp_sb_net(sb),
				RTPP_MCGRP_EVENTS))
		return NULL;
	msg = genlmsg_new(nla_total_size(sizeof(u8)) + size, gfp);
	if (!msg)
		goto lost;
	*hdr = genlmsg_put(msg, 0, 0, &rtpp_family, 0, RTPPROXY_CMD_EVENT);
	if (*hdr && !nla_put_u8(msg, RTPPROXY_A_EVENT, event))
		return msg;
	nlmsg_free(msg);
lost:
	rtpp_sb_count(sb, RTPP_CNT_EVENTS_LOST, 1);
	return NULL;
}

static void rtpp_event_send(struct rtpp_switchboard *sb, struct sk_buff *msg,
			    void *hdr, int err, gfp_t gfp)
{
	if (err) {
		nlmsg_free(msg);
		rtpp_sb_count(sb, RTPP_CNT_EVENTS_LOST, 1);
		return;
	}
	genlmsg_end(msg, hdr);
	/* -ESRCH: the listeners left meanwhile, nobody missed it. */
	if (genlmsg_multicast_netns(&rtpp_family, rtpp_sb_net(sb), msg, 0,
				    RTPP_MCGRP_EVENTS, gfp) == -ENOBUFS)
		rtpp_sb_count(sb, RTPP_CNT_EVENTS_LOST, 1);
}

static void rtpp_event_session_stream(struct rtpp_switchboard *sb,
				      struct rtpp_session *sess, u8 event,
				      int idx, gfp_t gfp)
{
	struct sk_buff *msg;
	void *hdr;
	int err;

	msg = rtpp_event_start(sb, rtpp_session_msg_size() +
			       nla_total_size(sizeof(u8)), event, gfp, &hdr);
	if (!msg)
		return;
	err = rtpp_put_switchboard(msg, sb, false) ?:
	      rtpp_put_session(msg, sb, sess);
	if (!err && idx >= 0)
		err = nla_put_u8(msg, RTPPROXY_A_STREAM, idx);
	rtpp_event_send(sb, msg, hdr, err, gfp);
}

/**
 * rtpp_event_session - tell listeners about a session
 * @sb: its switchboard
 * @sess: the session, with the namespace's mutex held (still in its slot
 *	for the events of its end)
 * @event: enum rtpproxy_event
 * @gfp: GFP_KERNEL from commands and the expiry worker
 */
void rtpp_event_session(struct rtpp_switchboard *sb, struct rtpp_session *sess,
			u8 event, gfp_t gfp)
{
	rtpp_event_session_stream(sb, sess, event, -1, gfp);
}

/**
 * rtpp_event_learned - tell listeners that a stream learned its client
 * @sb: the switchboard
 * @sess: the session, under RCU (the packet path)
 * @idx: the stream
 */
void rtpp_event_learned(struct rtpp_switchboard *sb, struct rtpp_session *sess,
			int idx)
{
	rtpp_event_session_stream(sb, sess, RTPPROXY_EVENT_LEARNED, idx,
				  GFP_ATOMIC);
}

/**
 * rtpp_event_switchboard - tell listeners about a switchboard
 * @sb: the switchboard, with the namespace's mutex held
 * @event: RTPPROXY_EVENT_SWITCHBOARD_NEW or _DEL
 */
void rtpp_event_switchboard(struct rtpp_switchboard *sb, u8 event)
{
	struct sk_buff *msg;
	void *hdr;

	msg = rtpp_event_start(sb, NLMSG_DEFAULT_SIZE, event, GFP_KERNEL, &hdr);
	if (msg)
		rtpp_event_send(sb, msg, hdr, rtpp_put_switchboard(msg, sb, true),
				GFP_KERNEL);
}

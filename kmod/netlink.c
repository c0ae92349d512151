// SPDX-License-Identifier: GPL-2.0
/*
 * The generic netlink family: info, switchboard dumps and session commands.
 * Every command runs under the namespace's mutex; see the uapi header for
 * each command's attribute tree.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/ipv6.h>
#include <net/genetlink.h>
#include <net/ipv6.h>
#include "compat.h"
#include "netlink.h"
#include "session.h"

#define RTPP_VERSION		"0.1.0"
#define RTPP_MAX_LEARN_MS	(XT_RTPPROXY_MAX_TIMEOUT * 1000U)

static struct genl_family rtpp_family;

static const struct nla_policy rtpp_gate_policy[RTPPROXY_GATE_A_MAX + 1] = {
	[RTPPROXY_GATE_A_ADDR]	= { .type = NLA_BINARY,
				    .len = sizeof(struct in6_addr) },
	[RTPPROXY_GATE_A_PORT]	= { .type = NLA_U16 },
};

/* In requests a switchboard nest is a selector: gates only. */
static const struct nla_policy rtpp_sb_policy[RTPPROXY_SB_A_GATE_B + 1] = {
	[RTPPROXY_SB_A_GATE_A]	= NLA_POLICY_NESTED(rtpp_gate_policy),
	[RTPPROXY_SB_A_GATE_B]	= NLA_POLICY_NESTED(rtpp_gate_policy),
};

static const struct nla_policy rtpp_stream_policy[RTPPROXY_STREAM_A_MAX + 1] = {
	[RTPPROXY_STREAM_A_ADDR]		= { .type = NLA_BINARY,
						    .len = sizeof(struct in6_addr) },
	[RTPPROXY_STREAM_A_PORT]		= { .type = NLA_U16 },
	[RTPPROXY_STREAM_A_LEARN_TIMEOUT_MS]	= { .type = NLA_U32 },
	[RTPPROXY_STREAM_A_ALWAYS_LEARN]	= { .type = NLA_FLAG },
	[RTPPROXY_STREAM_A_CLEAR_ADDR]		= { .type = NLA_FLAG },
};

static const struct nla_policy rtpp_sess_policy[RTPPROXY_SESS_A_MAX + 1] = {
	[RTPPROXY_SESS_A_RTP_A]		= NLA_POLICY_NESTED(rtpp_stream_policy),
	[RTPPROXY_SESS_A_RTCP_A]	= NLA_POLICY_NESTED(rtpp_stream_policy),
	[RTPPROXY_SESS_A_RTP_B]		= NLA_POLICY_NESTED(rtpp_stream_policy),
	[RTPPROXY_SESS_A_RTCP_B]	= NLA_POLICY_NESTED(rtpp_stream_policy),
};

static const struct nla_policy rtpp_policy[RTPPROXY_A_MAX + 1] = {
	[RTPPROXY_A_SWITCHBOARD]	= NLA_POLICY_NESTED(rtpp_sb_policy),
	[RTPPROXY_A_SESSION]		= NLA_POLICY_NESTED(rtpp_sess_policy),
	[RTPPROXY_A_SESS_ID_LO]		= { .type = NLA_U32 },
	[RTPPROXY_A_SESS_ID_HI]		= { .type = NLA_U32 },
	[RTPPROXY_A_RESET]		= NLA_POLICY_MASK(NLA_U32,
							  RTPPROXY_RESET_ALL),
	/* Each session is checked against rtpp_sess_policy when it is parsed. */
	[RTPPROXY_A_SESSION_LIST]	= { .type = NLA_NESTED },
	[RTPPROXY_A_RANGE_LIST]		= { .type = NLA_BINARY,
					    .len = RTPPROXY_BULK_MAX *
						   sizeof(struct rtpproxy_range) },
};

/* Dump position, kept in cb->ctx between calls. */
struct rtpp_dump_ctx {
	u64 serial;		/* last switchboard (partly) dumped */
	u32 next_id;		/* next session id in it */
};

/* Requests. */

static int rtpp_parse_selector(const struct nlattr *nla,
			       struct rtpp_selector *sel,
			       struct netlink_ext_ack *extack)
{
	struct nlattr *sbtb[RTPPROXY_SB_A_GATE_B + 1];
	struct nlattr *gtb[RTPPROXY_GATE_A_MAX + 1];
	int i, err;

	memset(sel, 0, sizeof(*sel));
	if (!nla)
		return 0;
	err = nla_parse_nested(sbtb, RTPPROXY_SB_A_GATE_B, nla, rtpp_sb_policy,
			       extack);
	if (err)
		return err;
	for (i = 0; i < 2; i++) {
		const struct nlattr *gate = sbtb[RTPPROXY_SB_A_GATE_A + i];

		if (!gate)
			continue;
		err = nla_parse_nested(gtb, RTPPROXY_GATE_A_MAX, gate,
				       rtpp_gate_policy, extack);
		if (err)
			return err;
		if (gtb[RTPPROXY_GATE_A_ADDR]) {
			unsigned int len = nla_len(gtb[RTPPROXY_GATE_A_ADDR]);

			if (len != sizeof(__be32) &&
			    len != sizeof(struct in6_addr)) {
				NL_SET_ERR_MSG_ATTR(extack,
						    gtb[RTPPROXY_GATE_A_ADDR],
						    "gate address must have 4 (IPv4) or 16 (IPv6) bytes");
				return -EINVAL;
			}
			sel->has_addr[i] = true;
			sel->addr_len[i] = len;
			nla_memcpy(&sel->addr[i], gtb[RTPPROXY_GATE_A_ADDR],
				   len);
		}
		if (gtb[RTPPROXY_GATE_A_PORT]) {
			sel->has_port[i] = true;
			sel->port[i] = nla_get_u16(gtb[RTPPROXY_GATE_A_PORT]);
		}
	}
	return 0;
}

/* The one switchboard a request names; an absent selector names all. */
static struct rtpp_switchboard *rtpp_select_one(struct rtpp_net *rn,
						struct genl_info *info)
{
	const struct nlattr *nla = info->attrs[RTPPROXY_A_SWITCHBOARD];
	struct rtpp_switchboard *sb, *found = NULL;
	struct rtpp_selector sel;
	unsigned int n = 0;
	int err;

	err = rtpp_parse_selector(nla, &sel, info->extack);
	if (err)
		return ERR_PTR(err);
	list_for_each_entry(sb, &rn->switchboards, list) {
		if (rtpp_switchboard_matches(sb, &sel)) {
			found = sb;
			n++;
		}
	}
	if (!n) {
		if (nla)
			NL_SET_ERR_MSG_ATTR(info->extack, nla,
					    "no switchboard matches the given gates");
		else
			NL_SET_ERR_MSG(info->extack, "no switchboard defined");
		return ERR_PTR(-ENOENT);
	}
	if (n > 1) {
		NL_SET_ERR_MSG_ATTR(info->extack, nla,
				    "several switchboards match: give gate A's address and port");
		return ERR_PTR(-EINVAL);
	}
	return found;
}

static int rtpp_parse_stream(const struct rtpp_switchboard *sb,
			     const struct nlattr *nla,
			     struct rtpp_stream_params *sp,
			     struct netlink_ext_ack *extack)
{
	struct nlattr *tb[RTPPROXY_STREAM_A_MAX + 1];
	const struct nlattr *addr, *port;
	int err;

	err = nla_parse_nested(tb, RTPPROXY_STREAM_A_MAX, nla,
			       rtpp_stream_policy, extack);
	if (err)
		return err;
	addr = tb[RTPPROXY_STREAM_A_ADDR];
	port = tb[RTPPROXY_STREAM_A_PORT];
	if (!addr != !port) {
		NL_SET_ERR_MSG_ATTR(extack, addr ?: port,
				    "client address and port go together");
		return -EINVAL;
	}
	if (addr) {
		if (nla_len(addr) != rtpp_addr_len(sb->family)) {
			NL_SET_ERR_MSG_ATTR(extack, addr,
					    "client address is not of the switchboard's family");
			return -EAFNOSUPPORT;
		}
		if (tb[RTPPROXY_STREAM_A_CLEAR_ADDR]) {
			NL_SET_ERR_MSG_ATTR(extack, tb[RTPPROXY_STREAM_A_CLEAR_ADDR],
					    "cannot both set and clear the client address");
			return -EINVAL;
		}
		nla_memcpy(&sp->addr, addr, nla_len(addr));
		if (!rtpp_addr_unicast(sb->family, &sp->addr)) {
			NL_SET_ERR_MSG_ATTR(extack, addr,
					    "client address must be unicast");
			return -EINVAL;
		}
		if (!nla_get_u16(port)) {
			NL_SET_ERR_MSG_ATTR(extack, port,
					    "client port must not be 0");
			return -EINVAL;
		}
		if (rtpp_is_gate_port(sb, &sp->addr, nla_get_u16(port))) {
			NL_SET_ERR_MSG_ATTR(extack, addr,
					    "client address is a gate port of this switchboard");
			return -EINVAL;
		}
		sp->port = htons(nla_get_u16(port));
		sp->set_addr = true;
	}
	sp->clear_addr = tb[RTPPROXY_STREAM_A_CLEAR_ADDR];
	if (tb[RTPPROXY_STREAM_A_LEARN_TIMEOUT_MS]) {
		sp->learn_ms = nla_get_u32(tb[RTPPROXY_STREAM_A_LEARN_TIMEOUT_MS]);
		if (sp->learn_ms > RTPP_MAX_LEARN_MS) {
			NL_SET_ERR_MSG_ATTR(extack,
					    tb[RTPPROXY_STREAM_A_LEARN_TIMEOUT_MS],
					    "learning timeout is longer than a day");
			return -EINVAL;
		}
		sp->set_learn = true;
	}
	if (addr || sp->set_learn || tb[RTPPROXY_STREAM_A_ALWAYS_LEARN]) {
		sp->set_always = true;
		sp->always = tb[RTPPROXY_STREAM_A_ALWAYS_LEARN];
	}
	return 0;
}

static int rtpp_parse_session(const struct rtpp_switchboard *sb,
			      const struct nlattr *nla, bool create,
			      struct rtpp_session_params *p,
			      struct netlink_ext_ack *extack)
{
	struct nlattr *tb[RTPPROXY_SESS_A_MAX + 1];
	bool usable = false;
	int i, err;

	memset(p, 0, sizeof(*p));
	if (!nla)
		goto out;
	err = nla_parse_nested(tb, RTPPROXY_SESS_A_MAX, nla, rtpp_sess_policy,
			       extack);
	if (err)
		return err;
	for (i = 0; i < RTPPROXY_STREAMS; i++) {
		struct rtpp_stream_params *sp = &p->stream[i];

		if (!tb[RTPPROXY_SESS_A_RTP_A + i])
			continue;
		err = rtpp_parse_stream(sb, tb[RTPPROXY_SESS_A_RTP_A + i], sp,
					extack);
		if (err)
			return err;
		usable |= sp->set_addr || sp->learn_ms || sp->always;
	}
out:
	if (create && !usable) {
		NL_SET_ERR_MSG(extack,
			       "give at least one client address or learning timeout");
		return -EINVAL;
	}
	return 0;
}

/* An optional id range; without one, every id. */
static int rtpp_parse_range(const struct rtpp_switchboard *sb,
			    struct genl_info *info, u32 *lo, u32 *hi)
{
	const struct nlattr *alo = info->attrs[RTPPROXY_A_SESS_ID_LO];
	const struct nlattr *ahi = info->attrs[RTPPROXY_A_SESS_ID_HI];

	*lo = alo ? nla_get_u32(alo) : 0;
	*hi = ahi ? nla_get_u32(ahi) : alo ? *lo : U32_MAX;
	if (*hi < *lo) {
		NL_SET_ERR_MSG_ATTR(info->extack, ahi,
				    "session id range ends before it starts");
		return -EINVAL;
	}
	if (sb && alo && *lo >= sb->max_sess) {
		NL_SET_ERR_MSG_ATTR(info->extack, alo,
				    "session id is beyond the switchboard's --max-sess");
		return -EINVAL;
	}
	return 0;
}

/* Replies. */

static int rtpp_put_counters(struct sk_buff *skb, int type,
			     struct rtpp_counters __percpu *counters)
{
	struct rtpp_counters sum;
	struct nlattr *nest;
	int i;

	rtpp_counters_sum(counters, &sum);
	nest = nla_nest_start(skb, type);
	if (!nest)
		return -EMSGSIZE;
	for (i = 0; i < RTPP_CNT_MAX; i++)
		if (nla_put_u64_64bit(skb, RTPP_CNT_ATTR(i), sum.v[i],
				      RTPPROXY_CNT_A_PAD))
			return -EMSGSIZE;
	nla_nest_end(skb, nest);
	return 0;
}

static int rtpp_put_addr(struct sk_buff *skb, int type, u8 family,
			 const union nf_inet_addr *addr)
{
	return nla_put(skb, type, rtpp_addr_len(family), addr);
}

static int rtpp_put_switchboard(struct sk_buff *skb,
				const struct rtpp_switchboard *sb, bool full)
{
	struct nlattr *nest, *gate;
	u32 live, expired;
	int i;

	nest = nla_nest_start(skb, RTPPROXY_A_SWITCHBOARD);
	if (!nest || nla_put_u8(skb, RTPPROXY_SB_A_FAMILY, rtpp_af(sb->family)))
		return -EMSGSIZE;
	for (i = 0; i < 2; i++) {
		gate = nla_nest_start(skb, RTPPROXY_SB_A_GATE_A + i);
		if (!gate ||
		    rtpp_put_addr(skb, RTPPROXY_GATE_A_ADDR, sb->family,
				  &sb->gate[i].addr) ||
		    nla_put_u16(skb, RTPPROXY_GATE_A_PORT, sb->gate[i].port))
			return -EMSGSIZE;
		nla_nest_end(skb, gate);
	}
	if (full) {
		rtpp_switchboard_count_sessions(sb, &live, &expired);
		if (nla_put_u32(skb, RTPPROXY_SB_A_MAX_SESS, sb->max_sess) ||
		    nla_put_u32(skb, RTPPROXY_SB_A_EXPIRES_TIMEOUT,
				sb->expires_sec) ||
		    nla_put_u32(skb, RTPPROXY_SB_A_RESURRECTION_TIMEOUT,
				sb->resurrection_sec) ||
		    nla_put_u32(skb, RTPPROXY_SB_A_RULES, sb->rules) ||
		    nla_put_u32(skb, RTPPROXY_SB_A_SESSIONS_LIVE, live) ||
		    nla_put_u32(skb, RTPPROXY_SB_A_SESSIONS_EXPIRED, expired) ||
		    nla_put_u64_64bit(skb, RTPPROXY_SB_A_AGE_MS,
				      jiffies_to_msecs(jiffies - sb->created),
				      RTPPROXY_SB_A_PAD) ||
		    rtpp_put_counters(skb, RTPPROXY_SB_A_COUNTERS, sb->counters))
			return -EMSGSIZE;
	}
	nla_nest_end(skb, nest);
	return 0;
}

static int rtpp_put_stream(struct sk_buff *skb,
			   const struct rtpp_switchboard *sb,
			   struct rtpp_session *sess, int idx, unsigned long now)
{
	const struct rtpp_stream *st = &sess->stream[idx];
	int side = idx / 2, rtcp = idx & 1;
	u64 packets = atomic64_read(&st->packets);
	struct rtpp_endpoint ep;
	struct nlattr *nest;

	rtpp_endpoint_read(sess, idx, &ep);
	nest = nla_nest_start(skb, RTPPROXY_SESS_A_RTP_A + idx);
	if (!nest ||
	    nla_put_u16(skb, RTPPROXY_STREAM_A_GATE_PORT,
			sb->gate[side].port + 2 * sess->id + rtcp))
		return -EMSGSIZE;
	if (ep.port &&
	    (rtpp_put_addr(skb, RTPPROXY_STREAM_A_ADDR, sb->family, &ep.addr) ||
	     nla_put_u16(skb, RTPPROXY_STREAM_A_PORT, ntohs(ep.port))))
		return -EMSGSIZE;
	if ((ep.flags & (RTPP_STREAM_LEARNING | RTPP_STREAM_LEARNED)) ==
	    RTPP_STREAM_LEARNING && time_before(now, ep.learn_until) &&
	    nla_put_u32(skb, RTPPROXY_STREAM_A_LEARN_TIMEOUT_MS,
			jiffies_to_msecs(ep.learn_until - now)))
		return -EMSGSIZE;
	if ((ep.flags & RTPP_STREAM_ALWAYS &&
	     nla_put_flag(skb, RTPPROXY_STREAM_A_ALWAYS_LEARN)) ||
	    (ep.flags & RTPP_STREAM_LEARNED &&
	     nla_put_flag(skb, RTPPROXY_STREAM_A_LEARNED)))
		return -EMSGSIZE;
	if (nla_put_u64_64bit(skb, RTPPROXY_STREAM_A_PACKETS, packets,
			      RTPPROXY_STREAM_A_PAD) ||
	    nla_put_u64_64bit(skb, RTPPROXY_STREAM_A_BYTES,
			      atomic64_read(&st->bytes), RTPPROXY_STREAM_A_PAD) ||
	    nla_put_u64_64bit(skb, RTPPROXY_STREAM_A_DROPS,
			      atomic64_read(&st->drops), RTPPROXY_STREAM_A_PAD))
		return -EMSGSIZE;
	if (packets &&
	    nla_put_u64_64bit(skb, RTPPROXY_STREAM_A_LAST_MS,
			      jiffies_to_msecs(now - READ_ONCE(st->last)),
			      RTPPROXY_STREAM_A_PAD))
		return -EMSGSIZE;
	nla_nest_end(skb, nest);
	return 0;
}

static int rtpp_put_session(struct sk_buff *skb,
			    const struct rtpp_switchboard *sb,
			    struct rtpp_session *sess)
{
	unsigned long now = jiffies;
	struct nlattr *nest;
	int i;

	nest = nla_nest_start(skb, RTPPROXY_A_SESSION);
	if (!nest ||
	    nla_put_u32(skb, RTPPROXY_SESS_A_ID, sess->id) ||
	    nla_put_u8(skb, RTPPROXY_SESS_A_STATE,
		       rtpp_session_expired(sess, sb, now) ?
		       RTPPROXY_SESS_EXPIRED : RTPPROXY_SESS_LIVE) ||
	    nla_put_u64_64bit(skb, RTPPROXY_SESS_A_AGE_MS,
			      jiffies_to_msecs(now - sess->created),
			      RTPPROXY_SESS_A_PAD) ||
	    nla_put_u64_64bit(skb, RTPPROXY_SESS_A_IDLE_MS,
			      jiffies_to_msecs(now - READ_ONCE(sess->active)),
			      RTPPROXY_SESS_A_PAD))
		return -EMSGSIZE;
	for (i = 0; i < RTPPROXY_STREAMS; i++)
		if (rtpp_put_stream(skb, sb, sess, i, now))
			return -EMSGSIZE;
	nla_nest_end(skb, nest);
	return 0;
}

static int rtpp_fill_session(struct sk_buff *skb, u32 portid, u32 seq,
			     int flags, const struct rtpp_switchboard *sb,
			     struct rtpp_session *sess, u8 cmd,
			     struct netlink_callback *cb)
{
	void *hdr;

	hdr = genlmsg_put(skb, portid, seq, &rtpp_family, flags, cmd);
	if (!hdr)
		return -EMSGSIZE;
	if (cb)
		nl_dump_check_consistent(cb, genlmsg_nlhdr(hdr));
	if (rtpp_put_switchboard(skb, sb, false) ||
	    rtpp_put_session(skb, sb, sess)) {
		genlmsg_cancel(skb, hdr);
		return -EMSGSIZE;
	}
	genlmsg_end(skb, hdr);
	return 0;
}

/* A switchboard's description in session replies: family and gates. */
static size_t rtpp_sb_short_size(void)
{
	return nla_total_size(0) + nla_total_size(sizeof(u8)) +
	       2 * (nla_total_size(0) + nla_total_size(sizeof(struct in6_addr)) +
		    nla_total_size(sizeof(u16)));
}

/*
 * The most a session message can need: sized exactly, the reply is not
 * copied again by netlink_trim() as a NLMSG_GOODSIZE buffer would be.
 */
static size_t rtpp_session_msg_size(void)
{
	size_t stream = nla_total_size(0) + nla_total_size(sizeof(u16)) +
			nla_total_size(sizeof(struct in6_addr)) +
			nla_total_size(sizeof(u16)) +
			nla_total_size(sizeof(u32)) + 2 * nla_total_size(0) +
			4 * nla_total_size_64bit(sizeof(u64));

	return rtpp_sb_short_size() + nla_total_size(0) +
	       nla_total_size(sizeof(u32)) + nla_total_size(sizeof(u8)) +
	       2 * nla_total_size_64bit(sizeof(u64)) +
	       RTPPROXY_STREAMS * stream;
}

static int rtpp_reply_session(struct genl_info *info,
			      const struct rtpp_switchboard *sb,
			      struct rtpp_session *sess, u8 cmd)
{
	struct sk_buff *msg;
	int err;

	msg = genlmsg_new(rtpp_session_msg_size(), GFP_KERNEL);
	if (!msg)
		return -ENOMEM;
	err = rtpp_fill_session(msg, info->snd_portid, info->snd_seq, 0, sb,
				sess, cmd, NULL);
	if (err) {
		nlmsg_free(msg);
		return err;
	}
	return genlmsg_reply(msg, info);
}

static int rtpp_reply_affected(struct genl_info *info, u8 cmd, u32 affected)
{
	struct sk_buff *msg;
	void *hdr;

	msg = genlmsg_new(nla_total_size(sizeof(u32)), GFP_KERNEL);
	if (!msg)
		return -ENOMEM;
	hdr = genlmsg_put_reply(msg, info, &rtpp_family, 0, cmd);
	if (!hdr || nla_put_u32(msg, RTPPROXY_A_AFFECTED, affected)) {
		nlmsg_free(msg);
		return -EMSGSIZE;
	}
	genlmsg_end(msg, hdr);
	return genlmsg_reply(msg, info);
}

/* Session tables: fixed-size records, one reserved attribute per message. */

static void rtpp_fill_stream_rec(struct rtpproxy_stream_rec *r,
				 const struct rtpp_switchboard *sb,
				 struct rtpp_session *sess, int idx,
				 unsigned long now)
{
	const struct rtpp_stream *st = &sess->stream[idx];
	struct rtpp_endpoint ep;

	rtpp_endpoint_read(sess, idx, &ep);
	r->gate_port = sb->gate[idx / 2].port + 2 * sess->id + (idx & 1);
	if (ep.port) {
		memcpy(r->addr, &ep.addr, rtpp_addr_len(sb->family));
		r->port = ntohs(ep.port);
		r->flags |= RTPPROXY_STREAM_F_CLIENT;
	}
	if ((ep.flags & (RTPP_STREAM_LEARNING | RTPP_STREAM_LEARNED)) ==
	    RTPP_STREAM_LEARNING && time_before(now, ep.learn_until)) {
		r->flags |= RTPPROXY_STREAM_F_LEARNING;
		r->learn_ms = jiffies_to_msecs(ep.learn_until - now);
	}
	if (ep.flags & RTPP_STREAM_ALWAYS)
		r->flags |= RTPPROXY_STREAM_F_ALWAYS_LEARN;
	if (ep.flags & RTPP_STREAM_LEARNED)
		r->flags |= RTPPROXY_STREAM_F_LEARNED;
	r->packets = atomic64_read(&st->packets);
	r->bytes = atomic64_read(&st->bytes);
	r->drops = atomic64_read(&st->drops);
	if (r->packets) {
		r->flags |= RTPPROXY_STREAM_F_RELAYED;
		r->last_ms = jiffies_to_msecs(now - READ_ONCE(st->last));
	}
}

/* Writes @sess's record at @dst, which need not be 8-byte aligned. */
static void rtpp_fill_session_rec(void *dst, const struct rtpp_switchboard *sb,
				  struct rtpp_session *sess, unsigned long now)
{
	struct rtpproxy_session_rec r = {};
	int i;

	r.id = sess->id;
	r.state = rtpp_session_expired(sess, sb, now) ? RTPPROXY_SESS_EXPIRED :
							 RTPPROXY_SESS_LIVE;
	r.age_ms = jiffies_to_msecs(now - sess->created);
	r.idle_ms = jiffies_to_msecs(now - READ_ONCE(sess->active));
	for (i = 0; i < RTPPROXY_STREAMS; i++)
		rtpp_fill_stream_rec(&r.stream[i], sb, sess, i, now);
	memcpy(dst, &r, sizeof(r));
}

static size_t rtpp_table_msg_size(unsigned int n)
{
	return rtpp_sb_short_size() + nla_total_size(sizeof(u32)) +
	       nla_total_size(n * sizeof(struct rtpproxy_session_rec));
}

/*
 * Starts a table message about @sb with room for @n records, or for as many
 * as fit when @n is 0; returns the first record's place and sets *@hdr and
 * *@table, or NULL when not even one fits.
 */
static void *rtpp_table_start(struct sk_buff *skb, u32 portid, u32 seq,
			      int flags, const struct rtpp_switchboard *sb,
			      unsigned int *n, void **hdr,
			      struct nlattr **table,
			      struct netlink_callback *cb)
{
	const size_t rec = sizeof(struct rtpproxy_session_rec);
	int room;

	*hdr = genlmsg_put(skb, portid, seq, &rtpp_family, flags,
			   RTPPROXY_CMD_GET_SESSION_TABLE);
	if (!*hdr)
		return NULL;
	if (cb)
		nl_dump_check_consistent(cb, genlmsg_nlhdr(*hdr));
	if (rtpp_put_switchboard(skb, sb, false) ||
	    nla_put_u32(skb, RTPPROXY_A_SESSION_REC_SIZE, rec))
		goto cancel;
	room = skb_tailroom(skb) - NLA_HDRLEN;
	if (room < (int)rec)
		goto cancel;
	if (!*n)
		*n = room / rec;
	*table = nla_reserve(skb, RTPPROXY_A_SESSION_TABLE, *n * rec);
	if (!*table)
		goto cancel;
	return nla_data(*table);

cancel:
	genlmsg_cancel(skb, *hdr);
	return NULL;
}

/* Ends a table message after @used of its reserved records. */
static void rtpp_table_end(struct sk_buff *skb, void *hdr,
			   struct nlattr *table, unsigned int used)
{
	size_t len = used * sizeof(struct rtpproxy_session_rec);

	table->nla_len = nla_attr_size(len);
	nlmsg_trim(skb, (char *)nla_data(table) + len);
	genlmsg_end(skb, hdr);
}

/* Commands. */

static int rtpp_nl_get_info(struct sk_buff *skb, struct genl_info *info)
{
	struct rtpp_net *rn = rtpp_net(genl_info_net(info));
	struct rtpp_switchboard *sb;
	unsigned int sessions = 0;
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
	list_for_each_entry(sb, &rn->switchboards, list)
		sessions += sb->sessions;
	if (nla_put_string(msg, RTPPROXY_A_VERSION, RTPP_VERSION) ||
	    nla_put_u64_64bit(msg, RTPPROXY_A_UPTIME_MS,
			      jiffies_to_msecs(jiffies - rn->created),
			      RTPPROXY_A_PAD) ||
	    nla_put_u32(msg, RTPPROXY_A_SWITCHBOARD_COUNT, rn->sb_count) ||
	    nla_put_u32(msg, RTPPROXY_A_SESSION_COUNT, sessions) ||
	    rtpp_put_counters(msg, RTPPROXY_A_COUNTERS, rn->counters)) {
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

static int rtpp_nl_dump_switchboards(struct sk_buff *skb,
				     struct netlink_callback *cb)
{
	struct rtpp_dump_ctx *ctx = (struct rtpp_dump_ctx *)cb->ctx;
	struct rtpp_net *rn = rtpp_net(sock_net(skb->sk));
	struct nlattr **attrs = rtpp_dump_attrs(cb);
	struct rtpp_switchboard *sb;
	struct rtpp_selector sel;
	int err;

	err = rtpp_parse_selector(attrs[RTPPROXY_A_SWITCHBOARD], &sel,
				  cb->extack);
	if (err)
		return err;
	mutex_lock(&rn->lock);
	cb->seq = rn->gen;
	list_for_each_entry(sb, &rn->switchboards, list) {
		void *hdr;

		if (sb->serial <= ctx->serial ||
		    !rtpp_switchboard_matches(sb, &sel))
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

static int rtpp_nl_new_session(struct sk_buff *skb, struct genl_info *info)
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
	if (err)
		rtpp_session_delete(sb, sess->id);
out:
	mutex_unlock(&rn->lock);
	return err;
}

static int rtpp_nl_set_session(struct sk_buff *skb, struct genl_info *info)
{
	struct rtpp_net *rn = rtpp_net(genl_info_net(info));
	bool ranged = info->attrs[RTPPROXY_A_SESS_ID_LO];
	unsigned long now = jiffies;
	struct rtpp_session_params p;
	struct rtpp_switchboard *sb;
	u32 lo, hi, affected = 0;
	unsigned int id;
	int err;

	mutex_lock(&rn->lock);
	sb = rtpp_select_one(rn, info);
	if (IS_ERR(sb)) {
		err = PTR_ERR(sb);
		goto out;
	}
	err = rtpp_parse_range(sb, info, &lo, &hi) ?:
	      rtpp_parse_session(sb, info->attrs[RTPPROXY_A_SESSION], false,
				 &p, info->extack);
	if (err)
		goto out;
	for_each_set_bit_from(lo, sb->used, sb->max_sess) {
		struct rtpp_session *sess;

		id = lo;
		if (id > hi)
			break;
		sess = rtpp_session_get(sb, id);
		if (rtpp_session_expired(sess, sb, now)) {
			/* Only a request naming it brings a session back. */
			if (!ranged)
				continue;
			rtpp_session_resurrect(sess);
		}
		rtpp_session_apply(sess, &p);
		affected++;
	}
out:
	mutex_unlock(&rn->lock);
	return err ?: rtpp_reply_affected(info, RTPPROXY_CMD_SET_SESSION,
					  affected);
}

/*
 * Runs @fn on every switchboard that the request's optional selector names,
 * under the namespace's mutex; @fn adds what it changed to *@affected.
 */
typedef int (*rtpp_sb_fn)(struct rtpp_switchboard *sb, struct genl_info *info,
			  u32 *affected);

static int rtpp_on_selected(struct genl_info *info, rtpp_sb_fn fn,
			    u32 *affected)
{
	struct rtpp_net *rn = rtpp_net(genl_info_net(info));
	const struct nlattr *nla = info->attrs[RTPPROXY_A_SWITCHBOARD];
	struct rtpp_switchboard *sb;
	struct rtpp_selector sel;
	unsigned int matched = 0;
	int err;

	err = rtpp_parse_selector(nla, &sel, info->extack);
	if (err)
		return err;
	mutex_lock(&rn->lock);
	list_for_each_entry(sb, &rn->switchboards, list) {
		if (!rtpp_switchboard_matches(sb, &sel))
			continue;
		matched++;
		err = fn(sb, info, affected);
		if (err)
			break;
	}
	mutex_unlock(&rn->lock);
	if (!err && nla && !matched) {
		NL_SET_ERR_MSG_ATTR(info->extack, nla,
				    "no switchboard matches the given gates");
		err = -ENOENT;
	}
	return err;
}

static int rtpp_delete_range(struct rtpp_switchboard *sb,
			     struct genl_info *info, u32 *affected)
{
	u32 lo, hi;
	int err;

	/* Range checks against --max-sess need one named switchboard. */
	err = rtpp_parse_range(info->attrs[RTPPROXY_A_SWITCHBOARD] ? sb : NULL,
			       info, &lo, &hi);
	if (err)
		return err;
	for_each_set_bit_from(lo, sb->used, sb->max_sess) {
		if (lo > hi)
			break;
		rtpp_session_delete(sb, lo);
		(*affected)++;
	}
	return 0;
}

static int rtpp_nl_del_session(struct sk_buff *skb, struct genl_info *info)
{
	u32 affected = 0;

	return rtpp_on_selected(info, rtpp_delete_range, &affected) ?:
	       rtpp_reply_affected(info, RTPPROXY_CMD_DEL_SESSION, affected);
}

static int rtpp_nl_get_session(struct sk_buff *skb, struct genl_info *info)
{
	struct rtpp_net *rn = rtpp_net(genl_info_net(info));
	const struct nlattr *alo = info->attrs[RTPPROXY_A_SESS_ID_LO];
	struct rtpp_switchboard *sb;
	struct rtpp_session *sess;
	u32 lo, hi;
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
	err = rtpp_parse_range(sb, info, &lo, &hi);
	if (err)
		goto out;
	sess = rtpp_session_get(sb, lo);
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
 * What a session dump asks for: the switchboards (@sel) and the session ids
 * @lo to @hi (one id when only the low end is given, all when neither is).
 */
static int rtpp_dump_selection(struct netlink_callback *cb,
			       struct rtpp_selector *sel, u32 *lo, u32 *hi)
{
	struct nlattr **attrs = rtpp_dump_attrs(cb);
	const struct nlattr *alo = attrs[RTPPROXY_A_SESS_ID_LO];
	const struct nlattr *ahi = attrs[RTPPROXY_A_SESS_ID_HI];
	int err;

	err = rtpp_parse_selector(attrs[RTPPROXY_A_SWITCHBOARD], sel,
				  cb->extack);
	if (err)
		return err;
	*lo = alo ? nla_get_u32(alo) : 0;
	*hi = ahi ? nla_get_u32(ahi) : alo ? *lo : U32_MAX;
	return 0;
}

static int rtpp_nl_dump_sessions(struct sk_buff *skb,
				 struct netlink_callback *cb)
{
	struct rtpp_dump_ctx *ctx = (struct rtpp_dump_ctx *)cb->ctx;
	struct rtpp_net *rn = rtpp_net(sock_net(skb->sk));
	struct rtpp_switchboard *sb;
	struct rtpp_selector sel;
	u32 lo, hi;
	int err;

	err = rtpp_dump_selection(cb, &sel, &lo, &hi);
	if (err)
		return err;

	mutex_lock(&rn->lock);
	cb->seq = rn->gen;
	list_for_each_entry(sb, &rn->switchboards, list) {
		unsigned int id;

		if (sb->serial < ctx->serial ||
		    !rtpp_switchboard_matches(sb, &sel))
			continue;
		if (sb->serial != ctx->serial) {
			ctx->serial = sb->serial;
			ctx->next_id = 0;
		}
		id = max(ctx->next_id, lo);
		for_each_set_bit_from(id, sb->used, sb->max_sess) {
			if (id > hi)
				break;
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

static int rtpp_nl_dump_table(struct sk_buff *skb, struct netlink_callback *cb)
{
	struct rtpp_dump_ctx *ctx = (struct rtpp_dump_ctx *)cb->ctx;
	struct rtpp_net *rn = rtpp_net(sock_net(skb->sk));
	unsigned long now = jiffies;
	struct rtpp_switchboard *sb;
	struct rtpp_selector sel;
	u32 lo, hi;
	int err;

	err = rtpp_dump_selection(cb, &sel, &lo, &hi);
	if (err)
		return err;

	mutex_lock(&rn->lock);
	cb->seq = rn->gen;
	list_for_each_entry(sb, &rn->switchboards, list) {
		unsigned int id, n = 0, used = 0;
		struct nlattr *table;
		void *hdr;
		u8 *rec;

		if (sb->serial < ctx->serial ||
		    !rtpp_switchboard_matches(sb, &sel))
			continue;
		if (sb->serial != ctx->serial) {
			ctx->serial = sb->serial;
			ctx->next_id = 0;
		}
		id = find_next_bit(sb->used, sb->max_sess,
				   max(ctx->next_id, lo));
		if (id >= sb->max_sess || id > hi) {
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
		for (; id < sb->max_sess && id <= hi && used < n;
		     id = find_next_bit(sb->used, sb->max_sess, id + 1)) {
			rtpp_fill_session_rec(rec, sb, rtpp_session_get(sb, id),
					      now);
			rec += sizeof(struct rtpproxy_session_rec);
			used++;
		}
		rtpp_table_end(skb, hdr, table, used);
		if (used == n && id < sb->max_sess && id <= hi) {
			ctx->next_id = id;
			goto out;
		}
		ctx->next_id = sb->max_sess;
	}
out:
	mutex_unlock(&rn->lock);
	return err ?: skb->len;
}

static int rtpp_nl_new_sessions(struct sk_buff *skb, struct genl_info *info)
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
	if (rem || !n || n > RTPPROXY_BULK_MAX) {
		NL_SET_ERR_MSG_ATTR(info->extack, list,
				    "session list must hold 1 to RTPPROXY_BULK_MAX well-formed sessions");
		return -EINVAL;
	}
	params = kvmalloc_array(n, sizeof(*params), GFP_KERNEL);
	sessions = kmalloc_array(n, sizeof(*sessions), GFP_KERNEL);
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
	goto out_unlock;

out_undo:
	while (i--)
		rtpp_session_delete(sb, sessions[i]->id);
out_unlock:
	mutex_unlock(&rn->lock);
out_free:
	nlmsg_free(msg);
	kfree(sessions);
	kvfree(params);
	return err;
}

static int rtpp_nl_del_sessions(struct sk_buff *skb, struct genl_info *info)
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

static int rtpp_reset_switchboard(struct rtpp_switchboard *sb,
				  struct genl_info *info, u32 *affected)
{
	u32 what = nla_get_u32(info->attrs[RTPPROXY_A_RESET]);
	unsigned int id;

	if (what & RTPPROXY_RESET_SWITCHBOARD)
		rtpp_counters_reset(sb->counters);
	if (what & RTPPROXY_RESET_SESSIONS)
		for_each_set_bit(id, sb->used, sb->max_sess)
			rtpp_session_reset_counters(rtpp_session_get(sb, id));
	(*affected)++;
	return 0;
}

static int rtpp_nl_reset_counters(struct sk_buff *skb, struct genl_info *info)
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
	err = rtpp_on_selected(info, rtpp_reset_switchboard, &affected);
	if (err)
		return err;
	if (nla_get_u32(info->attrs[RTPPROXY_A_RESET]) & RTPPROXY_RESET_GLOBAL)
		rtpp_counters_reset(rn->counters);
	return rtpp_reply_affected(info, RTPPROXY_CMD_RESET_COUNTERS, affected);
}

static int rtpp_audit_switchboard(struct rtpp_switchboard *sb,
				  struct genl_info *info, u32 *affected)
{
	*affected += rtpp_switchboard_expire(sb);
	return 0;
}

static int rtpp_nl_audit(struct sk_buff *skb, struct genl_info *info)
{
	u32 affected = 0;

	return rtpp_on_selected(info, rtpp_audit_switchboard, &affected) ?:
	       rtpp_reply_affected(info, RTPPROXY_CMD_AUDIT, affected);
}

/*
 * Reads need CAP_NET_ADMIN too: session lists say who talks to whom. Root
 * of a user namespace owning the network namespace qualifies.
 */
static const struct genl_ops rtpp_nl_ops[] = {
	{
		.cmd = RTPPROXY_CMD_GET_INFO,
		.doit = rtpp_nl_get_info,
		.flags = GENL_UNS_ADMIN_PERM,
	}, {
		.cmd = RTPPROXY_CMD_GET_SWITCHBOARD,
		.dumpit = rtpp_nl_dump_switchboards,
		.flags = GENL_UNS_ADMIN_PERM,
	}, {
		.cmd = RTPPROXY_CMD_NEW_SESSION,
		.doit = rtpp_nl_new_session,
		.flags = GENL_UNS_ADMIN_PERM,
	}, {
		.cmd = RTPPROXY_CMD_SET_SESSION,
		.doit = rtpp_nl_set_session,
		.flags = GENL_UNS_ADMIN_PERM,
	}, {
		.cmd = RTPPROXY_CMD_DEL_SESSION,
		.doit = rtpp_nl_del_session,
		.flags = GENL_UNS_ADMIN_PERM,
	}, {
		.cmd = RTPPROXY_CMD_GET_SESSION,
		.doit = rtpp_nl_get_session,
		.dumpit = rtpp_nl_dump_sessions,
		.flags = GENL_UNS_ADMIN_PERM,
	}, {
		.cmd = RTPPROXY_CMD_RESET_COUNTERS,
		.doit = rtpp_nl_reset_counters,
		.flags = GENL_UNS_ADMIN_PERM,
	}, {
		.cmd = RTPPROXY_CMD_AUDIT,
		.doit = rtpp_nl_audit,
		.flags = GENL_UNS_ADMIN_PERM,
	}, {
		.cmd = RTPPROXY_CMD_NEW_SESSIONS,
		.doit = rtpp_nl_new_sessions,
		.flags = GENL_UNS_ADMIN_PERM,
	}, {
		.cmd = RTPPROXY_CMD_DEL_SESSIONS,
		.doit = rtpp_nl_del_sessions,
		.flags = GENL_UNS_ADMIN_PERM,
	}, {
		.cmd = RTPPROXY_CMD_GET_SESSION_TABLE,
		.dumpit = rtpp_nl_dump_table,
		.flags = GENL_UNS_ADMIN_PERM,
	},
};

static struct genl_family rtpp_family __ro_after_init = {
	.name		= XT_RTPPROXY_GENL_NAME,
	.version	= XT_RTPPROXY_GENL_VERSION,
	.maxattr	= RTPPROXY_A_MAX,
	.policy		= rtpp_policy,
	.netnsok	= true,
	.parallel_ops	= true,
	.module		= THIS_MODULE,
	.ops		= rtpp_nl_ops,
	.n_ops		= ARRAY_SIZE(rtpp_nl_ops),
	/* A new family: the header's reserved field must be 0 for every command. */
	.resv_start_op	= 0,
};

int rtpp_netlink_init(void)
{
	BUILD_BUG_ON(sizeof(struct rtpp_dump_ctx) >
		     sizeof_field(struct netlink_callback, ctx));
	return genl_register_family(&rtpp_family);
}

void rtpp_netlink_exit(void)
{
	genl_unregister_family(&rtpp_family);
}

// SPDX-License-Identifier: GPL-2.0
/*
 * Requests: the attribute policies and the parsing of what a command names
 * (switchboards, session ids, stream changes), checked before anything
 * changes.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/ipv6.h>
#include <net/genetlink.h>
#include <net/ipv6.h>
#include <linux/slab.h>
#include "compat.h"
#include "nl_request.h"
#include "record.h"
#include "session.h"

static const struct nla_policy rtpp_gate_policy[RTPPROXY_GATE_A_MAX + 1] = {
	[RTPPROXY_GATE_A_ADDR]	= { .type = NLA_BINARY,
				    .len = sizeof(struct in6_addr) },
	[RTPPROXY_GATE_A_PORT]	= { .type = NLA_U16 },
	/* A selector's address says its family by its length. */
	[RTPPROXY_GATE_A_FAMILY] = { .type = NLA_REJECT },
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
	[RTPPROXY_STREAM_A_RATE]		= { .type = NLA_U32 },
	[RTPPROXY_STREAM_A_BURST]		= NLA_POLICY_MIN(NLA_U32,
								 RTPPROXY_MIN_BURST),
};

/* Not const: 6.1's struct nla_policy points to it without. */
static struct netlink_range_validation rtpp_clock_rate_range = {
	.min = RTPPROXY_MIN_CLOCK_RATE,
	.max = RTPPROXY_MAX_CLOCK_RATE,
};

static const struct nla_policy rtpp_sess_policy[RTPPROXY_SESS_A_MAX + 1] = {
	[RTPPROXY_SESS_A_RTP_A]		= NLA_POLICY_NESTED(rtpp_stream_policy),
	[RTPPROXY_SESS_A_RTCP_A]	= NLA_POLICY_NESTED(rtpp_stream_policy),
	[RTPPROXY_SESS_A_RTP_B]		= NLA_POLICY_NESTED(rtpp_stream_policy),
	[RTPPROXY_SESS_A_RTCP_B]	= NLA_POLICY_NESTED(rtpp_stream_policy),
	[RTPPROXY_SESS_A_DSCP]		= { .type = NLA_U8 },
	[RTPPROXY_SESS_A_MAX_TTL]	= { .type = NLA_U8 },
	[RTPPROXY_SESS_A_MARK]		= { .type = NLA_U32 },
	[RTPPROXY_SESS_A_MARK_MASK]	= { .type = NLA_U32 },
	[RTPPROXY_SESS_A_DUP_BELOW]	= { .type = NLA_U16 },
	[RTPPROXY_SESS_A_LABEL]		= { .type = NLA_BINARY,
					    .len = RTPPROXY_LABEL_MAX },
	[RTPPROXY_SESS_A_CLOCK_RATE]	=
		NLA_POLICY_FULL_RANGE(NLA_U32, &rtpp_clock_rate_range),
	[RTPPROXY_SESS_A_NFLOG_GROUP]	= { .type = NLA_U16 },
	[RTPPROXY_SESS_A_NFLOG_COPY]	= NLA_POLICY_MASK(NLA_U8,
							  RTPPROXY_NFLOG_ALL),
	[RTPPROXY_SESS_A_NFLOG_OFF]	= { .type = NLA_FLAG },
};

const struct nla_policy rtpp_policy[RTPPROXY_A_MAX + 1] = {
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
	[RTPPROXY_A_LABEL]		= { .type = NLA_BINARY,
					    .len = RTPPROXY_LABEL_MAX },
	[RTPPROXY_A_LABEL_PREFIX]	= { .type = NLA_FLAG },
};

int rtpp_parse_selector(const struct nlattr *nla, struct rtpp_selector *sel,
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
struct rtpp_switchboard *rtpp_select_one(struct rtpp_net *rn,
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

static int rtpp_parse_stream(const struct rtpp_switchboard *sb, int idx,
			     const struct nlattr *nla,
			     struct rtpp_stream_params *sp,
			     struct netlink_ext_ack *extack)
{
	struct nlattr *tb[RTPPROXY_STREAM_A_MAX + 1];
	u8 family = rtpp_stream_family(sb, idx);
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
		if (nla_len(addr) != rtpp_addr_len(family)) {
			NL_SET_ERR_MSG_ATTR(extack, addr,
					    "client address is not of the family of the stream's gate");
			return -EAFNOSUPPORT;
		}
		if (tb[RTPPROXY_STREAM_A_CLEAR_ADDR]) {
			NL_SET_ERR_MSG_ATTR(extack, tb[RTPPROXY_STREAM_A_CLEAR_ADDR],
					    "cannot both set and clear the client address");
			return -EINVAL;
		}
		nla_memcpy(&sp->addr, addr, nla_len(addr));
		if (!rtpp_addr_unicast(family, &sp->addr)) {
			NL_SET_ERR_MSG_ATTR(extack, addr,
					    "client address must be unicast");
			return -EINVAL;
		}
		if (family == NFPROTO_IPV6 &&
		    ipv6_addr_type(&sp->addr.in6) & IPV6_ADDR_LINKLOCAL) {
			NL_SET_ERR_MSG_ATTR(extack, addr,
					    "link-local client addresses are not supported: the relay has no interface to send them on");
			return -EINVAL;
		}
		if (!nla_get_u16(port)) {
			NL_SET_ERR_MSG_ATTR(extack, port,
					    "client port must not be 0");
			return -EINVAL;
		}
		if (rtpp_is_gate_port(sb, family, &sp->addr,
				      nla_get_u16(port))) {
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
		if (sp->learn_ms > RTPPROXY_MAX_LEARN_TIMEOUT_MS) {
			NL_SET_ERR_MSG_ATTR(extack,
					    tb[RTPPROXY_STREAM_A_LEARN_TIMEOUT_MS],
					    "learning timeout is longer than a day");
			return -EINVAL;
		}
		sp->set_learn = true;
	}
	if (tb[RTPPROXY_STREAM_A_BURST] && !tb[RTPPROXY_STREAM_A_RATE]) {
		NL_SET_ERR_MSG_ATTR(extack, tb[RTPPROXY_STREAM_A_BURST],
				    "a burst goes with RTPPROXY_STREAM_A_RATE");
		return -EINVAL;
	}
	if (tb[RTPPROXY_STREAM_A_RATE]) {
		sp->rate = nla_get_u32(tb[RTPPROXY_STREAM_A_RATE]);
		/* A fifth of a second at the rate, one datagram at least. */
		if (!sp->rate)
			sp->burst = 0;
		else if (tb[RTPPROXY_STREAM_A_BURST])
			sp->burst = nla_get_u32(tb[RTPPROXY_STREAM_A_BURST]);
		else
			sp->burst = max_t(u32, sp->rate / 5, RTPPROXY_MIN_BURST);
		sp->set_rate = true;
	}
	if (addr || sp->set_learn || tb[RTPPROXY_STREAM_A_ALWAYS_LEARN]) {
		sp->set_always = true;
		sp->always = tb[RTPPROXY_STREAM_A_ALWAYS_LEARN];
	}
	return 0;
}

/* The relay options of a session nest (RTPPROXY_SESS_A_DSCP...). */
static int rtpp_parse_relay_opts(struct nlattr **tb,
				 struct rtpp_session_params *p,
				 struct netlink_ext_ack *extack)
{
	struct nlattr *dscp = tb[RTPPROXY_SESS_A_DSCP];
	struct nlattr *mask = tb[RTPPROXY_SESS_A_MARK_MASK];

	if (dscp) {
		p->opts.dscp = nla_get_u8(dscp);
		if (p->opts.dscp > RTPPROXY_DSCP_MAX &&
		    p->opts.dscp != RTPPROXY_DSCP_SENDER) {
			NL_SET_ERR_MSG_ATTR(extack, dscp,
					    "DSCP is 0 to 63, or RTPPROXY_DSCP_SENDER");
			return -EINVAL;
		}
		p->set_dscp = true;
	}
	if (tb[RTPPROXY_SESS_A_MAX_TTL]) {
		p->opts.max_ttl = nla_get_u8(tb[RTPPROXY_SESS_A_MAX_TTL]);
		p->set_max_ttl = true;
	}
	if (tb[RTPPROXY_SESS_A_DUP_BELOW]) {
		p->opts.dup_below = nla_get_u16(tb[RTPPROXY_SESS_A_DUP_BELOW]);
		p->set_dup_below = true;
	}
	if (mask && !tb[RTPPROXY_SESS_A_MARK]) {
		NL_SET_ERR_MSG_ATTR(extack, mask,
				    "a mark mask goes with RTPPROXY_SESS_A_MARK");
		return -EINVAL;
	}
	if (tb[RTPPROXY_SESS_A_MARK]) {
		p->opts.mark = nla_get_u32(tb[RTPPROXY_SESS_A_MARK]);
		p->opts.mark_mask = mask ? nla_get_u32(mask) : ~0U;
		p->set_mark = true;
	}
	return 0;
}

/*
 * Recording on (to a group, with which copies) or off. The loggers of the
 * gates' families are made ready here, where the request may sleep and
 * fail: relayed datagrams then only ever find them.
 */
static int rtpp_parse_nflog(const struct rtpp_switchboard *sb,
			    struct nlattr **tb, struct rtpp_session_params *p,
			    struct netlink_ext_ack *extack)
{
	struct nlattr *group = tb[RTPPROXY_SESS_A_NFLOG_GROUP];
	struct nlattr *copy = tb[RTPPROXY_SESS_A_NFLOG_COPY];
	struct nlattr *off = tb[RTPPROXY_SESS_A_NFLOG_OFF];
	int i;

	if (off && (group || copy)) {
		NL_SET_ERR_MSG_ATTR(extack, off,
				    "recording cannot both start and stop");
		return -EINVAL;
	}
	if (copy && !group) {
		NL_SET_ERR_MSG_ATTR(extack, copy,
				    "which copies to record goes with RTPPROXY_SESS_A_NFLOG_GROUP");
		return -EINVAL;
	}
	if (off) {
		p->set_nflog = true;
		return 0;
	}
	if (!group)
		return 0;
	p->opts.nflog_group = nla_get_u16(group);
	p->opts.nflog_copy = copy ? nla_get_u8(copy) : RTPPROXY_NFLOG_RECEIVED;
	if (!p->opts.nflog_copy) {
		NL_SET_ERR_MSG_ATTR(extack, copy,
				    "record received copies, sent ones or both");
		return -EINVAL;
	}
	for (i = 0; i < 2; i++) {
		if (rtpp_record_prepare(sb->gate[i].family)) {
			NL_SET_ERR_MSG_ATTR(extack, group,
					    "no NFLOG logger: nfnetlink_log is not available");
			/* Not EOPNOTSUPP: that says a command is unknown. */
			return -ENOENT;
		}
	}
	p->set_nflog = true;
	return 0;
}

int rtpp_parse_session(const struct rtpp_switchboard *sb,
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
		err = rtpp_parse_stream(sb, i, tb[RTPPROXY_SESS_A_RTP_A + i],
					sp, extack);
		if (err)
			return err;
		usable |= sp->set_addr || sp->learn_ms || sp->always;
	}
	err = rtpp_parse_relay_opts(tb, p, extack) ?:
	      rtpp_parse_nflog(sb, tb, p, extack);
	if (err)
		return err;
	p->label = tb[RTPPROXY_SESS_A_LABEL];
	if (tb[RTPPROXY_SESS_A_CLOCK_RATE])
		p->clock_rate = nla_get_u32(tb[RTPPROXY_SESS_A_CLOCK_RATE]);
out:
	if (create && !usable) {
		NL_SET_ERR_MSG(extack,
			       "give at least one client address or learning timeout");
		return -EINVAL;
	}
	return 0;
}

/**
 * rtpp_parse_range - the session ids a request names
 * @attrs: the request's attributes
 * @extack: for the error message
 * @r: set to one id (only RTPPROXY_A_SESS_ID_LO), a range, or every id
 *
 * Return: 0 or -EINVAL for a range that ends before it starts.
 */
int rtpp_parse_range(struct nlattr **attrs, struct netlink_ext_ack *extack,
		     struct rtpp_id_range *r)
{
	const struct nlattr *ahi = attrs[RTPPROXY_A_SESS_ID_HI];

	r->lo_attr = attrs[RTPPROXY_A_SESS_ID_LO];
	r->lo = r->lo_attr ? nla_get_u32(r->lo_attr) : 0;
	r->hi = ahi ? nla_get_u32(ahi) : r->lo_attr ? r->lo : U32_MAX;
	if (r->hi < r->lo) {
		NL_SET_ERR_MSG_ATTR(extack, ahi,
				    "session id range ends before it starts");
		return -EINVAL;
	}
	return 0;
}

/**
 * rtpp_check_range - does a given range start within a switchboard
 * @sb: the switchboard
 * @r: the range
 * @extack: for the error message
 *
 * Return: 0, or -EINVAL when a given low id is at or beyond --max-sess.
 */
int rtpp_check_range(const struct rtpp_switchboard *sb,
		     const struct rtpp_id_range *r,
		     struct netlink_ext_ack *extack)
{
	if (r->lo_attr && r->lo >= sb->max_sess) {
		NL_SET_ERR_MSG_ATTR(extack, r->lo_attr,
				    "session id is beyond the switchboard's --max-sess");
		return -EINVAL;
	}
	return 0;
}

/**
 * rtpp_on_selected - change every switchboard a request names, or none
 * @info: the request; its optional selector names the switchboards
 * @check: if not NULL, run on every named switchboard first: an error
 *	from any of them leaves all of them unchanged
 * @fn: the change, which adds what it changed to *@affected
 * @affected: the count for the reply
 *
 * Runs under the namespace's mutex.
 *
 * Return: 0 or the first error.
 */
int rtpp_on_selected(struct genl_info *info, rtpp_sb_check_fn check,
		     rtpp_sb_fn fn, u32 *affected)
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
		err = check ? check(sb, info) : 0;
		if (err)
			goto out;
	}
	list_for_each_entry(sb, &rn->switchboards, list) {
		if (!rtpp_switchboard_matches(sb, &sel))
			continue;
		err = fn(sb, info, affected);
		if (err)
			break;
	}
out:
	mutex_unlock(&rn->lock);
	if (!err && nla && !matched) {
		NL_SET_ERR_MSG_ATTR(info->extack, nla,
				    "no switchboard matches the given gates");
		err = -ENOENT;
	}
	return err;
}

/* A dump's label filter: an exact label, or with the flag a prefix. */
static int rtpp_parse_label_filter(struct nlattr **attrs,
				   struct rtpp_label_filter *f,
				   struct netlink_ext_ack *extack)
{
	const struct nlattr *label = attrs[RTPPROXY_A_LABEL];

	if (!label) {
		if (attrs[RTPPROXY_A_LABEL_PREFIX]) {
			NL_SET_ERR_MSG_ATTR(extack,
					    attrs[RTPPROXY_A_LABEL_PREFIX],
					    "a label prefix goes with RTPPROXY_A_LABEL");
			return -EINVAL;
		}
		return 0;
	}
	if (!nla_len(label)) {
		NL_SET_ERR_MSG_ATTR(extack, label,
				    "label filter is empty: leave it out to list every session");
		return -EINVAL;
	}
	f->len = nla_len(label);
	f->prefix = nla_get_flag(attrs[RTPPROXY_A_LABEL_PREFIX]);
	nla_memcpy(f->label, label, sizeof(f->label));
	return 0;
}

/**
 * rtpp_dump_start - parse a dump's selection once, for all its parts
 * @cb: the dump; its state goes to cb->ctx
 *
 * Return: 0 or an error for the whole dump.
 */
int rtpp_dump_start(struct netlink_callback *cb)
{
	struct nlattr **attrs = rtpp_dump_attrs(cb);
	struct rtpp_dump_state *st;
	int err;

	BUILD_BUG_ON(sizeof(st) > sizeof_field(struct netlink_callback, ctx));
	st = kzalloc(sizeof(*st), RTPP_GFP_NS);
	if (!st)
		return -ENOMEM;
	err = rtpp_parse_selector(attrs[RTPPROXY_A_SWITCHBOARD], &st->sel,
				  cb->extack) ?:
	      rtpp_parse_range(attrs, cb->extack, &st->range) ?:
	      rtpp_parse_label_filter(attrs, &st->label, cb->extack);
	if (err) {
		kfree(st);
		return err;
	}
	*(struct rtpp_dump_state **)cb->ctx = st;
	return 0;
}

/**
 * rtpp_dump_done - free a dump's state
 * @cb: the dump
 *
 * Return: 0.
 */
int rtpp_dump_done(struct netlink_callback *cb)
{
	kfree(rtpp_dump_state(cb));
	return 0;
}

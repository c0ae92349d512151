/* SPDX-License-Identifier: GPL-2.0 */
/* Requests: attribute policies and what a command names (nl_request.c). */
#ifndef _RTPP_NL_REQUEST_H
#define _RTPP_NL_REQUEST_H

#include <net/genetlink.h>
#include "session.h"

extern const struct nla_policy rtpp_policy[RTPPROXY_A_MAX + 1];

/* The session ids a request names. */
struct rtpp_id_range {
	u32 lo, hi;
	const struct nlattr *lo_attr;	/* NULL: no id was given */
};

/* A dump's selection, parsed once by its .start, and its position. */
struct rtpp_dump_state {
	struct rtpp_selector sel;
	struct rtpp_id_range range;
	struct rtpp_label_filter label;
	u64 serial;		/* last switchboard (partly) dumped */
	u32 next_id;		/* next session id in it */
};

static inline struct rtpp_dump_state *
rtpp_dump_state(struct netlink_callback *cb)
{
	return *(struct rtpp_dump_state **)cb->ctx;
}

/*
 * A dump's sequence for nl_dump_check_consistent(): never 0, which would
 * mean "not set" and miss the change after the first message.
 */
static inline unsigned int rtpp_dump_seq(const struct rtpp_net *rn)
{
	return rn->gen << 1 | 1;
}

typedef int (*rtpp_sb_check_fn)(const struct rtpp_switchboard *sb,
				struct genl_info *info);
typedef int (*rtpp_sb_fn)(struct rtpp_switchboard *sb, struct genl_info *info,
			  u32 *affected);

int rtpp_parse_selector(const struct nlattr *nla, struct rtpp_selector *sel,
			struct netlink_ext_ack *extack);
struct rtpp_switchboard *rtpp_select_one(struct rtpp_net *rn,
					 struct genl_info *info);
int rtpp_parse_session(const struct rtpp_switchboard *sb,
		       const struct nlattr *nla, bool create,
		       struct rtpp_session_params *p,
		       struct netlink_ext_ack *extack);
int rtpp_parse_range(struct nlattr **attrs, struct netlink_ext_ack *extack,
		     struct rtpp_id_range *r);
int rtpp_check_range(const struct rtpp_switchboard *sb,
		     const struct rtpp_id_range *r,
		     struct netlink_ext_ack *extack);
int rtpp_on_selected(struct genl_info *info, rtpp_sb_check_fn check,
		     rtpp_sb_fn fn, u32 *affected);
int rtpp_dump_start(struct netlink_callback *cb);
int rtpp_dump_done(struct netlink_callback *cb);

#endif /* _RTPP_NL_REQUEST_H */

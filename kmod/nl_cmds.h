/* SPDX-License-Identifier: GPL-2.0 */
/* The generic netlink family's command handlers (nl_session.c, nl_switchboard.c). */
#ifndef _RTPP_NL_CMDS_H
#define _RTPP_NL_CMDS_H

#include <net/genetlink.h>

extern struct genl_family rtpp_family;

/* nl_switchboard.c */
int rtpp_nl_get_info(struct sk_buff *skb, struct genl_info *info);
int rtpp_nl_dump_switchboards(struct sk_buff *skb, struct netlink_callback *cb);
int rtpp_nl_reset_counters(struct sk_buff *skb, struct genl_info *info);
int rtpp_nl_audit(struct sk_buff *skb, struct genl_info *info);

/* nl_session.c */
int rtpp_nl_new_session(struct sk_buff *skb, struct genl_info *info);
int rtpp_nl_set_session(struct sk_buff *skb, struct genl_info *info);
int rtpp_nl_del_session(struct sk_buff *skb, struct genl_info *info);
int rtpp_nl_get_session(struct sk_buff *skb, struct genl_info *info);
int rtpp_nl_dump_sessions(struct sk_buff *skb, struct netlink_callback *cb);
int rtpp_nl_dump_table(struct sk_buff *skb, struct netlink_callback *cb);
int rtpp_nl_new_sessions(struct sk_buff *skb, struct genl_info *info);
int rtpp_nl_del_sessions(struct sk_buff *skb, struct genl_info *info);

#endif /* _RTPP_NL_CMDS_H */

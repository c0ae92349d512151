/* SPDX-License-Identifier: GPL-2.0 */
/* Replies: switchboards, sessions and session tables as messages (nl_reply.c). */
#ifndef _RTPP_NL_REPLY_H
#define _RTPP_NL_REPLY_H

#include <net/genetlink.h>
#include "session.h"

int rtpp_put_counters(struct sk_buff *skb, int type,
		      const struct rtpp_counter_set *c);
int rtpp_put_switchboard(struct sk_buff *skb,
			 const struct rtpp_switchboard *sb, bool full);
int rtpp_put_session(struct sk_buff *skb, const struct rtpp_switchboard *sb,
		     struct rtpp_session *sess);
size_t rtpp_session_msg_size(void);
int rtpp_fill_session(struct sk_buff *skb, u32 portid, u32 seq, int flags,
		      const struct rtpp_switchboard *sb,
		      struct rtpp_session *sess, u8 cmd,
		      struct netlink_callback *cb);
int rtpp_reply_session(struct genl_info *info,
		       const struct rtpp_switchboard *sb,
		       struct rtpp_session *sess, u8 cmd);
int rtpp_reply_affected(struct genl_info *info, u8 cmd, u32 affected);
void rtpp_fill_session_rec(void *dst, const struct rtpp_switchboard *sb,
			   struct rtpp_session *sess, unsigned long now);
size_t rtpp_table_msg_size(unsigned int n);
void *rtpp_table_start(struct sk_buff *skb, u32 portid, u32 seq, int flags,
		       const struct rtpp_switchboard *sb, unsigned int *n,
		       void **hdr, struct nlattr **table,
		       struct netlink_callback *cb);
void rtpp_table_end(struct sk_buff *skb, void *hdr, struct nlattr *table,
		    unsigned int used);

#endif /* _RTPP_NL_REPLY_H */

/* SPDX-License-Identifier: GPL-2.0 */
/* The packet path: a packet at a gate port goes to the opposite client. */
#ifndef _RTPP_RELAY_H
#define _RTPP_RELAY_H

#include <linux/netfilter.h>
#include <linux/skbuff.h>
#include "switchboard.h"

unsigned int rtpp_relay(const struct nf_hook_state *state,
			struct rtpp_switchboard *sb, struct sk_buff *skb);

#endif /* _RTPP_RELAY_H */

/* SPDX-License-Identifier: GPL-2.0 */
/* Events: session and switchboard changes multicast to listeners (events.c). */
#ifndef _RTPP_EVENTS_H
#define _RTPP_EVENTS_H

#include <linux/gfp.h>
#include <net/genetlink.h>
#include "session.h"

/* The family's multicast groups, by index. */
#define RTPP_MCGRP_EVENTS	0
#define RTPP_MCGRPS		1

extern const struct genl_multicast_group rtpp_mcgrps[RTPP_MCGRPS];

void rtpp_event_session(struct rtpp_switchboard *sb, struct rtpp_session *sess,
			u8 event, gfp_t gfp);
void rtpp_event_learned(struct rtpp_switchboard *sb, struct rtpp_session *sess,
			int idx);
void rtpp_event_switchboard(struct rtpp_switchboard *sb, u8 event);

#endif /* _RTPP_EVENTS_H */

/* SPDX-License-Identifier: GPL-2.0 */
/* Recording: copies of a session's datagrams to an NFLOG group. */
#ifndef _RTPP_RECORD_H
#define _RTPP_RECORD_H

#include <linux/netfilter.h>
#include <linux/skbuff.h>

/* What a relayed datagram's copies need to know of its session. */
struct rtpp_record {
	u8 copy;			/* RTPPROXY_NFLOG_* bits; 0: none */
	u8 stream;			/* where it came in: rtpproxy_stream_idx */
	u16 group;
	u32 id;				/* the session's */
};

int rtpp_record_prepare(u8 family);
void rtpp_record_copy(struct net *net, u8 family, unsigned int hook,
		      const struct sk_buff *skb, const struct net_device *in,
		      const struct net_device *out,
		      const struct rtpp_record *rec, bool sent);
void rtpp_record_exit(void);

#endif /* _RTPP_RECORD_H */

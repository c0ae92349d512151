/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Per-CPU counters of a switchboard and of a network namespace: the packet
 * path only adds to its own CPU's copy, readers sum them up.
 */
#ifndef _RTPP_COUNTERS_H
#define _RTPP_COUNTERS_H

#include <linux/percpu.h>
#include <linux/netfilter/xt_RTPPROXY.h>

/* Same order as enum rtpproxy_counter_attr, from RTPPROXY_CNT_A_PACKETS. */
enum rtpp_counter {
	RTPP_CNT_PACKETS,
	RTPP_CNT_BYTES,
	RTPP_CNT_DROP_NO_SESSION,
	RTPP_CNT_DROP_SOURCE,
	RTPP_CNT_DROP_EXPIRED,
	RTPP_CNT_DROP_MALFORMED,
	RTPP_CNT_DROP_NO_DEST,
	RTPP_CNT_DROP_XMIT,
	RTPP_CNT_SESS_CREATED,
	RTPP_CNT_SESS_EXPIRED,
	RTPP_CNT_SESS_DELETED,
	RTPP_CNT_MAX
};

#define RTPP_CNT_ATTR(c)	(RTPPROXY_CNT_A_PACKETS + (c))

struct rtpp_counters {
	u64 v[RTPP_CNT_MAX];
};

static inline void rtpp_count(struct rtpp_counters __percpu *c,
			      enum rtpp_counter which, u64 n)
{
	this_cpu_add(c->v[which], n);
}

static inline void rtpp_counters_sum(struct rtpp_counters __percpu *c,
				     struct rtpp_counters *sum)
{
	int cpu, i;

	memset(sum, 0, sizeof(*sum));
	for_each_possible_cpu(cpu) {
		const struct rtpp_counters *p = per_cpu_ptr(c, cpu);

		for (i = 0; i < RTPP_CNT_MAX; i++)
			sum->v[i] += READ_ONCE(p->v[i]);
	}
}

/* Racy against concurrent adds on other CPUs: a reset may keep a few. */
static inline void rtpp_counters_reset(struct rtpp_counters __percpu *c)
{
	int cpu, i;

	for_each_possible_cpu(cpu) {
		struct rtpp_counters *p = per_cpu_ptr(c, cpu);

		for (i = 0; i < RTPP_CNT_MAX; i++)
			WRITE_ONCE(p->v[i], 0);
	}
}

#endif /* _RTPP_COUNTERS_H */

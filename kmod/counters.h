/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Per-CPU counters of a switchboard and of a network namespace: the packet
 * path only adds to its own CPU's copy, readers sum them up.
 */
#ifndef _RTPP_COUNTERS_H
#define _RTPP_COUNTERS_H

#include <linux/percpu.h>
#include <linux/string.h>
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
	RTPP_CNT_DROP_LOOP,
	RTPP_CNT_DUPLICATED,
	RTPP_CNT_DROP_RATE,
	RTPP_CNT_EVENTS_LOST,
	RTPP_CNT_MAX
};

#define RTPP_CNT_ATTR(c)	(RTPPROXY_CNT_A_PACKETS + (c))

struct rtpp_counters {
	u64 v[RTPP_CNT_MAX];
};

/*
 * A reset does not write into other CPUs' copies, which they update without
 * a lock: it records what they add up to, and readers subtract that.
 */
struct rtpp_counter_set {
	struct rtpp_counters __percpu *pcpu;
	struct rtpp_counters base;	/* under the namespace's mutex */
};

static inline int rtpp_counters_alloc(struct rtpp_counter_set *c, gfp_t gfp)
{
	memset(&c->base, 0, sizeof(c->base));
	c->pcpu = alloc_percpu_gfp(struct rtpp_counters, gfp);
	return c->pcpu ? 0 : -ENOMEM;
}

static inline void rtpp_counters_free(struct rtpp_counter_set *c)
{
	free_percpu(c->pcpu);
}

static inline void rtpp_count(struct rtpp_counter_set *c,
			      enum rtpp_counter which, u64 n)
{
	this_cpu_add(c->pcpu->v[which], n);
}

static inline void rtpp_counters_sum(const struct rtpp_counter_set *c,
				     struct rtpp_counters *sum)
{
	int cpu, i;

	memset(sum, 0, sizeof(*sum));
	for_each_possible_cpu(cpu) {
		const struct rtpp_counters *p = per_cpu_ptr(c->pcpu, cpu);

		for (i = 0; i < RTPP_CNT_MAX; i++)
			sum->v[i] += READ_ONCE(p->v[i]);
	}
}

/* The counters since the last reset; under the namespace's mutex. */
static inline void rtpp_counters_read(const struct rtpp_counter_set *c,
				      struct rtpp_counters *out)
{
	int i;

	rtpp_counters_sum(c, out);
	for (i = 0; i < RTPP_CNT_MAX; i++)
		out->v[i] -= c->base.v[i];
}

/* Under the namespace's mutex. */
static inline void rtpp_counters_reset(struct rtpp_counter_set *c)
{
	rtpp_counters_sum(c, &c->base);
}

#endif /* _RTPP_COUNTERS_H */

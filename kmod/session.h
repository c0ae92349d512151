/* SPDX-License-Identifier: GPL-2.0 */
/* Sessions: the slots of a switchboard and their four client streams. */
#ifndef _RTPP_SESSION_H
#define _RTPP_SESSION_H

#include <linux/atomic.h>
#include <linux/seqlock.h>
#include <linux/string.h>
#include "quality.h"
#include "route.h"
#include "switchboard.h"

#define RTPP_STREAM_LEARNING	BIT(0)	/* a learning window was opened */
#define RTPP_STREAM_LEARNED	BIT(1)	/* a packet closed the window */
#define RTPP_STREAM_ALWAYS	BIT(2)	/* re-learn from every packet */

struct rtpp_stream {
	/* Under the session's seqlock: */
	union nf_inet_addr addr;
	__be16 port;			/* 0: client unknown */
	u8 flags;
	unsigned long learn_until;	/* jiffies */
	/* Touched by the packet path without the lock: */
	unsigned long last;		/* jiffies of the last relayed packet */
	atomic64_t packets, bytes, drops, dups;
	/*
	 * The packet path's state of the stream under a lock of its own, one
	 * per stream: the rate limit's token bucket and (RTP streams) the
	 * call quality, taken once per datagram for both.
	 */
	spinlock_t lock;
	u32 rate, burst;		/* bytes a second (0: none), bytes */
	u32 tokens;			/* bytes that may go now */
	u64 refilled;			/* ns of the last refill */
	struct rtpp_quality quality;
};

struct rtpp_session {
	struct rcu_head rcu;
	seqlock_t lock;			/* stream addresses and flags */
	u32 id;
	bool expiry_counted;
	unsigned long created;
	unsigned long active;		/* last relayed packet or (re)start */
	struct rtpp_relay_opts opts;
	u32 clock_rate;			/* Hz of RTP timestamps, for jitter */
	struct rtpp_stream stream[RTPPROXY_STREAMS];
	/* Towards each side's RTP client, per side (route.c). */
	struct rtpp_route __rcu *route[2];
	/* The owner's opaque bytes: written under the mutex and the seqlock. */
	u8 label_len;
	u8 label[RTPPROXY_LABEL_MAX];
};

/* A snapshot of a stream's endpoint, read consistently. */
struct rtpp_endpoint {
	union nf_inet_addr addr;
	__be16 port;
	u8 flags;
	unsigned long learn_until;
};

/* What a request asks to change in one stream. */
struct rtpp_stream_params {
	bool set_addr, clear_addr, set_learn, set_always, set_rate;
	union nf_inet_addr addr;
	__be16 port;
	u32 learn_ms;
	bool always;
	u32 rate, burst;
};

struct rtpp_session_params {
	struct rtpp_stream_params stream[RTPPROXY_STREAMS];
	bool set_dscp, set_max_ttl, set_mark, set_dup_below, set_nflog;
	struct rtpp_relay_opts opts;	/* what the set_* flags say to set */
	u32 clock_rate;			/* 0: keep (new sessions: the default) */
	const struct nlattr *label;	/* the request's, validated; NULL: keep */
};

/* Which sessions a dump lists by their label (RTPPROXY_A_LABEL). */
struct rtpp_label_filter {
	u8 len;				/* 0: every session */
	bool prefix;
	u8 label[RTPPROXY_LABEL_MAX];
};

static inline bool rtpp_label_matches(const struct rtpp_session *sess,
				      const struct rtpp_label_filter *f)
{
	if (!f->len)
		return true;
	if (f->prefix ? sess->label_len < f->len : sess->label_len != f->len)
		return false;
	return !memcmp(sess->label, f->label, f->len);
}

static inline bool rtpp_session_expired(const struct rtpp_session *sess,
					const struct rtpp_switchboard *sb,
					unsigned long now)
{
	return time_after(now, READ_ONCE(sess->active) + READ_ONCE(sb->expires));
}

/* A stream's endpoint, under its session's seqlock (either side). */
static inline void rtpp_stream_endpoint(const struct rtpp_stream *st,
					struct rtpp_endpoint *ep)
{
	ep->addr = st->addr;
	ep->port = st->port;
	ep->flags = st->flags;
	ep->learn_until = st->learn_until;
}

static inline void rtpp_endpoint_read(struct rtpp_session *sess, int idx,
				      struct rtpp_endpoint *ep)
{
	unsigned int seq;

	do {
		seq = read_seqbegin(&sess->lock);
		rtpp_stream_endpoint(&sess->stream[idx], ep);
	} while (read_seqretry(&sess->lock, seq));
}

/* What is left of a stream's first learning window: 0 when none is open. */
static inline unsigned long rtpp_endpoint_window(const struct rtpp_endpoint *ep,
						 unsigned long now)
{
	if ((ep->flags & (RTPP_STREAM_LEARNING | RTPP_STREAM_LEARNED)) !=
	    RTPP_STREAM_LEARNING || !time_before(now, ep->learn_until))
		return 0;
	return ep->learn_until - now;
}

static inline bool rtpp_endpoint_learning(const struct rtpp_endpoint *ep,
					  unsigned long now)
{
	return ep->flags & RTPP_STREAM_ALWAYS || rtpp_endpoint_window(ep, now);
}

int rtpp_session_cache_init(void);
void rtpp_session_cache_exit(void);
struct rtpp_session *rtpp_session_get(struct rtpp_switchboard *sb, u32 id);
struct rtpp_session *rtpp_session_new(struct rtpp_switchboard *sb,
				      const struct rtpp_session_params *p,
				      struct netlink_ext_ack *extack);
void rtpp_session_apply(struct rtpp_session *sess,
			const struct rtpp_session_params *p);
void rtpp_session_created(struct rtpp_switchboard *sb, unsigned int n);
void rtpp_session_resurrect(struct rtpp_session *sess);
void rtpp_session_discard(struct rtpp_switchboard *sb, u32 id);
void rtpp_session_delete(struct rtpp_switchboard *sb, u32 id);
void rtpp_session_reset_counters(struct rtpp_session *sess);
unsigned int rtpp_switchboard_expire(struct rtpp_switchboard *sb,
				     unsigned int *id, unsigned int *budget);
bool rtpp_stream_admit(struct rtpp_session *sess, int idx,
		       const struct sk_buff *skb, unsigned int rtp_off,
		       unsigned int bytes);
void rtpp_stream_quality(struct rtpp_stream *st, struct rtpp_quality_stats *s);
bool rtpp_session_learn(struct rtpp_session *sess, u8 family, int idx,
			const union nf_inet_addr *addr, __be16 port,
			unsigned long now, struct rtpp_endpoint *cur,
			bool *moved);
void rtpp_switchboard_free_sessions(struct rtpp_switchboard *sb);

#endif /* _RTPP_SESSION_H */

// SPDX-License-Identifier: GPL-2.0
/*
 * Sessions: allocation, update, deletion and expiry. Every change happens
 * under the namespace's mutex; the packet path reads sessions under RCU and
 * the stream endpoints under the session's seqlock.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/ktime.h>
#include <linux/math64.h>
#include <linux/slab.h>
#include <net/netlink.h>
#include "events.h"
#include "session.h"

static struct kmem_cache *rtpp_session_cache __read_mostly;

int rtpp_session_cache_init(void)
{
	/* Sessions are made by a namespace's root: its memory cgroup pays. */
	rtpp_session_cache = KMEM_CACHE(rtpp_session, SLAB_ACCOUNT);
	return rtpp_session_cache ? 0 : -ENOMEM;
}

void rtpp_session_cache_exit(void)
{
	kmem_cache_destroy(rtpp_session_cache);
}

/* Frees a session that the packet path can no longer reach. */
static void rtpp_session_free(struct rtpp_session *sess)
{
	rtpp_route_release(&sess->route[RTPP_SIDE_A]);
	rtpp_route_release(&sess->route[RTPP_SIDE_B]);
	kmem_cache_free(rtpp_session_cache, sess);
}

static void rtpp_session_free_rcu(struct rcu_head *rcu)
{
	rtpp_session_free(container_of(rcu, struct rtpp_session, rcu));
}

/**
 * rtpp_session_get - the session in a slot
 * @sb: the switchboard, with its namespace's mutex held
 * @id: slot, below sb->max_sess
 *
 * Return: the session or NULL.
 */
struct rtpp_session *rtpp_session_get(struct rtpp_switchboard *sb, u32 id)
{
	return rcu_dereference_protected(sb->slots[id],
					 lockdep_is_held(&sb->rn->lock));
}

static void rtpp_stream_apply(struct rtpp_stream *st,
			      const struct rtpp_stream_params *p,
			      unsigned long now)
{
	if (p->clear_addr) {
		memset(&st->addr, 0, sizeof(st->addr));
		st->port = 0;
		st->flags &= ~RTPP_STREAM_LEARNED;
	}
	if (p->set_addr) {
		/* A pinned address closes a window (unless one is reopened). */
		st->addr = p->addr;
		st->port = p->port;
		st->flags &= ~(RTPP_STREAM_LEARNING | RTPP_STREAM_LEARNED);
	}
	if (p->set_learn) {
		st->flags &= ~(RTPP_STREAM_LEARNING | RTPP_STREAM_LEARNED);
		if (p->learn_ms) {
			st->learn_until = now + msecs_to_jiffies(p->learn_ms);
			st->flags |= RTPP_STREAM_LEARNING;
		}
	}
	if (p->set_always) {
		if (p->always)
			st->flags |= RTPP_STREAM_ALWAYS;
		else
			st->flags &= ~RTPP_STREAM_ALWAYS;
	}
	if (p->set_rate) {
		/* A new limit starts with a full bucket. */
		spin_lock(&st->lock);
		st->burst = p->burst;
		st->tokens = p->burst;
		st->refilled = ktime_get_ns();
		WRITE_ONCE(st->rate, p->rate);
		spin_unlock(&st->lock);
	}
}

/*
 * At most 4 s of refill at once: rate * ns stays within 64 bits, and a
 * bucket is full long before.
 */
#define RTPP_RATE_MAX_REFILL_NS	(4 * NSEC_PER_SEC)

/* The token bucket, under the stream's lock: refilled at the rate up to the burst. */
static bool rtpp_stream_rate_ok(struct rtpp_stream *st, unsigned int bytes,
				u64 now)
{
	u64 add;

	add = div_u64(min_t(u64, now - st->refilled, RTPP_RATE_MAX_REFILL_NS) *
		      st->rate, NSEC_PER_SEC);
	/* Under a byte so far: the time stays to count, not lost. */
	if (add) {
		st->tokens = min_t(u64, st->burst, st->tokens + add);
		st->refilled = now;
	}
	if (st->tokens < bytes)
		return false;
	st->tokens -= bytes;
	return true;
}

/**
 * rtpp_stream_admit - account for a datagram from a client, and say if it goes
 * @sess: its session, under RCU
 * @idx: the stream it came from
 * @skb: the datagram
 * @rtp_off: where its UDP payload starts, from skb->data
 * @bytes: its UDP payload's length
 *
 * Under the stream's lock, taken once: an RTP stream's quality counts the
 * datagram (before the rate limit: the quality is of the path from the
 * client), then the stream's rate limit, if any, judges it. Called from
 * the packet path, in softirq or (OUTPUT) process context.
 *
 * Return: true if it may be relayed, false if it goes beyond the rate.
 */
bool rtpp_stream_admit(struct rtpp_session *sess, int idx,
		       const struct sk_buff *skb, unsigned int rtp_off,
		       unsigned int bytes)
{
	struct rtpp_stream *st = &sess->stream[idx];
	bool rtp = !(idx & 1), ok = true;
	u8 buf[12];
	const u8 *hdr = NULL;
	u64 now;

	if (!rtp && !READ_ONCE(st->rate))
		return true;
	if (rtp)
		hdr = skb_header_pointer(skb, rtp_off, min(bytes, 12U), buf);
	spin_lock_bh(&st->lock);
	now = ktime_get_ns();
	if (rtp)
		rtpp_quality_packet(&st->quality, hdr, hdr ? bytes : 0, now,
				    READ_ONCE(sess->clock_rate));
	if (st->rate)
		ok = rtpp_stream_rate_ok(st, bytes, now);
	spin_unlock_bh(&st->lock);
	return ok;
}

/**
 * rtpp_stream_quality - a consistent reading of a stream's quality
 * @st: the stream (an RTP one)
 * @s: filled in
 */
void rtpp_stream_quality(struct rtpp_stream *st, struct rtpp_quality_stats *s)
{
	spin_lock_bh(&st->lock);
	rtpp_quality_read(&st->quality, s);
	spin_unlock_bh(&st->lock);
}

/* The relay options a request sets; read by the packet path as they change. */
static void rtpp_relay_opts_apply(struct rtpp_relay_opts *o,
				  const struct rtpp_session_params *p)
{
	if (p->set_dscp)
		WRITE_ONCE(o->dscp, p->opts.dscp);
	if (p->set_max_ttl)
		WRITE_ONCE(o->max_ttl, p->opts.max_ttl);
	if (p->set_dup_below)
		WRITE_ONCE(o->dup_below, p->opts.dup_below);
	if (p->set_mark) {
		WRITE_ONCE(o->mark, p->opts.mark);
		WRITE_ONCE(o->mark_mask, p->opts.mark_mask);
	}
	if (p->set_nflog) {
		WRITE_ONCE(o->nflog_group, p->opts.nflog_group);
		WRITE_ONCE(o->nflog_copy, p->opts.nflog_copy);
	}
}

/**
 * rtpp_session_apply - apply a request's changes to a session
 * @sess: the session, with its namespace's mutex held
 * @p: the validated changes
 */
void rtpp_session_apply(struct rtpp_session *sess,
			const struct rtpp_session_params *p)
{
	unsigned long now = jiffies;
	int i;

	write_seqlock_bh(&sess->lock);
	for (i = 0; i < RTPPROXY_STREAMS; i++)
		rtpp_stream_apply(&sess->stream[i], &p->stream[i], now);
	if (p->label) {
		/* Validated: at most RTPPROXY_LABEL_MAX bytes. */
		sess->label_len = nla_len(p->label);
		nla_memcpy(sess->label, p->label, sizeof(sess->label));
	}
	write_sequnlock_bh(&sess->lock);
	rtpp_relay_opts_apply(&sess->opts, p);
	if (p->clock_rate)
		WRITE_ONCE(sess->clock_rate, p->clock_rate);
}

/**
 * rtpp_session_resurrect - make a session live again, as if just allocated
 * @sess: the session, with its namespace's mutex held
 */
void rtpp_session_resurrect(struct rtpp_session *sess)
{
	WRITE_ONCE(sess->active, jiffies);
	sess->expiry_counted = false;
}

static int rtpp_session_find_slot(struct rtpp_switchboard *sb)
{
	unsigned long id;

	/* Next fit: a freed slot is reused as late as possible. */
	id = find_next_zero_bit(sb->used, sb->max_sess, sb->next_id);
	if (id >= sb->max_sess)
		id = find_first_zero_bit(sb->used, sb->max_sess);
	if (id >= sb->max_sess)
		return -ENOSPC;
	sb->next_id = id + 1 < sb->max_sess ? id + 1 : 0;
	return id;
}

/**
 * rtpp_session_new - allocate a session in a free slot
 * @sb: the switchboard, with its namespace's mutex held
 * @p: the streams' addresses and learning
 * @extack: for the error message
 *
 * Return: the new session or an ERR_PTR.
 */
struct rtpp_session *rtpp_session_new(struct rtpp_switchboard *sb,
				      const struct rtpp_session_params *p,
				      struct netlink_ext_ack *extack)
{
	struct rtpp_session *sess;
	int id, i;

	if (!rtpp_net_may_add_sessions(sb->rn, 1, extack))
		return ERR_PTR(-ENOSPC);
	id = rtpp_session_find_slot(sb);
	if (id < 0) {
		NL_SET_ERR_MSG(extack, "switchboard is full: no free session slot");
		return ERR_PTR(id);
	}
	sess = kmem_cache_zalloc(rtpp_session_cache, RTPP_GFP_NS);
	if (!sess)
		return ERR_PTR(-ENOMEM);
	seqlock_init(&sess->lock);
	for (i = 0; i < RTPPROXY_STREAMS; i++)
		spin_lock_init(&sess->stream[i].lock);
	sess->id = id;
	sess->created = jiffies;
	sess->active = sess->created;
	sess->opts = sb->defaults;
	sess->clock_rate = RTPP_DEF_CLOCK_RATE;
	/* A LAST_MS read between a first packet's count and time is the age. */
	for (i = 0; i < RTPPROXY_STREAMS; i++)
		sess->stream[i].last = sess->created;
	rtpp_session_apply(sess, p);

	set_bit(id, sb->used);
	sb->sessions++;
	sb->rn->sessions++;
	/* Dumps in progress learn that they missed a change (NLM_F_DUMP_INTR). */
	sb->rn->gen++;
	rcu_assign_pointer(sb->slots[id], sess);
	return sess;
}

/**
 * rtpp_session_created - count sessions whose allocation was answered
 * @sb: the switchboard, with its namespace's mutex held
 * @n: sessions
 *
 * A request that fails after allocating discards its sessions instead
 * (rtpp_session_discard), and the counters never saw them.
 */
void rtpp_session_created(struct rtpp_switchboard *sb, unsigned int n)
{
	rtpp_sb_count(sb, RTPP_CNT_SESS_CREATED, n);
}

static void rtpp_session_unlink(struct rtpp_switchboard *sb, u32 id)
{
	struct rtpp_session *sess = rtpp_session_get(sb, id);

	RCU_INIT_POINTER(sb->slots[id], NULL);
	clear_bit(id, sb->used);
	sb->sessions--;
	sb->rn->sessions--;
	sb->rn->gen++;
	call_rcu(&sess->rcu, rtpp_session_free_rcu);
}

/**
 * rtpp_session_discard - free a session whose allocation was not answered
 * @sb: the switchboard, with its namespace's mutex held
 * @id: its slot
 */
void rtpp_session_discard(struct rtpp_switchboard *sb, u32 id)
{
	rtpp_session_unlink(sb, id);
}

/**
 * rtpp_session_delete - free a slot on request
 * @sb: the switchboard, with its namespace's mutex held
 * @id: a slot holding a session
 */
void rtpp_session_delete(struct rtpp_switchboard *sb, u32 id)
{
	rtpp_event_session(sb, rtpp_session_get(sb, id), RTPPROXY_EVENT_DELETED,
			   GFP_KERNEL);
	rtpp_session_unlink(sb, id);
	rtpp_sb_count(sb, RTPP_CNT_SESS_DELETED, 1);
}

/**
 * rtpp_session_reset_counters - zero the per-stream packet counters
 * @sess: the session
 *
 * The counters are atomic: a packet relayed meanwhile is counted before or
 * after. The time of the last packet stays: LAST_MS is shown only while
 * packets were counted since.
 */
void rtpp_session_reset_counters(struct rtpp_session *sess)
{
	int i;

	for (i = 0; i < RTPPROXY_STREAMS; i++) {
		struct rtpp_stream *st = &sess->stream[i];

		atomic64_set(&st->packets, 0);
		atomic64_set(&st->bytes, 0);
		atomic64_set(&st->drops, 0);
		atomic64_set(&st->dups, 0);
		spin_lock_bh(&st->lock);
		rtpp_quality_reset(&st->quality);
		spin_unlock_bh(&st->lock);
	}
}

/**
 * rtpp_switchboard_expire - mark idle sessions expired, free old ones
 * @sb: the switchboard, with its namespace's mutex held
 * @id: the first slot to look at; set to where to go on (sb->max_sess
 *	when the switchboard is done)
 * @budget: sessions to look at, at most; less what was looked at
 *
 * Return: sessions that expired or were freed (each counted once).
 */
unsigned int rtpp_switchboard_expire(struct rtpp_switchboard *sb,
				     unsigned int *id, unsigned int *budget)
{
	unsigned long now = jiffies;
	unsigned long expires = READ_ONCE(sb->expires);
	unsigned long resurrection = READ_ONCE(sb->resurrection);
	unsigned int i = *id, changed = 0;

	for_each_set_bit_from(i, sb->used, sb->max_sess) {
		struct rtpp_session *sess = rtpp_session_get(sb, i);
		unsigned long active = READ_ONCE(sess->active);
		bool change = false;

		if (!*budget)
			break;
		(*budget)--;
		if (!time_after(now, active + expires))
			continue;
		if (!sess->expiry_counted) {
			sess->expiry_counted = true;
			rtpp_sb_count(sb, RTPP_CNT_SESS_EXPIRED, 1);
			rtpp_event_session(sb, sess, RTPPROXY_EVENT_EXPIRED,
					   GFP_KERNEL);
			change = true;
		}
		if (time_after(now, active + expires + resurrection)) {
			rtpp_event_session(sb, sess, RTPPROXY_EVENT_FREED,
					   GFP_KERNEL);
			rtpp_session_unlink(sb, i);
			change = true;
		}
		changed += change;
	}
	*id = i;
	return changed;
}

/**
 * rtpp_session_learn - take a packet's source as a stream's client
 * @sess: the session, under RCU
 * @family: the stream's gate's (a bridge has one of each)
 * @idx: the stream
 * @addr: the source address
 * @port: the source port
 * @now: jiffies when the packet saw the stream learning
 * @cur: set to the stream's endpoint after the call
 * @moved: set to whether the client changed (an event for listeners)
 *
 * Called from the packet path when the stream was seen learning. That was
 * without the lock: an update may have pinned an address since, or another
 * packet closed a first window; the window is checked again here, so that
 * only one packet wins it and none overwrites a pinned address.
 *
 * Return: true if the source was taken (or already was the client).
 */
bool rtpp_session_learn(struct rtpp_session *sess, u8 family, int idx,
			const union nf_inet_addr *addr, __be16 port,
			unsigned long now, struct rtpp_endpoint *cur,
			bool *moved)
{
	struct rtpp_stream *st = &sess->stream[idx];
	bool taken;

	write_seqlock_bh(&sess->lock);
	rtpp_stream_endpoint(st, cur);
	taken = rtpp_endpoint_learning(cur, now);
	*moved = taken && (st->port != port ||
			   !rtpp_addr_eq(family, &st->addr, addr));
	if (taken) {
		st->addr = *addr;
		st->port = port;
		if (st->flags & RTPP_STREAM_LEARNING)
			st->flags |= RTPP_STREAM_LEARNED;
		rtpp_stream_endpoint(st, cur);
	}
	write_sequnlock_bh(&sess->lock);
	return taken;
}

/**
 * rtpp_switchboard_free_sessions - free every session of a dead switchboard
 * @sb: the switchboard, unreachable and past an RCU grace period
 */
void rtpp_switchboard_free_sessions(struct rtpp_switchboard *sb)
{
	unsigned int id;

	for_each_set_bit(id, sb->used, sb->max_sess)
		rtpp_session_free(rcu_dereference_protected(sb->slots[id], 1));
}

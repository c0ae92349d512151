// SPDX-License-Identifier: GPL-2.0
/* Replies: switchboards, sessions and session tables as messages. */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <net/genetlink.h>
#include "nl_cmds.h"
#include "nl_reply.h"
#include "session.h"

/**
 * rtpp_put_counters - a nest of counters
 * @skb: the message
 * @type: the nest's attribute
 * @c: the counters, with the namespace's mutex held
 *
 * Return: 0 or -EMSGSIZE.
 */
int rtpp_put_counters(struct sk_buff *skb, int type,
		      const struct rtpp_counter_set *c)
{
	struct rtpp_counters sum;
	struct nlattr *nest;
	int i;

	rtpp_counters_read(c, &sum);
	nest = nla_nest_start(skb, type);
	if (!nest)
		return -EMSGSIZE;
	for (i = 0; i < RTPP_CNT_MAX; i++)
		if (nla_put_u64_64bit(skb, RTPP_CNT_ATTR(i), sum.v[i],
				      RTPPROXY_CNT_A_PAD))
			return -EMSGSIZE;
	nla_nest_end(skb, nest);
	return 0;
}

static int rtpp_put_addr(struct sk_buff *skb, int type, u8 family,
			 const union nf_inet_addr *addr)
{
	return nla_put(skb, type, rtpp_addr_len(family), addr);
}

/**
 * rtpp_put_switchboard - a switchboard nest
 * @skb: the message
 * @sb: the switchboard, with the namespace's mutex held
 * @full: with its settings, session counts and counters, not only its gates
 *
 * Return: 0 or -EMSGSIZE.
 */
int rtpp_put_switchboard(struct sk_buff *skb,
			 const struct rtpp_switchboard *sb, bool full)
{
	struct nlattr *nest, *gate;
	u32 live, expired;
	int i;

	nest = nla_nest_start(skb, RTPPROXY_A_SWITCHBOARD);
	if (!nest || nla_put_u8(skb, RTPPROXY_SB_A_FAMILY,
				rtpp_af(sb->gate[RTPP_SIDE_A].family)))
		return -EMSGSIZE;
	for (i = 0; i < 2; i++) {
		const struct rtpp_gate *g = &sb->gate[i];

		gate = nla_nest_start(skb, RTPPROXY_SB_A_GATE_A + i);
		if (!gate ||
		    rtpp_put_addr(skb, RTPPROXY_GATE_A_ADDR, g->family,
				  &g->addr) ||
		    nla_put_u16(skb, RTPPROXY_GATE_A_PORT, g->port) ||
		    nla_put_u8(skb, RTPPROXY_GATE_A_FAMILY, rtpp_af(g->family)))
			return -EMSGSIZE;
		nla_nest_end(skb, gate);
	}
	if (full) {
		rtpp_switchboard_count_sessions(sb, &live, &expired);
		if (nla_put_u32(skb, RTPPROXY_SB_A_MAX_SESS, sb->max_sess) ||
		    nla_put_u32(skb, RTPPROXY_SB_A_EXPIRES_TIMEOUT,
				sb->expires_sec) ||
		    nla_put_u32(skb, RTPPROXY_SB_A_RESURRECTION_TIMEOUT,
				sb->resurrection_sec) ||
		    nla_put_u32(skb, RTPPROXY_SB_A_RULES, sb->rules) ||
		    nla_put_u32(skb, RTPPROXY_SB_A_SESSIONS_LIVE, live) ||
		    nla_put_u32(skb, RTPPROXY_SB_A_SESSIONS_EXPIRED, expired) ||
		    nla_put_u64_64bit(skb, RTPPROXY_SB_A_AGE_MS,
				      rtpp_ms_between(sb->created, jiffies),
				      RTPPROXY_SB_A_PAD) ||
		    rtpp_put_counters(skb, RTPPROXY_SB_A_COUNTERS, &sb->counters) ||
		    nla_put_u8(skb, RTPPROXY_SB_A_DSCP, sb->defaults.dscp) ||
		    nla_put_u8(skb, RTPPROXY_SB_A_MAX_TTL, sb->defaults.max_ttl) ||
		    nla_put_u16(skb, RTPPROXY_SB_A_DUP_BELOW,
				sb->defaults.dup_below))
			return -EMSGSIZE;
	}
	nla_nest_end(skb, nest);
	return 0;
}

/* An RTP stream's call quality, in its stream nest. */
static int rtpp_put_quality(struct sk_buff *skb, struct rtpp_stream *st)
{
	struct rtpp_quality_stats q;

	rtpp_stream_quality(st, &q);
	if (q.seen &&
	    (nla_put_u32(skb, RTPPROXY_STREAM_A_SSRC, q.ssrc) ||
	     nla_put_u8(skb, RTPPROXY_STREAM_A_PAYLOAD_TYPE, q.pt)))
		return -EMSGSIZE;
	if (nla_put_u32(skb, RTPPROXY_STREAM_A_SSRC_CHANGES, q.ssrc_changes) ||
	    nla_put_u64_64bit(skb, RTPPROXY_STREAM_A_EXPECTED, q.expected,
			      RTPPROXY_STREAM_A_PAD) ||
	    nla_put_u64_64bit(skb, RTPPROXY_STREAM_A_LOST, q.lost,
			      RTPPROXY_STREAM_A_PAD) ||
	    nla_put_u64_64bit(skb, RTPPROXY_STREAM_A_DUPLICATES, q.duplicates,
			      RTPPROXY_STREAM_A_PAD) ||
	    nla_put_u64_64bit(skb, RTPPROXY_STREAM_A_REORDERED, q.reordered,
			      RTPPROXY_STREAM_A_PAD) ||
	    nla_put_u32(skb, RTPPROXY_STREAM_A_JITTER, q.jitter) ||
	    nla_put_u64_64bit(skb, RTPPROXY_STREAM_A_NOT_RTP, q.not_rtp,
			      RTPPROXY_STREAM_A_PAD))
		return -EMSGSIZE;
	return 0;
}

static int rtpp_put_stream(struct sk_buff *skb,
			   const struct rtpp_switchboard *sb,
			   struct rtpp_session *sess, int idx, unsigned long now)
{
	const struct rtpp_stream *st = &sess->stream[idx];
	int side = idx / 2, rtcp = idx & 1;
	u64 packets = atomic64_read(&st->packets);
	struct rtpp_endpoint ep;
	unsigned long window;
	struct nlattr *nest;

	rtpp_endpoint_read(sess, idx, &ep);
	nest = nla_nest_start(skb, RTPPROXY_SESS_A_RTP_A + idx);
	if (!nest ||
	    nla_put_u16(skb, RTPPROXY_STREAM_A_GATE_PORT,
			sb->gate[side].port + 2 * sess->id + rtcp))
		return -EMSGSIZE;
	if (ep.port &&
	    (rtpp_put_addr(skb, RTPPROXY_STREAM_A_ADDR,
			   rtpp_stream_family(sb, idx), &ep.addr) ||
	     nla_put_u16(skb, RTPPROXY_STREAM_A_PORT, ntohs(ep.port))))
		return -EMSGSIZE;
	window = rtpp_endpoint_window(&ep, now);
	if (window && nla_put_u32(skb, RTPPROXY_STREAM_A_LEARN_TIMEOUT_MS,
				  jiffies_to_msecs(window)))
		return -EMSGSIZE;
	if ((ep.flags & RTPP_STREAM_ALWAYS &&
	     nla_put_flag(skb, RTPPROXY_STREAM_A_ALWAYS_LEARN)) ||
	    (ep.flags & RTPP_STREAM_LEARNED &&
	     nla_put_flag(skb, RTPPROXY_STREAM_A_LEARNED)))
		return -EMSGSIZE;
	if (nla_put_u64_64bit(skb, RTPPROXY_STREAM_A_PACKETS, packets,
			      RTPPROXY_STREAM_A_PAD) ||
	    nla_put_u64_64bit(skb, RTPPROXY_STREAM_A_BYTES,
			      atomic64_read(&st->bytes), RTPPROXY_STREAM_A_PAD) ||
	    nla_put_u64_64bit(skb, RTPPROXY_STREAM_A_DROPS,
			      atomic64_read(&st->drops), RTPPROXY_STREAM_A_PAD) ||
	    nla_put_u64_64bit(skb, RTPPROXY_STREAM_A_DUPS,
			      atomic64_read(&st->dups), RTPPROXY_STREAM_A_PAD) ||
	    nla_put_u32(skb, RTPPROXY_STREAM_A_RATE, READ_ONCE(st->rate)) ||
	    nla_put_u32(skb, RTPPROXY_STREAM_A_BURST, READ_ONCE(st->burst)))
		return -EMSGSIZE;
	if (packets &&
	    nla_put_u64_64bit(skb, RTPPROXY_STREAM_A_LAST_MS,
			      rtpp_ms_between(READ_ONCE(st->last), now),
			      RTPPROXY_STREAM_A_PAD))
		return -EMSGSIZE;
	if (!rtcp && rtpp_put_quality(skb, sess->stream + idx))
		return -EMSGSIZE;
	nla_nest_end(skb, nest);
	return 0;
}

/**
 * rtpp_put_session - a session nest
 * @skb: the message
 * @sb: the session's switchboard
 * @sess: the session, with the namespace's mutex held or under RCU
 *
 * Return: 0 or -EMSGSIZE.
 */
int rtpp_put_session(struct sk_buff *skb, const struct rtpp_switchboard *sb,
		     struct rtpp_session *sess)
{
	u8 label[RTPPROXY_LABEL_MAX];
	unsigned long now = jiffies;
	struct nlattr *nest;
	unsigned int seq;
	u8 label_len, nflog_copy;
	int i;

	/* The packet path's events read it without the mutex. */
	do {
		seq = read_seqbegin(&sess->lock);
		label_len = sess->label_len;
		memcpy(label, sess->label, label_len);
	} while (read_seqretry(&sess->lock, seq));

	nest = nla_nest_start(skb, RTPPROXY_A_SESSION);
	if (!nest ||
	    nla_put_u32(skb, RTPPROXY_SESS_A_ID, sess->id) ||
	    nla_put_u8(skb, RTPPROXY_SESS_A_STATE,
		       rtpp_session_expired(sess, sb, now) ?
		       RTPPROXY_SESS_EXPIRED : RTPPROXY_SESS_LIVE) ||
	    nla_put_u64_64bit(skb, RTPPROXY_SESS_A_AGE_MS,
			      rtpp_ms_between(sess->created, now),
			      RTPPROXY_SESS_A_PAD) ||
	    nla_put_u64_64bit(skb, RTPPROXY_SESS_A_IDLE_MS,
			      rtpp_ms_between(READ_ONCE(sess->active), now),
			      RTPPROXY_SESS_A_PAD) ||
	    nla_put_u8(skb, RTPPROXY_SESS_A_DSCP, READ_ONCE(sess->opts.dscp)) ||
	    nla_put_u8(skb, RTPPROXY_SESS_A_MAX_TTL,
		       READ_ONCE(sess->opts.max_ttl)) ||
	    nla_put_u32(skb, RTPPROXY_SESS_A_MARK, READ_ONCE(sess->opts.mark)) ||
	    nla_put_u32(skb, RTPPROXY_SESS_A_MARK_MASK,
			READ_ONCE(sess->opts.mark_mask)) ||
	    nla_put_u16(skb, RTPPROXY_SESS_A_DUP_BELOW,
			READ_ONCE(sess->opts.dup_below)) ||
	    nla_put_u32(skb, RTPPROXY_SESS_A_CLOCK_RATE,
			READ_ONCE(sess->clock_rate)))
		return -EMSGSIZE;
	if (label_len && nla_put(skb, RTPPROXY_SESS_A_LABEL, label_len, label))
		return -EMSGSIZE;
	nflog_copy = READ_ONCE(sess->opts.nflog_copy);
	if (nflog_copy &&
	    (nla_put_u16(skb, RTPPROXY_SESS_A_NFLOG_GROUP,
			 READ_ONCE(sess->opts.nflog_group)) ||
	     nla_put_u8(skb, RTPPROXY_SESS_A_NFLOG_COPY, nflog_copy)))
		return -EMSGSIZE;
	for (i = 0; i < RTPPROXY_STREAMS; i++)
		if (rtpp_put_stream(skb, sb, sess, i, now))
			return -EMSGSIZE;
	nla_nest_end(skb, nest);
	return 0;
}

/**
 * rtpp_fill_session - a message about one session
 * @skb: the buffer
 * @portid: the receiver
 * @seq: the request's sequence number
 * @flags: netlink flags (NLM_F_MULTI in dumps)
 * @sb: the session's switchboard
 * @sess: the session
 * @cmd: the command the message answers
 * @cb: the dump, to flag it inconsistent, or NULL
 *
 * Return: 0 or -EMSGSIZE.
 */
int rtpp_fill_session(struct sk_buff *skb, u32 portid, u32 seq, int flags,
		      const struct rtpp_switchboard *sb,
		      struct rtpp_session *sess, u8 cmd,
		      struct netlink_callback *cb)
{
	void *hdr;

	hdr = genlmsg_put(skb, portid, seq, &rtpp_family, flags, cmd);
	if (!hdr)
		return -EMSGSIZE;
	if (cb)
		nl_dump_check_consistent(cb, genlmsg_nlhdr(hdr));
	if (rtpp_put_switchboard(skb, sb, false) ||
	    rtpp_put_session(skb, sb, sess)) {
		genlmsg_cancel(skb, hdr);
		return -EMSGSIZE;
	}
	genlmsg_end(skb, hdr);
	return 0;
}

/* A switchboard's description in session replies: family and gates. */
static size_t rtpp_sb_short_size(void)
{
	return nla_total_size(0) + nla_total_size(sizeof(u8)) +
	       2 * (nla_total_size(0) + nla_total_size(sizeof(struct in6_addr)) +
		    nla_total_size(sizeof(u16)));
}

/*
 * The most a session message can need: sized exactly, the reply is not
 * copied again by netlink_trim() as a NLMSG_GOODSIZE buffer would be.
 */
size_t rtpp_session_msg_size(void)
{
	size_t stream = nla_total_size(0) + nla_total_size(sizeof(u16)) +
			nla_total_size(sizeof(struct in6_addr)) +
			nla_total_size(sizeof(u16)) +
			nla_total_size(sizeof(u32)) + 2 * nla_total_size(0) +
			5 * nla_total_size_64bit(sizeof(u64)) +
			2 * nla_total_size(sizeof(u32));
	/* SSRC and its changes, payload type, jitter; the 5 counts */
	size_t quality = 3 * nla_total_size(sizeof(u32)) +
			 nla_total_size(sizeof(u8)) +
			 5 * nla_total_size_64bit(sizeof(u64));
	/* DSCP, max TTL, mark and its mask, dup-below, clock rate */
	size_t opts = 2 * nla_total_size(sizeof(u8)) +
		      3 * nla_total_size(sizeof(u32)) +
		      nla_total_size(sizeof(u16));

	return rtpp_sb_short_size() + nla_total_size(0) +
	       nla_total_size(sizeof(u32)) + nla_total_size(sizeof(u8)) +
	       2 * nla_total_size_64bit(sizeof(u64)) + opts +
	       nla_total_size(RTPPROXY_LABEL_MAX) + RTPPROXY_STREAMS * stream +
	       2 * quality;
}

/**
 * rtpp_reply_session - answer a request with one session
 * @info: the request
 * @sb: the session's switchboard
 * @sess: the session
 * @cmd: the command
 *
 * Return: 0 or an error; the reply is not sent on error.
 */
int rtpp_reply_session(struct genl_info *info,
		       const struct rtpp_switchboard *sb,
		       struct rtpp_session *sess, u8 cmd)
{
	struct sk_buff *msg;
	int err;

	msg = genlmsg_new(rtpp_session_msg_size(), GFP_KERNEL);
	if (!msg)
		return -ENOMEM;
	err = rtpp_fill_session(msg, info->snd_portid, info->snd_seq, 0, sb,
				sess, cmd, NULL);
	if (err) {
		nlmsg_free(msg);
		return err;
	}
	return genlmsg_reply(msg, info);
}

/**
 * rtpp_reply_affected - answer a request with how much it changed
 * @info: the request
 * @cmd: the command
 * @affected: sessions or switchboards changed
 *
 * Return: 0 or an error.
 */
int rtpp_reply_affected(struct genl_info *info, u8 cmd, u32 affected)
{
	struct sk_buff *msg;
	void *hdr;

	msg = genlmsg_new(nla_total_size(sizeof(u32)), GFP_KERNEL);
	if (!msg)
		return -ENOMEM;
	hdr = genlmsg_put_reply(msg, info, &rtpp_family, 0, cmd);
	if (!hdr || nla_put_u32(msg, RTPPROXY_A_AFFECTED, affected)) {
		nlmsg_free(msg);
		return -EMSGSIZE;
	}
	genlmsg_end(msg, hdr);
	return genlmsg_reply(msg, info);
}

/* Session tables: fixed-size records, one reserved attribute per message. */

static void rtpp_fill_stream_rec(struct rtpproxy_stream_rec *r,
				 const struct rtpp_switchboard *sb,
				 struct rtpp_session *sess, int idx,
				 unsigned long now)
{
	const struct rtpp_stream *st = &sess->stream[idx];
	struct rtpp_endpoint ep;
	unsigned long window;

	rtpp_endpoint_read(sess, idx, &ep);
	r->gate_port = sb->gate[idx / 2].port + 2 * sess->id + (idx & 1);
	if (ep.port) {
		memcpy(r->addr, &ep.addr,
		       rtpp_addr_len(rtpp_stream_family(sb, idx)));
		r->port = ntohs(ep.port);
		r->flags |= RTPPROXY_STREAM_F_CLIENT;
	}
	window = rtpp_endpoint_window(&ep, now);
	if (window) {
		r->flags |= RTPPROXY_STREAM_F_LEARNING;
		r->learn_ms = jiffies_to_msecs(window);
	}
	if (ep.flags & RTPP_STREAM_ALWAYS)
		r->flags |= RTPPROXY_STREAM_F_ALWAYS_LEARN;
	if (ep.flags & RTPP_STREAM_LEARNED)
		r->flags |= RTPPROXY_STREAM_F_LEARNED;
	r->packets = atomic64_read(&st->packets);
	r->bytes = atomic64_read(&st->bytes);
	r->drops = atomic64_read(&st->drops);
	if (r->packets) {
		r->flags |= RTPPROXY_STREAM_F_RELAYED;
		r->last_ms = rtpp_ms_between(READ_ONCE(st->last), now);
	}
}

static void rtpp_fill_quality_rec(struct rtpproxy_quality_rec *r,
				  struct rtpp_stream *st)
{
	struct rtpp_quality_stats q;

	rtpp_stream_quality(st, &q);
	if (q.seen) {
		r->flags |= RTPPROXY_QUALITY_F_SEEN;
		r->ssrc = q.ssrc;
		r->payload_type = q.pt;
	}
	r->ssrc_changes = q.ssrc_changes;
	r->expected = q.expected;
	r->lost = q.lost;
	r->duplicates = q.duplicates;
	r->reordered = q.reordered;
	r->not_rtp = q.not_rtp;
	r->jitter = q.jitter;
}

/**
 * rtpp_fill_session_rec - write a session's table record
 * @dst: where, not necessarily 8-byte aligned
 * @sb: the session's switchboard
 * @sess: the session
 * @now: jiffies, the same for the whole table
 */
void rtpp_fill_session_rec(void *dst, const struct rtpp_switchboard *sb,
			   struct rtpp_session *sess, unsigned long now)
{
	struct rtpproxy_session_rec r = {};
	int i;

	r.id = sess->id;
	r.state = rtpp_session_expired(sess, sb, now) ? RTPPROXY_SESS_EXPIRED :
							 RTPPROXY_SESS_LIVE;
	r.age_ms = rtpp_ms_between(sess->created, now);
	r.idle_ms = rtpp_ms_between(READ_ONCE(sess->active), now);
	for (i = 0; i < RTPPROXY_STREAMS; i++) {
		rtpp_fill_stream_rec(&r.stream[i], sb, sess, i, now);
		r.dups[i] = atomic64_read(&sess->stream[i].dups);
		r.rate[i] = READ_ONCE(sess->stream[i].rate);
		r.burst[i] = READ_ONCE(sess->stream[i].burst);
	}
	r.dscp = READ_ONCE(sess->opts.dscp);
	r.max_ttl = READ_ONCE(sess->opts.max_ttl);
	r.dup_below = READ_ONCE(sess->opts.dup_below);
	r.mark = READ_ONCE(sess->opts.mark);
	r.mark_mask = READ_ONCE(sess->opts.mark_mask);
	r.label_len = sess->label_len;
	memcpy(r.label, sess->label, sizeof(r.label));
	r.clock_rate = READ_ONCE(sess->clock_rate);
	for (i = 0; i < 2; i++)
		rtpp_fill_quality_rec(&r.quality[i], &sess->stream[i * 2]);
	r.nflog_copy = READ_ONCE(sess->opts.nflog_copy);
	if (r.nflog_copy)
		r.nflog_group = READ_ONCE(sess->opts.nflog_group);
	memcpy(dst, &r, sizeof(r));
}

/**
 * rtpp_table_msg_size - the size of a table message
 * @n: records in it
 *
 * Return: bytes for genlmsg_new().
 */
size_t rtpp_table_msg_size(unsigned int n)
{
	return rtpp_sb_short_size() + nla_total_size(sizeof(u32)) +
	       nla_total_size(n * sizeof(struct rtpproxy_session_rec));
}

/**
 * rtpp_table_start - start a table message
 * @skb: the buffer
 * @portid: the receiver
 * @seq: the request's sequence number
 * @flags: netlink flags
 * @sb: the switchboard the records belong to
 * @n: records to make room for; 0: as many as fit, set to that number
 * @hdr: set to the message header
 * @table: set to the table attribute
 * @cb: the dump, to flag it inconsistent, or NULL
 *
 * Return: the first record's place, or NULL when not even one fits.
 */
void *rtpp_table_start(struct sk_buff *skb, u32 portid, u32 seq, int flags,
		       const struct rtpp_switchboard *sb, unsigned int *n,
		       void **hdr, struct nlattr **table,
		       struct netlink_callback *cb)
{
	const size_t rec = sizeof(struct rtpproxy_session_rec);
	int room;

	*hdr = genlmsg_put(skb, portid, seq, &rtpp_family, flags,
			   RTPPROXY_CMD_GET_SESSION_TABLE);
	if (!*hdr)
		return NULL;
	if (cb)
		nl_dump_check_consistent(cb, genlmsg_nlhdr(*hdr));
	if (rtpp_put_switchboard(skb, sb, false) ||
	    nla_put_u32(skb, RTPPROXY_A_SESSION_REC_SIZE, rec))
		goto cancel;
	/* An attribute's length is 16 bits. */
	room = min_t(int, skb_tailroom(skb), U16_MAX) - NLA_HDRLEN;
	if (room < (int)rec)
		goto cancel;
	if (!*n)
		*n = room / rec;
	if (*n * rec > (size_t)room)
		goto cancel;
	*table = nla_reserve(skb, RTPPROXY_A_SESSION_TABLE, *n * rec);
	if (!*table)
		goto cancel;
	return nla_data(*table);

cancel:
	genlmsg_cancel(skb, *hdr);
	return NULL;
}

/**
 * rtpp_table_end - end a table message
 * @skb: the buffer
 * @hdr: from rtpp_table_start()
 * @table: from rtpp_table_start()
 * @used: records written, at most the room asked for
 */
void rtpp_table_end(struct sk_buff *skb, void *hdr, struct nlattr *table,
		    unsigned int used)
{
	size_t len = used * sizeof(struct rtpproxy_session_rec);

	table->nla_len = nla_attr_size(len);
	nlmsg_trim(skb, (char *)nla_data(table) + len);
	genlmsg_end(skb, hdr);
}

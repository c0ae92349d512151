// SPDX-License-Identifier: GPL-2.0
/*
 * Call quality of an RTP stream from the 12-byte headers that pass, the
 * payload untouched: packets expected and lost from the sequence numbers
 * (RFC 3550 A.1 and A.3, with a window of the last 64 numbers to tell a
 * duplicate from a late packet), interarrival jitter (A.8) in the clock
 * units of the session's rate, SSRC changes and the payload type.
 */
#include <linux/bits.h>
#include <linux/math64.h>
#include <linux/time64.h>
#include "quality.h"

#define RTPP_RTP_HDR		12
#define RTPP_SEQ_MOD		BIT(16)
#define RTPP_WINDOW		64

/* A source starts (or restarts): what came before counts as prior. */
static void rtpp_quality_start(struct rtpp_quality *q, u16 seq)
{
	u32 ext_max = q->cycles + q->max_seq;

	if (q->seen) {
		q->expected_prior += ext_max + 1 - q->base_seq;
		q->received_prior += q->received;
	}
	q->max_seq = seq;
	q->cycles = 0;
	q->base_seq = seq;
	q->bad_seq = RTPP_SEQ_MOD + 1;
	q->window = 1;
	q->received = 1;
	q->have_transit = false;
	q->seen = true;
}

/*
 * RFC 3550 A.1's update_seq, without its probation (a first packet is
 * believed). Return: false for a packet not to count (a duplicate, or the
 * first of a jump that a second one has not confirmed).
 */
static bool rtpp_quality_seq(struct rtpp_quality *q, u16 seq)
{
	u16 udelta = seq - q->max_seq;

	if (!udelta) {
		q->duplicates++;
		return false;
	}
	if (udelta >= RTPP_MAX_DROPOUT &&
	    udelta <= RTPP_SEQ_MOD - RTPP_MAX_MISORDER) {
		/* A jump: a source that restarted, if the next packet follows. */
		if (seq != q->bad_seq) {
			q->bad_seq = (seq + 1) & (RTPP_SEQ_MOD - 1);
			return false;
		}
		rtpp_quality_start(q, seq);
		return true;
	}
	if (udelta < RTPP_MAX_DROPOUT) {
		/* In order, with a permissible gap. */
		if (seq < q->max_seq)
			q->cycles += RTPP_SEQ_MOD;
		q->window = udelta >= RTPP_WINDOW ? 1 : q->window << udelta | 1;
		q->max_seq = seq;
	} else {
		u16 back = q->max_seq - seq;

		if (back < RTPP_WINDOW) {
			if (q->window & BIT_ULL(back)) {
				q->duplicates++;
				return false;
			}
			q->window |= BIT_ULL(back);
		}
		q->reordered++;
	}
	q->received++;
	return true;
}

/* Longer gaps than this count as this: clock units times ns stay within 64 bits. */
#define RTPP_JITTER_MAX_GAP_NS	(10000ULL * NSEC_PER_SEC)

/*
 * RFC 3550 A.8. D, the change of the transit time, is the time since the
 * last datagram less its timestamp's step, both in clock units: the same
 * as A.8's difference of transits (modulo 2^32 as there, within a unit),
 * with a division by a constant, which compiles to a multiplication,
 * instead of a 128-bit one per datagram.
 */
static void rtpp_quality_jitter(struct rtpp_quality *q, u32 ts, u64 now_ns,
				u32 clock_rate)
{
	u64 gap = now_ns - q->last_ns;
	s32 d;

	if (q->have_transit) {
		if (gap > RTPP_JITTER_MAX_GAP_NS)
			gap = RTPP_JITTER_MAX_GAP_NS;
		d = (u32)div_u64(gap * clock_rate, NSEC_PER_SEC) - (ts - q->last_ts);
		q->jitter += abs(d) - ((q->jitter + 8) >> 4);
	}
	q->last_ns = now_ns;
	q->last_ts = ts;
	q->have_transit = true;
}

/**
 * rtpp_quality_packet - account for a datagram of an RTP stream
 * @q: the stream's quality, under its lock
 * @rtp: the first bytes of its UDP payload, min(@len, 12) of them
 * @len: its UDP payload's length
 * @now_ns: when it arrived (ktime_get_ns)
 * @clock_rate: the session's RTP clock, in Hz
 *
 * A datagram that is not RTP (too short for its header and CSRC list,
 * version other than 2, or RTCP multiplexed on the RTP port: RFC 5761's
 * packet types 192..223) counts as not_rtp and nothing else.
 */
void rtpp_quality_packet(struct rtpp_quality *q, const u8 *rtp,
			 unsigned int len, u64 now_ns, u32 clock_rate)
{
	u32 ssrc, ts;
	u16 seq;

	if (len < RTPP_RTP_HDR || rtp[0] >> 6 != 2 ||
	    len < RTPP_RTP_HDR + 4U * (rtp[0] & 0x0f) ||
	    (rtp[1] >= 192 && rtp[1] <= 223)) {
		q->not_rtp++;
		return;
	}
	seq = rtp[2] << 8 | rtp[3];
	ts = (u32)rtp[4] << 24 | rtp[5] << 16 | rtp[6] << 8 | rtp[7];
	ssrc = (u32)rtp[8] << 24 | rtp[9] << 16 | rtp[10] << 8 | rtp[11];
	if (!q->seen || ssrc != q->ssrc) {
		if (q->seen)
			q->ssrc_changes++;
		q->ssrc = ssrc;
		rtpp_quality_start(q, seq);
	} else if (!rtpp_quality_seq(q, seq)) {
		return;
	}
	q->pt = rtp[1] & 0x7f;
	rtpp_quality_jitter(q, ts, now_ns, clock_rate);
}

/**
 * rtpp_quality_read - what a stream's quality says now
 * @q: the quality, under the stream's lock
 * @s: filled in; lost is 0 when late packets from before the source's
 *	first one make more arrive than were expected
 */
void rtpp_quality_read(const struct rtpp_quality *q,
		       struct rtpp_quality_stats *s)
{
	u64 expected = q->expected_prior, received = q->received_prior;

	if (q->seen) {
		expected += (u32)(q->cycles + q->max_seq + 1 - q->base_seq);
		received += q->received;
	}
	s->seen = q->seen;
	s->pt = q->pt;
	s->ssrc = q->ssrc;
	s->ssrc_changes = q->ssrc_changes;
	s->jitter = q->jitter >> 4;
	s->expected = expected;
	s->lost = expected > received ? expected - received : 0;
	s->duplicates = q->duplicates;
	s->reordered = q->reordered;
	s->not_rtp = q->not_rtp;
}

/**
 * rtpp_quality_reset - zero the counts, as RTPPROXY_RESET_SESSIONS does
 * @q: the quality, under the stream's lock
 *
 * The source, its sequence and the jitter estimate go on: counting starts
 * again after the highest sequence number seen.
 */
void rtpp_quality_reset(struct rtpp_quality *q)
{
	q->base_seq = q->cycles + q->max_seq + 1;
	q->received = 0;
	q->expected_prior = 0;
	q->received_prior = 0;
	q->duplicates = 0;
	q->reordered = 0;
	q->not_rtp = 0;
	q->ssrc_changes = 0;
}

/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Call quality of an RTP stream, from the headers of the datagrams that
 * pass (quality.c): RFC 3550's sequence accounting (A.1, A.3) and
 * interarrival jitter (A.8).
 */
#ifndef _RTPP_QUALITY_H
#define _RTPP_QUALITY_H

#include <linux/types.h>

/* RFC 3550 A.1: a jump this far ahead is a gap; this far behind, a late packet. */
#define RTPP_MAX_DROPOUT	3000
#define RTPP_MAX_MISORDER	100
/* The session's RTP clock unless one is given (RTPPROXY_SESS_A_CLOCK_RATE). */
#define RTPP_DEF_CLOCK_RATE	8000

/* Under the stream's lock. */
struct rtpp_quality {
	u32 ssrc;
	u32 ssrc_changes;
	u8 pt;
	bool seen;			/* an RTP datagram came: ssrc and pt hold */
	bool have_transit;
	u16 max_seq;
	u32 cycles;			/* sequence wraps, times 65536 */
	u32 base_seq;			/* extended: the source's first, less resets */
	u32 bad_seq;			/* a jump's next sequence (above 65535: none) */
	u64 window;			/* bit i: max_seq - i arrived */
	u64 received;			/* of this source, counted once each */
	u64 expected_prior, received_prior;	/* of the sources before */
	u64 duplicates, reordered, not_rtp;
	u32 last_ts;			/* RTP timestamp of the last datagram counted */
	u32 jitter;			/* times 16, as A.8 keeps it */
	u64 last_ns;			/* when it arrived */
};

/* What a reader is told. */
struct rtpp_quality_stats {
	bool seen;
	u8 pt;
	u32 ssrc, ssrc_changes, jitter;
	u64 expected, lost, duplicates, reordered, not_rtp;
};

void rtpp_quality_packet(struct rtpp_quality *q, const u8 *rtp,
			 unsigned int len, u64 now_ns, u32 clock_rate);
void rtpp_quality_read(const struct rtpp_quality *q,
		       struct rtpp_quality_stats *s);
void rtpp_quality_reset(struct rtpp_quality *q);

#endif /* _RTPP_QUALITY_H */

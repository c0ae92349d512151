/* SPDX-License-Identifier: GPL-2.0 */
/* Layout and numbering of the ABI, checked at compile time by both the C and the C++ test. */
#ifndef ABI_ASSERTS_H
#define ABI_ASSERTS_H

#ifndef __cplusplus
#define static_assert _Static_assert
#endif

/* The xt target's info struct is copied between 64-bit kernels and userspace as is. */
static_assert(sizeof(struct xt_rtpproxy_tginfo) == 64, "tginfo size");
static_assert(offsetof(struct xt_rtpproxy_tginfo, addr_a) == 0, "addr_a offset");
static_assert(offsetof(struct xt_rtpproxy_tginfo, addr_b) == 16, "addr_b offset");
static_assert(offsetof(struct xt_rtpproxy_tginfo, port_a) == 32, "port_a offset");
static_assert(offsetof(struct xt_rtpproxy_tginfo, port_b) == 34, "port_b offset");
static_assert(offsetof(struct xt_rtpproxy_tginfo, max_sess) == 36, "max_sess offset");
static_assert(offsetof(struct xt_rtpproxy_tginfo, expires_timeout) == 40, "expires offset");
static_assert(offsetof(struct xt_rtpproxy_tginfo, resurrection_timeout) == 44,
              "resurrection offset");
static_assert(offsetof(struct xt_rtpproxy_tginfo, flags) == 48, "flags offset");
/* The relay defaults took the place of __pad: the size stays. */
static_assert(offsetof(struct xt_rtpproxy_tginfo, dscp) == 52, "dscp offset");
static_assert(offsetof(struct xt_rtpproxy_tginfo, max_ttl) == 53, "max_ttl offset");
static_assert(offsetof(struct xt_rtpproxy_tginfo, dup_below) == 54, "dup_below offset");
static_assert(offsetof(struct xt_rtpproxy_tginfo, sb) == 56, "sb offset");

static_assert(XT_RTPPROXY_REVISION == 0, "revision");
static_assert(XT_RTPPROXY_MAX_SESS == 32767, "max sessions");
static_assert(XT_RTPPROXY_MAX_TIMEOUT == 86400, "max timeout");
static_assert(RTPPROXY_MAX_LEARN_TIMEOUT_MS == 86400000U, "max learning timeout");
static_assert(XT_RTPPROXY_GENL_VERSION == 1, "genl version");
static_assert(XT_RTPPROXY_F_DSCP == 1, "tginfo flag");

/* Netlink numbering: changing any of these breaks old binaries. */
static_assert(RTPPROXY_CMD_GET_INFO == 1, "cmd");
static_assert(RTPPROXY_CMD_GET_SWITCHBOARD == 2, "cmd");
static_assert(RTPPROXY_CMD_NEW_SESSION == 3, "cmd");
static_assert(RTPPROXY_CMD_SET_SESSION == 4, "cmd");
static_assert(RTPPROXY_CMD_DEL_SESSION == 5, "cmd");
static_assert(RTPPROXY_CMD_GET_SESSION == 6, "cmd");
static_assert(RTPPROXY_CMD_RESET_COUNTERS == 7, "cmd");
static_assert(RTPPROXY_CMD_AUDIT == 8, "cmd");
static_assert(RTPPROXY_CMD_NEW_SESSIONS == 9, "cmd");
static_assert(RTPPROXY_CMD_DEL_SESSIONS == 10, "cmd");
static_assert(RTPPROXY_CMD_GET_SESSION_TABLE == 11, "cmd");
static_assert(RTPPROXY_CMD_EVENT == 12, "cmd");
static_assert(RTPPROXY_EVENT_SESSION_NEW == 1, "event");
static_assert(RTPPROXY_EVENT_LEARNED == 2, "event");
static_assert(RTPPROXY_EVENT_EXPIRED == 3, "event");
static_assert(RTPPROXY_EVENT_RESURRECTED == 4, "event");
static_assert(RTPPROXY_EVENT_DELETED == 5, "event");
static_assert(RTPPROXY_EVENT_FREED == 6, "event");
static_assert(RTPPROXY_EVENT_SWITCHBOARD_NEW == 7, "event");
static_assert(RTPPROXY_EVENT_SWITCHBOARD_DEL == 8, "event");
static_assert(RTPPROXY_CMD_MAX == 12, "cmd max");

static_assert(RTPPROXY_A_PAD == 1, "attr");
static_assert(RTPPROXY_A_VERSION == 2, "attr");
static_assert(RTPPROXY_A_COUNTERS == 6, "attr");
static_assert(RTPPROXY_A_SWITCHBOARD == 7, "attr");
static_assert(RTPPROXY_A_SESSION == 8, "attr");
static_assert(RTPPROXY_A_SESS_ID_LO == 9, "attr");
static_assert(RTPPROXY_A_SESS_ID_HI == 10, "attr");
static_assert(RTPPROXY_A_AFFECTED == 11, "attr");
static_assert(RTPPROXY_A_RESET == 12, "attr");
static_assert(RTPPROXY_A_SESSION_LIST == 13, "attr");
static_assert(RTPPROXY_A_RANGE_LIST == 14, "attr");
static_assert(RTPPROXY_A_AFFECTED_LIST == 15, "attr");
static_assert(RTPPROXY_A_SESSION_REC_SIZE == 16, "attr");
static_assert(RTPPROXY_A_SESSION_TABLE == 17, "attr");
static_assert(RTPPROXY_A_LABEL == 18, "attr");
static_assert(RTPPROXY_A_LABEL_PREFIX == 19, "attr");
static_assert(RTPPROXY_A_EVENT == 20, "attr");
static_assert(RTPPROXY_A_STREAM == 21, "attr");
static_assert(RTPPROXY_A_MAX == 21, "attr max");

/* The bulk records: fixed layouts, the same for 32- and 64-bit userspace. */
static_assert(RTPPROXY_BULK_MAX == 128, "bulk max");
static_assert(RTPPROXY_NEW_BULK_MAX == 64, "bulk alloc max");
static_assert(sizeof(struct rtpproxy_range) == 8, "range size");
static_assert(sizeof(struct rtpproxy_stream_rec) == 64, "stream record size");
static_assert(offsetof(struct rtpproxy_stream_rec, port) == 16, "stream record port");
static_assert(offsetof(struct rtpproxy_stream_rec, gate_port) == 18, "stream record gate port");
static_assert(offsetof(struct rtpproxy_stream_rec, flags) == 20, "stream record flags");
static_assert(offsetof(struct rtpproxy_stream_rec, learn_ms) == 24, "stream record learn_ms");
static_assert(offsetof(struct rtpproxy_stream_rec, packets) == 32, "stream record packets");
static_assert(offsetof(struct rtpproxy_stream_rec, last_ms) == 56, "stream record last_ms");
static_assert(offsetof(struct rtpproxy_session_rec, state) == 4, "session record state");
static_assert(offsetof(struct rtpproxy_session_rec, age_ms) == 8, "session record age");
static_assert(offsetof(struct rtpproxy_session_rec, idle_ms) == 16, "session record idle");
static_assert(offsetof(struct rtpproxy_session_rec, stream) == 24, "session record streams");
/* What modules before the relay options send: the record up to the streams' end. */
static_assert(RTPPROXY_SESSION_REC_V1_SIZE == 280, "session record v1 size");
static_assert(offsetof(struct rtpproxy_session_rec, dscp) == RTPPROXY_SESSION_REC_V1_SIZE,
              "session record dscp");
static_assert(offsetof(struct rtpproxy_session_rec, max_ttl) == 281, "session record max_ttl");
static_assert(offsetof(struct rtpproxy_session_rec, dup_below) == 282, "session record dup_below");
static_assert(offsetof(struct rtpproxy_session_rec, mark) == 284, "session record mark");
static_assert(offsetof(struct rtpproxy_session_rec, mark_mask) == 288, "session record mark mask");
static_assert(offsetof(struct rtpproxy_session_rec, __pad2) == 292, "session record pad2");
static_assert(offsetof(struct rtpproxy_session_rec, dups) == 296, "session record dups");
/* What modules before the rate limits send ends with dups; rate and burst follow at once. */
static_assert(offsetof(struct rtpproxy_session_rec, rate) == 296 + 4 * 8, "session record rate");
static_assert(offsetof(struct rtpproxy_session_rec, burst) == 328 + 4 * 4, "session record burst");
/* What modules before the labels send ends with burst, without a hole before or after it. */
static_assert(RTPPROXY_SESSION_REC_V2_SIZE == 344 + 4 * 4, "session record v2 size");
static_assert(offsetof(struct rtpproxy_session_rec, label_len) == RTPPROXY_SESSION_REC_V2_SIZE,
              "session record label_len");
static_assert(offsetof(struct rtpproxy_session_rec, label) == 364, "session record label");
static_assert(RTPPROXY_LABEL_MAX == 128, "label size");
static_assert(offsetof(struct rtpproxy_session_rec, __pad3) == 364 + 128, "session record pad3");
/* What modules before the call quality send ends with the label. */
static_assert(RTPPROXY_SESSION_REC_V3_SIZE == 496, "session record v3 size");
static_assert(offsetof(struct rtpproxy_session_rec, clock_rate) == RTPPROXY_SESSION_REC_V3_SIZE,
              "session record clock_rate");
static_assert(offsetof(struct rtpproxy_session_rec, quality) == 504, "session record quality");
static_assert(sizeof(struct rtpproxy_quality_rec) == 56, "quality record size");
static_assert(offsetof(struct rtpproxy_quality_rec, expected) == 8, "quality record expected");
static_assert(offsetof(struct rtpproxy_quality_rec, not_rtp) == 40, "quality record not_rtp");
static_assert(offsetof(struct rtpproxy_quality_rec, jitter) == 48, "quality record jitter");
static_assert(offsetof(struct rtpproxy_quality_rec, payload_type) == 52, "quality record pt");
static_assert(offsetof(struct rtpproxy_quality_rec, flags) == 53, "quality record flags");
/* What modules before recording send ends with the quality. */
static_assert(RTPPROXY_SESSION_REC_V4_SIZE == 504 + 2 * 56, "session record v4 size");
static_assert(offsetof(struct rtpproxy_session_rec, nflog_group) == RTPPROXY_SESSION_REC_V4_SIZE,
              "session record nflog_group");
static_assert(offsetof(struct rtpproxy_session_rec, nflog_copy) == 618,
              "session record nflog_copy");
static_assert(sizeof(struct rtpproxy_session_rec) == 624, "session record size");
static_assert(RTPPROXY_SESS_A_NFLOG_GROUP == 17 && RTPPROXY_SESS_A_NFLOG_COPY == 18 &&
                  RTPPROXY_SESS_A_NFLOG_OFF == 19 && RTPPROXY_SESS_A_MAX == 19,
              "session recording attrs");
static_assert(RTPPROXY_NFLOG_RECEIVED == 1 && RTPPROXY_NFLOG_SENT == 2, "nflog copies");

static_assert(RTPPROXY_RESET_GLOBAL == 1, "reset bit");
static_assert(RTPPROXY_RESET_SWITCHBOARD == 2, "reset bit");
static_assert(RTPPROXY_RESET_SESSIONS == 4, "reset bit");
static_assert(RTPPROXY_RESET_ALL == 7, "reset bits");

static_assert(RTPPROXY_SB_A_FAMILY == 2, "sb attr");
static_assert(RTPPROXY_SB_A_GATE_A == 3, "sb attr");
static_assert(RTPPROXY_SB_A_GATE_B == 4, "sb attr");
static_assert(RTPPROXY_SB_A_AGE_MS == 11, "sb attr");
static_assert(RTPPROXY_SB_A_COUNTERS == 12, "sb attr");
static_assert(RTPPROXY_SB_A_DSCP == 13, "sb attr");
static_assert(RTPPROXY_SB_A_MAX_TTL == 14, "sb attr");
static_assert(RTPPROXY_SB_A_DUP_BELOW == 15, "sb attr");
static_assert(RTPPROXY_SB_A_MAX == 15, "sb attr max");

static_assert(RTPPROXY_GATE_A_ADDR == 1, "gate attr");
static_assert(RTPPROXY_GATE_A_PORT == 2, "gate attr");
static_assert(RTPPROXY_GATE_A_FAMILY == 3, "gate attr");
static_assert(RTPPROXY_GATE_A_MAX == 3, "gate attr max");
static_assert(XT_RTPPROXY_F_A4_B6 == 2 && XT_RTPPROXY_F_A6_B4 == 4, "bridge flags");

static_assert(RTPPROXY_SESS_LIVE == 1, "state");
static_assert(RTPPROXY_SESS_EXPIRED == 2, "state");

static_assert(RTPPROXY_SESS_A_ID == 2, "sess attr");
static_assert(RTPPROXY_SESS_A_STATE == 3, "sess attr");
static_assert(RTPPROXY_SESS_A_RTP_A == 6, "sess attr");
static_assert(RTPPROXY_SESS_A_RTCP_A == 7, "sess attr");
static_assert(RTPPROXY_SESS_A_RTP_B == 8, "sess attr");
static_assert(RTPPROXY_SESS_A_RTCP_B == 9, "sess attr");
static_assert(RTPPROXY_SESS_A_DSCP == 10, "sess attr");
static_assert(RTPPROXY_SESS_A_MAX_TTL == 11, "sess attr");
static_assert(RTPPROXY_SESS_A_MARK == 12, "sess attr");
static_assert(RTPPROXY_SESS_A_MARK_MASK == 13, "sess attr");
static_assert(RTPPROXY_SESS_A_DUP_BELOW == 14, "sess attr");
static_assert(RTPPROXY_SESS_A_LABEL == 15, "sess attr");
static_assert(RTPPROXY_SESS_A_CLOCK_RATE == 16, "sess attr");
static_assert(RTPPROXY_DSCP_SENDER == 0xff, "dscp sender");
static_assert(RTPPROXY_DSCP_MAX == 63, "dscp max");

static_assert(RTPPROXY_STREAM_RTP_A == 0, "stream index");
static_assert(RTPPROXY_STREAM_RTCP_B == 3, "stream index");
static_assert(RTPPROXY_STREAMS == 4, "streams");

static_assert(RTPPROXY_STREAM_A_GATE_PORT == 2, "stream attr");
static_assert(RTPPROXY_STREAM_A_ADDR == 3, "stream attr");
static_assert(RTPPROXY_STREAM_A_PORT == 4, "stream attr");
static_assert(RTPPROXY_STREAM_A_LEARN_TIMEOUT_MS == 5, "stream attr");
static_assert(RTPPROXY_STREAM_A_ALWAYS_LEARN == 6, "stream attr");
static_assert(RTPPROXY_STREAM_A_LEARNED == 7, "stream attr");
static_assert(RTPPROXY_STREAM_A_LAST_MS == 11, "stream attr");
static_assert(RTPPROXY_STREAM_A_CLEAR_ADDR == 12, "stream attr");
static_assert(RTPPROXY_STREAM_A_DUPS == 13, "stream attr");
static_assert(RTPPROXY_STREAM_A_RATE == 14, "stream attr");
static_assert(RTPPROXY_STREAM_A_BURST == 15, "stream attr");
static_assert(RTPPROXY_STREAM_A_SSRC == 16, "stream attr");
static_assert(RTPPROXY_STREAM_A_NOT_RTP == 24, "stream attr");
static_assert(RTPPROXY_STREAM_A_MAX == 24, "stream attr max");
static_assert(RTPPROXY_MIN_BURST == 1500, "least burst");

static_assert(RTPPROXY_CNT_A_PACKETS == 2, "counter attr");
static_assert(RTPPROXY_CNT_A_DROP_XMIT == 9, "counter attr");
static_assert(RTPPROXY_CNT_A_SESS_DELETED == 12, "counter attr");
static_assert(RTPPROXY_CNT_A_DROP_LOOP == 13, "counter attr");
static_assert(RTPPROXY_CNT_A_DUPLICATED == 14, "counter attr");
static_assert(RTPPROXY_CNT_A_DROP_RATE == 15, "counter attr");
static_assert(RTPPROXY_CNT_A_EVENTS_LOST == 16, "counter attr");
static_assert(RTPPROXY_CNT_A_MAX == 16, "counter attr max");

#endif /* ABI_ASSERTS_H */

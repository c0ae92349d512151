/* SPDX-License-Identifier: GPL-2.0 WITH Linux-syscall-note */
/*
 * xt_RTPPROXY: the ABI shared by the kernel module, libxtrtpproxy, the
 * iptrtpproxy tool and the libxt_RTPPROXY iptables extension.
 *
 * Words used below:
 *   gate         a range of 2 * max_sess consecutive UDP ports on a local IP;
 *                session N owns port (base + 2N) for RTP and (base + 2N + 1)
 *                for RTCP.
 *   switchboard  two gates, A and B, defined by an iptables rule
 *                `-j RTPPROXY`; identified by (addr_a, port_a, addr_b, port_b).
 *   session      a slot of a switchboard: a packet arriving at gate A's port
 *                of the session is sent from gate B's port of the session to
 *                client B, and vice versa.
 *   stream       one of the four client endpoints of a session (A-RTP,
 *                A-RTCP, B-RTP, B-RTCP): the address the client sends from
 *                and the address packets for that client are sent to.
 *
 * Part 1: the xtables target (revision 0, families NFPROTO_IPV4/IPV6, table
 * "mangle"). Userspace fills every field; the kernel validates them all.
 *
 * Part 2: the generic netlink family XT_RTPPROXY_GENL_NAME. Every request
 * carries attributes of enum rtpproxy_attr at the top level. Each command's
 * attribute tree:
 *
 * RTPPROXY_CMD_GET_INFO: doit. Request: no attributes. Reply:
 *    RTPPROXY_A_VERSION: NLA_NUL_STRING
 *    RTPPROXY_A_UPTIME_MS: NLA_U64
 *    RTPPROXY_A_SWITCHBOARD_COUNT: NLA_U32
 *    RTPPROXY_A_SESSION_COUNT: NLA_U32 (live and expired-not-yet-free)
 *    RTPPROXY_A_COUNTERS: NLA_NESTED (enum rtpproxy_counter_attr)
 *
 * RTPPROXY_CMD_GET_SWITCHBOARD: dumpit. Request (optional filter):
 *    RTPPROXY_A_SWITCHBOARD: NLA_NESTED selector, see "Selectors" below
 *  One reply message per switchboard:
 *    RTPPROXY_A_SWITCHBOARD: NLA_NESTED
 *       RTPPROXY_SB_A_FAMILY: NLA_U8 (AF_INET or AF_INET6; gate A's)
 *       RTPPROXY_SB_A_GATE_A: NLA_NESTED
 *          RTPPROXY_GATE_A_FAMILY: NLA_U8 (the gate's; added with bridging)
 *          RTPPROXY_GATE_A_ADDR: NLA_BINARY (4 or 16 bytes, network order)
 *          RTPPROXY_GATE_A_PORT: NLA_U16 (lowest port of the gate)
 *       RTPPROXY_SB_A_GATE_B: NLA_NESTED (as GATE_A)
 *       RTPPROXY_SB_A_MAX_SESS: NLA_U32
 *       RTPPROXY_SB_A_EXPIRES_TIMEOUT: NLA_U32 (seconds)
 *       RTPPROXY_SB_A_RESURRECTION_TIMEOUT: NLA_U32 (seconds)
 *       RTPPROXY_SB_A_RULES: NLA_U32 (rules referencing the switchboard)
 *       RTPPROXY_SB_A_SESSIONS_LIVE: NLA_U32
 *       RTPPROXY_SB_A_SESSIONS_EXPIRED: NLA_U32
 *       RTPPROXY_SB_A_AGE_MS: NLA_U64
 *       RTPPROXY_SB_A_COUNTERS: NLA_NESTED (enum rtpproxy_counter_attr)
 *
 * RTPPROXY_CMD_NEW_SESSION: doit, needs CAP_NET_ADMIN. Request:
 *    RTPPROXY_A_SWITCHBOARD: NLA_NESTED selector (must match exactly one)
 *    RTPPROXY_A_SESSION: NLA_NESTED
 *       RTPPROXY_SESS_A_RTP_A, _RTCP_A, _RTP_B, _RTCP_B: NLA_NESTED, each
 *          RTPPROXY_STREAM_A_ADDR: NLA_BINARY (with RTPPROXY_STREAM_A_PORT)
 *          RTPPROXY_STREAM_A_PORT: NLA_U16 (client port, not 0)
 *          RTPPROXY_STREAM_A_LEARN_TIMEOUT_MS: NLA_U32
 *          RTPPROXY_STREAM_A_ALWAYS_LEARN: NLA_FLAG
 *  At least one stream must have an address or a learning timeout; the
 *  kernel derives nothing (RTCP defaults are the library's business).
 *  Reply: RTPPROXY_A_SWITCHBOARD (description, without counters) and
 *  RTPPROXY_A_SESSION as in GET_SESSION.
 *
 * RTPPROXY_CMD_SET_SESSION: doit, needs CAP_NET_ADMIN. Request:
 *    RTPPROXY_A_SWITCHBOARD: NLA_NESTED selector (must match exactly one)
 *    RTPPROXY_A_SESS_ID_LO, RTPPROXY_A_SESS_ID_HI: NLA_U32 (optional; without
 *       them every live session; with them expired sessions in the range are
 *       resurrected too)
 *    RTPPROXY_A_SESSION: NLA_NESTED, stream nests as in NEW_SESSION; only the
 *       attributes present are changed; RTPPROXY_STREAM_A_CLEAR_ADDR forgets
 *       an address; a learning timeout restarts the learning window now.
 *  Reply: RTPPROXY_A_AFFECTED: NLA_U32.
 *
 * RTPPROXY_CMD_DEL_SESSION: doit, needs CAP_NET_ADMIN. Request:
 *    RTPPROXY_A_SWITCHBOARD: NLA_NESTED selector (optional; without it every
 *       switchboard)
 *    RTPPROXY_A_SESS_ID_LO, RTPPROXY_A_SESS_ID_HI: NLA_U32 (optional; without
 *       them every session)
 *  Reply: RTPPROXY_A_AFFECTED: NLA_U32.
 *
 * RTPPROXY_CMD_GET_SESSION: doit (RTPPROXY_A_SWITCHBOARD selector matching
 *  exactly one, RTPPROXY_A_SESS_ID_LO is the id) or dumpit (optional
 *  selector, optional id range, optional label filter: RTPPROXY_A_LABEL,
 *  with RTPPROXY_A_LABEL_PREFIX). One reply message per session:
 *    RTPPROXY_A_SWITCHBOARD: NLA_NESTED (FAMILY, GATE_A, GATE_B only)
 *    RTPPROXY_A_SESSION: NLA_NESTED
 *       RTPPROXY_SESS_A_ID: NLA_U32
 *       RTPPROXY_SESS_A_STATE: NLA_U8 (enum rtpproxy_sess_state)
 *       RTPPROXY_SESS_A_AGE_MS: NLA_U64 (since alloc)
 *       RTPPROXY_SESS_A_IDLE_MS: NLA_U64 (since the last relayed packet, or
 *          since alloc / resurrection)
 *       RTPPROXY_SESS_A_LABEL: NLA_BINARY (absent when the session has none)
 *       RTPPROXY_SESS_A_RTP_A, _RTCP_A, _RTP_B, _RTCP_B: NLA_NESTED, each
 *          RTPPROXY_STREAM_A_GATE_PORT: NLA_U16 (port of the gate the client
 *             sends to and receives from)
 *          RTPPROXY_STREAM_A_ADDR, RTPPROXY_STREAM_A_PORT: client, if known
 *          RTPPROXY_STREAM_A_LEARN_TIMEOUT_MS: NLA_U32, remaining window
 *          RTPPROXY_STREAM_A_ALWAYS_LEARN: NLA_FLAG
 *          RTPPROXY_STREAM_A_LEARNED: NLA_FLAG (address came from a packet)
 *          RTPPROXY_STREAM_A_PACKETS, RTPPROXY_STREAM_A_BYTES: NLA_U64
 *             (received from this client and relayed)
 *          RTPPROXY_STREAM_A_DROPS: NLA_U64 (received at this gate port of
 *             the session and dropped)
 *          RTPPROXY_STREAM_A_LAST_MS: NLA_U64 (since the last relayed packet;
 *             absent when none)
 *          RTP streams only: the call quality (RTPPROXY_STREAM_A_SSRC ...
 *             RTPPROXY_STREAM_A_NOT_RTP; SSRC and PAYLOAD_TYPE once an RTP
 *             datagram came)
 *
 * RTPPROXY_CMD_RESET_COUNTERS: doit, needs CAP_NET_ADMIN. Request:
 *    RTPPROXY_A_RESET: NLA_U32 (RTPPROXY_RESET_* bits, at least one)
 *    RTPPROXY_A_SWITCHBOARD: NLA_NESTED selector (optional, limits the
 *       switchboard and session resets; without it every switchboard)
 *  Reply: RTPPROXY_A_AFFECTED: NLA_U32 (switchboards touched).
 *
 * RTPPROXY_CMD_AUDIT: doit, needs CAP_NET_ADMIN. Runs the expiry scan (which
 *  otherwise runs every second) now. Request: optional selector. Reply:
 *    RTPPROXY_A_AFFECTED: NLA_U32 (sessions that changed state or were freed)
 *
 * Bulk commands (added later; a kernel without them answers EOPNOTSUPP, and
 * the library then falls back to the commands above). They exist because in
 * the benchmark the cost of a session alloc, delete or listing was the work
 * per netlink message and per attribute, not the session itself.
 *
 * RTPPROXY_CMD_NEW_SESSIONS: doit, needs CAP_NET_ADMIN. Allocates up to
 *  RTPPROXY_NEW_BULK_MAX sessions in one switchboard, all or none. Request:
 *    RTPPROXY_A_SWITCHBOARD: NLA_NESTED selector (must match exactly one)
 *    RTPPROXY_A_SESSION_LIST: NLA_NESTED, one nest per session (any type),
 *       each with the content of NEW_SESSION's RTPPROXY_A_SESSION
 *  Every session is validated, and the free slots counted, before the first
 *  is allocated: an error allocates nothing and names the bad attribute.
 *  Reply: as one GET_SESSION_TABLE message, the new sessions in request
 *  order.
 *
 * RTPPROXY_CMD_DEL_SESSIONS: doit, needs CAP_NET_ADMIN. Request:
 *    RTPPROXY_A_SWITCHBOARD: NLA_NESTED selector (must match exactly one)
 *    RTPPROXY_A_RANGE_LIST: NLA_BINARY, 1..RTPPROXY_BULK_MAX of struct
 *       rtpproxy_range (every range is checked before any is deleted)
 *  Reply: RTPPROXY_A_AFFECTED: NLA_U32 (in all) and
 *    RTPPROXY_A_AFFECTED_LIST: NLA_BINARY, __u32 per range, in request order.
 *
 * RTPPROXY_CMD_GET_SESSION_TABLE: dumpit; request as GET_SESSION's dump
 *  (label filter included).
 *  What GET_SESSION's dump says, in fixed-size records, many per message
 *  and every message about one switchboard:
 *    RTPPROXY_A_SWITCHBOARD: NLA_NESTED (FAMILY, GATE_A, GATE_B only)
 *    RTPPROXY_A_SESSION_REC_SIZE: NLA_U32, bytes per record: a newer kernel
 *       may append fields; read the known prefix of each record
 *    RTPPROXY_A_SESSION_TABLE: NLA_BINARY, records of that size back to
 *       back (struct rtpproxy_session_rec); they are only 4-byte aligned
 *       in the message, so copy each out before reading its __u64 fields
 *
 * Events (added later): the family's multicast group
 *  XT_RTPPROXY_MCGRP_EVENTS tells what happens to sessions and switchboards,
 *  as ip monitor and conntrack -E tell theirs. Joining it needs
 *  CAP_NET_ADMIN in the user namespace owning the network namespace; a
 *  listener hears its own namespace only. Each event is one message of
 *  RTPPROXY_CMD_EVENT (never a request: the kernel answers EOPNOTSUPP):
 *    RTPPROXY_A_EVENT: NLA_U8 (enum rtpproxy_event)
 *    RTPPROXY_A_SWITCHBOARD: NLA_NESTED: for session events FAMILY, GATE_A
 *       and GATE_B; for switchboard events as GET_SWITCHBOARD's
 *    RTPPROXY_A_SESSION: NLA_NESTED, session events: as GET_SESSION's, with
 *       the label and each stream's counters as they are when it happens
 *    RTPPROXY_A_STREAM: NLA_U8 (enum rtpproxy_stream_idx), LEARNED only
 *  A listener that does not read as fast as events come loses some: its
 *  next receive fails with ENOBUFS (netlink's own overrun report), and, if
 *  its socket has NETLINK_BROADCAST_ERROR set (netlink tells the sender of
 *  nobody else's overruns), the module counts each event it missed
 *  (RTPPROXY_CNT_A_EVENTS_LOST). Nothing is built while nobody listens.
 *
 * Selectors: an RTPPROXY_A_SWITCHBOARD nest in a request with any of
 *  RTPPROXY_SB_A_GATE_A / _GATE_B, each with any of RTPPROXY_GATE_A_ADDR /
 *  _PORT. A switchboard matches when every attribute given is equal; the
 *  port is the lowest port of the gate. An empty selector matches all.
 *
 * Permissions: every command, reads included, needs CAP_NET_ADMIN in the
 * user namespace owning the network namespace (GENL_UNS_ADMIN_PERM): session
 * lists reveal who is talking to whom, so they are not for everyone.
 *
 * Errors: a negative errno with an extended-ACK message naming the bad
 * attribute.
 */
#ifndef _UAPI_XT_RTPPROXY_H
#define _UAPI_XT_RTPPROXY_H

#include <linux/types.h>
#include <linux/netfilter.h>

/* Part 1: the xtables target. */

#define XT_RTPPROXY_NAME		"RTPPROXY"
#define XT_RTPPROXY_REVISION		0

#define XT_RTPPROXY_MAX_SESS		32767
#define XT_RTPPROXY_DEF_EXPIRES		60	/* seconds */
#define XT_RTPPROXY_DEF_RESURRECTION	30	/* seconds */
#define XT_RTPPROXY_MAX_TIMEOUT		86400	/* seconds */
/* struct xt_rtpproxy_tginfo flags */
#define XT_RTPPROXY_F_DSCP		(1U << 0) /* @dscp is set */
/*
 * A bridge between the families (added later): gate A IPv4 and gate B IPv6,
 * or the reverse. Without either flag both gates are of the rule's table.
 * The same rule in iptables and in ip6tables names one switchboard; each
 * sees the packets of its own family's gate.
 */
#define XT_RTPPROXY_F_A4_B6		(1U << 1)
#define XT_RTPPROXY_F_A6_B4		(1U << 2)
#define XT_RTPPROXY_F_ALL		(XT_RTPPROXY_F_DSCP | XT_RTPPROXY_F_A4_B6 | \
					 XT_RTPPROXY_F_A6_B4)
/* The longest learning window (RTPPROXY_STREAM_A_LEARN_TIMEOUT_MS). */
#define RTPPROXY_MAX_LEARN_TIMEOUT_MS	(XT_RTPPROXY_MAX_TIMEOUT * 1000U)

/**
 * struct xt_rtpproxy_tginfo - the target's options
 * @addr_a: gate A's local address, of the rule's family unless @flags
 *	says otherwise (XT_RTPPROXY_F_A4_B6, XT_RTPPROXY_F_A6_B4)
 * @addr_b: gate B's local address (userspace copies @addr_a if not given)
 * @port_a: lowest port of gate A, even; RTP of session N is port_a + 2N
 * @port_b: lowest port of gate B, even (userspace default: right after gate
 *	A's range when both gates share the address, else @port_a)
 * @max_sess: sessions of the switchboard, 1..XT_RTPPROXY_MAX_SESS
 * @expires_timeout: seconds without a relayed packet before a session expires
 * @resurrection_timeout: seconds an expired session keeps its slot
 * @flags: XT_RTPPROXY_F_* bits, the others 0
 * @dscp: with XT_RTPPROXY_F_DSCP, the DSCP (0..63) of new sessions'
 *	relayed packets (RTPPROXY_SESS_A_DSCP); without, 0: the sender's
 * @max_ttl: new sessions' TTL cap (RTPPROXY_SESS_A_MAX_TTL; 0: none)
 * @dup_below: new sessions' duplication size (RTPPROXY_SESS_A_DUP_BELOW;
 *	0: none)
 * @sb: the kernel's switchboard, not seen by userspace
 *
 * Several rules with equal gates share one switchboard; @max_sess must then
 * be equal, and the timeouts and relay defaults of the newest rule apply
 * (the relay defaults to sessions allocated after it, the timeouts to all).
 * Modules before the relay defaults refuse a rule that sets any of them
 * ("unknown flags set"); @dscp, @max_ttl and @dup_below were padding then.
 * Modules before bridging refuse its flags the same way.
 */
struct xt_rtpproxy_tginfo {
	union nf_inet_addr addr_a;
	union nf_inet_addr addr_b;
	__u16 port_a;
	__u16 port_b;
	__u32 max_sess;
	__u32 expires_timeout;
	__u32 resurrection_timeout;
	__u32 flags;
	__u8 dscp;
	__u8 max_ttl;
	__u16 dup_below;

	/* Used internally by the kernel: its switchboard */
	void *sb __attribute__((aligned(8)));
};

/* Part 2: the generic netlink family. */

#define XT_RTPPROXY_GENL_NAME		"xt_rtpproxy"
#define XT_RTPPROXY_GENL_VERSION	1

enum rtpproxy_cmd {
	RTPPROXY_CMD_UNSPEC,
	RTPPROXY_CMD_GET_INFO,
	RTPPROXY_CMD_GET_SWITCHBOARD,
	RTPPROXY_CMD_NEW_SESSION,
	RTPPROXY_CMD_SET_SESSION,
	RTPPROXY_CMD_DEL_SESSION,
	RTPPROXY_CMD_GET_SESSION,
	RTPPROXY_CMD_RESET_COUNTERS,
	RTPPROXY_CMD_AUDIT,
	RTPPROXY_CMD_NEW_SESSIONS,
	RTPPROXY_CMD_DEL_SESSIONS,
	RTPPROXY_CMD_GET_SESSION_TABLE,
	RTPPROXY_CMD_EVENT,
	__RTPPROXY_CMD_MAX
};
#define RTPPROXY_CMD_MAX (__RTPPROXY_CMD_MAX - 1)

/* The multicast group of the events (RTPPROXY_CMD_EVENT). */
#define XT_RTPPROXY_MCGRP_EVENTS	"events"

/**
 * enum rtpproxy_event - what an event message tells (RTPPROXY_A_EVENT)
 * @RTPPROXY_EVENT_SESSION_NEW: a session was allocated (NEW_SESSION,
 *	NEW_SESSIONS)
 * @RTPPROXY_EVENT_LEARNED: a learning stream took a packet's source as its
 *	client, and that changed its client (a first one, or always-learn
 *	seeing a new source); RTPPROXY_A_STREAM says which
 * @RTPPROXY_EVENT_RESURRECTED: SET_SESSION with an id range made a session
 *	that had been idle for the expires timeout live again
 * @RTPPROXY_EVENT_EXPIRED: a session went idle for the expires timeout
 * @RTPPROXY_EVENT_DELETED: DEL_SESSION or DEL_SESSIONS freed a session: its
 *	last counters
 * @RTPPROXY_EVENT_FREED: an expired session's slot was freed after the
 *	resurrection timeout: its last counters
 * @RTPPROXY_EVENT_SWITCHBOARD_NEW: a first rule made a switchboard
 * @RTPPROXY_EVENT_SWITCHBOARD_DEL: its last rule went: the switchboard and
 *	all its sessions are freed (no event for each of them); its last
 *	counters
 */
enum rtpproxy_event {
	RTPPROXY_EVENT_SESSION_NEW = 1,
	RTPPROXY_EVENT_LEARNED,
	RTPPROXY_EVENT_EXPIRED,
	RTPPROXY_EVENT_RESURRECTED,
	RTPPROXY_EVENT_DELETED,
	RTPPROXY_EVENT_FREED,
	RTPPROXY_EVENT_SWITCHBOARD_NEW,
	RTPPROXY_EVENT_SWITCHBOARD_DEL,
	__RTPPROXY_EVENT_MAX
};
#define RTPPROXY_EVENT_MAX (__RTPPROXY_EVENT_MAX - 1)

/**
 * enum rtpproxy_attr - top-level attributes
 * @RTPPROXY_A_PAD: padding for 64-bit attributes
 * @RTPPROXY_A_VERSION: module version (NLA_NUL_STRING)
 * @RTPPROXY_A_UPTIME_MS: time since the network namespace's state was
 *	created (NLA_U64)
 * @RTPPROXY_A_SWITCHBOARD_COUNT: switchboards in the namespace (NLA_U32)
 * @RTPPROXY_A_SESSION_COUNT: sessions holding a slot (NLA_U32)
 * @RTPPROXY_A_COUNTERS: global counters (NLA_NESTED: rtpproxy_counter_attr)
 * @RTPPROXY_A_SWITCHBOARD: selector or description (NLA_NESTED:
 *	rtpproxy_sb_attr)
 * @RTPPROXY_A_SESSION: session (NLA_NESTED: rtpproxy_sess_attr)
 * @RTPPROXY_A_SESS_ID_LO: lowest session id of a range (NLA_U32)
 * @RTPPROXY_A_SESS_ID_HI: highest session id of a range, inclusive; defaults
 *	to RTPPROXY_A_SESS_ID_LO when only that is given (NLA_U32)
 * @RTPPROXY_A_AFFECTED: objects changed by the command (NLA_U32)
 * @RTPPROXY_A_RESET: what to reset, RTPPROXY_RESET_* bits (NLA_U32)
 * @RTPPROXY_A_SESSION_LIST: sessions of NEW_SESSIONS (NLA_NESTED of
 *	rtpproxy_sess_attr nests)
 * @RTPPROXY_A_RANGE_LIST: id ranges of DEL_SESSIONS (NLA_BINARY: struct
 *	rtpproxy_range array)
 * @RTPPROXY_A_AFFECTED_LIST: sessions deleted per range (NLA_BINARY: __u32
 *	array)
 * @RTPPROXY_A_SESSION_REC_SIZE: bytes per record of RTPPROXY_A_SESSION_TABLE
 *	(NLA_U32)
 * @RTPPROXY_A_SESSION_TABLE: sessions (NLA_BINARY: struct
 *	rtpproxy_session_rec array)
 * @RTPPROXY_A_LABEL: session dumps list only the sessions with this label,
 *	1..RTPPROXY_LABEL_MAX bytes (NLA_BINARY)
 * @RTPPROXY_A_LABEL_PREFIX: with RTPPROXY_A_LABEL: the sessions whose label
 *	begins with it (NLA_FLAG)
 * @RTPPROXY_A_EVENT: what an event tells (NLA_U8: enum rtpproxy_event)
 * @RTPPROXY_A_STREAM: the stream an event is about (NLA_U8: enum
 *	rtpproxy_stream_idx)
 */
enum rtpproxy_attr {
	RTPPROXY_A_UNSPEC,
	RTPPROXY_A_PAD,
	RTPPROXY_A_VERSION,
	RTPPROXY_A_UPTIME_MS,
	RTPPROXY_A_SWITCHBOARD_COUNT,
	RTPPROXY_A_SESSION_COUNT,
	RTPPROXY_A_COUNTERS,
	RTPPROXY_A_SWITCHBOARD,
	RTPPROXY_A_SESSION,
	RTPPROXY_A_SESS_ID_LO,
	RTPPROXY_A_SESS_ID_HI,
	RTPPROXY_A_AFFECTED,
	RTPPROXY_A_RESET,
	RTPPROXY_A_SESSION_LIST,
	RTPPROXY_A_RANGE_LIST,
	RTPPROXY_A_AFFECTED_LIST,
	RTPPROXY_A_SESSION_REC_SIZE,
	RTPPROXY_A_SESSION_TABLE,
	RTPPROXY_A_LABEL,
	RTPPROXY_A_LABEL_PREFIX,
	RTPPROXY_A_EVENT,
	RTPPROXY_A_STREAM,
	__RTPPROXY_A_LAST
};
#define RTPPROXY_A_MAX (__RTPPROXY_A_LAST - 1)

/* RTPPROXY_A_RESET bits */
#define RTPPROXY_RESET_GLOBAL		(1U << 0) /* global counters */
#define RTPPROXY_RESET_SWITCHBOARD	(1U << 1) /* switchboard counters */
#define RTPPROXY_RESET_SESSIONS		(1U << 2) /* per-stream packet counters */
#define RTPPROXY_RESET_ALL		(RTPPROXY_RESET_GLOBAL | \
					 RTPPROXY_RESET_SWITCHBOARD | \
					 RTPPROXY_RESET_SESSIONS)

/**
 * enum rtpproxy_sb_attr - a switchboard (RTPPROXY_A_SWITCHBOARD)
 * @RTPPROXY_SB_A_PAD: padding
 * @RTPPROXY_SB_A_FAMILY: AF_INET or AF_INET6, gate A's (NLA_U8); a bridge's
 *	gate B is of the other family (RTPPROXY_GATE_A_FAMILY)
 * @RTPPROXY_SB_A_GATE_A: gate A (NLA_NESTED: rtpproxy_gate_attr)
 * @RTPPROXY_SB_A_GATE_B: gate B (NLA_NESTED: rtpproxy_gate_attr)
 * @RTPPROXY_SB_A_MAX_SESS: number of session slots (NLA_U32)
 * @RTPPROXY_SB_A_EXPIRES_TIMEOUT: seconds (NLA_U32)
 * @RTPPROXY_SB_A_RESURRECTION_TIMEOUT: seconds (NLA_U32)
 * @RTPPROXY_SB_A_RULES: rules referencing it (NLA_U32)
 * @RTPPROXY_SB_A_SESSIONS_LIVE: live sessions (NLA_U32)
 * @RTPPROXY_SB_A_SESSIONS_EXPIRED: expired sessions still holding a slot
 *	(NLA_U32)
 * @RTPPROXY_SB_A_AGE_MS: time since the first rule created it (NLA_U64)
 * @RTPPROXY_SB_A_COUNTERS: counters (NLA_NESTED: rtpproxy_counter_attr)
 * @RTPPROXY_SB_A_DSCP: new sessions' DSCP, as RTPPROXY_SESS_A_DSCP (NLA_U8)
 * @RTPPROXY_SB_A_MAX_TTL: new sessions' TTL cap (NLA_U8)
 * @RTPPROXY_SB_A_DUP_BELOW: new sessions' duplication size (NLA_U16)
 *	(the relay defaults of the newest rule, struct xt_rtpproxy_tginfo)
 */
enum rtpproxy_sb_attr {
	RTPPROXY_SB_A_UNSPEC,
	RTPPROXY_SB_A_PAD,
	RTPPROXY_SB_A_FAMILY,
	RTPPROXY_SB_A_GATE_A,
	RTPPROXY_SB_A_GATE_B,
	RTPPROXY_SB_A_MAX_SESS,
	RTPPROXY_SB_A_EXPIRES_TIMEOUT,
	RTPPROXY_SB_A_RESURRECTION_TIMEOUT,
	RTPPROXY_SB_A_RULES,
	RTPPROXY_SB_A_SESSIONS_LIVE,
	RTPPROXY_SB_A_SESSIONS_EXPIRED,
	RTPPROXY_SB_A_AGE_MS,
	RTPPROXY_SB_A_COUNTERS,
	RTPPROXY_SB_A_DSCP,
	RTPPROXY_SB_A_MAX_TTL,
	RTPPROXY_SB_A_DUP_BELOW,
	__RTPPROXY_SB_A_LAST
};
#define RTPPROXY_SB_A_MAX (__RTPPROXY_SB_A_LAST - 1)

/**
 * enum rtpproxy_gate_attr - a gate (RTPPROXY_SB_A_GATE_A/_B)
 * @RTPPROXY_GATE_A_ADDR: local address, 4 or 16 bytes (NLA_BINARY); in a
 *	selector its length says the family
 * @RTPPROXY_GATE_A_PORT: lowest port of the gate (NLA_U16)
 * @RTPPROXY_GATE_A_FAMILY: replies: AF_INET or AF_INET6 (NLA_U8); the
 *	addresses of the clients of this gate's streams are of it too. Modules
 *	before bridging send none: the gate is then of RTPPROXY_SB_A_FAMILY
 */
enum rtpproxy_gate_attr {
	RTPPROXY_GATE_A_UNSPEC,
	RTPPROXY_GATE_A_ADDR,
	RTPPROXY_GATE_A_PORT,
	RTPPROXY_GATE_A_FAMILY,
	__RTPPROXY_GATE_A_LAST
};
#define RTPPROXY_GATE_A_MAX (__RTPPROXY_GATE_A_LAST - 1)

/**
 * enum rtpproxy_sess_state - what a session does with packets
 * @RTPPROXY_SESS_LIVE: relays
 * @RTPPROXY_SESS_EXPIRED: idle for the expires timeout; drops, keeps its
 *	slot until the resurrection timeout; SET_SESSION with an id range
 *	makes it live again
 */
enum rtpproxy_sess_state {
	RTPPROXY_SESS_LIVE = 1,
	RTPPROXY_SESS_EXPIRED = 2,
};

/**
 * enum rtpproxy_sess_attr - a session (RTPPROXY_A_SESSION)
 * @RTPPROXY_SESS_A_PAD: padding
 * @RTPPROXY_SESS_A_ID: session id, 0..max_sess-1 (NLA_U32)
 * @RTPPROXY_SESS_A_STATE: enum rtpproxy_sess_state (NLA_U8)
 * @RTPPROXY_SESS_A_AGE_MS: time since alloc (NLA_U64)
 * @RTPPROXY_SESS_A_IDLE_MS: time since the last relayed packet (NLA_U64)
 * @RTPPROXY_SESS_A_RTP_A: client A's RTP (NLA_NESTED: rtpproxy_stream_attr)
 * @RTPPROXY_SESS_A_RTCP_A: client A's RTCP (NLA_NESTED)
 * @RTPPROXY_SESS_A_RTP_B: client B's RTP (NLA_NESTED)
 * @RTPPROXY_SESS_A_RTCP_B: client B's RTCP (NLA_NESTED)
 * @RTPPROXY_SESS_A_DSCP: the DSCP of the packets relayed to either client,
 *	0..63 (NLA_U8), or RTPPROXY_DSCP_SENDER: the sender's (the default).
 *	The ECN field is always the sender's. rtpproxy's -t 0xb8 is DSCP 46
 * @RTPPROXY_SESS_A_MAX_TTL: the highest TTL or hop limit relayed packets
 *	leave with, 1..255 (NLA_U8); 0: no cap (the default). Each relay takes
 *	one from what arrived whatever the cap
 * @RTPPROXY_SESS_A_MARK: the firewall mark bits given to relayed packets
 *	before their route lookup (NLA_U32): the mark becomes
 *	(mark & ~MARK_MASK) ^ MARK, as with xt_MARK's --set-xmark
 * @RTPPROXY_SESS_A_MARK_MASK: the bits RTPPROXY_SESS_A_MARK replaces
 *	(NLA_U32; 0xffffffff when MARK comes without it; 0 for a session
 *	given neither: the mark stays)
 * @RTPPROXY_SESS_A_DUP_BELOW: RTP and RTCP datagrams with fewer UDP payload
 *	bytes than this are sent twice (NLA_U16; 0: none, the default;
 *	rtpproxy's -2 is 128)
 * @RTPPROXY_SESS_A_CLOCK_RATE: the RTP clock of the session's streams in Hz,
 *	RTPPROXY_MIN_CLOCK_RATE..RTPPROXY_MAX_CLOCK_RATE (NLA_U32), for the
 *	jitter (RTPPROXY_STREAM_A_JITTER); 8000 unless given (G.711, G.729;
 *	48000 for Opus, 90000 for video)
 * @RTPPROXY_SESS_A_LABEL: opaque bytes of the session's owner, up to
 *	RTPPROXY_LABEL_MAX (NLA_BINARY), kept and returned as given: a control
 *	daemon's call key (Call-ID, tags), from which its state can be rebuilt.
 *	NEW_SESSION and SET_SESSION set it; 0 bytes removes it. Replies carry
 *	it when the session has one
 * @RTPPROXY_SESS_A_NFLOG_GROUP: record the session (added later): a copy of
 *	each datagram it relays goes to this NFLOG group (NLA_U16), through
 *	the kernel's logging path as the NFLOG target's copies do
 *	(nfnetlink_log: tcpdump -i nflog:GROUP reads them). The copy's prefix
 *	is "rtpp ID STREAM received" or "... sent" (STREAM: rtp-a, rtcp-a,
 *	rtp-b or rtcp-b, where the datagram came in). Requests: recording
 *	starts (or moves to this group); replies: present while it records
 * @RTPPROXY_SESS_A_NFLOG_COPY: which copies, RTPPROXY_NFLOG_* bits (NLA_U8;
 *	RTPPROXY_NFLOG_RECEIVED unless given); only with NFLOG_GROUP
 * @RTPPROXY_SESS_A_NFLOG_OFF: requests: recording stops (NLA_FLAG)
 *
 * In SET_SESSION, each of the relay options above (and the label and the
 * recording) that is present replaces the session's; the others stay.
 */
enum rtpproxy_sess_attr {
	RTPPROXY_SESS_A_UNSPEC,
	RTPPROXY_SESS_A_PAD,
	RTPPROXY_SESS_A_ID,
	RTPPROXY_SESS_A_STATE,
	RTPPROXY_SESS_A_AGE_MS,
	RTPPROXY_SESS_A_IDLE_MS,
	RTPPROXY_SESS_A_RTP_A,
	RTPPROXY_SESS_A_RTCP_A,
	RTPPROXY_SESS_A_RTP_B,
	RTPPROXY_SESS_A_RTCP_B,
	RTPPROXY_SESS_A_DSCP,
	RTPPROXY_SESS_A_MAX_TTL,
	RTPPROXY_SESS_A_MARK,
	RTPPROXY_SESS_A_MARK_MASK,
	RTPPROXY_SESS_A_DUP_BELOW,
	RTPPROXY_SESS_A_LABEL,
	RTPPROXY_SESS_A_CLOCK_RATE,
	RTPPROXY_SESS_A_NFLOG_GROUP,
	RTPPROXY_SESS_A_NFLOG_COPY,
	RTPPROXY_SESS_A_NFLOG_OFF,
	__RTPPROXY_SESS_A_LAST
};
#define RTPPROXY_SESS_A_MAX (__RTPPROXY_SESS_A_LAST - 1)

/* RTPPROXY_SESS_A_CLOCK_RATE */
#define RTPPROXY_MIN_CLOCK_RATE		1000
#define RTPPROXY_MAX_CLOCK_RATE		1000000

/*
 * RTPPROXY_SESS_A_NFLOG_COPY: the datagram as it arrived at the gate (from
 * the client, to the gate port), and as it leaves (from the opposite gate
 * port to the opposite client, the relay options applied; a duplicate is
 * copied too).
 */
#define RTPPROXY_NFLOG_RECEIVED		(1U << 0)
#define RTPPROXY_NFLOG_SENT		(1U << 1)
#define RTPPROXY_NFLOG_ALL		(RTPPROXY_NFLOG_RECEIVED | RTPPROXY_NFLOG_SENT)

/* RTPPROXY_SESS_A_LABEL, RTPPROXY_A_LABEL: the longest label. */
#define RTPPROXY_LABEL_MAX		128

/* RTPPROXY_STREAM_A_BURST: the least burst, one full-size datagram. */
#define RTPPROXY_MIN_BURST		1500

/* RTPPROXY_SESS_A_DSCP: the sender's DSCP is relayed. */
#define RTPPROXY_DSCP_SENDER		0xff
#define RTPPROXY_DSCP_MAX		63

/* Index of a stream in a session, in the order of the attributes above. */
enum rtpproxy_stream_idx {
	RTPPROXY_STREAM_RTP_A,
	RTPPROXY_STREAM_RTCP_A,
	RTPPROXY_STREAM_RTP_B,
	RTPPROXY_STREAM_RTCP_B,
	RTPPROXY_STREAMS
};

/* Ranges per DEL_SESSIONS request (and sessions per NEW_SESSIONS request of
 * modules before labels). */
#define RTPPROXY_BULK_MAX		128
/*
 * Sessions per NEW_SESSIONS request: its reply holds their records in one
 * attribute, whose length is 16 bits, and 64 records leave room for the
 * record to grow to 1 KiB (it was 360 bytes with 128 to a request).
 */
#define RTPPROXY_NEW_BULK_MAX		64

/**
 * struct rtpproxy_range - an inclusive session id range (DEL_SESSIONS)
 * @lo: lowest id, below the switchboard's max_sess
 * @hi: highest id, at least @lo
 */
struct rtpproxy_range {
	__u32 lo;
	__u32 hi;
};

/* struct rtpproxy_stream_rec flags */
#define RTPPROXY_STREAM_F_CLIENT	(1U << 0) /* @addr and @port are known */
#define RTPPROXY_STREAM_F_LEARNING	(1U << 1) /* @learn_ms is the window left */
#define RTPPROXY_STREAM_F_ALWAYS_LEARN	(1U << 2) /* as RTPPROXY_STREAM_A_ALWAYS_LEARN */
#define RTPPROXY_STREAM_F_LEARNED	(1U << 3) /* as RTPPROXY_STREAM_A_LEARNED */
#define RTPPROXY_STREAM_F_RELAYED	(1U << 4) /* @last_ms is valid */

/**
 * struct rtpproxy_stream_rec - a stream in struct rtpproxy_session_rec;
 *	each field means what the rtpproxy_stream_attr of the same name does
 * @addr: client address, network order, 4 (IPv4) or 16 bytes used: the
 *	family of the stream's gate
 * @port: client port, host order
 * @gate_port: host order
 * @flags: RTPPROXY_STREAM_F_* bits
 * @learn_ms: learning window left
 * @__pad: 0
 * @packets: packets relayed from the client
 * @bytes: UDP payload bytes relayed from it
 * @drops: packets dropped at its gate port
 * @last_ms: since its last relayed packet
 */
struct rtpproxy_stream_rec {
	__u8 addr[16];
	__u16 port;
	__u16 gate_port;
	__u32 flags;
	__u32 learn_ms;
	__u32 __pad;
	__u64 packets;
	__u64 bytes;
	__u64 drops;
	__u64 last_ms;
};

/* struct rtpproxy_quality_rec flags */
#define RTPPROXY_QUALITY_F_SEEN		(1U << 0) /* an RTP datagram came */

/**
 * struct rtpproxy_quality_rec - an RTP stream's call quality in struct
 *	rtpproxy_session_rec; each field means what the rtpproxy_stream_attr
 *	of the same name does
 * @ssrc: with RTPPROXY_QUALITY_F_SEEN
 * @ssrc_changes: times the SSRC changed
 * @expected: RTP datagrams expected from the sequence numbers
 * @lost: of those, not received
 * @duplicates: received again
 * @reordered: received after a later one
 * @not_rtp: datagrams that were not RTP
 * @jitter: interarrival jitter, RTP clock units
 * @payload_type: with RTPPROXY_QUALITY_F_SEEN, of the last RTP datagram
 * @flags: RTPPROXY_QUALITY_F_* bits
 * @__pad: 0
 */
struct rtpproxy_quality_rec {
	__u32 ssrc;
	__u32 ssrc_changes;
	__u64 expected;
	__u64 lost;
	__u64 duplicates;
	__u64 reordered;
	__u64 not_rtp;
	__u32 jitter;
	__u8 payload_type;
	__u8 flags;
	__u16 __pad;
};

/**
 * struct rtpproxy_session_rec - a session in RTPPROXY_A_SESSION_TABLE
 * @id: session id
 * @state: enum rtpproxy_sess_state
 * @__pad: 0
 * @age_ms: time since alloc
 * @idle_ms: time since the last relayed packet, alloc or resurrection
 * @stream: indexed by enum rtpproxy_stream_idx
 *
 * Appended after RTPPROXY_SESSION_REC_V1_SIZE bytes (modules without relay
 * options send records of that size: read them as the defaults):
 * @dscp: as RTPPROXY_SESS_A_DSCP
 * @max_ttl: as RTPPROXY_SESS_A_MAX_TTL
 * @dup_below: as RTPPROXY_SESS_A_DUP_BELOW
 * @mark: as RTPPROXY_SESS_A_MARK
 * @mark_mask: as RTPPROXY_SESS_A_MARK_MASK
 * @__pad2: 0
 * @dups: per stream, copies sent beyond the first (RTPPROXY_STREAM_A_DUPS)
 * @rate: per stream, as RTPPROXY_STREAM_A_RATE
 * @burst: per stream, as RTPPROXY_STREAM_A_BURST
 *
 * Appended after RTPPROXY_SESSION_REC_V2_SIZE bytes (modules without labels
 * send records of that size):
 * @label_len: bytes of @label used, 0 when the session has none
 * @label: as RTPPROXY_SESS_A_LABEL, the rest 0
 * @__pad3: 0
 *
 * Appended after RTPPROXY_SESSION_REC_V3_SIZE bytes (modules without call
 * quality send records of that size):
 * @clock_rate: as RTPPROXY_SESS_A_CLOCK_RATE
 * @__pad4: 0
 * @quality: the call quality of the RTP streams, [0] of RTPPROXY_STREAM_RTP_A,
 *	[1] of RTPPROXY_STREAM_RTP_B
 *
 * Appended after RTPPROXY_SESSION_REC_V4_SIZE bytes (modules without
 * recording send records of that size):
 * @nflog_group: as RTPPROXY_SESS_A_NFLOG_GROUP, when @nflog_copy is not 0
 * @nflog_copy: as RTPPROXY_SESS_A_NFLOG_COPY; 0: the session does not record
 * @__pad5: 0
 */
struct rtpproxy_session_rec {
	__u32 id;
	__u8 state;
	__u8 __pad[3];
	__u64 age_ms;
	__u64 idle_ms;
	struct rtpproxy_stream_rec stream[RTPPROXY_STREAMS];
	__u8 dscp;
	__u8 max_ttl;
	__u16 dup_below;
	__u32 mark;
	__u32 mark_mask;
	__u32 __pad2;
	__u64 dups[RTPPROXY_STREAMS];
	__u32 rate[RTPPROXY_STREAMS];
	__u32 burst[RTPPROXY_STREAMS];
	__u32 label_len;
	__u8 label[RTPPROXY_LABEL_MAX];
	__u32 __pad3;
	__u32 clock_rate;
	__u32 __pad4;
	struct rtpproxy_quality_rec quality[2];
	__u16 nflog_group;
	__u8 nflog_copy;
	__u8 __pad5[5];
};

/* The record before the relay options: what older modules send. */
#define RTPPROXY_SESSION_REC_V1_SIZE	(4 + 4 + 8 + 8 + \
					 RTPPROXY_STREAMS * \
					 sizeof(struct rtpproxy_stream_rec))
/* The record before the labels: what modules with relay options send. */
#define RTPPROXY_SESSION_REC_V2_SIZE	(RTPPROXY_SESSION_REC_V1_SIZE + 16 + \
					 RTPPROXY_STREAMS * (8 + 4 + 4))
/* The record before the call quality: what modules with labels send. */
#define RTPPROXY_SESSION_REC_V3_SIZE	(RTPPROXY_SESSION_REC_V2_SIZE + 4 + \
					 RTPPROXY_LABEL_MAX + 4)
/* The record before recording: what modules with call quality send. */
#define RTPPROXY_SESSION_REC_V4_SIZE	(RTPPROXY_SESSION_REC_V3_SIZE + 4 + 4 + \
					 2 * sizeof(struct rtpproxy_quality_rec))

/**
 * enum rtpproxy_stream_attr - a client endpoint (RTPPROXY_SESS_A_RTP_A...)
 * @RTPPROXY_STREAM_A_PAD: padding
 * @RTPPROXY_STREAM_A_GATE_PORT: the gate port this client uses (NLA_U16,
 *	replies only)
 * @RTPPROXY_STREAM_A_ADDR: client address, 4 or 16 bytes of the family of
 *	the stream's gate (NLA_BINARY)
 * @RTPPROXY_STREAM_A_PORT: client port (NLA_U16)
 * @RTPPROXY_STREAM_A_LEARN_TIMEOUT_MS: requests: learn the client from the
 *	first packet within this many ms from now; replies: ms left (NLA_U32)
 * @RTPPROXY_STREAM_A_ALWAYS_LEARN: keep re-learning the client from every
 *	packet (NLA_FLAG); in SET_SESSION a learning timeout or address without
 *	this flag turns always-learn off
 * @RTPPROXY_STREAM_A_LEARNED: the address was learned (NLA_FLAG, replies)
 * @RTPPROXY_STREAM_A_PACKETS: packets relayed from this client (NLA_U64)
 * @RTPPROXY_STREAM_A_BYTES: UDP payload bytes relayed from it (NLA_U64)
 * @RTPPROXY_STREAM_A_DROPS: packets dropped at its gate port (NLA_U64)
 * @RTPPROXY_STREAM_A_LAST_MS: ms since its last relayed packet (NLA_U64)
 * @RTPPROXY_STREAM_A_CLEAR_ADDR: forget the address (NLA_FLAG, SET_SESSION)
 * @RTPPROXY_STREAM_A_DUPS: copies of its packets sent beyond the first
 *	(RTPPROXY_SESS_A_DUP_BELOW; NLA_U64, replies)
 * @RTPPROXY_STREAM_A_RATE: the most UDP payload bytes a second relayed from
 *	this client (NLA_U32; 0: no limit, the default); what goes beyond is
 *	dropped and counted as RTPPROXY_CNT_A_DROP_RATE
 * @RTPPROXY_STREAM_A_BURST: the bytes it may send at once beyond the rate
 *	(NLA_U32, with RTPPROXY_STREAM_A_RATE; default: a fifth of a second at
 *	the rate, at least RTPPROXY_MIN_BURST)
 *
 * The call quality of an RTP stream, replies only, from the 12-byte RTP
 * header of every datagram accepted from the client (before the rate limit
 * judges it; the payload is not read), as RFC 3550 counts them:
 * @RTPPROXY_STREAM_A_SSRC: the SSRC of the last RTP datagram (NLA_U32)
 * @RTPPROXY_STREAM_A_SSRC_CHANGES: times it changed (NLA_U32); each new
 *	SSRC starts its own sequence, added to what came before
 * @RTPPROXY_STREAM_A_PAYLOAD_TYPE: of the last RTP datagram (NLA_U8)
 * @RTPPROXY_STREAM_A_EXPECTED: datagrams expected from the sequence numbers
 *	(the extended highest less the first, plus one: A.3) (NLA_U64)
 * @RTPPROXY_STREAM_A_LOST: expected and not received, not below 0 (NLA_U64)
 * @RTPPROXY_STREAM_A_DUPLICATES: sequence numbers received again, among
 *	the last 64 (NLA_U64)
 * @RTPPROXY_STREAM_A_REORDERED: received after a later one, up to 100
 *	behind (NLA_U64); they are not lost
 * @RTPPROXY_STREAM_A_JITTER: the interarrival jitter of A.8 in clock units
 *	of RTPPROXY_SESS_A_CLOCK_RATE (NLA_U32)
 * @RTPPROXY_STREAM_A_NOT_RTP: datagrams relayed that are not RTP: shorter
 *	than their header, version other than 2, or RTCP on the RTP port (RFC
 *	5761: packet types 192..223) (NLA_U64)
 * RTPPROXY_RESET_SESSIONS zeroes the counts; the SSRC, the sequence and the
 * jitter estimate go on.
 */
enum rtpproxy_stream_attr {
	RTPPROXY_STREAM_A_UNSPEC,
	RTPPROXY_STREAM_A_PAD,
	RTPPROXY_STREAM_A_GATE_PORT,
	RTPPROXY_STREAM_A_ADDR,
	RTPPROXY_STREAM_A_PORT,
	RTPPROXY_STREAM_A_LEARN_TIMEOUT_MS,
	RTPPROXY_STREAM_A_ALWAYS_LEARN,
	RTPPROXY_STREAM_A_LEARNED,
	RTPPROXY_STREAM_A_PACKETS,
	RTPPROXY_STREAM_A_BYTES,
	RTPPROXY_STREAM_A_DROPS,
	RTPPROXY_STREAM_A_LAST_MS,
	RTPPROXY_STREAM_A_CLEAR_ADDR,
	RTPPROXY_STREAM_A_DUPS,
	RTPPROXY_STREAM_A_RATE,
	RTPPROXY_STREAM_A_BURST,
	RTPPROXY_STREAM_A_SSRC,
	RTPPROXY_STREAM_A_SSRC_CHANGES,
	RTPPROXY_STREAM_A_PAYLOAD_TYPE,
	RTPPROXY_STREAM_A_EXPECTED,
	RTPPROXY_STREAM_A_LOST,
	RTPPROXY_STREAM_A_DUPLICATES,
	RTPPROXY_STREAM_A_REORDERED,
	RTPPROXY_STREAM_A_JITTER,
	RTPPROXY_STREAM_A_NOT_RTP,
	__RTPPROXY_STREAM_A_LAST
};
#define RTPPROXY_STREAM_A_MAX (__RTPPROXY_STREAM_A_LAST - 1)

/**
 * enum rtpproxy_counter_attr - counters (RTPPROXY_A_COUNTERS,
 *	RTPPROXY_SB_A_COUNTERS), all NLA_U64
 * @RTPPROXY_CNT_A_PAD: padding
 * @RTPPROXY_CNT_A_PACKETS: packets relayed
 * @RTPPROXY_CNT_A_BYTES: UDP payload bytes relayed
 * @RTPPROXY_CNT_A_DROP_NO_SESSION: packets at a gate port with no session
 * @RTPPROXY_CNT_A_DROP_SOURCE: packets from an unexpected source
 * @RTPPROXY_CNT_A_DROP_EXPIRED: packets for an expired session
 * @RTPPROXY_CNT_A_DROP_MALFORMED: an IPv4 header shorter than its minimum or
 *	lengths that disagree (to a gate address), bad UDP length, zero IPv6
 *	UDP checksum, a checksum offload pending outside the datagram, a
 *	source route not at its end (IPv4 LSRR/SSRR, IPv6 routing header with
 *	segments left), or a first fragment left over by defragmentation
 *	(later ones, whose ports cannot be read, continue in the chain). UDP
 *	checksums are not verified: they are updated incrementally, so a
 *	corrupt datagram stays corrupt and its receiver drops it
 * @RTPPROXY_CNT_A_DROP_NO_DEST: the opposite client is not known yet
 * @RTPPROXY_CNT_A_DROP_XMIT: no route to the opposite client (or IPsec
 *	policy refused it), the packet could not be rebuilt, or a later hook
 *	or the device dropped it
 * @RTPPROXY_CNT_A_SESS_CREATED: sessions allocated
 * @RTPPROXY_CNT_A_SESS_EXPIRED: sessions that expired
 * @RTPPROXY_CNT_A_SESS_DELETED: sessions deleted by command
 * @RTPPROXY_CNT_A_DROP_LOOP: packets whose TTL or hop limit ran out (each
 *	relay takes one, as a router does, so that a relay loop dies out),
 *	or that a relay nested too deep on one CPU (switchboards chained
 *	into a loop through OUTPUT)
 * @RTPPROXY_CNT_A_DUPLICATED: copies sent beyond the first
 *	(RTPPROXY_SESS_A_DUP_BELOW); not counted in PACKETS or BYTES
 * @RTPPROXY_CNT_A_DROP_RATE: packets beyond their stream's rate limit
 *	(RTPPROXY_STREAM_A_RATE)
 * @RTPPROXY_CNT_A_EVENTS_LOST: events (RTPPROXY_CMD_EVENT) that a listener
 *	with NETLINK_BROADCAST_ERROR missed because its receive buffer was
 *	full, or that could not be built; counted once per event however many
 *	listeners missed it
 */
enum rtpproxy_counter_attr {
	RTPPROXY_CNT_A_UNSPEC,
	RTPPROXY_CNT_A_PAD,
	RTPPROXY_CNT_A_PACKETS,
	RTPPROXY_CNT_A_BYTES,
	RTPPROXY_CNT_A_DROP_NO_SESSION,
	RTPPROXY_CNT_A_DROP_SOURCE,
	RTPPROXY_CNT_A_DROP_EXPIRED,
	RTPPROXY_CNT_A_DROP_MALFORMED,
	RTPPROXY_CNT_A_DROP_NO_DEST,
	RTPPROXY_CNT_A_DROP_XMIT,
	RTPPROXY_CNT_A_SESS_CREATED,
	RTPPROXY_CNT_A_SESS_EXPIRED,
	RTPPROXY_CNT_A_SESS_DELETED,
	RTPPROXY_CNT_A_DROP_LOOP,
	RTPPROXY_CNT_A_DUPLICATED,
	RTPPROXY_CNT_A_DROP_RATE,
	RTPPROXY_CNT_A_EVENTS_LOST,
	__RTPPROXY_CNT_A_LAST
};
#define RTPPROXY_CNT_A_MAX (__RTPPROXY_CNT_A_LAST - 1)

#endif /* _UAPI_XT_RTPPROXY_H */

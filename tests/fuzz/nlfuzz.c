// SPDX-License-Identifier: GPL-2.0
/* nlfuzz: random, malformed and mutated requests to the xt_rtpproxy generic netlink family. */
/*
 * Usage: nlfuzz [--count N] [--seed S] [--jobs J] [--sockets K]
 *               [--switchboard ADDR_A,PORT_A,ADDR_B,PORT_B,MAX_SESS]...
 *               [--client ADDR,PORT]... [--drop-privileges UID[:GID]]
 *               [--progress] [--verbose]
 *
 * Sends N netlink messages built from a grammar of the ABI in
 * <linux/netfilter/xt_RTPPROXY.h>: valid requests of every command, nearly
 * valid ones (bulk commands: session lists and range lists of every size
 * around RTPPROXY_BULK_MAX with one planted fault), random attribute trees
 * (wrong types, lengths, nests in the wrong place, duplicates, truncated
 * nests), header games (dump flags on doit-only commands, unknown commands
 * and versions, no request flag), byte-level
 * mutations of valid requests and random payloads, plus sequences of valid
 * commands (fill a switchboard one by one or in bulk, update, get, interrupted
 * dumps and session tables, delete one by one or by range lists) so that
 * the kernel reaches its deeper states. Replies are read without blocking and
 * counted; some sockets are closed in the middle of a dump.
 *
 * The switchboards come from a dump when the caller may read them, else from
 * --switchboard. Client addresses for valid streams come from --client.
 *
 * Output: key=value lines on stdout (counts of messages, acknowledgements,
 * errors by errno, and per command "cmd_<NAME>_{sent,ok,eperm,err}": a
 * command is "ok" when the kernel acknowledged it with 0, answered it with
 * data or ended its dump without error; "bulk_<NAME>_{empty,max,over}_{sent,ok}":
 * bulk requests whose list has no entry, RTPPROXY_BULK_MAX or more, of which
 * only "max" may succeed). Exit status 0 unless the tool itself
 * failed (2); what the kernel answered is for the caller to judge.
 *
 * Everything derives from the seed (printed first): with --jobs 1 the same
 * seed sends the same messages against the same kernel state.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <getopt.h>
#include <grp.h>
#include <inttypes.h>
#include <limits.h>
#include <linux/genetlink.h>
#include <linux/netfilter/xt_RTPPROXY.h>
#include <linux/netlink.h>
#include <poll.h>
#include <pwd.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#ifndef NETLINK_EXT_ACK
#define NETLINK_EXT_ACK 11
#endif
#ifndef NETLINK_GET_STRICT_CHK
#define NETLINK_GET_STRICT_CHK 12
#endif
#ifndef NLM_F_ACK_TLVS
#define NLM_F_ACK_TLVS 0x200
#endif

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))
#define NLA_DATA(nla) ((const uint8_t*)(nla) + NLA_HDRLEN)
#define NLA_PAYLOAD(nla) ((size_t)(nla)->nla_len - NLA_HDRLEN)

/* ---- statistics, shared by the worker processes --------------------------- */

/* What the kernel sees a message as (from its final bytes). */
enum msg_class {
    /* 0 .. RTPPROXY_CMD_MAX: a request of the family with that command */
    CL_BAD_CMD = RTPPROXY_CMD_MAX + 1, /* the family, command beyond the ABI */
    CL_SHORT,                          /* the family, no room for a genl header */
    CL_NO_REQUEST,                     /* NLM_F_REQUEST missing: acked unread */
    CL_CONTROL_TYPE,                   /* NLMSG_NOOP .. below NLMSG_MIN_TYPE */
    CL_NLCTRL,                         /* the genetlink controller */
    CL_UNKNOWN,                        /* a reply whose request we did not send */
    NCLASSES
};

static const char* const class_names[NCLASSES] = {
    [RTPPROXY_CMD_UNSPEC] = "UNSPEC",
    [RTPPROXY_CMD_GET_INFO] = "GET_INFO",
    [RTPPROXY_CMD_GET_SWITCHBOARD] = "GET_SWITCHBOARD",
    [RTPPROXY_CMD_NEW_SESSION] = "NEW_SESSION",
    [RTPPROXY_CMD_SET_SESSION] = "SET_SESSION",
    [RTPPROXY_CMD_DEL_SESSION] = "DEL_SESSION",
    [RTPPROXY_CMD_GET_SESSION] = "GET_SESSION",
    [RTPPROXY_CMD_RESET_COUNTERS] = "RESET_COUNTERS",
    [RTPPROXY_CMD_AUDIT] = "AUDIT",
    [RTPPROXY_CMD_NEW_SESSIONS] = "NEW_SESSIONS",
    [RTPPROXY_CMD_DEL_SESSIONS] = "DEL_SESSIONS",
    [RTPPROXY_CMD_GET_SESSION_TABLE] = "GET_SESSION_TABLE",
    [RTPPROXY_CMD_EVENT] = "EVENT",
    [CL_BAD_CMD] = "BAD_CMD",
    [CL_SHORT] = "SHORT",
    [CL_NO_REQUEST] = "NO_REQUEST",
    [CL_CONTROL_TYPE] = "CONTROL_TYPE",
    [CL_NLCTRL] = "NLCTRL",
    [CL_UNKNOWN] = "UNKNOWN",
};

enum gen_mode {
    MODE_VALID,    /* a request the kernel should accept (state permitting) */
    MODE_NEAR,     /* a valid request with a few wrong values */
    MODE_GRAMMAR,  /* random attribute trees under a valid header */
    MODE_MUTATED,  /* bytes of a (nearly) valid request corrupted */
    MODE_HEADER,   /* valid attributes, odd netlink/genetlink header */
    MODE_RANDOM,   /* random payload */
    MODE_NLCTRL,   /* family and policy queries to the controller */
    MODE_SEQUENCE, /* valid requests in a meaningful order */
    NMODES
};

static const char* const mode_names[NMODES] = {
    "valid", "near_valid", "grammar", "mutated", "header", "random", "nlctrl", "sequence",
};

enum nest_id {
    NEST_TOP,
    NEST_SB,
    NEST_GATE,
    NEST_SESS,
    NEST_STREAM,
    NEST_COUNTERS,
    NEST_SESS_LIST, /* RTPPROXY_A_SESSION_LIST: session nests of any type */
    NNESTS
};

static const char* const nest_names[NNESTS] = {
    "top", "switchboard", "gate", "session", "stream", "counters", "session_list",
};

#define MAX_ERRNO 256
#define MAX_ATTR_TYPE 32

/* Bulk requests by the size of their list, as the kernel counts it. */
enum bulk_cmd { BULK_NEW, BULK_DEL, NBULK_CMDS };
enum bulk_kind { BK_OTHER, BK_EMPTY, BK_MAX, BK_OVER, NBULK_KINDS };

static const char* const bulk_cmd_names[NBULK_CMDS] = {"NEW_SESSIONS", "DEL_SESSIONS"};
static const char* const bulk_kind_names[NBULK_KINDS] = {"other", "empty", "max", "over"};

struct stats {
    uint64_t messages; /* netlink messages sent (several per send in batches) */
    uint64_t sends, send_errors[MAX_ERRNO];
    uint64_t recvs, recv_errors[MAX_ERRNO], recv_truncated;
    uint64_t replies, acks_ok, data_replies, nlctrl_replies, other_replies;
    uint64_t dumps_done, dumps_closed_early, extack_replies;
    uint64_t errors[MAX_ERRNO]; /* errno in NLMSG_ERROR and NLMSG_DONE */
    uint64_t cls_sent[NCLASSES], cls_ok[NCLASSES], cls_eperm[NCLASSES], cls_err[NCLASSES];
    uint64_t mode[NMODES];
    uint64_t attrs[NNESTS][MAX_ATTR_TYPE]; /* attributes written, by nest and type */
    uint64_t socket_opens;
    uint64_t events, event_overruns; /* heard on the events group; ENOBUFS */
    uint64_t bulk_sent[NBULK_CMDS][NBULK_KINDS], bulk_ok[NBULK_CMDS][NBULK_KINDS];
    uint64_t worker_failures;
};

static struct stats* stats;

/* ---- options and the world the fuzzer knows --------------------------------- */

struct switchboard {
    int family[2]; /* each gate's, AF_INET or AF_INET6: a bridge's differ */
    uint8_t addr[2][16];
    uint16_t port[2];
    uint32_t max_sess;
};

struct client {
    int family;
    uint8_t addr[16];
    uint16_t port;
};

#define MAX_SWITCHBOARDS 32
#define MAX_CLIENTS 32

static struct {
    uint64_t count;
    uint64_t seed;
    unsigned int jobs;
    unsigned int sockets;
    bool progress;
    bool verbose;
    const char* drop_privileges;
    unsigned int family_id; /* given: no lookup (to try the tool without the module) */
    struct switchboard sbs[MAX_SWITCHBOARDS];
    unsigned int nsbs;
    bool sbs_from_options;
    struct client clients[MAX_CLIENTS];
    unsigned int nclients;
} opt = {
    .count = 10000,
    .jobs = 1,
    .sockets = 4,
};

static uint16_t family_id;
/* The events multicast group's id; 0: the module has none. */
static uint32_t events_group;
static bool sbs_from_kernel; /* the switchboard dump was allowed */

static void die(const char* fmt, ...) {
    va_list ap;

    fprintf(stderr, "nlfuzz: ");
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
    exit(2);
}

/* ---- randomness ------------------------------------------------------------ */

static uint64_t rng_state;

/* splitmix64: small, fast and good enough to pick test cases. */
static uint64_t rnd64(void) {
    uint64_t z = (rng_state += 0x9e3779b97f4a7c15ULL);

    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

static uint32_t below(uint32_t n) { return n ? (uint32_t)(rnd64() % n) : 0; }

/* True with a probability of pct percent. */
static bool chance(unsigned int pct) { return below(100) < pct; }

static void rnd_bytes(void* p, size_t n) {
    uint8_t* b = p;

    while (n--) *b++ = (uint8_t)rnd64();
}

/* Picks an index by weight. */
static unsigned int pick(const unsigned int* weights, unsigned int n) {
    unsigned int total = 0, i, r;

    for (i = 0; i < n; i++) total += weights[i];
    r = below(total);
    for (i = 0; i < n; i++) {
        if (r < weights[i]) return i;
        r -= weights[i];
    }
    return n - 1;
}

/* ---- message building ------------------------------------------------------ */

#define BUF_SIZE (64 * 1024)
/* One message stays below this; a send of several stays below BUF_SIZE. */
#define MSG_LIMIT (24 * 1024)
#define MAX_NLA_RECORDS 512

struct builder {
    uint8_t buf[BUF_SIZE];
    size_t len;   /* bytes in buf */
    size_t start; /* offset of the message being built */
    /* Where the current message's attribute headers are, for mutations. */
    size_t nla_off[MAX_NLA_RECORDS];
    unsigned int nnla;
    bool full;
};

static struct builder out;

static bool room(size_t n) {
    if (out.len + n > BUF_SIZE || out.len + n - out.start > MSG_LIMIT) {
        out.full = true;
        return false;
    }
    return true;
}

static void put(const void* p, size_t n) {
    if (!n || !room(n)) return;
    memcpy(out.buf + out.len, p, n);
    out.len += n;
}

static void put_zero(size_t n) {
    if (!room(n)) return;
    memset(out.buf + out.len, 0, n);
    out.len += n;
}

static void put_random(size_t n) {
    if (!room(n)) return;
    rnd_bytes(out.buf + out.len, n);
    out.len += n;
}

static void align4(void) {
    size_t rel = out.len - out.start;

    put_zero(NLA_ALIGN(rel) - rel);
}

static void count_attr(int nest, uint16_t type) {
    type &= NLA_TYPE_MASK;
    if (nest >= 0 && type < MAX_ATTR_TYPE) stats->attrs[nest][type]++;
}

/* Opens an attribute; returns its offset for nla_close(). */
static size_t nla_open(int nest, uint16_t type) {
    struct nlattr nla = {.nla_len = 0, .nla_type = type};
    size_t off;

    align4();
    off = out.len;
    if (!room(NLA_HDRLEN)) return (size_t)-1;
    put(&nla, sizeof(nla));
    if (out.nnla < MAX_NLA_RECORDS) out.nla_off[out.nnla++] = off;
    count_attr(nest, type);
    return off;
}

static void nla_close(size_t off) {
    struct nlattr* nla;
    size_t len;

    if (off == (size_t)-1) return;
    len = out.len - off;
    nla = (struct nlattr*)(out.buf + off);
    nla->nla_len = len > 0xffff ? 0xffff : (uint16_t)len;
    align4();
}

static void nla_put_raw(int nest, uint16_t type, const void* data, size_t n) {
    size_t off = nla_open(nest, type);

    if (off == (size_t)-1) return;
    put(data, n);
    nla_close(off);
}

static void nla_put_u8(int nest, uint16_t type, uint8_t v) {
    nla_put_raw(nest, type, &v, sizeof(v));
}

static void nla_put_u16(int nest, uint16_t type, uint16_t v) {
    nla_put_raw(nest, type, &v, sizeof(v));
}

static void nla_put_u32(int nest, uint16_t type, uint32_t v) {
    nla_put_raw(nest, type, &v, sizeof(v));
}

static void nla_put_flag(int nest, uint16_t type) { nla_put_raw(nest, type, NULL, 0); }

/* Starts a message at the end of the buffer. */
static uint32_t next_seq;

static void msg_open(uint16_t type, uint16_t flags, uint8_t cmd, uint8_t version) {
    struct nlmsghdr nlh = {
        .nlmsg_type = type,
        .nlmsg_flags = flags,
        .nlmsg_seq = next_seq++,
    };
    struct genlmsghdr genl = {.cmd = cmd, .version = version};

    /* Messages of one send follow each other at 4-byte boundaries. */
    while (out.len & 3) out.buf[out.len++] = 0;
    out.start = out.len;
    out.nnla = 0;
    out.full = false;
    put(&nlh, sizeof(nlh));
    put(&genl, sizeof(genl));
}

static struct nlmsghdr* msg_hdr(void) { return (struct nlmsghdr*)(out.buf + out.start); }

static void msg_close(void) { msg_hdr()->nlmsg_len = (uint32_t)(out.len - out.start); }

/* ---- the ABI as a grammar ---------------------------------------------------- */

enum kind { K_U8, K_U16, K_U32, K_U64, K_FLAG, K_ADDR, K_STRING, K_NEST, K_ARRAY };

/* What a value means, for picking plausible ones. */
enum hint {
    H_NONE,
    H_FAMILY,
    H_GATE_ADDR,
    H_GATE_PORT,
    H_CLIENT_ADDR,
    H_CLIENT_PORT,
    H_LEARN_MS,
    H_SESS_ID,
    H_RESET,
    H_STATE,
    H_RANGES,  /* struct rtpproxy_range[] */
    H_COUNTS,  /* __u32[] */
    H_RECORDS, /* struct rtpproxy_session_rec[] */
    H_REC_SIZE,
    H_DSCP,      /* 0..63 or RTPPROXY_DSCP_SENDER */
    H_TTL,       /* 0 (no cap) ..255 */
    H_DUP_BELOW, /* payload bytes */
    H_RATE,      /* bytes a second, or of a burst */
    H_LABEL,     /* opaque bytes, up to RTPPROXY_LABEL_MAX */
    H_CLOCK,     /* Hz, RTPPROXY_MIN_CLOCK_RATE..RTPPROXY_MAX_CLOCK_RATE */
    H_NFLOG,     /* an NFLOG group, any of 0..65535 */
    H_COPY,      /* RTPPROXY_NFLOG_* bits, 1..RTPPROXY_NFLOG_ALL */
};

struct attr_spec {
    uint16_t type;
    enum kind kind;
    enum hint hint;
    int child; /* nest_id for K_NEST */
};

static const struct attr_spec top_attrs[] = {
    {RTPPROXY_A_PAD, K_U64, H_NONE, 0},
    {RTPPROXY_A_VERSION, K_STRING, H_NONE, 0},
    {RTPPROXY_A_UPTIME_MS, K_U64, H_NONE, 0},
    {RTPPROXY_A_SWITCHBOARD_COUNT, K_U32, H_NONE, 0},
    {RTPPROXY_A_SESSION_COUNT, K_U32, H_NONE, 0},
    {RTPPROXY_A_COUNTERS, K_NEST, H_NONE, NEST_COUNTERS},
    {RTPPROXY_A_SWITCHBOARD, K_NEST, H_NONE, NEST_SB},
    {RTPPROXY_A_SESSION, K_NEST, H_NONE, NEST_SESS},
    {RTPPROXY_A_SESS_ID_LO, K_U32, H_SESS_ID, 0},
    {RTPPROXY_A_SESS_ID_HI, K_U32, H_SESS_ID, 0},
    {RTPPROXY_A_AFFECTED, K_U32, H_NONE, 0},
    {RTPPROXY_A_RESET, K_U32, H_RESET, 0},
    {RTPPROXY_A_SESSION_LIST, K_NEST, H_NONE, NEST_SESS_LIST},
    {RTPPROXY_A_RANGE_LIST, K_ARRAY, H_RANGES, 0},
    {RTPPROXY_A_AFFECTED_LIST, K_ARRAY, H_COUNTS, 0},
    {RTPPROXY_A_SESSION_REC_SIZE, K_U32, H_REC_SIZE, 0},
    {RTPPROXY_A_SESSION_TABLE, K_ARRAY, H_RECORDS, 0},
    {RTPPROXY_A_LABEL, K_ARRAY, H_LABEL, 0},
    {RTPPROXY_A_LABEL_PREFIX, K_FLAG, H_NONE, 0},
    {RTPPROXY_A_EVENT, K_U8, H_NONE, 0},
    {RTPPROXY_A_STREAM, K_U8, H_NONE, 0},
};

static const struct attr_spec sb_attrs[] = {
    {RTPPROXY_SB_A_PAD, K_U64, H_NONE, 0},
    {RTPPROXY_SB_A_FAMILY, K_U8, H_FAMILY, 0},
    {RTPPROXY_SB_A_GATE_A, K_NEST, H_NONE, NEST_GATE},
    {RTPPROXY_SB_A_GATE_B, K_NEST, H_NONE, NEST_GATE},
    {RTPPROXY_SB_A_MAX_SESS, K_U32, H_SESS_ID, 0},
    {RTPPROXY_SB_A_EXPIRES_TIMEOUT, K_U32, H_NONE, 0},
    {RTPPROXY_SB_A_RESURRECTION_TIMEOUT, K_U32, H_NONE, 0},
    {RTPPROXY_SB_A_RULES, K_U32, H_NONE, 0},
    {RTPPROXY_SB_A_SESSIONS_LIVE, K_U32, H_NONE, 0},
    {RTPPROXY_SB_A_SESSIONS_EXPIRED, K_U32, H_NONE, 0},
    {RTPPROXY_SB_A_AGE_MS, K_U64, H_NONE, 0},
    {RTPPROXY_SB_A_COUNTERS, K_NEST, H_NONE, NEST_COUNTERS},
    {RTPPROXY_SB_A_DSCP, K_U8, H_DSCP, 0},
    {RTPPROXY_SB_A_MAX_TTL, K_U8, H_TTL, 0},
    {RTPPROXY_SB_A_DUP_BELOW, K_U16, H_DUP_BELOW, 0},
};

static const struct attr_spec gate_attrs[] = {
    {RTPPROXY_GATE_A_ADDR, K_ADDR, H_GATE_ADDR, 0},
    {RTPPROXY_GATE_A_PORT, K_U16, H_GATE_PORT, 0},
};

static const struct attr_spec sess_attrs[] = {
    {RTPPROXY_SESS_A_PAD, K_U64, H_NONE, 0},
    {RTPPROXY_SESS_A_ID, K_U32, H_SESS_ID, 0},
    {RTPPROXY_SESS_A_STATE, K_U8, H_STATE, 0},
    {RTPPROXY_SESS_A_AGE_MS, K_U64, H_NONE, 0},
    {RTPPROXY_SESS_A_IDLE_MS, K_U64, H_NONE, 0},
    {RTPPROXY_SESS_A_RTP_A, K_NEST, H_NONE, NEST_STREAM},
    {RTPPROXY_SESS_A_RTCP_A, K_NEST, H_NONE, NEST_STREAM},
    {RTPPROXY_SESS_A_RTP_B, K_NEST, H_NONE, NEST_STREAM},
    {RTPPROXY_SESS_A_RTCP_B, K_NEST, H_NONE, NEST_STREAM},
    {RTPPROXY_SESS_A_DSCP, K_U8, H_DSCP, 0},
    {RTPPROXY_SESS_A_MAX_TTL, K_U8, H_TTL, 0},
    {RTPPROXY_SESS_A_MARK, K_U32, H_NONE, 0},
    {RTPPROXY_SESS_A_MARK_MASK, K_U32, H_NONE, 0},
    {RTPPROXY_SESS_A_DUP_BELOW, K_U16, H_DUP_BELOW, 0},
    {RTPPROXY_SESS_A_LABEL, K_ARRAY, H_LABEL, 0},
    {RTPPROXY_SESS_A_CLOCK_RATE, K_U32, H_CLOCK, 0},
    {RTPPROXY_SESS_A_NFLOG_GROUP, K_U16, H_NFLOG, 0},
    {RTPPROXY_SESS_A_NFLOG_COPY, K_U8, H_COPY, 0},
    {RTPPROXY_SESS_A_NFLOG_OFF, K_FLAG, H_NONE, 0},
};

static const struct attr_spec stream_attrs[] = {
    {RTPPROXY_STREAM_A_PAD, K_U64, H_NONE, 0},
    {RTPPROXY_STREAM_A_GATE_PORT, K_U16, H_GATE_PORT, 0},
    {RTPPROXY_STREAM_A_ADDR, K_ADDR, H_CLIENT_ADDR, 0},
    {RTPPROXY_STREAM_A_PORT, K_U16, H_CLIENT_PORT, 0},
    {RTPPROXY_STREAM_A_LEARN_TIMEOUT_MS, K_U32, H_LEARN_MS, 0},
    {RTPPROXY_STREAM_A_ALWAYS_LEARN, K_FLAG, H_NONE, 0},
    {RTPPROXY_STREAM_A_LEARNED, K_FLAG, H_NONE, 0},
    {RTPPROXY_STREAM_A_PACKETS, K_U64, H_NONE, 0},
    {RTPPROXY_STREAM_A_BYTES, K_U64, H_NONE, 0},
    {RTPPROXY_STREAM_A_DROPS, K_U64, H_NONE, 0},
    {RTPPROXY_STREAM_A_LAST_MS, K_U64, H_NONE, 0},
    {RTPPROXY_STREAM_A_CLEAR_ADDR, K_FLAG, H_NONE, 0},
    {RTPPROXY_STREAM_A_DUPS, K_U64, H_NONE, 0},
    {RTPPROXY_STREAM_A_RATE, K_U32, H_RATE, 0},
    {RTPPROXY_STREAM_A_BURST, K_U32, H_RATE, 0},
    /* The call quality: replies only. */
    {RTPPROXY_STREAM_A_SSRC, K_U32, H_NONE, 0},
    {RTPPROXY_STREAM_A_SSRC_CHANGES, K_U32, H_NONE, 0},
    {RTPPROXY_STREAM_A_PAYLOAD_TYPE, K_U8, H_NONE, 0},
    {RTPPROXY_STREAM_A_EXPECTED, K_U64, H_NONE, 0},
    {RTPPROXY_STREAM_A_LOST, K_U64, H_NONE, 0},
    {RTPPROXY_STREAM_A_DUPLICATES, K_U64, H_NONE, 0},
    {RTPPROXY_STREAM_A_REORDERED, K_U64, H_NONE, 0},
    {RTPPROXY_STREAM_A_JITTER, K_U32, H_NONE, 0},
    {RTPPROXY_STREAM_A_NOT_RTP, K_U64, H_NONE, 0},
};

static const struct attr_spec counter_attrs[] = {
    {RTPPROXY_CNT_A_PAD, K_U64, H_NONE, 0},
    {RTPPROXY_CNT_A_PACKETS, K_U64, H_NONE, 0},
    {RTPPROXY_CNT_A_BYTES, K_U64, H_NONE, 0},
    {RTPPROXY_CNT_A_DROP_NO_SESSION, K_U64, H_NONE, 0},
    {RTPPROXY_CNT_A_DROP_SOURCE, K_U64, H_NONE, 0},
    {RTPPROXY_CNT_A_DROP_EXPIRED, K_U64, H_NONE, 0},
    {RTPPROXY_CNT_A_DROP_MALFORMED, K_U64, H_NONE, 0},
    {RTPPROXY_CNT_A_DROP_NO_DEST, K_U64, H_NONE, 0},
    {RTPPROXY_CNT_A_DROP_XMIT, K_U64, H_NONE, 0},
    {RTPPROXY_CNT_A_SESS_CREATED, K_U64, H_NONE, 0},
    {RTPPROXY_CNT_A_SESS_EXPIRED, K_U64, H_NONE, 0},
    {RTPPROXY_CNT_A_SESS_DELETED, K_U64, H_NONE, 0},
    {RTPPROXY_CNT_A_DROP_LOOP, K_U64, H_NONE, 0},
    {RTPPROXY_CNT_A_DUPLICATED, K_U64, H_NONE, 0},
    {RTPPROXY_CNT_A_DROP_RATE, K_U64, H_NONE, 0},
    {RTPPROXY_CNT_A_EVENTS_LOST, K_U64, H_NONE, 0},
};

/* The kernel takes session nests of any type in the list; the library writes RTPPROXY_A_SESSION. */
static const struct attr_spec sess_list_attrs[] = {
    {RTPPROXY_A_SESSION, K_NEST, H_NONE, NEST_SESS},
    {RTPPROXY_A_UNSPEC, K_NEST, H_NONE, NEST_SESS},
    {RTPPROXY_A_SESSION_LIST, K_NEST, H_NONE, NEST_SESS},
};

static const struct {
    const struct attr_spec* attrs;
    unsigned int n;
    uint16_t max;
} nests[NNESTS] = {
    [NEST_TOP] = {top_attrs, ARRAY_SIZE(top_attrs), RTPPROXY_A_MAX},
    [NEST_SB] = {sb_attrs, ARRAY_SIZE(sb_attrs), RTPPROXY_SB_A_MAX},
    [NEST_GATE] = {gate_attrs, ARRAY_SIZE(gate_attrs), RTPPROXY_GATE_A_MAX},
    [NEST_SESS] = {sess_attrs, ARRAY_SIZE(sess_attrs), RTPPROXY_SESS_A_MAX},
    [NEST_STREAM] = {stream_attrs, ARRAY_SIZE(stream_attrs), RTPPROXY_STREAM_A_MAX},
    [NEST_COUNTERS] = {counter_attrs, ARRAY_SIZE(counter_attrs), RTPPROXY_CNT_A_MAX},
    [NEST_SESS_LIST] = {sess_list_attrs, ARRAY_SIZE(sess_list_attrs), RTPPROXY_A_MAX},
};

/* ---- values ------------------------------------------------------------------ */

/* Addresses that must be refused or are otherwise special. */
static const char* const odd_v4[] = {
    "0.0.0.0",         "255.255.255.255", "127.0.0.1",  "224.0.0.1",
    "239.255.255.250", "169.254.1.1",     "10.0.1.255", "192.0.2.1",
};
static const char* const odd_v6[] = {
    "::",          "::1",
    "ff02::1",     "ff05::2",
    "fe80::1",     "::ffff:10.0.1.2",
    "2001:db8::1", "64:ff9b::a00:102",
};

static void odd_addr(int family, uint8_t* addr) {
    memset(addr, 0, 16);
    if (family == AF_INET)
        inet_pton(AF_INET, odd_v4[below(ARRAY_SIZE(odd_v4))], addr);
    else
        inet_pton(AF_INET6, odd_v6[below(ARRAY_SIZE(odd_v6))], addr);
}

static int addr_len(int family) { return family == AF_INET ? 4 : 16; }

static const struct switchboard* random_sb(void) {
    static const struct switchboard none = {.family = {AF_INET, AF_INET}, .max_sess = 8};

    return opt.nsbs ? &opt.sbs[below(opt.nsbs)] : &none;
}

/* A client of the family: one of --client, or an odd or random address. */
static void client_addr(int family, uint8_t* addr, uint16_t* port) {
    unsigned int i, n = 0, idx[MAX_CLIENTS];

    for (i = 0; i < opt.nclients; i++)
        if (opt.clients[i].family == family) idx[n++] = i;
    if (n && chance(85)) {
        const struct client* c = &opt.clients[idx[below(n)]];

        memcpy(addr, c->addr, 16);
        /* The client's own port, or a neighbour (another session). */
        *port = chance(60) ? c->port : (uint16_t)(c->port + 2 * below(64));
        return;
    }
    memset(addr, 0, 16);
    if (family == AF_INET) {
        /* Unicast in 10.0.0.0/8 */
        addr[0] = 10;
        rnd_bytes(addr + 1, 3);
    } else {
        addr[0] = 0xfd;
        rnd_bytes(addr + 1, 15);
    }
    *port = (uint16_t)(1 + below(65535));
}

static uint32_t boundary_u32(void) {
    static const uint32_t v[] = {
        0,        1,        2,          7,          8,          15,         16,    63,
        64,       255,      256,        32766,      32767,      32768,      65535, 65536,
        86400000, 86400001, 0x7fffffff, 0x80000000, 0xfffffffe, 0xffffffff,
    };

    return v[below(ARRAY_SIZE(v))];
}

static uint16_t boundary_u16(void) {
    static const uint16_t v[] = {0, 1, 2, 1023, 1024, 32767, 32768, 65533, 65534, 65535};
    const struct switchboard* sb;

    if (chance(50) && opt.nsbs) {
        /* Around a gate: its base, its last port, just outside. */
        sb = random_sb();
        switch (below(4)) {
            case 0:
                return (uint16_t)(sb->port[below(2)] - 1);
            case 1:
                return (uint16_t)(sb->port[below(2)] + 2 * sb->max_sess - 1);
            case 2:
                return (uint16_t)(sb->port[below(2)] + 2 * sb->max_sess);
            default:
                return (uint16_t)(sb->port[below(2)] + below(2 * sb->max_sess));
        }
    }
    return v[below(ARRAY_SIZE(v))];
}

/* DSCP: mostly valid, sometimes just past the range; TTL caps: the edges too. */
static uint8_t valid_u8(enum hint hint) {
    static const uint8_t dscp[] = {0, 10, 34, 46, 63, 64, RTPPROXY_DSCP_SENDER, 0xfe};
    static const uint8_t ttl[] = {0, 1, 2, 64, 254, 255};

    if (hint == H_DSCP) return dscp[below(ARRAY_SIZE(dscp))];
    return ttl[below(ARRAY_SIZE(ttl))];
}

static uint16_t valid_dup_below(void) {
    static const uint16_t v[] = {0, 1, 13, 128, 1500, 65535};

    return v[below(ARRAY_SIZE(v))];
}

/* Every group is valid: the edges and a few that tcpdump users pick. */
static uint16_t valid_nflog_group(void) {
    static const uint16_t v[] = {0, 1, 5, 100, 32768, 65535};

    return v[below(ARRAY_SIZE(v))];
}

/* Which copies: mostly the valid bits; at times none or unknown bits (refused). */
static uint8_t nflog_copy(void) {
    static const uint8_t v[] = {RTPPROXY_NFLOG_RECEIVED, RTPPROXY_NFLOG_SENT, RTPPROXY_NFLOG_ALL};

    if (chance(85)) return v[below(ARRAY_SIZE(v))];
    if (chance(30)) return 0;
    return (uint8_t)(RTPPROXY_NFLOG_ALL + 1 + below(255 - RTPPROXY_NFLOG_ALL));
}

static uint32_t valid_u32(enum hint hint, const struct switchboard* sb) {
    static const uint32_t learn[] = {0, 1, 10, 100, 1000, 5000, 60000, 3600000, 86400000};

    switch (hint) {
        case H_SESS_ID:
            return below(sb->max_sess + (chance(10) ? 4 : 0));
        case H_LEARN_MS:
            return learn[below(ARRAY_SIZE(learn))];
        case H_RESET:
            return 1 + below(RTPPROXY_RESET_ALL);
        case H_RATE: {
            static const uint32_t rate[] = {0, 1, 1499, 1500, 8000, 64000, 1000000, UINT32_MAX};

            return rate[below(ARRAY_SIZE(rate))];
        }
        case H_CLOCK: {
            /* The range's edges and the usual rates, and just outside. */
            static const uint32_t hz[] = {
                RTPPROXY_MIN_CLOCK_RATE - 1, RTPPROXY_MIN_CLOCK_RATE,    8000, 16000, 48000, 90000,
                RTPPROXY_MAX_CLOCK_RATE,     RTPPROXY_MAX_CLOCK_RATE + 1};

            return hz[below(ARRAY_SIZE(hz))];
        }
        case H_REC_SIZE:
            return chance(70) ? (uint32_t)sizeof(struct rtpproxy_session_rec)
                              : (uint32_t)below(2 * sizeof(struct rtpproxy_session_rec));
        default:
            return chance(50) ? below(1000) : (uint32_t)rnd64();
    }
}

/* ---- bulk payloads ------------------------------------------------------------ */

/* How many entries a bulk list has: the edges of 1..RTPPROXY_BULK_MAX and beyond. */
enum bulk_size { BS_EMPTY, BS_ONE, BS_FEW, BS_MANY, BS_MAX_LESS, BS_MAX, BS_MAX_MORE, NBULK_SIZES };

/* The edges of 1..max: RTPPROXY_BULK_MAX ranges, RTPPROXY_NEW_BULK_MAX sessions. */
static unsigned int bulk_count(enum bulk_size size, unsigned int max) {
    switch (size) {
        case BS_EMPTY:
            return 0;
        case BS_ONE:
            return 1;
        case BS_FEW:
            return 2 + below(7);
        case BS_MANY:
            return 9 + below(max - 10);
        case BS_MAX_LESS:
            return max - 1;
        case BS_MAX:
            return max;
        default:
            return max + 1 + (chance(80) ? 0 : below(64));
    }
}

/* A size for a request that should work (1..BULK_MAX), or any size. */
static unsigned int pick_bulk_count(bool valid, unsigned int max) {
    static const unsigned int valid_weights[NBULK_SIZES] = {0, 30, 40, 15, 5, 10, 0};
    static const unsigned int any_weights[NBULK_SIZES] = {15, 15, 20, 15, 10, 10, 15};

    return bulk_count((enum bulk_size)pick(valid ? valid_weights : any_weights, NBULK_SIZES), max);
}

/* What is wrong with a list of ranges. */
enum range_form {
    RF_VALID,      /* 1..BULK_MAX ranges inside the switchboard */
    RF_OVERLAP,    /* valid, but ranges repeat and overlap */
    RF_WHOLE,      /* valid: 0..UINT32_MAX, the whole switchboard */
    RF_EMPTY,      /* no range at all */
    RF_REVERSED,   /* one range ends before it starts */
    RF_BEYOND,     /* one range starts at or past max_sess */
    RF_HUGE,       /* numbers at the edges of __u32 */
    RF_TOO_MANY,   /* more than BULK_MAX ranges */
    RF_ODD_LENGTH, /* not a whole number of struct rtpproxy_range */
    NRANGE_FORMS
};

/* The payload of RTPPROXY_A_RANGE_LIST. */
static void put_range_list(const struct switchboard* sb, enum range_form form) {
    struct rtpproxy_range r[RTPPROXY_BULK_MAX + 64];
    unsigned int n = 0, i, bad;
    size_t len;

    /* An odd length may reach past the ranges: those bytes are zeros. */
    memset(r, 0, sizeof(r));
    switch (form) {
        case RF_EMPTY:
            return;
        case RF_WHOLE:
            r[n++] = (struct rtpproxy_range){0, UINT32_MAX};
            break;
        case RF_TOO_MANY:
            n = bulk_count(BS_MAX_MORE, RTPPROXY_BULK_MAX);
            break;
        default:
            n = pick_bulk_count(true, RTPPROXY_BULK_MAX);
            break;
    }
    if (form != RF_WHOLE) {
        for (i = 0; i < n; i++) {
            r[i].lo = below(sb->max_sess);
            r[i].hi = r[i].lo + (chance(50) ? 0 : below(sb->max_sess + 2));
        }
    }
    bad = below(n);
    switch (form) {
        case RF_OVERLAP:
            for (i = 0; i < n; i++)
                if (chance(50)) r[i] = r[below(n)];
            break;
        case RF_REVERSED:
            r[bad].hi = r[bad].lo ? r[bad].lo - 1 : 0;
            if (!r[bad].lo) r[bad].lo = 1 + below(sb->max_sess);
            break;
        case RF_BEYOND:
            r[bad].lo = sb->max_sess + (chance(50) ? 0 : below(4));
            r[bad].hi = r[bad].lo + below(4);
            break;
        case RF_HUGE:
            r[bad].lo = chance(50) ? UINT32_MAX : 0x80000000u;
            r[bad].hi = chance(50) ? r[bad].lo : UINT32_MAX;
            break;
        default:
            break;
    }
    len = n * sizeof(r[0]);
    if (form == RF_ODD_LENGTH) {
        /* Cut into the last range, or a few bytes more. */
        if (len && chance(60))
            len -= 1 + below(sizeof(r[0]) - 1);
        else
            len += 1 + below(sizeof(r[0]) - 1);
        if (len > sizeof(r)) len = sizeof(r);
    }
    put(r, len);
}

static enum range_form pick_range_form(bool near) {
    static const unsigned int valid_weights[NRANGE_FORMS] = {70, 20, 10, 0, 0, 0, 0, 0, 0};
    static const unsigned int near_weights[NRANGE_FORMS] = {25, 10, 5, 10, 10, 10, 10, 10, 10};

    return (enum range_form)pick(near ? near_weights : valid_weights, NRANGE_FORMS);
}

/* Reply-only arrays, written into requests: __u32 counts or session records. */
static void put_array(enum hint hint, bool plausible) {
    size_t unit = hint == H_RECORDS ? sizeof(struct rtpproxy_session_rec) : sizeof(uint32_t);
    unsigned int n = hint == H_RECORDS ? below(4) : below(RTPPROXY_BULK_MAX + 2);

    if (plausible) {
        put_zero(n * unit);
    } else {
        put_random(n * unit);
        if (chance(50)) put_random(1 + below((uint32_t)unit - 1));
    }
}

/*
 * A label's bytes: mostly a few call keys that share prefixes, so that
 * dump filters find some sessions; else random bytes of the edge lengths,
 * one past RTPPROXY_LABEL_MAX when not valid.
 */
static void put_label(bool valid) {
    static const char* const keys[] = {"c1", "c1;a", "c1;a;b", "c2;a", "c"};
    static const uint16_t lens[] = {0, 1, 2, 127, RTPPROXY_LABEL_MAX};

    if (valid && chance(60)) {
        const char* key = keys[below(ARRAY_SIZE(keys))];

        put(key, strlen(key));
        return;
    }
    put_random(valid ? lens[below(ARRAY_SIZE(lens))] : RTPPROXY_LABEL_MAX + 1 + below(63));
}

/*
 * Writes one attribute of the spec. quality: 0 valid, 1 boundary, 2 wrong
 * length, 3 random bytes.
 */
static void gen_tree(int nest, int depth, unsigned int nattrs);

static void gen_value(int nest, const struct attr_spec* a, uint16_t type, unsigned int quality,
                      int depth) {
    const struct switchboard* sb = random_sb();
    uint8_t addr[16];
    uint16_t port;
    size_t off;

    if (quality == 2) {
        /* Wrong length for the type: shorter, longer, huge. */
        static const uint16_t lens[] = {0, 1, 2, 3, 5, 7, 9, 15, 17, 31, 64, 300};

        off = nla_open(nest, type);
        put_random(lens[below(ARRAY_SIZE(lens))]);
        nla_close(off);
        return;
    }
    if (quality == 3) {
        off = nla_open(nest, type);
        put_random(below(chance(90) ? 40 : 2000));
        nla_close(off);
        return;
    }
    switch (a->kind) {
        case K_U8:
            if (a->hint == H_FAMILY && quality == 0)
                nla_put_u8(nest, type, chance(50) ? AF_INET : AF_INET6);
            else if (a->hint == H_STATE && quality == 0)
                nla_put_u8(nest, type, (uint8_t)(1 + below(2)));
            else if ((a->hint == H_DSCP || a->hint == H_TTL) && quality == 0)
                nla_put_u8(nest, type, valid_u8(a->hint));
            else if (a->hint == H_COPY && quality == 0)
                nla_put_u8(nest, type, nflog_copy());
            else
                nla_put_u8(nest, type, (uint8_t)(chance(50) ? below(3) : rnd64()));
            break;
        case K_U16:
            if (quality == 1) {
                nla_put_u16(nest, type, boundary_u16());
            } else if (a->hint == H_GATE_PORT) {
                nla_put_u16(nest, type, sb->port[below(2)]);
            } else if (a->hint == H_CLIENT_PORT) {
                client_addr(sb->family[below(2)], addr, &port);
                nla_put_u16(nest, type, port);
            } else if (a->hint == H_DUP_BELOW) {
                nla_put_u16(nest, type, valid_dup_below());
            } else if (a->hint == H_NFLOG) {
                nla_put_u16(nest, type, valid_nflog_group());
            } else {
                nla_put_u16(nest, type, (uint16_t)rnd64());
            }
            break;
        case K_U32:
            nla_put_u32(nest, type, quality == 1 ? boundary_u32() : valid_u32(a->hint, sb));
            break;
        case K_U64: {
            uint64_t v = quality == 1 ? (chance(50) ? 0 : UINT64_MAX) : rnd64();

            nla_put_raw(nest, type, &v, sizeof(v));
            break;
        }
        case K_FLAG:
            nla_put_flag(nest, type);
            break;
        case K_ADDR: {
            int family = chance(50) ? AF_INET : AF_INET6;

            if (quality == 1) {
                odd_addr(family, addr);
            } else {
                int g = (int)below(2);

                family = sb->family[g];
                if (a->hint == H_GATE_ADDR)
                    memcpy(addr, sb->addr[g], 16);
                else
                    client_addr(family, addr, &port);
            }
            nla_put_raw(nest, type, addr, addr_len(family));
            break;
        }
        case K_STRING: {
            char s[40];
            size_t n = below(sizeof(s));

            rnd_bytes(s, n);
            if (quality == 0 || chance(50)) s[n ? n - 1 : 0] = 0;
            nla_put_raw(nest, type, s, n ? n : 1);
            break;
        }
        case K_NEST:
            off = nla_open(nest, (uint16_t)(type | (chance(80) ? NLA_F_NESTED : 0)));
            if (depth < 6) gen_tree(a->child, depth + 1, below(quality == 0 ? 5 : 8));
            nla_close(off);
            break;
        case K_ARRAY:
            off = nla_open(nest, type);
            if (a->hint == H_RANGES)
                put_range_list(sb, pick_range_form(quality != 0));
            else if (a->hint == H_LABEL)
                put_label(quality == 0);
            else
                put_array(a->hint, quality == 0);
            nla_close(off);
            break;
    }
}

/* Random attributes for a nest: mostly its own, some foreign or unknown. */
static void gen_tree(int nest, int depth, unsigned int nattrs) {
    static const unsigned int quality_weights[] = {50, 25, 15, 10};

    while (nattrs-- && !out.full) {
        const struct attr_spec* a;
        unsigned int r = below(100);
        uint16_t type;
        int from = nest;

        if (r < 80) {
            a = &nests[nest].attrs[below(nests[nest].n)];
            type = a->type;
        } else if (r < 88) {
            /* From another nest: same numbers, other meaning. */
            from = (int)below(NNESTS);
            a = &nests[from].attrs[below(nests[from].n)];
            type = a->type;
        } else {
            /* Unknown types: 0, just past the end, far past it. */
            static const uint16_t unknown[] = {0, 1, 13, 14, 31, 255, 0x3fff};

            a = &nests[nest].attrs[below(nests[nest].n)];
            type = chance(50) ? (uint16_t)(nests[nest].max + 1 + below(3))
                              : unknown[below(ARRAY_SIZE(unknown))];
        }
        if (chance(3)) type |= NLA_F_NET_BYTEORDER;
        if (chance(3) && a->kind != K_NEST) type |= NLA_F_NESTED;
        gen_value(nest, a, type, pick(quality_weights, ARRAY_SIZE(quality_weights)), depth);
    }
}

/* ---- valid and nearly valid requests ---------------------------------------- */

/* Set while building a nearly valid request: some values go wrong. */
static bool near_valid;

static bool go_wrong(void) { return near_valid && chance(10); }

/*
 * A selector naming one switchboard (gate A's address and port), or several,
 * or none, or a switchboard that does not exist.
 */
static void gen_selector(const struct switchboard* sb, bool exact) {
    size_t sel = nla_open(NEST_TOP, RTPPROXY_A_SWITCHBOARD | NLA_F_NESTED);
    unsigned int form = exact ? (chance(85) ? 0 : 1) : below(5);
    int g = form == 1 ? 1 : 0;
    size_t gate;

    if (form == 4) /* empty: every switchboard */
        goto done;
    gate = nla_open(NEST_SB, (uint16_t)((RTPPROXY_SB_A_GATE_A + g) | NLA_F_NESTED));
    if (form != 3) {
        uint8_t addr[16];

        memcpy(addr, sb->addr[g], 16);
        if (go_wrong()) odd_addr(sb->family[g], addr);
        nla_put_raw(NEST_GATE, RTPPROXY_GATE_A_ADDR, addr,
                    go_wrong() ? (size_t)below(17) : (size_t)addr_len(sb->family[g]));
        /* Replies only: the kernel refuses it in a selector. */
        if (go_wrong()) nla_put_u8(NEST_GATE, RTPPROXY_GATE_A_FAMILY, (uint8_t)sb->family[g]);
    }
    if (form != 2)
        nla_put_u16(NEST_GATE, RTPPROXY_GATE_A_PORT, go_wrong() ? boundary_u16() : sb->port[g]);
    nla_close(gate);
    if (form == 1 && chance(50)) {
        /* Both gates. */
        gate = nla_open(NEST_SB, RTPPROXY_SB_A_GATE_A | NLA_F_NESTED);
        nla_put_raw(NEST_GATE, RTPPROXY_GATE_A_ADDR, sb->addr[0], addr_len(sb->family[0]));
        nla_put_u16(NEST_GATE, RTPPROXY_GATE_A_PORT, sb->port[0]);
        nla_close(gate);
    }
done:
    if (go_wrong()) gen_tree(NEST_SB, 2, 1 + below(2));
    nla_close(sel);
}

static void gen_stream(const struct switchboard* sb, int idx, bool update) {
    size_t st = nla_open(NEST_SESS, (uint16_t)((RTPPROXY_SESS_A_RTP_A + idx) | NLA_F_NESTED));
    int family = sb->family[idx / 2];
    uint8_t addr[16];
    uint16_t port;

    if (chance(70)) {
        client_addr(family, addr, &port);
        if (go_wrong()) odd_addr(family, addr);
        if (go_wrong()) port = chance(50) ? 0 : sb->port[below(2)];
        if (!go_wrong())
            nla_put_raw(NEST_STREAM, RTPPROXY_STREAM_A_ADDR, addr,
                        go_wrong() ? (size_t)addr_len(family == AF_INET ? AF_INET6 : AF_INET)
                                   : (size_t)addr_len(family));
        if (!go_wrong()) nla_put_u16(NEST_STREAM, RTPPROXY_STREAM_A_PORT, port);
    }
    if (chance(40))
        nla_put_u32(NEST_STREAM, RTPPROXY_STREAM_A_LEARN_TIMEOUT_MS,
                    go_wrong() ? boundary_u32() : valid_u32(H_LEARN_MS, sb));
    if (chance(20)) nla_put_flag(NEST_STREAM, RTPPROXY_STREAM_A_ALWAYS_LEARN);
    if ((update && chance(15)) || go_wrong())
        nla_put_flag(NEST_STREAM, RTPPROXY_STREAM_A_CLEAR_ADDR);
    /* A burst alone, or below one datagram, is refused. */
    if (chance(15) || go_wrong())
        nla_put_u32(NEST_STREAM, RTPPROXY_STREAM_A_RATE, valid_u32(H_RATE, sb));
    if (chance(8) || go_wrong())
        nla_put_u32(NEST_STREAM, RTPPROXY_STREAM_A_BURST, valid_u32(H_RATE, sb));
    if (go_wrong()) gen_tree(NEST_STREAM, 3, 1);
    nla_close(st);
}

/* The relay options of a session: each now and then, sometimes out of range. */
static void gen_relay_opts(void) {
    if (chance(25))
        nla_put_u8(NEST_SESS, RTPPROXY_SESS_A_DSCP,
                   go_wrong() ? (uint8_t)rnd64() : valid_u8(H_DSCP));
    if (chance(25))
        nla_put_u8(NEST_SESS, RTPPROXY_SESS_A_MAX_TTL,
                   go_wrong() ? (uint8_t)rnd64() : valid_u8(H_TTL));
    if (chance(20)) nla_put_u16(NEST_SESS, RTPPROXY_SESS_A_DUP_BELOW, valid_dup_below());
    if (chance(20))
        nla_put_u32(NEST_SESS, RTPPROXY_SESS_A_CLOCK_RATE,
                    go_wrong() ? (uint32_t)rnd64() : valid_u32(H_CLOCK, NULL));
    /* A mask alone is refused. */
    if (chance(20) || go_wrong()) nla_put_u32(NEST_SESS, RTPPROXY_SESS_A_MARK, (uint32_t)rnd64());
    if (chance(10) || go_wrong())
        nla_put_u32(NEST_SESS, RTPPROXY_SESS_A_MARK_MASK, chance(50) ? 0xff : (uint32_t)rnd64());
}

/*
 * Recording on (a group, mostly with its copies) or off (mostly in an
 * update); refused: the copies without a group, off with a group or copies,
 * copies of none or of unknown bits.
 */
static void gen_recording(bool update) {
    bool group = chance(15) || go_wrong();
    bool off = chance(update ? 10 : 2) || go_wrong();

    /* Both at once is refused: mostly one of them. */
    if (group && off && !go_wrong()) {
        if (chance(50))
            group = false;
        else
            off = false;
    }
    if (group) nla_put_u16(NEST_SESS, RTPPROXY_SESS_A_NFLOG_GROUP, valid_nflog_group());
    /* Without it the kernel records the received copies. */
    if ((group && chance(70)) || go_wrong())
        nla_put_u8(NEST_SESS, RTPPROXY_SESS_A_NFLOG_COPY, nflog_copy());
    if (off) nla_put_flag(NEST_SESS, RTPPROXY_SESS_A_NFLOG_OFF);
}

/* A session's label (0 bytes removes it), or a dump's label filter. */
static void gen_label(int nest, uint16_t type) {
    size_t off;

    if (!chance(30) && !go_wrong()) return;
    off = nla_open(nest, type);
    put_label(!go_wrong());
    nla_close(off);
}

/* A dump's label filter; the prefix flag alone or an empty label is refused. */
static void gen_label_filter(void) {
    gen_label(NEST_TOP, RTPPROXY_A_LABEL);
    if (chance(15) || go_wrong()) nla_put_flag(NEST_TOP, RTPPROXY_A_LABEL_PREFIX);
}

static void gen_session(const struct switchboard* sb, bool update) {
    size_t sess = nla_open(NEST_TOP, RTPPROXY_A_SESSION | NLA_F_NESTED);
    int i;

    for (i = 0; i < RTPPROXY_STREAMS; i++)
        if (chance(i == 0 ? 90 : 60)) gen_stream(sb, i, update);
    gen_relay_opts();
    gen_label(NEST_SESS, RTPPROXY_SESS_A_LABEL);
    gen_recording(update);
    if (go_wrong()) gen_tree(NEST_SESS, 2, 1);
    nla_close(sess);
}

/* What is wrong with one session of a NEW_SESSIONS list. */
enum sess_fault {
    SF_NONE,
    SF_EMPTY,         /* no stream: nothing to learn or send to */
    SF_FAMILY,        /* an address of the other family */
    SF_NOT_UNICAST,   /* a multicast, broadcast or unspecified address */
    SF_PORT_ZERO,     /* client port 0 */
    SF_ADDR_ONLY,     /* an address without its port */
    SF_SET_AND_CLEAR, /* an address and RTPPROXY_STREAM_A_CLEAR_ADDR */
    SF_GATE_PORT,     /* the client is a gate port of the switchboard */
    SF_LONG_LEARN,    /* a learning timeout over a day */
    SF_NOT_NESTED,    /* the session nest without NLA_F_NESTED */
    SF_NOT_A_NEST,    /* a u32 where the session should be */
    SF_STRAY_ATTR,    /* random attributes inside the session */
    SF_DUPLICATE,     /* a stream given twice (the last one counts) */
    NSESS_FAULTS
};

/* A stream with a client address and port, or a learning timeout. */
static void put_sure_stream(const struct switchboard* sb, int idx, enum sess_fault fault) {
    size_t st = nla_open(NEST_SESS, (uint16_t)((RTPPROXY_SESS_A_RTP_A + idx) | NLA_F_NESTED));
    int own = sb->family[idx / 2];
    int family = fault == SF_FAMILY ? (own == AF_INET ? AF_INET6 : AF_INET) : own;
    uint8_t addr[16];
    uint16_t port;

    if (fault == SF_NONE && chance(15)) {
        nla_put_u32(NEST_STREAM, RTPPROXY_STREAM_A_LEARN_TIMEOUT_MS, 1 + below(60000));
        nla_close(st);
        return;
    }
    client_addr(family, addr, &port);
    if (fault == SF_NOT_UNICAST) odd_addr(family, addr);
    if (fault == SF_PORT_ZERO) port = 0;
    if (fault == SF_GATE_PORT) {
        /* A gate of the stream's family: a bridge's other gate is not. */
        int g = sb->family[0] == sb->family[1] ? (int)below(2) : idx / 2;

        memcpy(addr, sb->addr[g], 16);
        port = (uint16_t)(sb->port[g] + below(2 * sb->max_sess));
    }
    nla_put_raw(NEST_STREAM, RTPPROXY_STREAM_A_ADDR, addr, addr_len(family));
    if (fault != SF_ADDR_ONLY) nla_put_u16(NEST_STREAM, RTPPROXY_STREAM_A_PORT, port);
    if (fault == SF_SET_AND_CLEAR) nla_put_flag(NEST_STREAM, RTPPROXY_STREAM_A_CLEAR_ADDR);
    if (fault == SF_LONG_LEARN)
        nla_put_u32(NEST_STREAM, RTPPROXY_STREAM_A_LEARN_TIMEOUT_MS,
                    XT_RTPPROXY_MAX_TIMEOUT * 1000U + 1 + below(1000));
    nla_close(st);
}

/*
 * One session of a list: valid unless fault says otherwise. Light sessions
 * (one stream) keep a list of RTPPROXY_BULK_MAX + 1 within one message.
 */
static void gen_list_session(const struct switchboard* sb, enum sess_fault fault, bool light) {
    static const uint16_t types[] = {RTPPROXY_A_SESSION, RTPPROXY_A_SESSION, RTPPROXY_A_SESSION,
                                     RTPPROXY_A_UNSPEC, RTPPROXY_A_SESSION_LIST};
    uint16_t type = types[below(ARRAY_SIZE(types))];
    size_t sess;
    int i;

    if (fault == SF_NOT_A_NEST) {
        nla_put_u32(NEST_SESS_LIST, type, (uint32_t)rnd64());
        return;
    }
    sess = nla_open(NEST_SESS_LIST, (uint16_t)(type | (fault == SF_NOT_NESTED ? 0 : NLA_F_NESTED)));
    if (fault != SF_EMPTY) {
        /* The stream with a fault, or the first one, is always there. */
        int sure = (int)below(RTPPROXY_STREAMS);

        for (i = 0; i < RTPPROXY_STREAMS; i++) {
            if (i == sure)
                put_sure_stream(sb, i, fault);
            else if (!light && chance(50))
                gen_stream(sb, i, false);
        }
        if (fault == SF_DUPLICATE) put_sure_stream(sb, sure, SF_NONE);
    }
    /* A recording session in a list: the kernel readies its logger for each. */
    if (fault == SF_NONE && !light && chance(10)) {
        nla_put_u16(NEST_SESS, RTPPROXY_SESS_A_NFLOG_GROUP, valid_nflog_group());
        nla_put_u8(NEST_SESS, RTPPROXY_SESS_A_NFLOG_COPY,
                   chance(50) ? RTPPROXY_NFLOG_RECEIVED : RTPPROXY_NFLOG_ALL);
    }
    if (fault == SF_STRAY_ATTR) gen_tree(NEST_SESS, 3, 1 + below(3));
    nla_close(sess);
}

/*
 * The RTPPROXY_A_SESSION_LIST of NEW_SESSIONS: n sessions; nearly valid ones
 * have one fault in one session (first, last or any), which must make the
 * kernel refuse the whole list.
 */
static void gen_session_list(const struct switchboard* sb, unsigned int n, bool near) {
    enum sess_fault fault = near ? (enum sess_fault)(1 + below(NSESS_FAULTS - 1)) : SF_NONE;
    unsigned int bad = n ? (chance(30) ? 0 : chance(40) ? n - 1 : below(n)) : 0, i;
    bool light = n > 32;
    size_t list;

    if (near && chance(10)) {
        /* Not a nest. */
        nla_put_u32(NEST_TOP, RTPPROXY_A_SESSION_LIST, n);
        return;
    }
    list = nla_open(NEST_TOP,
                    (uint16_t)(RTPPROXY_A_SESSION_LIST | (near && chance(10) ? 0 : NLA_F_NESTED)));
    for (i = 0; i < n && !out.full; i++) gen_list_session(sb, i == bad ? fault : SF_NONE, light);
    nla_close(list);
}

/* The attributes of DEL_SESSIONS after the selector. */
static void gen_range_list(const struct switchboard* sb, bool near) {
    size_t off = nla_open(NEST_TOP, RTPPROXY_A_RANGE_LIST);

    put_range_list(sb, pick_range_form(near));
    nla_close(off);
}

static void gen_range(const struct switchboard* sb, bool single) {
    uint32_t lo = valid_u32(H_SESS_ID, sb), hi;

    if (go_wrong()) lo = boundary_u32();
    nla_put_u32(NEST_TOP, RTPPROXY_A_SESS_ID_LO, lo);
    if (single && chance(80)) return;
    hi = lo + below(sb->max_sess);
    if (go_wrong()) hi = chance(50) ? lo - 1 : boundary_u32();
    nla_put_u32(NEST_TOP, RTPPROXY_A_SESS_ID_HI, hi);
}

/* Which commands are dumps, which doits, as the ABI says. */
static bool cmd_has_dump(int cmd) {
    return cmd == RTPPROXY_CMD_GET_SWITCHBOARD || cmd == RTPPROXY_CMD_GET_SESSION ||
           cmd == RTPPROXY_CMD_GET_SESSION_TABLE;
}

static bool cmd_has_doit(int cmd) {
    return cmd >= RTPPROXY_CMD_GET_INFO && cmd <= RTPPROXY_CMD_MAX &&
           cmd != RTPPROXY_CMD_GET_SWITCHBOARD && cmd != RTPPROXY_CMD_GET_SESSION_TABLE;
}

/* The attributes of a valid request of cmd. */
static void gen_body(int cmd, bool dump) {
    const struct switchboard* sb = random_sb();

    switch (cmd) {
        case RTPPROXY_CMD_GET_INFO:
            break;
        case RTPPROXY_CMD_GET_SWITCHBOARD:
            if (chance(50)) gen_selector(sb, false);
            break;
        case RTPPROXY_CMD_NEW_SESSION:
            if (!go_wrong()) gen_selector(sb, true);
            gen_session(sb, false);
            break;
        case RTPPROXY_CMD_SET_SESSION:
            if (!go_wrong()) gen_selector(sb, true);
            if (chance(70)) gen_range(sb, false);
            gen_session(sb, true);
            break;
        case RTPPROXY_CMD_DEL_SESSION:
            if (chance(80)) gen_selector(sb, chance(80));
            if (chance(85)) gen_range(sb, false);
            break;
        case RTPPROXY_CMD_GET_SESSION:
            if (dump) {
                if (chance(60)) gen_selector(sb, false);
                if (chance(50)) gen_range(sb, false);
                gen_label_filter();
            } else {
                if (!go_wrong()) gen_selector(sb, true);
                if (!go_wrong()) gen_range(sb, true);
            }
            break;
        case RTPPROXY_CMD_RESET_COUNTERS:
            if (!go_wrong())
                nla_put_u32(NEST_TOP, RTPPROXY_A_RESET,
                            go_wrong() ? boundary_u32() : valid_u32(H_RESET, sb));
            if (chance(50)) gen_selector(sb, chance(50));
            break;
        case RTPPROXY_CMD_AUDIT:
            if (chance(50)) gen_selector(sb, chance(50));
            break;
        case RTPPROXY_CMD_NEW_SESSIONS:
            if (!go_wrong()) gen_selector(sb, !near_valid || chance(80));
            gen_session_list(sb, pick_bulk_count(!near_valid, RTPPROXY_NEW_BULK_MAX), near_valid);
            break;
        case RTPPROXY_CMD_DEL_SESSIONS:
            if (!go_wrong()) gen_selector(sb, !near_valid || chance(80));
            if (!near_valid || chance(90)) gen_range_list(sb, near_valid);
            /* DEL_SESSION's single range, which this command does not read. */
            if (go_wrong()) gen_range(sb, false);
            break;
        case RTPPROXY_CMD_GET_SESSION_TABLE:
            /* The request of GET_SESSION's dump. */
            if (chance(60)) gen_selector(sb, false);
            if (chance(50)) gen_range(sb, false);
            gen_label_filter();
            /* The record size is a reply attribute: no request may carry it. */
            if (go_wrong())
                nla_put_u32(NEST_TOP, RTPPROXY_A_SESSION_REC_SIZE, valid_u32(H_REC_SIZE, sb));
            break;
    }
    if (go_wrong()) gen_tree(NEST_TOP, 1, 1 + below(2));
}

static uint16_t request_flags(bool dump) {
    uint16_t flags = NLM_F_REQUEST;

    if (chance(80)) flags |= NLM_F_ACK;
    if (dump) flags |= NLM_F_DUMP;
    return flags;
}

static int random_cmd(bool* dump) {
    int cmd = 1 + (int)below(RTPPROXY_CMD_MAX);

    if (!cmd_has_doit(cmd))
        *dump = true;
    else if (cmd_has_dump(cmd))
        *dump = chance(50);
    else
        *dump = false;
    return cmd;
}

static void msg_valid(bool near) {
    bool dump;
    int cmd = random_cmd(&dump);

    near_valid = near;
    msg_open(family_id, request_flags(dump), (uint8_t)cmd, XT_RTPPROXY_GENL_VERSION);
    gen_body(cmd, dump);
    msg_close();
    near_valid = false;
}

static void msg_grammar(void) {
    bool dump;
    int cmd = random_cmd(&dump);

    msg_open(family_id, request_flags(dump), (uint8_t)cmd, XT_RTPPROXY_GENL_VERSION);
    gen_tree(NEST_TOP, 0, below(8));
    msg_close();
}

/* Valid attributes under an odd header. */
static void msg_header(void) {
    static const uint16_t odd_types[] = {NLMSG_NOOP, NLMSG_ERROR, NLMSG_DONE, NLMSG_OVERRUN, 0, 15};
    bool dump;
    int cmd = random_cmd(&dump);
    uint16_t type = family_id, flags = request_flags(dump);
    uint8_t hdr_cmd = (uint8_t)cmd, version = XT_RTPPROXY_GENL_VERSION;
    struct genlmsghdr* genl;

    switch (below(8)) {
        case 0: /* a dump of a doit-only command, or the other way round */
            flags ^= NLM_F_DUMP;
            break;
        case 1: /* half a dump flag, or other request flags */
            flags |= (uint16_t[]){
                NLM_F_ROOT,  NLM_F_MATCH, NLM_F_ATOMIC, NLM_F_ECHO, NLM_F_EXCL | NLM_F_CREATE,
                NLM_F_APPEND}[below(6)];
            break;
        case 2:
            flags = (uint16_t)rnd64();
            break;
        case 3:
            version = (uint8_t[]){0, 2, 255}[below(3)];
            break;
        case 4:
            hdr_cmd =
                (uint8_t)(chance(30) ? 0 : RTPPROXY_CMD_MAX + 1 + below(255 - RTPPROXY_CMD_MAX));
            break;
        case 5:
            type = odd_types[below(ARRAY_SIZE(odd_types))];
            break;
        case 6:
            flags &= (uint16_t)~NLM_F_REQUEST;
            break;
        default:
            break; /* reserved byte below */
    }
    msg_open(type, flags, hdr_cmd, version);
    genl = (struct genlmsghdr*)(out.buf + out.start + NLMSG_HDRLEN);
    if (chance(20)) genl->reserved = (uint16_t)rnd64();
    if (chance(10)) msg_hdr()->nlmsg_pid = (uint32_t)rnd64();
    gen_body(cmd, dump);
    msg_close();
}

static void msg_random(void) {
    bool dump;
    int cmd = random_cmd(&dump);

    msg_open(family_id, request_flags(dump), chance(80) ? (uint8_t)cmd : (uint8_t)rnd64(),
             XT_RTPPROXY_GENL_VERSION);
    switch (below(3)) {
        case 0:
            /* No room for a genetlink header. */
            out.len = out.start + NLMSG_HDRLEN + below(GENL_HDRLEN);
            break;
        case 1:
            put_random(below(64));
            break;
        default:
            put_random(below(chance(95) ? 1024 : MSG_LIMIT - 64));
            break;
    }
    msg_close();
}

/* Byte-level corruption of a (nearly) valid request. */
static void mutate(void) {
    struct nlmsghdr* nlh = msg_hdr();
    size_t body = out.start + NLMSG_HDRLEN; /* genetlink header onwards */
    size_t len = out.len - out.start;
    size_t n = out.len - body;
    unsigned int rounds = 1 + below(4), k;

    while (rounds--) {
        n = out.len - body;
        switch (below(9)) {
            case 0: /* flip bits */
                k = 1 + below(8);
                while (n && k--) out.buf[body + below((uint32_t)n)] ^= (uint8_t)(1u << below(8));
                break;
            case 1: /* interesting bytes */
                if (n)
                    out.buf[body + below((uint32_t)n)] =
                        (uint8_t[]){0, 1, 0x7f, 0x80, 0xff}[below(5)];
                break;
            case 2: /* an attribute's length */
                if (out.nnla && out.nla_off[k = below(out.nnla)] + NLA_HDRLEN <= out.len) {
                    struct nlattr* nla = (struct nlattr*)(out.buf + out.nla_off[k]);
                    static const int deltas[] = {-8, -4, -1, 1, 3, 4, 8, 256};

                    if (chance(50))
                        nla->nla_len = (uint16_t[]){0, 1, 3, 4, 5, 0xffff}[below(6)];
                    else
                        nla->nla_len = (uint16_t)(nla->nla_len + deltas[below(ARRAY_SIZE(deltas))]);
                }
                break;
            case 3: /* an attribute's type */
                if (out.nnla && out.nla_off[k = below(out.nnla)] + NLA_HDRLEN <= out.len) {
                    struct nlattr* nla = (struct nlattr*)(out.buf + out.nla_off[k]);

                    if (chance(50))
                        nla->nla_type ^= NLA_F_NESTED;
                    else
                        nla->nla_type = (uint16_t)(chance(50) ? below(16) : rnd64());
                }
                break;
            case 4: /* cut the tail, telling the truth about it or not */
                if (n) {
                    out.len = body + below((uint32_t)n);
                    if (chance(70)) msg_close();
                }
                break;
            case 5: /* lie about the message's length */
                nlh->nlmsg_len = (uint32_t)((int64_t)len + (int)below(17) - 8);
                if (chance(20))
                    nlh->nlmsg_len = (uint32_t[]){0, 15, 16, 19, 20, 0xffffffff}[below(6)];
                break;
            case 6: /* an attribute again, at the end */
                if (out.nnla) {
                    size_t off = out.nla_off[below(out.nnla)];
                    struct nlattr nla = {0};
                    size_t alen;

                    if (off + NLA_HDRLEN <= out.len) memcpy(&nla, out.buf + off, sizeof(nla));
                    alen = NLA_ALIGN(nla.nla_len);
                    if (off + NLA_HDRLEN <= out.len && alen >= NLA_HDRLEN &&
                        off + alen <= out.len && room(alen)) {
                        memmove(out.buf + out.len, out.buf + off, alen);
                        out.len += alen;
                        msg_close();
                    }
                }
                break;
            case 7: /* garbage after the attributes */
                put_random(1 + below(32));
                if (chance(70)) msg_close();
                break;
            default: /* swap two aligned words */
                if (n >= 8) {
                    size_t a = body + 4 * below((uint32_t)(n / 4));
                    size_t b = body + 4 * below((uint32_t)(n / 4));
                    uint32_t t;

                    memcpy(&t, out.buf + a, 4);
                    memmove(out.buf + a, out.buf + b, 4);
                    memcpy(out.buf + b, &t, 4);
                }
                break;
        }
        len = out.len - out.start;
    }
}

static void msg_mutated(void) {
    msg_valid(chance(30));
    mutate();
}

/* The controller: our family by name and id, and its policy dump. */
static void msg_nlctrl(void) {
    static const char* const names[] = {XT_RTPPROXY_GENL_NAME, "xt_rtpprox", "xt_rtpproxyy", ""};

    switch (below(3)) {
        case 0: {
            const char* name = names[chance(70) ? 0 : below(ARRAY_SIZE(names))];

            msg_open(GENL_ID_CTRL, NLM_F_REQUEST | NLM_F_ACK, CTRL_CMD_GETFAMILY, 1);
            nla_put_raw(-1, CTRL_ATTR_FAMILY_NAME, name, strlen(name) + (chance(90) ? 1 : 0));
            break;
        }
        case 1:
            msg_open(GENL_ID_CTRL, NLM_F_REQUEST | NLM_F_ACK, CTRL_CMD_GETFAMILY, 1);
            nla_put_u16(-1, CTRL_ATTR_FAMILY_ID, family_id);
            break;
        default:
            msg_open(GENL_ID_CTRL, NLM_F_REQUEST | NLM_F_DUMP, CTRL_CMD_GETPOLICY, 1);
            if (chance(80))
                nla_put_u16(-1, CTRL_ATTR_FAMILY_ID, family_id);
            else
                nla_put_raw(-1, CTRL_ATTR_FAMILY_NAME, names[0], sizeof(XT_RTPPROXY_GENL_NAME));
            if (chance(50)) nla_put_u32(-1, CTRL_ATTR_OP, below(RTPPROXY_CMD_MAX + 3));
            break;
    }
    msg_close();
}

/* ---- sockets ------------------------------------------------------------------ */

struct nlsock {
    int fd;
    bool dump_running; /* a dump was asked for and its end not read yet */
    uint32_t dump_seq;
};

#define MAX_SOCKETS 16
static struct nlsock socks[MAX_SOCKETS];

/* By sequence number: what was sent, and whether it succeeded already. */
static uint8_t seq_class[65536];
static bool seq_ok[65536];
static uint8_t seq_bulk[65536]; /* enum bulk_kind of a NEW_SESSIONS or DEL_SESSIONS */

/* A request counts as "ok" once, however many replies it gets. */
static void count_ok(uint32_t seq) {
    if (seq_ok[seq & 0xffff]) return;
    seq_ok[seq & 0xffff] = true;
    stats->cls_ok[seq_class[seq & 0xffff]]++;
    if (seq_class[seq & 0xffff] == RTPPROXY_CMD_NEW_SESSIONS)
        stats->bulk_ok[BULK_NEW][seq_bulk[seq & 0xffff]]++;
    else if (seq_class[seq & 0xffff] == RTPPROXY_CMD_DEL_SESSIONS)
        stats->bulk_ok[BULK_DEL][seq_bulk[seq & 0xffff]]++;
}

static void setopt_int(int fd, int level, int name, int value) {
    /* Some options are newer than the oldest kernel: failures do not matter. */
    (void)setsockopt(fd, level, name, &value, sizeof(value));
}

static int open_socket(bool plain) {
    int fd = socket(AF_NETLINK, SOCK_RAW | SOCK_NONBLOCK | SOCK_CLOEXEC, NETLINK_GENERIC);

    if (fd < 0) die("socket(AF_NETLINK): %s", strerror(errno));
    stats->socket_opens++;
    if (plain) return fd;
    /* Each socket asks for its replies a little differently. */
    setopt_int(fd, SOL_NETLINK, NETLINK_EXT_ACK, chance(70));
    setopt_int(fd, SOL_NETLINK, NETLINK_CAP_ACK, chance(30));
    setopt_int(fd, SOL_NETLINK, NETLINK_GET_STRICT_CHK, chance(50));
    if (chance(20)) setopt_int(fd, SOL_NETLINK, NETLINK_NO_ENOBUFS, 1);
    if (chance(25)) /* Small: dumps come in many pieces, replies may be dropped. */
        setopt_int(fd, SOL_SOCKET, SO_RCVBUF, (int)(1024 + below(8192)));
    return fd;
}

static void count_errno(uint64_t* table, int err) { table[err > 0 && err < MAX_ERRNO ? err : 0]++; }

static void account_reply(const struct nlmsghdr* nlh, size_t avail) {
    unsigned int cls = seq_class[nlh->nlmsg_seq & 0xffff];
    int err;

    stats->replies++;
    if (nlh->nlmsg_type == NLMSG_ERROR || nlh->nlmsg_type == NLMSG_DONE) {
        if (nlh->nlmsg_flags & NLM_F_ACK_TLVS) stats->extack_replies++;
        if (avail < NLMSG_HDRLEN + sizeof(int)) return;
        memcpy(&err, NLMSG_DATA(nlh), sizeof(err));
        if (nlh->nlmsg_type == NLMSG_DONE) stats->dumps_done++;
        if (err == 0) {
            if (nlh->nlmsg_type == NLMSG_ERROR) stats->acks_ok++;
            count_ok(nlh->nlmsg_seq);
            return;
        }
        count_errno(stats->errors, -err);
        if (err == -EPERM)
            stats->cls_eperm[cls]++;
        else
            stats->cls_err[cls]++;
        return;
    }
    if (nlh->nlmsg_type == family_id) {
        stats->data_replies++;
        count_ok(nlh->nlmsg_seq);
    } else if (nlh->nlmsg_type == GENL_ID_CTRL) {
        stats->nlctrl_replies++;
    } else {
        stats->other_replies++;
    }
}

static uint8_t rxbuf[128 * 1024] __attribute__((aligned(8)));

/* Reads what is there without waiting, at most max_reads datagrams. */
#define DRAIN_ALL 100000u

static void drain(struct nlsock* s, unsigned int max_reads) {
    unsigned int reads = 0;

    while (s->fd >= 0 && reads < max_reads) {
        /* Now and then a short buffer: the kernel truncates, we cope. */
        size_t cap = chance(1) ? 64 : sizeof(rxbuf);
        ssize_t n = recv(s->fd, rxbuf, cap, MSG_DONTWAIT | MSG_TRUNC);
        const struct nlmsghdr* nlh;
        size_t left;

        if (n < 0) {
            if (errno == EAGAIN || errno == EWOULDBLOCK) return;
            if (errno == EINTR) continue;
            stats->recvs++;
            count_errno(stats->recv_errors, errno);
            /* ENOBUFS: replies were dropped; the socket goes on. */
            if (errno != ENOBUFS) return;
            reads++;
            continue;
        }
        stats->recvs++;
        reads++;
        if ((size_t)n > cap) {
            stats->recv_truncated++;
            n = (ssize_t)cap;
        }
        left = (size_t)n;
        for (nlh = (const struct nlmsghdr*)rxbuf; NLMSG_OK(nlh, left);
             nlh = NLMSG_NEXT(nlh, left)) {
            account_reply(nlh, nlh->nlmsg_len);
            if (nlh->nlmsg_type == NLMSG_DONE ||
                (nlh->nlmsg_type == NLMSG_ERROR && nlh->nlmsg_seq == s->dump_seq))
                s->dump_running = false;
        }
    }
}

static void close_socket(struct nlsock* s) {
    if (s->fd < 0) return;
    if (s->dump_running) stats->dumps_closed_early++;
    close(s->fd);
    s->fd = -1;
    s->dump_running = false;
}

static void reopen_socket(struct nlsock* s) {
    close_socket(s);
    s->fd = open_socket(false);
}

/*
 * The size of a bulk request's list as the kernel sees it: the last top-level
 * attribute of the type wins, session nests are counted as nla_for_each_nested()
 * does, and a list with bytes left over is no list.
 */
static enum bulk_kind bulk_kind_of(const uint8_t* attrs, size_t len, int cmd) {
    uint16_t want =
        cmd == RTPPROXY_CMD_NEW_SESSIONS ? RTPPROXY_A_SESSION_LIST : RTPPROXY_A_RANGE_LIST;
    const struct nlattr *nla, *list = NULL;
    long rem = (long)len;
    unsigned int n = 0, max;

    for (nla = (const struct nlattr*)attrs;
         rem >= (long)NLA_HDRLEN && nla->nla_len >= NLA_HDRLEN && nla->nla_len <= rem;
         rem -= NLA_ALIGN(nla->nla_len),
        nla = (const struct nlattr*)((const uint8_t*)nla + NLA_ALIGN(nla->nla_len)))
        if ((nla->nla_type & NLA_TYPE_MASK) == want) list = nla;
    if (!list) return BK_OTHER;
    if (cmd == RTPPROXY_CMD_DEL_SESSIONS) {
        if (NLA_PAYLOAD(list) % sizeof(struct rtpproxy_range)) return BK_OTHER;
        n = (unsigned int)(NLA_PAYLOAD(list) / sizeof(struct rtpproxy_range));
    } else {
        rem = (long)NLA_PAYLOAD(list);
        for (nla = (const struct nlattr*)NLA_DATA(list);
             rem >= (long)NLA_HDRLEN && nla->nla_len >= NLA_HDRLEN && nla->nla_len <= rem;
             rem -= NLA_ALIGN(nla->nla_len),
            nla = (const struct nlattr*)((const uint8_t*)nla + NLA_ALIGN(nla->nla_len)))
            n++;
        if (rem) return BK_OTHER;
    }
    max = cmd == RTPPROXY_CMD_DEL_SESSIONS ? RTPPROXY_BULK_MAX : RTPPROXY_NEW_BULK_MAX;
    return !n ? BK_EMPTY : n == max ? BK_MAX : n > max ? BK_OVER : BK_OTHER;
}

/*
 * Records what each message of the buffer is, walking it as the kernel's
 * netlink_rcv_skb() does, and points stray message types back at our family:
 * random bytes must not turn into requests to other families.
 */
static void classify_and_send(struct nlsock* s) {
    size_t off = 0;
    ssize_t n;

    while (out.len - off >= NLMSG_HDRLEN) {
        struct nlmsghdr* nlh = (struct nlmsghdr*)(out.buf + off);
        size_t mlen = nlh->nlmsg_len;
        unsigned int cls;

        if (mlen < NLMSG_HDRLEN || mlen > out.len - off) break;
        if (nlh->nlmsg_type >= NLMSG_MIN_TYPE && nlh->nlmsg_type != family_id &&
            nlh->nlmsg_type != GENL_ID_CTRL)
            nlh->nlmsg_type = family_id;
        if (!(nlh->nlmsg_flags & NLM_F_REQUEST))
            cls = CL_NO_REQUEST;
        else if (nlh->nlmsg_type < NLMSG_MIN_TYPE)
            cls = CL_CONTROL_TYPE;
        else if (nlh->nlmsg_type == GENL_ID_CTRL)
            cls = CL_NLCTRL;
        else if (mlen < NLMSG_HDRLEN + GENL_HDRLEN)
            cls = CL_SHORT;
        else if (out.buf[off + NLMSG_HDRLEN] > RTPPROXY_CMD_MAX)
            cls = CL_BAD_CMD;
        else
            cls = out.buf[off + NLMSG_HDRLEN];
        seq_class[nlh->nlmsg_seq & 0xffff] = (uint8_t)cls;
        seq_ok[nlh->nlmsg_seq & 0xffff] = false;
        stats->cls_sent[cls]++;
        if (cls == RTPPROXY_CMD_NEW_SESSIONS || cls == RTPPROXY_CMD_DEL_SESSIONS) {
            enum bulk_kind kind = bulk_kind_of(out.buf + off + NLMSG_HDRLEN + GENL_HDRLEN,
                                               mlen - NLMSG_HDRLEN - GENL_HDRLEN, (int)cls);

            seq_bulk[nlh->nlmsg_seq & 0xffff] = (uint8_t)kind;
            stats->bulk_sent[cls == RTPPROXY_CMD_NEW_SESSIONS ? BULK_NEW : BULK_DEL][kind]++;
        }
        if (cls <= RTPPROXY_CMD_MAX && (nlh->nlmsg_flags & NLM_F_DUMP) == NLM_F_DUMP) {
            s->dump_running = true;
            s->dump_seq = nlh->nlmsg_seq;
        }
        if (NLMSG_ALIGN(mlen) >= out.len - off) break;
        off += NLMSG_ALIGN(mlen);
    }
    stats->sends++;
    n = send(s->fd, out.buf, out.len, MSG_DONTWAIT);
    if (n < 0) count_errno(stats->send_errors, errno);
}

/* ---- one step ------------------------------------------------------------------ */

static uint64_t sent_here; /* messages this worker has sent */

static void begin_send(void) {
    out.len = 0;
    out.start = 0;
}

/* Sends what was built on s and reads the replies (mostly). */
static void finish_send(struct nlsock* s, unsigned int msgs) {
    classify_and_send(s);
    sent_here += msgs;
    stats->messages += msgs;
    if (chance(97)) drain(s, DRAIN_ALL);
}

static void step_fuzz(void) {
    static const unsigned int mode_weights[] = {
        [MODE_VALID] = 20,  [MODE_NEAR] = 15,  [MODE_GRAMMAR] = 20, [MODE_MUTATED] = 25,
        [MODE_HEADER] = 10, [MODE_RANDOM] = 6, [MODE_NLCTRL] = 2,   [MODE_SEQUENCE] = 0,
    };
    struct nlsock* s = &socks[below(opt.sockets)];
    unsigned int batch = chance(10) ? 2 + below(3) : 1, i;

    begin_send();
    for (i = 0; i < batch; i++) {
        unsigned int mode = pick(mode_weights, NMODES);

        stats->mode[mode]++;
        switch (mode) {
            case MODE_VALID:
                msg_valid(false);
                break;
            case MODE_NEAR:
                msg_valid(true);
                break;
            case MODE_GRAMMAR:
                msg_grammar();
                break;
            case MODE_MUTATED:
                msg_mutated();
                break;
            case MODE_HEADER:
                msg_header();
                break;
            case MODE_RANDOM:
                msg_random();
                break;
            default:
                msg_nlctrl();
                break;
        }
    }
    finish_send(s, batch);
    if (chance(1)) reopen_socket(&socks[below(opt.sockets)]);
}

/*
 * One valid request of cmd on s, sent on its own. id: the session of
 * SET/GET/DEL_SESSION, the number of sessions of NEW_SESSIONS, the enum
 * range_form of DEL_SESSIONS, the lowest id of a GET_SESSION_TABLE (0: all).
 */
static void send_one(struct nlsock* s, int cmd, bool dump, const struct switchboard* sb,
                     unsigned int id) {
    size_t off;

    begin_send();
    stats->mode[MODE_SEQUENCE]++;
    msg_open(family_id, (uint16_t)(NLM_F_REQUEST | NLM_F_ACK | (dump ? NLM_F_DUMP : 0)),
             (uint8_t)cmd, XT_RTPPROXY_GENL_VERSION);
    switch (cmd) {
        case RTPPROXY_CMD_NEW_SESSION:
            gen_selector(sb, true);
            gen_session(sb, false);
            break;
        case RTPPROXY_CMD_SET_SESSION:
            gen_selector(sb, true);
            nla_put_u32(NEST_TOP, RTPPROXY_A_SESS_ID_LO, id);
            if (chance(50)) nla_put_u32(NEST_TOP, RTPPROXY_A_SESS_ID_HI, id + below(8));
            gen_session(sb, true);
            break;
        case RTPPROXY_CMD_GET_SESSION:
            if (!dump) {
                gen_selector(sb, true);
                nla_put_u32(NEST_TOP, RTPPROXY_A_SESS_ID_LO, id);
            }
            break;
        case RTPPROXY_CMD_DEL_SESSION:
            gen_selector(sb, true);
            nla_put_u32(NEST_TOP, RTPPROXY_A_SESS_ID_LO, id);
            nla_put_u32(NEST_TOP, RTPPROXY_A_SESS_ID_HI, id + below(4));
            break;
        case RTPPROXY_CMD_NEW_SESSIONS:
            gen_selector(sb, true);
            gen_session_list(sb, id, false);
            break;
        case RTPPROXY_CMD_DEL_SESSIONS:
            gen_selector(sb, true);
            off = nla_open(NEST_TOP, RTPPROXY_A_RANGE_LIST);
            put_range_list(sb, (enum range_form)id);
            nla_close(off);
            break;
        case RTPPROXY_CMD_GET_SESSION_TABLE:
            if (chance(70)) gen_selector(sb, true);
            if (id) {
                nla_put_u32(NEST_TOP, RTPPROXY_A_SESS_ID_LO, id);
                if (chance(50)) nla_put_u32(NEST_TOP, RTPPROXY_A_SESS_ID_HI, id + below(16));
            }
            break;
        default:
            gen_body(cmd, dump);
            break;
    }
    msg_close();
    classify_and_send(s);
    sent_here++;
    stats->messages++;
}

/* Valid requests in an order that builds and tears down state. */
static void step_sequence(uint64_t budget) {
    const struct switchboard* sb = random_sb();
    struct nlsock* s = &socks[below(opt.sockets)];
    unsigned int n, i, id;

    switch (below(10)) {
        case 0: /* fill a switchboard, past full */
            n = sb->max_sess + 2;
            if (n > 48) n = 48;
            for (i = 0; i < n && i < budget; i++) {
                send_one(s, RTPPROXY_CMD_NEW_SESSION, false, sb, 0);
                drain(s, DRAIN_ALL);
            }
            break;
        case 1: /* update and read back a few */
            for (i = 0; i < 8 && i < budget; i += 2) {
                id = below(sb->max_sess);
                send_one(s, RTPPROXY_CMD_SET_SESSION, false, sb, id);
                drain(s, DRAIN_ALL);
                send_one(s, RTPPROXY_CMD_GET_SESSION, false, sb, id);
                drain(s, DRAIN_ALL);
            }
            break;
        case 2: { /* a dump on a fresh socket, closed after 0 or 1 reads */
            struct nlsock tmp = {.fd = open_socket(chance(50))};

            if (chance(30)) setopt_int(tmp.fd, SOL_SOCKET, SO_RCVBUF, 1024);
            send_one(&tmp, chance(70) ? RTPPROXY_CMD_GET_SESSION : RTPPROXY_CMD_GET_SWITCHBOARD,
                     true, sb, 0);
            drain(&tmp, below(2));
            close_socket(&tmp);
            break;
        }
        case 3: /* a second dump while one runs, then a doit, on one socket */
            send_one(s, RTPPROXY_CMD_GET_SESSION, true, sb, 0);
            if (budget > 1) send_one(s, RTPPROXY_CMD_GET_SWITCHBOARD, true, sb, 0);
            if (budget > 2) send_one(s, RTPPROXY_CMD_GET_INFO, false, sb, 0);
            drain(s, DRAIN_ALL);
            break;
        case 4: /* delete some */
            send_one(s, RTPPROXY_CMD_DEL_SESSION, false, sb, below(sb->max_sess));
            drain(s, DRAIN_ALL);
            break;
        case 5: /* expiry scan and counter reset */
            send_one(s, RTPPROXY_CMD_AUDIT, false, sb, 0);
            drain(s, DRAIN_ALL);
            if (budget > 1) {
                send_one(s, RTPPROXY_CMD_RESET_COUNTERS, false, sb, 0);
                drain(s, DRAIN_ALL);
            }
            break;
        case 7: { /* bulk: a few, half, all or more than the free slots, then the table */
            const unsigned int sizes[] = {
                1,
                2 + below(7),
                sb->max_sess / 2,
                sb->max_sess,
                sb->max_sess + 1,
                RTPPROXY_BULK_MAX,
            };

            n = sizes[below(ARRAY_SIZE(sizes))];
            if (n > RTPPROXY_BULK_MAX) n = RTPPROXY_BULK_MAX + (chance(50) ? 1 : 0);
            send_one(s, RTPPROXY_CMD_NEW_SESSIONS, false, sb, n ? n : 1);
            drain(s, DRAIN_ALL);
            if (budget > 1) {
                send_one(s, RTPPROXY_CMD_GET_SESSION_TABLE, true, sb, 0);
                drain(s, DRAIN_ALL);
            }
            break;
        }
        case 8: /* bulk delete by range lists, then the table from some id on */
            send_one(s, RTPPROXY_CMD_DEL_SESSIONS, false, sb, (unsigned int)pick_range_form(false));
            drain(s, DRAIN_ALL);
            if (budget > 1) {
                send_one(s, RTPPROXY_CMD_GET_SESSION_TABLE, true, sb,
                         chance(50) ? 0 : below(sb->max_sess));
                drain(s, DRAIN_ALL);
            }
            break;
        case 9: { /* a session table dump, interrupted or read through a tiny buffer */
            struct nlsock tmp = {.fd = open_socket(chance(50))};
            bool interrupted = chance(50);

            setopt_int(tmp.fd, SOL_SOCKET, SO_RCVBUF, chance(50) ? 1024 : 4096);
            send_one(&tmp, RTPPROXY_CMD_GET_SESSION_TABLE, true, sb, 0);
            if (interrupted && budget > 1) {
                /* A bulk change between the parts of the dump. */
                drain(&tmp, below(2));
                if (chance(50))
                    send_one(&tmp, RTPPROXY_CMD_NEW_SESSIONS, false, sb, 1 + below(8));
                else
                    send_one(&tmp, RTPPROXY_CMD_DEL_SESSIONS, false, sb,
                             (unsigned int)pick_range_form(false));
            }
            drain(&tmp, interrupted ? below(2) : DRAIN_ALL);
            close_socket(&tmp);
            break;
        }
        default: /* a full dump on a socket with a small receive buffer */
            setopt_int(s->fd, SOL_SOCKET, SO_RCVBUF, 2048);
            send_one(s, RTPPROXY_CMD_GET_SESSION, true, sb, 0);
            drain(s, DRAIN_ALL);
            break;
    }
}

/* ---- worker ---------------------------------------------------------------------- */

static struct stats local_stats;

static uint64_t now_ms(void) {
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

/*
 * A listener of the events, so that the fuzzed requests build and send them
 * too; a small buffer it drains now and then, so that some overrun. Not
 * joined when the fuzzer may not (a plain user): the requests are what
 * counts then.
 */
static const struct nlattr* nla_find(const void* data, size_t len, uint16_t type);

static int open_events_listener(void) {
    struct sockaddr_nl local = {.nl_family = AF_NETLINK};
    int fd = open_socket(true);

    setopt_int(fd, SOL_SOCKET, SO_RCVBUF, 16384);
    /*
     * Bound, so that it has a port id: an unbound socket's is 0, the
     * kernel's own, and a broadcast from port 0 skips it as the sender.
     */
    if (!events_group || bind(fd, (struct sockaddr*)&local, sizeof(local)) ||
        setsockopt(fd, SOL_NETLINK, NETLINK_ADD_MEMBERSHIP, &events_group, sizeof(events_group))) {
        close(fd);
        return -1;
    }
    return fd;
}

/* Reads what the listener holds; every event must be one the ABI names. */
static void drain_events(int fd) {
    ssize_t n;

    while ((n = recv(fd, rxbuf, sizeof(rxbuf), 0)) != 0) {
        const struct nlmsghdr* nlh = (const struct nlmsghdr*)rxbuf;
        size_t left = n > 0 ? (size_t)n : 0;

        if (n < 0) {
            if (errno != ENOBUFS) return;
            stats->event_overruns++;
            continue;
        }
        for (; NLMSG_OK(nlh, left); nlh = NLMSG_NEXT(nlh, left)) {
            const struct genlmsghdr* g = NLMSG_DATA(nlh);
            const struct nlattr* ev;

            if (nlh->nlmsg_type != family_id || g->cmd != RTPPROXY_CMD_EVENT)
                die("events group: message type %u command %u is not an event", nlh->nlmsg_type,
                    g->cmd);
            ev = nla_find((const uint8_t*)g + GENL_HDRLEN,
                          nlh->nlmsg_len - NLMSG_HDRLEN - GENL_HDRLEN, RTPPROXY_A_EVENT);
            if (!ev || NLA_PAYLOAD(ev) < 1 || !*(const uint8_t*)NLA_DATA(ev) ||
                *(const uint8_t*)NLA_DATA(ev) > RTPPROXY_EVENT_MAX)
                die("an event without a known RTPPROXY_A_EVENT");
            stats->events++;
        }
    }
}

static void run_worker(unsigned int index, uint64_t count, struct stats* shared) {
    uint64_t next_report = count / 10;
    unsigned int i;
    int events;

    /* Counted locally, added to the shared table once at the end. */
    memset(&local_stats, 0, sizeof(local_stats));
    stats = &local_stats;
    rng_state = opt.seed + 0x632be59bd9b4e019ULL * index;
    next_seq = (uint32_t)rnd64();
    memset(seq_class, CL_UNKNOWN, sizeof(seq_class));
    for (i = 0; i < opt.sockets; i++) socks[i].fd = open_socket(false);
    events = open_events_listener();

    while (sent_here < count) {
        if (chance(3))
            step_sequence(count - sent_here);
        else
            step_fuzz();
        if (events >= 0 && chance(20)) drain_events(events);
        if (opt.progress && index == 0 && sent_here >= next_report) {
            fprintf(stderr, "nlfuzz: %" PRIu64 "/%" PRIu64 " messages\n", sent_here, count);
            next_report += count / 10;
        }
    }
    for (i = 0; i < opt.sockets; i++) {
        drain(&socks[i], DRAIN_ALL);
        close_socket(&socks[i]);
    }
    if (events >= 0) {
        drain_events(events);
        close(events);
    }

    /* Add up under no lock: each worker writes its own slot. */
    memcpy(&shared[index], &local_stats, sizeof(local_stats));
}

/* ---- set-up ------------------------------------------------------------------------ */

/* Waits up to 5 s for one datagram on a non-blocking socket. */
static ssize_t recv_wait(int fd) {
    struct pollfd pfd = {.fd = fd, .events = POLLIN};

    if (poll(&pfd, 1, 5000) <= 0) die("no reply from the kernel within 5 s");
    return recv(fd, rxbuf, sizeof(rxbuf), 0);
}

static const struct nlattr* nla_find(const void* data, size_t len, uint16_t type) {
    const struct nlattr* nla = data;

    while (len >= NLA_HDRLEN && nla->nla_len >= NLA_HDRLEN && nla->nla_len <= len) {
        size_t step = NLA_ALIGN((size_t)nla->nla_len);

        if ((nla->nla_type & NLA_TYPE_MASK) == type) return nla;
        if (step >= len) break;
        len -= step;
        nla = (const struct nlattr*)((const uint8_t*)nla + step);
    }
    return NULL;
}

/* CTRL_ATTR_MCAST_GROUPS: a nest per group, each with its name and id. */
static void find_events_group(const struct nlattr* groups) {
    const struct nlattr* g;
    size_t left;

    if (!groups) return;
    g = (const struct nlattr*)NLA_DATA(groups);
    left = NLA_PAYLOAD(groups);
    while (left >= NLA_HDRLEN && g->nla_len >= NLA_HDRLEN && g->nla_len <= left) {
        const struct nlattr* name = nla_find(NLA_DATA(g), NLA_PAYLOAD(g), CTRL_ATTR_MCAST_GRP_NAME);
        const struct nlattr* id = nla_find(NLA_DATA(g), NLA_PAYLOAD(g), CTRL_ATTR_MCAST_GRP_ID);

        if (name && id && NLA_PAYLOAD(id) >= 4 &&
            !strncmp((const char*)NLA_DATA(name), XT_RTPPROXY_MCGRP_EVENTS, NLA_PAYLOAD(name)))
            memcpy(&events_group, NLA_DATA(id), sizeof(events_group));
        if (NLA_ALIGN((size_t)g->nla_len) >= left) break;
        left -= NLA_ALIGN((size_t)g->nla_len);
        g = (const struct nlattr*)((const uint8_t*)g + NLA_ALIGN((size_t)g->nla_len));
    }
}

static void resolve_family(void) {
    int fd = open_socket(true);
    const struct nlmsghdr* nlh;
    const struct nlattr* id;
    ssize_t n;

    begin_send();
    msg_open(GENL_ID_CTRL, NLM_F_REQUEST, CTRL_CMD_GETFAMILY, 1);
    nla_put_raw(-1, CTRL_ATTR_FAMILY_NAME, XT_RTPPROXY_GENL_NAME, sizeof(XT_RTPPROXY_GENL_NAME));
    msg_close();
    if (send(fd, out.buf, out.len, 0) < 0) die("send: %s", strerror(errno));
    n = recv_wait(fd);
    nlh = (const struct nlmsghdr*)rxbuf;
    if (n < (ssize_t)NLMSG_HDRLEN || !NLMSG_OK(nlh, (size_t)n))
        die("short reply from the controller");
    if (nlh->nlmsg_type == NLMSG_ERROR) {
        int err;

        memcpy(&err, NLMSG_DATA(nlh), sizeof(err));
        die("family %s: %s (is xt_RTPPROXY loaded?)", XT_RTPPROXY_GENL_NAME, strerror(-err));
    }
    id = nla_find((const uint8_t*)NLMSG_DATA(nlh) + GENL_HDRLEN,
                  nlh->nlmsg_len - NLMSG_HDRLEN - GENL_HDRLEN, CTRL_ATTR_FAMILY_ID);
    if (!id || NLA_PAYLOAD(id) < 2) die("the controller's reply has no family id");
    memcpy(&family_id, NLA_DATA(id), sizeof(family_id));
    find_events_group(nla_find((const uint8_t*)NLMSG_DATA(nlh) + GENL_HDRLEN,
                               nlh->nlmsg_len - NLMSG_HDRLEN - GENL_HDRLEN,
                               CTRL_ATTR_MCAST_GROUPS));
    close(fd);
}

static void parse_gate(const struct nlattr* gate, struct switchboard* sb, int g) {
    const struct nlattr* a;

    if (!gate) return;
    a = nla_find(NLA_DATA(gate), NLA_PAYLOAD(gate), RTPPROXY_GATE_A_ADDR);
    if (a && NLA_PAYLOAD(a) <= 16) memcpy(sb->addr[g], NLA_DATA(a), NLA_PAYLOAD(a));
    a = nla_find(NLA_DATA(gate), NLA_PAYLOAD(gate), RTPPROXY_GATE_A_PORT);
    if (a && NLA_PAYLOAD(a) >= 2) memcpy(&sb->port[g], NLA_DATA(a), 2);
    /* Modules before bridging send none: then the switchboard's. */
    a = nla_find(NLA_DATA(gate), NLA_PAYLOAD(gate), RTPPROXY_GATE_A_FAMILY);
    if (a && NLA_PAYLOAD(a) >= 1) sb->family[g] = NLA_DATA(a)[0] == AF_INET6 ? AF_INET6 : AF_INET;
}

/* Learns the switchboards from a dump, if we may read them. */
static void discover_switchboards(void) {
    int fd = open_socket(true);
    bool done = false;

    begin_send();
    msg_open(family_id, NLM_F_REQUEST | NLM_F_DUMP, RTPPROXY_CMD_GET_SWITCHBOARD,
             XT_RTPPROXY_GENL_VERSION);
    msg_close();
    if (send(fd, out.buf, out.len, 0) < 0) die("send: %s", strerror(errno));
    while (!done) {
        ssize_t n = recv_wait(fd);
        const struct nlmsghdr* nlh;
        size_t left;

        if (n < 0) die("recv: %s", strerror(errno));
        left = (size_t)n;
        for (nlh = (const struct nlmsghdr*)rxbuf; NLMSG_OK(nlh, left);
             nlh = NLMSG_NEXT(nlh, left)) {
            const struct nlattr *sba, *a;
            struct switchboard sb = {0};

            if (nlh->nlmsg_type == NLMSG_DONE || nlh->nlmsg_type == NLMSG_ERROR) {
                int err = 0;

                memcpy(&err, NLMSG_DATA(nlh), sizeof(err));
                sbs_from_kernel = !err;
                if (err)
                    fprintf(stderr, "nlfuzz: switchboards not readable (%s)%s\n", strerror(-err),
                            opt.nsbs ? ", using --switchboard" : ", none known");
                done = true;
                break;
            }
            if (nlh->nlmsg_type != family_id) continue;
            sba = nla_find((const uint8_t*)NLMSG_DATA(nlh) + GENL_HDRLEN,
                           nlh->nlmsg_len - NLMSG_HDRLEN - GENL_HDRLEN, RTPPROXY_A_SWITCHBOARD);
            if (!sba) continue;
            a = nla_find(NLA_DATA(sba), NLA_PAYLOAD(sba), RTPPROXY_SB_A_FAMILY);
            sb.family[0] = a && NLA_DATA(a)[0] == AF_INET6 ? AF_INET6 : AF_INET;
            sb.family[1] = sb.family[0];
            parse_gate(nla_find(NLA_DATA(sba), NLA_PAYLOAD(sba), RTPPROXY_SB_A_GATE_A), &sb, 0);
            parse_gate(nla_find(NLA_DATA(sba), NLA_PAYLOAD(sba), RTPPROXY_SB_A_GATE_B), &sb, 1);
            a = nla_find(NLA_DATA(sba), NLA_PAYLOAD(sba), RTPPROXY_SB_A_MAX_SESS);
            if (a && NLA_PAYLOAD(a) >= 4) memcpy(&sb.max_sess, NLA_DATA(a), 4);
            if (!sb.max_sess) sb.max_sess = 1;
            /* The kernel's list replaces the command line's. */
            if (opt.sbs_from_options) {
                opt.nsbs = 0;
                opt.sbs_from_options = false;
            }
            if (opt.nsbs < MAX_SWITCHBOARDS) opt.sbs[opt.nsbs++] = sb;
        }
    }
    close(fd);
}

static void drop_privileges(const char* spec) {
    char* end;
    unsigned long uid, gid;
    struct passwd* pw = NULL;

    uid = strtoul(spec, &end, 10);
    if (end == spec) {
        char name[64];
        size_t n = strcspn(spec, ":");

        if (n >= sizeof(name)) die("--drop-privileges: bad user '%s'", spec);
        memcpy(name, spec, n);
        name[n] = 0;
        pw = getpwnam(name);
        if (!pw) die("--drop-privileges: no user '%s'", name);
        uid = pw->pw_uid;
        end = (char*)spec + n;
    }
    gid = pw ? pw->pw_gid : uid;
    if (*end == ':') gid = strtoul(end + 1, NULL, 10);
    if (setgroups(0, NULL) < 0 || setresgid((gid_t)gid, (gid_t)gid, (gid_t)gid) < 0 ||
        setresuid((uid_t)uid, (uid_t)uid, (uid_t)uid) < 0)
        die("--drop-privileges %s: %s", spec, strerror(errno));
    if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
        die("prctl(PR_SET_NO_NEW_PRIVS): %s", strerror(errno));
    if (getuid() != (uid_t)uid || geteuid() != (uid_t)uid)
        die("--drop-privileges: still uid %u", (unsigned int)geteuid());
}

/* "ADDR,PORT": an address of either family and a port. */
static int parse_addr(const char* s, uint8_t* addr) {
    memset(addr, 0, 16);
    if (inet_pton(AF_INET, s, addr) == 1) return AF_INET;
    if (inet_pton(AF_INET6, s, addr) == 1) return AF_INET6;
    die("bad address '%s'", s);
    return 0;
}

static unsigned long parse_num(const char* s, unsigned long max, const char* what) {
    char* end;
    unsigned long v;

    errno = 0;
    v = strtoul(s, &end, 0);
    if (errno || end == s || *end || v > max) die("bad %s '%s'", what, s);
    return v;
}

static void split(char* s, char** fields, unsigned int n, const char* what) {
    unsigned int i;

    for (i = 0; i < n; i++) {
        fields[i] = strsep(&s, ",");
        if (!fields[i]) die("%s needs %u comma-separated fields", what, n);
    }
    if (s) die("%s has more than %u fields", what, n);
}

static void usage(FILE* f) {
    fprintf(f,
            "usage: nlfuzz [--count N] [--seed S] [--jobs J] [--sockets K]\n"
            "              [--switchboard ADDR_A,PORT_A,ADDR_B,PORT_B,MAX_SESS]...\n"
            "              [--client ADDR,PORT]... [--drop-privileges UID[:GID]|USER]\n"
            "              [--progress] [--verbose] [--family-id ID]\n");
}

static void parse_options(int argc, char** argv) {
    static const struct option longopts[] = {
        {"count", required_argument, NULL, 'n'},
        {"seed", required_argument, NULL, 's'},
        {"jobs", required_argument, NULL, 'j'},
        {"sockets", required_argument, NULL, 'k'},
        {"switchboard", required_argument, NULL, 'b'},
        {"client", required_argument, NULL, 'c'},
        {"drop-privileges", required_argument, NULL, 'u'},
        {"family-id", required_argument, NULL, 'f'},
        {"progress", no_argument, NULL, 'p'},
        {"verbose", no_argument, NULL, 'v'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    bool seeded = false;
    char* f[5];
    int c;

    while ((c = getopt_long(argc, argv, "n:s:j:k:b:c:u:f:pvh", longopts, NULL)) != -1) {
        switch (c) {
            case 'n':
                opt.count = parse_num(optarg, ULONG_MAX, "count");
                break;
            case 's':
                opt.seed = parse_num(optarg, ULONG_MAX, "seed");
                seeded = true;
                break;
            case 'j':
                opt.jobs = (unsigned int)parse_num(optarg, 64, "jobs");
                break;
            case 'k':
                opt.sockets = (unsigned int)parse_num(optarg, MAX_SOCKETS, "sockets");
                break;
            case 'b': {
                struct switchboard* sb;
                if (opt.nsbs >= MAX_SWITCHBOARDS) die("too many switchboards");
                sb = &opt.sbs[opt.nsbs++];
                split(optarg, f, 5, "--switchboard");
                sb->family[0] = parse_addr(f[0], sb->addr[0]);
                sb->port[0] = (uint16_t)parse_num(f[1], 65535, "port");
                sb->family[1] = parse_addr(f[2], sb->addr[1]);
                sb->port[1] = (uint16_t)parse_num(f[3], 65535, "port");
                sb->max_sess = (uint32_t)parse_num(f[4], XT_RTPPROXY_MAX_SESS, "max-sess");
                if (!sb->max_sess) die("--switchboard: max-sess 1..%d", XT_RTPPROXY_MAX_SESS);
                opt.sbs_from_options = true;
                break;
            }
            case 'c': {
                struct client* cl;

                if (opt.nclients >= MAX_CLIENTS) die("too many clients");
                cl = &opt.clients[opt.nclients++];
                split(optarg, f, 2, "--client");
                cl->family = parse_addr(f[0], cl->addr);
                cl->port = (uint16_t)parse_num(f[1], 65535, "port");
                break;
            }
            case 'u':
                opt.drop_privileges = optarg;
                break;
            case 'f':
                opt.family_id = (unsigned int)parse_num(optarg, 0xffff, "family id");
                break;
            case 'p':
                opt.progress = true;
                break;
            case 'v':
                opt.verbose = true;
                break;
            case 'h':
                usage(stdout);
                exit(0);
            default:
                usage(stderr);
                exit(2);
        }
    }
    if (optind != argc || !opt.jobs || !opt.sockets) {
        usage(stderr);
        exit(2);
    }
    if (!seeded) {
        struct timespec ts;

        clock_gettime(CLOCK_REALTIME, &ts);
        opt.seed =
            (uint64_t)ts.tv_sec * 1000000007ULL ^ (uint64_t)ts.tv_nsec ^ ((uint64_t)getpid() << 32);
    }
}

/* ---- report -------------------------------------------------------------------------- */

static void print_errnos(const char* prefix, const uint64_t* table) {
    int e;

    for (e = 0; e < MAX_ERRNO; e++) {
        const char* name;

        if (!table[e]) continue;
        name = e ? strerrorname_np(e) : NULL;
        if (name)
            printf("%s_%s=%" PRIu64 "\n", prefix, name, table[e]);
        else
            printf("%s_%d=%" PRIu64 "\n", prefix, e, table[e]);
    }
}

static void add_stats(struct stats* sum, const struct stats* s) {
    const uint64_t* from = (const uint64_t*)s;
    uint64_t* to = (uint64_t*)sum;
    size_t i;

    for (i = 0; i < sizeof(*s) / sizeof(uint64_t); i++) to[i] += from[i];
}

static void report(const struct stats* s, uint64_t elapsed_ms) {
    unsigned int n, c, t, covered = 0, total = 0;

    printf("messages=%" PRIu64 "\n", s->messages);
    printf("sends=%" PRIu64 "\n", s->sends);
    printf("elapsed_ms=%" PRIu64 "\n", elapsed_ms);
    printf("messages_per_s=%" PRIu64 "\n", elapsed_ms ? s->messages * 1000 / elapsed_ms : 0);
    printf("replies=%" PRIu64 "\n", s->replies);
    printf("acks_ok=%" PRIu64 "\n", s->acks_ok);
    printf("data_replies=%" PRIu64 "\n", s->data_replies);
    printf("nlctrl_replies=%" PRIu64 "\n", s->nlctrl_replies);
    printf("other_replies=%" PRIu64 "\n", s->other_replies);
    printf("dumps_done=%" PRIu64 "\n", s->dumps_done);
    printf("dumps_closed_early=%" PRIu64 "\n", s->dumps_closed_early);
    printf("extack_replies=%" PRIu64 "\n", s->extack_replies);
    printf("recv_truncated=%" PRIu64 "\n", s->recv_truncated);
    printf("socket_opens=%" PRIu64 "\n", s->socket_opens);
    printf("events=%" PRIu64 "\n", s->events);
    printf("event_overruns=%" PRIu64 "\n", s->event_overruns);
    print_errnos("error", s->errors);
    print_errnos("send_error", s->send_errors);
    print_errnos("recv_error", s->recv_errors);
    for (n = 0; n < NMODES; n++) printf("mode_%s=%" PRIu64 "\n", mode_names[n], s->mode[n]);
    for (c = 0; c < NCLASSES; c++) {
        printf("cmd_%s_sent=%" PRIu64 "\n", class_names[c], s->cls_sent[c]);
        printf("cmd_%s_ok=%" PRIu64 "\n", class_names[c], s->cls_ok[c]);
        printf("cmd_%s_eperm=%" PRIu64 "\n", class_names[c], s->cls_eperm[c]);
        printf("cmd_%s_err=%" PRIu64 "\n", class_names[c], s->cls_err[c]);
    }
    /* Coverage: every attribute of the ABI written at least once. */
    for (n = 0; n < NNESTS; n++) {
        for (c = 0; c < nests[n].n; c++) {
            t = nests[n].attrs[c].type;
            total++;
            if (s->attrs[n][t])
                covered++;
            else
                printf("attr_missing=%s.%u\n", nest_names[n], t);
            if (opt.verbose) printf("attr_%s_%u=%" PRIu64 "\n", nest_names[n], t, s->attrs[n][t]);
        }
    }
    printf("attrs_covered=%u/%u\n", covered, total);
    /* Lists of no entry, exactly RTPPROXY_BULK_MAX and more: only "max" may succeed. */
    for (n = 0; n < NBULK_CMDS; n++) {
        for (c = BK_EMPTY; c < NBULK_KINDS; c++) {
            printf("bulk_%s_%s_sent=%" PRIu64 "\n", bulk_cmd_names[n], bulk_kind_names[c],
                   s->bulk_sent[n][c]);
            printf("bulk_%s_%s_ok=%" PRIu64 "\n", bulk_cmd_names[n], bulk_kind_names[c],
                   s->bulk_ok[n][c]);
        }
    }
    printf("workers_failed=%" PRIu64 "\n", s->worker_failures);
}

int main(int argc, char** argv) {
    struct stats *shared, sum;
    uint64_t start, per_job;
    unsigned int i, failed = 0;

    parse_options(argc, argv);
    setvbuf(stdout, NULL, _IOLBF, 0);
    printf("seed=%" PRIu64 "\n", opt.seed);
    if (opt.drop_privileges) drop_privileges(opt.drop_privileges);
    printf("uid=%u\neuid=%u\n", (unsigned int)getuid(), (unsigned int)geteuid());

    /* Set-up counts nothing. */
    memset(&local_stats, 0, sizeof(local_stats));
    stats = &local_stats;
    rng_state = opt.seed;
    if (opt.family_id) {
        family_id = (uint16_t)opt.family_id;
    } else {
        resolve_family();
        discover_switchboards();
    }
    printf("family_id=%u\n", family_id);
    printf("switchboards=%u\n", opt.nsbs);
    printf("switchboards_readable=%d\n", sbs_from_kernel);

    shared = mmap(NULL, sizeof(*shared) * opt.jobs, PROT_READ | PROT_WRITE,
                  MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    if (shared == MAP_FAILED) die("mmap: %s", strerror(errno));
    memset(shared, 0, sizeof(*shared) * opt.jobs);

    start = now_ms();
    per_job = opt.count / opt.jobs;
    if (opt.jobs == 1) {
        run_worker(0, opt.count, shared);
    } else {
        for (i = 0; i < opt.jobs; i++) {
            pid_t pid = fork();

            if (pid < 0) die("fork: %s", strerror(errno));
            if (pid == 0) {
                run_worker(i, i == 0 ? opt.count - per_job * (opt.jobs - 1) : per_job, shared);
                _exit(0);
            }
        }
        for (i = 0; i < opt.jobs; i++) {
            int status;

            if (wait(&status) < 0) die("wait: %s", strerror(errno));
            if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) failed++;
        }
    }

    memset(&sum, 0, sizeof(sum));
    for (i = 0; i < opt.jobs; i++) add_stats(&sum, &shared[i]);
    sum.worker_failures = failed;
    report(&sum, now_ms() - start);
    if (failed) die("%u worker(s) failed", failed);
    return 0;
}

// SPDX-License-Identifier: GPL-2.0
/*
 * udpt: sends and receives RTP-like UDP packets whose payload can be checked on arrival.
 *
 *   udpt send  --from ADDR:PORT --to ADDR:PORT [--count N] [--size B] [--gso SEGSIZE] ...
 *              (--gso: packets of SEGSIZE bytes, as many as fit in a datagram, at
 *              most 128, per send: each send leaves as one GSO super-packet)
 *              [--tos T,T,...] (send i with the i-th TOS or traffic class,
 *              round the list: DSCP and ECN bits as a sender sets them)
 *   udpt recv  --bind ADDR:PORT [--count N] [--timeout S] [--expect-from ADDR:PORT] [--linger S]
 *              (SIGTERM ends the wait early and still reports)
 *   udpt echo  --bind ADDR:PORT [--count N] [--timeout S]
 *   udpt ping  --from ADDR:PORT --to ADDR:PORT [--count N] [--expect-from ADDR:PORT]
 *   udpt raw4|raw6 --from ADDR:PORT --to ADDR:PORT [--udp-len L] [--checksum C|--bad-checksum]
 *              [--truncate N] [--ip-options N] (raw4) [--hbh] [--dstopts] (raw6)
 *              [--route-to ADDR:PORT] (a source route with one hop left, the
 *              final destination ADDR, the checksum for ADDR: raw6 a routing
 *              header, raw4 a loose source route option)
 *              [--frag-size N [--frag-skip I] [--frag-overlap]]
 *              (needs CAP_NET_RAW: hand-made, possibly broken UDP)
 *   udpt icmp  --from ADDR --to ADDR --quote-from ADDR:PORT --quote-to ADDR:PORT
 *              [--type T] [--code C] [--mtu M]   (an ICMP error about a UDP datagram)
 *   udpt flood --flows FILE [--count N] [--duration S] [--pps P] [--back-xor MASK [--linger S]]
 *              (FILE: "FROM TO SSRC" per flow; all flows at once, --pps per flow;
 *              --back-xor: each flow also receives on its socket, as a phone doing
 *              symmetric RTP does, and counts the packets that come back intact with
 *              the SSRC (its own SSRC XOR MASK) of its peer; after the last send it
 *              goes on receiving until every flow got --count packets or nothing
 *              came for --linger S: a peer that started late is not cut off)
 *   udpt sink  [--bind-range ADDR:PORT-PORT]... [--binds FILE] [--expect FILE]
 *              [--count N] [--timeout S] [--idle S]
 *              (binds every endpoint of the ranges and files: --binds FILE has
 *              "ENDPOINT" lines, --expect FILE "ENDPOINT SSRC" lines, and every
 *              packet at such an endpoint must carry that SSRC)
 *
 * Every packet starts with a 12-byte RTP header (version 2, sequence number,
 * timestamp, SSRC; payload type 200 for --kind rtcp, which is what an RTCP
 * sender report carries there) followed by bytes computed from the SSRC, the
 * sequence number and the offset ((ssrc + seq * 7 + offset) & 0xff), so a
 * receiver can tell that a packet arrived whole and unchanged without knowing
 * what was sent. Packets shorter than 12 bytes are the start of that header.
 *
 * Every command takes --netns NAME: run in that network namespace (as
 * `ip netns exec NAME` would, without starting another program).
 *
 * Output is key=value: one "packet ..." line per packet received (with -v),
 * one "flow ..." or "port ..." line per flow or bound port (flood, sink) and a
 * summary line last. Addresses print as IP:PORT or [IPv6]:PORT, as iptrtpproxy
 * prints them. Exit status: 0 when everything expected happened, 1 when not,
 * 2 on bad usage.
 *
 * Written in C because the VM tests run under emulation, where starting an
 * interpreter for every packet check costs seconds.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <netinet/in.h>
#include <netinet/udp.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define RTP_HEADER 12
#define RTP_PT 0
#define RTCP_PT 200
#define MAX_DATAGRAM 65536
#define UDP_MAX_SEGMENTS 128 /* the kernel's limit per GSO send, 6.1 and 6.12 */
#define SINK_BATCH 32

enum command { SEND = 1, RECV = 2, ECHO = 4, PING = 8, RAW4 = 16, RAW6 = 32, ICMP = 64,
	       FLOOD = 128, SINK = 256 };

struct ep {
	struct sockaddr_storage ss;
	socklen_t len;
};

struct opts {
	enum command cmd;
	bool verbose, bad_checksum, hbh, dstopts, frag_overlap;
	bool has_count, has_size, has_udp_len, has_checksum, has_type, has_code;
	struct ep from, to, bind, quote_from, quote_to, route_to;
	bool has_from, has_to, has_bind, has_quote_from, has_quote_to, has_route_to;
	char expect_from[64];
	long count, size, truncate, ip_options, frag_size, frag_skip, gso, type, code, mtu;
	unsigned long udp_len, checksum;
	uint32_t ssrc, seq;
	int kind;
	double interval, timeout, linger, duration, pps, idle;
	bool has_back_xor, has_linger;
	uint32_t back_xor;
	const char *ready, *flows, *binds, *expect, *netns;
	int tos[16], ntos;
	const char *ranges[64];
	int nranges;
};

static volatile sig_atomic_t stopping;

static void on_signal(int sig)
{
	(void)sig;
	stopping = 1;
}

/* Without SA_RESTART: a blocking poll or send returns EINTR and the loop ends. */
static void catch_stop_signals(void)
{
	struct sigaction sa = { .sa_handler = on_signal };

	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
}

static void die(const char *fmt, ...)
{
	va_list ap;

	fputs("udpt: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	exit(1);
}

static void usage(const char *fmt, ...)
{
	va_list ap;

	fputs("udpt: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputs("\n(see the header of tests/vm/udpt.c)\n", stderr);
	exit(2);
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static void sleep_for(double seconds)
{
	struct timespec ts;

	if (seconds <= 0)
		return;
	ts.tv_sec = (time_t)seconds;
	ts.tv_nsec = (long)((seconds - ts.tv_sec) * 1e9);
	nanosleep(&ts, NULL);
}

/* ---- addresses -------------------------------------------------------- */

/* Fills ep from a host (IPv6 if it has a colon; brackets allowed) and a port. */
static bool set_ep(struct ep *ep, const char *host, size_t hostlen, unsigned long port)
{
	struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *)&ep->ss;
	struct sockaddr_in *sin = (struct sockaddr_in *)&ep->ss;
	char buf[INET6_ADDRSTRLEN];

	if (hostlen > 2 && host[0] == '[' && host[hostlen - 1] == ']') {
		host++;
		hostlen -= 2;
	}
	if (hostlen >= sizeof(buf) || port > 65535)
		return false;
	memcpy(buf, host, hostlen);
	buf[hostlen] = 0;
	memset(ep, 0, sizeof(*ep));
	if (strchr(buf, ':')) {
		sin6->sin6_family = AF_INET6;
		sin6->sin6_port = htons(port);
		ep->len = sizeof(*sin6);
		return inet_pton(AF_INET6, buf, &sin6->sin6_addr) == 1;
	}
	sin->sin_family = AF_INET;
	sin->sin_port = htons(port);
	ep->len = sizeof(*sin);
	return inet_pton(AF_INET, buf, &sin->sin_addr) == 1;
}

/*
 * IP:PORT or [IPv6]:PORT, split at the last colon (so fd00::1:5000 is
 * fd00::1 port 5000); with !need_port a bare address (port 0) as well.
 */
static bool parse_addr_port(const char *text, struct ep *ep, bool need_port)
{
	const char *port = strrchr(text, ':');

	if (!need_port && set_ep(ep, text, strlen(text), 0))
		return true;
	if (!port++ || !*port || strlen(port) > 5 || strspn(port, "0123456789") != strlen(port))
		return false;
	return set_ep(ep, text, port - 1 - text, strtoul(port, NULL, 10));
}

static void parse_ep(const char *text, struct ep *ep, const char *what)
{
	if (!parse_addr_port(text, ep, true))
		usage("%s: not ADDR:PORT: %s", what, text);
}

static int ep_family(const struct ep *ep)
{
	return ep->ss.ss_family;
}

static const void *ep_addr(const struct ep *ep)
{
	if (ep_family(ep) == AF_INET6)
		return &((const struct sockaddr_in6 *)&ep->ss)->sin6_addr;
	return &((const struct sockaddr_in *)&ep->ss)->sin_addr;
}

static uint16_t ep_port(const struct ep *ep)
{
	/* sin_port and sin6_port sit at the same offset */
	return ntohs(((const struct sockaddr_in *)&ep->ss)->sin_port);
}

static void ep_set_port(struct ep *ep, uint16_t port)
{
	((struct sockaddr_in *)&ep->ss)->sin_port = htons(port);
}

static const char *format_sa(const struct sockaddr *sa, char *buf, size_t size)
{
	char host[INET6_ADDRSTRLEN];

	if (sa->sa_family == AF_INET6) {
		const struct sockaddr_in6 *sin6 = (const void *)sa;

		inet_ntop(AF_INET6, &sin6->sin6_addr, host, sizeof(host));
		snprintf(buf, size, "[%s]:%u", host, ntohs(sin6->sin6_port));
	} else {
		const struct sockaddr_in *sin = (const void *)sa;

		inet_ntop(AF_INET, &sin->sin_addr, host, sizeof(host));
		snprintf(buf, size, "%s:%u", host, ntohs(sin->sin_port));
	}
	return buf;
}

static const char *format_ep(const struct ep *ep, char *buf, size_t size)
{
	return format_sa((const struct sockaddr *)&ep->ss, buf, size);
}

/* Orders endpoints for sorting and binary search. */
static int ep_cmp(const struct ep *a, const struct ep *b)
{
	int alen = ep_family(a) == AF_INET6 ? 16 : 4, c;

	if (ep_family(a) != ep_family(b))
		return ep_family(a) - ep_family(b);
	c = memcmp(ep_addr(a), ep_addr(b), alen);
	return c ? c : (int)ep_port(a) - (int)ep_port(b);
}

/* ---- packets ---------------------------------------------------------- */

static uint8_t body_byte(uint32_t ssrc, uint32_t seq, size_t offset)
{
	return (ssrc + seq * 7 + offset) & 0xff;
}

static void make_packet(uint8_t *buf, int kind, uint32_t seq, uint32_t ssrc, size_t size)
{
	uint32_t ts = seq * 160;
	uint8_t header[RTP_HEADER] = {
		0x80, kind, seq >> 8, seq, ts >> 24, ts >> 16, ts >> 8, ts,
		ssrc >> 24, ssrc >> 16, ssrc >> 8, ssrc,
	};
	size_t i;

	memcpy(buf, header, size < RTP_HEADER ? size : RTP_HEADER);
	for (i = RTP_HEADER; i < size; i++)
		buf[i] = body_byte(ssrc, seq, i - RTP_HEADER);
}

struct check {
	bool ok;
	long seq;
	long long ssrc;
	const char *kind;
};

static const char *kind_name(uint8_t pt)
{
	return pt == RTCP_PT ? "rtcp" : pt == RTP_PT ? "rtp" : "?";
}

static struct check check_packet(const uint8_t *data, size_t len)
{
	struct check c = { .seq = -1, .ssrc = -1, .kind = "?" };
	size_t i;

	if (len < RTP_HEADER) {
		/* Only the start of a header: what is there must fit. */
		c.kind = len >= 2 ? kind_name(data[1]) : "short";
		c.ok = (len < 1 || data[0] == 0x80) && strcmp(c.kind, "?");
		return c;
	}
	c.kind = kind_name(data[1]);
	c.seq = data[2] << 8 | data[3];
	c.ssrc = (uint32_t)data[8] << 24 | data[9] << 16 | data[10] << 8 | data[11];
	c.ok = data[0] == 0x80 && strcmp(c.kind, "?");
	for (i = RTP_HEADER; c.ok && i < len; i++)
		c.ok = data[i] == body_byte(c.ssrc, c.seq, i - RTP_HEADER);
	return c;
}

/* ---- sockets ---------------------------------------------------------- */

static int bound_socket(const struct ep *ep)
{
	int fd = socket(ep_family(ep), SOCK_DGRAM, 0), one = 1, rcvbuf = 4 << 20;
	char text[64];

	if (fd < 0)
		die("socket: %s", strerror(errno));
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (ep_family(ep) == AF_INET6)
		setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof(one));
	/* Room for bursts and 64 KiB datagrams; FORCE needs CAP_NET_ADMIN. */
	if (setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &rcvbuf, sizeof(rcvbuf)))
		setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &rcvbuf, sizeof(rcvbuf));
	if (bind(fd, (const struct sockaddr *)&ep->ss, ep->len))
		die("bind %s: %s", format_ep(ep, text, sizeof(text)), strerror(errno));
	return fd;
}

static void send_to(int fd, const void *buf, size_t len, const struct ep *to)
{
	char text[64];

	if (sendto(fd, buf, len, 0, (const struct sockaddr *)&to->ss, to->len) < 0)
		die("send to %s: %s", format_ep(to, text, sizeof(text)), strerror(errno));
}

static void announce_ready(const char *path)
{
	char tmp[4096];
	FILE *f;

	if (!path)
		return;
	snprintf(tmp, sizeof(tmp), "%s.tmp", path);
	f = fopen(tmp, "w");
	if (!f || fprintf(f, "%d\n", (int)getpid()) < 0 || fclose(f) || rename(tmp, path))
		die("%s: %s", path, strerror(errno));
}

/* Many flows or ports need many descriptors. */
static void raise_fd_limit(void)
{
	struct rlimit rl;

	if (!getrlimit(RLIMIT_NOFILE, &rl) && rl.rlim_cur < rl.rlim_max) {
		rl.rlim_cur = rl.rlim_max;
		setrlimit(RLIMIT_NOFILE, &rl);
	}
}

/* ---- send, recv, echo, ping ------------------------------------------- */

/* What arrived: counts, bytes, distinct sources, bad payloads. */
struct tally {
	bool verbose;
	const char *expect_from;
	long received, bad, unexpected;
	long long bytes;
	char sources[16][64];
	int nsources;
};

static void tally_add(struct tally *t, const uint8_t *data, size_t len, const struct sockaddr *sa)
{
	struct check c = check_packet(data, len);
	char source[64];
	int i;

	format_sa(sa, source, sizeof(source));
	t->received++;
	t->bytes += len;
	if (!c.ok)
		t->bad++;
	for (i = 0; i < t->nsources && strcmp(t->sources[i], source); i++)
		;
	if (i == t->nsources && i < 16)
		strcpy(t->sources[t->nsources++], source);
	if (t->expect_from && strcmp(source, t->expect_from))
		t->unexpected++;
	if (t->verbose)
		printf("packet n=%ld from=%s len=%zu kind=%s seq=%ld ssrc=%lld ok=%d\n",
		       t->received, source, len, c.kind, c.seq, c.ssrc, c.ok);
}

static void tally_summary(const struct tally *t)
{
	int i;

	printf("received=%ld bytes=%lld bad=%ld unexpected=%ld sources=", t->received, t->bytes,
	       t->bad, t->unexpected);
	for (i = 0; i < t->nsources; i++)
		printf("%s%s", i ? "," : "", t->sources[i]);
	printf("%s\n", t->nsources ? "" : "-");
}

static bool tally_clean(const struct tally *t)
{
	return !t->bad && !t->unexpected;
}

/* Receives until count packets arrived (0: until the deadline or a signal). */
static void receive(int fd, struct tally *t, long count, double timeout, bool reply,
		    uint8_t *last, size_t *last_len)
{
	double deadline = now() + timeout;
	static uint8_t buf[MAX_DATAGRAM];

	while (!stopping && (count == 0 || t->received < count)) {
		struct sockaddr_storage ss;
		socklen_t sslen = sizeof(ss);
		double left = deadline - now();
		struct pollfd pfd = { .fd = fd, .events = POLLIN };
		ssize_t len;

		if (left <= 0 || poll(&pfd, 1, (int)(left * 1000) + 1) <= 0)
			break;
		len = recvfrom(fd, buf, sizeof(buf), MSG_DONTWAIT, (struct sockaddr *)&ss, &sslen);
		if (len < 0) {
			if (errno == EAGAIN || errno == EINTR)
				continue;
			die("recv: %s", strerror(errno));
		}
		tally_add(t, buf, len, (struct sockaddr *)&ss);
		if (reply && sendto(fd, buf, len, 0, (struct sockaddr *)&ss, sslen) < 0)
			die("echo: %s", strerror(errno));
		if (last) {
			memcpy(last, buf, len);
			*last_len = len;
		}
	}
}

static size_t max_payload(int family)
{
	return family == AF_INET6 ? 65527 : 65507;
}

static void set_tos(int fd, int family, int tos)
{
	if (family == AF_INET6 ? setsockopt(fd, IPPROTO_IPV6, IPV6_TCLASS, &tos, sizeof(tos)) :
				 setsockopt(fd, IPPROTO_IP, IP_TOS, &tos, sizeof(tos)))
		die("TOS %d: %s", tos, strerror(errno));
}

static int cmd_send(const struct opts *o)
{
	int fd = bound_socket(&o->from);
	size_t size = o->gso ? (size_t)o->gso : (size_t)o->size, per_call = 1;
	static uint8_t buf[MAX_DATAGRAM];
	long i, calls = 0;
	long long total = 0;

	if (size > max_payload(ep_family(&o->from)))
		usage("--size %zu: a UDP datagram holds at most %zu bytes", size,
		      max_payload(ep_family(&o->from)));
	if (o->gso) {
		/* One send of per_call packets leaves as one GSO packet of that many segments. */
		int segment = o->gso;

		per_call = max_payload(ep_family(&o->from)) / size;
		if (per_call > UDP_MAX_SEGMENTS)
			per_call = UDP_MAX_SEGMENTS;
		if (setsockopt(fd, SOL_UDP, UDP_SEGMENT, &segment, sizeof(segment)))
			die("UDP_SEGMENT %d: %s", segment, strerror(errno));
	}
	for (i = 0; i < o->count; calls++) {
		size_t n = 0;

		if (o->ntos)
			set_tos(fd, ep_family(&o->from), o->tos[calls % o->ntos]);
		for (; n < per_call && i < o->count; n++, i++)
			make_packet(buf + n * size, o->kind, o->seq + i, o->ssrc, size);
		send_to(fd, buf, n * size, &o->to);
		total += n * size;
		if (o->interval > 0 && i < o->count)
			sleep_for(o->interval);
	}
	if (o->gso)
		printf("sent=%ld bytes=%lld sends=%ld\n", o->count, total, calls);
	else
		printf("sent=%ld bytes=%lld\n", o->count, total);
	return 0;
}

static int cmd_recv(const struct opts *o)
{
	int fd = bound_socket(&o->bind);
	struct tally t = { .verbose = o->verbose };

	t.expect_from = o->expect_from[0] ? o->expect_from : NULL;
	catch_stop_signals();
	announce_ready(o->ready);
	receive(fd, &t, o->count, o->timeout, o->cmd == ECHO, NULL, NULL);
	/* Anything beyond what was expected is as wrong as too little. */
	if (o->cmd == RECV && o->count && !stopping)
		receive(fd, &t, 0, o->linger, false, NULL, NULL);
	tally_summary(&t);
	if (o->cmd == ECHO)
		return (!o->count || t.received == o->count) && tally_clean(&t) ? 0 : 1;
	return t.received == o->count && tally_clean(&t) ? 0 : 1;
}

static int cmd_ping(const struct opts *o)
{
	int fd = bound_socket(&o->from);
	struct tally t = { .verbose = o->verbose };
	static uint8_t packet[MAX_DATAGRAM], reply[MAX_DATAGRAM];
	size_t reply_len = 0;
	long i, mismatched = 0;

	t.expect_from = o->expect_from[0] ? o->expect_from : NULL;
	for (i = 0; i < o->count; i++) {
		long before = t.received;

		make_packet(packet, o->kind, o->seq + i, o->ssrc, o->size);
		send_to(fd, packet, o->size, &o->to);
		receive(fd, &t, before + 1, o->timeout, false, reply, &reply_len);
		if (t.received > before &&
		    (reply_len != (size_t)o->size || memcmp(reply, packet, o->size)))
			mismatched++;
		sleep_for(o->interval);
	}
	printf("sent=%ld mismatched=%ld ", o->count, mismatched);
	tally_summary(&t);
	return t.received == o->count && tally_clean(&t) && !mismatched ? 0 : 1;
}

/* ---- raw4, raw6, icmp: hand-made datagrams ---------------------------- */

static uint32_t sum16(const void *data, size_t len, uint32_t sum)
{
	const uint8_t *p = data;

	for (; len > 1; p += 2, len -= 2)
		sum += p[0] << 8 | p[1];
	if (len)
		sum += p[0] << 8;
	return sum;
}

static uint16_t fold(uint32_t sum)
{
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return ~sum & 0xffff;
}

/* The pseudo header's part of a UDP checksum. */
static uint32_t pseudo_sum(const struct ep *src, const struct ep *dst, uint32_t len)
{
	int alen = ep_family(src) == AF_INET6 ? 16 : 4;
	uint32_t sum = sum16(ep_addr(src), alen, 0);

	sum = sum16(ep_addr(dst), alen, sum);
	return sum + IPPROTO_UDP + (len >> 16) + (len & 0xffff);
}

static void put16(uint8_t *p, uint16_t v)
{
	p[0] = v >> 8;
	p[1] = v;
}

static void put32(uint8_t *p, uint32_t v)
{
	put16(p, v >> 16);
	put16(p + 2, v);
}

/*
 * An IPv4 header and --ip-options bytes: Record Route, then End; or, with
 * route_to, a loose source route whose one hop left is route_to's address.
 */
static size_t ip4_header(uint8_t *p, const struct ep *src, const struct ep *dst, int proto,
			 size_t optlen, uint16_t id, uint16_t frag, const struct ep *route_to)
{
	memset(p, 0, 20 + optlen);
	p[0] = 0x40 | (20 + optlen) / 4;
	/* tot_len 0: the kernel fills it in, and the header checksum */
	put16(p + 4, id);
	put16(p + 6, frag);
	p[8] = 64;
	p[9] = proto;
	memcpy(p + 12, ep_addr(src), 4);
	memcpy(p + 16, ep_addr(dst), 4);
	if (route_to) {
		p[20] = 1;   /* IPOPT_NOOP, to align the address */
		p[21] = 131; /* IPOPT_LSRR */
		p[22] = 7;
		p[23] = 4;   /* the pointer at the first address: one hop left */
		memcpy(p + 24, ep_addr(route_to), 4);
	} else if (optlen) {
		p[20] = 7; /* IPOPT_RR */
		p[21] = optlen - 1;
		p[22] = 4;
	}
	return 20 + optlen;
}

static size_t ip6_header(uint8_t *p, const struct ep *src, const struct ep *dst, int next,
			 size_t payload)
{
	memset(p, 0, 40);
	p[0] = 0x60;
	put16(p + 4, payload);
	p[6] = next;
	p[7] = 64;
	memcpy(p + 8, ep_addr(src), 16);
	memcpy(p + 24, ep_addr(dst), 16);
	return 40;
}

/* An 8-byte hop-by-hop or destination options header holding only padding. */
static size_t ip6_padding_options(uint8_t *p, int next)
{
	static const uint8_t padn[6] = { 1, 4 };

	p[0] = next;
	p[1] = 0;
	memcpy(p + 2, padn, sizeof(padn));
	return 8;
}

static int raw_socket(int family, int proto)
{
	int fd = socket(family, SOCK_RAW, proto);

	if (fd < 0)
		die("raw socket: %s (needs CAP_NET_RAW)", strerror(errno));
	return fd;
}

static int cmd_raw(const struct opts *o)
{
	bool v6 = o->cmd == RAW6;
	size_t real = 8 + o->size, dlen = real, csum_len, flen, fragoff, fraglen, hlen;
	static uint8_t frag_part[MAX_DATAGRAM + 16], packet[MAX_DATAGRAM + 128];
	uint8_t *udp = frag_part + (o->dstopts ? 8 : 0);
	unsigned long ulen = o->has_udp_len ? o->udp_len : real;
	uint16_t check;
	struct ep dest = o->to;
	long n, fragments = 0, k;
	int fd;

	if (ep_family(&o->from) != (v6 ? AF_INET6 : AF_INET) ||
	    ep_family(&o->to) != ep_family(&o->from))
		usage("raw%d: --from and --to must be IPv%d", v6 ? 6 : 4, v6 ? 6 : 4);
	if (real > 65535 - 48 || ulen > 65535)
		usage("--size %ld or --udp-len %lu is too big for a datagram", o->size, ulen);
	if (o->frag_size % 8 || o->frag_size < 0 || o->ip_options % 4 || o->ip_options > 40)
		usage("--frag-size must be a multiple of 8, --ip-options of 4 up to 40");
	make_packet(udp + 8, o->kind, o->seq, o->ssrc, o->size);
	put16(udp, ep_port(&o->from));
	put16(udp + 2, ep_port(&o->to));
	put16(udp + 4, ulen);
	put16(udp + 6, 0);
	if (o->has_route_to && (o->hbh || o->frag_size || o->ip_options ||
				ep_family(&o->route_to) != ep_family(&o->to)))
		usage("--route-to takes an address of --to's family and goes without --hbh, "
		      "--ip-options and --frag-size");
	/*
	 * Right for the datagram the UDP length describes, when it can be; for
	 * its final destination when a routing header names one (RFC 8200 8.1).
	 */
	csum_len = ulen >= 8 && ulen <= real ? ulen : real;
	check = fold(sum16(udp, csum_len, pseudo_sum(&o->from, o->has_route_to ? &o->route_to : &o->to,
						     ulen))) ?: 0xffff;
	if (o->has_checksum)
		check = o->checksum;
	else if (o->bad_checksum)
		check ^= 0x5555;
	put16(udp + 6, check);
	if (o->truncate >= 0 && (size_t)o->truncate < real)
		dlen = o->truncate;
	if (o->dstopts)
		ip6_padding_options(frag_part, IPPROTO_UDP);
	flen = dlen + (o->dstopts ? 8 : 0);

	fd = raw_socket(v6 ? AF_INET6 : AF_INET, IPPROTO_RAW);
	ep_set_port(&dest, 0);
	for (n = 0; n < o->count; n++) {
		uint16_t id = (getpid() * 16 + n) & 0xffff ?: 1;

		/* Without --frag-size, one piece that is not a fragment. */
		for (k = 0, fragoff = 0; k == 0 || fragoff < flen; k++, fragoff += fraglen) {
			size_t step = o->frag_size ? (size_t)o->frag_size : flen;
			bool more;

			fraglen = step;
			if (o->frag_overlap && k > 0) {
				/* Start 8 bytes into the previous piece, same bytes there. */
				fragoff -= 8;
				fraglen += 8;
			}
			if (fraglen > flen - fragoff)
				fraglen = flen - fragoff;
			more = fragoff + fraglen < flen;
			if (k == o->frag_skip)
				continue;
			if (!v6) {
				uint16_t frag = fragoff / 8 | (more ? 0x2000 : 0); /* MF */

				hlen = ip4_header(packet, &o->from, &o->to, IPPROTO_UDP,
						  o->has_route_to ? 8 : o->ip_options, id, frag,
						  o->has_route_to ? &o->route_to : NULL);
			} else {
				int first = o->frag_size ? 44 : o->dstopts ? 60 : IPPROTO_UDP;
				size_t ext = (o->hbh ? 8 : 0) + (o->frag_size ? 8 : 0);

				if (o->has_route_to)
					ext = 24;
				hlen = ip6_header(packet, &o->from, &o->to,
						  o->hbh ? 0 : o->has_route_to ? 43 : first,
						  ext + fraglen);
				if (o->hbh)
					hlen += ip6_padding_options(packet + hlen, first);
				if (o->has_route_to) {
					/* Type 0, one address, one segment left. */
					const struct sockaddr_in6 *fin = (const void *)&o->route_to.ss;

					memset(packet + hlen, 0, 8);
					packet[hlen] = first;
					packet[hlen + 1] = 2;
					packet[hlen + 3] = 1;
					memcpy(packet + hlen + 8, &fin->sin6_addr, 16);
					hlen += 24;
				}
				if (o->frag_size) {
					packet[hlen] = o->dstopts ? 60 : IPPROTO_UDP;
					packet[hlen + 1] = 0;
					put16(packet + hlen + 2, fragoff | more);
					put32(packet + hlen + 4, id);
					hlen += 8;
				}
			}
			memcpy(packet + hlen, frag_part + fragoff, fraglen);
			send_to(fd, packet, hlen + fraglen, &dest);
			fragments++;
		}
	}
	printf("sent=%ld udp-len=%lu checksum=0x%04x bytes=%zu", o->count, ulen, check, dlen);
	if (o->frag_size)
		printf(" fragments=%ld", fragments);
	printf("\n");
	return 0;
}

/* An ICMP error from --from to --to about a datagram --quote-from -> --quote-to. */
static int cmd_icmp(const struct opts *o)
{
	bool v6 = ep_family(&o->from) == AF_INET6;
	static uint8_t msg[2048];
	size_t size = o->size > 1024 ? 1024 : o->size, hlen = 8, ulen = 8 + size;
	int type = o->has_type ? o->type : v6 ? 1 : 3, code = o->has_code ? o->code : v6 ? 4 : 3;
	uint8_t *udp;
	uint16_t check;
	struct ep src = o->from, dest = o->to;
	long n;
	int fd;

	if (ep_family(&o->to) != ep_family(&o->from) ||
	    ep_family(&o->quote_from) != ep_family(&o->from) ||
	    ep_family(&o->quote_to) != ep_family(&o->from))
		usage("icmp: all addresses must be of one family");
	memset(msg, 0, sizeof(msg));
	msg[0] = type;
	msg[1] = code;
	/* Next-hop MTU: IPv4 in the second half of the unused word, IPv6 in all of it. */
	if (v6)
		put32(msg + 4, o->mtu);
	else
		put16(msg + 6, o->mtu);
	if (v6)
		hlen += ip6_header(msg + hlen, &o->quote_from, &o->quote_to, IPPROTO_UDP, ulen);
	else
		hlen += ip4_header(msg + hlen, &o->quote_from, &o->quote_to, IPPROTO_UDP, 0,
				   getpid() & 0xffff, 0, NULL);
	if (!v6) {
		put16(msg + 8 + 2, 20 + ulen);
		put16(msg + 8 + 10, fold(sum16(msg + 8, 20, 0)));
	}
	udp = msg + hlen;
	put16(udp, ep_port(&o->quote_from));
	put16(udp + 2, ep_port(&o->quote_to));
	put16(udp + 4, ulen);
	make_packet(udp + 8, o->kind, o->seq, o->ssrc, size);
	check = fold(sum16(udp, ulen, pseudo_sum(&o->quote_from, &o->quote_to, ulen)));
	put16(udp + 6, check ?: 0xffff);
	/* ICMPv6 sockets checksum by themselves (pseudo header included). */
	if (!v6)
		put16(msg + 2, fold(sum16(msg, hlen + ulen, 0)));

	fd = raw_socket(v6 ? AF_INET6 : AF_INET, v6 ? IPPROTO_ICMPV6 : IPPROTO_ICMP);
	ep_set_port(&src, 0);
	ep_set_port(&dest, 0);
	if (bind(fd, (const struct sockaddr *)&src.ss, src.len))
		die("bind: %s", strerror(errno));
	for (n = 0; n < o->count; n++)
		send_to(fd, msg, hlen + ulen, &dest);
	printf("sent=%ld type=%d code=%d bytes=%zu\n", o->count, type, code, hlen + ulen);
	return 0;
}

/* ---- flood and sink: many sessions at once ---------------------------- */

typedef void line_fn(struct ep *eps, bool has_ssrc, uint32_t ssrc, void *ctx);

/* Reads lines of want_eps endpoints and an optional SSRC; '#' starts a comment line. */
static void read_lines(const char *path, int want_eps, line_fn *add, void *ctx)
{
	FILE *f = fopen(path, "r");
	char line[512];
	int lineno = 0;

	if (!f)
		die("%s: %s", path, strerror(errno));
	while (fgets(line, sizeof(line), f)) {
		char *field[3], *save = NULL, *end;
		struct ep eps[2];
		int nf = 0, i;

		lineno++;
		for (char *t = strtok_r(line, " \t\n", &save); t && nf < 3;
		     t = strtok_r(NULL, " \t\n", &save))
			field[nf++] = t;
		if (!nf || field[0][0] == '#')
			continue;
		if (nf < want_eps)
			usage("%s:%d: expected %d endpoints", path, lineno, want_eps);
		for (i = 0; i < want_eps; i++)
			if (!parse_addr_port(field[i], &eps[i], true))
				usage("%s:%d: not ADDR:PORT: %s", path, lineno, field[i]);
		if (nf > want_eps) {
			unsigned long ssrc = strtoul(field[want_eps], &end, 0);

			if (*end || ssrc > 0xffffffffUL)
				usage("%s:%d: not an SSRC: %s", path, lineno, field[want_eps]);
			add(eps, true, ssrc, ctx);
		} else {
			add(eps, false, 0, ctx);
		}
	}
	fclose(f);
}

struct flow {
	struct ep from, to;
	uint32_t ssrc;
	int fd;
	long sent, errors;
	long long bytes;
	long received, wrong, bad; /* --back-xor */
};

/*
 * --back-xor: reads what waits on every flow's socket, or waits up to wait_s for it.
 * Returns how many datagrams it read.
 */
static long flood_receive(struct flow *v, size_t n, uint32_t mask, double wait_s)
{
	static uint8_t buf[MAX_DATAGRAM];
	long got = 0;
	size_t i;

	if (wait_s > 0) {
		struct pollfd *p = calloc(n, sizeof(*p));

		if (!p)
			die("out of memory");
		for (i = 0; i < n; i++)
			p[i] = (struct pollfd){ .fd = v[i].fd, .events = POLLIN };
		poll(p, n, (int)(wait_s * 1000));
		free(p);
	}
	for (i = 0; i < n; i++) {
		ssize_t len;

		while ((len = recv(v[i].fd, buf, sizeof(buf), MSG_DONTWAIT)) >= 0) {
			struct check c = check_packet(buf, len);

			got++;
			if (!c.ok || c.ssrc < 0)
				v[i].bad++;
			else if ((uint32_t)c.ssrc != (v[i].ssrc ^ mask))
				v[i].wrong++;
			else
				v[i].received++;
		}
	}
	return got;
}

/* Whether every flow got count packets from its peer. */
static bool flood_all_back(const struct flow *v, size_t n, long count)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (v[i].received < count)
			return false;
	return true;
}

struct flows {
	struct flow *v;
	size_t n, cap;
};

static void *grow(void *v, size_t *cap, size_t n, size_t elem)
{
	if (n < *cap)
		return v;
	*cap = *cap ? *cap * 2 : 64;
	v = realloc(v, *cap * elem);
	if (!v)
		die("out of memory");
	return v;
}

static void add_flow(struct ep *eps, bool has_ssrc, uint32_t ssrc, void *ctx)
{
	struct flows *fl = ctx;

	if (!has_ssrc)
		usage("--flows: every line is FROM TO SSRC");
	fl->v = grow(fl->v, &fl->cap, fl->n, sizeof(*fl->v));
	fl->v[fl->n++] = (struct flow){ .from = eps[0], .to = eps[1], .ssrc = ssrc };
}

static int cmd_flood(const struct opts *o)
{
	struct flows fl = { 0 };
	static uint8_t buf[MAX_DATAGRAM];
	double start, end, deadline;
	long round, sent = 0, errors = 0, active, received = 0, wrong = 0;
	long long bytes = 0;
	char from[64], to[64];
	size_t i;

	if (!o->has_count && o->duration <= 0)
		usage("flood: --count or --duration (or both)");
	read_lines(o->flows, 2, add_flow, &fl);
	raise_fd_limit();
	for (i = 0; i < fl.n; i++)
		fl.v[i].fd = bound_socket(&fl.v[i].from);
	catch_stop_signals();
	announce_ready(o->ready);
	start = now();
	deadline = o->duration > 0 ? start + o->duration : 0;
	/* Round robin, one packet per flow a round; --pps paces the rounds. */
	for (round = 0, active = fl.n; active && !stopping; round++) {
		if (o->pps > 0) {
			double due = start + round / o->pps;

			sleep_for(due - now());
		}
		if (deadline && now() >= deadline)
			break;
		for (i = 0, active = 0; i < fl.n && !stopping; i++) {
			struct flow *f = &fl.v[i];

			if (o->has_count && f->sent >= o->count)
				continue;
			active++;
			make_packet(buf, o->kind, o->seq + f->sent, f->ssrc, o->size);
			if (sendto(f->fd, buf, o->size, 0, (struct sockaddr *)&f->to.ss,
				   f->to.len) < 0) {
				if (errno != EAGAIN && errno != ENOBUFS && errno != ECONNREFUSED &&
				    errno != EINTR)
					die("send to %s: %s", format_ep(&f->to, to, sizeof(to)),
					    strerror(errno));
				f->errors++;
				continue;
			}
			f->sent++;
			f->bytes += o->size;
		}
		if (o->has_back_xor)
			flood_receive(fl.v, fl.n, o->back_xor, 0);
	}
	end = now();
	if (o->has_back_xor) {
		double idle = o->has_linger ? o->linger : 2, until = now() + idle;

		/* Each datagram that comes back extends the wait: the peer may be behind. */
		while (!stopping && now() < until &&
		       !(o->has_count && flood_all_back(fl.v, fl.n, o->count)))
			if (flood_receive(fl.v, fl.n, o->back_xor, until - now()) > 0)
				until = now() + idle;
	}
	for (i = 0; i < fl.n; i++) {
		struct flow *f = &fl.v[i];

		printf("flow from=%s to=%s ssrc=%u sent=%ld bytes=%lld errors=%ld",
		       format_ep(&f->from, from, sizeof(from)), format_ep(&f->to, to, sizeof(to)),
		       f->ssrc, f->sent, f->bytes, f->errors);
		if (o->has_back_xor)
			printf(" received=%ld wrong=%ld bad=%ld", f->received, f->wrong, f->bad);
		printf("\n");
		received += f->received;
		wrong += f->wrong + f->bad;
		sent += f->sent;
		bytes += f->bytes;
		errors += f->errors;
	}
	printf("flows=%zu sent=%ld bytes=%lld errors=%ld seconds=%.3f pps=%.0f", fl.n, sent,
	       bytes, errors, end - start, end > start ? sent / (end - start) : 0.0);
	if (o->has_back_xor)
		printf(" received=%ld wrong=%ld", received, wrong);
	printf("\n");
	free(fl.v);
	return 0;
}

struct port {
	struct ep ep;
	int fd;
	bool has_expect;
	uint32_t expect;
	long received, bad, misdelivered, stray;
	long long bytes;
};

struct ports {
	struct port *v;
	size_t n, cap;
	bool expect_file; /* reading --expect */
};

static int port_cmp(const void *a, const void *b)
{
	return ep_cmp(&((const struct port *)a)->ep, &((const struct port *)b)->ep);
}

static void add_port(struct ep *eps, bool has_ssrc, uint32_t ssrc, void *ctx)
{
	struct ports *ps = ctx;

	ps->v = grow(ps->v, &ps->cap, ps->n, sizeof(*ps->v));
	ps->v[ps->n++] = (struct port){ .ep = eps[0], .has_expect = has_ssrc, .expect = ssrc };
	if (ps->expect_file && !has_ssrc)
		usage("--expect: every line is ENDPOINT SSRC");
}

/* --binds: only the endpoint counts, whatever else the line holds. */
static void add_bind(struct ep *eps, bool has_ssrc, uint32_t ssrc, void *ctx)
{
	(void)has_ssrc;
	(void)ssrc;
	add_port(eps, false, 0, ctx);
}

static int u32_cmp(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;

	return x < y ? -1 : x > y;
}

static void add_range(struct ports *ps, const char *text)
{
	char copy[128], *dash;
	unsigned long first, last, p;
	struct ep ep;

	snprintf(copy, sizeof(copy), "%s", text);
	dash = strrchr(copy, '-');
	if (dash)
		*dash = 0;
	if (!dash || !parse_addr_port(copy, &ep, true) || !dash[1] ||
	    strspn(dash + 1, "0123456789") != strlen(dash + 1))
		usage("--bind-range: not ADDR:PORT-PORT: %s", text);
	first = ep_port(&ep);
	last = strtoul(dash + 1, NULL, 10);
	if (last < first || last > 65535)
		usage("--bind-range: bad port range: %s", text);
	for (p = first; p <= last; p++) {
		ep_set_port(&ep, p);
		add_port(&ep, false, 0, ps);
	}
}

static void sink_packet(const struct opts *o, struct port *p, const uint32_t *owned, size_t nowned,
			const uint8_t *data, size_t len, const struct sockaddr *from)
{
	struct check c = check_packet(data, len);
	const char *verdict = "ok";
	char bind[64], source[64];
	uint32_t ssrc = c.ssrc;

	p->received++;
	p->bytes += len;
	if (!c.ok || c.ssrc < 0) {
		p->bad++;
		verdict = "bad";
	} else if (p->has_expect && ssrc != p->expect) {
		if (bsearch(&ssrc, owned, nowned, sizeof(*owned), u32_cmp)) {
			p->misdelivered++;
			verdict = "misdelivered";
		} else {
			p->stray++;
			verdict = "stray";
		}
	}
	if (o->verbose || (strcmp(verdict, "ok") && p->bad + p->misdelivered + p->stray <= 5))
		printf("packet port=%s from=%s len=%zu kind=%s seq=%ld ssrc=%lld %s\n",
		       format_ep(&p->ep, bind, sizeof(bind)),
		       format_sa(from, source, sizeof(source)), len, c.kind, c.seq, c.ssrc,
		       verdict);
}

static int cmd_sink(const struct opts *o)
{
	struct ports ps = { 0 };
	static uint8_t bufs[SINK_BATCH][MAX_DATAGRAM];
	struct sockaddr_storage froms[SINK_BATCH];
	struct mmsghdr msgs[SINK_BATCH];
	struct iovec iovs[SINK_BATCH];
	uint32_t *owned;
	size_t i, j, nowned = 0;
	long received = 0, bad = 0, misdelivered = 0, stray = 0;
	long long bytes = 0;
	double start, deadline, last = 0;
	char text[64];
	int ep;

	for (i = 0; i < (size_t)o->nranges; i++)
		add_range(&ps, o->ranges[i]);
	if (o->binds)
		read_lines(o->binds, 1, add_bind, &ps);
	ps.expect_file = true;
	if (o->expect)
		read_lines(o->expect, 1, add_port, &ps);
	if (!ps.n)
		usage("sink: nothing to bind (--bind-range, --binds or --expect)");
	/* One socket per endpoint; an expectation from any source applies. */
	qsort(ps.v, ps.n, sizeof(*ps.v), port_cmp);
	for (i = 0, j = 0; i < ps.n; i++) {
		if (j && !port_cmp(&ps.v[j - 1], &ps.v[i])) {
			if (ps.v[i].has_expect) {
				ps.v[j - 1].has_expect = true;
				ps.v[j - 1].expect = ps.v[i].expect;
			}
			continue;
		}
		ps.v[j++] = ps.v[i];
	}
	ps.n = j;
	owned = calloc(ps.n, sizeof(*owned));
	for (i = 0; i < ps.n; i++)
		if (ps.v[i].has_expect)
			owned[nowned++] = ps.v[i].expect;
	qsort(owned, nowned, sizeof(*owned), u32_cmp);

	raise_fd_limit();
	ep = epoll_create1(0);
	if (ep < 0)
		die("epoll: %s", strerror(errno));
	for (i = 0; i < ps.n; i++) {
		struct epoll_event ev = { .events = EPOLLIN, .data.u64 = i };

		ps.v[i].fd = bound_socket(&ps.v[i].ep);
		if (epoll_ctl(ep, EPOLL_CTL_ADD, ps.v[i].fd, &ev))
			die("epoll_ctl: %s", strerror(errno));
	}
	for (i = 0; i < SINK_BATCH; i++) {
		iovs[i] = (struct iovec){ .iov_base = bufs[i], .iov_len = sizeof(bufs[i]) };
		msgs[i].msg_hdr = (struct msghdr){ .msg_iov = &iovs[i], .msg_iovlen = 1,
						   .msg_name = &froms[i] };
	}
	catch_stop_signals();
	announce_ready(o->ready);
	start = now();
	deadline = start + o->timeout;
	while (!stopping && (!o->has_count || received < o->count)) {
		struct epoll_event evs[64];
		double t = now(), until = deadline;
		int nev, e;

		if (o->idle > 0 && last && last + o->idle < until)
			until = last + o->idle;
		if (t >= until)
			break;
		nev = epoll_wait(ep, evs, 64, (int)((until - t) * 1000) + 1);
		if (nev < 0 && errno != EINTR)
			die("epoll_wait: %s", strerror(errno));
		for (e = 0; e < nev; e++) {
			struct port *p = &ps.v[evs[e].data.u64];
			int n, m;

			for (m = 0; m < SINK_BATCH; m++)
				msgs[m].msg_hdr.msg_namelen = sizeof(froms[m]);
			n = recvmmsg(p->fd, msgs, SINK_BATCH, MSG_DONTWAIT, NULL);
			if (n < 0 && errno != EAGAIN && errno != EINTR)
				die("recvmmsg: %s", strerror(errno));
			for (m = 0; m < n; m++)
				sink_packet(o, p, owned, nowned, bufs[m], msgs[m].msg_len,
					    (struct sockaddr *)&froms[m]);
			if (n > 0) {
				received += n;
				last = now();
			}
		}
	}
	for (i = 0; i < ps.n; i++) {
		struct port *p = &ps.v[i];

		printf("port bind=%s", format_ep(&p->ep, text, sizeof(text)));
		if (p->has_expect)
			printf(" expect-ssrc=%u", p->expect);
		else
			printf(" expect-ssrc=-");
		printf(" received=%ld bytes=%lld bad=%ld misdelivered=%ld stray=%ld\n", p->received,
		       p->bytes, p->bad, p->misdelivered, p->stray);
		bad += p->bad;
		misdelivered += p->misdelivered;
		stray += p->stray;
		bytes += p->bytes;
	}
	printf("ports=%zu received=%ld bytes=%lld bad=%ld misdelivered=%ld stray=%ld "
	       "seconds=%.3f\n",
	       ps.n, received, bytes, bad, misdelivered, stray, now() - start);
	free(owned);
	free(ps.v);
	if (o->has_count && received != o->count)
		return 1;
	return bad || misdelivered || stray ? 1 : 0;
}

/*
 * --netns NAME does what `ip netns exec NAME` does for a network tool,
 * without the cost of another program start under emulation.
 */
static void enter_netns(const char *name)
{
	char path[4096];
	int fd;

	snprintf(path, sizeof(path), "%s%s", strchr(name, '/') ? "" : "/run/netns/", name);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0 || setns(fd, CLONE_NEWNET))
		die("network namespace %s: %s", path, strerror(errno));
	close(fd);
}

/* ---- command line ----------------------------------------------------- */

#define RAW (RAW4 | RAW6)
#define PACKET (SEND | PING | RAW | ICMP)

/* Every option, with the commands that take it. */
enum { O_VERBOSE, O_FROM, O_TO, O_BIND, O_COUNT, O_SIZE, O_KIND, O_SSRC, O_SEQ, O_INTERVAL,
       O_TIMEOUT, O_READY, O_EXPECT_FROM, O_LINGER, O_UDP_LEN, O_CHECKSUM, O_BAD_CHECKSUM,
       O_TRUNCATE, O_IP_OPTIONS, O_HBH, O_DSTOPTS, O_FRAG_SIZE, O_FRAG_SKIP, O_FRAG_OVERLAP, O_GSO,
       O_QUOTE_FROM, O_QUOTE_TO, O_TYPE, O_CODE, O_MTU, O_FLOWS, O_DURATION, O_PPS, O_BIND_RANGE,
       O_BINDS, O_EXPECT, O_IDLE, O_NETNS, O_ROUTE_TO, O_TOS, O_BACK_XOR, O_COUNT_OF };

static const struct {
	const char *name;
	bool arg;
	int commands;
} option_defs[O_COUNT_OF] = {
	[O_VERBOSE] = { "verbose", false, SEND | RECV | ECHO | PING | RAW | SINK },
	[O_FROM] = { "from", true, PACKET },
	[O_TO] = { "to", true, PACKET },
	[O_BIND] = { "bind", true, RECV | ECHO },
	[O_COUNT] = { "count", true, PACKET | RECV | ECHO | FLOOD | SINK },
	[O_SIZE] = { "size", true, PACKET | FLOOD },
	[O_KIND] = { "kind", true, PACKET | FLOOD },
	[O_SSRC] = { "ssrc", true, PACKET },
	[O_SEQ] = { "seq", true, PACKET | FLOOD },
	[O_INTERVAL] = { "interval", true, SEND | PING | RAW },
	[O_TIMEOUT] = { "timeout", true, RECV | ECHO | PING | SINK },
	[O_READY] = { "ready", true, RECV | ECHO | FLOOD | SINK },
	[O_EXPECT_FROM] = { "expect-from", true, RECV | ECHO | PING },
	[O_LINGER] = { "linger", true, RECV | FLOOD },
	[O_BACK_XOR] = { "back-xor", true, FLOOD },
	[O_UDP_LEN] = { "udp-len", true, RAW },
	[O_CHECKSUM] = { "checksum", true, RAW },
	[O_BAD_CHECKSUM] = { "bad-checksum", false, RAW },
	[O_TRUNCATE] = { "truncate", true, RAW },
	[O_IP_OPTIONS] = { "ip-options", true, RAW4 },
	[O_HBH] = { "hbh", false, RAW6 },
	[O_DSTOPTS] = { "dstopts", false, RAW6 },
	[O_ROUTE_TO] = { "route-to", true, RAW },
	[O_TOS] = { "tos", true, SEND },
	[O_FRAG_SIZE] = { "frag-size", true, RAW },
	[O_FRAG_SKIP] = { "frag-skip", true, RAW },
	[O_FRAG_OVERLAP] = { "frag-overlap", false, RAW },
	[O_GSO] = { "gso", true, SEND },
	[O_QUOTE_FROM] = { "quote-from", true, ICMP },
	[O_QUOTE_TO] = { "quote-to", true, ICMP },
	[O_TYPE] = { "type", true, ICMP },
	[O_CODE] = { "code", true, ICMP },
	[O_MTU] = { "mtu", true, ICMP },
	[O_FLOWS] = { "flows", true, FLOOD },
	[O_DURATION] = { "duration", true, FLOOD },
	[O_PPS] = { "pps", true, FLOOD },
	[O_BIND_RANGE] = { "bind-range", true, SINK },
	[O_BINDS] = { "binds", true, SINK },
	[O_EXPECT] = { "expect", true, SINK },
	[O_IDLE] = { "idle", true, SINK },
	[O_NETNS] = { "netns", true, ~0 },
};

static long to_long(const char *text, const char *name, long min, long max)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(text, &end, 0);
	if (errno || *end || end == text || v < min || v > max)
		usage("--%s: not a number from %ld to %ld: %s", name, min, max, text);
	return v;
}

static void parse_tos(const char *text, struct opts *o)
{
	char buf[256], *item, *save = NULL;

	if (strlen(text) >= sizeof(buf))
		usage("--tos: too long");
	strcpy(buf, text);
	o->ntos = 0;
	for (item = strtok_r(buf, ",", &save); item; item = strtok_r(NULL, ",", &save)) {
		if (o->ntos == (int)(sizeof(o->tos) / sizeof(o->tos[0])))
			usage("--tos: at most 16 values");
		o->tos[o->ntos++] = to_long(item, "tos", 0, 255);
	}
	if (!o->ntos)
		usage("--tos: a list of values 0 to 255");
}

static double to_double(const char *text, const char *name)
{
	char *end;
	double v = strtod(text, &end);

	if (*end || end == text || v < 0)
		usage("--%s: not a number of seconds: %s", name, text);
	return v;
}

static void parse(int argc, char **argv, struct opts *o)
{
	static const struct { const char *name; enum command cmd; } commands[] = {
		{ "send", SEND }, { "recv", RECV }, { "echo", ECHO }, { "ping", PING },
		{ "raw4", RAW4 }, { "raw6", RAW6 }, { "icmp", ICMP }, { "flood", FLOOD },
		{ "sink", SINK },
	};
	struct option long_options[O_COUNT_OF + 1] = { 0 };
	int c;
	size_t i;
	struct ep ep;

	if (argc < 2)
		usage("a command: send, recv, echo, ping, raw4, raw6, icmp, flood or sink");
	for (i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		if (!strcmp(argv[1], commands[i].name))
			o->cmd = commands[i].cmd;
	if (!o->cmd)
		usage("unknown command: %s", argv[1]);
	*o = (struct opts){ .cmd = o->cmd, .count = o->cmd & (RECV | ECHO) ? 0 : 1, .size = 172,
			    .kind = RTP_PT, .ssrc = 0x1234ABCD, .timeout = o->cmd == PING ? 3 : 5,
			    .linger = 0.3, .truncate = -1, .frag_skip = -1 };
	if (o->cmd == SINK)
		o->timeout = 600;
	for (i = 0; i < O_COUNT_OF; i++)
		long_options[i] = (struct option){ .name = option_defs[i].name,
						   .has_arg = option_defs[i].arg, .val = i };
	optind = 2;
	while ((c = getopt_long(argc, argv, "v", long_options, NULL)) != -1) {
		const char *name;

		if (c == 'v')
			c = O_VERBOSE;
		if (c < 0 || c >= O_COUNT_OF)
			usage("bad option");
		name = option_defs[c].name;
		if (!(option_defs[c].commands & o->cmd))
			usage("%s does not take --%s", argv[1], name);
		switch (c) {
		case O_VERBOSE: o->verbose = true; break;
		case O_FROM:
			if (!parse_addr_port(optarg, &o->from, o->cmd != ICMP))
				usage("--from: not ADDR:PORT: %s", optarg);
			o->has_from = true;
			break;
		case O_TO:
			if (!parse_addr_port(optarg, &o->to, o->cmd != ICMP))
				usage("--to: not ADDR:PORT: %s", optarg);
			o->has_to = true;
			break;
		case O_BIND: parse_ep(optarg, &o->bind, "--bind"); o->has_bind = true; break;
		case O_QUOTE_FROM:
			parse_ep(optarg, &o->quote_from, name);
			o->has_quote_from = true;
			break;
		case O_QUOTE_TO:
			parse_ep(optarg, &o->quote_to, name);
			o->has_quote_to = true;
			break;
		case O_ROUTE_TO:
			parse_ep(optarg, &o->route_to, name);
			o->has_route_to = true;
			break;
		case O_TOS:
			parse_tos(optarg, o);
			break;
		case O_EXPECT_FROM:
			parse_ep(optarg, &ep, name);
			format_ep(&ep, o->expect_from, sizeof(o->expect_from));
			break;
		case O_COUNT:
			o->count = to_long(optarg, name, 0, 1L << 40);
			o->has_count = true;
			break;
		case O_SIZE: o->size = to_long(optarg, name, 0, 65527); break;
		case O_KIND:
			if (strcmp(optarg, "rtp") && strcmp(optarg, "rtcp"))
				usage("--kind: rtp or rtcp, not %s", optarg);
			o->kind = strcmp(optarg, "rtcp") ? RTP_PT : RTCP_PT;
			break;
		case O_SSRC: o->ssrc = to_long(optarg, name, 0, 0xffffffffL); break;
		case O_SEQ: o->seq = to_long(optarg, name, 0, 0xffffffffL); break;
		case O_INTERVAL: o->interval = to_double(optarg, name); break;
		case O_TIMEOUT: o->timeout = to_double(optarg, name); break;
		case O_LINGER:
			o->linger = to_double(optarg, name);
			o->has_linger = true;
			break;
		case O_BACK_XOR:
			o->back_xor = to_long(optarg, name, 0, 0xffffffffL);
			o->has_back_xor = true;
			break;
		case O_DURATION: o->duration = to_double(optarg, name); break;
		case O_IDLE: o->idle = to_double(optarg, name); break;
		case O_PPS: o->pps = to_double(optarg, name); break;
		case O_READY: o->ready = optarg; break;
		case O_UDP_LEN:
			o->udp_len = to_long(optarg, name, 0, 65535);
			o->has_udp_len = true;
			break;
		case O_CHECKSUM:
			o->checksum = to_long(optarg, name, 0, 65535);
			o->has_checksum = true;
			break;
		case O_BAD_CHECKSUM: o->bad_checksum = true; break;
		case O_TRUNCATE: o->truncate = to_long(optarg, name, 0, 65535); break;
		case O_IP_OPTIONS: o->ip_options = to_long(optarg, name, 0, 40); break;
		case O_HBH: o->hbh = true; break;
		case O_DSTOPTS: o->dstopts = true; break;
		case O_FRAG_SIZE: o->frag_size = to_long(optarg, name, 8, 65528); break;
		case O_FRAG_SKIP: o->frag_skip = to_long(optarg, name, 0, 8191); break;
		case O_FRAG_OVERLAP: o->frag_overlap = true; break;
		case O_GSO: o->gso = to_long(optarg, name, 1, 65527); break;
		case O_TYPE: o->type = to_long(optarg, name, 0, 255); o->has_type = true; break;
		case O_CODE: o->code = to_long(optarg, name, 0, 255); o->has_code = true; break;
		case O_MTU: o->mtu = to_long(optarg, name, 0, 0xffffffffL); break;
		case O_FLOWS: o->flows = optarg; break;
		case O_BINDS: o->binds = optarg; break;
		case O_EXPECT: o->expect = optarg; break;
		case O_NETNS: o->netns = optarg; break;
		case O_BIND_RANGE:
			if (o->nranges == (int)(sizeof(o->ranges) / sizeof(o->ranges[0])))
				usage("too many --bind-range");
			o->ranges[o->nranges++] = optarg;
			break;
		}
	}
	if (optind < argc)
		usage("unexpected argument: %s", argv[optind]);
	if ((o->cmd & PACKET) && !(o->has_from && o->has_to))
		usage("%s needs --from and --to", argv[1]);
	if ((o->cmd & (RECV | ECHO)) && !o->has_bind)
		usage("%s needs --bind", argv[1]);
	if (o->cmd == ICMP && !(o->has_quote_from && o->has_quote_to))
		usage("icmp needs --quote-from and --quote-to");
	if (o->cmd == FLOOD && !o->flows)
		usage("flood needs --flows FILE");
	if ((o->cmd & (SEND | PING)) && ep_family(&o->from) != ep_family(&o->to))
		usage("--from and --to are of different families");
	if ((o->cmd & (SEND | PING | FLOOD)) && o->size > (long)max_payload(ep_family(&o->from)))
		usage("--size %ld: more than a UDP datagram holds", o->size);
}

int main(int argc, char **argv)
{
	struct opts o = { 0 };

	parse(argc, argv, &o);
	if (o.netns)
		enter_netns(o.netns);
	/* Lines appear as they happen, also when stdout is a file. */
	setvbuf(stdout, NULL, _IOLBF, 0);
	signal(SIGPIPE, SIG_IGN);
	switch (o.cmd) {
	case SEND: return cmd_send(&o);
	case RECV:
	case ECHO: return cmd_recv(&o);
	case PING: return cmd_ping(&o);
	case RAW4:
	case RAW6: return cmd_raw(&o);
	case ICMP: return cmd_icmp(&o);
	case FLOOD: return cmd_flood(&o);
	case SINK: return cmd_sink(&o);
	}
	return 2;
}

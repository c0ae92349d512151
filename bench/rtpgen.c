// SPDX-License-Identifier: GPL-2.0
/*
 * rtpgen: paced G.711 RTP (PCMU, 20 ms frames) in both directions between two
 * network namespaces, written as whole Ethernet frames to AF_PACKET sockets.
 *
 * Why AF_PACKET: a UDP socket would make the generator's own CPU pay for a
 * route lookup and the IP output path per packet, and the benchmark needs a
 * generator that can offer twice what the fastest relay handles. The frames
 * are still complete, valid IPv4/UDP/RTP or IPv6/UDP/RTP packets with correct
 * checksums.
 *
 * Each side has its own family, the one of its --src-X address (IPv4 as
 * 10.2.1.100:4000, IPv6 as [fd05:2::100]:6000): a bridge between IPv4 and
 * IPv6 has an IPv4 client on one side and an IPv6 one on the other.
 *
 * Sessions come from a file, one line per session:
 *     A-DEST-IP A-DEST-PORT B-DEST-IP B-DEST-PORT
 * Client A sends to the first pair, client B to the second; each address is
 * of its sender's family (an IPv6 one without brackets). Packet k of a run
 * belongs to session (k / 2) mod N and goes out on side k mod 2, so both
 * directions and every session get the same share. Every stream (session,
 * side) has a constant SSRC; sequence numbers and timestamps (+160 per
 * packet, 8 kHz) continue across runs when --state names a file.
 *
 * With --proxy-cpu the run is also a measurement window: it reads that CPU's
 * idle time from /proc/stat when sending starts and --drain-ms after it ends.
 * With --mark it also writes console marks around the window (see console_mark).
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <linux/if_packet.h>
#include <net/ethernet.h>
#include <net/if.h>
#include <netinet/ip.h>
#include <netinet/ip6.h>
#include <netinet/udp.h>
#include <sched.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#define RTP_HDR_LEN 12
#define RTP_PAYLOAD_LEN 160	/* 20 ms of 8 kHz G.711 */
#define RTP_PT_PCMU 0
#define UDP_LEN (sizeof(struct udphdr) + RTP_HDR_LEN + RTP_PAYLOAD_LEN)
/* An IPv6 frame is 20 bytes longer (its header is 40 bytes, not 20): the buffers fit both. */
#define FRAME_LEN_MAX (sizeof(struct ether_header) + sizeof(struct ip6_hdr) + UDP_LEN)
#define MAX_BATCH 256
#define STATE_MAGIC 0x52545047u	/* "RTPG" */

union ip_addr {
	struct in_addr v4;
	struct in6_addr v6;
};

struct side {
	const char *ns, *dev, *src;
	uint8_t dmac[6], smac[6];
	bool have_dmac;
	int family;		/* of the source and of every destination: AF_INET or AF_INET6 */
	union ip_addr saddr;
	uint16_t sport;
	size_t frame_len;
	int fd;
	uint16_t ip_id;
	uint64_t sent, refused;
	uint8_t frames[MAX_BATCH][FRAME_LEN_MAX];
	struct iovec iov[MAX_BATCH];
	struct mmsghdr msgs[MAX_BATCH];
	unsigned int queued;
};

/* Where a side sends to: of that side's family. */
struct dest {
	union ip_addr addr;
	uint16_t port;
};

/* Per stream: index = session * 2 + side. */
struct stream_state {
	uint32_t ts;
	uint16_t seq;
	uint8_t started;
	uint8_t pad;
};

struct state_header {
	uint32_t magic;
	uint32_t streams;
};

static void die(const char *fmt, ...) __attribute__((format(printf, 1, 2), noreturn));

static void die(const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "rtpgen: ");
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	exit(1);
}

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

static void sleep_until(uint64_t ns)
{
	struct timespec ts = { .tv_sec = ns / 1000000000u, .tv_nsec = ns % 1000000000u };

	while (clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &ts, NULL) == EINTR)
		;
}

/* Idle time of one CPU in ns (idle + iowait of /proc/stat, USER_HZ ticks). */
static uint64_t cpu_idle_ns(int cpu)
{
	char want[16], line[512];
	unsigned long long v[5];
	FILE *f = fopen("/proc/stat", "r");
	long hz = sysconf(_SC_CLK_TCK);

	if (!f)
		die("/proc/stat: %s", strerror(errno));
	snprintf(want, sizeof(want), "cpu%d ", cpu);
	while (fgets(line, sizeof(line), f)) {
		if (strncmp(line, want, strlen(want)))
			continue;
		if (sscanf(line + strlen(want), "%llu %llu %llu %llu %llu",
			   &v[0], &v[1], &v[2], &v[3], &v[4]) != 5)
			break;
		fclose(f);
		return (v[3] + v[4]) * (1000000000ull / (uint64_t)hz);
	}
	fclose(f);
	die("no line for cpu%d in /proc/stat", cpu);
}

/*
 * "xtrp: mark ID start|end" on the console: tests/vm/run.sh then records the
 * host CPU time of each vCPU thread, a measure that host load does not inflate.
 */
static void console_mark(const char *id, const char *what)
{
	char line[256];
	int fd, n;

	if (!id)
		return;
	fd = open("/dev/console", O_WRONLY | O_NOCTTY | O_CLOEXEC);
	if (fd < 0)
		die("/dev/console: %s", strerror(errno));
	n = snprintf(line, sizeof(line), "xtrp: mark %s %s\n", id, what);
	if (write(fd, line, (size_t)n) != n)
		die("/dev/console: short write");
	close(fd);
}

static uint16_t csum_fold32(uint32_t sum)
{
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)~sum;
}

static uint32_t csum_add(uint32_t sum, const void *data, size_t len)
{
	const uint8_t *p = data;

	while (len > 1) {
		sum += (uint32_t)p[0] << 8 | p[1];
		p += 2;
		len -= 2;
	}
	if (len)
		sum += (uint32_t)p[0] << 8;
	return sum;
}

static void parse_mac(const char *text, uint8_t mac[6])
{
	if (sscanf(text, "%hhx:%hhx:%hhx:%hhx:%hhx:%hhx", &mac[0], &mac[1],
		   &mac[2], &mac[3], &mac[4], &mac[5]) != 6)
		die("bad MAC address '%s'", text);
}

/* IPv4:PORT or [IPv6]:PORT (the brackets keep the port apart from the address). */
static void parse_endpoint(const char *text, int *family, union ip_addr *addr, uint16_t *port)
{
	char buf[64];
	char *colon, *host = buf;
	long p;

	snprintf(buf, sizeof(buf), "%s", text);
	colon = strrchr(buf, ':');
	if (!colon)
		die("'%s' is not IP:PORT or [IPv6]:PORT", text);
	*colon = 0;
	p = strtol(colon + 1, NULL, 10);
	*family = AF_INET;
	if (buf[0] == '[' && colon > buf + 1 && colon[-1] == ']') {
		colon[-1] = 0;
		host = buf + 1;
		*family = AF_INET6;
	}
	if (inet_pton(*family, host, addr) != 1 || p <= 0 || p > 65535)
		die("'%s' is not IP:PORT or [IPv6]:PORT", text);
	*port = (uint16_t)p;
}

static void enter_netns(const char *ns)
{
	char path[256];
	int fd;

	snprintf(path, sizeof(path), "/run/netns/%s", ns);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0 || setns(fd, CLONE_NEWNET))
		die("cannot enter network namespace %s: %s", ns, strerror(errno));
	close(fd);
}

/* A packet socket on the side's device, in the side's namespace. */
static void open_side(struct side *s)
{
	struct sockaddr_ll sll = { .sll_family = AF_PACKET };
	struct ifreq ifr = { 0 };
	int one = 1, sndbuf = 4 << 20;

	enter_netns(s->ns);
	s->fd = socket(AF_PACKET, SOCK_RAW | SOCK_CLOEXEC, 0);
	if (s->fd < 0)
		die("AF_PACKET socket: %s", strerror(errno));
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", s->dev);
	if (ioctl(s->fd, SIOCGIFINDEX, &ifr))
		die("%s in %s: %s", s->dev, s->ns, strerror(errno));
	sll.sll_ifindex = ifr.ifr_ifindex;
	if (ioctl(s->fd, SIOCGIFHWADDR, &ifr))
		die("MAC of %s: %s", s->dev, strerror(errno));
	memcpy(s->smac, ifr.ifr_hwaddr.sa_data, 6);
	if (bind(s->fd, (struct sockaddr *)&sll, sizeof(sll)))
		die("bind to %s: %s", s->dev, strerror(errno));
	/* No qdisc: veth has none anyway, and this keeps it out if one is added. */
	setsockopt(s->fd, SOL_PACKET, PACKET_QDISC_BYPASS, &one, sizeof(one));
	setsockopt(s->fd, SOL_SOCKET, SO_SNDBUFFORCE, &sndbuf, sizeof(sndbuf));
}

/* FAMILY_A, FAMILY_B: of the sides' sources; a destination of the other family is an error. */
static struct dest *read_sessions(const char *path, size_t first, int family_a,
				  int family_b, size_t *count)
{
	FILE *f = fopen(path, "r");
	char a[64], b[64];
	unsigned int pa, pb;
	size_t n = 0, cap = 1024;
	struct dest *d = malloc(cap * 2 * sizeof(*d));

	if (!f)
		die("%s: %s", path, strerror(errno));
	while (d && fscanf(f, "%63s %u %63s %u", a, &pa, b, &pb) == 4) {
		if (first && n == first)
			break;
		if (n == cap) {
			cap *= 2;
			d = realloc(d, cap * 2 * sizeof(*d));
			if (!d)
				break;
		}
		if (inet_pton(family_a, a, &d[2 * n].addr) != 1 ||
		    inet_pton(family_b, b, &d[2 * n + 1].addr) != 1 ||
		    !pa || pa > 65535 || !pb || pb > 65535)
			die("%s: bad line %zu (or an address of the other family than the sender's)",
			    path, n + 1);
		d[2 * n].port = (uint16_t)pa;
		d[2 * n + 1].port = (uint16_t)pb;
		n++;
	}
	if (!d)
		die("out of memory");
	fclose(f);
	if (!n)
		die("%s: no sessions", path);
	if (first && n < first)
		die("%s: %zu sessions, %zu wanted", path, n, first);
	*count = n;
	return d;
}

static struct stream_state *load_state(const char *path, size_t streams)
{
	struct stream_state *st = calloc(streams, sizeof(*st));
	struct state_header h;
	FILE *f;
	size_t i, have;

	if (!st)
		die("out of memory");
	for (i = 0; i < streams; i++) {
		/* Arbitrary but fixed starting points, different per stream. */
		st[i].seq = (uint16_t)(i * 7919u + 1);
		st[i].ts = (uint32_t)(i * 2654435761u);
	}
	if (!path || !(f = fopen(path, "r")))
		return st;
	if (fread(&h, sizeof(h), 1, f) == 1 && h.magic == STATE_MAGIC) {
		have = h.streams < streams ? h.streams : streams;
		if (fread(st, sizeof(*st), have, f) != have)
			die("%s: short state file", path);
	}
	fclose(f);
	return st;
}

static void save_state(const char *path, const struct stream_state *st,
		       size_t streams)
{
	struct state_header h = { .magic = STATE_MAGIC, .streams = (uint32_t)streams };
	char tmp[4096];
	FILE *f;

	if (!path)
		return;
	snprintf(tmp, sizeof(tmp), "%s.tmp", path);
	f = fopen(tmp, "w");
	if (!f || fwrite(&h, sizeof(h), 1, f) != 1 ||
	    fwrite(st, sizeof(*st), streams, f) != streams || fclose(f) ||
	    rename(tmp, path))
		die("%s: cannot write state", path);
}

static uint32_t stream_ssrc(size_t stream)
{
	/* Constant per stream, spread over the 32-bit space. */
	return (uint32_t)(stream * 2246822519u) ^ 0x5a17c0deu;
}

/* The IPv4 header after ETH; returns the UDP checksum's sum over the pseudo header's addresses. */
static uint32_t build_ip4(struct side *s, struct ether_header *eth, const struct dest *to)
{
	struct iphdr *ip = (struct iphdr *)(eth + 1);

	eth->ether_type = htons(ETHERTYPE_IP);
	ip->version = 4;
	ip->ihl = 5;
	ip->tos = 0;
	ip->tot_len = htons(sizeof(*ip) + UDP_LEN);
	ip->id = htons(s->ip_id++);
	ip->frag_off = htons(IP_DF);
	ip->ttl = 64;
	ip->protocol = IPPROTO_UDP;
	ip->check = 0;
	ip->saddr = s->saddr.v4.s_addr;
	ip->daddr = to->addr.v4.s_addr;
	ip->check = htons(csum_fold32(csum_add(0, ip, sizeof(*ip))));
	return csum_add(0, &ip->saddr, 8);
}

/*
 * The IPv6 header, as build_ip4: no extension header, traffic class and flow
 * label 0 (as IPv4's TOS), hop limit 64 (as IPv4's TTL). IPv6 has no header
 * checksum; the UDP checksum, optional in IPv4, is mandatory here (RFC 8200).
 */
static uint32_t build_ip6(struct side *s, struct ether_header *eth, const struct dest *to)
{
	struct ip6_hdr *ip6 = (struct ip6_hdr *)(eth + 1);

	eth->ether_type = htons(ETHERTYPE_IPV6);
	ip6->ip6_flow = htonl(6u << 28);	/* version 6 */
	ip6->ip6_plen = htons(UDP_LEN);
	ip6->ip6_nxt = IPPROTO_UDP;
	ip6->ip6_hlim = 64;
	/* memcpy: at offset 14 of the frame the addresses are not aligned. */
	memcpy(&ip6->ip6_src, &s->saddr.v6, sizeof(ip6->ip6_src));
	memcpy(&ip6->ip6_dst, &to->addr.v6, sizeof(ip6->ip6_dst));
	return csum_add(0, &ip6->ip6_src, 32);
}

static size_t ip_hdr_len(int family)
{
	return family == AF_INET6 ? sizeof(struct ip6_hdr) : sizeof(struct iphdr);
}

static size_t frame_len(int family)
{
	return sizeof(struct ether_header) + ip_hdr_len(family) + UDP_LEN;
}

static void build_frame(struct side *s, uint8_t *frame, const struct dest *to,
			size_t stream, struct stream_state *st)
{
	struct ether_header *eth = (struct ether_header *)frame;
	struct udphdr *udp = (struct udphdr *)(frame + sizeof(*eth) + ip_hdr_len(s->family));
	uint8_t *rtp = (uint8_t *)(udp + 1);
	uint16_t udp_len = UDP_LEN;
	uint32_t ssrc = stream_ssrc(stream), sum;

	memcpy(eth->ether_dhost, s->dmac, 6);
	memcpy(eth->ether_shost, s->smac, 6);
	/* The pseudo header's addresses, summed as the IP header is written. */
	sum = s->family == AF_INET6 ? build_ip6(s, eth, to) : build_ip4(s, eth, to);

	rtp[0] = 0x80;	/* version 2, no padding, extension or CSRC */
	rtp[1] = (st->started ? 0 : 0x80) | RTP_PT_PCMU;	/* marker on a talkspurt's first packet */
	rtp[2] = st->seq >> 8;
	rtp[3] = st->seq & 0xff;
	rtp[4] = st->ts >> 24;
	rtp[5] = (st->ts >> 16) & 0xff;
	rtp[6] = (st->ts >> 8) & 0xff;
	rtp[7] = st->ts & 0xff;
	rtp[8] = ssrc >> 24;
	rtp[9] = (ssrc >> 16) & 0xff;
	rtp[10] = (ssrc >> 8) & 0xff;
	rtp[11] = ssrc & 0xff;
	/* The payload (mu-law silence, 0xff) was filled once. */
	st->started = 1;
	st->seq++;
	st->ts += RTP_PAYLOAD_LEN;

	udp->source = htons(s->sport);
	udp->dest = htons(to->port);
	udp->len = htons(udp_len);
	udp->check = 0;
	/*
	 * The rest of the pseudo header, the same in both families for a
	 * datagram below 64 kB (IPv6 widens length and next header to 32 bits,
	 * which adds only zeros), then the datagram.
	 */
	sum += IPPROTO_UDP + udp_len;
	sum = csum_add(sum, udp, udp_len);
	udp->check = htons(csum_fold32(sum));
	if (!udp->check)
		udp->check = 0xffff;	/* 0 would mean "no checksum" (IPv6: invalid) */
}

/*
 * A frame the proxy's input queue refuses (veth finds the receiving CPU's
 * backlog full: ENOBUFS) is lost there, as on a real network: it is counted
 * as refused and not sent again. Retrying would turn overload into
 * backpressure on the generator and hide the loss.
 */
static void flush_side(struct side *s)
{
	unsigned int done = 0;
	int n;

	while (done < s->queued) {
		n = sendmmsg(s->fd, s->msgs + done, s->queued - done, 0);
		if (n < 0) {
			if (errno != ENOBUFS)
				die("sendmmsg on %s: %s", s->dev, strerror(errno));
			s->refused++;
			n = 1;
		}
		done += (unsigned int)n;
	}
	s->sent += s->queued;
	s->queued = 0;
}

/*
 * --calibrate N: builds N frames without sending them and makes N / 10 system
 * calls, and prints the time of each. Run on the host and in the VM, the
 * ratios are the emulation's slowdown for plain code and for entering the
 * kernel: a rough way to read absolute figures of the VM.
 */
static int calibrate(unsigned long n)
{
	static struct side s = { .ns = "", .dev = "", .family = AF_INET };
	struct dest to = { .addr.v4.s_addr = htonl(0x0a000001), .port = 10000 };
	struct stream_state st = { 0 };
	uint64_t t0, t1;
	unsigned long i;

	s.frame_len = frame_len(s.family);
	memset(s.frames[0] + s.frame_len - RTP_PAYLOAD_LEN, 0xff, RTP_PAYLOAD_LEN);
	t0 = now_ns();
	for (i = 0; i < n; i++)
		build_frame(&s, s.frames[i % MAX_BATCH], &to, 0, &st);
	t1 = now_ns();
	printf("calibrate_ns_per_frame=%.1f", (double)(t1 - t0) / (double)n);
	/* And a system call, for code that enters the kernel. */
	t0 = now_ns();
	for (i = 0; i < n / 10; i++)
		syscall(SYS_getppid);
	t1 = now_ns();
	printf(" calibrate_ns_per_syscall=%.1f\n", (double)(t1 - t0) / (double)(n / 10));
	return 0;
}

static void usage(void)
{
	fprintf(stderr,
		"usage: rtpgen --ns-a NS --dev-a DEV --src-a ENDPOINT --mac-a MAC\n"
		"              --ns-b NS --dev-b DEV --src-b ENDPOINT --mac-b MAC\n"
		"              --sessions FILE [--first N] --rate PPS\n"
		"              (--seconds S | --packets N) [--state FILE]\n"
		"              [--proxy-cpu CPU] [--drain-ms MS] [--batch N] [--mark ID]\n"
		"              [--burst-ms MS]\n"
		"       rtpgen --calibrate N\n"
		"--mac-X is the next hop of side X (the proxy's port); ENDPOINT is\n"
		"IPv4:PORT or [IPv6]:PORT, and side X's sessions file addresses are of\n"
		"its family; PPS counts both directions together.\n");
	exit(2);
}

int main(int argc, char **argv)
{
	static struct side sides[2];
	static const struct option opts[] = {
		{ "ns-a", required_argument, NULL, 'n' },
		{ "dev-a", required_argument, NULL, 'd' },
		{ "src-a", required_argument, NULL, 's' },
		{ "mac-a", required_argument, NULL, 'm' },
		{ "ns-b", required_argument, NULL, 'N' },
		{ "dev-b", required_argument, NULL, 'D' },
		{ "src-b", required_argument, NULL, 'S' },
		{ "mac-b", required_argument, NULL, 'M' },
		{ "sessions", required_argument, NULL, 'f' },
		{ "first", required_argument, NULL, 'F' },
		{ "rate", required_argument, NULL, 'r' },
		{ "seconds", required_argument, NULL, 't' },
		{ "packets", required_argument, NULL, 'p' },
		{ "state", required_argument, NULL, 'x' },
		{ "proxy-cpu", required_argument, NULL, 'c' },
		{ "drain-ms", required_argument, NULL, 'w' },
		{ "batch", required_argument, NULL, 'b' },
		{ "mark", required_argument, NULL, 'k' },
		{ "burst-ms", required_argument, NULL, 'B' },
		{ "calibrate", required_argument, NULL, 'C' },
		{ 0 },
	};
	const char *sessions_path = NULL, *state_path = NULL, *mark_id = NULL;
	double rate = 0, seconds = 0;
	uint64_t total = 0, sent = 0, due, start, origin, end, closed = 0, idle0 = 0, idle1 = 0, next;
	uint64_t lag, max_lag = 0, skipped = 0, burst_max;
	unsigned long first = 0, batch = 32, drain_ms = 300, burst_ms = 5;
	int proxy_cpu = -1, c, i;
	struct stream_state *state;
	struct dest *dests;
	size_t nsess, k;

	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		/* Upper-case short codes are side B's options. */
		struct side *s = &sides[c == 'N' || c == 'D' || c == 'S' || c == 'M'];

		switch (c) {
		case 'n': case 'N': s->ns = optarg; break;
		case 'd': case 'D': s->dev = optarg; break;
		case 's': case 'S': s->src = optarg; break;
		case 'm': case 'M': parse_mac(optarg, s->dmac); s->have_dmac = true; break;
		case 'f': sessions_path = optarg; break;
		case 'F': first = strtoul(optarg, NULL, 10); break;
		case 'r': rate = strtod(optarg, NULL); break;
		case 't': seconds = strtod(optarg, NULL); break;
		case 'p': total = strtoull(optarg, NULL, 10); break;
		case 'x': state_path = optarg; break;
		case 'c': proxy_cpu = atoi(optarg); break;
		case 'w': drain_ms = strtoul(optarg, NULL, 10); break;
		case 'b': batch = strtoul(optarg, NULL, 10); break;
		case 'k': mark_id = optarg; break;
		case 'B': burst_ms = strtoul(optarg, NULL, 10); break;
		case 'C': return calibrate(strtoul(optarg, NULL, 10));
		default: usage();
		}
	}
	if (optind != argc || !sessions_path || rate < 0 || (!total && seconds <= 0 && rate > 0) ||
	    !batch || batch > MAX_BATCH)
		usage();
	for (i = 0; i < 2; i++) {
		if (!sides[i].ns || !sides[i].dev || !sides[i].src || !sides[i].have_dmac)
			usage();
		parse_endpoint(sides[i].src, &sides[i].family, &sides[i].saddr, &sides[i].sport);
		sides[i].frame_len = frame_len(sides[i].family);
	}
	/* --rate 0 --seconds S: an idle window, the proxy CPU's background. */
	if (!total)
		total = (uint64_t)(rate * seconds + 0.5);
	if (total && rate <= 0)
		die("--rate must be positive to send packets");

	/* At least one batch per side, else a few ms of packets at once at most. */
	burst_max = (uint64_t)(rate * burst_ms / 1000.0);
	if (burst_max < 2 * batch)
		burst_max = 2 * batch;
	dests = read_sessions(sessions_path, first, sides[0].family, sides[1].family, &nsess);
	state = load_state(state_path, nsess * 2);
	for (i = 0; i < 2; i++) {
		struct side *s = &sides[i];

		open_side(s);
		for (k = 0; k < MAX_BATCH; k++) {
			memset(s->frames[k] + s->frame_len - RTP_PAYLOAD_LEN, 0xff, RTP_PAYLOAD_LEN);
			s->iov[k].iov_base = s->frames[k];
			s->iov[k].iov_len = s->frame_len;
			s->msgs[k].msg_hdr.msg_iov = &s->iov[k];
			s->msgs[k].msg_hdr.msg_iovlen = 1;
		}
	}

	if (mark_id) {
		/* Marks are read late: idle time on both sides of the traffic absorbs it. */
		console_mark(mark_id, "start");
		sleep_until(now_ns() + 200000000u);
	}
	start = now_ns();
	origin = start;	/* of the schedule: packet k is due at origin + k / rate */
	if (proxy_cpu >= 0)
		idle0 = cpu_idle_ns(proxy_cpu);
	while (sent < total) {
		uint64_t t = now_ns();

		due = (uint64_t)((double)(t - origin) * rate / 1e9);
		if (due > total)
			due = total;
		if (due <= sent) {
			/* The next packet's time; rates below a packet per ms sleep between packets. */
			next = origin + (uint64_t)((double)(sent + 1) * 1e9 / rate);
			sleep_until(next);
			continue;
		}
		lag = due - sent;
		if (lag > max_lag)
			max_lag = lag;
		if (lag > burst_max) {
			/*
			 * The generator was not scheduled for a while (its CPU is a
			 * host thread): packets that would now leave in one burst are
			 * skipped, so that the proxy sees a paced stream, and counted.
			 */
			skipped += lag - burst_max;
			origin += (uint64_t)((double)(lag - burst_max) * 1e9 / rate);
			/* A timed run keeps its length: what was skipped is not sent later. */
			if (seconds > 0)
				total -= lag - burst_max;
			lag = burst_max;
		}
		if (lag > 2 * batch)
			lag = 2 * batch;
		for (k = 0; k < lag; k++, sent++) {
			size_t sess = (size_t)((sent >> 1) % nsess);
			unsigned int side = sent & 1;
			struct side *s = &sides[side];

			build_frame(s, s->frames[s->queued], &dests[2 * sess + side],
				    2 * sess + side, &state[2 * sess + side]);
			s->queued++;
		}
		flush_side(&sides[0]);
		flush_side(&sides[1]);
	}
	if (!total)
		sleep_until(start + (uint64_t)(seconds * 1e9));
	end = now_ns();
	if (proxy_cpu >= 0) {
		/* Let queued packets through before the window closes. */
		sleep_until(end + drain_ms * 1000000u);
		idle1 = cpu_idle_ns(proxy_cpu);
		closed = now_ns();
	}
	console_mark(mark_id, "end");
	save_state(state_path, state, nsess * 2);

	printf("sent=%llu sent_a=%llu sent_b=%llu refused=%llu skipped=%llu sessions=%zu "
	       "send_secs=%.6f rate=%.1f max_lag_pkts=%llu",
	       (unsigned long long)sent, (unsigned long long)sides[0].sent,
	       (unsigned long long)sides[1].sent,
	       (unsigned long long)(sides[0].refused + sides[1].refused),
	       (unsigned long long)skipped, nsess, (end - start) / 1e9,
	       end > start ? sent / ((end - start) / 1e9) : 0.0,
	       (unsigned long long)max_lag);
	if (proxy_cpu >= 0)
		printf(" window_ns=%llu idle_ns=%llu",
		       (unsigned long long)(closed - start),
		       (unsigned long long)(idle1 - idle0));
	printf("\n");
	return 0;
}

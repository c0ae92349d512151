// SPDX-License-Identifier: GPL-2.0
/*
 * rtppctl: talks to iptrtpproxyd's control sockets as a SIP proxy does, for the VM tests.
 *
 *   rtppctl udp ADDR:PORT TEXT...   each TEXT one datagram (as given: the cookie is the
 *                                   caller's); prints each reply on a line of its own
 *   rtppctl unix PATH TEXT...       each TEXT on a connection of its own, written at once
 *                                   without a newline and answered by one read (Kamailio's
 *                                   unix: way); prints each reply
 *   rtppctl listen PATH [SECONDS]   a unix stream listener: prints what each connection
 *                                   sends (timeout notifications) until SECONDS (10) pass
 *                                   without one, or SIGTERM
 *   rtppctl flood PATH COUNT PID    a flood on one connection, as a proxy that writes lines
 *                                   (OpenSIPS's way) faster than it reads: first writes
 *                                   without reading until the socket takes no more for 1 s,
 *                                   then writes the rest while reading every reply. The
 *                                   commands alternate V and Ib (whose reply, several lines,
 *                                   is many times the command's size), so a lost, cut or
 *                                   reordered reply shows. Prints "blocked-after=N
 *                                   rss-kb-blocked=K rss-kb-max=M replies=R in-order=0|1"
 *                                   (the daemon PID's resident memory); exit 1 if not every
 *                                   reply came in order within 60 s
 *
 * A reply's trailing newline is not printed twice. Exit status 0, 1 when a reply did not come
 * within 3 s (or a socket failed), 2 on bad usage. C and static for the reason udpt is.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

static char buf[65536];

static int usage(void)
{
	fprintf(stderr, "usage: rtppctl udp ADDR:PORT TEXT... | unix PATH TEXT... | "
			"listen PATH [SECONDS] | flood PATH COUNT PID\n");
	return 2;
}

static void print_reply(const char *data, ssize_t n)
{
	fwrite(data, 1, n, stdout);
	if (n == 0 || data[n - 1] != '\n')
		putchar('\n');
	fflush(stdout);
}

static int wait_readable(int fd, int ms)
{
	struct pollfd p = { .fd = fd, .events = POLLIN };

	return poll(&p, 1, ms) == 1;
}

static int do_udp(const char *where, int n, char **texts)
{
	char host[256];
	const char *colon = strrchr(where, ':');
	struct sockaddr_storage ss = { 0 };
	struct sockaddr_in *sin = (struct sockaddr_in *)&ss;
	struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *)&ss;
	socklen_t len;
	int fd, i;

	if (!colon || colon - where >= (long)sizeof(host))
		return usage();
	memcpy(host, where, colon - where);
	host[colon - where] = 0;
	if (host[0] == '[') {
		memmove(host, host + 1, strlen(host));
		host[strlen(host) - 1] = 0;
	}
	/* Numeric only: a static program has no resolver. */
	if (inet_pton(AF_INET, host, &sin->sin_addr) == 1) {
		sin->sin_family = AF_INET;
		sin->sin_port = htons(atoi(colon + 1));
		len = sizeof(*sin);
	} else if (inet_pton(AF_INET6, host, &sin6->sin6_addr) == 1) {
		sin6->sin6_family = AF_INET6;
		sin6->sin6_port = htons(atoi(colon + 1));
		len = sizeof(*sin6);
	} else {
		fprintf(stderr, "rtppctl: not a numeric address: %s\n", where);
		return 2;
	}
	fd = socket(ss.ss_family, SOCK_DGRAM, 0);
	if (fd < 0 || connect(fd, (struct sockaddr *)&ss, len) < 0) {
		perror("rtppctl: udp");
		return 1;
	}
	for (i = 0; i < n; i++) {
		ssize_t got;

		if (send(fd, texts[i], strlen(texts[i]), 0) < 0) {
			perror("rtppctl: send");
			return 1;
		}
		if (!wait_readable(fd, 3000)) {
			fprintf(stderr, "rtppctl: no reply to '%s'\n", texts[i]);
			return 1;
		}
		got = recv(fd, buf, sizeof(buf), 0);
		if (got < 0) {
			perror("rtppctl: recv");
			return 1;
		}
		print_reply(buf, got);
	}
	return 0;
}

static int unix_address(const char *path, struct sockaddr_un *sun)
{
	memset(sun, 0, sizeof(*sun));
	sun->sun_family = AF_UNIX;
	if (strlen(path) >= sizeof(sun->sun_path))
		return -1;
	strcpy(sun->sun_path, path);
	return 0;
}

static int do_unix(const char *path, int n, char **texts)
{
	struct sockaddr_un sun;
	int i;

	if (unix_address(path, &sun) < 0)
		return usage();
	for (i = 0; i < n; i++) {
		int fd = socket(AF_UNIX, SOCK_STREAM, 0);
		ssize_t got;

		if (fd < 0 || connect(fd, (struct sockaddr *)&sun, sizeof(sun)) < 0) {
			perror("rtppctl: unix");
			return 1;
		}
		if (write(fd, texts[i], strlen(texts[i])) < 0) {
			perror("rtppctl: write");
			return 1;
		}
		if (!wait_readable(fd, 3000)) {
			fprintf(stderr, "rtppctl: no reply to '%s'\n", texts[i]);
			return 1;
		}
		got = read(fd, buf, sizeof(buf));
		close(fd);
		if (got < 0) {
			perror("rtppctl: read");
			return 1;
		}
		print_reply(buf, got);
	}
	return 0;
}

static long rss_kb(const char *pid)
{
	char path[64], line[256];
	long kb = -1;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%s/status", pid);
	f = fopen(path, "r");
	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "VmRSS: %ld", &kb) == 1)
			break;
	fclose(f);
	return kb;
}

static const char *const flood_lines[2] = { "V\n", "Ib\n" };
static char flood_replies[2][512] = { "20040107\n", "" };

/* Checks the replies in data[0..n) against the pattern from reply number *got on. */
static int flood_check(const char *data, size_t n, long *got, size_t *partial)
{
	size_t pos = 0;

	while (pos < n) {
		const char *want = flood_replies[*got % 2];
		size_t len = strlen(want);

		while (*partial < len && pos < n) {
			if (data[pos++] != want[*partial])
				return 0;
			(*partial)++;
		}
		if (*partial == len) {
			*partial = 0;
			(*got)++;
		}
	}
	return 1;
}

/* The reply to Ib (the brief counters, several lines) as it is now: the flood's long one. */
static int flood_learn(const struct sockaddr_un *sun)
{
	int fd = socket(AF_UNIX, SOCK_STREAM, 0);
	ssize_t got;

	if (fd < 0 || connect(fd, (const struct sockaddr *)sun, sizeof(*sun)) < 0 ||
	    write(fd, "Ib", 2) != 2 || !wait_readable(fd, 3000)) {
		perror("rtppctl: flood: Ib");
		return -1;
	}
	got = read(fd, flood_replies[1], sizeof(flood_replies[1]) - 1);
	close(fd);
	if (got <= 0 || flood_replies[1][got - 1] != '\n') {
		fprintf(stderr, "rtppctl: flood: no reply to Ib\n");
		return -1;
	}
	flood_replies[1][got] = 0;
	return 0;
}

/* Writes what the socket takes of the next line (*offset bytes of it went already). */
static ssize_t flood_write(int fd, long *sent, size_t *offset)
{
	const char *line = flood_lines[*sent % 2];
	ssize_t n = write(fd, line + *offset, strlen(line) - *offset);

	if (n > 0) {
		*offset += n;
		if (*offset == strlen(line)) {
			*offset = 0;
			(*sent)++;
		}
	}
	return n;
}

static int do_flood(const char *path, long count, const char *pid)
{
	struct sockaddr_un sun;
	long sent = 0, got = 0, blocked_after, rss_blocked, rss_max;
	size_t partial = 0, offset = 0;
	int fd, in_order = 1, idle_ms = 0;

	if (unix_address(path, &sun) < 0 || count < 2)
		return usage();
	if (flood_learn(&sun) < 0)
		return 1;
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK, 0);
	if (fd < 0 || connect(fd, (struct sockaddr *)&sun, sizeof(sun)) < 0) {
		perror("rtppctl: unix");
		return 1;
	}
	/* Writes, not reads, until the socket has taken nothing for 1 s. */
	while (sent < count && idle_ms < 1000) {
		ssize_t n = flood_write(fd, &sent, &offset);

		if (n < 0 && errno != EAGAIN) {
			perror("rtppctl: write");
			return 1;
		}
		if (n < 0) {
			poll(NULL, 0, 10);
			idle_ms += 10;
			continue;
		}
		idle_ms = 0;
	}
	blocked_after = sent;
	rss_blocked = rss_max = rss_kb(pid);
	/* The rest, reading as it goes. */
	while (got < count && in_order) {
		struct pollfd p = { .fd = fd, .events = POLLIN | (sent < count ? POLLOUT : 0) };
		long rss;

		if (poll(&p, 1, 60000) != 1)
			break;
		if (p.revents & POLLIN) {
			ssize_t n = read(fd, buf, sizeof(buf));

			if (n <= 0)
				break;
			in_order = flood_check(buf, n, &got, &partial);
		}
		if ((p.revents & POLLOUT) && sent < count)
			flood_write(fd, &sent, &offset);
		if (got % 1000 == 0 && (rss = rss_kb(pid)) > rss_max)
			rss_max = rss;
	}
	close(fd);
	printf("blocked-after=%ld rss-kb-blocked=%ld rss-kb-max=%ld replies=%ld in-order=%d\n",
	       blocked_after, rss_blocked, rss_max, got, in_order);
	return got == count && in_order ? 0 : 1;
}

static int do_listen(const char *path, int seconds)
{
	struct sockaddr_un sun;
	int fd;

	if (unix_address(path, &sun) < 0)
		return usage();
	unlink(path);
	fd = socket(AF_UNIX, SOCK_STREAM, 0);
	if (fd < 0 || bind(fd, (struct sockaddr *)&sun, sizeof(sun)) < 0 || listen(fd, 16) < 0) {
		perror("rtppctl: listen");
		return 1;
	}
	/* Ready: a test waits for the socket file, which exists from bind on. */
	while (wait_readable(fd, seconds * 1000)) {
		int c = accept(fd, NULL, NULL);
		ssize_t got;

		if (c < 0)
			continue;
		while (wait_readable(c, 1000) && (got = read(c, buf, sizeof(buf))) > 0)
			print_reply(buf, got);
		close(c);
	}
	return 0;
}

int main(int argc, char **argv)
{
	if (argc >= 4 && !strcmp(argv[1], "udp"))
		return do_udp(argv[2], argc - 3, argv + 3);
	if (argc >= 4 && !strcmp(argv[1], "unix"))
		return do_unix(argv[2], argc - 3, argv + 3);
	if (argc == 5 && !strcmp(argv[1], "flood"))
		return do_flood(argv[2], atol(argv[3]), argv[4]);
	if ((argc == 3 || argc == 4) && !strcmp(argv[1], "listen"))
		return do_listen(argv[2], argc == 4 ? atoi(argv[3]) : 10);
	return usage();
}

// SPDX-License-Identifier: GPL-2.0
/* Loads libxt_RTPPROXY.so through libxtables and checks that save output parses back to the same rule. */
#define _GNU_SOURCE
#include <getopt.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <xtables.h>
#include <linux/netfilter/xt_RTPPROXY.h>

#include "rtpproxy_opts.h"

/*
 * What iptables does between the command line and the kernel, without a
 * kernel: find the extension, feed it each option, run its final check,
 * then ask it for its iptables-save and iptables -L text. Needs
 * XTABLES_LIBDIR to point at the directory holding the fresh .so.
 */

struct roundtrip_case {
	uint8_t family;
	const char *args;	/* options after -j RTPPROXY */
	const char *save;	/* expected save output */
	const char *print;	/* expected print output */
	__u32 bridge;		/* expected XT_RTPPROXY_F_A4_B6 or _A6_B4 */
};

/*
 * A bridge is one rule in iptables and in ip6tables: both tables must make
 * the same struct of it. The save text names every field, the flags aside,
 * so equal save text and equal flags in both tables mean equal structs.
 */
#define A4_B6_ARGS	"--addr-a 192.0.2.1 --addr-b 2001:db8::1 --port-a 50000 --max-sess 100"
#define A4_B6_SAVE	" --addr-a 192.0.2.1 --port-a 50000 --addr-b 2001:db8::1 --port-b 50000 --max-sess 100 --expires-timeout 60 --resurrection-timeout 30"
#define A4_B6_PRINT	" RTPPROXY addr-a 192.0.2.1 port-a 50000 addr-b 2001:db8::1 port-b 50000 max-sess 100 expires-timeout 60 resurrection-timeout 30"
#define A6_B4_ARGS	"--max-sess 10 --addr-b 10.0.0.1 --port-a 40000 --addr-a 2001:DB8:0::1 --dscp 46"
#define A6_B4_SAVE	" --addr-a 2001:db8::1 --port-a 40000 --addr-b 10.0.0.1 --port-b 40000 --max-sess 10 --expires-timeout 60 --resurrection-timeout 30 --dscp 46"
#define A6_B4_PRINT	" RTPPROXY addr-a 2001:db8::1 port-a 40000 addr-b 10.0.0.1 port-b 40000 max-sess 10 expires-timeout 60 resurrection-timeout 30 dscp 46"
/* The same bytes (20 01 0d b8, then zeros), not the same address: no gate B after gate A. */
#define SAME_BYTES_ARGS	"--addr-a 32.1.13.184 --addr-b 2001:db8:: --port-a 50000 --max-sess 100"
#define SAME_BYTES_SAVE	" --addr-a 32.1.13.184 --port-a 50000 --addr-b 2001:db8:: --port-b 50000 --max-sess 100 --expires-timeout 60 --resurrection-timeout 30"
#define SAME_BYTES_PRINT \
	" RTPPROXY addr-a 32.1.13.184 port-a 50000 addr-b 2001:db8:: port-b 50000 max-sess 100 expires-timeout 60 resurrection-timeout 30"

static const struct roundtrip_case cases[] = {
	{ NFPROTO_IPV4, "--addr-a 10.0.0.1 --port-a 50000 --max-sess 100",
	  " --addr-a 10.0.0.1 --port-a 50000 --addr-b 10.0.0.1 --port-b 50200 --max-sess 100 --expires-timeout 60 --resurrection-timeout 30",
	  " RTPPROXY addr-a 10.0.0.1 port-a 50000 addr-b 10.0.0.1 port-b 50200 max-sess 100 expires-timeout 60 resurrection-timeout 30", 0 },
	{ NFPROTO_IPV4, "--max-sess 1 --addr-b 192.0.2.7 --port-a 65534 --addr-a 198.51.100.1 --resurrection-timeout 0",
	  " --addr-a 198.51.100.1 --port-a 65534 --addr-b 192.0.2.7 --port-b 65534 --max-sess 1 --expires-timeout 60 --resurrection-timeout 0",
	  " RTPPROXY addr-a 198.51.100.1 port-a 65534 addr-b 192.0.2.7 port-b 65534 max-sess 1 expires-timeout 60 resurrection-timeout 0", 0 },
	{ NFPROTO_IPV4, "--addr-a 10.0.0.1 --port-a 2 --port-b 2 --max-sess 32767 --addr-b 10.0.0.2 --expires-timeout 86400 --resurrection-timeout 86400",
	  " --addr-a 10.0.0.1 --port-a 2 --addr-b 10.0.0.2 --port-b 2 --max-sess 32767 --expires-timeout 86400 --resurrection-timeout 86400",
	  " RTPPROXY addr-a 10.0.0.1 port-a 2 addr-b 10.0.0.2 port-b 2 max-sess 32767 expires-timeout 86400 resurrection-timeout 86400", 0 },
	{ NFPROTO_IPV6, "--addr-a 2001:0db8:0:0:0:0:0:0001 --port-a 40000 --max-sess 10",
	  " --addr-a 2001:db8::1 --port-a 40000 --addr-b 2001:db8::1 --port-b 40020 --max-sess 10 --expires-timeout 60 --resurrection-timeout 30",
	  " RTPPROXY addr-a 2001:db8::1 port-a 40000 addr-b 2001:db8::1 port-b 40020 max-sess 10 expires-timeout 60 resurrection-timeout 30", 0 },
	{ NFPROTO_IPV6, "--addr-a fd00::1 --addr-b FD00:0:0:1::2 --port-a 50000 --max-sess 100 --expires-timeout 5",
	  " --addr-a fd00::1 --port-a 50000 --addr-b fd00:0:0:1::2 --port-b 50000 --max-sess 100 --expires-timeout 5 --resurrection-timeout 30",
	  " RTPPROXY addr-a fd00::1 port-a 50000 addr-b fd00:0:0:1::2 port-b 50000 max-sess 100 expires-timeout 5 resurrection-timeout 30", 0 },
	/* The relay defaults, saved after the rest when set; DSCP 0 is a DSCP. */
	{ NFPROTO_IPV4, "--addr-a 10.0.0.1 --port-a 50000 --max-sess 100 --dup-small 128 --dscp 46 --max-ttl 8",
	  " --addr-a 10.0.0.1 --port-a 50000 --addr-b 10.0.0.1 --port-b 50200 --max-sess 100 --expires-timeout 60 --resurrection-timeout 30 --dscp 46 --max-ttl 8 --dup-small 128",
	  " RTPPROXY addr-a 10.0.0.1 port-a 50000 addr-b 10.0.0.1 port-b 50200 max-sess 100 expires-timeout 60 resurrection-timeout 30 dscp 46 max-ttl 8 dup-small 128", 0 },
	{ NFPROTO_IPV6, "--addr-a fd00::1 --port-a 50000 --max-sess 10 --dscp 0 --max-ttl 0",
	  " --addr-a fd00::1 --port-a 50000 --addr-b fd00::1 --port-b 50020 --max-sess 10 --expires-timeout 60 --resurrection-timeout 30 --dscp 0",
	  " RTPPROXY addr-a fd00::1 port-a 50000 addr-b fd00::1 port-b 50020 max-sess 10 expires-timeout 60 resurrection-timeout 30 dscp 0", 0 },
	/* Bridges, whatever the table and the order of the options. */
	{ NFPROTO_IPV4, A4_B6_ARGS, A4_B6_SAVE, A4_B6_PRINT, XT_RTPPROXY_F_A4_B6 },
	{ NFPROTO_IPV6, A4_B6_ARGS, A4_B6_SAVE, A4_B6_PRINT, XT_RTPPROXY_F_A4_B6 },
	{ NFPROTO_IPV4, A6_B4_ARGS, A6_B4_SAVE, A6_B4_PRINT, XT_RTPPROXY_F_A6_B4 },
	{ NFPROTO_IPV6, A6_B4_ARGS, A6_B4_SAVE, A6_B4_PRINT, XT_RTPPROXY_F_A6_B4 },
	{ NFPROTO_IPV4, SAME_BYTES_ARGS, SAME_BYTES_SAVE, SAME_BYTES_PRINT, XT_RTPPROXY_F_A4_B6 },
	{ NFPROTO_IPV6, SAME_BYTES_ARGS, SAME_BYTES_SAVE, SAME_BYTES_PRINT, XT_RTPPROXY_F_A4_B6 },
};

/* Rules iptables must refuse, and what it must say. */
struct error_case {
	uint8_t family;
	const char *args;
	const char *error;
};

static const struct error_case error_cases[] = {
	/* Without --addr-b both gates are --addr-a's family: the other table's. */
	{ NFPROTO_IPV4, "--addr-a 2001:db8::1 --port-a 50000 --max-sess 10",
	  "RTPPROXY: --addr-a 2001:db8::1 is an IPv6 address: use ip6tables" },
	{ NFPROTO_IPV6, "--port-a 50000 --max-sess 10 --addr-a 192.0.2.1",
	  "RTPPROXY: --addr-a 192.0.2.1 is an IPv4 address: use iptables" },
	/* Two addresses of one family are no bridge: the table must be theirs. */
	{ NFPROTO_IPV4, "--addr-b 2001:db8::2 --addr-a 2001:db8::1 --port-a 50000 --max-sess 10",
	  "RTPPROXY: --addr-a 2001:db8::1 is an IPv6 address: use ip6tables" },
	{ NFPROTO_IPV6, "--addr-a 10.0.0.1 --addr-b 10.0.0.2 --port-a 50000 --max-sess 10",
	  "RTPPROXY: --addr-a 10.0.0.1 is an IPv4 address: use iptables" },
};

static const char *prog_name = "xt_roundtrip_test";

/* Set while an error case runs: iptables' error exit comes back here instead. */
static sigjmp_buf *error_jmp;
static char error_msg[512];

static void __attribute__((noreturn, format(printf, 2, 3)))
roundtrip_exit_err(enum xtables_exittype status, const char *msg, ...)
{
	va_list ap;

	va_start(ap, msg);
	if (error_jmp) {
		vsnprintf(error_msg, sizeof(error_msg), msg, ap);
		va_end(ap);
		siglongjmp(*error_jmp, 1);
	}
	fprintf(stderr, "%s: ", prog_name);
	vfprintf(stderr, msg, ap);
	fputc('\n', stderr);
	va_end(ap);
	exit(2);
}

/* No kernel to ask: every revision is taken as supported. */
static int roundtrip_compat_rev(const char *name, uint8_t rev, int opt)
{
	return 1;
}

static struct xtables_globals roundtrip_globals = {
	.program_name	 = "xt_roundtrip_test",
	.program_version = XTABLES_VERSION,
	.exit_err	 = roundtrip_exit_err,
	.compat_rev	 = roundtrip_compat_rev,
};

static void new_rule(struct xtables_target *target)
{
	size_t size = XT_ALIGN(sizeof(struct xt_entry_target)) + target->size;

	free(target->t);
	target->t = calloc(1, size);
	if (!target->t)
		roundtrip_exit_err(RESOURCE_PROBLEM, "out of memory");
	target->t->u.target_size = size;
	strcpy(target->t->u.user.name, target->name);
	target->t->u.user.revision = target->revision;
	target->tflags = 0;
}

/*
 * Feeds "--name value ..." to the extension as iptables' getopt loop would.
 * The copy is on the stack: an error case leaves by siglongjmp().
 */
static void parse_rule(struct xtables_target *target, const char *args)
{
	char copy[512], *save_ptr = NULL, *word;
	const struct xt_option_entry *entry;

	if (strlen(args) >= sizeof(copy))
		roundtrip_exit_err(PARAMETER_PROBLEM, "test bug: rule too long: %s", args);
	strcpy(copy, args);
	new_rule(target);
	for (word = strtok_r(copy, " ", &save_ptr); word;
	     word = strtok_r(NULL, " ", &save_ptr)) {
		if (strncmp(word, "--", 2) != 0)
			roundtrip_exit_err(PARAMETER_PROBLEM, "not an option: %s", word);
		for (entry = target->x6_options; entry->name; entry++)
			if (strcmp(entry->name, word + 2) == 0)
				break;
		if (!entry->name)
			roundtrip_exit_err(PARAMETER_PROBLEM, "unknown option %s", word);
		optarg = strtok_r(NULL, " ", &save_ptr);
		xtables_option_tpcall(entry->id + target->option_offset, NULL, false,
				      target, NULL);
	}
	xtables_option_tfcall(target);
}

/* Runs save or print with stdout caught in a string. */
static char *capture(struct xtables_target *target, bool save)
{
	FILE *real_stdout = stdout;
	char *text = NULL;
	size_t len = 0;

	fflush(stdout);
	stdout = open_memstream(&text, &len);
	if (!stdout)
		roundtrip_exit_err(RESOURCE_PROBLEM, "open_memstream failed");
	if (save)
		target->save(NULL, target->t);
	else
		target->print(NULL, target->t, 0);
	fclose(stdout);
	stdout = real_stdout;
	return text;
}

static int expect_str(const char *what, const char *args, const char *got,
		      const char *want)
{
	if (strcmp(got, want) == 0)
		return 0;
	fprintf(stderr, "%s: %s of \"%s\":\n  got  \"%s\"\n  want \"%s\"\n", prog_name,
		what, args, got, want);
	return 1;
}

static int run_case(struct xtables_target *target, const struct roundtrip_case *c)
{
	const struct xt_rtpproxy_tginfo *info;
	struct xt_entry_target *first;
	char *save, *print, *resave;
	int failures = 0;

	parse_rule(target, c->args);
	info = (const void *)target->t->data;
	if ((info->flags & (XT_RTPPROXY_F_A4_B6 | XT_RTPPROXY_F_A6_B4)) != c->bridge) {
		fprintf(stderr, "%s: \"%s\" has flags 0x%x, want bridge flags 0x%x\n",
			prog_name, c->args, info->flags, c->bridge);
		failures++;
	}
	save = capture(target, true);
	print = capture(target, false);
	failures += expect_str("save", c->args, save, c->save);
	failures += expect_str("print", c->args, print, c->print);

	/* What iptables-restore does with a line iptables-save wrote. */
	first = target->t;
	target->t = NULL;
	parse_rule(target, save);
	if (memcmp(first->data, target->t->data, target->userspacesize) != 0) {
		fprintf(stderr, "%s: \"%s\" parses to a different rule\n", prog_name, save);
		failures++;
	}
	resave = capture(target, true);
	failures += expect_str("re-save", save, resave, save);

	free(first);
	free(save);
	free(print);
	free(resave);
	return failures;
}

static int run_error_case(struct xtables_target *target, const struct error_case *c)
{
	sigjmp_buf jmp;

	if (sigsetjmp(jmp, 0) == 0) {
		error_jmp = &jmp;
		parse_rule(target, c->args);
		error_jmp = NULL;
		fprintf(stderr, "%s: \"%s\" was accepted, want \"%s\"\n", prog_name, c->args,
			c->error);
		return 1;
	}
	error_jmp = NULL;
	return expect_str("error", c->args, error_msg, c->error);
}

/*
 * The flags never come from an option, so no command line sets both; the
 * kernel refuses such a struct, and so must the check iptables shares.
 */
static int run_both_bridge_flags(struct xtables_target *target, uint8_t family)
{
	struct xt_rtpproxy_tginfo info;
	struct rtpproxy_err err;
	const char *msg;

	parse_rule(target, A4_B6_ARGS);
	memcpy(&info, target->t->data, sizeof(info));
	info.flags |= XT_RTPPROXY_F_A4_B6 | XT_RTPPROXY_F_A6_B4;
	msg = rtpproxy_opts_validate(&info, family, &err);
	return expect_str("validate with both bridge flags", A4_B6_ARGS, msg ? msg : "(accepted)",
			  "flags 0x6: a bridge is either IPv4 to IPv6 or IPv6 to IPv4");
}

/* libxtables serves one family per process: only its targets get registered. */
static int run_family(uint8_t family)
{
	struct xtables_target *target;
	int failures = 0;
	unsigned int i;

	if (xtables_init_all(&roundtrip_globals, family) < 0)
		roundtrip_exit_err(OTHER_PROBLEM, "xtables_init_all failed");
	target = xtables_find_target(XT_RTPPROXY_NAME, XTF_LOAD_MUST_SUCCEED);
	if (target->family != family || target->revision != XT_RTPPROXY_REVISION ||
	    target->size != XT_ALIGN(sizeof(struct xt_rtpproxy_tginfo)) ||
	    target->userspacesize != offsetof(struct xt_rtpproxy_tginfo, sb)) {
		fprintf(stderr, "%s: family %u: unexpected registration\n", prog_name, family);
		return 1;
	}
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		if (cases[i].family == family)
			failures += run_case(target, &cases[i]);
	for (i = 0; i < sizeof(error_cases) / sizeof(error_cases[0]); i++)
		if (error_cases[i].family == family)
			failures += run_error_case(target, &error_cases[i]);
	failures += run_both_bridge_flags(target, family);
	return failures;
}

int main(void)
{
	static const uint8_t families[] = { NFPROTO_IPV4, NFPROTO_IPV6 };
	int failed = 0, status;
	unsigned int i;
	pid_t pid;

	if (!getenv("XTABLES_LIBDIR"))
		fprintf(stderr, "%s: warning: XTABLES_LIBDIR is not set\n", prog_name);
	for (i = 0; i < sizeof(families); i++) {
		fflush(NULL);
		pid = fork();
		if (pid < 0) {
			perror("fork");
			return 1;
		}
		if (pid == 0)
			_exit(run_family(families[i]) ? 1 : 0);
		if (waitpid(pid, &status, 0) < 0 || !WIFEXITED(status) ||
		    WEXITSTATUS(status) != 0) {
			fprintf(stderr, "%s: family %u failed\n", prog_name, families[i]);
			failed = 1;
		}
	}
	if (!failed)
		printf("%s: all cases passed\n", prog_name);
	return failed;
}

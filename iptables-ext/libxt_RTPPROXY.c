// SPDX-License-Identifier: GPL-2.0
/* iptables/ip6tables extension for the RTPPROXY target: wires rtpproxy_opts into libxtables. */
#include <stddef.h>
#include <stdio.h>

#include <xtables.h>
#include <linux/netfilter/xt_RTPPROXY.h>

#include "rtpproxy_opts.h"

/*
 * Every argument is taken as a string and parsed by rtpproxy_opts, which
 * knows the table's family (XTTYPE_HOST would resolve names and take only
 * the table's family, where a bridge has one address of each) and is
 * unit-tested on its own.
 */
static const struct xt_option_entry rtpproxy_tg_opts[] = {
	{ .name = "addr-a", .id = RTPPROXY_OPT_ADDR_A, .type = XTTYPE_STRING },
	{ .name = "port-a", .id = RTPPROXY_OPT_PORT_A, .type = XTTYPE_STRING },
	{ .name = "addr-b", .id = RTPPROXY_OPT_ADDR_B, .type = XTTYPE_STRING },
	{ .name = "port-b", .id = RTPPROXY_OPT_PORT_B, .type = XTTYPE_STRING },
	{ .name = "max-sess", .id = RTPPROXY_OPT_MAX_SESS, .type = XTTYPE_STRING },
	{ .name = "expires-timeout", .id = RTPPROXY_OPT_EXPIRES_TIMEOUT,
	  .type = XTTYPE_STRING },
	{ .name = "resurrection-timeout", .id = RTPPROXY_OPT_RESURRECTION_TIMEOUT,
	  .type = XTTYPE_STRING },
	{ .name = "dscp", .id = RTPPROXY_OPT_DSCP, .type = XTTYPE_STRING },
	{ .name = "max-ttl", .id = RTPPROXY_OPT_MAX_TTL, .type = XTTYPE_STRING },
	{ .name = "dup-small", .id = RTPPROXY_OPT_DUP_SMALL, .type = XTTYPE_STRING },
	XTOPT_TABLEEND,
};

static void rtpproxy_tg_help(void)
{
	printf(
"RTPPROXY target options (relays RTP/RTCP between gate A and gate B):\n"
"  --addr-a ADDR               gate A's local address (required)\n"
"  --port-a PORT               gate A's lowest port, even (required)\n"
"  --addr-b ADDR               gate B's local address (default: --addr-a);\n"
"                              one IPv4 and one IPv6 address bridge the two\n"
"                              families (give the rule to iptables and ip6tables)\n"
"  --port-b PORT               gate B's lowest port, even (default: right after\n"
"                              gate A's if on the same address, else --port-a)\n"
"  --max-sess N                number of sessions, 1..%u (required)\n"
"  --expires-timeout SEC       idle time before expiry, 1..%u s (default %u)\n"
"  --resurrection-timeout SEC  slot kept after expiry, 0..%u s (default %u)\n"
"Defaults of new sessions (iptrtpproxy alloc and update may change them):\n"
"  --dscp N                    DSCP of relayed packets, 0..%u (default: the\n"
"                              sender's; the ECN bits are always the sender's)\n"
"  --max-ttl N                 cap on their TTL or hop limit, 1..255 (0: none)\n"
"  --dup-small BYTES           send datagrams with less UDP payload twice\n"
"                              (rtpproxy -2: 128; 0: none)\n",
	       XT_RTPPROXY_MAX_SESS, XT_RTPPROXY_MAX_TIMEOUT, XT_RTPPROXY_DEF_EXPIRES,
	       XT_RTPPROXY_MAX_TIMEOUT, XT_RTPPROXY_DEF_RESURRECTION, RTPPROXY_DSCP_MAX);
}

static void rtpproxy_tg_parse(struct xt_option_call *cb, uint8_t family)
{
	struct rtpproxy_err err;

	/* Rejects repeated and inverted options before we look at the value. */
	xtables_option_parse(cb);
	if (rtpproxy_opt_parse(cb->data, family, cb->entry->id, cb->arg, &err))
		xtables_error(PARAMETER_PROBLEM, "%s: %s", XT_RTPPROXY_NAME, err.msg);
}

static void rtpproxy_tg4_parse(struct xt_option_call *cb)
{
	rtpproxy_tg_parse(cb, NFPROTO_IPV4);
}

static void rtpproxy_tg6_parse(struct xt_option_call *cb)
{
	rtpproxy_tg_parse(cb, NFPROTO_IPV6);
}

static void rtpproxy_tg_check(struct xt_fcheck_call *cb, uint8_t family)
{
	struct rtpproxy_err err;

	if (rtpproxy_opts_finish(cb->data, family, cb->xflags, &err))
		xtables_error(PARAMETER_PROBLEM, "%s: %s", XT_RTPPROXY_NAME, err.msg);
}

static void rtpproxy_tg4_check(struct xt_fcheck_call *cb)
{
	rtpproxy_tg_check(cb, NFPROTO_IPV4);
}

static void rtpproxy_tg6_check(struct xt_fcheck_call *cb)
{
	rtpproxy_tg_check(cb, NFPROTO_IPV6);
}

/* Addresses are printed numerically even without -n: a gate is a local address. */
static void rtpproxy_tg_print(const struct xt_entry_target *target, uint8_t family)
{
	char buf[RTPPROXY_OPTS_STR_SIZE];

	rtpproxy_opts_print((const void *)target->data, family, buf, sizeof(buf));
	printf(" %s", buf);
}

static void rtpproxy_tg4_print(const void *ip, const struct xt_entry_target *target,
			       int numeric)
{
	rtpproxy_tg_print(target, NFPROTO_IPV4);
}

static void rtpproxy_tg6_print(const void *ip, const struct xt_entry_target *target,
			       int numeric)
{
	rtpproxy_tg_print(target, NFPROTO_IPV6);
}

static void rtpproxy_tg_save(const struct xt_entry_target *target, uint8_t family)
{
	char buf[RTPPROXY_OPTS_STR_SIZE];

	rtpproxy_opts_save((const void *)target->data, family, buf, sizeof(buf));
	printf(" %s", buf);
}

static void rtpproxy_tg4_save(const void *ip, const struct xt_entry_target *target)
{
	rtpproxy_tg_save(target, NFPROTO_IPV4);
}

static void rtpproxy_tg6_save(const void *ip, const struct xt_entry_target *target)
{
	rtpproxy_tg_save(target, NFPROTO_IPV6);
}

static struct xtables_target rtpproxy_tg_reg[] = {
	{
		.name		= XT_RTPPROXY_NAME,
		.version	= XTABLES_VERSION,
		.revision	= XT_RTPPROXY_REVISION,
		.family		= NFPROTO_IPV4,
		.size		= XT_ALIGN(sizeof(struct xt_rtpproxy_tginfo)),
		/* The kernel's switchboard pointer must not take part in rule comparison. */
		.userspacesize	= offsetof(struct xt_rtpproxy_tginfo, sb),
		.help		= rtpproxy_tg_help,
		.print		= rtpproxy_tg4_print,
		.save		= rtpproxy_tg4_save,
		.x6_parse	= rtpproxy_tg4_parse,
		.x6_fcheck	= rtpproxy_tg4_check,
		.x6_options	= rtpproxy_tg_opts,
	},
	{
		.name		= XT_RTPPROXY_NAME,
		.version	= XTABLES_VERSION,
		.revision	= XT_RTPPROXY_REVISION,
		.family		= NFPROTO_IPV6,
		.size		= XT_ALIGN(sizeof(struct xt_rtpproxy_tginfo)),
		.userspacesize	= offsetof(struct xt_rtpproxy_tginfo, sb),
		.help		= rtpproxy_tg_help,
		.print		= rtpproxy_tg6_print,
		.save		= rtpproxy_tg6_save,
		.x6_parse	= rtpproxy_tg6_parse,
		.x6_fcheck	= rtpproxy_tg6_check,
		.x6_options	= rtpproxy_tg_opts,
	},
};

/*
 * libxtables dlopen()s this file and expects it to register itself; _init()
 * would clash with the C runtime's outside the iptables tree.
 */
static void __attribute__((constructor)) rtpproxy_tg_register(void)
{
	xtables_register_targets(rtpproxy_tg_reg,
				 sizeof(rtpproxy_tg_reg) / sizeof(rtpproxy_tg_reg[0]));
}

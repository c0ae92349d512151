// SPDX-License-Identifier: GPL-2.0
/* RTPPROXY target options: parsing, defaults, validation and formatting without libxtables. */
#include <arpa/inet.h>
#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rtpproxy_opts.h"

#define PORT_MAX	65535U

/*
 * Scratch bits of info->flags between rtpproxy_opt_parse() and
 * rtpproxy_opts_finish(): the family each address was given in. Options
 * come in any order and --addr-b may be missing, so only finish can tell a
 * bridge from a rule for the other table; it replaces these bits with the
 * bridge's flags. Far above the kernel's flags, which they must never reach.
 */
#define PARSED_A6		(1U << 30)	/* --addr-a was IPv6 */
#define PARSED_B6		(1U << 31)	/* --addr-b was IPv6 */
#define F_BRIDGE		(XT_RTPPROXY_F_A4_B6 | XT_RTPPROXY_F_A6_B4)

const char *const rtpproxy_opt_names[RTPPROXY_OPT_COUNT] = {
	[RTPPROXY_OPT_ADDR_A]			= "addr-a",
	[RTPPROXY_OPT_PORT_A]			= "port-a",
	[RTPPROXY_OPT_ADDR_B]			= "addr-b",
	[RTPPROXY_OPT_PORT_B]			= "port-b",
	[RTPPROXY_OPT_MAX_SESS]			= "max-sess",
	[RTPPROXY_OPT_EXPIRES_TIMEOUT]		= "expires-timeout",
	[RTPPROXY_OPT_RESURRECTION_TIMEOUT]	= "resurrection-timeout",
	[RTPPROXY_OPT_DSCP]			= "dscp",
	[RTPPROXY_OPT_MAX_TTL]			= "max-ttl",
	[RTPPROXY_OPT_DUP_SMALL]		= "dup-small",
};

/* One gate of the switchboard, so that both are checked by the same code. */
struct gate {
	char name;			/* 'A' or 'B' */
	const char *addr_opt;		/* option that sets the address */
	const char *port_opt;		/* option that sets the port */
	uint8_t family;			/* a bridge's gates differ */
	const union nf_inet_addr *addr;
	unsigned int port;
};

static __attribute__((format(printf, 2, 3)))
const char *fail(struct rtpproxy_err *err, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(err->msg, sizeof(err->msg), fmt, ap);
	va_end(ap);
	return err->msg;
}

static bool family_ok(uint8_t family)
{
	return family == NFPROTO_IPV4 || family == NFPROTO_IPV6;
}

static int family_to_af(uint8_t family)
{
	return family == NFPROTO_IPV6 ? AF_INET6 : AF_INET;
}

static size_t addr_len(uint8_t family)
{
	return family == NFPROTO_IPV6 ? sizeof(struct in6_addr) : sizeof(struct in_addr);
}

static const char *family_name(uint8_t family)
{
	return family == NFPROTO_IPV6 ? "IPv6" : "IPv4";
}

static bool addr_equal(const union nf_inet_addr *a, const union nf_inet_addr *b,
		       uint8_t family)
{
	return memcmp(a, b, addr_len(family)) == 0;
}

/* Never fails for a valid family; the buffer holds any address. */
static const char *addr_to_str(const union nf_inet_addr *addr, uint8_t family,
			       char buf[INET6_ADDRSTRLEN])
{
	if (!inet_ntop(family_to_af(family), addr, buf, INET6_ADDRSTRLEN))
		snprintf(buf, INET6_ADDRSTRLEN, "?");
	return buf;
}

/*
 * Gates send packets from their address, so it must be one a host can own;
 * the same test as the kernel's checkentry, to fail before the kernel does.
 */
static bool addr_usable(const union nf_inet_addr *addr, uint8_t family)
{
	uint32_t ip = ntohl(addr->ip);

	if (family == NFPROTO_IPV6)
		return !IN6_IS_ADDR_UNSPECIFIED(&addr->in6) &&
		       !IN6_IS_ADDR_MULTICAST(&addr->in6);
	return (ip >> IN_CLASSA_NSHIFT) != 0 && ip != INADDR_BROADCAST && !IN_MULTICAST(ip);
}

/*
 * Either family in either table: whether the rule is the table's, a bridge
 * or one for the other table depends on both addresses, so @parsed6 in
 * @flags records this one's family for rtpproxy_opts_finish().
 */
static const char *parse_addr(union nf_inet_addr *addr, __u32 *flags, __u32 parsed6,
			      uint8_t family, const char *opt, const char *arg,
			      struct rtpproxy_err *err)
{
	union nf_inet_addr parsed = {};
	uint8_t parsed_family;

	if (inet_pton(AF_INET, arg, &parsed) == 1)
		parsed_family = NFPROTO_IPV4;
	else if (inet_pton(AF_INET6, arg, &parsed) == 1)
		parsed_family = NFPROTO_IPV6;
	else
		return fail(err, "--%s \"%s\" is not a numeric %s address", opt, arg,
			    family_name(family));
	if (!addr_usable(&parsed, parsed_family))
		return fail(err, "--%s %s: a gate needs a unicast address", opt, arg);
	*addr = parsed;
	if (parsed_family == NFPROTO_IPV6)
		*flags |= parsed6;
	else
		*flags &= ~parsed6;
	return NULL;
}

/* Plain decimal only: signs, blanks and hex would make saved rules ambiguous to read. */
static const char *parse_uint(unsigned int *val, unsigned int min, unsigned int max,
			      const char *opt, const char *arg, struct rtpproxy_err *err)
{
	unsigned long long parsed;
	char *end;

	if (arg[0] < '0' || arg[0] > '9')
		return fail(err, "--%s \"%s\" is not a decimal number", opt, arg);
	errno = 0;
	parsed = strtoull(arg, &end, 10);
	if (*end != '\0')
		return fail(err, "--%s \"%s\" is not a decimal number", opt, arg);
	if (errno == ERANGE || parsed < min || parsed > max)
		return fail(err, "--%s %s is out of range %u..%u", opt, arg, min, max);
	*val = (unsigned int)parsed;
	return NULL;
}

const char *rtpproxy_opt_parse(struct xt_rtpproxy_tginfo *info, uint8_t family,
			       enum rtpproxy_opt opt, const char *arg,
			       struct rtpproxy_err *err)
{
	const char *name;
	const char *msg;
	unsigned int val;

	if (!family_ok(family))
		return fail(err, "unsupported family %u", family);
	if ((unsigned int)opt >= RTPPROXY_OPT_COUNT)
		return fail(err, "unknown option %u", (unsigned int)opt);
	name = rtpproxy_opt_names[opt];
	if (!arg)
		return fail(err, "--%s needs an argument", name);

	switch (opt) {
	case RTPPROXY_OPT_ADDR_A:
		return parse_addr(&info->addr_a, &info->flags, PARSED_A6, family, name, arg, err);
	case RTPPROXY_OPT_ADDR_B:
		return parse_addr(&info->addr_b, &info->flags, PARSED_B6, family, name, arg, err);
	case RTPPROXY_OPT_PORT_A:
	case RTPPROXY_OPT_PORT_B:
		/* Evenness and fit depend on other options: checked when all are known. */
		msg = parse_uint(&val, 1, PORT_MAX, name, arg, err);
		if (msg)
			return msg;
		if (opt == RTPPROXY_OPT_PORT_A)
			info->port_a = (__u16)val;
		else
			info->port_b = (__u16)val;
		return NULL;
	case RTPPROXY_OPT_MAX_SESS:
		return parse_uint(&info->max_sess, 1, XT_RTPPROXY_MAX_SESS, name, arg, err);
	case RTPPROXY_OPT_EXPIRES_TIMEOUT:
		return parse_uint(&info->expires_timeout, 1, XT_RTPPROXY_MAX_TIMEOUT, name,
				  arg, err);
	case RTPPROXY_OPT_RESURRECTION_TIMEOUT:
		return parse_uint(&info->resurrection_timeout, 0, XT_RTPPROXY_MAX_TIMEOUT,
				  name, arg, err);
	/* The relay defaults of the switchboard's new sessions. */
	case RTPPROXY_OPT_DSCP:
		msg = parse_uint(&val, 0, RTPPROXY_DSCP_MAX, name, arg, err);
		if (msg)
			return msg;
		info->dscp = (__u8)val;
		info->flags |= XT_RTPPROXY_F_DSCP;
		return NULL;
	case RTPPROXY_OPT_MAX_TTL:
		msg = parse_uint(&val, 0, 255, name, arg, err);
		if (!msg)
			info->max_ttl = (__u8)val;
		return msg;
	case RTPPROXY_OPT_DUP_SMALL:
		msg = parse_uint(&val, 0, 65535, name, arg, err);
		if (!msg)
			info->dup_below = (__u16)val;
		return msg;
	case RTPPROXY_OPT_COUNT:
		break;
	}
	return fail(err, "unknown option %u", (unsigned int)opt);
}

static const char *check_max_sess(const struct xt_rtpproxy_tginfo *info,
				  struct rtpproxy_err *err)
{
	if (info->max_sess < 1 || info->max_sess > XT_RTPPROXY_MAX_SESS)
		return fail(err, "--max-sess %u is out of range 1..%u", info->max_sess,
			    XT_RTPPROXY_MAX_SESS);
	return NULL;
}

/* Needs a valid max_sess. */
static unsigned int gate_last_port(const struct gate *gate, unsigned int max_sess)
{
	return gate->port + 2 * max_sess - 1;
}

static const char *check_gate(const struct gate *gate, unsigned int max_sess,
			      struct rtpproxy_err *err)
{
	if (gate->port == 0)
		return fail(err, "--%s must not be 0", gate->port_opt);
	/* Session N's RTP port is port + 2N, its RTCP port the odd one after it. */
	if (gate->port % 2)
		return fail(err, "--%s %u is odd: a gate starts at an even (RTP) port",
			    gate->port_opt, gate->port);
	if (gate_last_port(gate, max_sess) > PORT_MAX)
		return fail(err,
			    "gate %c needs ports %u-%u for --max-sess %u, beyond %u: lower --%s or --max-sess",
			    gate->name, gate->port, gate_last_port(gate, max_sess), max_sess,
			    PORT_MAX, gate->port_opt);
	return NULL;
}

/* As the kernel's: a bridge's flags name the gates' families, else both are the table's. */
static void gate_families(const struct xt_rtpproxy_tginfo *info, uint8_t family,
			  uint8_t *fam_a, uint8_t *fam_b)
{
	if (info->flags & XT_RTPPROXY_F_A4_B6) {
		*fam_a = NFPROTO_IPV4;
		*fam_b = NFPROTO_IPV6;
	} else if (info->flags & XT_RTPPROXY_F_A6_B4) {
		*fam_a = NFPROTO_IPV6;
		*fam_b = NFPROTO_IPV4;
	} else {
		*fam_a = family;
		*fam_b = family;
	}
}

static void gates_of(const struct xt_rtpproxy_tginfo *info, uint8_t family,
		     struct gate *a, struct gate *b)
{
	uint8_t fam_a, fam_b;

	gate_families(info, family, &fam_a, &fam_b);
	*a = (struct gate){ 'A', "addr-a", "port-a", fam_a, &info->addr_a, info->port_a };
	*b = (struct gate){ 'B', "addr-b", "port-b", fam_b, &info->addr_b, info->port_b };
}

/* Bytes alone would not do: 32.1.13.184 is stored as 2001:db8:: is. */
static bool gates_share_addr(const struct gate *a, const struct gate *b)
{
	return a->family == b->family && addr_equal(a->addr, b->addr, a->family);
}

static const char *check_addr(const struct gate *gate, struct rtpproxy_err *err)
{
	char addr_buf[INET6_ADDRSTRLEN];

	if (!addr_usable(gate->addr, gate->family))
		return fail(err, "--%s %s: a gate needs a unicast address", gate->addr_opt,
			    addr_to_str(gate->addr, gate->family, addr_buf));
	return NULL;
}

static const char *check_timeouts(const struct xt_rtpproxy_tginfo *info,
				  struct rtpproxy_err *err)
{
	if (info->expires_timeout < 1 || info->expires_timeout > XT_RTPPROXY_MAX_TIMEOUT)
		return fail(err, "--expires-timeout %u is out of range 1..%u",
			    info->expires_timeout, XT_RTPPROXY_MAX_TIMEOUT);
	if (info->resurrection_timeout > XT_RTPPROXY_MAX_TIMEOUT)
		return fail(err, "--resurrection-timeout %u is out of range 0..%u",
			    info->resurrection_timeout, XT_RTPPROXY_MAX_TIMEOUT);
	return NULL;
}

const char *rtpproxy_opts_validate(const struct xt_rtpproxy_tginfo *info, uint8_t family,
				   struct rtpproxy_err *err)
{
	char addr_buf[INET6_ADDRSTRLEN];
	struct gate a, b;
	const char *msg;

	if (!family_ok(family))
		return fail(err, "unsupported family %u", family);
	/* Before the addresses: their families depend on it. */
	if ((info->flags & F_BRIDGE) == F_BRIDGE)
		return fail(err, "flags 0x%x: a bridge is either IPv4 to IPv6 or IPv6 to IPv4",
			    info->flags & F_BRIDGE);
	gates_of(info, family, &a, &b);
	msg = check_addr(&a, err);
	if (msg)
		return msg;
	msg = check_addr(&b, err);
	if (msg)
		return msg;
	msg = check_max_sess(info, err);
	if (msg)
		return msg;
	msg = check_gate(&a, info->max_sess, err);
	if (msg)
		return msg;
	msg = check_gate(&b, info->max_sess, err);
	if (msg)
		return msg;
	/* Otherwise a packet to a shared port would belong to both gates. */
	if (gates_share_addr(&a, &b) &&
	    a.port <= gate_last_port(&b, info->max_sess) &&
	    b.port <= gate_last_port(&a, info->max_sess))
		return fail(err,
			    "gate A (ports %u-%u) and gate B (ports %u-%u) overlap on %s: use --addr-b or move --port-b",
			    a.port, gate_last_port(&a, info->max_sess), b.port,
			    gate_last_port(&b, info->max_sess),
			    addr_to_str(a.addr, a.family, addr_buf));
	msg = check_timeouts(info, err);
	if (msg)
		return msg;
	if (info->flags & ~XT_RTPPROXY_F_ALL)
		return fail(err, "unknown flags 0x%x", info->flags & ~XT_RTPPROXY_F_ALL);
	if (info->flags & XT_RTPPROXY_F_DSCP ? info->dscp > RTPPROXY_DSCP_MAX : info->dscp)
		return fail(err, "--dscp %u is out of range 0..%u", info->dscp, RTPPROXY_DSCP_MAX);
	return NULL;
}

/*
 * Sets @bridge to the flags that the families the addresses were given in
 * imply, or fails when both gates would be of the other table's family: a
 * missing --addr-b is --addr-a's, so it takes --addr-a's family.
 */
static const char *finish_families(const struct xt_rtpproxy_tginfo *info, uint8_t family,
				   unsigned int given, __u32 *bridge,
				   struct rtpproxy_err *err)
{
	uint8_t fam_a = info->flags & PARSED_A6 ? NFPROTO_IPV6 : NFPROTO_IPV4;
	uint8_t fam_b = info->flags & PARSED_B6 ? NFPROTO_IPV6 : NFPROTO_IPV4;
	char addr_buf[INET6_ADDRSTRLEN];

	if (!(given & RTPPROXY_OPT_BIT(RTPPROXY_OPT_ADDR_B)))
		fam_b = fam_a;
	*bridge = 0;
	if (fam_a != fam_b)
		*bridge = fam_a == NFPROTO_IPV4 ? XT_RTPPROXY_F_A4_B6 : XT_RTPPROXY_F_A6_B4;
	else if (fam_a != family)
		/* Name the real mistake: a rule in the table of the other family. */
		return fail(err, "--addr-a %s is an %s address: use %s",
			    addr_to_str(&info->addr_a, fam_a, addr_buf), family_name(fam_a),
			    fam_a == NFPROTO_IPV6 ? "ip6tables" : "iptables");
	return NULL;
}

/* Right after gate A's range when both gates share the address, else gate A's port. */
static const char *default_port_b(struct xt_rtpproxy_tginfo *info, uint8_t family,
				   struct rtpproxy_err *err)
{
	struct gate a, b;
	const char *msg;

	gates_of(info, family, &a, &b);
	if (!gates_share_addr(&a, &b)) {
		info->port_b = info->port_a;
		return NULL;
	}
	/* Gate B goes right after gate A, which must be sound first. */
	msg = check_max_sess(info, err);
	if (msg)
		return msg;
	msg = check_gate(&a, info->max_sess, err);
	if (msg)
		return msg;
	if (gate_last_port(&a, info->max_sess) + 1 > PORT_MAX)
		return fail(err,
			    "no room for gate B after gate A (ports %u-%u): give --addr-b or --port-b",
			    a.port, gate_last_port(&a, info->max_sess));
	info->port_b = (__u16)(gate_last_port(&a, info->max_sess) + 1);
	return NULL;
}

const char *rtpproxy_opts_finish(struct xt_rtpproxy_tginfo *info, uint8_t family,
				 unsigned int given, struct rtpproxy_err *err)
{
	unsigned int missing = RTPPROXY_OPTS_REQUIRED & ~given;
	__u32 bridge = 0;
	const char *msg;
	unsigned int i;

	if (!family_ok(family))
		return fail(err, "unsupported family %u", family);
	/* Before the rest: "use ip6tables" is what such a rule needs to hear. */
	if (given & RTPPROXY_OPT_BIT(RTPPROXY_OPT_ADDR_A)) {
		msg = finish_families(info, family, given, &bridge, err);
		if (msg)
			return msg;
	}
	for (i = 0; i < RTPPROXY_OPT_COUNT; i++)
		if (missing & RTPPROXY_OPT_BIT(i))
			return fail(err, "--%s is required", rtpproxy_opt_names[i]);

	if (!(given & RTPPROXY_OPT_BIT(RTPPROXY_OPT_ADDR_B)))
		info->addr_b = info->addr_a;
	if (!(given & RTPPROXY_OPT_BIT(RTPPROXY_OPT_EXPIRES_TIMEOUT)))
		info->expires_timeout = XT_RTPPROXY_DEF_EXPIRES;
	if (!(given & RTPPROXY_OPT_BIT(RTPPROXY_OPT_RESURRECTION_TIMEOUT)))
		info->resurrection_timeout = XT_RTPPROXY_DEF_RESURRECTION;
	/*
	 * Only --dscp and the addresses' families set flags (the parse's scratch
	 * bits go); without --dscp the DSCP field is padding.
	 */
	info->flags = given & RTPPROXY_OPT_BIT(RTPPROXY_OPT_DSCP) ? XT_RTPPROXY_F_DSCP : 0;
	info->flags |= bridge;
	if (!(info->flags & XT_RTPPROXY_F_DSCP))
		info->dscp = 0;
	if (!(given & RTPPROXY_OPT_BIT(RTPPROXY_OPT_MAX_TTL)))
		info->max_ttl = 0;
	if (!(given & RTPPROXY_OPT_BIT(RTPPROXY_OPT_DUP_SMALL)))
		info->dup_below = 0;

	if (!(given & RTPPROXY_OPT_BIT(RTPPROXY_OPT_PORT_B))) {
		msg = default_port_b(info, family, err);
		if (msg)
			return msg;
	}
	return rtpproxy_opts_validate(info, family, err);
}

/* snprintf() at @len into a buffer of @size that may already be full. */
static __attribute__((format(printf, 4, 5)))
int snprintf_at(char *buf, size_t size, int len, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf((size_t)len < size ? buf + len : NULL,
		      (size_t)len < size ? size - len : 0, fmt, ap);
	va_end(ap);
	return n < 0 ? 0 : n;
}

/* @sep goes before each option name: "--" for save, "" for print. */
static int format_opts(const struct xt_rtpproxy_tginfo *info, uint8_t family,
		       const char *prefix, const char *sep, char *buf, size_t size)
{
	char addr_a[INET6_ADDRSTRLEN], addr_b[INET6_ADDRSTRLEN];
	uint8_t fam_a, fam_b;
	int len;

	if (!family_ok(family))
		return snprintf(buf, size, "%s%sunsupported-family %u", prefix,
				*prefix ? " " : "", family);
	/* No option for the bridge flags: each address in its family implies them. */
	gate_families(info, family, &fam_a, &fam_b);
	len = snprintf(buf, size,
			"%s%s%saddr-a %s %sport-a %u %saddr-b %s %sport-b %u %smax-sess %u %sexpires-timeout %u %sresurrection-timeout %u",
			prefix, *prefix ? " " : "",
			sep, addr_to_str(&info->addr_a, fam_a, addr_a),
			sep, info->port_a,
			sep, addr_to_str(&info->addr_b, fam_b, addr_b),
			sep, info->port_b,
			sep, info->max_sess,
			sep, info->expires_timeout,
			sep, info->resurrection_timeout);
	if (len < 0)
		return len;
	/* The relay defaults only when set: older rules read as they were. */
	if (info->flags & XT_RTPPROXY_F_DSCP)
		len += snprintf_at(buf, size, len, " %sdscp %u", sep, info->dscp);
	if (info->max_ttl)
		len += snprintf_at(buf, size, len, " %smax-ttl %u", sep, info->max_ttl);
	if (info->dup_below)
		len += snprintf_at(buf, size, len, " %sdup-small %u", sep, info->dup_below);
	return len;
}

int rtpproxy_opts_save(const struct xt_rtpproxy_tginfo *info, uint8_t family,
		       char *buf, size_t size)
{
	return format_opts(info, family, "", "--", buf, size);
}

int rtpproxy_opts_print(const struct xt_rtpproxy_tginfo *info, uint8_t family,
			char *buf, size_t size)
{
	return format_opts(info, family, XT_RTPPROXY_NAME, "", buf, size);
}

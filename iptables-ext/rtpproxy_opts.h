/* SPDX-License-Identifier: GPL-2.0 */
/* RTPPROXY target options: parsing, defaults, validation and formatting without libxtables. */
#ifndef RTPPROXY_OPTS_H
#define RTPPROXY_OPTS_H

#include <stddef.h>
#include <stdint.h>
#include <linux/netfilter/xt_RTPPROXY.h>

#ifdef __cplusplus
extern "C" {
#endif

/*
 * Option ids. They double as the bit numbers of libxtables' xflags (the
 * options the user gave), so there must be fewer than 32.
 */
enum rtpproxy_opt {
	RTPPROXY_OPT_ADDR_A,
	RTPPROXY_OPT_PORT_A,
	RTPPROXY_OPT_ADDR_B,
	RTPPROXY_OPT_PORT_B,
	RTPPROXY_OPT_MAX_SESS,
	RTPPROXY_OPT_EXPIRES_TIMEOUT,
	RTPPROXY_OPT_RESURRECTION_TIMEOUT,
	RTPPROXY_OPT_DSCP,
	RTPPROXY_OPT_MAX_TTL,
	RTPPROXY_OPT_DUP_SMALL,
	RTPPROXY_OPT_COUNT
};

#define RTPPROXY_OPT_BIT(opt)	(1U << (opt))

/* Options without which a rule cannot define a switchboard. */
#define RTPPROXY_OPTS_REQUIRED	(RTPPROXY_OPT_BIT(RTPPROXY_OPT_ADDR_A) | \
				 RTPPROXY_OPT_BIT(RTPPROXY_OPT_PORT_A) | \
				 RTPPROXY_OPT_BIT(RTPPROXY_OPT_MAX_SESS))

/* Long option names without the leading "--", indexed by enum rtpproxy_opt. */
extern const char *const rtpproxy_opt_names[RTPPROXY_OPT_COUNT];

/* Room for one error message; long enough for two IPv6 addresses. */
struct rtpproxy_err {
	char msg[256];
};

/*
 * Each function returning const char * returns NULL on success, or
 * @err->msg describing the problem. Messages name the offending option but
 * carry no "RTPPROXY: " prefix; the caller adds its own.
 *
 * @family is the table's family: NFPROTO_IPV4 (iptables) or NFPROTO_IPV6
 * (ip6tables). Addresses are numeric only: a gate is a local address, and
 * a rule must not change meaning when DNS does. Each may be IPv4 or IPv6 in
 * either table: addresses of two families make a bridge
 * (XT_RTPPROXY_F_A4_B6 or XT_RTPPROXY_F_A6_B4, whatever the table), two of
 * the table's family an ordinary rule, two of the other family an error.
 */

/*
 * Parses @arg of option @opt into @info (fields of other options are
 * untouched). An address's family is kept in scratch bits of @info->flags
 * that only rtpproxy_opts_finish() reads; it replaces them.
 */
const char *rtpproxy_opt_parse(struct xt_rtpproxy_tginfo *info, uint8_t family,
			       enum rtpproxy_opt opt, const char *arg,
			       struct rtpproxy_err *err);

/*
 * Completes @info after parsing: checks that the required options were
 * given (@given: RTPPROXY_OPT_BIT()s) and that the addresses' families fit
 * the table, sets the bridge flag they imply, fills in the defaults of the
 * others and validates the result with rtpproxy_opts_validate().
 */
const char *rtpproxy_opts_finish(struct xt_rtpproxy_tginfo *info, uint8_t family,
				 unsigned int given, struct rtpproxy_err *err);

/* Checks a complete @info the way the kernel's checkentry will. */
const char *rtpproxy_opts_validate(const struct xt_rtpproxy_tginfo *info, uint8_t family,
				   struct rtpproxy_err *err);

/*
 * Writes the options as iptables-save needs them, every one explicit so that
 * iptables-restore rebuilds the same @info (a bridge's flags too: each
 * address is written in its gate's family, which implies them):
 * "--addr-a 10.0.0.1 --port-a 50000 --addr-b 10.0.0.1 --port-b 50200
 *  --max-sess 100 --expires-timeout 60 --resurrection-timeout 30", then
 * each relay default that is set (" --dscp 46 --max-ttl 8 --dup-small 128"):
 * a rule without them saves as it did before they existed.
 * Returns the length of the whole string like snprintf(); it is cut if
 * that is >= @size.
 */
int rtpproxy_opts_save(const struct xt_rtpproxy_tginfo *info, uint8_t family,
		       char *buf, size_t size);

/*
 * Writes the options as iptables -L shows them:
 * "RTPPROXY addr-a 10.0.0.1 port-a 50000 addr-b 10.0.0.1 port-b 50200
 *  max-sess 100 expires-timeout 60 resurrection-timeout 30".
 * Returns like rtpproxy_opts_save().
 */
int rtpproxy_opts_print(const struct xt_rtpproxy_tginfo *info, uint8_t family,
			char *buf, size_t size);

/* A buffer size that always suffices for rtpproxy_opts_save()/_print(). */
#define RTPPROXY_OPTS_STR_SIZE	256

#ifdef __cplusplus
}
#endif

#endif /* RTPPROXY_OPTS_H */

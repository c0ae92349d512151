// SPDX-License-Identifier: GPL-2.0
/*
 * The xtables target: checkentry validates a rule's options and hands it a
 * reference to its switchboard; the target hands packets to the relay.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/ipv6.h>
#include <linux/netfilter/x_tables.h>
#include <net/ipv6.h>
#include <net/netfilter/ipv4/nf_defrag_ipv4.h>
#include <net/netfilter/ipv6/nf_defrag_ipv6.h>
#include "relay.h"
#include "switchboard.h"
#include "target.h"

static unsigned int rtpproxy_tg(struct sk_buff *skb,
				const struct xt_action_param *par)
{
	const struct xt_rtpproxy_tginfo *info = par->targinfo;

	return rtpp_relay(par->state, info->sb, skb);
}

static bool rtpproxy_gate_ok(u8 family, const union nf_inet_addr *addr,
			     u16 port, u32 max_sess, char gate)
{
	if (!rtpp_addr_unicast(family, addr)) {
		pr_info_ratelimited("--addr-%c must be a unicast address\n", gate);
		return false;
	}
	if (family == NFPROTO_IPV6 &&
	    ipv6_addr_type(&addr->in6) & IPV6_ADDR_LINKLOCAL) {
		pr_info_ratelimited("--addr-%c: link-local gates are not supported (a relay could not name the interface to send on)\n",
				    gate);
		return false;
	}
	if (!port || port & 1) {
		pr_info_ratelimited("--port-%c must be even and not 0\n", gate);
		return false;
	}
	if (port + 2 * max_sess - 1 > 65535) {
		pr_info_ratelimited("gate %c: %u sessions from port %u pass 65535\n",
				    gate, max_sess, port);
		return false;
	}
	return true;
}

static int rtpproxy_tg_check(const struct xt_tgchk_param *par)
{
	struct xt_rtpproxy_tginfo *info = par->targinfo;
	struct rtpp_switchboard *sb;
	u8 fam_a, fam_b;
	int ret;

	if (info->flags & ~XT_RTPPROXY_F_ALL) {
		pr_info_ratelimited("unknown flags set\n");
		return -EINVAL;
	}
	if ((info->flags & XT_RTPPROXY_F_A4_B6) &&
	    (info->flags & XT_RTPPROXY_F_A6_B4)) {
		pr_info_ratelimited("a bridge is either IPv4 to IPv6 or IPv6 to IPv4\n");
		return -EINVAL;
	}
	if (info->flags & XT_RTPPROXY_F_DSCP ? info->dscp > RTPPROXY_DSCP_MAX :
	    info->dscp) {
		pr_info_ratelimited("--dscp must be 0..%u\n", RTPPROXY_DSCP_MAX);
		return -EINVAL;
	}
	if (!info->max_sess || info->max_sess > XT_RTPPROXY_MAX_SESS) {
		pr_info_ratelimited("--max-sess must be 1..%u\n",
				    XT_RTPPROXY_MAX_SESS);
		return -EINVAL;
	}
	if (!info->expires_timeout ||
	    info->expires_timeout > XT_RTPPROXY_MAX_TIMEOUT ||
	    info->resurrection_timeout > XT_RTPPROXY_MAX_TIMEOUT) {
		pr_info_ratelimited("timeouts must be 1..%u (resurrection 0..%u) seconds\n",
				    XT_RTPPROXY_MAX_TIMEOUT,
				    XT_RTPPROXY_MAX_TIMEOUT);
		return -EINVAL;
	}
	rtpp_rule_families(info, par->family, &fam_a, &fam_b);
	if (!rtpproxy_gate_ok(fam_a, &info->addr_a, info->port_a,
			      info->max_sess, 'a') ||
	    !rtpproxy_gate_ok(fam_b, &info->addr_b, info->port_b,
			      info->max_sess, 'b'))
		return -EINVAL;

	/* Only whole datagrams can be relayed. */
	if (par->family == NFPROTO_IPV4)
		ret = nf_defrag_ipv4_enable(par->net);
	else
		ret = nf_defrag_ipv6_enable(par->net);
	if (ret)
		return ret;

	sb = rtpp_switchboard_get(par->net, par->family, info);
	if (IS_ERR(sb)) {
		if (par->family == NFPROTO_IPV4)
			nf_defrag_ipv4_disable(par->net);
		else
			nf_defrag_ipv6_disable(par->net);
		ret = PTR_ERR(sb);
		/* Out of memory or over the host's cap; else a conflict. */
		return ret == -ENOMEM || ret == -ENOSPC ? ret : -EINVAL;
	}
	info->sb = sb;
	return 0;
}

static void rtpproxy_tg_destroy(const struct xt_tgdtor_param *par)
{
	const struct xt_rtpproxy_tginfo *info = par->targinfo;

	rtpp_switchboard_put(info->sb);
	if (par->family == NFPROTO_IPV4)
		nf_defrag_ipv4_disable(par->net);
	else
		nf_defrag_ipv6_disable(par->net);
}

/*
 * Where packets to a local gate pass. Not FORWARD: a packet addressed to
 * this host is never forwarded.
 */
#define RTPP_HOOKS	((1 << NF_INET_PRE_ROUTING) | (1 << NF_INET_LOCAL_IN) | \
			 (1 << NF_INET_LOCAL_OUT) | (1 << NF_INET_POST_ROUTING))

static struct xt_target rtpproxy_tg_reg[] __read_mostly = {
	{
		.name		= XT_RTPPROXY_NAME,
		.revision	= XT_RTPPROXY_REVISION,
		.family		= NFPROTO_IPV4,
		.table		= "mangle",
		.hooks		= RTPP_HOOKS,
		.target		= rtpproxy_tg,
		.targetsize	= sizeof(struct xt_rtpproxy_tginfo),
		.usersize	= offsetof(struct xt_rtpproxy_tginfo, sb),
		.checkentry	= rtpproxy_tg_check,
		.destroy	= rtpproxy_tg_destroy,
		.me		= THIS_MODULE,
	},
	{
		.name		= XT_RTPPROXY_NAME,
		.revision	= XT_RTPPROXY_REVISION,
		.family		= NFPROTO_IPV6,
		.table		= "mangle",
		.hooks		= RTPP_HOOKS,
		.target		= rtpproxy_tg,
		.targetsize	= sizeof(struct xt_rtpproxy_tginfo),
		.usersize	= offsetof(struct xt_rtpproxy_tginfo, sb),
		.checkentry	= rtpproxy_tg_check,
		.destroy	= rtpproxy_tg_destroy,
		.me		= THIS_MODULE,
	},
};

int rtpp_target_init(void)
{
	return xt_register_targets(rtpproxy_tg_reg,
				   ARRAY_SIZE(rtpproxy_tg_reg));
}

void rtpp_target_exit(void)
{
	xt_unregister_targets(rtpproxy_tg_reg, ARRAY_SIZE(rtpproxy_tg_reg));
}

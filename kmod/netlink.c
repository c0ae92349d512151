// SPDX-License-Identifier: GPL-2.0
/*
 * The generic netlink family and its operations; see the uapi header for
 * each command's attribute tree, nl_*.c for the commands.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <net/genetlink.h>
#include "events.h"
#include "netlink.h"
#include "nl_cmds.h"
#include "nl_request.h"

/*
 * Reads need CAP_NET_ADMIN too: session lists say who talks to whom. Root
 * of a user namespace owning the network namespace qualifies.
 */
static const struct genl_ops rtpp_nl_ops[] = {
	{
		.cmd = RTPPROXY_CMD_GET_INFO,
		.doit = rtpp_nl_get_info,
		.flags = GENL_UNS_ADMIN_PERM,
	}, {
		.cmd = RTPPROXY_CMD_GET_SWITCHBOARD,
		.start = rtpp_dump_start,
		.dumpit = rtpp_nl_dump_switchboards,
		.done = rtpp_dump_done,
		.flags = GENL_UNS_ADMIN_PERM,
	}, {
		.cmd = RTPPROXY_CMD_NEW_SESSION,
		.doit = rtpp_nl_new_session,
		.flags = GENL_UNS_ADMIN_PERM,
	}, {
		.cmd = RTPPROXY_CMD_SET_SESSION,
		.doit = rtpp_nl_set_session,
		.flags = GENL_UNS_ADMIN_PERM,
	}, {
		.cmd = RTPPROXY_CMD_DEL_SESSION,
		.doit = rtpp_nl_del_session,
		.flags = GENL_UNS_ADMIN_PERM,
	}, {
		.cmd = RTPPROXY_CMD_GET_SESSION,
		.doit = rtpp_nl_get_session,
		.start = rtpp_dump_start,
		.dumpit = rtpp_nl_dump_sessions,
		.done = rtpp_dump_done,
		.flags = GENL_UNS_ADMIN_PERM,
	}, {
		.cmd = RTPPROXY_CMD_RESET_COUNTERS,
		.doit = rtpp_nl_reset_counters,
		.flags = GENL_UNS_ADMIN_PERM,
	}, {
		.cmd = RTPPROXY_CMD_AUDIT,
		.doit = rtpp_nl_audit,
		.flags = GENL_UNS_ADMIN_PERM,
	}, {
		.cmd = RTPPROXY_CMD_NEW_SESSIONS,
		.doit = rtpp_nl_new_sessions,
		.flags = GENL_UNS_ADMIN_PERM,
	}, {
		.cmd = RTPPROXY_CMD_DEL_SESSIONS,
		.doit = rtpp_nl_del_sessions,
		.flags = GENL_UNS_ADMIN_PERM,
	}, {
		.cmd = RTPPROXY_CMD_GET_SESSION_TABLE,
		.start = rtpp_dump_start,
		.dumpit = rtpp_nl_dump_table,
		.done = rtpp_dump_done,
		.flags = GENL_UNS_ADMIN_PERM,
	},
};

struct genl_family rtpp_family __ro_after_init = {
	.name		= XT_RTPPROXY_GENL_NAME,
	.version	= XT_RTPPROXY_GENL_VERSION,
	.maxattr	= RTPPROXY_A_MAX,
	.policy		= rtpp_policy,
	.netnsok	= true,
	.parallel_ops	= true,
	.module		= THIS_MODULE,
	.ops		= rtpp_nl_ops,
	.n_ops		= ARRAY_SIZE(rtpp_nl_ops),
	.mcgrps		= rtpp_mcgrps,
	.n_mcgrps	= RTPP_MCGRPS,
	/* A new family: the header's reserved field must be 0 for every command. */
	.resv_start_op	= 0,
};

int rtpp_netlink_init(void)
{
	return genl_register_family(&rtpp_family);
}

void rtpp_netlink_exit(void)
{
	genl_unregister_family(&rtpp_family);
}

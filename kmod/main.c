// SPDX-License-Identifier: GPL-2.0
/*
 * xt_RTPPROXY: an xtables target relaying RTP/RTCP between two clients in
 * the kernel. This file only wires the parts together.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/module.h>
#include <net/genetlink.h>
#include "netlink.h"
#include "netns.h"
#include "record.h"
#include "session.h"
#include "target.h"
#include "version.h"

static int __init rtpp_init(void)
{
	int ret;

	ret = rtpp_session_cache_init();
	if (ret)
		return ret;
	ret = rtpp_netns_init();
	if (ret)
		goto err_cache;
	ret = rtpp_netlink_init();
	if (ret)
		goto err_netns;
	ret = rtpp_target_init();
	if (ret)
		goto err_netlink;
	return 0;

err_netlink:
	rtpp_netlink_exit();
err_netns:
	rtpp_netns_exit();
err_cache:
	rtpp_session_cache_exit();
	return ret;
}

static void __exit rtpp_exit(void)
{
	rtpp_target_exit();
	rtpp_netlink_exit();
	rtpp_netns_exit();
	rtpp_record_exit();
	rtpp_session_cache_exit();
}

module_init(rtpp_init);
module_exit(rtpp_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("Xtables: RTP/RTCP relay for clients behind NAT");
MODULE_VERSION(RTPP_VERSION);
MODULE_ALIAS("ipt_RTPPROXY");
MODULE_ALIAS("ip6t_RTPPROXY");
MODULE_ALIAS_GENL_FAMILY(XT_RTPPROXY_GENL_NAME);

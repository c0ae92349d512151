/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Kernel API differences between the supported kernels (6.1 .. 6.12), kept
 * here so that the other files need no version checks.
 */
#ifndef _RTPP_COMPAT_H
#define _RTPP_COMPAT_H

#include <linux/version.h>
#include <net/genetlink.h>
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 4, 0)
#include <net/gso.h>		/* skb_gso_segment() moved here */
#endif

/* 6.2 split genl ops: the parsed request of a dump moved into a genl_info. */
static inline struct nlattr **rtpp_dump_attrs(struct netlink_callback *cb)
{
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 2, 0)
	return genl_dumpit_info(cb)->info.attrs;
#else
	return genl_dumpit_info(cb)->attrs;
#endif
}

#endif /* _RTPP_COMPAT_H */

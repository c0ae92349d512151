/* SPDX-License-Identifier: GPL-2.0 */
/* The generic netlink control interface. */
#ifndef _RTPP_NETLINK_H
#define _RTPP_NETLINK_H

int rtpp_netlink_init(void);
void rtpp_netlink_exit(void);

#endif /* _RTPP_NETLINK_H */

/* SPDX-License-Identifier: GPL-2.0 */
/* The xtables target RTPPROXY, IPv4 and IPv6. */
#ifndef _RTPP_TARGET_H
#define _RTPP_TARGET_H

int rtpp_target_init(void);
void rtpp_target_exit(void);

#endif /* _RTPP_TARGET_H */

/* SPDX-License-Identifier: GPL-2.0 */
/* The module's version: MODULE_VERSION and RTPPROXY_A_VERSION. */
#ifndef _RTPP_VERSION_H
#define _RTPP_VERSION_H

#define RTPP_VERSION	"0.1.0"

#endif /* _RTPP_VERSION_H */

/* SPDX-License-Identifier: GPL-2.0 */
/* NSEC_PER_SEC (see types.h here). */
#ifndef _KSHIM_LINUX_TIME64_H
#define _KSHIM_LINUX_TIME64_H

#define NSEC_PER_SEC 1000000000L

#endif

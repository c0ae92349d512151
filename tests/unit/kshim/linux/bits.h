/* SPDX-License-Identifier: GPL-2.0 */
/* BIT() and BIT_ULL() as the kernel has them (see types.h here). */
#ifndef _KSHIM_LINUX_BITS_H
#define _KSHIM_LINUX_BITS_H

#define BIT(n) (1UL << (n))
#define BIT_ULL(n) (1ULL << (n))

#endif

/* SPDX-License-Identifier: GPL-2.0 */
/* div_u64() as the kernel computes it, and abs() (see types.h here). */
#ifndef _KSHIM_LINUX_MATH64_H
#define _KSHIM_LINUX_MATH64_H

#include <stdlib.h>
#include "types.h"

static inline u64 div_u64(u64 dividend, u32 divisor)
{
	return dividend / divisor;
}

#endif

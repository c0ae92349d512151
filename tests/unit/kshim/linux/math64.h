/* SPDX-License-Identifier: GPL-2.0 */
/* mul_u64_u32_div() as the kernel computes it, and abs() (see types.h here). */
#ifndef _KSHIM_LINUX_MATH64_H
#define _KSHIM_LINUX_MATH64_H

#include <stdlib.h>
#include "types.h"

static inline u64 mul_u64_u32_div(u64 a, u32 mul, u32 divisor)
{
	return (u64)((unsigned __int128)a * mul / divisor);
}

#endif

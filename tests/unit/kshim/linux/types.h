/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The kernel's integer types, for building kmod/quality.c in userspace
 * (tests/unit/quality_test.cpp): this folder stands in for the kernel's
 * include/linux, and only for that file.
 */
#ifndef _KSHIM_LINUX_TYPES_H
#define _KSHIM_LINUX_TYPES_H

#include <stdbool.h>
#include <stdint.h>

typedef uint8_t u8;
typedef uint16_t u16;
typedef uint32_t u32;
typedef uint64_t u64;
typedef int32_t s32;

#endif

/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What the dump writer's core needs from its surroundings, so that the
 * same files build as kernel C (the module) and as userspace C (the host
 * tests and the fuzzer). Nothing here allocates, sleeps or locks.
 */
#ifndef PD_CORE_COMPAT_H
#define PD_CORE_COMPAT_H

#ifdef __KERNEL__
#include <linux/errno.h>
#include <linux/kernel.h>
#include <linux/math64.h>
#include <linux/minmax.h>
#include <linux/string.h>
#include <linux/types.h>
#else
#include <errno.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

typedef uint8_t u8;
typedef uint32_t u32;
typedef uint64_t u64;
typedef int64_t s64;

#define U64_MAX		UINT64_MAX
#define min(a, b)	((a) < (b) ? (a) : (b))
#define max(a, b)	((a) > (b) ? (a) : (b))
#define min_t(t, a, b)	((t)(a) < (t)(b) ? (t)(a) : (t)(b))
#define round_down(x, y)	((x) / (y) * (y))
#define round_up(x, y)		(((x) + (y) - 1) / (y) * (y))
#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))

static inline int pd_memchr_inv_zero(const void *p, size_t n)
{
	const u8 *b = (const u8 *)p;
	size_t i;

	for (i = 0; i < n; i++)
		if (b[i])
			return 1;
	return 0;
}
#endif

#ifdef __KERNEL__
static inline int pd_memchr_inv_zero(const void *p, size_t n)
{
	return memchr_inv(p, 0, n) != NULL;
}
#endif

#endif /* PD_CORE_COMPAT_H */

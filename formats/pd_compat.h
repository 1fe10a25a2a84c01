/* SPDX-License-Identifier: GPL-2.0 OR MIT */
/*
 * Lets the format headers compile as kernel C, C11 and C++20 alike.
 * Every on-device and on-file integer is little-endian; panicdump only
 * runs on little-endian machines, which the asserts below enforce, so
 * the structs are the wire layout.
 */
#ifndef PD_COMPAT_H
#define PD_COMPAT_H

#ifdef __KERNEL__
#include <linux/types.h>
#include <linux/string.h>
#include <linux/build_bug.h>
#define PD_STATIC_ASSERT(cond, msg) static_assert(cond, msg)
#else
#include <stdint.h>
#include <stddef.h>
#include <string.h>
#ifdef __cplusplus
#define PD_STATIC_ASSERT(cond, msg) static_assert(cond, msg)
#else
#define PD_STATIC_ASSERT(cond, msg) _Static_assert(cond, msg)
#endif
#endif

PD_STATIC_ASSERT(__BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__,
		 "panicdump formats are little-endian only");

#ifdef __cplusplus
#define PD_EXTERN_C_BEGIN extern "C" {
#define PD_EXTERN_C_END }
#else
#define PD_EXTERN_C_BEGIN
#define PD_EXTERN_C_END
#endif

#endif /* PD_COMPAT_H */

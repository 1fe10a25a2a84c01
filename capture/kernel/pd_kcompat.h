/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The kernel interfaces that moved between the releases we build for
 * (Debian's 6.1 and 6.12), named once here.
 */
#ifndef PD_KCOMPAT_H
#define PD_KCOMPAT_H

#include <linux/version.h>
#include <linux/mmzone.h>

#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 9, 0)
#include <linux/vmcore_info.h>
#else
#include <linux/crash_core.h>
#endif

/* The largest buddy order, inclusive (MAX_ORDER was exclusive to 6.3). */
#if defined(MAX_PAGE_ORDER)
#define PD_MAX_BUDDY_ORDER	MAX_PAGE_ORDER
#elif LINUX_VERSION_CODE >= KERNEL_VERSION(6, 4, 0)
#define PD_MAX_BUDDY_ORDER	MAX_ORDER
#else
#define PD_MAX_BUDDY_ORDER	(MAX_ORDER - 1)
#endif

#endif /* PD_KCOMPAT_H */

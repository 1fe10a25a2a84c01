/* SPDX-License-Identifier: GPL-2.0 OR MIT */
/* PROVISIONAL (replaced by the formats-rules branch): content levels. */
#ifndef PD_CONTENT_H
#define PD_CONTENT_H

#include "pd_compat.h"
#include "pd_format.h"

PD_EXTERN_C_BEGIN

#define PD_PF_NOPAGE		(1U << 0)
#define PD_PF_UNREADABLE	(1U << 1)
#define PD_PF_BUDDY		(1U << 2)
#define PD_PF_SLAB		(1U << 3)
#define PD_PF_PGTABLE		(1U << 4)
#define PD_PF_RESERVED		(1U << 5)
#define PD_PF_ANON		(1U << 6)
#define PD_PF_HUGE		(1U << 7)
#define PD_PF_LRU		(1U << 8)
#define PD_PF_SWAPCACHE		(1U << 9)

static inline int pd_content_keeps(uint32_t content, uint32_t f)
{
	if (f & (PD_PF_NOPAGE | PD_PF_UNREADABLE))
		return 0;
	if (content == PD_CONTENT_ALL)
		return 1;
	if (f & PD_PF_BUDDY)
		return 0;
	if (f & (PD_PF_SLAB | PD_PF_PGTABLE | PD_PF_RESERVED))
		return 1;
	return !(f & (PD_PF_ANON | PD_PF_HUGE | PD_PF_LRU | PD_PF_SWAPCACHE));
}

PD_EXTERN_C_END

#endif /* PD_CONTENT_H */

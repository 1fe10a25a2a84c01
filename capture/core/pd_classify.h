/* SPDX-License-Identifier: GPL-2.0 */
/* Which pages a dump keeps: the content rule of formats/, applied to a source. */
#ifndef PD_CLASSIFY_H
#define PD_CLASSIFY_H

#include "pd_page_source.h"
#include "pd_content.h"

/*
 * Whether the pages [pfn, pfn + *run) are dumped at this content level;
 * *run is at least 1. Curproc's extra pages are the caller's (one PFN at
 * a time, through the source's curproc()).
 */
static inline bool pd_classify_run(const struct pd_page_source *src,
				   u32 content, u64 pfn, u64 end, u64 *run)
{
	u32 flags = src->ops->flags(src->priv, pfn, end, run);

	if (!*run || *run > end - pfn)
		*run = 1;
	return pd_content_keeps(content, flags);
}

/* Can pfn be read at all (curproc's pages bypass the content rule)? */
static inline bool pd_classify_readable(const struct pd_page_source *src,
					u64 pfn)
{
	u64 run;

	return !(src->ops->flags(src->priv, pfn, pfn + 1, &run) &
		 (PD_PF_NOPAGE | PD_PF_UNREADABLE));
}

#endif /* PD_CLASSIFY_H */

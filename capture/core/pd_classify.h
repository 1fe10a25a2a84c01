/* SPDX-License-Identifier: GPL-2.0 */
/* Which pages a dump keeps: the content rule of formats/, applied to a source. */
#ifndef PD_CLASSIFY_H
#define PD_CLASSIFY_H

#include "pd_page_source.h"
#include "pd_content.h"

/*
 * Whether the pages [pfn, pfn + *run) are dumped at this content level;
 * *run is at least 1 and at most end - pfn.
 */
static inline bool pd_classify_run(const struct pd_page_source *src,
				   u32 content, u64 pfn, u64 end, u64 *run)
{
	u32 flags = src->ops->flags(src->priv, pfn, end, run);

	if (!*run || *run > end - pfn)
		*run = 1;
	return pd_content_verdict(content, flags) == PD_VERDICT_KEEP;
}

#endif /* PD_CLASSIFY_H */

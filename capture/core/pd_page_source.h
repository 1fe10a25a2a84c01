/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The memory being dumped, as the writer sees it: RAM ranges of PFNs,
 * each page's flags in the neutral word of formats/pd_content.h, and a
 * way to copy a page out. The module answers from struct page and the
 * direct map; the host tests from a simulated RAM of any size.
 */
#ifndef PD_PAGE_SOURCE_H
#define PD_PAGE_SOURCE_H

#include "pd_core_compat.h"

struct pd_ram_range {
	u64 start_pfn;
	u64 end_pfn;		/* exclusive */
};

struct pd_page_source_ops {
	/*
	 * The flags of pfn (PD_PF_CURPROC included for content curproc);
	 * *run is how many PFNs from pfn on (at least 1, at most end - pfn)
	 * share them, e.g. a free buddy block.
	 */
	u32 (*flags)(void *priv, u64 pfn, u64 end, u64 *run);
	/* Copies the page into buf; -EIO when the memory could not be read. */
	int (*read)(void *priv, u64 pfn, void *buf);
	/* Called every PD_TOUCH_EVERY pages: watchdogs. May be NULL. */
	void (*touch)(void *priv);
};

struct pd_page_source {
	const struct pd_page_source_ops *ops;
	void *priv;
	const struct pd_ram_range *ranges;	/* sorted, disjoint */
	u32 nr_ranges;
	u64 max_pfn;				/* highest RAM PFN + 1 */
	u64 kimage_start_pfn;			/* the kernel image, written */
	u64 kimage_end_pfn;			/* first; 0, 0: unknown */
};

/* Pages between two calls of touch() and of the progress hook. */
#define PD_TOUCH_EVERY	256

#endif /* PD_PAGE_SOURCE_H */

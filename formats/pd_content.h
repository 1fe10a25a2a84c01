/* SPDX-License-Identifier: GPL-2.0 OR MIT */
/*
 * Content levels: which pages a dump of each level (enum pd_content)
 * keeps. The capture module decides it at panic time from struct page,
 * dumpadm -e from /proc/kpageflags; both describe a page with the
 * neutral flags word below and ask pd_content_verdict(), so that the
 * estimate counts the pages the module will write. FORMAT.md, "Content
 * levels", is the prose.
 *
 * A bit means "the page is known to be this"; an adapter sets what its
 * source can tell and leaves the rest clear. Pages a flag helper resolves
 * to the head of a compound page (PageLRU, PageAnon, PageHuge) carry the
 * bit on every page of it.
 */
#ifndef PD_CONTENT_H
#define PD_CONTENT_H

#include "pd_compat.h"

PD_EXTERN_C_BEGIN

/* Cannot be read at all: no level dumps these. */
#define PD_PF_NOPAGE		(1U << 0)	/* no struct page (not RAM, past the memmap) */
#define PD_PF_UNREADABLE	(1U << 1)	/* hwpoison, offline, or not in the direct map */
/* Unaccepted memory (TDX, SNP guests): touching it is fatal. */
#define PD_PF_UNACCEPTED	(1U << 2)

/* Free memory. */
#define PD_PF_BUDDY		(1U << 3)	/* a free block's page, buddy allocator */

/*
 * Typed kernel pages. They overlay ->mapping with their own fields (a
 * slab's per-CPU partial count in 6.12), so an ANON bit read from them
 * means nothing: they are settled before ANON and LRU are looked at.
 */
#define PD_PF_SLAB		(1U << 4)
#define PD_PF_PGTABLE		(1U << 5)
#define PD_PF_RESERVED		(1U << 6)	/* PG_reserved: kernel image, memblock */
/*
 * The shared zero page or the huge zero page: kernel memory that user
 * mappings point at. kpageflags reports the huge zero page as KPF_THP
 * too, which would make it user memory; struct page calls it neither
 * anonymous nor LRU.
 */
#define PD_PF_ZERO_PAGE		(1U << 7)

/* User memory and page cache. */
#define PD_PF_ANON		(1U << 8)	/* anonymous (PageAnon) */
#define PD_PF_HUGE		(1U << 9)	/* hugetlbfs, in use or in the pool */
/*
 * Part of a transparent huge page: a large folio that is on the LRU or
 * anonymous (kpageflags' KPF_THP). It is user memory or page cache by
 * definition; the bit exists because 6.1's kpageflags copies PG_lru from
 * the page itself, which a tail page lacks, so a tail of a page-cache THP
 * shows KPF_THP and neither KPF_LRU nor KPF_ANON. A struct page adapter,
 * whose PageLRU() looks at the head, gets LRU for those pages anyway and
 * may set this bit or not.
 */
#define PD_PF_THP		(1U << 10)
#define PD_PF_LRU		(1U << 11)	/* on an LRU list: page cache or user */
#define PD_PF_SWAPCACHE		(1U << 12)	/* in the swap cache (off the LRU too) */

/*
 * The panicking process maps the page. Not a property of the page: the
 * module sets it for the pages its walk of current->mm finds, and only
 * content curproc looks at it.
 */
#define PD_PF_CURPROC		(1U << 13)

/* What the flags say a page holds, whatever the content level. */
enum pd_page_kind {
	PD_PAGE_UNREADABLE = 0,	/* NOPAGE, UNREADABLE, UNACCEPTED */
	PD_PAGE_FREE = 1,	/* BUDDY */
	PD_PAGE_USER = 2,	/* ANON, HUGE, THP, LRU, SWAPCACHE */
	PD_PAGE_KERNEL = 3,	/* typed kernel pages, and every other page */
};

/* What a content level does with a page. */
enum pd_page_verdict {
	PD_VERDICT_SKIP = 0,	/* unreadable: left out at every level */
	PD_VERDICT_DROP = 1,	/* readable, but this level leaves it out */
	PD_VERDICT_KEEP = 2,	/* dumped */
};

/*
 * The kind of a page, the first rule that matches winning:
 *   NOPAGE, UNREADABLE or UNACCEPTED          unreadable
 *   BUDDY                                      free
 *   SLAB, PGTABLE, RESERVED or ZERO_PAGE       kernel
 *   ANON, HUGE, THP, LRU or SWAPCACHE          user
 *   anything else                              kernel
 * PD_PF_CURPROC plays no part.
 */
enum pd_page_kind pd_page_kind(uint32_t pflags);

/*
 * What content keeps of a kind of page, the panicking process's pages
 * aside: all every readable page, kernel and curproc the kernel pages
 * (as makedumpfile -d 31: no free, user or page-cache pages). A content
 * value this code does not know is taken as kernel.
 */
enum pd_page_verdict pd_kind_verdict(uint32_t content, enum pd_page_kind kind);

/*
 * The whole rule for one page: pd_kind_verdict() of its kind, and, for
 * content curproc, every readable page with PD_PF_CURPROC as well.
 *
 * The module may drop a whole free block when its first page is BUDDY
 * and the verdict DROP (the buddy order says how long the block is);
 * kpageflags marks every page of a free block BUDDY (6.1), so counting
 * page by page comes to the same.
 */
enum pd_page_verdict pd_content_verdict(uint32_t content, uint32_t pflags);

PD_EXTERN_C_END

#endif /* PD_CONTENT_H */

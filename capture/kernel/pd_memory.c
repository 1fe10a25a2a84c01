// SPDX-License-Identifier: GPL-2.0
/*
 * The page source of a real dump: a page's flags from its struct page,
 * in the neutral word of formats/pd_content.h, and its bytes from the
 * direct map. Content curproc adds the pages the panicking process maps,
 * found through its own page tables.
 */
#define pr_fmt(fmt) "panicdump: " fmt

#include <linux/highmem.h>
#include <linux/hugetlb.h>
#include <linux/mm.h>
#include <linux/nmi.h>
#include <linux/page-flags.h>
#include <linux/sched.h>
#include <linux/sched/mm.h>
#include <linux/uaccess.h>
#include <asm/page.h>
#include <asm/pgtable.h>

#include "pd_internal.h"
#include "pd_kcompat.h"
#include "pd_content.h"

static_assert(PAGE_SIZE == PD_PAGE_SIZE);

/* Can the page be read through the direct map without faulting? */
static bool pd_page_readable(unsigned long pfn)
{
	struct page *page;
	unsigned int level;
	pte_t *pte;

	if (!pfn_valid(pfn))
		return false;
	page = pfn_to_page(pfn);
	if (PageHWPoison(page) || PageOffline(page))
		return false;
	/* Secretmem and the like are removed from the direct map. */
	pte = lookup_address((unsigned long)__va(PFN_PHYS(pfn)), &level);
	return pte && pte_present(*pte);
}

/*
 * The struct page adapter of the content rule. Typed kernel pages
 * overlay ->mapping with their own fields (a slab's per-CPU partial count
 * in 6.12), so PageAnon() means nothing for them: their type is given
 * alone. The page flag helpers resolve compound pages to their head.
 */
static u32 pd_page_flags(struct page *page)
{
	u32 f = 0;

	if (PageSlab(page))
		return PD_PF_SLAB;
	if (PageTable(page))
		return PD_PF_PGTABLE;
	if (PageReserved(page))
		return PD_PF_RESERVED;
	if (PageAnon(page))
		f |= PD_PF_ANON;
	if (PageHuge(page))
		f |= PD_PF_HUGE;
	if (PageLRU(page))
		f |= PD_PF_LRU;
	if (folio_test_swapcache(page_folio(page)))
		f |= PD_PF_SWAPCACHE;
	return f;
}

static bool pd_mem_curproc(const struct pd_curproc *c, u64 pfn)
{
	return c->bitmap && pfn / 8 < c->bytes &&
	       kdump_bitmap_test(c->bitmap, pfn);
}

static u32 pd_mem_flags(void *priv, u64 pfn, u64 end, u64 *run)
{
	struct page *page;
	unsigned long order;

	*run = 1;
	if (!pd_page_readable(pfn))
		return pfn_valid(pfn) ? PD_PF_UNREADABLE : PD_PF_NOPAGE;
	page = pfn_to_page(pfn);
	if (PageBuddy(page)) {
		order = page_private(page);
		if (order <= PD_MAX_BUDDY_ORDER)
			*run = min_t(u64, 1ULL << order, end - pfn);
		return PD_PF_BUDDY;
	}
	return pd_page_flags(page) |
	       (pd_mem_curproc(priv, pfn) ? PD_PF_CURPROC : 0);
}

static int pd_mem_read(void *priv, u64 pfn, void *buf)
{
	/* A memory error is reported, not taken as a machine check. */
	return copy_mc_to_kernel(buf, __va(PFN_PHYS(pfn)), PAGE_SIZE) ? -EIO : 0;
}

static void pd_mem_touch(void *priv)
{
	touch_nmi_watchdog();
}

static const struct pd_page_source_ops pd_memory_ops = {
	.flags = pd_mem_flags,
	.read = pd_mem_read,
	.touch = pd_mem_touch,
};

void pd_memory_source(struct pd_armed *armed, struct pd_page_source *src)
{
	src->ops = &pd_memory_ops;
	src->priv = &armed->curproc;
	src->ranges = armed->ranges;
	src->nr_ranges = armed->nr_ranges;
	src->max_pfn = armed->max_pfn;
	src->kimage_start_pfn = armed->kimage_start_pfn;
	src->kimage_end_pfn = armed->kimage_end_pfn;
}

/* Marks pages [pfn, pfn + n) the process maps. */
static void pd_mark_user_range(struct pd_armed *armed, unsigned long pfn,
			       unsigned long n)
{
	for (; n; n--, pfn++)
		if (pfn < armed->max_pfn)
			kdump_bitmap_set(armed->curproc.bitmap, pfn);
}

static void pd_walk_pmd(struct pd_armed *armed, pud_t *pud,
			unsigned long addr, unsigned long end)
{
	pmd_t *pmd = pmd_offset(pud, addr);
	unsigned long next;

	for (; addr < end; pmd++, addr = next) {
		pte_t *pte;
		unsigned long a;

		next = pmd_addr_end(addr, end);
		if (pmd_none(*pmd) || !pmd_present(*pmd))
			continue;
		if (pmd_leaf(*pmd)) {
			pd_mark_user_range(armed, pmd_pfn(*pmd), PTRS_PER_PMD);
			continue;
		}
		pte = pte_offset_kernel(pmd, addr);
		for (a = addr; a < next; a += PAGE_SIZE, pte++)
			if (pte_present(*pte))
				pd_mark_user_range(armed, pte_pfn(*pte), 1);
		touch_nmi_watchdog();
	}
}

/*
 * curproc: the pages the panicking process maps, found through its own
 * page tables (the user half), which need no lock the stopped CPUs may
 * hold. Kernel threads have no mm and add nothing.
 */
void pd_memory_mark_curproc(struct pd_armed *armed)
{
	struct mm_struct *mm = current->mm;
	unsigned long addr = 0, end = TASK_SIZE_MAX, next, pnext;
	pgd_t *pgd;

	if (!armed->curproc.bitmap)
		return;
	memset(armed->curproc.bitmap, 0, armed->curproc.bytes);
	if (!mm)
		return;
	for (pgd = pgd_offset(mm, addr); addr < end; pgd++, addr = next) {
		p4d_t *p4d;
		pud_t *pud;
		unsigned long a;

		next = pgd_addr_end(addr, end);
		if (pgd_none(*pgd) || pgd_bad(*pgd))
			continue;
		p4d = p4d_offset(pgd, addr);
		if (p4d_none(*p4d) || p4d_bad(*p4d))
			continue;
		pud = pud_offset(p4d, addr);
		for (a = addr; a < next; pud++, a = pnext) {
			pnext = pud_addr_end(a, next);
			if (pud_none(*pud) || !pud_present(*pud))
				continue;
			if (pud_leaf(*pud))
				pd_mark_user_range(armed, pud_pfn(*pud),
						   PTRS_PER_PUD * PTRS_PER_PMD);
			else
				pd_walk_pmd(armed, pud, a, pnext);
		}
	}
}

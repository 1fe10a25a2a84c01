// SPDX-License-Identifier: GPL-2.0
/*
 * The memory image: a kdump-compressed vmcore written straight into the
 * KDUMP section, so that savecore only has to copy it out.
 *
 * Pass 1 reads only struct page: it marks RAM in bitmap 1 and the pages
 * to dump in bitmap 2, which fixes the size of the page_desc table and
 * so where page data starts. Pass 2 copies each marked page out of the
 * direct map, compresses it, and appends data and desc. The kdump header
 * says INCOMPLETE until everything else is on the device.
 */
#include <linux/highmem.h>
#include <linux/lzo.h>
#include <linux/mm.h>
#include <linux/nmi.h>
#include <linux/page-flags.h>
#include <linux/hugetlb.h>
#include <linux/sched.h>
#include <linux/sched/mm.h>
#include <linux/uaccess.h>
#include <linux/utsname.h>
#include <linux/timekeeping.h>
#include <asm/page.h>
#include <asm/pgtable.h>

#include "pd_internal.h"
#include "pd_image.h"
#include "pd_kcompat.h"

/* Can the page be read through the direct map without faulting? */
bool pd_page_readable(unsigned long pfn)
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
 * What "kernel" content leaves out: free pages, page cache and user
 * pages, as makedumpfile -d 31 does (all-zero pages are stored once, in
 * pass 2). The page flag helpers resolve compound pages to their head.
 */
static bool pd_page_is_user_or_cache(struct page *page)
{
	/*
	 * Typed kernel pages overlay ->mapping with their own fields (a
	 * slab's per-CPU partial count in 6.12), so PageAnon() means
	 * nothing for them: settle them first, as makedumpfile does.
	 */
	if (PageSlab(page) || PageTable(page) || PageReserved(page))
		return false;
	if (PageAnon(page) || PageHuge(page))
		return true;
	return PageLRU(page) || folio_test_swapcache(page_folio(page));
}

/* Returns how many PFNs from pfn on share the verdict in *dump. */
static unsigned long pd_classify(u32 content, unsigned long pfn,
				 unsigned long end, bool *dump)
{
	struct page *page;
	unsigned long order;

	*dump = false;
	if (!pd_page_readable(pfn))
		return 1;
	if (content == PD_CONTENT_ALL) {
		*dump = true;
		return 1;
	}
	page = pfn_to_page(pfn);
	if (PageBuddy(page)) {
		order = page_private(page);
		if (order > PD_MAX_BUDDY_ORDER)
			return 1;
		return min(1UL << order, end - pfn);
	}
	*dump = !pd_page_is_user_or_cache(page);
	return 1;
}

/* What "kernel" content keeps, for pd_pages.c to write those pages first. */
unsigned long pd_kernel_run(unsigned long pfn, unsigned long end, bool *kernel)
{
	return pd_classify(PD_CONTENT_KERNEL, pfn, end, kernel);
}

static bool pd_pfn_is_ram(struct pd_ctx *ctx, unsigned long pfn)
{
	unsigned int r;

	for (r = 0; r < ctx->nr_ranges; r++)
		if (pfn >= ctx->ranges[r].start_pfn &&
		    pfn < ctx->ranges[r].end_pfn)
			return true;
	return false;
}

/* Marks pages [pfn, pfn + n) for curproc; returns how many were new. */
static u64 pd_mark_user_range(struct pd_ctx *ctx, unsigned long pfn,
			      unsigned long n)
{
	u64 added = 0;

	for (; n; n--, pfn++) {
		if (!pd_pfn_is_ram(ctx, pfn) || !pd_page_readable(pfn) ||
		    kdump_bitmap_test(ctx->bitmap2, pfn))
			continue;
		kdump_bitmap_set(ctx->bitmap2, pfn);
		added++;
	}
	return added;
}

static u64 pd_walk_pmd(struct pd_ctx *ctx, pud_t *pud, unsigned long addr,
		       unsigned long end)
{
	pmd_t *pmd = pmd_offset(pud, addr);
	unsigned long next;
	u64 added = 0;

	for (; addr < end; pmd++, addr = next) {
		pte_t *pte;
		unsigned long a;

		next = pmd_addr_end(addr, end);
		if (pmd_none(*pmd) || !pmd_present(*pmd))
			continue;
		if (pmd_leaf(*pmd)) {
			added += pd_mark_user_range(ctx, pmd_pfn(*pmd),
						    PTRS_PER_PMD);
			continue;
		}
		pte = pte_offset_kernel(pmd, addr);
		for (a = addr; a < next; a += PAGE_SIZE, pte++)
			if (pte_present(*pte))
				added += pd_mark_user_range(ctx, pte_pfn(*pte), 1);
		touch_nmi_watchdog();
	}
	return added;
}

/*
 * curproc: the pages the panicking process maps, found through its own
 * page tables (the user half), which need no lock the stopped CPUs may
 * hold. Kernel threads have no mm and add nothing.
 */
static u64 pd_mark_current_process(struct pd_ctx *ctx)
{
	struct mm_struct *mm = current->mm;
	unsigned long addr = 0, end = TASK_SIZE_MAX, next, pnext;
	u64 added = 0;
	pgd_t *pgd;

	if (!mm)
		return 0;
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
				added += pd_mark_user_range(ctx, pud_pfn(*pud),
							    PTRS_PER_PUD * PTRS_PER_PMD);
			else
				added += pd_walk_pmd(ctx, pud, a, pnext);
		}
	}
	return added;
}

/* Pass 1: bitmap 2; returns the number of pages to dump. */
static u64 pd_mark_pages(struct pd_ctx *ctx)
{
	u64 count = 0;
	unsigned int r;

	memset(ctx->bitmap2, 0, ctx->bitmap_bytes);
	for (r = 0; r < ctx->nr_ranges; r++) {
		unsigned long pfn = ctx->ranges[r].start_pfn;
		unsigned long end = ctx->ranges[r].end_pfn;

		while (pfn < end) {
			unsigned long n, i;
			bool dump;

			n = pd_classify(ctx->hdr.content, pfn, end, &dump);
			for (i = 0; dump && i < n; i++)
				kdump_bitmap_set(ctx->bitmap2, pfn + i);
			count += dump ? n : 0;
			pfn += n;
			if (!(pfn % (PD_TOUCH_EVERY * 64)))
				touch_nmi_watchdog();
		}
	}
	if (ctx->hdr.content == PD_CONTENT_CURPROC)
		count += pd_mark_current_process(ctx);
	return count;
}

/*
 * Bitmap 1 says which PFNs are RAM, which the ranges already tell: it is
 * generated a chunk at a time instead of being held in memory.
 */
static int pd_write_bitmap1(struct pd_ctx *ctx, u64 off)
{
	const u32 chunk = PD_DMA_META_BYTES / 2;
	struct pd_stream s;
	u64 byte;

	pd_stream_init(&s, ctx->meta_buf, PD_DMA_META_BYTES, off,
		       off + ctx->bitmap_bytes);
	for (byte = 0; byte < ctx->bitmap_bytes; byte += chunk) {
		u32 n = min_t(u64, chunk, ctx->bitmap_bytes - byte);
		unsigned long first = byte * 8, last = (byte + n) * 8;
		u8 *p = pd_stream_reserve(ctx, &s, n);
		unsigned int r;

		if (!p)
			return s.error ? s.error : -EIO;
		memset(p, 0, n);
		for (r = 0; r < ctx->nr_ranges; r++) {
			unsigned long pfn = max(ctx->ranges[r].start_pfn, first);
			unsigned long end = min(ctx->ranges[r].end_pfn, last);

			for (; pfn < end; pfn++)
				kdump_bitmap_set(p, pfn - first);
		}
		pd_stream_commit(&s, n);
	}
	return pd_stream_finish(ctx, &s);
}

static int pd_write_bitmap(struct pd_ctx *ctx, const u8 *bm, u64 off)
{
	struct pd_stream s;

	pd_stream_init(&s, ctx->meta_buf, PD_DMA_META_BYTES, off,
		       off + ctx->bitmap_bytes);
	pd_stream_put(ctx, &s, bm, ctx->bitmap_bytes);
	return pd_stream_finish(ctx, &s);
}

static int pd_write_kdump_header(struct pd_ctx *ctx, struct pd_image *im)
{
	u64 base = im->sec->offset;
	struct pd_stream s;
	struct kdump_sub_header sub;

	pd_stream_init(&s, ctx->meta_buf, PD_DMA_META_BYTES, base,
		       base + im->layout.off_bitmap1);
	/* block 0 is the header; kdump_encode_header() fills all of it */
	kdump_encode_header(pd_stream_reserve(ctx, &s, KDUMP_BLOCK_SIZE),
			    &im->layout, &im->info);
	pd_stream_commit(&s, KDUMP_BLOCK_SIZE);
	kdump_encode_sub_header(&sub, &im->layout, &im->info);
	pd_stream_put(ctx, &s, &sub, sizeof(sub));
	pd_stream_put(ctx, &s, ctx->notes, im->layout.notes_size);
	pd_stream_zero(ctx, &s, im->layout.off_bitmap1 - im->layout.off_notes -
			       im->layout.notes_size);
	return pd_stream_finish(ctx, &s);
}

static u64 pd_rank(const u8 *bm, unsigned long pfn)
{
	unsigned long i;
	u64 n = 0;

	for (i = 0; i < pfn / 8; i++)
		n += hweight8(bm[i]);
	return n + hweight8(bm[pfn / 8] & ((1U << (pfn % 8)) - 1));
}

/* The kernel image's PFNs and its first desc slot, for pd_write_pages(). */
static void pd_kernel_image_rank(struct pd_ctx *ctx, struct pd_image *im)
{
	im->ka = ctx->kimage_start_pfn;
	im->kb = ctx->kimage_end_pfn;
	if (im->kb <= im->ka || im->kb > ctx->max_pfn) {
		im->ka = 0;
		im->kb = 0;
	}
	im->image_rank = pd_rank(ctx->bitmap2, im->ka);
}

static void pd_image_info(struct pd_ctx *ctx, struct pd_image *im)
{
	struct kdump_header_info *info = &im->info;
	const struct new_utsname *u = &init_uts_ns.name;

	memset(info, 0, sizeof(*info));
	memcpy(info->utsname[0], u->sysname, KDUMP_UTS_LEN);
	memcpy(info->utsname[1], u->nodename, KDUMP_UTS_LEN);
	memcpy(info->utsname[2], u->release, KDUMP_UTS_LEN);
	memcpy(info->utsname[3], u->version, KDUMP_UTS_LEN);
	memcpy(info->utsname[4], u->machine, KDUMP_UTS_LEN);
	memcpy(info->utsname[5], u->domainname, KDUMP_UTS_LEN);
	info->crash_seconds = ctx->hdr.crash_time;
	info->nr_cpus = ctx->req.nr_cpus;
	info->current_cpu = ctx->hdr.panic_cpu;
	info->phys_base = phys_base;
	/* makedumpfile's -d mask: 31 leaves out zero, cache, user, free. */
	info->dump_level = ctx->hdr.content == PD_CONTENT_ALL ? 0 : 31;
	switch (ctx->hdr.compression) {
	case PD_COMPRESS_ZSTD:
		info->status = DUMP_DH_COMPRESSED_ZSTD;
		break;
	case PD_COMPRESS_LZO:
		info->status = DUMP_DH_COMPRESSED_LZO;
		break;
	}
}

void pd_image_write(struct pd_ctx *ctx)
{
	struct pd_image im = { };
	u64 base, nr_dump, notes_size, end;
	u32 status;

	im.sec = pd_header_section(&ctx->hdr, PD_SECT_KDUMP);
	if (!im.sec)
		return;
	base = im.sec->offset;
	ctx->hdr.dump_flags |= PD_DUMP_F_INCOMPLETE;

	pd_image_info(ctx, &im);
	notes_size = pd_notes_build(ctx, &im.info.vmcoreinfo_text_offset,
				    &im.info.vmcoreinfo_size);
	nr_dump = pd_mark_pages(ctx);
	kdump_layout_compute(&im.layout, ctx->max_pfn, notes_size, nr_dump);
	if (im.layout.off_data + PAGE_SIZE > im.sec->capacity) {
		pr_emerg("panicdump: area too small for the image metadata (%llu bytes needed)\n",
			 im.layout.off_data + PAGE_SIZE);
		return;
	}

	status = im.info.status;
	im.info.status = status | DUMP_DH_COMPRESSED_INCOMPLETE;
	if (pd_write_kdump_header(ctx, &im) ||
	    pd_write_bitmap1(ctx, base + im.layout.off_bitmap1) ||
	    pd_write_bitmap(ctx, ctx->bitmap2, base + im.layout.off_bitmap2))
		return;

	pd_kernel_image_rank(ctx, &im);
	pd_write_pages(ctx, &im);
	pd_stream_finish(ctx, &im.data);
	/* After finish, off is where the data actually written ends. */
	end = im.data.off - base;
	im.sec->length = end;
	ctx->hdr.image_bytes = end;
	pd_progress(ctx, ctx->hdr.dumped_pages, nr_dump, true);

	if (im.data.error || im.desc_error)
		return;
	im.info.status = status;
	if (!pd_write_kdump_header(ctx, &im))
		ctx->hdr.dump_flags &= ~PD_DUMP_F_INCOMPLETE;
}

// SPDX-License-Identifier: GPL-2.0
/*
 * Pass 2: every page marked in bitmap 2 gets a page_desc, at the slot of
 * its rank, and its data, compressed, in the data area.
 *
 * Readers find a page's desc by its rank, but nothing orders the data, so
 * what an analyzer needs goes first, in rounds: the kernel image; then,
 * for content all and curproc, every page "kernel" content keeps; then
 * the rest. When the area is too small or the dump stops, what is cut is
 * ordinary or user memory, and crash still opens the dump. The table is
 * zeroed first and then filled in place a window at a time (read, fill,
 * write back): a desc still all zero belongs to a page no round has
 * written yet, so the table never holds stale entries, however early the
 * dump stops.
 */
#include <linux/mm.h>
#include <linux/moduleparam.h>
#include <linux/nmi.h>
#include <linux/lzo.h>
#include <linux/string.h>
#include <linux/uaccess.h>

#include "pd_image.h"

#define PD_DESC_BYTES	sizeof(struct kdump_page_desc)

/*
 * Fault injection for the tests: an oops inside the dump after this many
 * pages, to check that a fault during the dump still ends in a reboot and
 * a dump savecore saves as incomplete. 0, the default, is off.
 */
static unsigned long test_fault_after_pages;
module_param(test_fault_after_pages, ulong, 0600);
MODULE_PARM_DESC(test_fault_after_pages,
		 "testing only: oops in the dump after this many pages (0: off)");

#define PD_WIN_SLOTS	(PD_DMA_DESC_BYTES / PD_DESC_BYTES)

static u64 pd_win_off(const struct pd_image *im, u64 first)
{
	return im->sec->offset + im->layout.off_desc + first * PD_DESC_BYTES;
}

/* Whole blocks: the table ends on one, and 4 KiB-sector disks need them. */
static u32 pd_win_bytes(u64 count)
{
	return round_up(count * PD_DESC_BYTES, (u64)KDUMP_BLOCK_SIZE);
}

/* Writes the window back if a round filled any of its slots. */
static int pd_win_flush(struct pd_ctx *ctx, struct pd_image *im)
{
	int ret;

	if (im->desc_error || !im->win_dirty)
		return im->desc_error;
	ret = pd_area_write(ctx, pd_win_off(im, im->win_first), ctx->desc_buf,
			    pd_win_bytes(im->win_count));
	if (ret)
		im->desc_error = ret;
	im->win_dirty = false;
	return ret;
}

static void pd_checkpoint(struct pd_ctx *ctx, struct pd_image *im);

/*
 * The desc of a slot, its window loaded first if need be; NULL once the
 * table cannot be written. Windows no round has written to are known to
 * be zero and are not read.
 */
static struct kdump_page_desc *pd_win_desc(struct pd_ctx *ctx,
					   struct pd_image *im, u64 slot)
{
	u64 first;
	u32 rem;
	int ret = 0;

	div_u64_rem(slot, PD_WIN_SLOTS, &rem);
	first = slot - rem;

	if (im->desc_error)
		return NULL;
	if (!im->win_count || first != im->win_first) {
		/* Descs go out with their data and the length that covers it. */
		if (im->win_dirty)
			pd_checkpoint(ctx, im);
		if (im->desc_error)
			return NULL;
		im->win_first = first;
		im->win_count = min_t(u64, PD_WIN_SLOTS,
				      im->layout.nr_dumpable - first);
		if (first < im->written_hi &&
		    first + im->win_count > im->written_lo)
			ret = pd_area_read(ctx, pd_win_off(im, first),
					   ctx->desc_buf,
					   pd_win_bytes(im->win_count));
		else
			memset(ctx->desc_buf, 0, pd_win_bytes(im->win_count));
		if (ret) {
			im->desc_error = ret;
			im->win_count = 0;
			return NULL;
		}
	}
	return (struct kdump_page_desc *)ctx->desc_buf + (slot - first);
}

static void pd_set_desc(struct pd_ctx *ctx, struct pd_image *im,
			struct kdump_page_desc *d, u64 slot, u64 off, u32 size,
			u32 flags)
{
	d->offset = off;
	d->size = size;
	d->flags = flags;
	d->page_flags = 0;
	im->win_dirty = true;
	im->written_lo = min(im->written_lo, slot);
	im->written_hi = max(im->written_hi, slot + 1);
	ctx->hdr.dumped_pages++;
}

/* Compresses ctx->page_buf into the data stream; 0 when out of room. */
static u32 pd_compress_page(struct pd_ctx *ctx, struct pd_image *im,
			    u32 *flags)
{
	size_t bound = PAGE_SIZE + PAGE_SIZE / 16 + 64 + 3;
	u8 *dst = pd_stream_reserve(ctx, &im->data, bound);
	size_t n = 0;

	if (!dst)
		return 0;
	*flags = 0;
	switch (ctx->hdr.compression) {
	case PD_COMPRESS_ZSTD:
		n = zstd_compress_cctx(ctx->cctx, dst, bound, ctx->page_buf,
				       PAGE_SIZE, &ctx->zparams);
		if (zstd_is_error(n))
			n = 0;
		*flags = DUMP_DH_COMPRESSED_ZSTD;
		break;
	case PD_COMPRESS_LZO:
		if (lzo1x_1_compress(ctx->page_buf, PAGE_SIZE, dst, &n,
				     ctx->lzo_wksp) != LZO_E_OK)
			n = 0;
		*flags = DUMP_DH_COMPRESSED_LZO;
		break;
	}
	/* Readers want raw pages stored raw, exactly one block long. */
	if (!n || n >= PAGE_SIZE) {
		memcpy(dst, ctx->page_buf, PAGE_SIZE);
		n = PAGE_SIZE;
		*flags = 0;
	}
	pd_stream_commit(&im->data, n);
	return n;
}

/* Copies one page out, compresses and stores it, and fills its desc. */
static void pd_dump_page(struct pd_ctx *ctx, struct pd_image *im,
			 unsigned long pfn, struct kdump_page_desc *d, u64 slot)
{
	u64 pos;
	u32 size, flags;

	if (copy_mc_to_kernel(ctx->page_buf, __va(PFN_PHYS(pfn)), PAGE_SIZE)) {
		/* A memory error: keep the page's place, say it is unreadable. */
		memset(ctx->page_buf, 0xfd, PAGE_SIZE);
		ctx->hdr.skipped_pages++;
	}
	if (!memchr_inv(ctx->page_buf, 0, PAGE_SIZE)) {
		/* Stored once, as makedumpfile does; readers need the desc. */
		ctx->hdr.zero_pages++;
		pd_set_desc(ctx, im, d, slot, im->zero_desc_off, PAGE_SIZE, 0);
		return;
	}
	pos = pd_stream_pos(&im->data) - im->sec->offset;
	size = pd_compress_page(ctx, im, &flags);
	/* 0: the data area is full; the desc stays "not in the dump". */
	if (size)
		pd_set_desc(ctx, im, d, slot, pos, size, flags);
}

/*
 * Every progress line and window, make what is on the device a dump
 * savecore can save should this one stop here: whole sectors of data,
 * then the descs filled so far, then the header's image length where
 * the data ends.
 */
static void pd_checkpoint(struct pd_ctx *ctx, struct pd_image *im)
{
	/* Full (-ENOSPC), the data stream wrote all it held before stopping. */
	if (pd_stream_sync(ctx, &im->data) && im->data.error != -ENOSPC)
		return;
	if (pd_win_flush(ctx, im))
		return;
	im->sec->length = im->data.off - im->sec->offset;
	ctx->hdr.image_bytes = im->sec->length;
	pd_write_header(ctx);
}

static bool pd_stopped(const struct pd_image *im)
{
	return im->desc_error || im->data.error;
}

/* Writes the page at slot unless an earlier round did. */
static void pd_write_one(struct pd_ctx *ctx, struct pd_image *im,
			 unsigned long pfn, u64 slot)
{
	struct kdump_page_desc *d = pd_win_desc(ctx, im, slot);

	/* Every stored page has a size; an all-zero desc is still to do. */
	if (!d || d->size)
		return;
	if (unlikely(test_fault_after_pages &&
		     im->done == test_fault_after_pages))
		*(volatile unsigned long *)NULL = pfn;
	pd_dump_page(ctx, im, pfn, d, slot);
	if (!(++im->done % PD_TOUCH_EVERY)) {
		touch_nmi_watchdog();
		if (pd_progress(ctx, im->done, im->layout.nr_dumpable, false))
			pd_checkpoint(ctx, im);
	}
}

/*
 * One round over the marked pages of [start, end), whose first has desc
 * slot "slot": those not yet written, and with kernel_only only those
 * "kernel" content keeps.
 */
static void pd_round(struct pd_ctx *ctx, struct pd_image *im,
		     unsigned long start, unsigned long end, u64 slot,
		     bool kernel_only)
{
	unsigned int r;

	for (r = 0; r < ctx->nr_ranges; r++) {
		unsigned long pfn = max(ctx->ranges[r].start_pfn, start);
		unsigned long stop = min(ctx->ranges[r].end_pfn, end);

		while (pfn < stop && !pd_stopped(im)) {
			unsigned long n = 1;
			bool due = true;

			if (kernel_only)
				n = pd_kernel_run(pfn, stop, &due);
			for (; n && !pd_stopped(im); n--, pfn++) {
				if (!kdump_bitmap_test(ctx->bitmap2, pfn))
					continue;
				if (due)
					pd_write_one(ctx, im, pfn, slot);
				slot++;
			}
		}
	}
	pd_checkpoint(ctx, im);
}

void pd_write_pages(struct pd_ctx *ctx, struct pd_image *im)
{
	u64 desc_base = im->sec->offset + im->layout.off_desc;
	u64 desc_end = im->sec->offset + im->layout.off_data;
	struct pd_stream zero;

	pd_stream_init(&im->data, ctx->data_buf, PD_DMA_DATA_BYTES,
		       im->sec->offset + im->layout.off_data,
		       im->sec->offset + im->sec->capacity);
	/* makedumpfile's pd_zero: one raw zero page all zero descs share. */
	im->zero_desc_off = im->layout.off_data;
	pd_stream_zero(ctx, &im->data, PAGE_SIZE);

	/*
	 * A dump that dies half-way (a second fault, power) must not leave
	 * an earlier dump's descs in the slots it never reached.
	 */
	pd_stream_init(&zero, ctx->desc_buf, PD_DMA_DESC_BYTES, desc_base,
		       desc_end);
	pd_stream_zero(ctx, &zero, im->layout.nr_dumpable * PD_DESC_BYTES);
	im->desc_error = pd_stream_finish(ctx, &zero);
	im->written_lo = U64_MAX;
	im->written_hi = 0;

	if (im->kb > im->ka)
		pd_round(ctx, im, im->ka, im->kb, im->image_rank, false);
	if (ctx->hdr.content != PD_CONTENT_KERNEL)
		pd_round(ctx, im, 0, ULONG_MAX, 0, true);
	pd_round(ctx, im, 0, ULONG_MAX, 0, false);
}

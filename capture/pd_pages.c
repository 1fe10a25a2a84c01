// SPDX-License-Identifier: GPL-2.0
/*
 * Pass 2: every page marked in bitmap 2 gets a page_desc, at the slot of
 * its rank, and its data, compressed, in the data area.
 *
 * Readers find a page's desc by its rank, but nothing orders the data,
 * so the kernel image goes first: when the area is too small, what is cut
 * is ordinary memory, and crash can still start and show the log. The
 * table is zeroed first and, once the data area is full, every further
 * page gets an empty desc (offset 0: "not in the dump"), so it never
 * holds stale entries, even when the dump stops half-way.
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

/* The desc-table bytes of [rank_a, rank_b) that share a sector with others. */
static void pd_splice_bounds(const struct pd_image *im, u64 *head_hi,
			     u64 *tail_lo)
{
	u64 a_lo = im->rank_a * PD_DESC_BYTES, a_hi = im->rank_b * PD_DESC_BYTES;

	*head_hi = min(round_up(a_lo, (u64)PD_SECTOR_SIZE), a_hi);
	*tail_lo = max(round_down(a_hi, (u64)PD_SECTOR_SIZE), *head_hi);
}

static void pd_copy_overlap(u8 *dst, u64 dst_lo, u64 dst_hi, const void *src,
			    u64 src_lo, u64 len)
{
	u64 lo = max(dst_lo, src_lo), hi = min(dst_hi, src_lo + len);

	if (lo < hi)
		memcpy(dst + (lo - dst_lo), (const u8 *)src + (lo - src_lo),
		       hi - lo);
}

static void pd_put_desc(struct pd_ctx *ctx, struct pd_image *im, u64 off,
			u32 size, u32 flags)
{
	struct kdump_page_desc d = {
		.offset = off, .size = size, .flags = flags, .page_flags = 0,
	};
	u64 at = im->slot * PD_DESC_BYTES, head_hi, tail_lo;

	if (im->in_kernel_image) {
		pd_splice_bounds(im, &head_hi, &tail_lo);
		pd_copy_overlap(ctx->splice_head, im->rank_a * PD_DESC_BYTES,
				head_hi, &d, at, sizeof(d));
		pd_copy_overlap(ctx->splice_tail, tail_lo,
				im->rank_b * PD_DESC_BYTES, &d, at, sizeof(d));
	}
	pd_stream_put(ctx, &im->desc, &d, sizeof(d));
	im->slot++;
	if (off)
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

static void pd_dump_page(struct pd_ctx *ctx, struct pd_image *im,
			 unsigned long pfn)
{
	u64 pos;
	u32 size, flags;

	if (im->data.error) {
		pd_put_desc(ctx, im, 0, 0, 0);
		return;
	}
	if (copy_mc_to_kernel(ctx->page_buf, __va(PFN_PHYS(pfn)), PAGE_SIZE)) {
		/* A memory error: keep the page's place, say it is unreadable. */
		memset(ctx->page_buf, 0xfd, PAGE_SIZE);
		ctx->hdr.skipped_pages++;
	}
	if (!memchr_inv(ctx->page_buf, 0, PAGE_SIZE)) {
		/* Stored once, as makedumpfile does; readers need the desc. */
		ctx->hdr.zero_pages++;
		pd_put_desc(ctx, im, im->zero_desc_off, PAGE_SIZE, 0);
		return;
	}
	pos = pd_stream_pos(&im->data) - im->sec->offset;
	size = pd_compress_page(ctx, im, &flags);
	pd_put_desc(ctx, im, size ? pos : 0, size, flags);
}

/*
 * Every progress line, make what is on the device a dump savecore can
 * save should this one stop here: whole sectors of descs and data
 * written, and the header's image length where the data ends.
 */
static void pd_checkpoint(struct pd_ctx *ctx, struct pd_image *im)
{
	if (pd_stream_sync(ctx, &im->desc) || pd_stream_sync(ctx, &im->data))
		return;
	im->sec->length = im->data.off - im->sec->offset;
	ctx->hdr.image_bytes = im->sec->length;
	pd_write_header(ctx);
}

/* The marked pages of [start, end), in PFN order. */
static void pd_write_range(struct pd_ctx *ctx, struct pd_image *im,
			   unsigned long start, unsigned long end)
{
	unsigned int r;

	for (r = 0; r < ctx->nr_ranges; r++) {
		unsigned long pfn = max(ctx->ranges[r].start_pfn, start);
		unsigned long stop = min(ctx->ranges[r].end_pfn, end);

		for (; pfn < stop && !im->desc.error; pfn++) {
			if (!kdump_bitmap_test(ctx->bitmap2, pfn))
				continue;
			if (unlikely(test_fault_after_pages &&
				     im->done == test_fault_after_pages))
				*(volatile unsigned long *)NULL = pfn;
			pd_dump_page(ctx, im, pfn);
			if (!(++im->done % PD_TOUCH_EVERY)) {
				touch_nmi_watchdog();
				if (pd_progress(ctx, im->done,
						im->layout.nr_dumpable, false))
					pd_checkpoint(ctx, im);
			}
		}
	}
}

/* Writes the kernel image's shared desc bytes and skips over the rest. */
static void pd_splice_kernel_image(struct pd_ctx *ctx, struct pd_image *im)
{
	u64 desc_base = im->sec->offset + im->layout.off_desc;
	u64 a_lo = im->rank_a * PD_DESC_BYTES, a_hi = im->rank_b * PD_DESC_BYTES;
	u64 head_hi, tail_lo;

	pd_splice_bounds(im, &head_hi, &tail_lo);
	pd_stream_put(ctx, &im->desc, ctx->splice_head, head_hi - a_lo);
	if (tail_lo > head_hi) {
		pd_stream_seek(ctx, &im->desc, desc_base + tail_lo);
		pd_stream_put(ctx, &im->desc, ctx->splice_tail, a_hi - tail_lo);
	}
	im->slot = im->rank_b;
}

void pd_write_pages(struct pd_ctx *ctx, struct pd_image *im)
{
	u64 desc_base = im->sec->offset + im->layout.off_desc;
	u64 desc_end = im->sec->offset + im->layout.off_data;
	bool first = im->rank_b > im->rank_a;

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
	pd_stream_init(&im->desc, ctx->desc_buf, PD_DMA_DESC_BYTES, desc_base,
		       desc_end);
	pd_stream_zero(ctx, &im->desc, im->layout.nr_dumpable * PD_DESC_BYTES);
	if (pd_stream_finish(ctx, &im->desc))
		return;

	if (first) {
		u64 a_lo = im->rank_a * PD_DESC_BYTES;

		pd_stream_init(&im->desc, ctx->desc_buf, PD_DMA_DESC_BYTES,
			       desc_base + round_down(a_lo, (u64)PD_SECTOR_SIZE),
			       desc_end);
		/* Other pages' slots: written again after the splice. */
		pd_stream_zero(ctx, &im->desc, a_lo % PD_SECTOR_SIZE);
		im->slot = im->rank_a;
		im->in_kernel_image = true;
		pd_write_range(ctx, im, im->ka, im->kb);
		im->in_kernel_image = false;
		pd_stream_finish(ctx, &im->desc);
		if (im->desc.error)
			return;
		/* From here on, a dump that stops still has the whole image. */
		pd_checkpoint(ctx, im);
	}

	pd_stream_init(&im->desc, ctx->desc_buf, PD_DMA_DESC_BYTES, desc_base,
		       desc_end);
	im->slot = 0;
	if (!first) {
		pd_write_range(ctx, im, 0, ULONG_MAX);
		return;
	}
	pd_write_range(ctx, im, 0, im->ka);
	pd_splice_kernel_image(ctx, im);
	pd_write_range(ctx, im, im->kb, ULONG_MAX);
}

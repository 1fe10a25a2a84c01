// SPDX-License-Identifier: GPL-2.0
/*
 * Pass 2: every page marked in bitmap 2 gets a page desc, at the slot of
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
 * dump stops. Bitmap 2 is read back from the device the same way.
 */
#include "pd_image.h"
#include "pd_classify.h"

#define PD_DESC_BYTES	sizeof(struct kdump_page_desc)

static u64 pd_win_slots(const struct pd_image *im)
{
	return im->d->buf.desc_bytes / PD_DESC_BYTES;
}

static u64 pd_win_off(const struct pd_image *im, u64 first)
{
	return im->sec->offset + im->layout.off_desc + first * PD_DESC_BYTES;
}

/* Whole blocks: the table ends on one. */
static u32 pd_win_bytes(u64 count)
{
	return round_up(count * PD_DESC_BYTES, (u64)KDUMP_BLOCK_SIZE);
}

static void pd_rounds_stop(struct pd_image *im, int err)
{
	if (!im->stop)
		im->stop = err;
}

static bool pd_stopped(const struct pd_image *im)
{
	return im->stop || im->data.error;
}

/* Writes the window back if a round filled any of its slots. */
static int pd_win_flush(struct pd_image *im)
{
	int ret;

	if (im->stop || !im->win_dirty)
		return im->stop;
	ret = pd_area_write(&im->d->area, pd_win_off(im, im->win_first),
			    im->d->buf.desc, pd_win_bytes(im->win_count));
	if (ret)
		pd_rounds_stop(im, ret);
	im->win_dirty = false;
	return ret;
}

/*
 * Every progress line and window, make what is on the device a dump
 * savecore can save should this one stop here: the data put so far,
 * then the header's image length that covers it, then the descs that
 * point into it. In that order a stop between any two writes leaves no
 * desc pointing past the image length on the device.
 */
static void pd_checkpoint(struct pd_image *im)
{
	int ret;

	/* Full (-ENOSPC), the data stream wrote all it held before stopping. */
	if (pd_stream_sync(&im->data) && im->data.error != -ENOSPC)
		return;
	if (im->stop)
		return;
	im->sec->length = pd_stream_pos(&im->data) - im->sec->offset;
	if (im->data.error)
		im->sec->length = im->data.off - im->sec->offset;
	im->d->hdr->image_bytes = im->sec->length;
	/*
	 * Its own error, not the area's: on a swap area a header write
	 * first reads back the swap header, and a failed read leaves the
	 * area writable, yet the descs must not go out after a header that
	 * did not, nor the dump go on as if they had.
	 */
	ret = pd_header_write(im->hio);
	if (ret) {
		pd_rounds_stop(im, ret);
		return;
	}
	pd_win_flush(im);
}

/*
 * The desc of a slot, its window loaded first if need be; NULL once the
 * table cannot be written. Windows no round has written to are known to
 * be zero and are not read.
 */
static struct kdump_page_desc *pd_win_desc(struct pd_image *im, u64 slot)
{
	u64 first = slot - slot % pd_win_slots(im);
	struct pd_area *a = &im->d->area;
	int ret = 0;

	if (im->stop)
		return NULL;
	if (!im->win_count || first != im->win_first) {
		/* Descs go out with their data and the length that covers it. */
		if (im->win_dirty)
			pd_checkpoint(im);
		if (im->stop)
			return NULL;
		im->win_first = first;
		im->win_count = min_t(u64, pd_win_slots(im),
				      im->layout.nr_dumpable - first);
		if (first < im->written_hi &&
		    first + im->win_count > im->written_lo)
			ret = pd_area_read(a, pd_win_off(im, first),
					   im->d->buf.desc,
					   pd_win_bytes(im->win_count));
		else
			memset(im->d->buf.desc, 0, pd_win_bytes(im->win_count));
		if (ret) {
			pd_area_read_failed(a, ret);
			pd_rounds_stop(im, ret);
			im->win_count = 0;
			return NULL;
		}
	}
	return (struct kdump_page_desc *)im->d->buf.desc + (slot - first);
}

/* Loads the window of bitmap 2 that holds byte; false on a read error. */
static bool pd_bm_load(struct pd_image *im, u64 byte)
{
	struct pd_dump *d = im->d;
	int ret;

	if (im->bm_bytes && byte >= im->bm_first &&
	    byte < im->bm_first + im->bm_bytes)
		return true;
	im->bm_first = round_down(byte, (u64)d->buf.meta_bytes);
	im->bm_bytes = min_t(u64, d->buf.meta_bytes,
			     im->layout.bitmap_bytes - im->bm_first);
	ret = pd_area_read(&d->area, im->sec->offset + im->layout.off_bitmap2 +
			   im->bm_first, d->buf.meta, im->bm_bytes);
	if (ret) {
		pd_area_read_failed(&d->area, ret);
		pd_rounds_stop(im, ret);
		im->bm_bytes = 0;
		return false;
	}
	return true;
}

/* The first PFN in [pfn, end) marked in bitmap 2, or end. */
static u64 pd_bm_next(struct pd_image *im, u64 pfn, u64 end)
{
	while (pfn < end) {
		u8 b;

		if (!pd_bm_load(im, pfn / 8))
			return end;
		b = im->d->buf.meta[pfn / 8 - im->bm_first];
		if (!(pfn % 8) && !b) {
			pfn += 8;	/* an empty byte: eight PFNs at once */
			continue;
		}
		if ((b >> (pfn % 8)) & 1)
			return pfn;
		pfn++;
	}
	return end;
}

static void pd_set_desc(struct pd_image *im, struct kdump_page_desc *desc,
			u64 slot, u64 off, u32 size, u32 flags)
{
	desc->offset = off;
	desc->size = size;
	desc->flags = flags;
	desc->page_flags = 0;
	im->win_dirty = true;
	im->written_lo = min(im->written_lo, slot);
	im->written_hi = max(im->written_hi, slot + 1);
	im->d->hdr->dumped_pages++;
}

/* Compresses buf.page into the data stream; 0 when out of room. */
static u32 pd_compress_page(struct pd_image *im, u32 *flags)
{
	struct pd_dump *d = im->d;
	size_t bound = PD_PAGE_SIZE + PD_PAGE_SIZE / 16 + 64 + 3;
	u8 *dst = (u8 *)pd_stream_reserve(&im->data, bound);
	size_t n = 0;

	if (!dst)
		return 0;
	*flags = d->comp.desc_flags;
	if (d->comp.compress)
		n = d->comp.compress(d->comp.priv, d->buf.page, dst, bound);
	/* Readers want raw pages stored raw, exactly one block long. */
	if (!n || n >= PD_PAGE_SIZE) {
		memcpy(dst, d->buf.page, PD_PAGE_SIZE);
		n = PD_PAGE_SIZE;
		*flags = 0;
	}
	pd_stream_commit(&im->data, n);
	return n;
}

/* Copies one page out, compresses and stores it, and fills its desc. */
static void pd_dump_page(struct pd_image *im, u64 pfn,
			 struct kdump_page_desc *desc, u64 slot)
{
	struct pd_dump *d = im->d;
	u64 pos;
	u32 size, flags;

	if (d->src.ops->read(d->src.priv, pfn, d->buf.page)) {
		/* A memory error: keep the page's place, say it is unreadable. */
		memset(d->buf.page, 0xfd, PD_PAGE_SIZE);
		d->hdr->skipped_pages++;
	}
	if (!pd_memchr_inv_zero(d->buf.page, PD_PAGE_SIZE)) {
		/* Stored once, as makedumpfile does; readers need the desc. */
		d->hdr->zero_pages++;
		pd_set_desc(im, desc, slot, im->zero_desc_off, PD_PAGE_SIZE, 0);
		return;
	}
	pos = pd_stream_pos(&im->data) - im->sec->offset;
	size = pd_compress_page(im, &flags);
	/* 0: the data area is full; the desc stays "not in the dump". */
	if (size)
		pd_set_desc(im, desc, slot, pos, size, flags);
}

/* Writes the page at slot unless an earlier round did. */
static void pd_write_one(struct pd_image *im, u64 pfn, u64 slot)
{
	struct pd_dump *d = im->d;
	struct kdump_page_desc *desc = pd_win_desc(im, slot);

	/* Every stored page has a size; an all-zero desc is still to do. */
	if (!desc || desc->size)
		return;
	if (d->hooks.before_page)
		d->hooks.before_page(d->hooks.priv, im->done);
	pd_dump_page(im, pfn, desc, slot);
	if (!(++im->done % PD_TOUCH_EVERY)) {
		if (d->src.ops->touch)
			d->src.ops->touch(d->src.priv);
		if (d->hooks.progress &&
		    d->hooks.progress(d->hooks.priv, im->done,
				      im->layout.nr_dumpable,
				      d->area.bytes_written))
			pd_checkpoint(im);
	}
}

/*
 * One round over the marked pages of [start, end), whose first has desc
 * slot "slot": those not yet written, and with kernel_only only those
 * "kernel" content keeps.
 */
static void pd_round(struct pd_image *im, u32 round, u64 start, u64 end,
		     u64 slot, bool kernel_only)
{
	const struct pd_page_source *src = &im->d->src;
	u64 run;
	u32 r;

	im->d->errors.stage = PD_STAGE_ROUND;
	im->d->errors.round = round;
	for (r = 0; r < src->nr_ranges && !pd_stopped(im); r++) {
		u64 pfn = max(src->ranges[r].start_pfn, start);
		u64 stop = min(src->ranges[r].end_pfn, end);

		for (; pfn < stop && !pd_stopped(im); pfn++) {
			pfn = pd_bm_next(im, pfn, stop);
			if (pfn >= stop)
				break;
			if (!kernel_only ||
			    pd_classify_run(src, PD_CONTENT_KERNEL, pfn,
					    pfn + 1, &run))
				pd_write_one(im, pfn, slot);
			slot++;
		}
	}
	pd_checkpoint(im);
}

void pd_rounds_write(struct pd_image *im)
{
	struct pd_dump *d = im->d;
	u64 desc_base = im->sec->offset + im->layout.off_desc;
	u64 desc_end = im->sec->offset + im->layout.off_data;
	struct pd_stream zero;

	pd_stream_init(&im->data, &d->area, d->buf.data, d->buf.data_bytes,
		       im->sec->offset + im->layout.off_data,
		       im->sec->offset + im->sec->capacity);
	/* makedumpfile's pd_zero: one raw zero page all zero descs share. */
	im->zero_desc_off = im->layout.off_data;
	pd_stream_zero(&im->data, PD_PAGE_SIZE);

	/*
	 * A dump that dies half-way (a second fault, power) must not leave
	 * an earlier dump's descs in the slots it never reached.
	 */
	pd_stream_init(&zero, &d->area, d->buf.desc, d->buf.desc_bytes,
		       desc_base, desc_end);
	pd_stream_zero(&zero, im->layout.nr_dumpable * PD_DESC_BYTES);
	im->stop = pd_stream_finish(&zero);
	im->written_lo = U64_MAX;
	im->written_hi = 0;

	if (im->kb > im->ka)
		pd_round(im, 1, im->ka, im->kb, im->image_rank, false);
	if (d->hdr->content != PD_CONTENT_KERNEL)
		pd_round(im, 2, 0, U64_MAX, 0, true);
	pd_round(im, 3, 0, U64_MAX, 0, false);
}

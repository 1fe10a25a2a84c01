// SPDX-License-Identifier: GPL-2.0
/*
 * The memory image: a kdump-compressed vmcore written straight into the
 * KDUMP section, so that savecore only has to copy it out.
 *
 * Pass 1 reads only page flags: it writes bitmap 1 (RAM) and bitmap 2
 * (pages to dump) a window at a time and counts the pages to dump, which
 * fixes the size of the page desc table and so where page data starts.
 * Pass 2 (pd_rounds.c) stores the pages. The kdump header says
 * INCOMPLETE until everything else is on the device.
 */
#include "pd_image.h"
#include "pd_classify.h"

/* Bitmap bytes generated per step: half the buffer, so reserve() fits. */
static u32 pd_bitmap_chunk(const struct pd_dump *d)
{
	return d->buf.meta_bytes / 2;
}

static void pd_bitmap1_chunk(const struct pd_page_source *src, u8 *p,
			     u64 first, u64 last)
{
	u32 r;

	for (r = 0; r < src->nr_ranges; r++) {
		u64 pfn = max(src->ranges[r].start_pfn, first);
		u64 end = min(src->ranges[r].end_pfn, last);

		for (; pfn < end; pfn++)
			kdump_bitmap_set(p, pfn - first);
	}
}

/* Marks the dumped PFNs of [first, last) in p; returns how many. */
static u64 pd_bitmap2_chunk(struct pd_image *im, u8 *p, u64 first, u64 last)
{
	const struct pd_page_source *src = &im->d->src;
	u32 content = im->d->hdr->content;
	u64 count = 0, run, i;
	u32 r;

	for (r = 0; r < src->nr_ranges; r++) {
		u64 pfn = max(src->ranges[r].start_pfn, first);
		u64 end = min(src->ranges[r].end_pfn, last);

		while (pfn < end) {
			bool keep = pd_classify_run(src, content, pfn, end,
						    &run);

			for (i = 0; keep && i < run; i++) {
				kdump_bitmap_set(p, pfn + i - first);
				if (pfn + i < im->ka)
					im->image_rank++;
				count++;
			}
			pfn += run;
		}
	}
	if (src->ops->touch)
		src->ops->touch(src->priv);
	return count;
}

/*
 * Both bitmaps, generated a chunk at a time and written in place; returns
 * the number of pages to dump, or a negative error.
 */
static s64 pd_write_bitmaps(struct pd_image *im)
{
	struct pd_dump *d = im->d;
	u64 base = im->sec->offset, bytes = im->layout.bitmap_bytes;
	const u32 chunk = pd_bitmap_chunk(d);
	struct pd_stream s;
	u64 byte, count = 0;
	int which;

	for (which = 1; which <= 2; which++) {
		u64 off = base + (which == 1 ? im->layout.off_bitmap1 :
				  im->layout.off_bitmap2);

		pd_stream_init(&s, &d->area, d->buf.meta, d->buf.meta_bytes,
			       off, off + bytes);
		for (byte = 0; byte < bytes; byte += chunk) {
			u32 n = min_t(u64, chunk, bytes - byte);
			u8 *p = pd_stream_reserve(&s, n);

			if (!p)
				return s.error ? s.error : -EIO;
			memset(p, 0, n);
			if (which == 1)
				pd_bitmap1_chunk(&d->src, p, byte * 8,
						 (byte + n) * 8);
			else
				count += pd_bitmap2_chunk(im, p, byte * 8,
							  (byte + n) * 8);
			pd_stream_commit(&s, n);
		}
		if (pd_stream_finish(&s))
			return s.error;
	}
	return count;
}

static int pd_write_kdump_header(struct pd_image *im)
{
	struct pd_dump *d = im->d;
	u64 base = im->sec->offset;
	struct kdump_sub_header sub;
	struct pd_stream s;
	void *block0;

	pd_stream_init(&s, &d->area, d->buf.meta, d->buf.meta_bytes, base,
		       base + im->layout.off_bitmap1);
	block0 = pd_stream_reserve(&s, KDUMP_BLOCK_SIZE);
	if (!block0)
		return s.error ? s.error : -ENOSPC;
	/* block 0 is the header; kdump_encode_header() fills all of it */
	kdump_encode_header(block0, &im->layout, &d->info);
	pd_stream_commit(&s, KDUMP_BLOCK_SIZE);
	kdump_encode_sub_header(&sub, &im->layout, &d->info);
	pd_stream_put(&s, &sub, sizeof(sub));
	pd_stream_put(&s, d->notes, im->layout.notes_size);
	pd_stream_zero(&s, im->layout.off_bitmap1 - im->layout.off_notes -
			   im->layout.notes_size);
	return pd_stream_finish(&s);
}

/* The kernel image's PFNs, if the glue knows them and they are RAM. */
static void pd_kernel_image(struct pd_image *im)
{
	const struct pd_page_source *src = &im->d->src;

	im->ka = src->kimage_start_pfn;
	im->kb = src->kimage_end_pfn;
	if (im->kb <= im->ka || im->kb > src->max_pfn) {
		im->ka = 0;
		im->kb = 0;
	}
	im->image_rank = 0;
}

/* Is the metadata of an image of nr_dump pages room for a page of data? */
static bool pd_image_fits(struct pd_image *im, u64 nr_dump)
{
	kdump_layout_compute(&im->layout, im->d->src.max_pfn,
			     im->d->notes_size, nr_dump);
	return im->layout.off_data + PD_PAGE_SIZE <= im->sec->capacity;
}

void pd_image_write(struct pd_dump *d, struct pd_header_io *hio)
{
	struct pd_header *h = d->hdr;
	struct pd_image im = { 0 };
	u32 status = d->comp.desc_flags;
	s64 nr_dump;

	im.d = d;
	im.hio = hio;
	im.sec = pd_header_section(h, PD_SECT_KDUMP);
	if (!im.sec)
		return;
	h->dump_flags |= PD_DUMP_F_INCOMPLETE;
	d->errors.stage = PD_STAGE_IMAGE;
	pd_kernel_image(&im);

	/* The bitmaps' place does not depend on how many pages are dumped. */
	if (!pd_image_fits(&im, 0)) {
		pd_error_set(&d->errors, PD_ERR_NOSPC, -ENOSPC, 0,
			     im.sec->offset / 512);
		return;
	}
	nr_dump = pd_write_bitmaps(&im);
	if (nr_dump < 0)
		return;
	if (!pd_image_fits(&im, nr_dump)) {
		pd_error_set(&d->errors, PD_ERR_NOSPC, -ENOSPC, 0,
			     im.sec->offset / 512);
		return;
	}
	d->info.status = status | DUMP_DH_COMPRESSED_INCOMPLETE;
	if (pd_write_kdump_header(&im))
		return;

	pd_rounds_write(&im);
	pd_stream_finish(&im.data);
	/* After finish, off is where the data actually written ends. */
	im.sec->length = im.data.off - im.sec->offset;
	h->image_bytes = im.sec->length;
	if (d->hooks.progress)
		d->hooks.progress(d->hooks.priv, h->dumped_pages, nr_dump,
				  d->area.bytes_written);
	if (im.data.error || im.stop)
		return;
	d->errors.stage = PD_STAGE_IMAGE;
	d->info.status = status;
	if (!pd_write_kdump_header(&im))
		h->dump_flags &= ~PD_DUMP_F_INCOMPLETE;
}

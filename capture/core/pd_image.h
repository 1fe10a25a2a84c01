/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The kdump image while it is written: pd_image.c lays it out and writes
 * its metadata, pd_rounds.c its pages. Neither holds anything that grows
 * with RAM: bitmap 2 and the desc table live on the device and are read
 * back a window at a time.
 */
#ifndef PD_IMAGE_H
#define PD_IMAGE_H

#include "pd_dump.h"
#include "pd_stream.h"

struct pd_image {
	struct pd_dump *d;
	struct pd_header_io *hio;
	struct pd_section *sec;
	struct kdump_layout layout;
	struct pd_stream data;
	u64 zero_desc_off;		/* file offset of the shared zero page */
	u64 done;			/* pages stored so far, all rounds */

	/* bitmap 2, read back a window at a time into buf.meta */
	u64 bm_first;			/* first byte of the window */
	u32 bm_bytes;			/* 0: no window loaded */

	/* the desc table's window in buf.desc */
	u64 win_first, win_count;
	bool win_dirty;
	u64 written_lo, written_hi;	/* slots ever filled: [lo, hi) */

	int stop;			/* the error that ended the rounds */

	/* The kernel image's PFNs [ka, kb), written first; ka's desc slot. */
	u64 ka, kb;
	u64 image_rank;
};

void pd_image_write(struct pd_dump *d, struct pd_header_io *hio);
void pd_rounds_write(struct pd_image *im);

#endif /* PD_IMAGE_H */

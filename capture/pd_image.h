/* SPDX-License-Identifier: GPL-2.0 */
/* The kdump image while it is written: shared by pd_image.c and pd_pages.c. */
#ifndef PD_IMAGE_H
#define PD_IMAGE_H

#include "pd_internal.h"

/* Pages between two checks of the watchdog and the progress clock. */
#define PD_TOUCH_EVERY	256

struct pd_image {
	struct pd_section *sec;
	struct kdump_layout layout;
	struct kdump_header_info info;
	struct pd_stream data;
	struct pd_stream desc;
	u64 zero_desc_off;		/* file offset of the shared zero page */
	u64 done;			/* pages given a desc so far */
	u64 slot;			/* desc table slot of the next desc */
	bool in_kernel_image;

	/*
	 * The kernel image's PFNs [ka, kb) are written first so that a dump
	 * cut short still has what an analyzer needs to start. Their descs
	 * are slots [rank_a, rank_b) of the table; the bytes they share with
	 * other pages' descs in the first and last sector are kept (splice)
	 * to be written again when the rest of the table is.
	 */
	unsigned long ka, kb;
	u64 rank_a, rank_b;
};

bool pd_page_readable(unsigned long pfn);
void pd_write_pages(struct pd_ctx *ctx, struct pd_image *im);

#endif /* PD_IMAGE_H */

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
	u64 zero_desc_off;		/* file offset of the shared zero page */
	u64 done;			/* pages written so far */

	/* The slots of the desc table in ctx->desc_buf (pd_pages.c). */
	u64 win_first, win_count;
	bool win_dirty;
	u64 written_lo, written_hi;	/* slots ever filled: [lo, hi) */
	int desc_error;

	/* The kernel image's PFNs [ka, kb), written first; ka's desc slot. */
	unsigned long ka, kb;
	u64 image_rank;
};

bool pd_page_readable(unsigned long pfn);
unsigned long pd_kernel_run(unsigned long pfn, unsigned long end,
			    bool *kernel);
void pd_write_pages(struct pd_ctx *ctx, struct pd_image *im);

#endif /* PD_IMAGE_H */

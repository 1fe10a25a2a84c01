/* SPDX-License-Identifier: GPL-2.0 */
/* The dump's header on the device: its two copies, and whose they are. */
#ifndef PD_HEADER_IO_H
#define PD_HEADER_IO_H

#include "pd_area.h"

struct pd_header_io {
	struct pd_area *area;
	struct pd_header *hdr;		/* what the device should hold */
	u8 *block;			/* PD_BLOCK_SIZE bytes the device can reach */
	struct pd_header *landed;	/* if set: the last copy written whole */
};

int pd_header_write(struct pd_header_io *hio);
bool pd_header_on_device_is_ours(struct pd_header_io *hio);

#endif /* PD_HEADER_IO_H */

/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The dump writer's core: everything a panic writes to the dump area,
 * from the identity check to the final header, given the area, the
 * memory, the log, a compressor and buffers prepared at arm time. It
 * builds unchanged as kernel C (the module's panic path) and as userspace
 * C (tests/writer). It takes no lock, allocates nothing and bounds every
 * loop by the RAM ranges and the area's size.
 */
#ifndef PD_DUMP_H
#define PD_DUMP_H

#include "pd_area.h"
#include "pd_header_io.h"
#include "pd_log_section.h"
#include "pd_page_source.h"
#include "kdump_format.h"

/* Compresses one page into dst (cap bytes); 0: store it raw. */
struct pd_compressor {
	size_t (*compress)(void *priv, const void *src, void *dst, size_t cap);
	void *priv;
	u32 desc_flags;			/* DUMP_DH_COMPRESSED_*, 0 for none */
};

struct pd_dump_hooks {
	void *priv;
	/* Every PD_TOUCH_EVERY pages; true when it printed a progress line,
	 * which is when the dump checkpoints. May be NULL. */
	bool (*progress)(void *priv, u64 done, u64 total, u64 bytes_written);
	/* Milliseconds since the panic, for the header. May be NULL. */
	u64 (*elapsed_ms)(void *priv);
	/* Test builds: called before each page is stored. May be NULL. */
	void (*before_page)(void *priv, u64 done);
};

/* Buffers the device can reach, all from arm time. */
struct pd_dump_buffers {
	u8 *header_block;		/* PD_BLOCK_SIZE */
	u8 *meta;			/* log, kdump header, bitmaps */
	u32 meta_bytes;			/* a multiple of PD_BLOCK_SIZE */
	u8 *desc;			/* a window of the page desc table */
	u32 desc_bytes;			/* a multiple of 3 * PD_BLOCK_SIZE */
	u8 *data;			/* page data on its way out */
	u32 data_bytes;			/* a multiple of PD_BLOCK_SIZE */
	u8 *page;			/* PD_PAGE_SIZE: one page copied out */
};

#define PD_PAGE_SIZE	4096U

struct pd_dump {
	struct pd_header *hdr;		/* the armed header, updated */
	struct pd_area area;
	struct pd_errors errors;
	struct pd_page_source src;
	struct pd_log_source log;
	struct pd_compressor comp;
	struct pd_dump_buffers buf;
	struct pd_dump_hooks hooks;
	const u8 *notes;		/* PRSTATUS per CPU, then VMCOREINFO */
	u64 notes_size;
	struct kdump_header_info info;	/* all but status, from the glue */
	/* The header as last written whole: what the data on the device fits. */
	struct pd_header landed;
};

/*
 * Sets up the area, the error record and the header for a dump, at arm
 * time; the glue fills the rest of d. -EINVAL for a block size the
 * streams cannot write (not a power of two in 512..4096).
 */
int pd_dump_init(struct pd_dump *d, struct pd_header *hdr,
		  const struct pd_area_ops *ops, void *area_priv,
		  u32 block_size);

/*
 * Writes the dump: checks the device holds the armed header, then the
 * log, the header as DUMPING, the image, and the header as COMPLETE.
 * Returns 0 when something was written (see hdr->dump_flags and
 * hdr->error for how far it got), else the error that stopped it first.
 */
int pd_dump_run(struct pd_dump *d);

/*
 * An oops inside the dump: records it and, unless the device failed
 * already, writes the header once more so that the record reaches it.
 */
void pd_dump_fault(struct pd_dump *d);

/* The memory a dump's core state needs beyond the buffers, for accounting. */
size_t pd_dump_state_bytes(void);

#endif /* PD_DUMP_H */

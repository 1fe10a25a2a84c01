/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The host side of the dump writer's core (capture/core): an in-memory
 * disk with a dump area on it, a simulated RAM of any size, a kernel log,
 * a compressor, and fault injection. C, so that tests written in C++ see
 * only this header and never the core's kernel-flavoured ones.
 */
#ifndef PD_WRITER_SIM_H
#define PD_WRITER_SIM_H

#include <stddef.h>
#include <stdint.h>

#include "pd_format.h"

#ifdef __cplusplus
extern "C" {
#endif

/* What each simulated page is (pd_sim_config.kind_of). */
enum pd_sim_page {
	PD_SIM_KERNEL = 0,	/* a kernel page with data: kept by every level */
	PD_SIM_SLAB,		/* slab: kernel */
	PD_SIM_ZERO,		/* an all-zero kernel page */
	PD_SIM_FREE,		/* a free buddy block's page */
	PD_SIM_USER,		/* anon, on the LRU */
	PD_SIM_CACHE,		/* page cache */
	PD_SIM_CURPROC,		/* anon, mapped by the panicking process */
	PD_SIM_UNREADABLE,	/* hwpoison: never read */
	PD_SIM_MCE,		/* reads fail with a memory error */
};

struct pd_sim_range {
	uint64_t start_pfn, end_pfn;
};

struct pd_sim_config {
	/* The disk: the area at area_start, guard bytes around it. */
	uint32_t block_size;		/* 512 or 4096 */
	uint64_t area_start;		/* bytes */
	uint64_t area_size;		/* bytes, multiple of 4096 */
	uint32_t content;		/* enum pd_content */
	uint32_t compression;		/* enum pd_compression */
	int swap;			/* arm as a swap area (PD_COMPAT_SWAP) */

	/* RAM */
	const struct pd_sim_range *ranges;
	uint32_t nr_ranges;
	uint64_t kimage_start_pfn, kimage_end_pfn;
	/* The kind of a page; buddy blocks come in runs of free_run pages. */
	enum pd_sim_page (*kind_of)(void *priv, uint64_t pfn);
	void *priv;
	uint32_t free_run;		/* 1 or a power of two */
	/*
	 * May be NULL. Fills out with the content of pfn (4096 bytes) and
	 * returns 1 to replace the sim's own, or returns 0: tests that need
	 * a page to hold something (page tables, a variable) say it here.
	 */
	int (*page_data)(void *priv, uint64_t pfn, uint8_t *out);

	/*
	 * What the panicking kernel is; 0 or NULL: the sim's defaults
	 * (2 CPUs, "6.1.0-sim", its own panic string, VMCOREINFO and time).
	 */
	uint32_t nr_cpus;		/* PRSTATUS notes, header nr_cpus */
	const char *release;		/* utsname release, header release */
	const char *panic_string;
	const char *vmcoreinfo;		/* the VMCOREINFO note's text */
	uint64_t crash_time;		/* seconds; arm time is 100 before */

	/*
	 * dumpadm's part of arming, when not NULL: called with the ARMED
	 * header the sim filled (not sealed yet) and the area's bytes; it
	 * may change the header (a SYMTAB section) and write what dumpadm
	 * writes besides the header copies (the symbol table and its
	 * block). The sim seals h and writes the copies after it.
	 */
	void (*arm)(void *arm_priv, struct pd_header *h, uint8_t *area);
	void *arm_priv;

	/* The log: nr_log_lines lines "<6>line N ...\n". */
	uint32_t nr_log_lines;

	/* Faults: 0 is off. Write numbers count from 1, all writes. */
	uint64_t fail_write;		/* this write returns -EIO */
	uint32_t fail_status;		/* ... (or fail_read's) with this controller status */
	uint64_t timeout_write;		/* this write returns -ETIMEDOUT */
	uint64_t cut_after_write;	/* power cut: nothing lands after it */
	uint32_t torn_blocks;		/* of write cut_after_write + 1, these land */
	uint64_t fail_read;		/* this read returns -EIO */
	int not_ours;			/* the area holds another arm's header; */
					/* 2: only at its start (mkfs over it) */
	/*
	 * By pages stored, 0 is off: when the writer is about to store page
	 * number N + 1 (of all rounds), the power goes (nothing lands from
	 * then on).
	 */
	uint64_t cut_after_pages;
	uint32_t progress_every;	/* checkpoint every N progress calls */
	/* An oops before page N (from 1) is stored: pd_dump_fault(), as the
	 * module's die notifier calls it, and the dump is abandoned. */
	uint64_t oops_at_page;
};

/* Pages between two watchdog touches: capture/core's PD_TOUCH_EVERY. */
#define PD_SIM_TOUCH_EVERY	256

struct pd_sim_result {
	int ret;			/* pd_dump_run(); -EFAULT: the oops */
	struct pd_header hdr;		/* the writer's copy at the end */
	uint64_t writes, reads;
	uint64_t outside_io;		/* bytes read or written outside the area */
	uint64_t misaligned;		/* requests not in whole blocks */
	uint64_t pages_expected;	/* pages the content level keeps */
	uint64_t touches;		/* calls of the watchdog touch */
	uint64_t state_bytes;		/* what the core held: state and buffers */
	uint8_t *disk;			/* area_start + area_size + guard bytes */
	uint64_t disk_size;
};

/* The flags word (formats/pd_content.h) the sim's page source gives a kind. */
uint32_t pd_sim_flags_of(enum pd_sim_page k);
/* The content of page pfn as the simulated RAM holds it (4096 bytes). */
void pd_sim_page_bytes(const struct pd_sim_config *c, uint64_t pfn,
		       uint8_t *out);
/* Line i of the simulated log, with its newline; returns its length. */
size_t pd_sim_log_line(uint32_t i, char *buf, size_t cap);

/*
 * Writes the ARMED header, runs the writer, returns what happened.
 * PD_SIM_TRACE=1 in the environment prints every write on stderr.
 */
int pd_sim_run(const struct pd_sim_config *c, struct pd_sim_result *r);
void pd_sim_free(struct pd_sim_result *r);

#ifdef __cplusplus
}
#endif

#endif /* PD_WRITER_SIM_H */

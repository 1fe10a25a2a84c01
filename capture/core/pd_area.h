/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The dump area as the writer sees it: bytes [0, size) of one disk
 * region, written in whole blocks of the disk's logical block size. Below
 * it is whatever can move blocks: the module's polled controller queue,
 * or an in-memory disk in the host tests.
 */
#ifndef PD_AREA_H
#define PD_AREA_H

#include "pd_core_compat.h"
#include "pd_dump_error.h"

/* Filled by the layer below when a request fails. */
struct pd_io_fault {
	u64 sector;		/* first 512-byte sector of the request */
	u32 status;		/* the controller's status for it */
};

struct pd_area_ops {
	/* off and len are whole blocks inside the area; 0 or -errno. */
	int (*write)(void *priv, u64 off, const void *buf, u32 len,
		     struct pd_io_fault *fault);
	int (*read)(void *priv, u64 off, void *buf, u32 len,
		    struct pd_io_fault *fault);
	int (*flush)(void *priv, struct pd_io_fault *fault);
};

struct pd_area {
	const struct pd_area_ops *ops;
	void *priv;
	u64 size;		/* bytes, a multiple of block_size */
	u32 block_size;		/* 512 .. 4096, a power of two */
	u64 bytes_written;
	int error;		/* sticky: once the device failed, no more writes */
	struct pd_io_fault read_fault;	/* of the last failed read */
	struct pd_errors *errors;
};

/* Records a failed read as the dump's error (the caller judged it one). */
void pd_area_read_failed(struct pd_area *a, int err);
void pd_area_init(struct pd_area *a, const struct pd_area_ops *ops,
		  void *priv, u64 size, u32 block_size,
		  struct pd_errors *errors);
bool pd_area_block_ok(u32 block_size);
int pd_area_write(struct pd_area *a, u64 off, const void *buf, u32 len);
int pd_area_read(struct pd_area *a, u64 off, void *buf, u32 len);
int pd_area_flush(struct pd_area *a);

#endif /* PD_AREA_H */

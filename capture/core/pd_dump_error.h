/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The one error record of a dump (struct pd_dump_error in the header):
 * set where an error happens, by pd_error_set(), which keeps the first;
 * the stage and round it is filed under are the dump's current ones.
 */
#ifndef PD_DUMP_ERROR_H
#define PD_DUMP_ERROR_H

#include "pd_core_compat.h"
#include "pd_format.h"

struct pd_errors {
	struct pd_dump_error *rec;	/* the header's */
	const u64 *pages;		/* pages stored so far */
	u32 stage;			/* enum pd_dump_stage */
	u32 round;
};

void pd_errors_init(struct pd_errors *e, struct pd_header *h);
void pd_error_set(struct pd_errors *e, u32 kind, int err, u32 status,
		  u64 sector);
/* The error kind an errno from a transfer stands for. */
u32 pd_error_kind_of(int err);

#endif /* PD_DUMP_ERROR_H */

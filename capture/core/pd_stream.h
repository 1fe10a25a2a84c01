/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A sequential writer into one region [off, limit) of the dump area,
 * through one buffer, in whole blocks of the area's block size.
 */
#ifndef PD_STREAM_H
#define PD_STREAM_H

#include "pd_area.h"

struct pd_stream {
	struct pd_area *area;
	u8 *buf;
	u32 cap;			/* a multiple of the block size */
	u32 fill;
	u64 off;			/* area offset of buf[0] */
	u64 limit;			/* first area offset it may not write */
	int error;			/* sticky: first failure */
};

void pd_stream_init(struct pd_stream *s, struct pd_area *a, u8 *buf,
		    u32 cap, u64 off, u64 limit);
int pd_stream_put(struct pd_stream *s, const void *p, size_t len);
int pd_stream_zero(struct pd_stream *s, size_t len);
void *pd_stream_reserve(struct pd_stream *s, u32 len);
void pd_stream_commit(struct pd_stream *s, u32 len);
int pd_stream_finish(struct pd_stream *s);
int pd_stream_sync(struct pd_stream *s);

static inline u64 pd_stream_pos(const struct pd_stream *s)
{
	return s->off + s->fill;
}

#endif /* PD_STREAM_H */

// SPDX-License-Identifier: GPL-2.0
/*
 * The kernel log section: the log as text, oldest line first, written
 * before the memory image so that a dump cut short still has it. The
 * printk ring buffer is read through the lockless kmsg_dump iterator.
 */
#include <linux/kmsg_dump.h>

#include "pd_internal.h"
#include "crc32c.h"

#define PD_LINE_MAX	2048

size_t pd_log_line_max(void)
{
	return PD_LINE_MAX;
}

void pd_log_write(struct pd_ctx *ctx)
{
	struct pd_section *sec = pd_header_section(&ctx->hdr, PD_SECT_LOG);
	struct kmsg_dump_iter iter;
	struct pd_stream s;
	u64 total = 0, drop = 0, written = 0;
	u32 crc = 0;
	size_t len;

	if (!sec)
		return;
	kmsg_dump_rewind(&iter);
	while (kmsg_dump_get_line(&iter, false, ctx->line_buf, PD_LINE_MAX, &len))
		total += len;
	/* The newest lines matter most: drop the oldest ones that don't fit. */
	if (total > sec->capacity)
		drop = total - sec->capacity;

	pd_stream_init(&s, ctx->meta_buf, PD_DMA_META_BYTES, sec->offset,
		       sec->offset + sec->capacity);
	kmsg_dump_rewind(&iter);
	while (kmsg_dump_get_line(&iter, false, ctx->line_buf, PD_LINE_MAX,
				  &len)) {
		if (drop) {
			drop -= min_t(u64, drop, len);
			sec->flags |= PD_SECT_F_TRUNCATED;
			continue;
		}
		if (written + len > sec->capacity)
			break;
		crc = pd_crc32c(crc, ctx->line_buf, len);
		if (pd_stream_put(ctx, &s, ctx->line_buf, len))
			return;
		written += len;
	}
	if (pd_stream_finish(ctx, &s))
		return;
	sec->length = written;
	sec->crc32c = crc;
}

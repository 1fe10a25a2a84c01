// SPDX-License-Identifier: GPL-2.0
/*
 * The kernel log section: the log as text, oldest line first, written
 * before the memory image so that a dump cut short still has it. When
 * the log does not fit, the newest lines matter most: the oldest go.
 */
#include "pd_log_section.h"
#include "crc32c.h"

static u64 pd_log_total(struct pd_log_source *log)
{
	u64 total = 0;
	size_t len;

	log->ops->rewind(log->priv);
	while (log->ops->next_line(log->priv, log->line, log->line_max, &len))
		total += len;
	return total;
}

int pd_log_section_write(struct pd_area *a, struct pd_section *sec,
			 struct pd_log_source *log, u8 *buf, u32 buf_bytes)
{
	u64 drop = 0, written = 0, total;
	struct pd_stream s;
	u32 crc = 0;
	size_t len;

	total = pd_log_total(log);
	if (total > sec->capacity)
		drop = total - sec->capacity;
	pd_stream_init(&s, a, buf, buf_bytes, sec->offset,
		       sec->offset + sec->capacity);
	log->ops->rewind(log->priv);
	while (log->ops->next_line(log->priv, log->line, log->line_max, &len)) {
		if (drop) {
			drop -= min_t(u64, drop, len);
			sec->flags |= PD_SECT_F_TRUNCATED;
			continue;
		}
		if (written + len > sec->capacity)
			break;
		crc = pd_crc32c(crc, log->line, len);
		if (pd_stream_put(&s, log->line, len))
			return s.error;
		written += len;
	}
	if (pd_stream_finish(&s))
		return s.error;
	sec->length = written;
	sec->crc32c = crc;
	return 0;
}

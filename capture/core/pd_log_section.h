/* SPDX-License-Identifier: GPL-2.0 */
#ifndef PD_LOG_SECTION_H
#define PD_LOG_SECTION_H

#include "pd_stream.h"

/* The kernel log, a line at a time, oldest first (kmsg_dump in the module). */
struct pd_log_source_ops {
	void (*rewind)(void *priv);
	bool (*next_line)(void *priv, char *buf, size_t cap, size_t *len);
};

struct pd_log_source {
	const struct pd_log_source_ops *ops;
	void *priv;
	char *line;			/* line_max bytes */
	size_t line_max;
};

int pd_log_section_write(struct pd_area *a, struct pd_section *sec,
			 struct pd_log_source *log, u8 *buf, u32 buf_bytes);

#endif /* PD_LOG_SECTION_H */

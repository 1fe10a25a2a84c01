// SPDX-License-Identifier: GPL-2.0
#define pr_fmt(fmt) "panicdump: " fmt
/* The log source of a real dump: the printk ring buffer, read locklessly. */
#include <linux/kmsg_dump.h>

#include "pd_internal.h"

#define PD_LINE_MAX	2048

static struct kmsg_dump_iter pd_kmsg_iter;

size_t pd_kmsg_line_max(void)
{
	return PD_LINE_MAX;
}

static void pd_kmsg_rewind(void *priv)
{
	kmsg_dump_rewind(&pd_kmsg_iter);
}

static bool pd_kmsg_next(void *priv, char *buf, size_t cap, size_t *len)
{
	return kmsg_dump_get_line(&pd_kmsg_iter, false, buf, cap, len);
}

static const struct pd_log_source_ops pd_kmsg_ops = {
	.rewind = pd_kmsg_rewind,
	.next_line = pd_kmsg_next,
};

void pd_kmsg_source(struct pd_log_source *log, char *line, size_t line_max)
{
	log->ops = &pd_kmsg_ops;
	log->priv = NULL;
	log->line = line;
	log->line_max = line_max;
}

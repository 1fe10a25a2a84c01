// SPDX-License-Identifier: GPL-2.0
#define pr_fmt(fmt) "panicdump: " fmt
/* Page compression with the kernel's zstd and LZO, workspaces from arm time. */
#include <linux/types.h>
#include <linux/lzo.h>
#include <linux/mm.h>
#include <linux/slab.h>
#include <linux/zstd.h>

#include "pd_internal.h"

int pd_compress_arm(struct pd_compress *c, const struct pd_header *h,
		    size_t *memory_bytes)
{
	c->compression = h->compression;
	switch (h->compression) {
	case PD_COMPRESS_ZSTD:
		c->zparams = zstd_get_params(h->compression_level, PAGE_SIZE);
		c->zstd_wksp_size =
			zstd_cctx_workspace_bound(&c->zparams.cParams);
		c->zstd_wksp = kvmalloc(c->zstd_wksp_size, GFP_KERNEL);
		if (!c->zstd_wksp)
			return -ENOMEM;
		c->cctx = zstd_init_cctx(c->zstd_wksp, c->zstd_wksp_size);
		if (!c->cctx)
			return -EINVAL;
		*memory_bytes += c->zstd_wksp_size;
		break;
	case PD_COMPRESS_LZO:
		c->lzo_wksp = kvmalloc(LZO1X_1_MEM_COMPRESS, GFP_KERNEL);
		if (!c->lzo_wksp)
			return -ENOMEM;
		*memory_bytes += LZO1X_1_MEM_COMPRESS;
		break;
	}
	return 0;
}

void pd_compress_disarm(struct pd_compress *c)
{
	kvfree(c->zstd_wksp);
	kvfree(c->lzo_wksp);
	c->zstd_wksp = NULL;
	c->lzo_wksp = NULL;
}

static size_t pd_zstd(void *priv, const void *src, void *dst, size_t cap)
{
	struct pd_compress *c = priv;
	size_t n = zstd_compress_cctx(c->cctx, dst, cap, src, PAGE_SIZE,
				      &c->zparams);

	return zstd_is_error(n) ? 0 : n;
}

static size_t pd_lzo(void *priv, const void *src, void *dst, size_t cap)
{
	struct pd_compress *c = priv;
	size_t n = cap;

	if (lzo1x_1_compress(src, PAGE_SIZE, dst, &n, c->lzo_wksp) != LZO_E_OK)
		return 0;
	return n;
}

void pd_compress_setup(struct pd_compress *c, struct pd_compressor *out)
{
	out->priv = c;
	switch (c->compression) {
	case PD_COMPRESS_ZSTD:
		out->compress = pd_zstd;
		out->desc_flags = DUMP_DH_COMPRESSED_ZSTD;
		break;
	case PD_COMPRESS_LZO:
		out->compress = pd_lzo;
		out->desc_flags = DUMP_DH_COMPRESSED_LZO;
		break;
	default:
		out->compress = NULL;
		out->desc_flags = 0;
	}
}

// SPDX-License-Identifier: GPL-2.0
/*
 * Every byte the dump writes passes here: the one place that checks a
 * transfer against the area's bounds and block size, so that nothing
 * outside the area is ever written whatever a caller computes, and where
 * a device failure becomes the dump's error record.
 */
#include "pd_area.h"

bool pd_area_block_ok(u32 block_size)
{
	return block_size >= 512 && block_size <= 4096 &&
	       !(block_size & (block_size - 1));
}

void pd_area_init(struct pd_area *a, const struct pd_area_ops *ops,
		  void *priv, u64 size, u32 block_size,
		  struct pd_errors *errors)
{
	a->ops = ops;
	a->priv = priv;
	a->size = size;
	a->block_size = block_size;
	a->bytes_written = 0;
	a->error = 0;
	a->read_fault.sector = 0;
	a->read_fault.status = 0;
	a->errors = errors;
}

static bool pd_area_span_ok(const struct pd_area *a, u64 off, u32 len)
{
	return len && !(off % a->block_size) && !(len % a->block_size) &&
	       off <= a->size && len <= a->size - off;
}

static int pd_area_failed(struct pd_area *a, int err,
			  const struct pd_io_fault *f)
{
	a->error = err;
	pd_error_set(a->errors, pd_error_kind_of(err), err, f->status,
		     f->sector);
	return err;
}

int pd_area_write(struct pd_area *a, u64 off, const void *buf, u32 len)
{
	struct pd_io_fault f = { 0, 0 };
	int ret;

	if (a->error)
		return a->error;
	if (!pd_area_span_ok(a, off, len)) {
		f.sector = off / 512;
		return pd_area_failed(a, -ERANGE, &f);
	}
	ret = a->ops->write(a->priv, off, buf, len, &f);
	if (ret)
		return pd_area_failed(a, ret, &f);
	a->bytes_written += len;
	return 0;
}

/* A failed read is the caller's to judge: it does not stop the writes. */
int pd_area_read(struct pd_area *a, u64 off, void *buf, u32 len)
{
	struct pd_io_fault f = { 0, 0 };

	int ret;

	if (!pd_area_span_ok(a, off, len)) {
		a->read_fault.sector = off / 512;
		a->read_fault.status = 0;
		return -ERANGE;
	}
	ret = a->ops->read(a->priv, off, buf, len, &f);
	if (ret)
		a->read_fault = f;
	return ret;
}

void pd_area_read_failed(struct pd_area *a, int err)
{
	pd_error_set(a->errors, pd_error_kind_of(err), err,
		     a->read_fault.status, a->read_fault.sector);
}

int pd_area_flush(struct pd_area *a)
{
	struct pd_io_fault f = { 0, 0 };
	int ret;

	if (a->error)
		return a->error;
	ret = a->ops->flush(a->priv, &f);
	return ret ? pd_area_failed(a, ret, &f) : 0;
}

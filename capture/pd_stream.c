// SPDX-License-Identifier: GPL-2.0
/*
 * Sequential, sector-granular writers into regions of the dump area.
 *
 * Each stream owns one coherent buffer and a limit: it never writes at or
 * past the limit, so a section cannot spill into its neighbour however
 * large the dump grows. A stream's first error is sticky, so a dump that
 * runs out of room stops cleanly and is marked incomplete; a device error
 * stops every later write.
 */
#include "pd_internal.h"

/* The only place that turns an area offset into a disk sector. */
int pd_area_write(struct pd_ctx *ctx, u64 area_off, const void *buf, u32 len)
{
	u64 area_bytes = ctx->req.nr_sectors * PD_SECTOR_SIZE;
	int ret;

	if (area_off % PD_SECTOR_SIZE || len % PD_SECTOR_SIZE ||
	    area_off > area_bytes || len > area_bytes - area_off)
		return -ERANGE;
	if (ctx->io_error)
		return ctx->io_error;
	ret = pd_disk_write(&ctx->disk,
			    ctx->req.start_sector + area_off / PD_SECTOR_SIZE,
			    buf, len);
	if (ret)
		ctx->io_error = ret;
	else
		ctx->bytes_written += len;
	return ret;
}

int pd_area_read(struct pd_ctx *ctx, u64 area_off, void *buf, u32 len)
{
	u64 area_bytes = ctx->req.nr_sectors * PD_SECTOR_SIZE;

	if (area_off % PD_SECTOR_SIZE || len % PD_SECTOR_SIZE ||
	    area_off > area_bytes || len > area_bytes - area_off)
		return -ERANGE;
	return pd_disk_read(&ctx->disk,
			    ctx->req.start_sector + area_off / PD_SECTOR_SIZE,
			    buf, len);
}

void pd_stream_init(struct pd_stream *s, u8 *buf, u32 cap, u64 off,
		    u64 limit)
{
	s->buf = buf;
	s->cap = cap;
	s->fill = 0;
	s->off = off;
	s->limit = limit;
	s->error = 0;
}

/* Writes the whole sectors held, keeps the partial one at the front. */
static int pd_stream_flush(struct pd_ctx *ctx, struct pd_stream *s)
{
	u32 whole = round_down(s->fill, PD_SECTOR_SIZE);
	int ret;

	if (s->error)
		return s->error;
	if (!whole)
		return 0;
	if (s->off + whole > s->limit) {
		/* What fits still goes out: descs may point at it already. */
		whole = s->limit > s->off ?
			round_down(s->limit - s->off, PD_SECTOR_SIZE) : 0;
		if (whole && !pd_area_write(ctx, s->off, s->buf, whole))
			s->off += whole;
		s->error = -ENOSPC;
		return -ENOSPC;
	}
	ret = pd_area_write(ctx, s->off, s->buf, whole);
	if (ret) {
		s->error = ret;
		return ret;
	}
	memmove(s->buf, s->buf + whole, s->fill - whole);
	s->fill -= whole;
	s->off += whole;
	return 0;
}

int pd_stream_put(struct pd_ctx *ctx, struct pd_stream *s, const void *p,
		  size_t len)
{
	const u8 *src = p;

	while (len) {
		u32 n = min_t(size_t, len, s->cap - s->fill);

		memcpy(s->buf + s->fill, src, n);
		s->fill += n;
		src += n;
		len -= n;
		if (s->fill == s->cap && pd_stream_flush(ctx, s))
			return s->error;
	}
	return s->error;
}

int pd_stream_zero(struct pd_ctx *ctx, struct pd_stream *s, size_t len)
{
	while (len) {
		u32 n = min_t(size_t, len, s->cap - s->fill);

		memset(s->buf + s->fill, 0, n);
		s->fill += n;
		len -= n;
		if (s->fill == s->cap && pd_stream_flush(ctx, s))
			return s->error;
	}
	return s->error;
}

/* Pads the last sector with zeros and writes everything left. */
int pd_stream_finish(struct pd_ctx *ctx, struct pd_stream *s)
{
	u32 pad = round_up(s->fill, PD_SECTOR_SIZE) - s->fill;

	memset(s->buf + s->fill, 0, pad);
	s->fill += pad;
	return pd_stream_flush(ctx, s);
}

/* Room for len bytes written in place (compressor output), or NULL. */
void *pd_stream_reserve(struct pd_ctx *ctx, struct pd_stream *s, u32 len)
{
	if (len > s->cap - PD_SECTOR_SIZE)
		return NULL;
	if (!s->error && s->off + s->fill + len > s->limit) {
		/*
		 * The region is full: what it holds goes out whole, so that
		 * every page given a desc so far has its data on the device.
		 */
		if (!pd_stream_finish(ctx, s))
			s->error = -ENOSPC;
		return NULL;
	}
	if (s->cap - s->fill < len && pd_stream_flush(ctx, s))
		return NULL;
	return s->error ? NULL : s->buf + s->fill;
}

void pd_stream_commit(struct pd_stream *s, u32 len)
{
	s->fill += len;
}

/* Moves a stream holding only whole sectors to another sector. */
int pd_stream_seek(struct pd_ctx *ctx, struct pd_stream *s, u64 off)
{
	if (s->fill % PD_SECTOR_SIZE || off % PD_SECTOR_SIZE) {
		s->error = -EINVAL;
		return s->error;
	}
	if (pd_stream_flush(ctx, s))
		return s->error;
	s->off = off;
	return 0;
}

/* Writes the whole sectors held, so that what is on the device is current. */
int pd_stream_sync(struct pd_ctx *ctx, struct pd_stream *s)
{
	return pd_stream_flush(ctx, s);
}

// SPDX-License-Identifier: GPL-2.0
/*
 * Sequential writers into regions of the dump area.
 *
 * Each stream owns one buffer and a limit: it never writes at or past the
 * limit, so a section cannot spill into its neighbour however large the
 * dump grows. It writes whole blocks of the disk's logical block size
 * (512 or 4096 bytes): a disk rejects anything else, and a stream padded
 * to 512 bytes loses every dump on a 4Kn disk. A stream's first error is
 * sticky, so a dump that runs out of room stops cleanly and is marked
 * incomplete; a device error stops every later write (pd_area).
 */
#include "pd_stream.h"

void pd_stream_init(struct pd_stream *s, struct pd_area *a, u8 *buf,
		    u32 cap, u64 off, u64 limit)
{
	s->area = a;
	s->buf = buf;
	s->cap = cap;
	s->fill = 0;
	s->off = off;
	s->limit = limit;
	s->error = 0;
}

static int pd_stream_fail(struct pd_stream *s, int err)
{
	s->error = err;
	if (err == -ENOSPC)
		pd_error_set(s->area->errors, PD_ERR_NOSPC, err, 0,
			     s->off / 512);
	return err;
}

/* Writes the whole blocks held, keeps the partial one at the front. */
static int pd_stream_flush(struct pd_stream *s)
{
	u32 bs = s->area->block_size;
	u32 whole = round_down(s->fill, bs);
	int ret;

	if (s->error)
		return s->error;
	if (!whole)
		return 0;
	if (s->off + whole > s->limit) {
		/* What fits still goes out: descs may point at it already. */
		whole = s->limit > s->off ?
			round_down(s->limit - s->off, bs) : 0;
		if (whole && !pd_area_write(s->area, s->off, s->buf, whole))
			s->off += whole;
		return pd_stream_fail(s, s->area->error ? s->area->error :
				      -ENOSPC);
	}
	ret = pd_area_write(s->area, s->off, s->buf, whole);
	if (ret)
		return pd_stream_fail(s, ret);
	memmove(s->buf, s->buf + whole, s->fill - whole);
	s->fill -= whole;
	s->off += whole;
	return 0;
}

int pd_stream_put(struct pd_stream *s, const void *p, size_t len)
{
	const u8 *src = (const u8 *)p;

	while (len && !s->error) {
		u32 n = min_t(size_t, len, s->cap - s->fill);

		memcpy(s->buf + s->fill, src, n);
		s->fill += n;
		src += n;
		len -= n;
		if (s->fill == s->cap)
			pd_stream_flush(s);
	}
	return s->error;
}

int pd_stream_zero(struct pd_stream *s, size_t len)
{
	while (len && !s->error) {
		u32 n = min_t(size_t, len, s->cap - s->fill);

		memset(s->buf + s->fill, 0, n);
		s->fill += n;
		len -= n;
		if (s->fill == s->cap)
			pd_stream_flush(s);
	}
	return s->error;
}

/* Pads the last block with zeros and writes everything left. */
int pd_stream_finish(struct pd_stream *s)
{
	u32 bs = s->area->block_size;
	u32 pad = round_up(s->fill, bs) - s->fill;

	memset(s->buf + s->fill, 0, pad);
	s->fill += pad;
	return pd_stream_flush(s);
}

/* Room for len bytes written in place (compressor output), or NULL. */
void *pd_stream_reserve(struct pd_stream *s, u32 len)
{
	if (s->error || len > s->cap - s->area->block_size)
		return NULL;
	if (s->off + s->fill + len > s->limit) {
		/*
		 * The region is full: what it holds goes out whole, so that
		 * every page given a desc so far has its data on the device.
		 */
		if (!pd_stream_finish(s))
			pd_stream_fail(s, -ENOSPC);
		return NULL;
	}
	if (s->cap - s->fill < len && pd_stream_flush(s))
		return NULL;
	return s->buf + s->fill;
}

void pd_stream_commit(struct pd_stream *s, u32 len)
{
	s->fill += len;
}

/*
 * Makes what is on the device current: the whole blocks go out, and the
 * partial one too, zero-padded, while the stream keeps it to write again
 * when it fills. A dump that stops after a sync has every byte put so far.
 */
int pd_stream_sync(struct pd_stream *s)
{
	u32 bs = s->area->block_size;
	u32 part;

	if (pd_stream_flush(s))
		return s->error;
	if (!s->fill)
		return 0;
	part = round_up(s->fill, bs);
	if (s->off + part > s->limit)
		return 0;
	memset(s->buf + s->fill, 0, part - s->fill);
	if (pd_area_write(s->area, s->off, s->buf, part))
		return pd_stream_fail(s, s->area->error);
	return 0;
}

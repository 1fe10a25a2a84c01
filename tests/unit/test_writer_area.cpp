// SPDX-License-Identifier: GPL-2.0
// capture/core/pd_area.c on its own: the one place every transfer of the
// dump passes, which must refuse any span outside the area or not in
// whole blocks before the device sees it, whatever a caller computed,
// and turn a device's failure into the dump's one error record.
#include <gtest/gtest.h>

#include <cstdint>
#include <cstring>
#include <vector>

// The core's headers are kernel-flavoured C: min() and max() are macros.
extern "C" {
#include "pd_area.h"
}
#undef min
#undef max

namespace {

constexpr u64 kSize = 64 << 10;

// A device that counts what reaches it and fails when told to.
struct Device {
	unsigned writes = 0, reads = 0, flushes = 0;
	int fail = 0;
	u32 status = 0;
	std::vector<u8> bytes = std::vector<u8>(kSize);
};

int dev_write(void *priv, u64 off, const void *buf, u32 len, struct pd_io_fault *f)
{
	auto *d = static_cast<Device *>(priv);

	d->writes++;
	f->sector = off / 512;
	f->status = d->status;
	if (d->fail)
		return d->fail;
	std::memcpy(d->bytes.data() + off, buf, len);
	return 0;
}

int dev_read(void *priv, u64 off, void *buf, u32 len, struct pd_io_fault *f)
{
	auto *d = static_cast<Device *>(priv);

	d->reads++;
	f->sector = off / 512;
	if (d->fail)
		return d->fail;
	std::memcpy(buf, d->bytes.data() + off, len);
	return 0;
}

int dev_flush(void *priv, struct pd_io_fault *)
{
	auto *d = static_cast<Device *>(priv);

	d->flushes++;
	return d->fail;
}

const struct pd_area_ops dev_ops = { dev_write, dev_read, dev_flush };

struct Area {
	Device dev;
	struct pd_header h = {};
	struct pd_errors errors = {};
	struct pd_area a = {};

	explicit Area(u32 block_size)
	{
		pd_errors_init(&errors, &h);
		pd_area_init(&a, &dev_ops, &dev, kSize, block_size, &errors);
	}
};

struct Span {
	u64 off;
	u32 len;
};

// Outside the area, in part blocks of 4096, empty, or wrapping around.
const Span kBadSpans[] = {
	{ 512, 4096 }, { 4096, 512 }, { 4096, 0 }, { kSize, 4096 },
	{ kSize - 4096, 8192 }, { kSize + 4096, 4096 }, { UINT64_MAX - 4095, 8192 },
};

} // namespace

TEST(WriterArea, BlockSizesItCanWrite)
{
	for (u32 ok : { 512u, 1024u, 2048u, 4096u })
		EXPECT_TRUE(pd_area_block_ok(ok)) << ok;
	for (u32 bad : { 0u, 256u, 768u, 3000u, 8192u })
		EXPECT_FALSE(pd_area_block_ok(bad)) << bad;
}

TEST(WriterArea, RefusesEveryWriteOutsideTheAreaOrInPartBlocks)
{
	std::vector<u8> buf(3 * 4096);

	for (const Span &s : kBadSpans) {
		Area t(4096);
		SCOPED_TRACE("off " + std::to_string(s.off) + " len " + std::to_string(s.len));
		EXPECT_EQ(pd_area_write(&t.a, s.off, buf.data(), s.len), -ERANGE);
		EXPECT_EQ(t.dev.writes, 0u);
		EXPECT_EQ(t.h.error.kind, (u32)PD_ERR_INVAL);
		EXPECT_EQ(t.h.error.err, -ERANGE);
		EXPECT_EQ(t.h.error.sector, s.off / 512);
		// A writer that computes such a span is broken: nothing more.
		EXPECT_EQ(pd_area_write(&t.a, 0, buf.data(), 4096), -ERANGE);
		EXPECT_EQ(pd_area_flush(&t.a), -ERANGE);
		EXPECT_EQ(t.dev.writes + t.dev.flushes, 0u);
	}
}

TEST(WriterArea, RefusesReadsOutsideTheAreaWithoutStoppingTheDump)
{
	std::vector<u8> buf(3 * 4096);

	for (const Span &s : kBadSpans) {
		Area t(4096);
		SCOPED_TRACE("off " + std::to_string(s.off) + " len " + std::to_string(s.len));
		EXPECT_EQ(pd_area_read(&t.a, s.off, buf.data(), s.len), -ERANGE);
		EXPECT_EQ(t.dev.reads, 0u);
		// The caller judges a failed read; the record says where.
		EXPECT_EQ(t.h.error.kind, (u32)PD_ERR_NONE);
		pd_area_read_failed(&t.a, -ERANGE);
		EXPECT_EQ(t.h.error.kind, (u32)PD_ERR_INVAL);
		EXPECT_EQ(t.h.error.sector, s.off / 512);
		EXPECT_EQ(pd_area_write(&t.a, 0, buf.data(), 4096), 0);
		EXPECT_EQ(t.dev.writes, 1u);
	}
}

TEST(WriterArea, WholeBlocksOfTheDiskGoThrough)
{
	Area t(512);
	std::vector<u8> buf(4096, 0xab), back(512);

	EXPECT_EQ(pd_area_write(&t.a, 512, buf.data(), 1024), 0);
	EXPECT_EQ(pd_area_write(&t.a, kSize - 512, buf.data(), 512), 0);
	EXPECT_EQ(t.a.bytes_written, 1536u);
	EXPECT_EQ(pd_area_read(&t.a, 1024, back.data(), 512), 0);
	EXPECT_EQ(back[0], 0xab);
	EXPECT_EQ(pd_area_flush(&t.a), 0);
	EXPECT_EQ(t.h.error.kind, (u32)PD_ERR_NONE);
}

TEST(WriterArea, ADeviceErrorIsRecordedOnceAndStopsTheWrites)
{
	Area t(4096);
	std::vector<u8> buf(4096);

	t.dev.fail = -EIO;
	t.dev.status = 0x281;
	EXPECT_EQ(pd_area_write(&t.a, 8192, buf.data(), 4096), -EIO);
	EXPECT_EQ(t.h.error.kind, (u32)PD_ERR_IO);
	EXPECT_EQ(t.h.error.status, 0x281u);
	EXPECT_EQ(t.h.error.sector, 16u);
	t.dev.fail = 0;
	EXPECT_EQ(pd_area_write(&t.a, 0, buf.data(), 4096), -EIO);
	EXPECT_EQ(pd_area_flush(&t.a), -EIO);
	EXPECT_EQ(t.dev.writes, 1u);
	EXPECT_EQ(t.dev.flushes, 0u);
}

TEST(WriterArea, AFailedFlushIsTheDumpsError)
{
	Area t(4096);

	t.dev.fail = -ETIMEDOUT;
	EXPECT_EQ(pd_area_flush(&t.a), -ETIMEDOUT);
	EXPECT_EQ(t.h.error.kind, (u32)PD_ERR_TIMEOUT);
	EXPECT_EQ(t.a.error, -ETIMEDOUT);
}

TEST(WriterArea, ErrnoToErrorKind)
{
	EXPECT_EQ(pd_error_kind_of(-ETIMEDOUT), (u32)PD_ERR_TIMEOUT);
	EXPECT_EQ(pd_error_kind_of(-ENOSPC), (u32)PD_ERR_NOSPC);
	EXPECT_EQ(pd_error_kind_of(-EINVAL), (u32)PD_ERR_INVAL);
	EXPECT_EQ(pd_error_kind_of(-ERANGE), (u32)PD_ERR_INVAL);
	EXPECT_EQ(pd_error_kind_of(-EIO), (u32)PD_ERR_IO);
	EXPECT_EQ(pd_error_kind_of(-ENODEV), (u32)PD_ERR_IO);
}

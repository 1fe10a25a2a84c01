// SPDX-License-Identifier: GPL-2.0
// The writer's core at its limits on the simulated disk: an area too
// small for the image's bitmaps or for its desc table, a log larger than
// its section, a device error while the bitmaps go out, and a block size
// the streams cannot write. Each run passes the checks the fuzzer makes
// (tests/writer/dump_checks.h) as well.
#include <gtest/gtest.h>

#include <cstring>

#include "dump_checks.h"
#include "writer_fixture.h"

using namespace pdtest;

namespace {

void expect_dump_checks(const WriterRun &w)
{
	pdcheck::Problems p;
	pdcheck::check_error_record(w.c, w.r, p);
	pdcheck::check_disk(w.c, w.r, 0, p);
	EXPECT_TRUE(p.empty()) << pdcheck::describe(p);
}

enum pd_sim_page all_kernel(void *, uint64_t)
{
	return PD_SIM_KERNEL;
}

// Free 4 MiB blocks, a few kernel pages at the start of each 64th.
enum pd_sim_page sparse(void *, uint64_t pfn)
{
	return pfn % 65536 < 4 ? PD_SIM_KERNEL : PD_SIM_FREE;
}

// The primary header copy on the disk.
struct pd_header disk_header(const WriterRun &w)
{
	struct pd_header h;
	std::memcpy(&h, w.r.disk + w.c.area_start, sizeof(h));
	return h;
}

} // namespace

TEST(WriterLimits, BitmapsLargerThanTheImageSectionAreOutOfSpace)
{
	WriterRun w;
	small_config(w, 4096, PD_CONTENT_KERNEL, PD_COMPRESS_ZSTD);
	w.ranges = { { 1, 1ULL << 24 } };	// two bitmaps of 2 MiB, in 2 MiB
	w.c.area_size = 4ULL << 20;
	w.c.kind_of = sparse;
	w.c.free_run = 1024;
	w.c.kimage_start_pfn = w.c.kimage_end_pfn = 0;
	run_writer(w);

	EXPECT_EQ(w.r.ret, 0);
	EXPECT_EQ(w.r.hdr.error.kind, (uint32_t)PD_ERR_NOSPC);
	EXPECT_EQ(w.r.hdr.error.stage, (uint32_t)PD_STAGE_IMAGE);
	EXPECT_TRUE(w.r.hdr.dump_flags & PD_DUMP_F_INCOMPLETE);
	EXPECT_EQ(w.r.hdr.image_bytes, 0u);
	EXPECT_EQ(disk_header(w).state, (uint32_t)PD_STATE_COMPLETE);
	expect_dump_checks(w);		// the log is whole
}

TEST(WriterLimits, ADescTableLargerThanTheImageSectionIsOutOfSpace)
{
	WriterRun w;
	small_config(w, 512, PD_CONTENT_KERNEL, PD_COMPRESS_LZO);
	w.ranges = { { 1, 100000 } };		// 2.4 MB of descs in 2 MiB
	w.c.area_size = 4ULL << 20;
	w.c.kind_of = all_kernel;
	run_writer(w);

	EXPECT_EQ(w.r.ret, 0);
	EXPECT_EQ(w.r.hdr.error.kind, (uint32_t)PD_ERR_NOSPC);
	EXPECT_EQ(w.r.hdr.error.stage, (uint32_t)PD_STAGE_IMAGE);
	EXPECT_EQ(w.r.hdr.dumped_pages, 0u);
	EXPECT_TRUE(w.r.hdr.dump_flags & PD_DUMP_F_INCOMPLETE);
	expect_dump_checks(w);
}

TEST(WriterLimits, ALogLargerThanItsSectionKeepsTheNewestLines)
{
	WriterRun w;
	small_config(w, 4096, PD_CONTENT_KERNEL, PD_COMPRESS_ZSTD);
	w.c.nr_log_lines = 40000;		// about 2.6 MB of text
	run_writer(w);

	EXPECT_EQ(w.r.ret, 0);
	struct pd_header h = disk_header(w);
	const struct pd_section *log = pd_header_section(&h, PD_SECT_LOG);
	ASSERT_NE(log, nullptr);
	EXPECT_TRUE(log->flags & PD_SECT_F_TRUNCATED);
	EXPECT_GT(log->length, log->capacity - 256);	// full, to a line
	EXPECT_FALSE(w.r.hdr.dump_flags & PD_DUMP_F_INCOMPLETE);
	expect_dump_checks(w);		// the newest lines, with their CRC
}

// 8 GiB of RAM: bitmaps of 256 KiB, written 64 KiB at a time.
TEST(WriterLimits, DeviceErrorWhileWritingTheBitmaps)
{
	unsigned in_image_stage = 0;

	for (uint64_t k = 1; k <= 16; k++) {
		WriterRun w;
		small_config(w, 4096, PD_CONTENT_KERNEL, PD_COMPRESS_ZSTD);
		w.ranges = { { 1, 1ULL << 21 } };
		w.c.area_size = 8ULL << 20;
		w.c.kind_of = sparse;
		w.c.free_run = 1024;
		w.c.kimage_start_pfn = w.c.kimage_end_pfn = 0;
		w.c.fail_write = k;
		w.c.fail_status = 0x2;
		run_writer(w);
		SCOPED_TRACE("write " + std::to_string(k));

		EXPECT_EQ(w.r.hdr.error.kind, (uint32_t)PD_ERR_IO);
		in_image_stage += w.r.hdr.error.stage == PD_STAGE_IMAGE;
		if (w.r.hdr.error.stage == PD_STAGE_IMAGE) {
			EXPECT_EQ(w.r.hdr.dumped_pages, 0u);
		}
		expect_dump_checks(w);
	}
	// Eight bitmap writes of 64 KiB, and the kdump header.
	EXPECT_GE(in_image_stage, 9u);
}

TEST(WriterLimits, RefusesABlockSizeItCannotWrite)
{
	for (uint32_t block : { 256u, 3000u, 8192u }) {
		WriterRun w;
		small_config(w, block, PD_CONTENT_KERNEL, PD_COMPRESS_ZSTD);
		run_writer(w);
		SCOPED_TRACE(block);
		EXPECT_EQ(w.r.ret, -EINVAL);
		EXPECT_EQ(w.r.writes + w.r.reads, 0u);
		EXPECT_EQ(disk_header(w).state, (uint32_t)PD_STATE_ARMED);
	}
}

// SPDX-License-Identifier: GPL-2.0
// The dump writer's core, as the module runs it at panic, on an
// in-memory disk: every content level, compression and block size; a
// disk too small, I/O errors, timeouts and power cuts at every stage;
// unreadable pages; 1 TiB of simulated RAM. savecore reads each result.
#include <gtest/gtest.h>

#include <cstring>
#include <map>
#include <tuple>

#include "dump_checks.h"
#include "kdump_reader.h"
#include "writer_fixture.h"

using namespace pdtest;
using pdcheck::expected_log;

namespace {

bool contains(const std::string &s, const std::string &what)
{
	return s.find(what) != std::string::npos;
}

// Every page in the vmcore is the source's, and the kept set exact.
void expect_pages_match(const WriterRun &w, const std::vector<uint8_t> &vmcore,
			bool complete)
{
	pdcheck::Problems p;
	pdcheck::check_pages(w.c, w.r, vmcore, complete, w.r.hdr.dumped_pages, 0, p);
	EXPECT_TRUE(p.empty()) << pdcheck::describe(p);
}

void expect_clean_io(const WriterRun &w)
{
	pdcheck::Problems p;
	pdcheck::check_clean_io(w.c, w.r, p);
	EXPECT_TRUE(p.empty()) << pdcheck::describe(p);
}

// What every run must pass, as the fuzzer checks it: the writer's error
// record against the faults, and the disk read without savecore.
void expect_dump_checks(const WriterRun &w, uint64_t torn_descs = 0)
{
	pdcheck::Problems p;
	pdcheck::check_error_record(w.c, w.r, p);
	pdcheck::check_disk(w.c, w.r, torn_descs, p);
	EXPECT_TRUE(p.empty()) << pdcheck::describe(p);
}

using Params = std::tuple<uint32_t, uint32_t, uint32_t>;	// block, content, compression

class WriterComplete : public ::testing::TestWithParam<Params> {};

} // namespace

TEST_P(WriterComplete, EveryKeptPageIsTheSourcesAndSavecoreSavesIt)
{
	auto [block, content, compression] = GetParam();
	WriterRun w;
	default_config(w, block, content, compression);
	run_writer(w);

	EXPECT_EQ(w.r.ret, 0);
	EXPECT_EQ(w.r.hdr.state, (uint32_t)PD_STATE_COMPLETE);
	EXPECT_FALSE(w.r.hdr.dump_flags & PD_DUMP_F_INCOMPLETE);
	EXPECT_EQ(w.r.hdr.error.kind, (uint32_t)PD_ERR_NONE);
	EXPECT_TRUE(w.r.hdr.compat_features & PD_COMPAT_ERROR);
	EXPECT_EQ(w.r.hdr.dumped_pages, w.r.pages_expected);
	EXPECT_EQ(w.r.hdr.skipped_pages, content == PD_CONTENT_CURPROC ? 1u : 1u);
	expect_clean_io(w);
	expect_dump_checks(w);

	TempDir tmp;
	Saved s = save(w, tmp);
	ASSERT_EQ(s.status, 0) << s.err;
	EXPECT_FALSE(contains(s.err, "incomplete")) << s.err;
	expect_pages_match(w, s.vmcore, true);
	EXPECT_EQ(s.dmesg, expected_log(0, w.c.nr_log_lines));
}

INSTANTIATE_TEST_SUITE_P(
	BlockContentCompression, WriterComplete,
	::testing::Combine(::testing::Values(512u, 4096u),
			   ::testing::Values((uint32_t)PD_CONTENT_KERNEL,
					     (uint32_t)PD_CONTENT_ALL,
					     (uint32_t)PD_CONTENT_CURPROC),
			   ::testing::Values((uint32_t)PD_COMPRESS_ZSTD,
					     (uint32_t)PD_COMPRESS_LZO,
					     (uint32_t)PD_COMPRESS_NONE)));

namespace {

// What savecore says about descs, if anything is wrong with them.
bool bad_descs_reported(const Saved &s)
{
	return contains(s.err, "point outside the image") ||
	       contains(s.err, "invalid");
}

// How many descs savecore found bad ("N page descriptors are invalid").
uint64_t bad_descs(const Saved &s)
{
	auto at = s.err.find(" page descriptors are invalid");
	if (at == std::string::npos)
		return 0;
	auto from = s.err.rfind(' ', at - 1);
	return std::stoull(s.err.substr(from + 1, at - from - 1));
}

// Whatever happened, a saved dump holds only the source's pages, its log
// is whole, and no desc points outside the image. A torn write may leave
// one desc half written: descs are 24 bytes and straddle 512-byte blocks,
// and a disk lands whole blocks only; savecore finds and empties it.
void expect_consistent_if_saved(const WriterRun &w, const Saved &s,
				uint64_t torn_descs = 0)
{
	if (s.status != 0)
		return;
	if (torn_descs)
		EXPECT_LE(bad_descs(s), torn_descs) << s.err;
	else
		EXPECT_FALSE(bad_descs_reported(s)) << s.err;
	EXPECT_EQ(s.dmesg, expected_log(0, w.c.nr_log_lines));
	if (!s.vmcore.empty())
		expect_pages_match(w, s.vmcore, false);
}

// The pages "kernel" content keeps, all present in the vmcore?
uint64_t kernel_pages_missing(const std::vector<uint8_t> &vmcore)
{
	uint64_t missing = 0;
	read_kdump_pages(vmcore, [&](const KdumpPage &p) {
		enum pd_sim_page k = mixed_kind(nullptr, p.pfn);
		bool kernel = k == PD_SIM_KERNEL || k == PD_SIM_SLAB ||
			      k == PD_SIM_ZERO || k == PD_SIM_MCE;
		if (kernel && !p.present)
			missing++;
	});
	return missing;
}

} // namespace

TEST(Writer, AreaTooSmallKeepsKernelPagesAndRecordsOutOfSpace)
{
	for (uint32_t block : { 512u, 4096u }) {
		WriterRun w;
		default_config(w, block, PD_CONTENT_ALL, PD_COMPRESS_NONE);
		w.c.area_size = 40ULL << 20;
		run_writer(w);
		SCOPED_TRACE(block);

		EXPECT_EQ(w.r.ret, 0);
		EXPECT_EQ(w.r.hdr.state, (uint32_t)PD_STATE_COMPLETE);
		EXPECT_TRUE(w.r.hdr.dump_flags & PD_DUMP_F_INCOMPLETE);
		EXPECT_EQ(w.r.hdr.error.kind, (uint32_t)PD_ERR_NOSPC);
		EXPECT_EQ(w.r.hdr.error.stage, (uint32_t)PD_STAGE_ROUND);
		EXPECT_EQ(w.r.hdr.error.round, 3u);	// kernel pages all went out
		EXPECT_GT(w.r.hdr.error.pages, 0u);
		EXPECT_LT(w.r.hdr.dumped_pages, w.r.pages_expected);
		expect_clean_io(w);
		expect_dump_checks(w);

		TempDir tmp;
		Saved s = save(w, tmp);
		ASSERT_EQ(s.status, 0) << s.err;
		EXPECT_TRUE(contains(s.err, "incomplete")) << s.err;
		expect_consistent_if_saved(w, s);
		EXPECT_EQ(kernel_pages_missing(s.vmcore), 0u);
	}
}

TEST(Writer, NotOursWritesNothing)
{
	WriterRun w;
	small_config(w, 4096, PD_CONTENT_KERNEL, PD_COMPRESS_ZSTD);
	w.c.not_ours = 1;
	run_writer(w);
	EXPECT_EQ(w.r.ret, -ENODEV);
	EXPECT_EQ(w.r.writes, 0u);
	EXPECT_EQ(w.r.hdr.error.kind, (uint32_t)PD_ERR_NOT_OURS);
	EXPECT_EQ(w.r.hdr.error.stage, (uint32_t)PD_STAGE_IDENTITY);
	expect_dump_checks(w);
}

// mkfs or pvcreate over the area: the start is theirs, the trailing copy
// still ours. The primary decides, so the dump is refused, not written
// over their data.
TEST(Writer, ForeignPrimaryHeaderRefusesEvenWithOurTrailingCopy)
{
	WriterRun w;
	small_config(w, 512, PD_CONTENT_KERNEL, PD_COMPRESS_ZSTD);
	w.c.not_ours = 2;
	run_writer(w);
	EXPECT_EQ(w.r.ret, -ENODEV);
	EXPECT_EQ(w.r.writes, 0u);
	EXPECT_EQ(w.r.hdr.error.kind, (uint32_t)PD_ERR_NOT_OURS);
	EXPECT_EQ(w.r.hdr.error.stage, (uint32_t)PD_STAGE_IDENTITY);
}

TEST(Writer, UnreadablePrimaryHeaderFallsBackToTheTrailingCopy)
{
	WriterRun w;
	small_config(w, 512, PD_CONTENT_KERNEL, PD_COMPRESS_ZSTD);
	w.c.fail_read = 1;
	run_writer(w);
	EXPECT_EQ(w.r.ret, 0);
	EXPECT_EQ(w.r.hdr.error.kind, (uint32_t)PD_ERR_NONE);
	EXPECT_FALSE(w.r.hdr.dump_flags & PD_DUMP_F_INCOMPLETE);
	expect_dump_checks(w);
}

TEST(Writer, ReadErrorOfAWindowStopsTheImageAndIsRecorded)
{
	WriterRun w;
	small_config(w, 4096, PD_CONTENT_KERNEL, PD_COMPRESS_ZSTD);
	w.c.fail_read = 2;	// 1: the identity check; 2: the first bitmap window
	run_writer(w);
	EXPECT_EQ(w.r.hdr.error.kind, (uint32_t)PD_ERR_IO);
	EXPECT_EQ(w.r.hdr.error.stage, (uint32_t)PD_STAGE_ROUND);
	EXPECT_TRUE(w.r.hdr.dump_flags & PD_DUMP_F_INCOMPLETE);
	expect_dump_checks(w);
	TempDir tmp;
	expect_consistent_if_saved(w, save(w, tmp));
}

// An I/O error, then a timeout, on every write in turn: recorded with the
// request's sector and the controller's status, nothing outside the area
// written, and whatever savecore saves is consistent.
TEST(Writer, DeviceErrorOnEveryWrite)
{
	WriterRun probe;
	small_config(probe, 4096, PD_CONTENT_KERNEL, PD_COMPRESS_LZO);
	run_writer(probe);
	ASSERT_GT(probe.r.writes, 10u);

	for (uint64_t k = 1; k <= probe.r.writes; k++) {
		for (bool timeout : { false, true }) {
			WriterRun w;
			small_config(w, 4096, PD_CONTENT_KERNEL, PD_COMPRESS_LZO);
			(timeout ? w.c.timeout_write : w.c.fail_write) = k;
			w.c.fail_status = 0x281;
			run_writer(w);
			SCOPED_TRACE("write " + std::to_string(k) + (timeout ? " timeout" : " EIO"));

			const struct pd_dump_error &e = w.r.hdr.error;
			ASSERT_EQ(e.kind, timeout ? (uint32_t)PD_ERR_TIMEOUT : (uint32_t)PD_ERR_IO);
			EXPECT_EQ(e.err, timeout ? -ETIMEDOUT : -EIO);
			EXPECT_EQ(e.status, timeout ? 0u : 0x281u);
			EXPECT_GE(e.sector, w.c.area_start / 512);
			EXPECT_LT(e.sector, (w.c.area_start + w.c.area_size) / 512);
			EXPECT_NE(e.stage, (uint32_t)PD_STAGE_NONE);
			EXPECT_EQ(w.r.hdr.dumped_pages == w.r.pages_expected &&
				  !(w.r.hdr.dump_flags & PD_DUMP_F_INCOMPLETE), false);
			expect_clean_io(w);
			expect_dump_checks(w);
			TempDir tmp;
			Saved s = save(w, tmp);
			expect_consistent_if_saved(w, s);
			// After an I/O error the writer has a last word: a
			// header whose record savecore reads back. (Not after a
			// timeout: the lost request might complete late.)
			if (!timeout && s.status == 0) {
				EXPECT_NE(s.info.find("dump error: I/O error"), std::string::npos)
					<< s.info;
			}
		}
	}
}

// The power goes after write k, and of write k + 1 only some blocks land:
// for every k, what is on the disk is a dump savecore handles, whole or
// not at all, never stale descs nor a torn log.
TEST(Writer, PowerCutAfterEveryWrite)
{
	WriterRun probe;
	small_config(probe, 512, PD_CONTENT_ALL, PD_COMPRESS_ZSTD);
	run_writer(probe);

	for (uint64_t k = 1; k < probe.r.writes; k++) {
		WriterRun w;
		small_config(w, 512, PD_CONTENT_ALL, PD_COMPRESS_ZSTD);
		w.c.cut_after_write = k;
		w.c.torn_blocks = static_cast<uint32_t>(k % 3);
		run_writer(w);
		SCOPED_TRACE("cut after write " + std::to_string(k));
		expect_clean_io(w);
		expect_dump_checks(w, w.c.torn_blocks ? 1 : 0);
		TempDir tmp;
		Saved s = save(w, tmp);
		EXPECT_NE(s.status, 2) << s.err;	// never "corrupt"
		expect_consistent_if_saved(w, s, w.c.torn_blocks ? 1 : 0);
	}
}

TEST(Writer, SwapHeaderSurvivesTheDump)
{
	WriterRun w;
	small_config(w, 4096, PD_CONTENT_KERNEL, PD_COMPRESS_ZSTD);
	w.c.swap = 1;
	run_writer(w);
	EXPECT_EQ(w.r.ret, 0);
	auto area = w.area();
	EXPECT_EQ(std::string(reinterpret_cast<const char *>(area.data()) + PD_SWAP_MAGIC_OFFSET,
			      PD_SWAP_MAGIC_LEN), PD_SWAP_MAGIC);
	expect_dump_checks(w);
	TempDir tmp;
	Saved s = save(w, tmp);
	ASSERT_EQ(s.status, 0) << s.err;
	expect_pages_match(w, s.vmcore, true);
}

namespace {

// 1 TiB of RAM: free 4 MiB blocks, each 64th starting with 4 kernel pages
// (free runs only ever follow kernel pages in a block, as sim.c needs).
enum pd_sim_page sparse_kind(void *, uint64_t pfn)
{
	if (pfn % 65536 < 4 || (pfn >= 4096 && pfn < 4096 + 256))
		return PD_SIM_KERNEL;
	return PD_SIM_FREE;
}

} // namespace

TEST(Writer, OneTebibyteOfRamInUnderOneMebibyte)
{
	WriterRun w;
	default_config(w, 4096, PD_CONTENT_KERNEL, PD_COMPRESS_ZSTD);
	w.ranges = { { 1, 1ULL << 28 } };		// 2^28 pages of 4 KiB
	w.c.kind_of = sparse_kind;
	w.c.area_size = 128ULL << 20;		// the two bitmaps take 64 MiB
	w.c.kimage_start_pfn = 4096;
	w.c.kimage_end_pfn = 4096 + 256;
	w.c.free_run = 1024;
	run_writer(w);

	EXPECT_EQ(w.r.ret, 0);
	EXPECT_FALSE(w.r.hdr.dump_flags & PD_DUMP_F_INCOMPLETE);
	EXPECT_EQ(w.r.hdr.dumped_pages, w.r.pages_expected);
	EXPECT_EQ(w.r.pages_expected, 3 + 4 * ((1ULL << 28) / 65536 - 1) + 256);
	EXPECT_LT(w.r.state_bytes, 1u << 20) << "the core's state and buffers";
	expect_clean_io(w);
	expect_dump_checks(w);

	TempDir tmp;
	Saved s = save(w, tmp);
	ASSERT_EQ(s.status, 0) << s.err;
	expect_pages_match(w, s.vmcore, true);
}

// A read error on every read in turn, on a swap area too, where each
// header write first reads back the swap header it keeps: whatever the
// read, the dump stops or goes on consistently, and never claims pages
// it did not write.
// A swap area's ARMED header has no trailing copy: a power cut that tears
// the first DUMPING header's primary (512-byte blocks: 1 of its 8 lands)
// must still leave a valid copy, so the trailing one goes down first.
// Found by the writer fuzzer.
TEST(Writer, SwapPowerCutTearingTheFirstHeaderLeavesAValidCopy)
{
	WriterRun w;
	small_config(w, 512, PD_CONTENT_KERNEL, PD_COMPRESS_ZSTD);
	w.c.swap = 1;
	w.c.cut_after_write = 1;
	w.c.torn_blocks = 1;
	run_writer(w);
	expect_dump_checks(w);
}

TEST(Writer, ReadErrorOnEveryRead)
{
	for (int swap : { 0, 1 }) {
		WriterRun probe;
		small_config(probe, 4096, PD_CONTENT_ALL, PD_COMPRESS_ZSTD);
		probe.c.swap = swap;
		run_writer(probe);
		ASSERT_GT(probe.r.reads, 3u);

		for (uint64_t k = 1; k <= probe.r.reads; k++) {
			WriterRun w;
			small_config(w, 4096, PD_CONTENT_ALL, PD_COMPRESS_ZSTD);
			w.c.swap = swap;
			w.c.fail_read = k;
			run_writer(w);
			SCOPED_TRACE("read " + std::to_string(k) + (swap ? ", swap" : ""));
			expect_dump_checks(w);
		}
	}
}

// An oops inside the dump, before page k is stored: pd_dump_fault()
// records it in the header, written once more, and the dump is left
// where it is; savecore saves what the checkpoints put down.
TEST(Writer, OopsInsideTheDumpIsRecorded)
{
	for (uint64_t k : { 1u, 100u, 257u, 1000u, 2500u }) {
		WriterRun w;
		small_config(w, 512, PD_CONTENT_ALL, PD_COMPRESS_ZSTD);
		w.c.oops_at_page = k;
		run_writer(w);
		SCOPED_TRACE("oops before page " + std::to_string(k));

		EXPECT_EQ(w.r.ret, -EFAULT);
		EXPECT_EQ(w.r.hdr.error.kind, (uint32_t)PD_ERR_FAULT);
		EXPECT_EQ(w.r.hdr.error.stage, (uint32_t)PD_STAGE_ROUND);
		EXPECT_EQ(w.r.hdr.error.pages, k - 1);
		expect_dump_checks(w);
		TempDir tmp;
		Saved s = save(w, tmp);
		EXPECT_EQ(s.status, 0) << s.err;
		EXPECT_TRUE(contains(s.info, "fault")) << s.info;
		expect_consistent_if_saved(w, s);
	}
}

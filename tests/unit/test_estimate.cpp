// SPDX-License-Identifier: GPL-2.0
// dumpadm/estimate: /proc/iomem, /proc/kpageflags and the arithmetic,
// against a fake /proc.
#include <gtest/gtest.h>

#include <linux/kernel-page-flags.h>
#include <vector>

#include "common/error.h"
#include "common/file_util.h"
#include "dumpadm/estimate.h"
#include "kdump_format.h"
#include "pd_format.h"
#include "test_util.h"

using pdtest::write_text;

namespace {

constexpr uint64_t F(unsigned b)
{
	return uint64_t(1) << b;
}

const char kIomem[] =
	"00000000-00000fff : Reserved\n"
	"00001000-0009fbff : System RAM\n"
	"0009fc00-0009ffff : Reserved\n"
	"000f0000-000fffff : System ROM\n"
	"00100000-3ffdffff : System RAM\n"
	"  01000000-01e03816 : Kernel code\n"
	"  02a00000-02f4ffff : Kernel bss\n"
	"3ffe0000-3fffffff : Reserved\n"
	"fd000000-fdffffff : PCI Bus 0000:00\n";

void write_kpageflags(const std::string &path, const std::vector<uint64_t> &flags)
{
	std::vector<uint8_t> b(flags.size() * 8);
	for (size_t i = 0; i < flags.size(); i++)
		for (int k = 0; k < 8; k++)
			b[i * 8 + k] = static_cast<uint8_t>(flags[i] >> (8 * k));
	pdtest::write_bytes(path, b);
}

} // namespace

TEST(Estimate, ParseIomem)
{
	auto r = pd::parse_iomem(kIomem, "iomem");

	ASSERT_EQ(r.size(), 2u);
	EXPECT_EQ(r[0].start_pfn, 1u);
	EXPECT_EQ(r[0].end_pfn, 0x9fu);		// 0x9fbff + 1 rounds down
	EXPECT_EQ(r[1].start_pfn, 0x100u);
	EXPECT_EQ(r[1].end_pfn, 0x3ffe0u);

	try {
		pd::parse_iomem("00000000-00000000 : System RAM\n00000000-00000000 : Reserved\n", "/proc/iomem");
		FAIL() << "accepted hidden addresses";
	} catch (const pd::Error &e) {
		EXPECT_NE(std::string(e.what()).find("/proc/iomem shows no addresses"), std::string::npos);
		EXPECT_NE(std::string(e.what()).find("as root"), std::string::npos);
	}
	EXPECT_THROW(pd::parse_iomem("00001000-0009fbff : Reserved\n", "x"), pd::Error);
}

TEST(Estimate, CountPagesOverRanges)
{
	pdtest::TempDir tmp;
	// PFN 0..15; the ranges cover 2..5 and 8..19 (16..19 past the file).
	std::vector<uint64_t> flags(16, 0);
	flags[2] = F(KPF_BUDDY);
	flags[3] = F(KPF_LRU);
	flags[4] = F(KPF_SLAB);
	flags[8] = F(KPF_ANON);
	flags[9] = F(KPF_NOPAGE);
	flags[10] = F(KPF_BUDDY);
	// By the module's rule (tests/unit/test_content.cpp has them all):
	flags[11] = F(KPF_THP) | F(KPF_ZERO_PAGE);	// the huge zero page: kernel
	flags[12] = F(KPF_SLAB) | F(KPF_ANON);		// slab first: kernel
	flags[13] = F(KPF_THP) | F(KPF_COMPOUND_TAIL);	// page-cache THP tail: user
	write_kpageflags(tmp / "kpageflags", flags);

	pd::PageCensus c = pd::count_pages(tmp / "kpageflags", { { 2, 6 }, { 8, 20 } });
	EXPECT_EQ(c.ram, 16u);
	EXPECT_EQ(c.max_pfn, 20u);
	EXPECT_EQ(c.nr_ranges, 2u);
	EXPECT_EQ(c.free, 2u);
	EXPECT_EQ(c.user_or_cache, 3u);
	EXPECT_EQ(c.not_dumpable, 1u + 4u);
	EXPECT_EQ(c.kernel, 16u - 2 - 3 - 5);
	EXPECT_EQ(c.kernel + c.free + c.user_or_cache + c.not_dumpable, c.ram);

	EXPECT_THROW(pd::count_pages(tmp / "none", { { 0, 1 } }), pd::Error);
}

TEST(Estimate, MemFreeMakesUpForUnmarkedFreePages)
{
	pd::PageCensus c;
	c.kernel = 1000;
	c.free = 100;
	pd::adjust_for_memfree(c, 90);		// all marked: nothing moves
	EXPECT_EQ(c.kernel, 1000u);
	EXPECT_EQ(c.free_unmarked, 0u);
	pd::adjust_for_memfree(c, 600);
	EXPECT_EQ(c.kernel, 500u);
	EXPECT_EQ(c.free, 600u);
	EXPECT_EQ(c.free_unmarked, 500u);
	pd::adjust_for_memfree(c, 1u << 30);	// never below zero kernel pages
	EXPECT_EQ(c.kernel, 0u);

	pdtest::TempDir tmp;
	write_text(tmp / "meminfo", "MemTotal:        1000000 kB\nMemFree:          409600 kB\nMemAvailable: 1 kB\n");
	EXPECT_EQ(pd::read_memfree_pages(tmp.path()), std::optional<uint64_t>(102400));
	EXPECT_FALSE(pd::read_memfree_pages(tmp / "none"));
}

TEST(Estimate, LargestProcess)
{
	pdtest::TempDir tmp;
	write_text(tmp / "1/statm", "4000 300 200 10 0 100 0\n");
	write_text(tmp / "1/comm", "systemd\n");
	write_text(tmp / "42/statm", "90000 12345 100 10 0 5000 0\n");
	write_text(tmp / "42/comm", "bigone\n");
	write_text(tmp / "7/statm", "0 0 0 0 0 0 0\n");
	write_text(tmp / "self/statm", "1 99999999 0 0 0 0 0\n");	// not a PID
	auto p = pd::largest_process(tmp.path());

	ASSERT_TRUE(p);
	EXPECT_EQ(p->pid, 42);
	EXPECT_EQ(p->comm, "bigone");
	EXPECT_EQ(p->rss_pages, 12345u);
	EXPECT_FALSE(pd::largest_process(tmp / "nothing"));
}

TEST(Estimate, Arithmetic)
{
	pd::EstimateInputs in;
	in.census.ram = 262144;			// 1 GiB
	in.census.max_pfn = 262144;
	in.census.kernel = 30000;
	in.census.user_or_cache = 100000;
	in.census.free = 130000;
	in.census.not_dumpable = 2144;
	in.content = PD_CONTENT_KERNEL;
	in.compression = PD_COMPRESS_ZSTD;
	in.nr_cpus = 2;
	in.vmcoreinfo_bytes = 3000;

	pd::Estimate e = pd::compute_estimate(in);
	EXPECT_EQ(e.pages, 30000u);
	EXPECT_EQ(e.uncompressed_bytes, 30000u * 4096);
	EXPECT_EQ(e.ratios.kernel10, 40u);
	EXPECT_EQ(e.kernel_pages, 30000u);
	EXPECT_EQ(e.other_pages, 0u);
	EXPECT_EQ(e.data_bytes, 30720000u);	// 4:1
	EXPECT_EQ(e.desc_bytes, 30000u * 24);
	EXPECT_EQ(e.bitmap_bytes, 2u * 32768);	// a bit per PFN, whole blocks
	struct kdump_layout l;
	kdump_layout_compute(&l, 262144, 2 * kdump_note_size(5, KDUMP_PRSTATUS_SIZE) +
				 kdump_note_size(11, 3000), 30000);
	EXPECT_EQ(e.metadata_bytes, l.off_data);
	EXPECT_GE(e.metadata_bytes, e.bitmap_bytes + e.desc_bytes);
	EXPECT_EQ(e.vmcore_bytes, l.off_data + 4096 + e.data_bytes);
	EXPECT_EQ(e.symtab_bytes, 0u);
	EXPECT_EQ(e.area_bytes % 4096, 0u);
	EXPECT_GE(e.area_bytes, PD_KDUMP_OFFSET + e.vmcore_bytes + 4096);

	in.symtab_text_bytes = 8 << 20;
	pd::Estimate s = pd::compute_estimate(in);
	EXPECT_EQ(s.symtab_bytes, 11u << 20);	// 1.25 x + a block, rounded to 1 MiB
	EXPECT_EQ(s.area_bytes, e.area_bytes + s.symtab_bytes);

	in.content = PD_CONTENT_ALL;
	in.compression = PD_COMPRESS_LZO;
	e = pd::compute_estimate(in);
	EXPECT_EQ(e.pages, 260000u);
	EXPECT_EQ(e.kernel_pages, 30000u);
	EXPECT_EQ(e.other_pages, 230000u);
	// kernel pages at 2.7:1, the others at 1.5:1 (each rounded up)
	EXPECT_EQ(e.data_bytes, (30000ull * 4096 * 10 + 26) / 27 + (230000ull * 4096 * 10 + 14) / 15);

	in.compression = PD_COMPRESS_ZSTD;
	e = pd::compute_estimate(in);
	EXPECT_EQ(e.data_bytes, 30000u * 4096 / 4 + 230000u * 4096 / 2);
	// The 1 GiB census above, all content, zstd: more than the old flat
	// 3:1 on RAM would have said, because user and free pages may be
	// anything; kernel content (the default) about a quarter less.
	EXPECT_GT(e.data_bytes, 260000u * 4096 / 3);

	in.content = PD_CONTENT_CURPROC;
	in.compression = PD_COMPRESS_NONE;
	in.process = pd::LargestProcess{ 42, "big", 5000 };
	e = pd::compute_estimate(in);
	EXPECT_EQ(e.pages, 35000u);
	EXPECT_EQ(e.ratios.kernel10, 10u);
	EXPECT_EQ(e.ratios.other10, 10u);
	EXPECT_EQ(e.data_bytes, e.uncompressed_bytes);
	in.process->rss_pages = 1u << 30;	// capped at what is user memory
	EXPECT_EQ(pd::compute_estimate(in).pages, 130000u);
}

TEST(Estimate, ReportAndRefusal)
{
	pd::EstimateInputs in;
	in.census.ram = in.census.max_pfn = 262144;
	in.census.kernel = 30000;
	in.census.nr_ranges = 2;
	in.content = PD_CONTENT_KERNEL;
	in.compression = PD_COMPRESS_ZSTD;
	pd::Estimate e = pd::compute_estimate(in);

	std::string r = pd::format_estimate(e, "/dev/vdb", 2ULL << 30);
	EXPECT_EQ(r.rfind("Estimated dump size: ", 0), 0u);
	EXPECT_NE(r.find("      Dump content: kernel pages, zstd\n"), std::string::npos);
	EXPECT_NE(r.find("      Pages dumped: 30000 ("), std::string::npos);
	EXPECT_NE(r.find("with zstd, from assumed ratios (no page is read):\n"), std::string::npos) << r;
	EXPECT_NE(r.find("                    kernel pages 4:1 (30000 pages)\n"), std::string::npos) << r;
	EXPECT_EQ(r.find("user, page-cache and free pages"), std::string::npos) << r;	// kernel content
	EXPECT_NE(r.find("24 bytes a page"), std::string::npos);
	EXPECT_NE(r.find("       Dump device: /dev/vdb: 2.0 GiB, large enough\n"), std::string::npos);

	EXPECT_NO_THROW(pd::check_area_fits("/dev/vdb", e.area_bytes, e));
	try {
		pd::check_area_fits("/dev/vdb", 16ULL << 20, e);
		FAIL() << "accepted a device smaller than the estimate";
	} catch (const pd::Error &err) {
		std::string m = err.what();
		EXPECT_EQ(m.rfind("/dev/vdb: too small for a dump: the device is 16.0 MiB", 0), 0u) << m;
		EXPECT_NE(m.find("needs an estimated " + pd::human_size(e.area_bytes)), std::string::npos) << m;
		EXPECT_EQ(m.find("-c kernel"), std::string::npos) << m;	// already kernel
	}
	in.content = PD_CONTENT_ALL;
	e = pd::compute_estimate(in);
	r = pd::format_estimate(e, "/dev/vdb", 1 << 20);
	EXPECT_NE(r.find(", TOO SMALL\n"), std::string::npos);
	EXPECT_NE(r.find("user, page-cache and free pages 2:1 (0 pages; "), std::string::npos) << r;
	try {
		pd::check_area_fits("/dev/vdb", 1 << 20, e);
		FAIL();
	} catch (const pd::Error &err) {
		std::string m = err.what();
		EXPECT_NE(m.find("or less content (-c kernel)"), std::string::npos) << m;
		EXPECT_NE(m.find("at an assumed 4:1 for kernel pages, 2:1 for others"), std::string::npos) << m;
	}
	in.compression = PD_COMPRESS_LZO;
	e = pd::compute_estimate(in);
	EXPECT_NE(pd::format_estimate(e).find("kernel pages 2.7:1 (30000 pages)"), std::string::npos);
}

TEST(Estimate, FromAFakeProc)
{
	pdtest::TempDir tmp;
	pd::SystemPaths paths;
	paths.proc = tmp / "proc";
	paths.sysfs = tmp / "sys";
	write_text(tmp / "proc/iomem", "00001000-00008fff : System RAM\n");
	std::vector<uint64_t> flags(9, 0);
	flags[1] = F(KPF_BUDDY);
	flags[2] = F(KPF_LRU);
	write_kpageflags(tmp / "proc/kpageflags", flags);
	write_text(tmp / "proc/kallsyms", "ffffffff81000000 T _stext\nffffffff81000010 T start_kernel\n");
	write_text(tmp / "sys/devices/system/cpu/cpu0/crash_notes", "1000\n");
	write_text(tmp / "sys/devices/system/cpu/cpu1/crash_notes", "2000\n");
	write_text(tmp / "sys/kernel/vmcoreinfo", "12345000 d20\n");
	write_text(tmp / "proc/5/statm", "100 3 0 0 0 0 0\n");
	write_text(tmp / "proc/5/comm", "x\n");

	pd::Estimate e = pd::estimate_system(paths, PD_CONTENT_KERNEL, PD_COMPRESS_ZSTD);
	EXPECT_EQ(e.in.census.ram, 8u);
	EXPECT_EQ(e.pages, 6u);
	EXPECT_EQ(e.in.nr_cpus, 2u);
	EXPECT_EQ(e.in.vmcoreinfo_bytes, 0xd20u);
	EXPECT_GT(e.in.symtab_text_bytes, 0u);
	EXPECT_FALSE(e.in.process);

	e = pd::estimate_system(paths, PD_CONTENT_CURPROC, PD_COMPRESS_ZSTD);
	ASSERT_TRUE(e.in.process);
	EXPECT_EQ(e.pages, 7u);		// 3 resident, capped at the 1 user page
}

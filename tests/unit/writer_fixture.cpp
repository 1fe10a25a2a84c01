// SPDX-License-Identifier: GPL-2.0
#include "writer_fixture.h"

#include <sys/stat.h>

#include "dump_checks.h"
#include "savecore/save.h"

namespace pdtest {

enum pd_sim_page mixed_kind(void *, uint64_t pfn)
{
	if ((pfn / 64) % 3 == 1)
		return PD_SIM_FREE;		// whole aligned 64-page blocks
	if (pfn % 1000 == 500)
		return PD_SIM_CURPROC;
	if (pfn % 97 == 0)
		return PD_SIM_ZERO;
	if (pfn % 13 == 0)
		return PD_SIM_SLAB;
	if ((pfn / 16) % 5 == 2)
		return PD_SIM_USER;
	if ((pfn / 16) % 7 == 3)
		return PD_SIM_CACHE;
	if (pfn == 7777)
		return PD_SIM_UNREADABLE;
	if (pfn == 9999)
		return PD_SIM_MCE;
	return PD_SIM_KERNEL;
}

void default_config(WriterRun &w, uint32_t block_size, uint32_t content,
		    uint32_t compression)
{
	// Two ranges with a hole, as a PC's RAM below and above 4 GiB.
	w.ranges = { { 1, 4000 }, { 4096, 16384 } };
	w.c.block_size = block_size;
	w.c.area_start = 1 << 20;
	w.c.area_size = 96ULL << 20;
	w.c.content = content;
	w.c.compression = compression;
	w.c.kimage_start_pfn = 4096;
	w.c.kimage_end_pfn = 4096 + 512;
	w.c.kind_of = mixed_kind;
	w.c.free_run = 64;
	w.c.nr_log_lines = 500;
	w.c.progress_every = 3;
}

void small_config(WriterRun &w, uint32_t block_size, uint32_t content,
		  uint32_t compression)
{
	default_config(w, block_size, content, compression);
	w.ranges = { { 1, 1000 }, { 1024, 4096 } };
	w.c.area_size = 12ULL << 20;
	w.c.kimage_start_pfn = 1024;
	w.c.kimage_end_pfn = 1024 + 128;
	w.c.nr_log_lines = 200;
	w.c.progress_every = 1;
}

void run_writer(WriterRun &w)
{
	w.c.ranges = w.ranges.data();
	w.c.nr_ranges = static_cast<uint32_t>(w.ranges.size());
	ASSERT_EQ(pd_sim_run(&w.c, &w.r), 0);
}

std::vector<uint8_t> WriterRun::area() const
{
	return pdcheck::area_bytes(c, r);
}

Saved save(const WriterRun &w, const TempDir &tmp)
{
	std::string image = tmp / "dev.img", dir = tmp / "crash";
	write_bytes(image, w.area());
	pd::SaveOptions o;
	o.dumpfile = image;
	o.directory = dir;
	o.config_root = tmp / "root";
	o.syslog = false;
	o.minfree = "0";
	std::ostringstream out, err;
	Saved s;
	s.status = pd::run_savecore(o, out, err);
	s.out = out.str();
	s.err = err.str();
	struct stat st;
	if (::stat((dir + "/vmcore.0").c_str(), &st) == 0)
		s.vmcore = read_bytes(dir + "/vmcore.0");
	if (::stat((dir + "/dmesg.0").c_str(), &st) == 0)
		s.dmesg = read_text(dir + "/dmesg.0");
	if (::stat((dir + "/info.0").c_str(), &st) == 0)
		s.info = read_text(dir + "/info.0");
	return s;
}

} // namespace pdtest

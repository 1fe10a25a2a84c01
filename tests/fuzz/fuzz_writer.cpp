// SPDX-License-Identifier: GPL-2.0
// libFuzzer target: the dump writer's core (capture/core) on the
// simulated disk and RAM, with a run chosen by the input
// (writer_input.h): block size, area, RAM ranges and holes, page kinds,
// content level, compression, swap, log, and a fault schedule. Every run
// must pass the checks the unit tests make (tests/writer/dump_checks.h):
// an error record the faults explain, nothing outside the area, no part
// blocks, a header that decodes, and an image that is whole when it says
// so and consistent when cut short. A violation aborts, which libFuzzer
// reports with the input.
#include <cstdio>
#include <cstdlib>

#include "dump_checks.h"
#include "writer_input.h"

namespace {

void print_case(const struct pd_sim_config &c)
{
	std::fprintf(stderr,
		     "run: block %u, area %llu MiB, content %u, compression %u, swap %d, "
		     "%u ranges up to PFN %llu, free_run %u, %u log lines, progress_every %u, "
		     "kernel image [%llu, %llu)\n"
		     "faults: fail_write %llu (status %#x), timeout_write %llu, "
		     "cut_after_write %llu (torn %u), fail_read %llu, not_ours %d, oops_at_page %llu\n",
		     c.block_size, (unsigned long long)(c.area_size >> 20), c.content,
		     c.compression, c.swap, c.nr_ranges,
		     (unsigned long long)c.ranges[c.nr_ranges - 1].end_pfn, c.free_run,
		     c.nr_log_lines, c.progress_every,
		     (unsigned long long)c.kimage_start_pfn,
		     (unsigned long long)c.kimage_end_pfn,
		     (unsigned long long)c.fail_write, c.fail_status,
		     (unsigned long long)c.timeout_write,
		     (unsigned long long)c.cut_after_write, c.torn_blocks,
		     (unsigned long long)c.fail_read, c.not_ours,
		     (unsigned long long)c.oops_at_page);
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	pdfuzz::WriterCase w;
	struct pd_sim_result r = {};
	pdcheck::Problems p;

	pdfuzz::decode_writer(data, size, w);
	if (pd_sim_run(&w.c, &r))
		std::abort();		// out of memory: not the writer's
	pdcheck::check_error_record(w.c, r, p);
	// A torn write may leave one desc half written (dump_checks.h).
	pdcheck::check_disk(w.c, r, w.c.cut_after_write && w.c.torn_blocks ? 1 : 0, p);
	if (!p.empty()) {
		print_case(w.c);
		std::fprintf(stderr, "writer: ret %d, %llu writes, %llu reads, error: kind %u "
			     "stage %u round %u\n%s", r.ret, (unsigned long long)r.writes,
			     (unsigned long long)r.reads, r.hdr.error.kind, r.hdr.error.stage,
			     r.hdr.error.round, pdcheck::describe(p).c_str());
		std::abort();
	}
	pd_sim_free(&r);
	return 0;
}

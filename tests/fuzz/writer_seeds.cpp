// SPDX-License-Identifier: GPL-2.0
// Seeds that start the fuzzer where the writer branches: every block
// size, content level and compression on a RAM of every page kind, then
// each fault on its own (an oops too), a swap area, an area too small,
// and kernel image ranges it must refuse.
#include "writer_seeds.h"

#include "sim.h"
#include "writer_input.h"

namespace pdfuzz {

namespace {

// Two ranges with a hole (2028 pages), every kind of page, free blocks
// of 64, the log, a kernel image in the second range.
WriterSpec mixed()
{
	WriterSpec s;
	s.ranges = { { 1, 250 }, { 10, 255 } };
	s.free_run_log2 = 6;
	s.log_lines_8 = 25;
	s.progress_every = 1;
	s.kimage_start = 1100;
	s.kimage_pages = 64;
	s.kinds = { { PD_SIM_KERNEL, 39 }, { PD_SIM_FREE, 63 }, { PD_SIM_USER, 15 },
		    { PD_SIM_SLAB, 7 }, { PD_SIM_ZERO, 1 }, { PD_SIM_CACHE, 15 },
		    { PD_SIM_CURPROC, 2 }, { PD_SIM_KERNEL, 99 },
		    { PD_SIM_UNREADABLE, 0 }, { PD_SIM_MCE, 0 }, { PD_SIM_KERNEL, 49 } };
	return s;
}

uint8_t flags(bool block4k, uint32_t content, uint32_t compression)
{
	return static_cast<uint8_t>((block4k ? 1 : 0) | content << 4 | compression << 6);
}

} // namespace

std::vector<std::pair<std::string, std::vector<uint8_t>>> writer_seeds()
{
	std::vector<std::pair<std::string, std::vector<uint8_t>>> out;
	auto add = [&](const std::string &name, const WriterSpec &s) {
		out.push_back({ name, encode_writer(s) });
	};

	for (bool b4k : { false, true })
		for (uint32_t content : { PD_CONTENT_KERNEL, PD_CONTENT_ALL, PD_CONTENT_CURPROC })
			for (uint32_t comp : { PD_COMPRESS_ZSTD, PD_COMPRESS_LZO, PD_COMPRESS_NONE }) {
				WriterSpec s = mixed();
				s.flags = flags(b4k, content, comp);
				add("clean-" + std::to_string(b4k ? 4096 : 512) + "-c" +
				    std::to_string(content) + "-z" + std::to_string(comp), s);
			}

	struct Fault {
		const char *name;
		uint8_t faults, fail_write, timeout_write, cut, torn, fail_read, oops;
	};
	static const Fault faults[] = {
		{ "fail-write-5", 1, 4, 0, 0, 0, 0, 0 },
		{ "fail-write-30", 1, 29, 0, 0, 0, 0, 0 },
		{ "timeout-write-12", 2, 0, 11, 0, 0, 0, 0 },
		{ "cut-9-torn-1", 4, 0, 0, 8, 1, 0, 0 },
		{ "cut-40-torn-3", 4, 0, 0, 39, 3, 0, 0 },
		{ "fail-read-1", 8, 0, 0, 0, 0, 0, 0 },
		{ "fail-read-2", 8, 0, 0, 0, 0, 1, 0 },
		{ "fail-read-4", 8, 0, 0, 0, 0, 3, 0 },
		{ "not-ours", 16, 0, 0, 0, 0, 0, 0 },
		{ "oops-at-page-301", 32, 0, 0, 0, 0, 0, 75 },
	};
	for (const Fault &f : faults)
		for (bool b4k : { false, true }) {
			WriterSpec s = mixed();
			s.flags = flags(b4k, PD_CONTENT_ALL, PD_COMPRESS_LZO);
			s.faults = f.faults;
			s.fail_write = f.fail_write;
			s.fail_status = 0x81;
			s.timeout_write = f.timeout_write;
			s.cut = f.cut;
			s.torn = f.torn;
			s.fail_read = f.fail_read;
			s.oops = f.oops;
			add(std::string(f.name) + (b4k ? "-4096" : "-512"), s);
		}

	WriterSpec swap = mixed();
	swap.flags = flags(false, PD_CONTENT_KERNEL, PD_COMPRESS_ZSTD) | 2;
	add("swap-512", swap);
	swap.flags |= 1;
	add("swap-4096", swap);

	// 4096 pages stored raw into 2 MiB: out of room in round 3.
	WriterSpec full = mixed();
	full.flags = flags(true, PD_CONTENT_ALL, PD_COMPRESS_NONE);
	full.ranges = { { 0, 255 }, { 0, 255 }, { 0, 255 }, { 0, 255 } };
	add("out-of-space", full);

	// Raw pages and no progress checkpoints: the data buffer fills
	// between syncs, and a write fails while it is flushed.
	WriterSpec raw = mixed();
	raw.flags = flags(false, PD_CONTENT_KERNEL, PD_COMPRESS_NONE);
	raw.progress_every = 0;
	raw.faults = 1;
	raw.fail_write = 9;
	add("fail-write-raw-no-progress", raw);

	WriterSpec noimage = mixed();
	noimage.flags = flags(false, PD_CONTENT_CURPROC, PD_COMPRESS_ZSTD) | 4;
	add("no-kernel-image", noimage);
	WriterSpec beyond = mixed();
	beyond.kimage_start = 2080;		// past the RAM's last PFN
	add("kernel-image-past-ram", beyond);
	return out;
}

} // namespace pdfuzz

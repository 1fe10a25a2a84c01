// SPDX-License-Identifier: GPL-2.0
// Builds, in memory, a dump area as the capture module leaves it after a
// panic: pd_header (both copies), kernel log, and a small but valid
// kdump-compressed image (formats/kdump_format.c for the layout, libzstd
// for the pages).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "kdump_format.h"
#include "pd_format.h"

namespace pdtest {

struct SyntheticSpec {
	uint64_t area_size = 8ULL << 20;
	uint64_t max_mapnr = 4096;	// 16 MiB of "RAM"
	// Dumpable pages with content, and all-zero dumpable pages.
	std::vector<uint64_t> pages = { 1, 2, 3, 100, 1000, 4095 };
	std::vector<uint64_t> zero_pages = { 5, 6 };
	uint32_t nr_cpus = 2;
	uint32_t state = PD_STATE_COMPLETE;
	uint64_t crash_time = 1700000000;
	std::string release = "6.1.0-synthetic";
	std::string panic = "Kernel panic - not syncing: synthetic test panic";
	std::string log = "[    0.000000] Linux version 6.1.0-synthetic\n"
			  "[   12.345678] Kernel panic - not syncing: synthetic test panic\n";
	// The module cut the image short: only the first pages_written
	// pages are in it; the remaining descs hold stale offsets beyond
	// the end. module_flags_incomplete: whether the module set
	// DUMP_DH_COMPRESSED_INCOMPLETE itself.
	bool incomplete = false;
	size_t pages_written = 3;
	bool module_flags_incomplete = true;
};

struct SyntheticDump {
	std::vector<uint8_t> area;	// the whole area
	std::vector<uint8_t> image;	// the KDUMP section as on the device
	struct pd_header header;
	struct kdump_layout layout;
};

SyntheticDump build_synthetic_dump(const SyntheticSpec &spec);

// The deterministic content of a page (compressible, distinct per PFN).
std::vector<uint8_t> page_content(uint64_t pfn);

// An independent reader: the page of pfn from a kdump-compressed file
// (bitmap-2 rank, desc, zstd). Empty for a page that is not dumped, or
// whose desc was zeroed (crash: incomplete page).
std::vector<uint8_t> read_kdump_page(const std::vector<uint8_t> &vmcore,
				     uint64_t pfn);

} // namespace pdtest

// SPDX-License-Identifier: GPL-2.0
// Dump areas as the real writer leaves them, for savecore's tests and the
// fuzz seeds: a DumpSpec in the tests' terms (which pages hold what, the
// kernel, the faults) runs capture/core through the sim (tests/writer),
// armed as dumpadm arms (dumpadm_arm.h). Tests of hostile input corrupt
// the result, finding the fields through the formats/ structures.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "kdump_format.h"
#include "pd_format.h"

namespace pdtest {

struct DumpSpec {
	uint64_t area_size = 8ULL << 20;
	uint32_t block_size = 4096;	// the disk's logical block size
	bool swap = false;		// armed as dumpadm -d swap

	// RAM as PFN ranges [first, end); empty: [0, max_mapnr).
	uint64_t max_mapnr = 4096;
	std::vector<std::pair<uint64_t, uint64_t>> ram;
	// Kernel pages with data and all-zero kernel pages; every other page
	// of RAM is free (in bitmap 1, dumped only at content all).
	std::vector<uint64_t> pages = { 1, 2, 3, 100, 1000, 4095 };
	std::vector<uint64_t> zero_pages = { 5, 6 };
	// What some pages hold instead of the sim's pattern.
	std::map<uint64_t, std::vector<uint8_t>> page_data;
	// The kernel image's PFNs [first, end), stored first (round 1, then
	// a checkpoint); { 0, 0 }: unknown.
	std::pair<uint64_t, uint64_t> kimage = { 0, 0 };

	uint32_t content = PD_CONTENT_KERNEL;
	uint32_t compression = PD_COMPRESS_ZSTD;
	uint32_t nr_cpus = 2;
	uint64_t crash_time = 1700000000;	// armed 100 seconds before
	std::string release = "6.1.0-sim";
	std::string panic = "Kernel panic - not syncing: simulated test panic";
	std::string vmcoreinfo;		// empty: default_vmcoreinfo()
	uint32_t nr_log_lines = 20;
	// /proc/kallsyms at arm time; empty: armed without a symbol table.
	std::string kallsyms;

	// Faults, as pd_sim_config has them; 0 is off.
	uint64_t fail_write = 0, timeout_write = 0, cut_after_write = 0;
	uint64_t fail_read = 0;
	uint32_t fail_status = 0;
	uint64_t fault_after_pages = 0, cut_after_pages = 0;
	bool not_ours = false;
};

struct RealDump {
	std::vector<uint8_t> area;
	int ret = 0;			// the writer's pd_dump_run()
	uint64_t writes = 0;		// requests it sent the disk
	// The writer's own header at the end: its error record even when the
	// device stopped taking writes before it could land.
	struct pd_header writer_header {};
	// The current valid copy on the area (pd_header_pick()); the primary
	// copy's bytes when neither is valid.
	struct pd_header header {};
	// The KDUMP section's first length bytes: what savecore copies.
	std::vector<uint8_t> image;
	// Decoded from the image's headers; all zero without an image.
	struct kdump_layout layout {};
	uint64_t symtab_offset = 0;	// area offset of the SYMTAB text; 0: none

	// Puts header into both copies, sealed (after a test changed it).
	void reseal();
	// The image offset of pfn's slot in the desc table, and that desc.
	uint64_t desc_offset(uint64_t pfn) const;
	struct kdump_page_desc desc(uint64_t pfn) const;
};

// Runs the writer. Throws std::runtime_error when the run cannot be had
// (dumpadm refuses the area, the writer writes outside it, a layout that
// does not decode).
RealDump make_dump(const DumpSpec &spec);

// The spec changed so that the writer stores exactly data_pages pages
// with data (zero pages take none) after the kernel image and then runs
// out of space: every page whose content the spec does not give is made
// incompressible, so that each takes a whole block, and the kernel image
// (stored first) grows by as many incompressible pages as it takes to
// fill the area, from filler_pfn on when the spec has none, else from
// its end on. Those PFNs must be free RAM in the spec.
DumpSpec out_of_space_after(DumpSpec spec, uint64_t data_pages, uint64_t filler_pfn = 2048);

// The spec on a 4 MiB area (the least dumpadm arms) with 90000 kernel
// pages: their desc table alone does not fit, so the writer stores the
// log and stops out of space before it writes any of the image.
DumpSpec image_does_not_fit(DumpSpec spec);

// The content of pfn in the simulated RAM (4096 bytes).
std::vector<uint8_t> page_content(const DumpSpec &spec, uint64_t pfn);
// The kernel log the writer stores (the sim's lines).
std::string dump_log(const DumpSpec &spec);
std::string default_vmcoreinfo(const DumpSpec &spec);

// Little-endian pokes into a buffer, for corruptions.
void put_u64(std::vector<uint8_t> &buf, uint64_t off, uint64_t v);
void put_u32(std::vector<uint8_t> &buf, uint64_t off, uint32_t v);

} // namespace pdtest

// SPDX-License-Identifier: GPL-2.0
// Builds, in memory, a dump area as the capture module leaves it after a
// panic: pd_header (both copies), kernel log, and a small but valid
// kdump-compressed image (formats/kdump_format.c for the layout, libzstd
// for the pages).
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <utility>
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
	// pages are in it; the remaining descs are empty (the module zeroes
	// the table before it writes pages). module_flags_incomplete:
	// whether the module set DUMP_DH_COMPRESSED_INCOMPLETE itself.
	bool incomplete = false;
	size_t pages_written = 3;
	bool module_flags_incomplete = true;

	// Page compression: PD_COMPRESS_ZSTD, _LZO or _NONE (raw pages).
	uint32_t compression = PD_COMPRESS_ZSTD;
	// The VMCOREINFO text; empty: a default one (default_vmcoreinfo()).
	std::string vmcoreinfo;
	// Content of some pages instead of page_content(pfn).
	std::map<uint64_t, std::vector<uint8_t>> page_data;
	// RAM as PFN ranges [first, end) in bitmap 1; empty: all of max_mapnr.
	std::vector<std::pair<uint64_t, uint64_t>> ram;
	// A SYMTAB section with this text (none when empty), of
	// symtab_capacity bytes, with its descriptor block; listed in the
	// module's header only when header_lists_symtab.
	std::string symtab;
	uint64_t symtab_capacity = 1ULL << 20;
	bool header_lists_symtab = true;

	// A module that records its first error: compat bit ERROR and this
	// record in the header (all zero: it met none).
	bool records_errors = false;
	struct pd_dump_error error = {};
};

struct SyntheticDump {
	std::vector<uint8_t> area;	// the whole area
	std::vector<uint8_t> image;	// the KDUMP section as on the device
	struct pd_header header;
	struct kdump_layout layout;
	uint64_t symtab_offset = 0;	// area offset of the SYMTAB text
	uint64_t notes_size = 0;	// the notes blob, as in the image

	// Rewrites both header copies from header (after a test changed it).
	void reseal();
};

SyntheticDump build_synthetic_dump(const SyntheticSpec &spec);

// The deterministic content of a page (compressible, distinct per PFN).
std::vector<uint8_t> page_content(uint64_t pfn);

std::string default_vmcoreinfo(const SyntheticSpec &spec);

// The area as a file, and a 8-byte little-endian value, for pokes.
void put_u64(std::vector<uint8_t> &buf, uint64_t off, uint64_t v);
void put_u32(std::vector<uint8_t> &buf, uint64_t off, uint32_t v);

// An independent reader: the page of pfn from a kdump-compressed file
// (bitmap-2 rank, desc, zstd). Empty for a page that is not dumped, or
// whose desc was zeroed (crash: incomplete page).
std::vector<uint8_t> read_kdump_page(const std::vector<uint8_t> &vmcore,
				     uint64_t pfn);

// An independent ELF core reader over a file (sparse files are fine).
struct ElfSegment {
	uint32_t type;
	uint64_t offset, vaddr, paddr, filesz, memsz, align;
};
struct ElfCore {
	uint16_t type = 0, machine = 0;
	uint32_t flags = 0;
	uint64_t phnum = 0;
	std::vector<ElfSegment> segments;
	std::vector<uint8_t> notes;	// the PT_NOTE bytes

	// The page at a physical address through the PT_LOADs (the first
	// that covers it); empty when none does.
	std::vector<uint8_t> page(const std::string &path, uint64_t paddr) const;
	// The bytes at a virtual address; empty when no PT_LOAD covers it.
	std::vector<uint8_t> vread(const std::string &path, uint64_t vaddr, size_t len) const;
};
ElfCore read_elf_core(const std::string &path);

} // namespace pdtest

// SPDX-License-Identifier: GPL-2.0
// The layout of savecore --format elf's file, decided before anything is
// written: RAM ranges from the bitmaps, page_offset_base and the kernel
// image's addresses, and every segment's file offset (elf_writer.h has
// the file's shape).
#pragma once

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

namespace pd {

class DumpArea;
class KdumpPages;

struct ElfPlan {
	struct Segment {
		uint64_t paddr = 0;
		uint64_t vaddr = 0;
		uint64_t size = 0;
		uint64_t file_off = 0;
	};

	std::vector<uint8_t> notes;
	std::vector<std::pair<uint64_t, uint64_t>> ranges;	// PFNs [first, end)
	std::vector<uint64_t> range_off;			// file offsets
	uint64_t phys_base = 0;
	uint64_t page_offset_base = 0;
	std::string page_offset_source;
	bool have_kernel = false;
	Segment kernel;
	bool kernel_copy = false;	// not inside one RAM range: stored apart
	uint64_t notes_off = 0;		// the headers' end
	uint64_t data_off = 0;
	uint64_t file_size = 0;		// apparent (sparse) size
	uint64_t disk_bytes = 0;	// upper bound of the blocks it takes
	bool incomplete = false;	// e_flags 1, as makedumpfile marks it
	std::vector<std::string> warnings;
	std::vector<std::string> details;	// for -v

	// The PT_NOTE, the kernel image's PT_LOAD if any, one per range.
	uint64_t phnum() const { return 1 + have_kernel + ranges.size(); }
};

// Decides the layout from the image, the symbol table text (may be
// empty) and VMCOREINFO. Reads bitmap 1 and a few pages; writes nothing.
ElfPlan plan_elf(const DumpArea &area, KdumpPages &pages, const std::string &symtab,
		 bool incomplete);

} // namespace pd

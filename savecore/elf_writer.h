// SPDX-License-Identifier: GPL-2.0
// savecore --format elf: the kdump image as an ELF64 ET_CORE file, laid
// out like /proc/vmcore (output-formats.md section 2): one PT_NOTE with
// the image's PRSTATUS and VMCOREINFO notes, a PT_LOAD for the kernel
// image, then a PT_LOAD per contiguous range of RAM (bitmap 1) with
// p_paddr its physical address, p_vaddr its direct-map address and
// p_align 0. Pages not in the dump are holes in a sparse file.
#pragma once

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

namespace pd {

class DumpArea;
class KdumpPages;
class Progress;

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
	uint64_t data_off = 0;
	uint64_t file_size = 0;		// apparent (sparse) size
	uint64_t disk_bytes = 0;	// upper bound of the blocks it takes
	bool incomplete = false;	// e_flags 1, as makedumpfile marks it
	std::vector<std::string> warnings;
	std::vector<std::string> details;	// for -v
};

// Decides the layout from the image, the symbol table text (may be
// empty) and VMCOREINFO. Reads bitmap 1 and a few pages; writes nothing.
ElfPlan plan_elf(const DumpArea &area, KdumpPages &pages, const std::string &symtab,
		 bool incomplete);

// Writes the ELF file through fd (a new, empty file); path names it in
// errors. Throws on a corrupt page (naming pfn, desc and offset).
void write_elf(const ElfPlan &plan, KdumpPages &pages, int fd, const std::string &path,
	       Progress &progress);

} // namespace pd

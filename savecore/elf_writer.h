// SPDX-License-Identifier: GPL-2.0
// savecore --format elf: the kdump image as an ELF64 ET_CORE file, laid
// out like /proc/vmcore (output-formats.md section 2): one PT_NOTE with
// the image's PRSTATUS and VMCOREINFO notes, a PT_LOAD for the kernel
// image, then a PT_LOAD per contiguous range of RAM (bitmap 1) with
// p_paddr its physical address, p_vaddr its direct-map address and
// p_align 0. Pages not in the dump are holes in a sparse file. libelf
// writes the headers; the notes and pages are streamed in after them.
#pragma once

#include <string>

#include "savecore/elf_plan.h"

namespace pd {

class KdumpPages;
class Progress;

// Writes the ELF file through fd (a new, empty file); path names it in
// errors. Throws on a corrupt page (naming pfn, desc and offset).
void write_elf(const ElfPlan &plan, KdumpPages &pages, int fd, const std::string &path,
	       Progress &progress);

} // namespace pd

// SPDX-License-Identifier: GPL-2.0
// The dump the savecore --format elf tests save: two RAM ranges, a KASLR'd
// kernel image whose page_offset_base the symbol table names, and the
// pages a reader must find in the file.
#pragma once

#include <algorithm>
#include <cstring>
#include <set>
#include <string>
#include <vector>

#include "real_dump.h"

namespace pdtest {

constexpr uint64_t kPob = 0xffff9a4c40000000ULL;	// page_offset_base
constexpr uint64_t kText = 0xffffffff81200000ULL;	// _text, KASLR 2 MiB
constexpr uint64_t kTextPfn = 0x1200;			// phys_base 0

inline const std::string kElfMap =
	"ffffffff81200000 T _text\n"
	"ffffffff81203740 D page_offset_base\n"
	"ffffffff81204f00 B _end\n"
	"ffffffffc0315450 b pd_entered\t[panicdump]\n";

inline std::string elf_vmcoreinfo(const DumpSpec &spec)
{
	return "OSRELEASE=" + spec.release + "\n"
	       "PAGESIZE=4096\n"
	       "SYMBOL(_stext)=ffffffff81200000\n"
	       "NUMBER(phys_base)=0\n"
	       "NUMBER(pgtable_l5_enabled)=0\n"
	       "KERNELOFFSET=200000\n"
	       "CRASHTIME=" + std::to_string(spec.crash_time) + "\n";
}

// 32 MiB of "RAM" in two ranges, a kernel image of five pages at
// kTextPfn with page_offset_base's value in its fourth page (the module
// stores the image first), armed with the symbol table.
inline DumpSpec elf_spec()
{
	DumpSpec spec;
	spec.area_size = 16ULL << 20;
	spec.max_mapnr = 8192;		// the tests look that far; RAM ends at 8000
	spec.ram = { { 1, 160 }, { 256, 8000 } };
	spec.pages = { 1, 2, 3, 100, 300, 7999 };
	for (uint64_t k = 0; k < 5; k++)
		spec.pages.push_back(kTextPfn + k);
	spec.zero_pages = { 5, 6, 4000 };
	spec.kimage = { kTextPfn, kTextPfn + 5 };
	std::vector<uint8_t> p = page_content(spec, kTextPfn + 3);
	std::memcpy(p.data() + 0x740, &kPob, sizeof(kPob));
	spec.page_data[kTextPfn + 3] = p;
	spec.vmcoreinfo = elf_vmcoreinfo(spec);
	spec.kallsyms = kElfMap;
	return spec;
}

// What the file must hold at pfn: the page when the dump has it, else
// zeros. not_written: the dumpable pages the writer did not reach (an
// incomplete dump), which the test names.
inline std::vector<uint8_t> page_in_file(const DumpSpec &spec, uint64_t pfn,
					 const std::set<uint64_t> &not_written = {})
{
	bool dumped = std::count(spec.pages.begin(), spec.pages.end(), pfn);
	if (!dumped || not_written.count(pfn))
		return std::vector<uint8_t>(4096, 0);
	return page_content(spec, pfn);
}

} // namespace pdtest

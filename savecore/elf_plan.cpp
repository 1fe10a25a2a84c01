// SPDX-License-Identifier: GPL-2.0
#include "savecore/elf_plan.h"

#include <algorithm>
#include <bit>
#include <cstring>
#include <functional>
#include <libelf.h>
#include <optional>

#include "common/dump_area.h"
#include "common/error.h"
#include "common/file_util.h"
#include "common/symtab_text.h"
#include "savecore/kdump_pages.h"

namespace pd {

namespace {

constexpr uint64_t kPage = KDUMP_BLOCK_SIZE;
constexpr uint64_t kStartKernelMap = 0xffffffff80000000ULL;
constexpr uint64_t kDefaultKernelText = 0xffffffff81000000ULL;
constexpr uint64_t kDirectMapL4 = 0xffff888000000000ULL;
constexpr uint64_t kDirectMapL5 = 0xff11000000000000ULL;
constexpr uint64_t kMaxKernelImage = 1ULL << 30;	// KERNEL_IMAGE_SIZE
constexpr size_t kMaxRanges = 1U << 20;
constexpr size_t kBitmapChunk = 4ULL << 20;

std::string hex(uint64_t v)
{
	return strprintf("0x%llx", (unsigned long long)v);
}

std::optional<uint64_t> info_hex(const KdumpImage &img, const std::string &key)
{
	std::string v = img.info(key);
	if (v.empty())
		return std::nullopt;
	return parse_u64(v, 16);
}

// NUMBER(x) is printed with %ld.
std::optional<uint64_t> info_number(const KdumpImage &img, const std::string &key)
{
	std::string v(trim(img.info(key)));
	if (v.empty())
		return std::nullopt;
	bool neg = v[0] == '-';
	auto n = parse_u64(neg ? v.substr(1) : v, 10);
	if (!n)
		return std::nullopt;
	return neg ? ~*n + 1 : *n;
}

// PFN runs set in bitmap 1 or bitmap 2 (a dumped page is RAM).
std::vector<std::pair<uint64_t, uint64_t>> ram_ranges(const DumpArea &area, const KdumpPages &pages,
						      uint64_t *only_in_bitmap2)
{
	const KdumpImage &img = pages.image();
	const std::vector<uint8_t> &bm2 = pages.bitmap2();
	uint64_t bytes = (img.max_mapnr + 7) / 8;
	uint64_t off_bitmap1 = img.off_bitmap2 - img.bitmap_bytes;
	std::vector<uint8_t> buf;
	std::vector<std::pair<uint64_t, uint64_t>> ranges;
	uint64_t run_start = 0;
	bool in_run = false;

	*only_in_bitmap2 = 0;
	for (uint64_t done = 0; done < bytes;) {
		size_t n = static_cast<size_t>(std::min<uint64_t>(kBitmapChunk, bytes - done));
		buf.assign((n + 7) / 8 * 8, 0);
		area.read(buf.data(), n, img.base + off_bitmap1 + done);
		for (size_t w = 0; w < buf.size(); w += 8) {
			uint64_t v1, v2;
			std::memcpy(&v1, buf.data() + w, 8);
			std::memcpy(&v2, bm2.data() + done + w, 8);
			uint64_t base = (done + w) * 8;
			if (base + 64 > img.max_mapnr)
				v1 &= base >= img.max_mapnr ? 0 :
				      (1ULL << (img.max_mapnr - base)) - 1;
			*only_in_bitmap2 += static_cast<uint64_t>(std::popcount(v2 & ~v1));
			uint64_t v = v1 | v2;
			// Whole words first: the common case of long runs.
			if (in_run && v == ~0ULL)
				continue;
			if (!in_run && v == 0)
				continue;
			for (unsigned b = 0; b < 64; b++) {
				bool set = v >> b & 1;
				if (set && !in_run) {
					run_start = base + b;
					in_run = true;
				} else if (!set && in_run) {
					ranges.emplace_back(run_start, base + b);
					in_run = false;
					if (ranges.size() > kMaxRanges)
						throw Error(strprintf("%s: kdump image@0x%llx: bitmap 1 at +0x%llx: expected a few ranges of RAM, found more than %zu",
								      area.path().c_str(),
								      (unsigned long long)img.base,
								      (unsigned long long)off_bitmap1,
								      kMaxRanges));
				}
			}
		}
		done += n;
	}
	if (in_run)
		ranges.emplace_back(run_start, img.max_mapnr);
	return ranges;
}

// Without the symbol table: the lowest kernel address whose PUD maps
// physical 0 onwards in the 4-level page tables is the direct map's start
// (KASLR places it first, 1 GiB aligned). nullopt when the tables are not
// in the dump or show no such mapping.
std::optional<std::pair<uint64_t, std::string>>
direct_map_from_page_tables(KdumpPages &pages,
			    const std::function<uint64_t(uint64_t)> &pa_symbol, uint64_t sme_mask)
{
	const KdumpImage &img = pages.image();
	std::string name = "SYMBOL(init_top_pgt)";
	auto pgd_va = info_hex(img, name);
	if (!pgd_va) {
		name = "SYMBOL(swapper_pg_dir)";
		pgd_va = info_hex(img, name);
	}
	if (!pgd_va || *pgd_va < kStartKernelMap)
		return std::nullopt;

	const uint64_t kPresent = 1, kHuge = 1ULL << 7;
	const uint64_t addr = 0x000ffffffffff000ULL & ~sme_mask;
	std::vector<uint64_t> pgd(512), pud(512), pmd(512), pte(512);
	unsigned budget = 4096;		// page reads, for corrupt tables
	auto table = [&](uint64_t entry, std::vector<uint64_t> &t) {
		if (!budget)
			return false;
		budget--;
		return pages.read_phys(entry & addr, t.data(), kPage);
	};
	if (!pages.read_phys(pa_symbol(*pgd_va), pgd.data(), kPage))
		return std::nullopt;
	// The kernel half, below the kernel image's and modules' top entry.
	for (unsigned g = 256; g < 511; g++) {
		if (!(pgd[g] & kPresent) || !table(pgd[g], pud))
			continue;
		for (unsigned u = 0; u < 512; u++) {
			uint64_t e = pud[u];
			bool maps_zero = false;
			if (!(e & kPresent))
				continue;
			if (e & kHuge) {
				maps_zero = (e & addr & ~((1ULL << 30) - 1)) == 0;
			} else if (table(e, pmd) && (pmd[0] & kPresent)) {
				if (pmd[0] & kHuge) {
					maps_zero = (pmd[0] & addr & ~((1ULL << 21) - 1)) == 0;
				} else if (table(pmd[0], pte)) {
					for (unsigned i = 0; i < 512; i++) {
						if (!(pte[i] & kPresent))
							continue;
						maps_zero = (pte[i] & addr) == i * kPage;
						break;
					}
				}
			}
			if (maps_zero)
				return std::make_pair(0xffff000000000000ULL | (uint64_t)g << 39 |
						      (uint64_t)u << 30,
						      name + "=" + hex(*pgd_va));
			if (!budget)
				return std::nullopt;
		}
	}
	return std::nullopt;
}

} // namespace

ElfPlan plan_elf(const DumpArea &area, KdumpPages &pages, const std::string &symtab,
		 bool incomplete)
{
	const KdumpImage &img = pages.image();
	ElfPlan plan;

	plan.incomplete = incomplete;
	plan.notes.resize(img.notes_used);
	area.read(plan.notes.data(), plan.notes.size(), img.base + (uint64_t)img.sub.offset_note);

	uint64_t only_in_2 = 0;
	plan.ranges = ram_ranges(area, pages, &only_in_2);
	if (only_in_2)
		plan.warnings.push_back(strprintf("%llu dumped pages are not RAM in bitmap 1; their PT_LOADs include them",
						  (unsigned long long)only_in_2));

	// phys_base and the kernel's runtime addresses.
	if (auto pb = info_number(img, "NUMBER(phys_base)")) {
		plan.phys_base = *pb;
	} else {
		plan.phys_base = img.sub.phys_base;
		plan.warnings.push_back("VMCOREINFO has no NUMBER(phys_base); using the kdump sub-header's phys_base " +
					hex(plan.phys_base));
	}
	auto syms = find_kernel_symbols(symtab, { "page_offset_base", "_text", "_end" });
	auto pa_symbol = [&](uint64_t va) { return va - kStartKernelMap + plan.phys_base; };

	bool l5 = info_number(img, "NUMBER(pgtable_l5_enabled)").value_or(0) != 0;
	std::string why;	// why the symbol table did not give it
	bool found = false;
	if (auto it = syms.find("page_offset_base"); it != syms.end() && it->second >= kStartKernelMap) {
		uint64_t v = 0;
		if (!pages.read_phys(pa_symbol(it->second), &v, sizeof(v))) {
			why = "page_offset_base at " + hex(it->second) + " is in a page not in the dump";
		} else if (v < kDirectMapL5 || v % (1ULL << 30)) {
			why = "page_offset_base at " + hex(it->second) +
			      ": expected a 1 GiB aligned kernel address, found " + hex(v);
		} else {
			found = true;
			plan.page_offset_base = v;
			plan.page_offset_source = "page_offset_base at " + hex(it->second) +
						  " (symbol table)";
		}
	} else {
		why = "no symbol table with page_offset_base";
	}
	if (!found && !l5) {
		uint64_t sme = info_hex(img, "NUMBER(sme_mask)").value_or(0);
		if (auto v = direct_map_from_page_tables(pages, pa_symbol, sme)) {
			found = true;
			plan.page_offset_base = v->first;
			plan.page_offset_source = "the page tables (" + v->second + "; " + why + ")";
		}
	}
	if (!found) {
		plan.page_offset_base = l5 ? kDirectMapL5 : kDirectMapL4;
		plan.page_offset_source = "the default for " + std::string(l5 ? "5" : "4") +
					  "-level paging without KASLR";
		plan.warnings.push_back(why + ", and no direct map found in the page tables: RAM p_vaddr uses " +
					plan.page_offset_source + " (" + hex(plan.page_offset_base) +
					"); p_paddr is exact");
	}
	plan.details.push_back("page_offset_base " + hex(plan.page_offset_base) + " from " +
			       plan.page_offset_source);

	// The kernel image: _text (symbol table, VMCOREINFO _stext or
	// KERNELOFFSET) to _end (symbol table only).
	std::optional<uint64_t> text;
	if (auto it = syms.find("_text"); it != syms.end())
		text = it->second;
	else if (auto st = info_hex(img, "SYMBOL(_stext)"))
		text = *st;
	else if (auto ko = info_hex(img, "KERNELOFFSET"))
		text = kDefaultKernelText + *ko;
	auto end = syms.find("_end");
	if (!text || end == syms.end()) {
		plan.warnings.push_back(std::string("no ") + (text ? "_end" : "_text or _end") +
					" in the symbol table or VMCOREINFO: no PT_LOAD for the kernel image (crash and drgn take phys_base from VMCOREINFO)");
	} else if (*text < kStartKernelMap || end->second <= *text ||
		   end->second - *text > kMaxKernelImage || pa_symbol(*text) % kPage) {
		plan.warnings.push_back("kernel image _text " + hex(*text) + " to _end " + hex(end->second) +
					" (phys " + hex(pa_symbol(*text)) +
					"): expected a page-aligned image of at most 1 GiB in the kernel map; no PT_LOAD for it");
	} else {
		plan.have_kernel = true;
		plan.kernel.vaddr = *text & ~(kPage - 1);
		plan.kernel.paddr = pa_symbol(plan.kernel.vaddr);
		plan.kernel.size = (end->second - plan.kernel.vaddr + kPage - 1) & ~(kPage - 1);
	}

	// Layout: headers, notes, then the ranges' pages.
	// 65535 program headers or more: e_phnum is PN_XNUM and section
	// header 0 holds the count (elf_writer.cpp).
	uint64_t phnum = plan.phnum();
	plan.notes_off = elf64_fsize(ELF_T_EHDR, 1, EV_CURRENT) +
			 elf64_fsize(ELF_T_PHDR, phnum, EV_CURRENT) +
			 (phnum >= PN_XNUM ? elf64_fsize(ELF_T_SHDR, 1, EV_CURRENT) : 0);
	plan.data_off = (plan.notes_off + plan.notes.size() + kPage - 1) & ~(kPage - 1);
	uint64_t off = plan.data_off;
	for (const auto &[first, last] : plan.ranges) {
		plan.range_off.push_back(off);
		off += (last - first) * kPage;
	}
	plan.file_size = off;
	if (plan.have_kernel) {
		uint64_t kfirst = plan.kernel.paddr / kPage;
		uint64_t klast = kfirst + plan.kernel.size / kPage;
		auto it = std::upper_bound(plan.ranges.begin(), plan.ranges.end(),
					   std::make_pair(kfirst, UINT64_MAX));
		if (it != plan.ranges.begin() && std::prev(it)->first <= kfirst &&
		    klast <= std::prev(it)->second) {
			size_t r = static_cast<size_t>(std::prev(it) - plan.ranges.begin());
			plan.kernel.file_off = plan.range_off[r] + (kfirst - plan.ranges[r].first) * kPage;
		} else {
			plan.kernel_copy = true;
			plan.kernel.file_off = plan.file_size;
			plan.file_size += plan.kernel.size;
		}
		plan.details.push_back("kernel image " + hex(plan.kernel.vaddr) + " (phys " +
				       hex(plan.kernel.paddr) + "), " + hex(plan.kernel.size) + " bytes");
	}
	uint64_t usable = img.descs_scanned - std::min<uint64_t>(img.descs_scanned, img.bad_descs.size());
	plan.disk_bytes = plan.data_off +
			  (usable - std::min(usable, img.zero_descs)) * kPage +
			  (plan.kernel_copy ? plan.kernel.size : 0);
	plan.details.push_back(strprintf("ELF: %llu program headers, %zu RAM ranges, %llu bytes (sparse)",
					 (unsigned long long)phnum, plan.ranges.size(),
					 (unsigned long long)plan.file_size));
	return plan;
}

} // namespace pd

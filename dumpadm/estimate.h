// SPDX-License-Identifier: GPL-2.0
// dumpadm -e: how large a dump of the running system would be, with the
// configured content, and whether a dump area is large enough for it.
//
// The pages come from the live system as the capture module would choose
// them at a panic: /proc/iomem's System RAM ranges (root sees the
// addresses) and one /proc/kpageflags word per PFN (root only), each
// turned into formats/pd_content.h's page flags (dumpadm/kpageflags.h)
// and counted by pd_page_kind(); what each content level keeps of those
// is pd_kind_verdict(), the module's rule. Free pages: 6.1 marks every
// page of a free block KPF_BUDDY; where only the first page is marked,
// MemFree makes up the difference. curproc counts, for the panicking
// process, the resident set of the largest process (/proc/PID/statm).
//
// No page is read: the compressed size assumes a ratio per kind of page
// (assumed_ratios(): kernel pages zstd 4:1 and LZO 2.7:1, about 30%
// below what bench/run.sh measures; user, page-cache and free pages zstd 2:1, LZO
// 1.5:1), which dumpadm -e states. The metadata is exact for those page
// counts: the kdump headers, both bitmaps (a bit per PFN up to the
// highest RAM page) and a 24-byte descriptor per page.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "dumpadm/system_state.h"

namespace pd {

struct RamRange {
	uint64_t start_pfn = 0;
	uint64_t end_pfn = 0;		// exclusive
};

// The top-level "System RAM" lines of /proc/iomem, as whole pages.
// Throws (naming origin) when there are none, or when every address is 0
// (what a user other than root sees).
std::vector<RamRange> parse_iomem(std::string_view text, const std::string &origin);

// The RAM pages by pd_page_kind().
struct PageCensus {
	uint64_t ram = 0;		// PFNs in the ranges
	uint64_t kernel = 0;		// PD_PAGE_KERNEL
	uint64_t user_or_cache = 0;	// PD_PAGE_USER
	uint64_t free = 0;		// PD_PAGE_FREE
	uint64_t not_dumpable = 0;	// PD_PAGE_UNREADABLE, and PFNs past the memmap
	uint64_t max_pfn = 0;		// highest RAM PFN + 1
	unsigned nr_ranges = 0;
	uint64_t free_unmarked = 0;	// of free: taken from MemFree
};

// Reads kpageflags (a file of u64 per PFN) over the ranges. PFNs past its
// end count as not dumpable.
PageCensus count_pages(const std::string &kpageflags_path,
		       const std::vector<RamRange> &ranges);

// Kernels that mark only the first page of a free block KPF_BUDDY (the
// others read as flagless, like kernel pages) undercount free pages:
// moves what /proc/meminfo's MemFree has beyond the marked ones from
// kernel to free.
void adjust_for_memfree(PageCensus &c, uint64_t memfree_pages);
// MemFree of <proc>/meminfo in pages; nullopt when it cannot be read.
std::optional<uint64_t> read_memfree_pages(const std::string &proc_root);

struct LargestProcess {
	int pid = 0;
	std::string comm;
	uint64_t rss_pages = 0;
};
// The process with the largest resident set in <proc>/<pid>/statm.
std::optional<LargestProcess> largest_process(const std::string &proc_root);

struct EstimateInputs {
	PageCensus census;
	uint32_t content = 0;			// enum pd_content
	uint32_t compression = 0;		// enum pd_compression
	unsigned nr_cpus = 1;
	uint64_t vmcoreinfo_bytes = 4096;
	uint64_t symtab_text_bytes = 0;		// 0: no SYMTAB section
	std::optional<LargestProcess> process;	// for curproc
};

// Assumed compression ratios, in tenths (40: 4:1), by kind of page.
struct AssumedRatios {
	unsigned kernel10 = 10;		// kernel pages
	unsigned other10 = 10;		// user, page cache, free
};
AssumedRatios assumed_ratios(uint32_t compression);

struct Estimate {
	EstimateInputs in;
	uint64_t pages = 0;		// pages in the dump
	uint64_t uncompressed_bytes = 0;
	uint64_t kernel_pages = 0;	// of pages: kernel ones
	uint64_t other_pages = 0;	// of pages: user, cache, free
	AssumedRatios ratios;
	uint64_t data_bytes = 0;	// the pages, compressed
	uint64_t bitmap_bytes = 0;	// both bitmaps
	uint64_t desc_bytes = 0;	// page descriptors
	uint64_t metadata_bytes = 0;	// everything before the page data
	uint64_t vmcore_bytes = 0;	// the kdump image: vmcore.N's size
	uint64_t symtab_bytes = 0;	// the SYMTAB section's capacity
	uint64_t area_bytes = 0;	// the dump area it needs
};

// Pure: the arithmetic.
Estimate compute_estimate(const EstimateInputs &in);

// Gathers the inputs from the running system (root only) and computes.
Estimate estimate_system(const SystemPaths &paths, uint32_t content,
			 uint32_t compression);

// dumpadm -e's report; device and its area size when one is configured.
std::string format_estimate(const Estimate &e, const std::string &device = "",
			    uint64_t device_area_bytes = 0);

// Refuses, naming both sizes, an area smaller than the estimate needs.
void check_area_fits(const std::string &device, uint64_t area_bytes,
		     const Estimate &e);

} // namespace pd

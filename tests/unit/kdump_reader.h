// SPDX-License-Identifier: GPL-2.0
// An independent reader of kdump-compressed files for the tests: walks
// bitmap 2 and the desc table once and hands each dumped page to a
// callback, decompressed (zstd, LZO or raw). It shares no code with
// savecore, so that the two can check each other.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

namespace pdtest {

struct KdumpPage {
	uint64_t pfn;
	bool present;			// the desc was written (offset != 0)
	std::vector<uint8_t> data;	// 4096 bytes when present
	// With BadDescs::Report: what is wrong with a desc that was written
	// (offset != 0) but cannot be read; present is then false.
	std::string problem;
};

struct KdumpFileInfo {
	uint64_t max_mapnr = 0;
	uint64_t nr_dumped = 0;		// set bits of bitmap 2
	uint32_t status = 0;		// disk_dump_header.status
	uint64_t bad_descs = 0;		// BadDescs::Report: descs with a problem
};

// What a written desc that points outside the data or does not decode
// is: a malformed file, or (a dump cut by a power loss may leave one
// desc half written) one to count and go on.
enum class BadDescs { Throw, Report };

// Calls fn for every PFN set in bitmap 2, in PFN order. Throws
// std::runtime_error naming what is wrong when the file is malformed.
KdumpFileInfo read_kdump_pages(const std::vector<uint8_t> &vmcore,
			       const std::function<void(const KdumpPage &)> &fn,
			       BadDescs bad = BadDescs::Throw);

// The page of pfn alone (bitmap-2 rank, desc, decompressed). Empty for a
// page that is not dumped, or whose desc is empty (crash: incomplete page).
std::vector<uint8_t> read_kdump_page(const std::vector<uint8_t> &vmcore,
				     uint64_t pfn);

} // namespace pdtest

// SPDX-License-Identifier: GPL-2.0
// Validation of the kdump-compressed image the capture module wrote into
// the KDUMP section, and the fixes savecore applies while copying it out
// (formats/kdump_format.h has the layout).
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "kdump_format.h"

namespace pd {

class DumpArea;

struct KdumpImage {
	uint64_t base = 0;		// area offset of the image
	uint64_t length = 0;		// image bytes in the area
	uint64_t out_length = 0;	// bytes of vmcore.N (>= length)

	struct kdump_disk_header header = {};
	struct kdump_sub_header sub = {};
	uint64_t max_mapnr = 0;
	uint64_t off_bitmap2 = 0;
	uint64_t bitmap_bytes = 0;	// one bitmap
	uint64_t off_desc = 0;
	uint64_t nr_descs = 0;		// set bits of bitmap 2
	uint64_t desc_end = 0;		// end of the desc table
	uint32_t nr_prstatus = 0;
	bool vmcoreinfo_note = false;	// a note named VMCOREINFO
	uint64_t notes_used = 0;	// notes bytes before any zero padding

	// Fixes for vmcore.N: descs to zero, because they were never
	// written (index >= descs_written) or point outside the image, and
	// whether the header status needs DUMP_DH_COMPRESSED_INCOMPLETE.
	uint64_t descs_written = 0;
	std::vector<uint64_t> bad_descs;	// below descs_written
	bool set_incomplete = false;
	// Descs checked: those below it and not in bad_descs are usable;
	// from it on they were never written or lie beyond the image.
	uint64_t descs_scanned = 0;
	// Usable descs that point at the shared zero page.
	uint64_t zero_descs = 0;
	// The first bad desc, described for the warning.
	std::string first_bad_desc;

	std::map<std::string, std::string> vmcoreinfo;
	std::vector<std::string> warnings;

	// A VMCOREINFO value, or "" when absent.
	std::string info(const std::string &key) const;
};

// Checks the image at [base, base + length) of the area: header fields,
// sub-header, notes, bitmaps and desc table in bounds, and every desc.
// incomplete: the pd header has PD_DUMP_F_INCOMPLETE, and then only the
// first descs_written descs (pd_header.dumped_pages) were written. Errors
// name the device, the image offset, the field with its offset, expected
// and found.
KdumpImage validate_kdump(const DumpArea &area, uint64_t base, uint64_t length,
			  bool incomplete, uint64_t descs_written);

// Applies the fixes to buf, which holds vmcore bytes [pos, pos + len).
void patch_vmcore_chunk(const KdumpImage &img, uint64_t pos, uint8_t *buf,
			size_t len);

// The stored page a desc points at is where the desc says and of a size
// and flags a reader accepts; "" when so, else what is wrong with it.
std::string desc_problem(const KdumpImage &img, const struct kdump_page_desc &d);

// Whether desc index i is usable (scanned and not bad).
bool desc_usable(const KdumpImage &img, uint64_t i);

// "KEY=VALUE\n" lines.
std::map<std::string, std::string> parse_vmcoreinfo(std::string_view text);

} // namespace pd

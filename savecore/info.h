// SPDX-License-Identifier: GPL-2.0
// info.N: what savecore knows about a dump, as "key: value" lines.
#pragma once

#include <cstdint>
#include <string>

#include "pd_format.h"

namespace pd {

struct KdumpImage;

struct DumpSummary {
	std::string device;		// where savecore read it
	int64_t save_time = 0;		// seconds since the epoch
	bool incomplete = false;	// PD_DUMP_F_INCOMPLETE, DUMPING or fixed descs
	std::string vmcore_format;	// "kdump-compressed", "ELF64 ...", "none"
	std::string symtab;		// "System.map.N (M symbols)" or "none: why"
	std::string reason;		// dump_reason(); "" leaves out "dump error"
};

// img is nullptr when the module wrote no image (the log was saved alone).
std::string format_info(const struct pd_header &h, const KdumpImage *img,
			const DumpSummary &s);

} // namespace pd

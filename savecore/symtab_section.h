// SPDX-License-Identifier: GPL-2.0
// The SYMTAB section as savecore finds it: through the header when the
// module listed it, else through the descriptor block at its fixed place
// (pd_symtab_block_offset()); checked against the dump's nonce, the
// kdump image's extent and its CRC32C. Never fatal: a problem becomes a
// warning and no System.map.N.
#pragma once

#include <cstdint>
#include <string>

#include "pd_format.h"

namespace pd {

class DumpArea;

struct SymtabResult {
	bool ok = false;		// text is the verified table
	std::string text;
	uint32_t nr_symbols = 0;
	uint64_t offset = 0;		// area offset of the text
	// Why there is no table: a warning when something was there but is
	// unusable, else (nothing was armed) a note for -v and info.N.
	std::string problem;
	bool warn = false;
};

SymtabResult read_symtab(const DumpArea &area, const struct pd_header &h);

} // namespace pd

// SPDX-License-Identifier: GPL-2.0
// System.map text: "%016lx %c %s[\t[module]]\n" lines, the form dumpadm
// writes into the SYMTAB section and savecore saves as System.map.N.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace pd {

struct SymbolLine {
	uint64_t addr = 0;
	char type = '?';
	std::string name;
	std::string module;	// "" for the core kernel
};

// Parses one "addr type name[\t[module]]" line (no newline); nullopt when
// it does not have that shape.
std::optional<SymbolLine> parse_symbol_line(std::string_view line);

// "%016lx %c %s[\t[module]]\n".
std::string format_symbol_line(const SymbolLine &s);

// The addresses of the named core-kernel symbols (module symbols never
// match), first occurrence of each, in one pass over the text.
std::map<std::string, uint64_t> find_kernel_symbols(std::string_view text,
						    const std::vector<std::string> &names);

} // namespace pd

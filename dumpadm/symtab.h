// SPDX-License-Identifier: GPL-2.0
// The runtime symbol table dumpadm stores in the SYMTAB section at arm
// time: /proc/kallsyms (KASLR applied, module symbols included) sorted by
// address in System.map form, so that savecore can write System.map.N
// next to the vmcore (formats/FORMAT.md, "The SYMTAB section").
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "pd_format.h"

namespace pd {

struct SymbolTable {
	std::string text;		// System.map lines, sorted by address
	uint32_t nr_symbols = 0;
	uint32_t bad_lines = 0;		// kallsyms lines that did not parse
	bool hidden = false;		// every address 0 (kptr_restrict)
};

// Sorts kallsyms text by address (stable) and writes it in System.map form.
SymbolTable build_symbol_table(std::string_view kallsyms);

// <proc_root>/kallsyms through build_symbol_table(); throws when it cannot
// be read.
SymbolTable read_kallsyms(const std::string &proc_root);

// The SYMTAB capacity for text_bytes of text: 1.25 times it (plus the
// descriptor block), rounded up to 1 MiB, at least 4 MiB.
uint64_t symtab_capacity(uint64_t text_bytes);
constexpr uint64_t kSymtabMinCapacity = 4ULL << 20;
constexpr uint64_t kSymtabAlign = 1ULL << 20;

// Pure: the sealed descriptor block for the table in h's SYMTAB section
// (h as build_arm() made it: nonce, boot_id, arm_time, release).
void build_symtab_block(const struct pd_header &h, const SymbolTable &t,
			struct pd_symtab_block *b);

} // namespace pd

// SPDX-License-Identifier: GPL-2.0
#include "dumpadm/symtab.h"

#include <algorithm>
#include <cstring>
#include <vector>

#include "common/error.h"
#include "common/file_util.h"
#include "common/symtab_text.h"
#include "crc32c.h"

namespace pd {

SymbolTable build_symbol_table(std::string_view kallsyms)
{
	SymbolTable t;
	std::vector<SymbolLine> syms;
	bool any_address = false;

	while (!kallsyms.empty()) {
		size_t nl = kallsyms.find('\n');
		std::string_view line = kallsyms.substr(0, nl);
		kallsyms = nl == std::string_view::npos ? std::string_view() :
			   kallsyms.substr(nl + 1);
		if (line.empty())
			continue;
		auto s = parse_symbol_line(line);
		if (!s) {
			t.bad_lines++;
			continue;
		}
		any_address |= s->addr != 0;
		syms.push_back(std::move(*s));
	}
	t.hidden = !syms.empty() && !any_address;
	std::stable_sort(syms.begin(), syms.end(),
			 [](const SymbolLine &a, const SymbolLine &b) { return a.addr < b.addr; });
	t.text.reserve(syms.size() * 48);
	for (const auto &s : syms)
		t.text += format_symbol_line(s);
	t.nr_symbols = static_cast<uint32_t>(std::min<size_t>(syms.size(), UINT32_MAX));
	return t;
}

SymbolTable read_kallsyms(const std::string &proc_root)
{
	return build_symbol_table(read_file(proc_root + "/kallsyms"));
}

uint64_t symtab_capacity(uint64_t text_bytes)
{
	uint64_t want = text_bytes + text_bytes / 4 + PD_BLOCK_SIZE;
	uint64_t cap = (want + kSymtabAlign - 1) / kSymtabAlign * kSymtabAlign;

	return std::max(cap, kSymtabMinCapacity);
}

void build_symtab_block(const struct pd_header &h, const SymbolTable &t,
			struct pd_symtab_block *b)
{
	const struct pd_section *s = nullptr;

	for (uint32_t i = 0; i < h.nr_sections && i < PD_MAX_SECTIONS; i++)
		if (h.sections[i].type == PD_SECT_SYMTAB)
			s = &h.sections[i];
	if (!s)
		throw Error("internal error: the header has no SYMTAB section");

	std::memset(b, 0, sizeof(*b));
	std::memcpy(b->magic, PD_SYMTAB_MAGIC, PD_MAGIC_LEN);
	b->version = PD_SYMTAB_VERSION;
	b->block_size = PD_SYMTAB_BLOCK_SIZE;
	b->offset = s->offset;
	b->capacity = s->capacity;
	b->length = t.text.size();
	b->text_crc32c = pd_crc32c(0, t.text.data(), t.text.size());
	b->nr_symbols = t.nr_symbols;
	std::memcpy(b->nonce, h.nonce, sizeof(b->nonce));
	std::memcpy(b->boot_id, h.boot_id, sizeof(b->boot_id));
	b->arm_time = h.arm_time;
	std::memcpy(b->release, h.release, sizeof(b->release));
	b->release[sizeof(b->release) - 1] = '\0';
	pd_symtab_block_seal(b);
}

} // namespace pd

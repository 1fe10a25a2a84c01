// SPDX-License-Identifier: GPL-2.0
#include "common/symtab_text.h"

#include <algorithm>

#include "common/error.h"

namespace pd {

static bool hex_digit(char c)
{
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

std::optional<SymbolLine> parse_symbol_line(std::string_view line)
{
	SymbolLine s;
	size_t sp = line.find(' ');

	if (sp == 0 || sp == std::string_view::npos || sp > 16)
		return std::nullopt;
	for (size_t i = 0; i < sp; i++) {
		char c = line[i];
		if (!hex_digit(c))
			return std::nullopt;
		s.addr = s.addr << 4 | static_cast<uint64_t>(c <= '9' ? c - '0' : (c | 0x20) - 'a' + 10);
	}
	// " T name"
	if (line.size() < sp + 4 || line[sp + 2] != ' ' || line[sp + 1] == ' ' ||
	    line[sp + 1] == '\t')
		return std::nullopt;
	s.type = line[sp + 1];
	std::string_view rest = line.substr(sp + 3);
	size_t tab = rest.find('\t');
	std::string_view name = rest.substr(0, tab);
	if (name.empty() || name.find(' ') != std::string_view::npos)
		return std::nullopt;
	s.name = std::string(name);
	if (tab != std::string_view::npos) {
		std::string_view mod = rest.substr(tab + 1);
		if (mod.size() < 3 || mod.front() != '[' || mod.back() != ']')
			return std::nullopt;
		s.module = std::string(mod.substr(1, mod.size() - 2));
	}
	return s;
}

std::string format_symbol_line(const SymbolLine &s)
{
	std::string out = strprintf("%016llx %c ", (unsigned long long)s.addr, s.type) + s.name;

	if (!s.module.empty())
		out += "\t[" + s.module + "]";
	return out + "\n";
}

std::map<std::string, uint64_t> find_kernel_symbols(std::string_view text,
						    const std::vector<std::string> &names)
{
	std::map<std::string, uint64_t> found;

	while (!text.empty() && found.size() < names.size()) {
		size_t nl = text.find('\n');
		std::string_view line = text.substr(0, nl);
		text = nl == std::string_view::npos ? std::string_view() : text.substr(nl + 1);
		// Cheap filter before parsing: the name must end the line.
		bool wanted = false;
		for (const auto &n : names)
			if (line.size() > n.size() && line.ends_with(n) &&
			    line[line.size() - n.size() - 1] == ' ' && !found.count(n))
				wanted = true;
		if (!wanted)
			continue;
		if (auto s = parse_symbol_line(line); s && s->module.empty())
			found.emplace(s->name, s->addr);
	}
	return found;
}

} // namespace pd

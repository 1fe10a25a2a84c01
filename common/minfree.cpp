// SPDX-License-Identifier: GPL-2.0
#include "common/minfree.h"

#include <cctype>

#include "common/error.h"
#include "common/file_util.h"

namespace pd {

const char kMinFreeSyntax[] =
	"a number of KiB, or one with a k, m, g or % suffix (at most 100%)";

namespace {

// Bytes per unit; 0 for '%'.
uint64_t unit_bytes(char unit)
{
	switch (unit) {
	case 'm':
		return 1ULL << 20;
	case 'g':
		return 1ULL << 30;
	case '%':
		return 0;
	}
	return 1024;
}

} // namespace

uint64_t MinFree::resolve(uint64_t fs_bytes) const
{
	if (unit == '%')
		return fs_bytes / 100 * number + fs_bytes % 100 * number / 100;
	uint64_t mult = unit_bytes(unit);
	return number > UINT64_MAX / mult ? UINT64_MAX : number * mult;
}

std::string MinFree::text() const
{
	return std::to_string(number) + (unit ? std::string(1, unit) : "");
}

std::string MinFree::describe() const
{
	return unit == '%' ? std::to_string(number) + "% of the file system" :
			     human_size(resolve(0));
}

MinFree parse_minfree(std::string_view text, const std::string &context)
{
	std::string_view s = trim(text);
	auto bad = [&]() {
		return Error(context + ": expected " + kMinFreeSyntax + ", found \"" +
			     std::string(s) + "\"", ErrorKind::Usage);
	};
	MinFree m;

	if (s.empty())
		throw bad();
	char last = static_cast<char>(std::tolower(static_cast<unsigned char>(s.back())));
	if (last == 'k' || last == 'm' || last == 'g' || last == '%')
		m.unit = last;
	std::string_view digits = m.unit ? s.substr(0, s.size() - 1) : s;
	if (digits.empty() || digits.find_first_not_of("0123456789") != std::string_view::npos)
		throw bad();
	auto v = parse_u64(digits);
	if (!v)
		throw bad();
	m.number = *v;
	if (m.unit == '%' ? m.number > 100 : m.number > UINT64_MAX / unit_bytes(m.unit))
		throw bad();
	return m;
}

std::string minfree_file(const std::string &savedir)
{
	return savedir + "/minfree";
}

void write_minfree_file(const std::string &savedir, const MinFree &m)
{
	// Parents as usual, the directory itself private, as savecore makes it.
	if (!path_exists(savedir)) {
		mkdir_p(path_dirname(savedir), 0755);
		mkdir_p(savedir, 0700);
	}
	write_file_atomic(minfree_file(savedir), m.text() + "\n", 0644);
}

} // namespace pd

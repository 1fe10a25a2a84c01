// SPDX-License-Identifier: GPL-2.0
#include "savecore/minfree.h"

#include "common/error.h"
#include "common/file_util.h"

namespace pd {

std::string MinFree::describe() const
{
	return is_percent ? std::to_string(percent) + "% of the file system" : human_size(bytes);
}

std::optional<MinFree> parse_minfree(std::string_view text)
{
	std::string_view s = trim(text);
	MinFree m;
	uint64_t mult = 1024;	// a bare number is KiB, as in illumos

	if (s.empty())
		return std::nullopt;
	switch (s.back()) {
	case 'k': case 'K':
		s.remove_suffix(1);
		break;
	case 'm': case 'M':
		mult = 1ULL << 20;
		s.remove_suffix(1);
		break;
	case 'g': case 'G':
		mult = 1ULL << 30;
		s.remove_suffix(1);
		break;
	case '%':
		m.is_percent = true;
		s.remove_suffix(1);
		break;
	}
	if (s.empty() || s.find_first_not_of("0123456789") != std::string_view::npos)
		return std::nullopt;
	auto v = parse_u64(s);
	if (!v)
		return std::nullopt;
	if (m.is_percent) {
		if (*v > 100)
			return std::nullopt;
		m.percent = static_cast<unsigned>(*v);
		return m;
	}
	if (*v > UINT64_MAX / mult)
		return std::nullopt;
	m.bytes = *v * mult;
	return m;
}

MinFree load_minfree(const std::optional<std::string> &env, const std::string &config,
		     const std::string &config_origin, const std::string &dir)
{
	std::string source, text;

	if (env && !trim(*env).empty()) {
		source = "DUMPADM_MINFREE";
		text = *env;
	} else if (!trim(config).empty()) {
		source = "DUMPADM_MINFREE in " + config_origin;
		text = config;
	} else if (auto f = read_file_if_exists(dir + "/minfree")) {
		source = dir + "/minfree";
		text = f->substr(0, f->find('\n'));
	} else {
		MinFree m;
		m.bytes = kDefaultMinFree;
		m.source = "default";
		return m;
	}
	auto m = parse_minfree(text);
	if (!m)
		throw Error(source + ": expected a number of KiB, or one with a k, m, g or % suffix (at most 100%), found \"" +
			    std::string(trim(text)) + "\"");
	m->source = source;
	return *m;
}

} // namespace pd

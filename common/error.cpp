// SPDX-License-Identifier: GPL-2.0
#include "common/error.h"

#include <cerrno>
#include <cstdarg>
#include <cstdio>
#include <cstring>

namespace pd {

void throw_errno(const std::string &what)
{
	throw Error(what + ": " + std::strerror(errno));
}

std::string strprintf(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	int n = std::vsnprintf(nullptr, 0, fmt, ap);
	va_end(ap);
	if (n < 0)
		return fmt;

	std::string s(static_cast<size_t>(n) + 1, '\0');
	va_start(ap, fmt);
	std::vsnprintf(s.data(), s.size(), fmt, ap);
	va_end(ap);
	s.resize(static_cast<size_t>(n));
	return s;
}

} // namespace pd

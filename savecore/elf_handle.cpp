// SPDX-License-Identifier: GPL-2.0
#include "savecore/elf_handle.h"

#include <cerrno>
#include <cstring>

#include "common/error.h"

namespace pd {

namespace {

// elf_version() must precede every other libelf call; once is enough.
void init_libelf(const std::string &what)
{
	static const unsigned version = elf_version(EV_CURRENT);

	if (version == EV_NONE)
		throw_libelf(what + ": elf_version: expected a libelf supporting version " +
			     std::to_string(EV_CURRENT));
}

} // namespace

void throw_libelf(const std::string &what, int err)
{
	std::string msg = what + ": libelf: " + elf_errmsg(-1);

	if (err)
		msg += std::string(" (") + std::strerror(err) + ")";
	throw Error(msg);
}

ElfHandle elf_begin_or_throw(int fd, Elf_Cmd cmd, const std::string &what)
{
	init_libelf(what);
	errno = 0;
	ElfHandle e(elf_begin(fd, cmd, nullptr));
	if (!e)
		throw_libelf(what + ": elf_begin", errno);
	return e;
}

ElfHandle elf_memory_or_throw(char *image, size_t size, const std::string &what)
{
	init_libelf(what);
	ElfHandle e(elf_memory(image, size));
	if (!e)
		throw_libelf(what + ": elf_memory");
	return e;
}

} // namespace pd

// SPDX-License-Identifier: GPL-2.0
// elfutils' libelf for savecore: an owning Elf handle and errors that give
// libelf's reason after the caller's context.
#pragma once

#include <cstddef>
#include <libelf.h>
#include <memory>
#include <string>

namespace pd {

struct ElfEnd {
	void operator()(Elf *e) const { elf_end(e); }
};
using ElfHandle = std::unique_ptr<Elf, ElfEnd>;

// Throws "<what>: libelf: <elf_errmsg>", plus strerror(err) when err is
// set: libelf reports a failed read or write without its errno.
[[noreturn]] void throw_libelf(const std::string &what, int err = 0);

// elf_begin(fd, cmd), libelf initialised first; what names the file.
ElfHandle elf_begin_or_throw(int fd, Elf_Cmd cmd, const std::string &what);

// elf_memory over image, which must outlive the handle.
ElfHandle elf_memory_or_throw(char *image, size_t size, const std::string &what);

} // namespace pd

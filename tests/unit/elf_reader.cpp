// SPDX-License-Identifier: GPL-2.0
#include "elf_reader.h"

#include <elf.h>
#include <fcntl.h>
#include <unistd.h>

#include <cstring>
#include <stdexcept>

namespace pdtest {

namespace {

constexpr uint64_t kPage = 4096;

// An open file, closed however the read ends.
class ReadFd {
public:
	explicit ReadFd(const std::string &path) : fd_(::open(path.c_str(), O_RDONLY | O_CLOEXEC))
	{
		if (fd_ < 0)
			throw std::runtime_error("cannot open " + path);
	}
	~ReadFd() { ::close(fd_); }
	ReadFd(const ReadFd &) = delete;
	ReadFd &operator=(const ReadFd &) = delete;

	void pread_all(void *buf, size_t len, uint64_t off) const
	{
		if (::pread(fd_, buf, len, (off_t)off) != (ssize_t)len)
			throw std::runtime_error("short read of an ELF file");
	}

private:
	int fd_;
};

} // namespace

ElfCore read_elf_core(const std::string &path)
{
	ReadFd fd(path);
	ElfCore c;
	Elf64_Ehdr eh;
	fd.pread_all(&eh, sizeof(eh), 0);
	if (std::memcmp(eh.e_ident, ELFMAG, SELFMAG) || eh.e_ident[EI_CLASS] != ELFCLASS64 ||
	    eh.e_phentsize != sizeof(Elf64_Phdr))
		throw std::runtime_error(path + ": not an ELF64 file");
	c.type = eh.e_type;
	c.machine = eh.e_machine;
	c.flags = eh.e_flags;
	c.phnum = eh.e_phnum;
	if (eh.e_phnum == PN_XNUM) {
		Elf64_Shdr sh;
		fd.pread_all(&sh, sizeof(sh), eh.e_shoff);
		c.phnum = sh.sh_info;
	}
	for (uint64_t i = 0; i < c.phnum; i++) {
		Elf64_Phdr ph;
		fd.pread_all(&ph, sizeof(ph), eh.e_phoff + i * sizeof(ph));
		c.segments.push_back({ ph.p_type, ph.p_offset, ph.p_vaddr, ph.p_paddr,
				       ph.p_filesz, ph.p_memsz, ph.p_align });
		if (ph.p_type == PT_NOTE) {
			c.notes.resize(ph.p_filesz);
			fd.pread_all(c.notes.data(), c.notes.size(), ph.p_offset);
		}
	}
	return c;
}

std::vector<uint8_t> ElfCore::page(const std::string &path, uint64_t paddr) const
{
	for (const auto &s : segments) {
		if (s.type != PT_LOAD || paddr < s.paddr || paddr + kPage > s.paddr + s.filesz)
			continue;
		std::vector<uint8_t> p(kPage);
		ReadFd(path).pread_all(p.data(), p.size(), s.offset + (paddr - s.paddr));
		return p;
	}
	return {};
}

std::vector<uint8_t> ElfCore::vread(const std::string &path, uint64_t vaddr, size_t len) const
{
	for (const auto &s : segments) {
		if (s.type != PT_LOAD || vaddr < s.vaddr || vaddr + len > s.vaddr + s.filesz)
			continue;
		std::vector<uint8_t> p(len);
		ReadFd(path).pread_all(p.data(), p.size(), s.offset + (vaddr - s.vaddr));
		return p;
	}
	return {};
}

} // namespace pdtest

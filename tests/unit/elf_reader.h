// SPDX-License-Identifier: GPL-2.0
// An independent reader of ELF64 cores for the tests (savecore --format
// elf's output): program headers by hand with pread, no libelf, so that
// it and savecore's libelf writer check each other. Sparse files are fine.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace pdtest {

struct ElfSegment {
	uint32_t type;
	uint64_t offset, vaddr, paddr, filesz, memsz, align;
};

struct ElfCore {
	uint16_t type = 0, machine = 0;
	uint32_t flags = 0;
	uint64_t phnum = 0;
	std::vector<ElfSegment> segments;
	std::vector<uint8_t> notes;	// the PT_NOTE bytes

	// The page at a physical address through the PT_LOADs (the first
	// that covers it); empty when none does.
	std::vector<uint8_t> page(const std::string &path, uint64_t paddr) const;
	// The bytes at a virtual address; empty when no PT_LOAD covers it.
	std::vector<uint8_t> vread(const std::string &path, uint64_t vaddr, size_t len) const;
};

// Throws std::runtime_error when path is not an ELF64 file.
ElfCore read_elf_core(const std::string &path);

} // namespace pdtest

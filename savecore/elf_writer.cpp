// SPDX-License-Identifier: GPL-2.0
#include "savecore/elf_writer.h"

#include <bit>
#include <cerrno>
#include <cstring>
#include <libelf.h>
#include <unistd.h>

#include "common/error.h"
#include "common/file_util.h"
#include "savecore/elf_handle.h"
#include "savecore/kdump_pages.h"
#include "savecore/progress.h"

namespace pd {

namespace {

constexpr uint64_t kPage = KDUMP_BLOCK_SIZE;
constexpr size_t kOutBuf = 1ULL << 20;

// p_align 0: by it crash tells a kdump ELF vmcore (KDUMP_ELF64) from a
// netdump one.
Elf64_Phdr phdr(uint32_t type, uint64_t off, uint64_t vaddr, uint64_t paddr, uint64_t size)
{
	Elf64_Phdr p = {};
	p.p_type = type;
	p.p_flags = type == PT_LOAD ? PF_R | PF_W | PF_X : 0;
	p.p_offset = off;
	p.p_vaddr = vaddr;
	p.p_paddr = paddr;
	p.p_filesz = size;
	p.p_memsz = size;
	p.p_align = 0;
	return p;
}

// libelf writes the ELF header and the program headers (and, for 65535
// or more of them, section header 0 with the real count); the plan has
// put the notes and the pages after them, which libelf does not see:
// ELF_F_LAYOUT keeps it to the plan's offsets.
void write_headers(const ElfPlan &plan, int fd, const std::string &path)
{
	uint64_t phnum = plan.phnum();
	bool xnum = phnum >= PN_XNUM;
	ElfHandle elf = elf_begin_or_throw(fd, ELF_C_WRITE, path);

	Elf64_Ehdr *eh = elf64_newehdr(elf.get());
	if (!eh)
		throw_libelf(path + ": ELF header (elf64_newehdr)");
	// Section 0, where libelf keeps a count beyond e_phnum's reach.
	if (xnum && !elf_getscn(elf.get(), 0))
		throw_libelf(path + ": section header 0 for the program header count");
	Elf64_Phdr *ph = elf64_newphdr(elf.get(), phnum);
	if (!ph)
		throw_libelf(path + strprintf(": %llu program headers (elf64_newphdr)",
					      (unsigned long long)phnum));
	// elf64_newphdr set e_phnum (PN_XNUM when extended) and e_phentsize.
	eh->e_ident[EI_DATA] = ELFDATA2LSB;
	eh->e_ident[EI_OSABI] = ELFOSABI_NONE;
	eh->e_type = ET_CORE;
	eh->e_machine = EM_X86_64;
	eh->e_version = EV_CURRENT;
	eh->e_phoff = elf64_fsize(ELF_T_EHDR, 1, EV_CURRENT);
	eh->e_flags = plan.incomplete ? 1 : 0;	// makedumpfile's DUMP_ELF_INCOMPLETE
	if (xnum)
		eh->e_shoff = eh->e_phoff + elf64_fsize(ELF_T_PHDR, phnum, EV_CURRENT);

	size_t i = 0;
	ph[i++] = phdr(PT_NOTE, plan.notes_off, 0, 0, plan.notes.size());
	if (plan.have_kernel)
		ph[i++] = phdr(PT_LOAD, plan.kernel.file_off, plan.kernel.vaddr,
			       plan.kernel.paddr, plan.kernel.size);
	for (size_t r = 0; r < plan.ranges.size(); r++) {
		uint64_t pa = plan.ranges[r].first * kPage;
		ph[i++] = phdr(PT_LOAD, plan.range_off[r], plan.page_offset_base + pa, pa,
			       (plan.ranges[r].second - plan.ranges[r].first) * kPage);
	}
	elf_flagehdr(elf.get(), ELF_C_SET, ELF_F_DIRTY);
	elf_flagphdr(elf.get(), ELF_C_SET, ELF_F_DIRTY);
	elf_flagelf(elf.get(), ELF_C_SET, ELF_F_LAYOUT);

	errno = 0;
	int64_t end = elf_update(elf.get(), ELF_C_WRITE);
	if (end < 0)
		throw_libelf(path + ": writing the ELF and program headers (elf_update)", errno);
	if (static_cast<uint64_t>(end) != plan.notes_off)
		throw Error(strprintf("internal error: %s: ELF headers: expected them to end at the notes' offset 0x%llx, found libelf's end 0x%llx",
				      path.c_str(), (unsigned long long)plan.notes_off,
				      (unsigned long long)end));
}

bool all_zero(const uint8_t *p)
{
	static const uint8_t zero[kPage] = {};
	return !std::memcmp(p, zero, kPage);
}

// Coalesces page writes at increasing file offsets.
class Output {
public:
	Output(int fd, const std::string &path) : fd_(fd), path_(path), buf_(kOutBuf) {}

	void put(uint64_t at, const uint8_t *page)
	{
		if (len_ && (at != off_ + len_ || len_ + kPage > buf_.size()))
			flush();
		if (!len_)
			off_ = at;
		std::memcpy(buf_.data() + len_, page, kPage);
		len_ += kPage;
	}
	void flush()
	{
		if (len_)
			pwrite_full(fd_, buf_.data(), len_, off_, path_);
		written_ += len_;
		len_ = 0;
	}
	uint64_t written() const { return written_ + len_; }

private:
	int fd_;
	const std::string &path_;
	std::vector<uint8_t> buf_;
	uint64_t off_ = 0;
	size_t len_ = 0;
	uint64_t written_ = 0;
};

} // namespace

void write_elf(const ElfPlan &plan, KdumpPages &pages, int fd, const std::string &path,
	       Progress &progress)
{
	const KdumpImage &img = pages.image();

	// elf_update sizes the file to the headers' end: it comes first.
	write_headers(plan, fd, path);
	if (!plan.notes.empty())
		pwrite_full(fd, plan.notes.data(), plan.notes.size(), plan.notes_off, path);

	// Every dumped page, in PFN order, into its range.
	Output out(fd, path);
	std::vector<uint8_t> page(kPage);
	const std::vector<uint8_t> &bm2 = pages.bitmap2();
	uint64_t idx = 0;
	size_t r = 0;
	for (size_t w = 0; w < bm2.size(); w += 8) {
		uint64_t v;
		std::memcpy(&v, bm2.data() + w, 8);
		while (v) {
			uint64_t pfn = w * 8 + static_cast<uint64_t>(std::countr_zero(v));
			v &= v - 1;
			uint64_t i = idx++;
			progress.update(i, out.written());
			if (!desc_usable(img, i))
				continue;
			while (r < plan.ranges.size() && plan.ranges[r].second <= pfn)
				r++;
			if (r == plan.ranges.size() || plan.ranges[r].first > pfn)
				throw Error(strprintf("internal error: pfn %llu in no RAM range",
						      (unsigned long long)pfn));
			if (!pages.decode(pfn, i, pages.desc(i), page.data()) || all_zero(page.data()))
				continue;
			out.put(plan.range_off[r] + (pfn - plan.ranges[r].first) * kPage, page.data());
		}
	}
	if (plan.kernel_copy) {
		uint64_t first = plan.kernel.paddr / kPage;
		for (uint64_t k = 0; k < plan.kernel.size / kPage; k++)
			if (pages.read_page(first + k, page.data()) && !all_zero(page.data()))
				out.put(plan.kernel.file_off + k * kPage, page.data());
	}
	out.flush();
	if (::ftruncate(fd, static_cast<off_t>(plan.file_size)) < 0)
		throw_errno(path + ": ftruncate to " + std::to_string(plan.file_size));
	progress.finish(out.written());
}

} // namespace pd

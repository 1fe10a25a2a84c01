// SPDX-License-Identifier: GPL-2.0
#include "savecore/elf_writer.h"

#include <bit>
#include <cstring>
#include <elf.h>
#include <unistd.h>

#include "common/error.h"
#include "common/file_util.h"
#include "savecore/kdump_pages.h"
#include "savecore/progress.h"

namespace pd {

namespace {

constexpr uint64_t kPage = KDUMP_BLOCK_SIZE;
constexpr size_t kOutBuf = 1ULL << 20;

void put_phdr(std::vector<uint8_t> &buf, size_t at, uint32_t type, uint64_t off,
	      uint64_t vaddr, uint64_t paddr, uint64_t size)
{
	Elf64_Phdr p = {};
	p.p_type = type;
	p.p_flags = type == PT_LOAD ? PF_R | PF_W | PF_X : 0;
	p.p_offset = off;
	p.p_vaddr = vaddr;
	p.p_paddr = paddr;
	p.p_filesz = size;
	p.p_memsz = size;
	p.p_align = 0;		// crash: KDUMP_ELF64
	std::memcpy(buf.data() + at, &p, sizeof(p));
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
	uint64_t phnum = 1 + plan.have_kernel + plan.ranges.size();
	bool xnum = phnum >= PN_XNUM;
	uint64_t phoff = sizeof(Elf64_Ehdr);
	uint64_t shoff = phoff + phnum * sizeof(Elf64_Phdr);
	uint64_t notes_off = shoff + (xnum ? sizeof(Elf64_Shdr) : 0);
	std::vector<uint8_t> head(notes_off + plan.notes.size(), 0);

	Elf64_Ehdr eh = {};
	std::memcpy(eh.e_ident, ELFMAG, SELFMAG);
	eh.e_ident[EI_CLASS] = ELFCLASS64;
	eh.e_ident[EI_DATA] = ELFDATA2LSB;
	eh.e_ident[EI_VERSION] = EV_CURRENT;
	eh.e_ident[EI_OSABI] = ELFOSABI_NONE;
	eh.e_type = ET_CORE;
	eh.e_machine = EM_X86_64;
	eh.e_version = EV_CURRENT;
	eh.e_phoff = phoff;
	eh.e_flags = plan.incomplete ? 1 : 0;	// makedumpfile's DUMP_ELF_INCOMPLETE
	eh.e_ehsize = sizeof(Elf64_Ehdr);
	eh.e_phentsize = sizeof(Elf64_Phdr);
	eh.e_phnum = xnum ? PN_XNUM : static_cast<Elf64_Half>(phnum);
	if (xnum) {
		// The real count in section header 0's sh_info, as Linux's
		// ELF core dumps do.
		eh.e_shoff = shoff;
		eh.e_shentsize = sizeof(Elf64_Shdr);
		eh.e_shnum = 1;
		Elf64_Shdr sh = {};
		sh.sh_info = static_cast<Elf64_Word>(phnum);
		std::memcpy(head.data() + shoff, &sh, sizeof(sh));
	}
	std::memcpy(head.data(), &eh, sizeof(eh));

	size_t at = phoff;
	put_phdr(head, at, PT_NOTE, notes_off, 0, 0, plan.notes.size());
	at += sizeof(Elf64_Phdr);
	if (plan.have_kernel) {
		put_phdr(head, at, PT_LOAD, plan.kernel.file_off, plan.kernel.vaddr,
			 plan.kernel.paddr, plan.kernel.size);
		at += sizeof(Elf64_Phdr);
	}
	for (size_t r = 0; r < plan.ranges.size(); r++) {
		uint64_t pa = plan.ranges[r].first * kPage;
		put_phdr(head, at, PT_LOAD, plan.range_off[r], plan.page_offset_base + pa, pa,
			 (plan.ranges[r].second - plan.ranges[r].first) * kPage);
		at += sizeof(Elf64_Phdr);
	}
	if (!plan.notes.empty())
		std::memcpy(head.data() + notes_off, plan.notes.data(), plan.notes.size());
	pwrite_full(fd, head.data(), head.size(), 0, path);

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

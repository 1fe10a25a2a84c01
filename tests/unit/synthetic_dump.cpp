// SPDX-License-Identifier: GPL-2.0
#include "synthetic_dump.h"

#include <algorithm>
#include <cstring>
#include <elf.h>
#include <fcntl.h>
#include <lzo/lzo1x.h>
#include <stdexcept>
#include <unistd.h>
#include <zstd.h>

#include "crc32c.h"

namespace pdtest {

namespace {

constexpr uint64_t kPage = KDUMP_BLOCK_SIZE;

template <typename T>
void put(std::vector<uint8_t> &buf, uint64_t off, const T &v)
{
	std::memcpy(buf.data() + off, &v, sizeof(v));
}

} // namespace

std::string default_vmcoreinfo(const SyntheticSpec &spec)
{
	return "OSRELEASE=" + spec.release + "\n"
	       "BUILD-ID=0123456789abcdef0123456789abcdef01234567\n"
	       "PAGESIZE=4096\n"
	       "SYMBOL(swapper_pg_dir)=ffffffff9fc0a000\n"
	       "KERNELOFFSET=1e000000\n"
	       "NUMBER(phys_base)=0\n"
	       "NUMBER(pgtable_l5_enabled)=0\n"
	       "CRASHTIME=" + std::to_string(spec.crash_time) + "\n";
}

void put_u64(std::vector<uint8_t> &buf, uint64_t off, uint64_t v)
{
	std::memcpy(buf.data() + off, &v, sizeof(v));
}

void put_u32(std::vector<uint8_t> &buf, uint64_t off, uint32_t v)
{
	std::memcpy(buf.data() + off, &v, sizeof(v));
}

void SyntheticDump::reseal()
{
	pd_header_seal(&header);
	std::memcpy(area.data(), &header, sizeof(header));
	std::memcpy(area.data() + pd_trailer_offset(header.area_size), &header, sizeof(header));
}

namespace {

// PRSTATUS per CPU (pr_pid = cpu + 1), then VMCOREINFO.
std::vector<uint8_t> build_notes(const SyntheticSpec &spec, uint64_t *vmcoreinfo_off,
				 uint64_t *vmcoreinfo_size)
{
	std::string info = spec.vmcoreinfo.empty() ? default_vmcoreinfo(spec) : spec.vmcoreinfo;
	uint64_t size = spec.nr_cpus * kdump_note_size(5, KDUMP_PRSTATUS_SIZE) +
			kdump_note_size(11, static_cast<uint32_t>(info.size()));
	std::vector<uint8_t> notes(size);
	uint64_t pos = 0;

	for (uint32_t cpu = 0; cpu < spec.nr_cpus; cpu++) {
		uint8_t prstatus[KDUMP_PRSTATUS_SIZE] = {};
		uint32_t pid = cpu + 1;
		std::memcpy(prstatus + KDUMP_PRSTATUS_PID_OFF, &pid, sizeof(pid));
		pos += kdump_put_note(notes.data() + pos, size - pos, "CORE",
				      KDUMP_NT_PRSTATUS, prstatus, sizeof(prstatus));
	}
	*vmcoreinfo_off = pos + 12 + 12;	// header, "VMCOREINFO\0" + pad
	*vmcoreinfo_size = info.size();
	pos += kdump_put_note(notes.data() + pos, size - pos, "VMCOREINFO", 0,
			      info.data(), static_cast<uint32_t>(info.size()));
	if (pos != size)
		throw std::logic_error("notes size");
	return notes;
}

// A zstd frame or LZO block per page, or the raw page when that is not
// smaller (or asked for).
std::vector<uint8_t> compress_page(const std::vector<uint8_t> &page, uint32_t compression,
				   uint32_t *flags)
{
	std::vector<uint8_t> out(page.size() + page.size() / 16 + 64 + 3 + ZSTD_compressBound(page.size()));
	size_t n = 0;

	if (compression == PD_COMPRESS_ZSTD) {
		n = ZSTD_compress(out.data(), out.size(), page.data(), page.size(), 1);
		if (ZSTD_isError(n))
			n = 0;
		*flags = DUMP_DH_COMPRESSED_ZSTD;
	} else if (compression == PD_COMPRESS_LZO) {
		std::vector<uint8_t> wrk(LZO1X_1_MEM_COMPRESS);
		lzo_uint len = 0;
		if (lzo_init() != LZO_E_OK ||
		    lzo1x_1_compress(page.data(), page.size(), out.data(), &len, wrk.data()) != LZO_E_OK)
			len = 0;
		n = len;
		*flags = DUMP_DH_COMPRESSED_LZO;
	}
	if (!n || n >= page.size()) {
		*flags = 0;
		return page;
	}
	out.resize(n);
	return out;
}

} // namespace

std::vector<uint8_t> page_content(uint64_t pfn)
{
	std::vector<uint8_t> p(kPage);
	std::string text = "page " + std::to_string(pfn) + " ";

	for (size_t i = 0; i < p.size(); i++)
		p[i] = static_cast<uint8_t>(text[i % text.size()]);
	return p;
}

SyntheticDump build_synthetic_dump(const SyntheticSpec &spec)
{
	SyntheticDump d;
	std::vector<uint64_t> dumpable = spec.pages;
	dumpable.insert(dumpable.end(), spec.zero_pages.begin(), spec.zero_pages.end());
	std::sort(dumpable.begin(), dumpable.end());

	uint64_t vi_off, vi_size;
	std::vector<uint8_t> notes = build_notes(spec, &vi_off, &vi_size);
	struct kdump_layout &l = d.layout;
	kdump_layout_compute(&l, spec.max_mapnr, notes.size(), dumpable.size());

	// Page data: the shared raw zero page first, then the pages in PFN
	// order (as capture/pd_image.c writes them).
	std::vector<struct kdump_page_desc> descs(dumpable.size());
	std::vector<uint8_t> data(kPage, 0);
	struct kdump_page_desc zero_desc = { (int64_t)l.off_data, (uint32_t)kPage, 0, 0 };
	size_t written = 0;
	for (size_t i = 0; i < dumpable.size(); i++) {
		uint64_t pfn = dumpable[i];
		bool is_zero = std::count(spec.zero_pages.begin(), spec.zero_pages.end(), pfn);
		if (spec.incomplete && written >= spec.pages_written) {
			// Never written: the module zeroed the table first,
			// so the slot is empty (offset 0: not in the dump).
			descs[i] = kdump_page_desc{ 0, 0, 0, 0 };
			continue;
		}
		written++;
		if (is_zero) {
			descs[i] = zero_desc;
			continue;
		}
		uint32_t flags;
		auto over = spec.page_data.find(pfn);
		std::vector<uint8_t> c = compress_page(over != spec.page_data.end() ? over->second :
						       page_content(pfn),
						       spec.compression, &flags);
		descs[i] = { (int64_t)(l.off_data + data.size()), (uint32_t)c.size(), flags, 0 };
		data.insert(data.end(), c.begin(), c.end());
	}

	std::vector<uint8_t> &img = d.image;
	img.assign(l.off_data + data.size(), 0);

	struct kdump_header_info info = {};
	const char *uts[6] = { "Linux", "synthetic", spec.release.c_str(),
			       "#1 SMP PREEMPT_DYNAMIC", "x86_64", "(none)" };
	for (int i = 0; i < 6; i++)
		std::snprintf(info.utsname[i], KDUMP_UTS_LEN, "%s", uts[i]);
	info.crash_seconds = (int64_t)spec.crash_time;
	info.status = (spec.compression == PD_COMPRESS_ZSTD ? DUMP_DH_COMPRESSED_ZSTD :
		       spec.compression == PD_COMPRESS_LZO ? DUMP_DH_COMPRESSED_LZO : 0) |
		      (spec.incomplete && spec.module_flags_incomplete ?
		       DUMP_DH_COMPRESSED_INCOMPLETE : 0);
	info.nr_cpus = (int32_t)spec.nr_cpus;
	info.dump_level = 31;
	info.vmcoreinfo_text_offset = vi_off;
	info.vmcoreinfo_size = vi_size;
	kdump_encode_header(img.data(), &l, &info);
	struct kdump_sub_header sub;
	kdump_encode_sub_header(&sub, &l, &info);
	put(img, l.off_sub_header, sub);
	std::memcpy(img.data() + l.off_notes, notes.data(), notes.size());
	if (spec.ram.empty())
		for (uint64_t pfn = 0; pfn < spec.max_mapnr; pfn++)
			kdump_bitmap_set(img.data() + l.off_bitmap1, pfn);
	for (const auto &[first, end] : spec.ram)
		for (uint64_t pfn = first; pfn < end; pfn++)
			kdump_bitmap_set(img.data() + l.off_bitmap1, pfn);
	d.notes_size = notes.size();
	for (uint64_t pfn : dumpable)
		kdump_bitmap_set(img.data() + l.off_bitmap2, pfn);
	std::memcpy(img.data() + l.off_desc, descs.data(),
		    descs.size() * sizeof(descs[0]));
	std::memcpy(img.data() + l.off_data, data.data(), data.size());

	// The area: header copies, log, image.
	struct pd_header &h = d.header;
	pd_header_init(&h, spec.area_size);
	h.state = spec.state;
	h.sequence = 3;			// armed, dumping, complete
	h.arm_time = spec.crash_time - 100;
	h.crash_time = spec.crash_time;
	h.dump_msecs = 1234;
	h.nr_cpus = spec.nr_cpus;
	h.panic_cpu = 1;
	h.ram_pages = spec.max_mapnr;
	h.dumped_pages = written;
	h.zero_pages = spec.zero_pages.size();
	h.image_bytes = img.size();
	h.compression_level = 1;
	h.dump_flags = spec.incomplete ? PD_DUMP_F_INCOMPLETE : 0;
	if (spec.records_errors) {
		h.compat_features |= PD_COMPAT_ERROR;
		h.error = spec.error;
	}
	for (uint8_t i = 0; i < 16; i++)
		h.nonce[i] = i, h.boot_id[i] = (uint8_t)(0xf0 | i);
	std::snprintf(h.release, sizeof(h.release), "%s", spec.release.c_str());
	std::snprintf(h.panic_string, sizeof(h.panic_string), "%s", spec.panic.c_str());
	struct pd_section *log = pd_header_section(&h, PD_SECT_LOG);
	log->length = spec.log.size();
	log->crc32c = pd_crc32c(0, spec.log.data(), spec.log.size());
	pd_header_section(&h, PD_SECT_KDUMP)->length = img.size();

	// The symbol table as dumpadm writes it (text, then the block in the
	// section's last block), listed in the header or not.
	uint64_t end = pd_trailer_offset(spec.area_size);
	struct pd_symtab_block blk = {};
	if (!spec.symtab.empty()) {
		d.symtab_offset = end - spec.symtab_capacity;
		if (spec.header_lists_symtab) {
			if (pd_header_add_symtab(&h, spec.symtab_capacity))
				throw std::logic_error("pd_header_add_symtab");
			struct pd_section *st = pd_header_section(&h, PD_SECT_SYMTAB);
			st->length = spec.symtab.size();
			st->crc32c = pd_crc32c(0, spec.symtab.data(), spec.symtab.size());
		}
		std::memcpy(blk.magic, "PDSYMTAB", 8);
		blk.version = 1;
		blk.block_size = 256;
		blk.offset = d.symtab_offset;
		blk.capacity = spec.symtab_capacity;
		blk.length = spec.symtab.size();
		blk.text_crc32c = pd_crc32c(0, spec.symtab.data(), spec.symtab.size());
		blk.nr_symbols = (uint32_t)std::count(spec.symtab.begin(), spec.symtab.end(), '\n');
		std::memcpy(blk.nonce, h.nonce, 16);
		std::memcpy(blk.boot_id, h.boot_id, 16);
		blk.arm_time = h.arm_time;
		std::snprintf(blk.release, sizeof(blk.release), "%s", spec.release.c_str());
		blk.block_crc32c = pd_crc32c(0, &blk, 252);
	}

	if (PD_KDUMP_OFFSET + img.size() > pd_trailer_offset(spec.area_size))
		throw std::logic_error("synthetic image does not fit the area");
	d.area.assign(spec.area_size, 0);
	std::memcpy(d.area.data() + PD_LOG_OFFSET, spec.log.data(), spec.log.size());
	std::memcpy(d.area.data() + PD_KDUMP_OFFSET, img.data(), img.size());
	if (!spec.symtab.empty()) {
		std::memcpy(d.area.data() + d.symtab_offset, spec.symtab.data(), spec.symtab.size());
		std::memcpy(d.area.data() + end - PD_BLOCK_SIZE, &blk, sizeof(blk));
	}
	d.reseal();
	return d;
}

std::vector<uint8_t> read_kdump_page(const std::vector<uint8_t> &vmcore, uint64_t pfn)
{
	struct kdump_disk_header h;
	struct kdump_sub_header s;

	std::memcpy(&h, vmcore.data(), sizeof(h));
	std::memcpy(&s, vmcore.data() + kPage, sizeof(s));
	uint64_t bitmap_bytes = h.bitmap_blocks / 2 * kPage;
	const uint8_t *bm2 = vmcore.data() + (1 + h.sub_hdr_size) * kPage + bitmap_bytes;
	uint64_t off_desc = (1 + h.sub_hdr_size + h.bitmap_blocks) * kPage;

	if (pfn >= s.max_mapnr_64 || !kdump_bitmap_test(bm2, pfn))
		return {};
	uint64_t rank = 0;
	for (uint64_t p = 0; p < pfn; p++)
		rank += kdump_bitmap_test(bm2, p);
	struct kdump_page_desc d;
	std::memcpy(&d, vmcore.data() + off_desc + rank * sizeof(d), sizeof(d));
	if (d.offset == 0)
		return {};
	if ((uint64_t)d.offset + d.size > vmcore.size())
		throw std::runtime_error("desc beyond the file");

	std::vector<uint8_t> page(kPage);
	if (d.flags == 0) {
		std::memcpy(page.data(), vmcore.data() + d.offset, kPage);
		return page;
	}
	if (d.flags == DUMP_DH_COMPRESSED_LZO) {
		lzo_uint n = kPage;
		if (lzo1x_decompress_safe(vmcore.data() + d.offset, d.size, page.data(), &n,
					  nullptr) != LZO_E_OK || n != kPage)
			throw std::runtime_error("lzo page does not decompress to 4096 bytes");
		return page;
	}
	size_t n = ZSTD_decompress(page.data(), page.size(), vmcore.data() + d.offset, d.size);
	if (ZSTD_isError(n) || n != kPage)
		throw std::runtime_error("zstd page does not decompress to 4096 bytes");
	return page;
}

namespace {

void pread_all(int fd, void *buf, size_t len, uint64_t off)
{
	if (::pread(fd, buf, len, (off_t)off) != (ssize_t)len)
		throw std::runtime_error("short read of an ELF file");
}

} // namespace

ElfCore read_elf_core(const std::string &path)
{
	int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		throw std::runtime_error("cannot open " + path);
	ElfCore c;
	Elf64_Ehdr eh;
	pread_all(fd, &eh, sizeof(eh), 0);
	if (std::memcmp(eh.e_ident, ELFMAG, SELFMAG) || eh.e_ident[EI_CLASS] != ELFCLASS64 ||
	    eh.e_phentsize != sizeof(Elf64_Phdr)) {
		::close(fd);
		throw std::runtime_error(path + ": not an ELF64 file");
	}
	c.type = eh.e_type;
	c.machine = eh.e_machine;
	c.flags = eh.e_flags;
	c.phnum = eh.e_phnum;
	if (eh.e_phnum == PN_XNUM) {
		Elf64_Shdr sh;
		pread_all(fd, &sh, sizeof(sh), eh.e_shoff);
		c.phnum = sh.sh_info;
	}
	for (uint64_t i = 0; i < c.phnum; i++) {
		Elf64_Phdr ph;
		pread_all(fd, &ph, sizeof(ph), eh.e_phoff + i * sizeof(ph));
		c.segments.push_back({ ph.p_type, ph.p_offset, ph.p_vaddr, ph.p_paddr,
				       ph.p_filesz, ph.p_memsz, ph.p_align });
		if (ph.p_type == PT_NOTE) {
			c.notes.resize(ph.p_filesz);
			pread_all(fd, c.notes.data(), c.notes.size(), ph.p_offset);
		}
	}
	::close(fd);
	return c;
}

std::vector<uint8_t> ElfCore::page(const std::string &path, uint64_t paddr) const
{
	for (const auto &s : segments) {
		if (s.type != PT_LOAD || paddr < s.paddr || paddr + kPage > s.paddr + s.filesz)
			continue;
		std::vector<uint8_t> p(kPage);
		int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
		pread_all(fd, p.data(), p.size(), s.offset + (paddr - s.paddr));
		::close(fd);
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
		int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
		pread_all(fd, p.data(), p.size(), s.offset + (vaddr - s.vaddr));
		::close(fd);
		return p;
	}
	return {};
}

} // namespace pdtest

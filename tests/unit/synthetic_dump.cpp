// SPDX-License-Identifier: GPL-2.0
#include "synthetic_dump.h"

#include <algorithm>
#include <cstring>
#include <stdexcept>
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

std::string vmcoreinfo_text(const SyntheticSpec &spec)
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

// PRSTATUS per CPU (pr_pid = cpu + 1), then VMCOREINFO.
std::vector<uint8_t> build_notes(const SyntheticSpec &spec, uint64_t *vmcoreinfo_off,
				 uint64_t *vmcoreinfo_size)
{
	std::string info = vmcoreinfo_text(spec);
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

// A zstd frame per page, or the raw page when that is not smaller.
std::vector<uint8_t> compress_page(const std::vector<uint8_t> &page, uint32_t *flags)
{
	std::vector<uint8_t> out(ZSTD_compressBound(page.size()));
	size_t n = ZSTD_compress(out.data(), out.size(), page.data(), page.size(), 1);

	if (ZSTD_isError(n) || n >= page.size()) {
		*flags = 0;
		return page;
	}
	out.resize(n);
	*flags = DUMP_DH_COMPRESSED_ZSTD;
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
			// Never written: stale descs from an earlier dump,
			// plausible ones and ones beyond the image.
			descs[i] = i % 2 ? zero_desc :
				   kdump_page_desc{ (int64_t)(spec.area_size + i * kPage),
						    100, DUMP_DH_COMPRESSED_ZSTD, 0 };
			continue;
		}
		written++;
		if (is_zero) {
			descs[i] = zero_desc;
			continue;
		}
		uint32_t flags;
		std::vector<uint8_t> c = compress_page(page_content(pfn), &flags);
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
	info.status = DUMP_DH_COMPRESSED_ZSTD |
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
	for (uint64_t pfn = 0; pfn < spec.max_mapnr; pfn++)
		kdump_bitmap_set(img.data() + l.off_bitmap1, pfn);
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
	for (uint8_t i = 0; i < 16; i++)
		h.nonce[i] = i, h.boot_id[i] = (uint8_t)(0xf0 | i);
	std::snprintf(h.release, sizeof(h.release), "%s", spec.release.c_str());
	std::snprintf(h.panic_string, sizeof(h.panic_string), "%s", spec.panic.c_str());
	struct pd_section *log = pd_header_section(&h, PD_SECT_LOG);
	log->length = spec.log.size();
	log->crc32c = pd_crc32c(0, spec.log.data(), spec.log.size());
	pd_header_section(&h, PD_SECT_KDUMP)->length = img.size();
	pd_header_seal(&h);

	if (PD_KDUMP_OFFSET + img.size() > pd_trailer_offset(spec.area_size))
		throw std::logic_error("synthetic image does not fit the area");
	d.area.assign(spec.area_size, 0);
	std::memcpy(d.area.data(), &h, sizeof(h));
	std::memcpy(d.area.data() + pd_trailer_offset(spec.area_size), &h, sizeof(h));
	std::memcpy(d.area.data() + PD_LOG_OFFSET, spec.log.data(), spec.log.size());
	std::memcpy(d.area.data() + PD_KDUMP_OFFSET, img.data(), img.size());
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
	size_t n = ZSTD_decompress(page.data(), page.size(), vmcore.data() + d.offset, d.size);
	if (ZSTD_isError(n) || n != kPage)
		throw std::runtime_error("zstd page does not decompress to 4096 bytes");
	return page;
}

} // namespace pdtest

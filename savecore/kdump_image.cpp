// SPDX-License-Identifier: GPL-2.0
#include "savecore/kdump_image.h"

#include <algorithm>
#include <bit>
#include <cstring>

#include "common/dump_area.h"
#include "common/error.h"
#include "savecore/elf_notes.h"

namespace pd {

namespace {

constexpr uint64_t kBlock = KDUMP_BLOCK_SIZE;
constexpr uint64_t kMaxNotes = 16ULL << 20;	// ~45000 CPUs' PRSTATUS
constexpr size_t kScanChunk = 4ULL << 20;

// Builds "<device>: kdump image@0x...: <field> at +N: expected X, found Y".
class Checker {
public:
	Checker(const DumpArea &area, uint64_t base) : area_(area), base_(base) {}

	[[noreturn]] void fail(const std::string &what) const
	{
		throw Error(strprintf("%s: kdump image@0x%llx: ", area_.path().c_str(),
				      (unsigned long long)base_) + what);
	}

	void expect(bool ok, const char *field, size_t off, const std::string &expected,
		    const std::string &found) const
	{
		if (!ok)
			fail(strprintf("%s at +%zu: expected %s, found %s", field, off,
				       expected.c_str(), found.c_str()));
	}

	void read(void *buf, size_t len, uint64_t off) const
	{
		area_.read(buf, len, base_ + off);
	}

private:
	const DumpArea &area_;
	uint64_t base_;
};

#define HDR_OFF(f) offsetof(struct kdump_disk_header, f)
#define SUB_OFF(f) (kBlock + offsetof(struct kdump_sub_header, f))

std::string hex(uint64_t v)
{
	return strprintf("0x%llx", (unsigned long long)v);
}

void check_header(const Checker &c, const struct kdump_disk_header &h,
		  uint64_t length)
{
	c.expect(!std::memcmp(h.signature, KDUMP_SIGNATURE, KDUMP_SIGNATURE_LEN),
		 "signature", HDR_OFF(signature), "\"" KDUMP_SIGNATURE "\"",
		 strprintf("\"%s\"", printable(h.signature, KDUMP_SIGNATURE_LEN).c_str()));
	c.expect(h.header_version == KDUMP_HEADER_VERSION, "header_version",
		 HDR_OFF(header_version), std::to_string(KDUMP_HEADER_VERSION),
		 std::to_string(h.header_version));
	c.expect(h.block_size == (int32_t)kBlock, "block_size", HDR_OFF(block_size),
		 std::to_string(kBlock), std::to_string(h.block_size));
	c.expect(h.sub_hdr_size > 0 &&
		 (1 + (uint64_t)h.sub_hdr_size) * kBlock <= length,
		 "sub_hdr_size", HDR_OFF(sub_hdr_size),
		 strprintf("1..%llu blocks (within the image)",
			   (unsigned long long)(length / kBlock - 1)),
		 std::to_string(h.sub_hdr_size));
	uint64_t meta_blocks = 1 + (uint64_t)h.sub_hdr_size + h.bitmap_blocks;
	c.expect(h.bitmap_blocks > 0 && h.bitmap_blocks % 2 == 0 &&
		 meta_blocks * kBlock <= length,
		 "bitmap_blocks", HDR_OFF(bitmap_blocks),
		 "an even number of blocks, > 0, ending within the image (" +
		 hex(length) + " bytes)", std::to_string(h.bitmap_blocks));
	c.expect(h.nr_cpus > 0, "nr_cpus", HDR_OFF(nr_cpus), "> 0",
		 std::to_string(h.nr_cpus));
}

void check_sub_header(const Checker &c, const KdumpImage &img)
{
	const struct kdump_sub_header &s = img.sub;
	uint64_t notes_end = (1 + (uint64_t)img.header.sub_hdr_size) * kBlock;
	uint64_t first = kBlock + sizeof(struct kdump_sub_header);

	c.expect(img.max_mapnr > 0, "max_mapnr_64", SUB_OFF(max_mapnr_64), "> 0",
		 "0");
	uint64_t bitmap_bits = img.bitmap_bytes * 8;
	c.expect(bitmap_bits >= img.max_mapnr, "bitmap_blocks", HDR_OFF(bitmap_blocks),
		 strprintf("at least %llu for max_mapnr %llu",
			   (unsigned long long)(2 * ((img.max_mapnr + 8 * kBlock - 1) /
						     (8 * kBlock))),
			   (unsigned long long)img.max_mapnr),
		 std::to_string(img.header.bitmap_blocks));
	c.expect(s.offset_note >= (int64_t)first && (uint64_t)s.offset_note <= notes_end &&
		 s.size_note > 0 && s.size_note <= notes_end - (uint64_t)s.offset_note &&
		 s.size_note <= kMaxNotes,
		 "offset_note/size_note", SUB_OFF(offset_note),
		 "notes within the sub-header blocks [" + hex(first) + ", " +
		 hex(notes_end) + ")",
		 hex((uint64_t)s.offset_note) + "+" + hex(s.size_note));
	uint64_t nb = (uint64_t)s.offset_note, ne = nb + s.size_note;
	c.expect(s.offset_vmcoreinfo >= (int64_t)nb &&
		 (uint64_t)s.offset_vmcoreinfo <= ne &&
		 s.size_vmcoreinfo <= ne - (uint64_t)s.offset_vmcoreinfo,
		 "offset_vmcoreinfo/size_vmcoreinfo", SUB_OFF(offset_vmcoreinfo),
		 "VMCOREINFO within the notes [" + hex(nb) + ", " + hex(ne) + ")",
		 hex((uint64_t)s.offset_vmcoreinfo) + "+" + hex(s.size_vmcoreinfo));
}

// Walks the ELF notes; counts PRSTATUS notes.
void check_notes(const Checker &c, KdumpImage &img, const std::vector<uint8_t> &notes)
{
	NoteWalk w = walk_notes(notes);
	uint64_t base = (uint64_t)img.sub.offset_note;

	if (w.overrun)
		c.expect(false, "ELF note", (size_t)(base + w.end),
			 "namesz and descsz within the notes (" + hex(notes.size() - w.end) +
			 " bytes left)", strprintf("namesz %u descsz %u", w.overrun->n_namesz,
						   w.overrun->n_descsz));
	for (const ElfNote &n : w.notes) {
		if (n.hdr.n_type == KDUMP_NT_PRSTATUS && n.name == std::string_view("CORE", 5))
			img.nr_prstatus++;
		if (n.name == std::string_view("VMCOREINFO", 11)) {
			img.vmcoreinfo_note = true;
			uint64_t text = base + n.desc_offset;
			if (text != (uint64_t)img.sub.offset_vmcoreinfo ||
			    n.hdr.n_descsz != img.sub.size_vmcoreinfo)
				img.warnings.push_back(strprintf("offset_vmcoreinfo/size_vmcoreinfo at +%zu: expected 0x%llx+0x%x (the VMCOREINFO note), found 0x%llx+0x%llx",
								 (size_t)SUB_OFF(offset_vmcoreinfo),
								 (unsigned long long)text, n.hdr.n_descsz,
								 (unsigned long long)img.sub.offset_vmcoreinfo,
								 (unsigned long long)img.sub.size_vmcoreinfo));
		}
	}
	img.notes_used = w.end;
	if (!img.vmcoreinfo_note)
		img.warnings.push_back(strprintf("the notes at +0x%llx (0x%llx bytes) have no VMCOREINFO note; crash and drgn need it to find the kernel's symbols",
						 (unsigned long long)img.sub.offset_note,
						 (unsigned long long)img.sub.size_note));
	if (img.nr_prstatus != (uint32_t)img.header.nr_cpus)
		img.warnings.push_back(strprintf("the image has %u PRSTATUS notes for %d CPUs",
						 img.nr_prstatus, img.header.nr_cpus));
}

// Counts the dumpable pages: set bits of bitmap 2 below max_mapnr.
uint64_t count_dumpable(const Checker &c, const KdumpImage &img)
{
	uint64_t bytes = (img.max_mapnr + 7) / 8;
	std::vector<uint8_t> buf(std::min<uint64_t>(bytes, kScanChunk));
	uint64_t count = 0;

	for (uint64_t done = 0; done < bytes;) {
		size_t n = static_cast<size_t>(std::min<uint64_t>(buf.size(), bytes - done));
		c.read(buf.data(), n, img.off_bitmap2 + done);
		if (done + n == bytes && img.max_mapnr % 8)
			buf[n - 1] &= static_cast<uint8_t>((1U << (img.max_mapnr % 8)) - 1);
		for (size_t i = 0; i < n; i++)
			count += static_cast<uint64_t>(std::popcount(buf[i]));
		done += n;
	}
	return count;
}

// The PFN whose bitmap-2 bit has rank idx (the desc's page).
uint64_t pfn_of_desc(const Checker &c, const KdumpImage &img, uint64_t idx)
{
	uint64_t bytes = (img.max_mapnr + 7) / 8;
	std::vector<uint8_t> buf(std::min<uint64_t>(bytes, kScanChunk));
	uint64_t seen = 0;

	for (uint64_t done = 0; done < bytes;) {
		size_t n = static_cast<size_t>(std::min<uint64_t>(buf.size(), bytes - done));
		c.read(buf.data(), n, img.off_bitmap2 + done);
		for (size_t i = 0; i < n; i++) {
			uint64_t k = static_cast<uint64_t>(std::popcount(buf[i]));
			if (seen + k > idx) {
				for (unsigned bit = 0; bit < 8; bit++)
					if ((buf[i] >> bit & 1) && seen++ == idx)
						return (done + i) * 8 + bit;
			}
			seen += k;
		}
		done += n;
	}
	return ~0ULL;
}

// Finds written descs whose page lies outside the image.
void scan_descs(const Checker &c, KdumpImage &img)
{
	const uint64_t dsz = sizeof(struct kdump_page_desc);
	uint64_t whole = (img.length - img.off_desc) / dsz;	// not cut by the end
	uint64_t n_scan = std::min({ img.descs_written, img.nr_descs, whole });
	std::vector<struct kdump_page_desc> buf(std::min<uint64_t>(n_scan, kScanChunk / dsz));
	uint64_t zero_page = (img.desc_end + kBlock - 1) / kBlock * kBlock;
	std::string first;
	uint64_t first_idx = 0;

	for (uint64_t i = 0; i < n_scan;) {
		size_t n = static_cast<size_t>(std::min<uint64_t>(buf.size(), n_scan - i));
		c.read(buf.data(), n * sizeof(buf[0]),
		       img.off_desc + i * sizeof(buf[0]));
		for (size_t j = 0; j < n; j++) {
			const struct kdump_page_desc &d = buf[j];
			std::string why = desc_problem(img, d);
			if (why.empty()) {
				img.zero_descs += (uint64_t)d.offset == zero_page && d.flags == 0;
				continue;
			}
			if (first.empty()) {
				first_idx = i + j;
				first = strprintf("offset 0x%llx size %u flags 0x%x: ",
						  (unsigned long long)d.offset, d.size, d.flags) + why;
			}
			img.bad_descs.push_back(i + j);
		}
		i += n;
	}
	img.descs_scanned = n_scan;
	// A written desc cut by the end of the image is zeroed as well.
	if (n_scan == whole && whole < std::min(img.descs_written, img.nr_descs)) {
		if (first.empty()) {
			first_idx = whole;
			first = strprintf("cut by the end of the image at 0x%llx",
					  (unsigned long long)img.length);
		}
		img.bad_descs.push_back(whole);
	}
	if (!first.empty())
		img.first_bad_desc = strprintf("desc %llu (pfn %llu) at +0x%llx: ",
					       (unsigned long long)first_idx,
					       (unsigned long long)pfn_of_desc(c, img, first_idx),
					       (unsigned long long)(img.off_desc + first_idx * dsz)) +
				     first;
}

} // namespace

std::string desc_problem(const KdumpImage &img, const struct kdump_page_desc &d)
{
	auto hex = [](uint64_t v) { return strprintf("0x%llx", (unsigned long long)v); };

	if (d.offset == 0)
		return "";	// crash: PAGE_INCOMPLETE
	uint64_t off = static_cast<uint64_t>(d.offset);
	if (d.offset < 0 || off < img.desc_end || off >= img.length)
		return "offset: expected within the page data [" + hex(img.desc_end) + ", " +
		       hex(img.length) + ")";
	if (d.size == 0 || d.size > kBlock)
		return "size: expected 1..4096";
	if (d.flags != 0 && d.flags != DUMP_DH_COMPRESSED_ZLIB &&
	    d.flags != DUMP_DH_COMPRESSED_LZO && d.flags != DUMP_DH_COMPRESSED_SNAPPY &&
	    d.flags != DUMP_DH_COMPRESSED_ZSTD)
		return "flags: expected 0 (raw) or one of 0x1 0x2 0x4 0x20";
	if (d.flags == 0 && d.size != kBlock)
		return "size: expected 4096 for a raw page";
	if (d.size > img.length - off)
		return "offset+size: expected within the image length " + hex(img.length) +
		       ", found " + hex(off + d.size);
	return "";
}

bool desc_usable(const KdumpImage &img, uint64_t i)
{
	return i < img.descs_scanned &&
	       !std::binary_search(img.bad_descs.begin(), img.bad_descs.end(), i);
}

std::string KdumpImage::info(const std::string &key) const
{
	auto it = vmcoreinfo.find(key);

	return it == vmcoreinfo.end() ? "" : it->second;
}

std::map<std::string, std::string> parse_vmcoreinfo(std::string_view text)
{
	std::map<std::string, std::string> m;

	while (!text.empty()) {
		size_t nl = text.find('\n');
		std::string_view line = text.substr(0, nl);
		text = nl == std::string_view::npos ? "" : text.substr(nl + 1);
		size_t eq = line.find('=');
		if (eq != std::string_view::npos && eq > 0)
			m.emplace(std::string(line.substr(0, eq)),
				  std::string(line.substr(eq + 1)));
	}
	return m;
}

KdumpImage validate_kdump(const DumpArea &area, uint64_t base, uint64_t length,
			  bool incomplete, uint64_t descs_written)
{
	Checker c(area, base);
	KdumpImage img;

	img.base = base;
	img.length = length;
	if (length < 2 * kBlock)
		c.fail(strprintf("length %llu is too short for the header and sub-header (need at least %llu)",
				 (unsigned long long)length,
				 (unsigned long long)(2 * kBlock)));
	c.read(&img.header, sizeof(img.header), 0);
	check_header(c, img.header, length);
	c.read(&img.sub, sizeof(img.sub), kBlock);

	// Where readers look, from the header fields (crash, libkdumpfile).
	img.max_mapnr = img.sub.max_mapnr_64 ? img.sub.max_mapnr_64 :
			img.header.max_mapnr;
	img.bitmap_bytes = img.header.bitmap_blocks / 2 * kBlock;
	img.off_bitmap2 = (1 + (uint64_t)img.header.sub_hdr_size) * kBlock +
			  img.bitmap_bytes;
	img.off_desc = img.off_bitmap2 + img.bitmap_bytes;
	check_sub_header(c, img);

	std::vector<uint8_t> notes(img.sub.size_note);
	c.read(notes.data(), notes.size(), (uint64_t)img.sub.offset_note);
	check_notes(c, img, notes);
	uint64_t vi = (uint64_t)(img.sub.offset_vmcoreinfo - img.sub.offset_note);
	img.vmcoreinfo = parse_vmcoreinfo(std::string_view(
		reinterpret_cast<const char *>(notes.data()) + vi,
		img.sub.size_vmcoreinfo));
	if (img.vmcoreinfo.empty() && img.vmcoreinfo_note)
		img.warnings.push_back(strprintf("the VMCOREINFO text at +0x%llx (0x%llx bytes) has no KEY=VALUE line",
						 (unsigned long long)img.sub.offset_vmcoreinfo,
						 (unsigned long long)img.sub.size_vmcoreinfo));

	img.nr_descs = count_dumpable(c, img);
	img.desc_end = img.off_desc + img.nr_descs * sizeof(struct kdump_page_desc);
	img.out_length = std::max(length, img.desc_end);
	if (img.desc_end > length) {
		if (!incomplete)
			c.fail(strprintf("page descriptor table [0x%llx, 0x%llx) for %llu dumpable pages: expected within the image length 0x%llx",
					 (unsigned long long)img.off_desc,
					 (unsigned long long)img.desc_end,
					 (unsigned long long)img.nr_descs,
					 (unsigned long long)length));
		img.warnings.push_back(strprintf("the image ends inside the page descriptor table; padded vmcore with %llu zero bytes",
						 (unsigned long long)(img.desc_end - length)));
	}

	img.descs_written = incomplete ? std::min(descs_written, img.nr_descs) :
			    img.nr_descs;
	if (incomplete && img.descs_written < img.nr_descs)
		img.warnings.push_back(strprintf("the image was cut short: %llu of %llu page descriptors were written; zeroed the other %llu (crash shows those pages as incomplete)",
						 (unsigned long long)img.descs_written,
						 (unsigned long long)img.nr_descs,
						 (unsigned long long)(img.nr_descs - img.descs_written)));
	if (!incomplete && descs_written != img.nr_descs)
		img.warnings.push_back(strprintf("the header counts %llu dumped pages but bitmap 2 has %llu",
						 (unsigned long long)descs_written,
						 (unsigned long long)img.nr_descs));
	scan_descs(c, img);
	if (!img.bad_descs.empty())
		img.warnings.push_back(strprintf("%zu page descriptors are invalid or point outside the image; zeroed (crash shows those pages as incomplete); the first: ",
						 img.bad_descs.size()) + img.first_bad_desc);

	bool flagged = img.header.status & DUMP_DH_COMPRESSED_INCOMPLETE;
	img.set_incomplete = !flagged && (incomplete || !img.bad_descs.empty());
	return img;
}

void patch_vmcore_chunk(const KdumpImage &img, uint64_t pos, uint8_t *buf,
			size_t len)
{
	uint64_t end = pos + len;

	if (img.set_incomplete) {
		uint32_t status = img.header.status | DUMP_DH_COMPRESSED_INCOMPLETE;
		const auto *src = reinterpret_cast<const uint8_t *>(&status);
		for (uint64_t i = 0; i < sizeof(status); i++) {
			uint64_t at = HDR_OFF(status) + i;
			if (at >= pos && at < end)
				buf[at - pos] = src[i];
		}
	}

	// Descs never written: one byte range.
	const uint64_t dsz = sizeof(struct kdump_page_desc);
	uint64_t from = std::max(pos, img.off_desc + img.descs_written * dsz);
	uint64_t to = std::min(end, img.desc_end);
	if (from < to)
		std::memset(buf + (from - pos), 0, to - from);

	auto it = std::lower_bound(img.bad_descs.begin(), img.bad_descs.end(),
				   pos > img.off_desc ? (pos - img.off_desc) / dsz : 0);
	for (; it != img.bad_descs.end(); ++it) {
		uint64_t b = img.off_desc + *it * dsz, e = b + dsz;
		if (b >= end)
			break;
		uint64_t lo = std::max(b, pos), hi = std::min(e, end);
		if (lo < hi)
			std::memset(buf + (lo - pos), 0, hi - lo);
	}
}

} // namespace pd

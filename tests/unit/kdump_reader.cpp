// SPDX-License-Identifier: GPL-2.0
#include "kdump_reader.h"

#include <lzo/lzo1x.h>
#include <zstd.h>

#include <cstring>
#include <stdexcept>

#include "kdump_format.h"

namespace pdtest {

namespace {

constexpr uint64_t kPage = 4096;

std::vector<uint8_t> decode(const uint8_t *p, const struct kdump_page_desc &d)
{
	std::vector<uint8_t> page(kPage);

	if (d.flags == 0) {
		if (d.size != kPage)
			throw std::runtime_error("raw page of " + std::to_string(d.size) + " bytes");
		std::memcpy(page.data(), p, kPage);
	} else if (d.flags == DUMP_DH_COMPRESSED_LZO) {
		lzo_uint n = kPage;
		if (lzo1x_decompress_safe(p, d.size, page.data(), &n, nullptr) != LZO_E_OK ||
		    n != kPage)
			throw std::runtime_error("LZO page does not decompress to 4096 bytes");
	} else if (d.flags == DUMP_DH_COMPRESSED_ZSTD) {
		size_t n = ZSTD_decompress(page.data(), kPage, p, d.size);
		if (ZSTD_isError(n) || n != kPage)
			throw std::runtime_error("zstd page does not decompress to 4096 bytes");
	} else {
		throw std::runtime_error("desc flags " + std::to_string(d.flags));
	}
	return page;
}

} // namespace

KdumpFileInfo read_kdump_pages(const std::vector<uint8_t> &vmcore,
			       const std::function<void(const KdumpPage &)> &fn,
			       BadDescs bad)
{
	struct kdump_disk_header h;
	struct kdump_sub_header s;
	KdumpFileInfo info;

	if (vmcore.size() < 2 * kPage)
		throw std::runtime_error("vmcore shorter than its header");
	std::memcpy(&h, vmcore.data(), sizeof(h));
	std::memcpy(&s, vmcore.data() + kPage, sizeof(s));
	if (std::memcmp(h.signature, KDUMP_SIGNATURE, KDUMP_SIGNATURE_LEN))
		throw std::runtime_error("no KDUMP signature");
	info.max_mapnr = s.max_mapnr_64;
	info.status = h.status;
	uint64_t bitmap_bytes = uint64_t(h.bitmap_blocks) / 2 * kPage;
	uint64_t off_bm2 = (1 + uint64_t(h.sub_hdr_size)) * kPage + bitmap_bytes;
	uint64_t off_desc = (1 + uint64_t(h.sub_hdr_size) + h.bitmap_blocks) * kPage;
	if (off_desc > vmcore.size() || info.max_mapnr > bitmap_bytes * 8)
		throw std::runtime_error("bitmaps beyond the file");
	const uint8_t *bm2 = vmcore.data() + off_bm2;

	// Page data starts at the block after the desc table.
	uint64_t nr_descs = 0;
	for (uint64_t i = 0; i < info.max_mapnr / 8; i++)
		nr_descs += __builtin_popcount(bm2[i]);
	for (uint64_t pfn = info.max_mapnr / 8 * 8; pfn < info.max_mapnr; pfn++)
		nr_descs += kdump_bitmap_test(bm2, pfn);
	uint64_t off_data = (off_desc + nr_descs * sizeof(struct kdump_page_desc) +
			     kPage - 1) / kPage * kPage;

	uint64_t rank = 0;
	for (uint64_t pfn = 0; pfn < info.max_mapnr; pfn++) {
		if (!(pfn % 8) && !bm2[pfn / 8]) {
			pfn += 7;	// an empty byte: eight PFNs at once
			continue;
		}
		if (!kdump_bitmap_test(bm2, pfn))
			continue;
		struct kdump_page_desc d;
		uint64_t at = off_desc + rank++ * sizeof(d);
		if (at + sizeof(d) > vmcore.size())
			throw std::runtime_error("desc table beyond the file");
		std::memcpy(&d, vmcore.data() + at, sizeof(d));
		KdumpPage page{ pfn, d.offset != 0, {}, {} };
		if (page.present) {
			std::string why;
			if (d.offset < 0 || uint64_t(d.offset) < off_data ||
			    uint64_t(d.offset) + d.size > vmcore.size())
				why = "desc of PFN " + std::to_string(pfn) +
				      " points outside the page data";
			else
				try {
					page.data = decode(vmcore.data() + d.offset, d);
				} catch (const std::runtime_error &e) {
					why = "PFN " + std::to_string(pfn) + ": " + e.what();
				}
			if (!why.empty()) {
				if (bad == BadDescs::Throw)
					throw std::runtime_error(why);
				info.bad_descs++;
				page.present = false;
				page.problem = why;
			}
		}
		fn(page);
	}
	info.nr_dumped = rank;
	return info;
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
	if (d.offset < 0 || (uint64_t)d.offset + d.size > vmcore.size())
		throw std::runtime_error("desc beyond the file");

	return decode(vmcore.data() + d.offset, d);
}

} // namespace pdtest

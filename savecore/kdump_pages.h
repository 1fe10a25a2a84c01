// SPDX-License-Identifier: GPL-2.0
// Pages out of a validated kdump image on the dump area: bitmap 2 with a
// rank index, the desc table, and zstd (0x20), LZO (0x2) or raw pages,
// each checked to decompress to exactly one page.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "kdump_format.h"
#include "savecore/kdump_image.h"

namespace pd {

class DumpArea;

class KdumpPages {
public:
	KdumpPages(const DumpArea &area, const KdumpImage &img);
	~KdumpPages();
	KdumpPages(const KdumpPages &) = delete;
	KdumpPages &operator=(const KdumpPages &) = delete;

	const KdumpImage &image() const { return img_; }
	const std::vector<uint8_t> &bitmap2() const { return bitmap2_; }
	bool dumped(uint64_t pfn) const
	{
		return pfn < img_.max_mapnr && kdump_bitmap_test(bitmap2_.data(), pfn);
	}
	// The desc index of a dumped pfn: its rank in bitmap 2.
	uint64_t desc_index(uint64_t pfn) const;

	// The desc at index i (sequential reads are buffered).
	struct kdump_page_desc desc(uint64_t i);

	// Decodes the page of desc d (index i, for pfn) into out (4096
	// bytes); false when it is not in the dump (desc unusable or
	// offset 0). Throws, naming the device, pfn, desc index and
	// offset, when the stored page is corrupt.
	bool decode(uint64_t pfn, uint64_t i, const struct kdump_page_desc &d,
		    uint8_t *out);
	// By pfn, random access.
	bool read_page(uint64_t pfn, uint8_t *out);
	// Physical memory; false when a page of it is not in the dump.
	bool read_phys(uint64_t paddr, void *buf, size_t len);

private:
	const uint8_t *data(uint64_t off, size_t len);

	const DumpArea &area_;
	const KdumpImage &img_;
	std::vector<uint8_t> bitmap2_;
	std::vector<uint64_t> rank_;		// set bits before each 4096-bit block
	std::vector<struct kdump_page_desc> descs_;
	uint64_t descs_first_ = 0;
	std::vector<uint8_t> window_;
	uint64_t window_off_ = 0;
	size_t window_len_ = 0;
	struct Zstd;
	std::unique_ptr<Zstd> zstd_;
};

} // namespace pd

// SPDX-License-Identifier: GPL-2.0
#include "savecore/kdump_pages.h"

#include <algorithm>
#include <bit>
#include <cstring>
#include <lzo/lzo1x.h>
#include <zstd.h>

#include "common/dump_area.h"
#include "common/error.h"

namespace pd {

namespace {

constexpr uint64_t kPage = KDUMP_BLOCK_SIZE;
constexpr uint64_t kRankBits = 4096;
constexpr size_t kDescChunk = 8192;
constexpr size_t kWindow = 4ULL << 20;

} // namespace

struct KdumpPages::Zstd {
	ZSTD_DCtx *dctx = ZSTD_createDCtx();
	~Zstd() { ZSTD_freeDCtx(dctx); }
};

KdumpPages::KdumpPages(const DumpArea &area, const KdumpImage &img)
	: area_(area), img_(img), zstd_(std::make_unique<Zstd>())
{
	if (!zstd_->dctx)
		throw Error("zstd: cannot allocate a decompression context");
	if (lzo_init() != LZO_E_OK)
		throw Error("lzo_init failed");
	uint64_t bytes = (img.max_mapnr + 7) / 8;
	// Whole 64-bit words, zero beyond max_mapnr.
	bitmap2_.assign((bytes + 7) / 8 * 8, 0);
	area.read(bitmap2_.data(), bytes, img.base + img.off_bitmap2);
	if (img.max_mapnr % 8)
		bitmap2_[bytes - 1] &= static_cast<uint8_t>((1U << (img.max_mapnr % 8)) - 1);

	uint64_t words = bitmap2_.size() / 8, count = 0;
	rank_.reserve(words / (kRankBits / 64) + 1);
	for (uint64_t w = 0; w < words; w++) {
		if (w % (kRankBits / 64) == 0)
			rank_.push_back(count);
		uint64_t v;
		std::memcpy(&v, bitmap2_.data() + w * 8, 8);
		count += static_cast<uint64_t>(std::popcount(v));
	}
}

KdumpPages::~KdumpPages() = default;

uint64_t KdumpPages::desc_index(uint64_t pfn) const
{
	uint64_t block = pfn / kRankBits;
	uint64_t r = rank_[block];

	for (uint64_t w = block * (kRankBits / 64); w < pfn / 64; w++) {
		uint64_t v;
		std::memcpy(&v, bitmap2_.data() + w * 8, 8);
		r += static_cast<uint64_t>(std::popcount(v));
	}
	uint64_t v;
	std::memcpy(&v, bitmap2_.data() + pfn / 64 * 8, 8);
	if (pfn % 64)
		r += static_cast<uint64_t>(std::popcount(v & ((1ULL << (pfn % 64)) - 1)));
	return r;
}

struct kdump_page_desc KdumpPages::desc(uint64_t i)
{
	if (i < descs_first_ || i >= descs_first_ + descs_.size()) {
		// Only usable descs are read: they lie within the image.
		uint64_t n = std::min<uint64_t>(kDescChunk, img_.descs_scanned - i);
		descs_.resize(n);
		area_.read(descs_.data(), n * sizeof(descs_[0]),
			   img_.base + img_.off_desc + i * sizeof(descs_[0]));
		descs_first_ = i;
	}
	return descs_[i - descs_first_];
}

const uint8_t *KdumpPages::data(uint64_t off, size_t len)
{
	if (off < window_off_ || off + len > window_off_ + window_len_) {
		window_off_ = off & ~(kPage - 1);
		window_len_ = static_cast<size_t>(std::min<uint64_t>(kWindow, img_.length - window_off_));
		window_.resize(window_len_);
		area_.read(window_.data(), window_len_, img_.base + window_off_);
	}
	return window_.data() + (off - window_off_);
}

bool KdumpPages::decode(uint64_t pfn, uint64_t i, const struct kdump_page_desc &d,
			uint8_t *out)
{
	if (!desc_usable(img_, i) || d.offset == 0)
		return false;
	auto fail = [&](const std::string &what) {
		throw Error(strprintf("%s: kdump image@0x%llx: page desc %llu (pfn %llu) at +0x%llx: offset 0x%llx size %u flags 0x%x: ",
				      area_.path().c_str(), (unsigned long long)img_.base,
				      (unsigned long long)i, (unsigned long long)pfn,
				      (unsigned long long)(img_.off_desc + i * sizeof(d)),
				      (unsigned long long)d.offset, d.size, d.flags) + what +
			    "; savecore --format kdump saves the image as it is");
	};
	// Checked once in validate_kdump(); again, as this read is separate.
	if (std::string why = desc_problem(img_, d); !why.empty())
		fail(why);
	const uint8_t *src = data(static_cast<uint64_t>(d.offset), d.size);

	switch (d.flags) {
	case 0:
		std::memcpy(out, src, kPage);
		return true;
	case DUMP_DH_COMPRESSED_ZSTD: {
		size_t n = ZSTD_decompressDCtx(zstd_->dctx, out, kPage, src, d.size);
		if (ZSTD_isError(n))
			fail(strprintf("zstd: expected a frame of 4096 bytes, found an error (%s)",
				       ZSTD_getErrorName(n)));
		if (n != kPage)
			fail(strprintf("zstd: expected 4096 bytes, found %zu", n));
		return true;
	}
	case DUMP_DH_COMPRESSED_LZO: {
		lzo_uint n = kPage;
		int r = lzo1x_decompress_safe(src, d.size, out, &n, nullptr);
		if (r != LZO_E_OK)
			fail(strprintf("lzo: expected a block of 4096 bytes, found error %d", r));
		if (n != kPage)
			fail(strprintf("lzo: expected 4096 bytes, found %lu", (unsigned long)n));
		return true;
	}
	default:
		fail(strprintf("flags: expected 0 (raw), 0x2 (lzo) or 0x20 (zstd), found 0x%x (not supported for ELF output)",
			       d.flags));
	}
	return false;
}

bool KdumpPages::read_page(uint64_t pfn, uint8_t *out)
{
	if (!dumped(pfn))
		return false;
	uint64_t i = desc_index(pfn);
	if (!desc_usable(img_, i))
		return false;
	return decode(pfn, i, desc(i), out);
}

bool KdumpPages::read_phys(uint64_t paddr, void *buf, size_t len)
{
	std::vector<uint8_t> page(kPage);
	auto *p = static_cast<uint8_t *>(buf);

	while (len) {
		uint64_t in = paddr % kPage;
		size_t n = static_cast<size_t>(std::min<uint64_t>(len, kPage - in));
		if (!read_page(paddr / kPage, page.data()))
			return false;
		std::memcpy(p, page.data() + in, n);
		p += n;
		paddr += n;
		len -= n;
	}
	return true;
}

} // namespace pd

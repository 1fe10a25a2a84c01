// SPDX-License-Identifier: GPL-2.0
// formats/: CRC32C vectors, pd_header sealing and checking, and golden
// bytes of the kdump-compressed header against the documented layout.
#include <gtest/gtest.h>

#include <cstring>
#include <functional>
#include <vector>

#include "crc32c.h"
#include "kdump_format.h"
#include "pd_format.h"

namespace {

template <typename T>
T at(const std::vector<uint8_t> &buf, size_t off)
{
	T v;
	std::memcpy(&v, buf.data() + off, sizeof(v));
	return v;
}

struct pd_header fresh_header(uint64_t area = 64ULL << 20)
{
	struct pd_header h;

	pd_header_init(&h, area);
	pd_header_seal(&h);
	return h;
}

enum pd_header_error check(const struct pd_header &h, uint64_t area = 64ULL << 20,
			   int *bad = nullptr)
{
	int b;

	return pd_header_check(&h, area, bad ? bad : &b);
}

} // namespace

TEST(Crc32c, KnownVectors)
{
	EXPECT_EQ(pd_crc32c(0, "123456789", 9), 0xe3069283u);
	EXPECT_EQ(pd_crc32c(0, "", 0), 0u);
	std::vector<uint8_t> zeros(32, 0), ones(32, 0xff);
	EXPECT_EQ(pd_crc32c(0, zeros.data(), zeros.size()), 0x8a9136aau);	// RFC 3720 B.4
	EXPECT_EQ(pd_crc32c(0, ones.data(), ones.size()), 0x62a8ab43u);
}

TEST(Crc32c, Incremental)
{
	uint32_t part = pd_crc32c(0, "1234", 4);

	EXPECT_EQ(pd_crc32c(part, "56789", 5), 0xe3069283u);
}

TEST(PdHeader, InitSealCheckRoundTrip)
{
	struct pd_header h = fresh_header();
	int bad = 7;

	EXPECT_EQ(pd_header_check(&h, 64ULL << 20, &bad), PD_HDR_OK);
	EXPECT_EQ(bad, -1);
	EXPECT_EQ(pd_header_check(&h, 0, &bad), PD_HDR_OK);
	EXPECT_EQ(0, std::memcmp(h.magic, "PANICDMP", 8));
	EXPECT_EQ(h.state, (uint32_t)PD_STATE_ARMED);
	EXPECT_EQ(h.nr_sections, 2u);

	struct pd_section *log = pd_header_section(&h, PD_SECT_LOG);
	struct pd_section *kd = pd_header_section(&h, PD_SECT_KDUMP);
	ASSERT_TRUE(log && kd);
	EXPECT_EQ(log->offset, 4096u);
	EXPECT_EQ(log->capacity, (2u << 20) - 4096u);
	EXPECT_EQ(kd->offset, 2u << 20);
	EXPECT_EQ(kd->capacity, (64u << 20) - 4096u - (2u << 20));
	EXPECT_EQ(pd_header_section(&h, PD_SECT_SYMTAB), nullptr);
	EXPECT_EQ(pd_trailer_offset(64ULL << 20), (64ULL << 20) - 4096);

	// Changing any field without resealing breaks the CRC.
	h.sequence = 2;
	EXPECT_EQ(check(h), PD_HDR_BAD_CRC);
	pd_header_seal(&h);
	EXPECT_EQ(check(h), PD_HDR_OK);
}

TEST(PdFormat, CompressionLevelOk)
{
	EXPECT_EQ(PD_ZSTD_LEVEL_MIN, 1);
	EXPECT_EQ(PD_ZSTD_LEVEL_MAX, 22);
	EXPECT_FALSE(pd_compression_level_ok(PD_COMPRESS_ZSTD, 0));
	EXPECT_TRUE(pd_compression_level_ok(PD_COMPRESS_ZSTD, 1));
	EXPECT_TRUE(pd_compression_level_ok(PD_COMPRESS_ZSTD, 22));
	EXPECT_FALSE(pd_compression_level_ok(PD_COMPRESS_ZSTD, 23));
	EXPECT_FALSE(pd_compression_level_ok(PD_COMPRESS_ZSTD, -5));	// zstd's fast levels
	for (int32_t level : { INT32_MIN, -1, 0, 23, INT32_MAX }) {
		EXPECT_TRUE(pd_compression_level_ok(PD_COMPRESS_LZO, level)) << level;
		EXPECT_TRUE(pd_compression_level_ok(PD_COMPRESS_NONE, level)) << level;
	}
	EXPECT_FALSE(pd_compression_level_ok(PD_COMPRESS_NONE + 1, 1));	// unknown
}

// Each class of damage is reported as such (resealed where the CRC
// would otherwise mask it).
TEST(PdHeader, EveryErrorClassDetected)
{
	struct Case {
		const char *name;
		std::function<void(struct pd_header &)> damage;
		bool reseal;
		enum pd_header_error expect;
	};
	const Case cases[] = {
		{ "magic", [](auto &h) { h.magic[0] = 'X'; }, true, PD_HDR_BAD_MAGIC },
		{ "version", [](auto &h) { h.version = 2; }, true, PD_HDR_BAD_VERSION },
		{ "size", [](auto &h) { h.header_size = 512; }, true, PD_HDR_BAD_SIZE },
		{ "endian", [](auto &h) { h.endian = 0x04030201; }, true, PD_HDR_BAD_ENDIAN },
		{ "crc", [](auto &h) { h.panic_string[0] = 'x'; }, false, PD_HDR_BAD_CRC },
		{ "state", [](auto &h) { h.state = 9; }, true, PD_HDR_BAD_STATE },
		{ "features", [](auto &h) { h.incompat_features = 1; }, true, PD_HDR_BAD_FEATURES },
		{ "area small", [](auto &h) { h.area_size = 1 << 20; }, true, PD_HDR_BAD_AREA },
		{ "area odd", [](auto &h) { h.area_size += 512; }, true, PD_HDR_BAD_AREA },
		{ "area mismatch", [](auto &h) { h.area_size *= 2; }, true, PD_HDR_BAD_AREA },
		{ "nr_sections", [](auto &h) { h.nr_sections = 9; }, true, PD_HDR_BAD_SECTION },
		{ "section type", [](auto &h) { h.sections[1].type = 0; }, true, PD_HDR_BAD_SECTION },
		{ "section overflow", [](auto &h) { h.sections[1].length = h.sections[1].capacity + 1; },
		  true, PD_HDR_BAD_SECTION },
		{ "section beyond", [](auto &h) { h.sections[0].offset = h.area_size; },
		  true, PD_HDR_BAD_SECTION },
	};
	for (const auto &c : cases) {
		struct pd_header h = fresh_header();
		c.damage(h);
		if (c.reseal)
			pd_header_seal(&h);
		EXPECT_EQ(check(h), c.expect) << c.name;
		EXPECT_STRNE(pd_header_error_str(c.expect), "unknown error");
	}

	struct pd_header h = fresh_header();
	h.sections[1].type = 0;
	pd_header_seal(&h);
	int bad = -1;
	EXPECT_EQ(check(h, 64ULL << 20, &bad), PD_HDR_BAD_SECTION);
	EXPECT_EQ(bad, 1);
}

// Golden bytes: the encoder against the byte offsets of makedumpfile's
// diskdump_mod.h on x86_64 (shared/reference/output-formats.md 1.1-1.2).
TEST(KdumpFormat, HeaderGoldenBytes)
{
	struct kdump_layout l;
	kdump_layout_compute(&l, 262144, 1000, 500);

	struct kdump_header_info info = {};
	std::strcpy(info.utsname[0], "Linux");
	std::strcpy(info.utsname[1], "host");
	std::strcpy(info.utsname[2], "6.1.0-test");
	std::strcpy(info.utsname[4], "x86_64");
	info.crash_seconds = 1700000000;
	info.status = DUMP_DH_COMPRESSED_ZSTD;
	info.nr_cpus = 4;
	info.current_cpu = 2;
	info.phys_base = 0x1000000;
	info.dump_level = 31;
	info.vmcoreinfo_text_offset = 900;
	info.vmcoreinfo_size = 88;

	std::vector<uint8_t> b(KDUMP_BLOCK_SIZE, 0xaa);
	kdump_encode_header(b.data(), &l, &info);
	EXPECT_EQ(0, std::memcmp(b.data(), "KDUMP   ", 8));
	EXPECT_EQ(at<int32_t>(b, 8), 6);
	EXPECT_EQ(0, std::memcmp(b.data() + 12, "Linux", 6));		// sysname
	EXPECT_EQ(0, std::memcmp(b.data() + 12 + 65, "host", 5));	// nodename
	EXPECT_EQ(0, std::memcmp(b.data() + 12 + 130, "6.1.0-test", 11));
	EXPECT_EQ(0, std::memcmp(b.data() + 12 + 260, "x86_64", 7));	// machine
	EXPECT_EQ(at<int64_t>(b, 408), 1700000000);			// timestamp
	EXPECT_EQ(at<uint32_t>(b, 424), 0x20u);				// status
	EXPECT_EQ(at<int32_t>(b, 428), 4096);				// block_size
	EXPECT_EQ(at<int32_t>(b, 432), 1);				// sub_hdr_size
	EXPECT_EQ(at<uint32_t>(b, 436), 16u);				// bitmap_blocks
	EXPECT_EQ(at<uint32_t>(b, 440), 262144u);			// max_mapnr
	EXPECT_EQ(at<uint32_t>(b, 444), 0u);				// total_ram_blocks
	EXPECT_EQ(at<uint32_t>(b, 456), 2u);				// current_cpu
	EXPECT_EQ(at<int32_t>(b, 460), 4);				// nr_cpus
	for (size_t i = 464; i < b.size(); i++)
		ASSERT_EQ(b[i], 0) << "byte " << i << " of block 0";

	std::vector<uint8_t> s(sizeof(struct kdump_sub_header));
	kdump_encode_sub_header(reinterpret_cast<struct kdump_sub_header *>(s.data()),
				&l, &info);
	EXPECT_EQ(at<uint64_t>(s, 0), 0x1000000u);			// phys_base
	EXPECT_EQ(at<int32_t>(s, 8), 31);				// dump_level
	EXPECT_EQ(at<int64_t>(s, 32), 4200 + 900);			// offset_vmcoreinfo
	EXPECT_EQ(at<uint64_t>(s, 40), 88u);				// size_vmcoreinfo
	EXPECT_EQ(at<int64_t>(s, 48), 4200);				// offset_note
	EXPECT_EQ(at<uint64_t>(s, 56), 1000u);				// size_note
	EXPECT_EQ(at<uint64_t>(s, 96), 262144u);			// max_mapnr_64
}

// Hand-computed: 262144 PFNs -> 32768 bitmap bytes = 8 blocks each, two
// bitmaps 16 blocks; sub-header + notes 104 + 1000 -> 1 block; 500 descs
// -> 12000 bytes, rounded up to 3 blocks.
TEST(KdumpFormat, LayoutMatchesHandComputation)
{
	struct kdump_layout l;

	kdump_layout_compute(&l, 262144, 1000, 500);
	EXPECT_EQ(l.bitmap_bytes, 32768u);
	EXPECT_EQ(l.bitmap_blocks, 16u);
	EXPECT_EQ(l.sub_hdr_blocks, 1u);
	EXPECT_EQ(l.off_sub_header, 4096u);
	EXPECT_EQ(l.off_notes, 4200u);
	EXPECT_EQ(l.off_bitmap1, 8192u);
	EXPECT_EQ(l.off_bitmap2, 8192u + 32768u);
	EXPECT_EQ(l.off_desc, 8192u + 65536u);
	// Page data starts at the block after the 500 * 24 byte desc table.
	EXPECT_EQ(l.off_data, 8192u + 65536u + 3u * 4096u);

	// 4000 bytes of notes spill into a second sub-header block; a PFN
	// count that is not a multiple of 8 * 4096 rounds up to a block.
	kdump_layout_compute(&l, 1000, 4000, 3);
	EXPECT_EQ(l.sub_hdr_blocks, 2u);
	EXPECT_EQ(l.bitmap_bytes, 4096u);
	EXPECT_EQ(l.bitmap_blocks, 2u);
	EXPECT_EQ(l.off_bitmap1, 3u * 4096u);
	EXPECT_EQ(l.off_desc, 5u * 4096u);
	EXPECT_EQ(l.off_data, 6u * 4096u);
}

TEST(KdumpFormat, PutNoteRoundTrip)
{
	const char desc[] = "OSRELEASE=6.1\n";	// 15 bytes with NUL
	std::vector<uint8_t> buf(64, 0xee);
	uint64_t n = kdump_put_note(buf.data(), buf.size(), "VMCOREINFO", 0, desc, 14);

	ASSERT_EQ(n, kdump_note_size(11, 14));
	EXPECT_EQ(n, 12u + 12u + 16u);
	EXPECT_EQ(at<uint32_t>(buf, 0), 11u);	// n_namesz
	EXPECT_EQ(at<uint32_t>(buf, 4), 14u);	// n_descsz
	EXPECT_EQ(at<uint32_t>(buf, 8), 0u);	// n_type
	EXPECT_EQ(0, std::memcmp(buf.data() + 12, "VMCOREINFO", 11));
	EXPECT_EQ(buf[23], 0);			// name padding
	EXPECT_EQ(0, std::memcmp(buf.data() + 24, desc, 14));
	EXPECT_EQ(buf[38], 0);			// desc padding
	EXPECT_EQ(buf[39], 0);
	EXPECT_EQ(buf[40], 0xee);		// untouched after the note

	EXPECT_EQ(kdump_put_note(buf.data(), n - 1, "VMCOREINFO", 0, desc, 14), 0u);

	uint8_t bm[4] = {};
	kdump_bitmap_set(bm, 0);
	kdump_bitmap_set(bm, 9);
	kdump_bitmap_set(bm, 31);
	EXPECT_EQ(bm[0], 0x01);
	EXPECT_EQ(bm[1], 0x02);
	EXPECT_EQ(bm[3], 0x80);
	EXPECT_TRUE(kdump_bitmap_test(bm, 9));
	EXPECT_FALSE(kdump_bitmap_test(bm, 10));
}

// SPDX-License-Identifier: GPL-2.0
// common/dump_area: header copies on an image file, and the messages that
// name a bad field.
#include <gtest/gtest.h>

#include <cstring>

#include "common/dump_area.h"
#include "common/error.h"
#include "test_util.h"

namespace {

constexpr uint64_t kArea = 8ULL << 20;

struct pd_header armed_header(uint64_t seq)
{
	struct pd_header h;

	pd_header_init(&h, kArea);
	h.sequence = seq;
	pd_header_seal(&h);
	return h;
}

std::string make_image(const pdtest::TempDir &tmp, uint64_t size = kArea)
{
	std::string path = tmp / "area.img";
	pdtest::write_bytes(path, std::vector<uint8_t>(size, 0));
	return path;
}

} // namespace

TEST(DumpArea, BlankImageHasNoHeader)
{
	pdtest::TempDir tmp;
	pd::DumpArea a = pd::DumpArea::open(make_image(tmp, kArea + 1000), pd::OpenMode::ReadOnly);

	EXPECT_FALSE(a.is_block_device());
	EXPECT_EQ(a.device_size(), kArea + 1000);
	EXPECT_EQ(a.area_size(), kArea);
	pd::HeaderPair hp = pd::read_headers(a, a.area_size());
	EXPECT_EQ(hp.best(), nullptr);
	EXPECT_TRUE(hp.both_blank());
	EXPECT_EQ(hp.trailer.offset, kArea - 4096);
}

TEST(DumpArea, WriteBothCopiesAndPreferHigherSequence)
{
	pdtest::TempDir tmp;
	pd::DumpArea a = pd::DumpArea::open(make_image(tmp), pd::OpenMode::ReadWrite);

	pd::write_headers(a, armed_header(1));
	pd::HeaderPair hp = pd::read_headers(a, kArea);
	ASSERT_NE(hp.best(), nullptr);
	EXPECT_EQ(hp.best(), &hp.primary);

	// A newer trailing copy wins.
	struct pd_header newer = armed_header(5);
	a.write(&newer, sizeof(newer), kArea - 4096);
	hp = pd::read_headers(a, kArea);
	EXPECT_EQ(hp.best(), &hp.trailer);
	EXPECT_EQ(hp.best()->h.sequence, 5u);

	// Only the header block is rewritten; the rest is zero-padded.
	std::vector<uint8_t> block(4096);
	a.read(block.data(), block.size(), 0);
	for (size_t i = sizeof(struct pd_header); i < block.size(); i++)
		ASSERT_EQ(block[i], 0);

	struct pd_header small = armed_header(1);
	small.area_size = 4ULL << 20;
	EXPECT_THROW(pd::write_headers(a, small), pd::Error);
}

TEST(DumpArea, TooSmallImage)
{
	pdtest::TempDir tmp;
	pd::DumpArea a = pd::DumpArea::open(make_image(tmp, 1 << 20), pd::OpenMode::ReadOnly);

	EXPECT_THROW(pd::read_headers(a, 0), pd::Error);
	EXPECT_THROW(pd::DumpArea::open(tmp / "missing", pd::OpenMode::ReadOnly), pd::Error);
}

TEST(DumpArea, ErrorMessagesNameFieldOffsetAndValues)
{
	struct pd_header h = armed_header(1);
	int bad;

	auto describe = [&](uint64_t area) {
		enum pd_header_error err = pd_header_check(&h, area, &bad);
		return pd::describe_header_error(h, err, bad, area);
	};

	h.version = 7;
	pd_header_seal(&h);
	EXPECT_EQ(describe(kArea),
		  "version at +8: expected 1, found 7");

	h = armed_header(1);
	std::memcpy(h.magic, "PANICDMq", 8);
	EXPECT_EQ(describe(kArea),
		  "magic at +0: expected \"PANICDMP\", found \"PANICDMq\"");

	h = armed_header(1);
	h.header_crc32c ^= 1;
	std::string m = describe(kArea);
	EXPECT_EQ(m.rfind("header_crc32c at +1020: expected 0x", 0), 0u) << m;

	h = armed_header(1);
	EXPECT_EQ(describe(16ULL << 20),
		  "area_size at +80: expected 0x1000000 (the area), found 0x800000");

	h = armed_header(1);
	h.sections[1].length = h.sections[1].capacity + 1;
	pd_header_seal(&h);
	m = describe(kArea);
	EXPECT_EQ(m.rfind("sections[1] at +", 0), 0u) << m;
	EXPECT_NE(m.find("length"), std::string::npos) << m;
}

// SPDX-License-Identifier: GPL-2.0
// formats/pd_header_write: which copies a header write puts down, the
// next sequence, and the 4096-byte block each copy is, against golden
// bytes and pd_header_check().
#include <gtest/gtest.h>

#include <cstring>
#include <vector>

#include "crc32c.h"
#include "pd_format.h"
#include "pd_header_write.h"

namespace {

constexpr uint64_t kArea = 64ULL << 20;

template <typename T>
T at(const std::vector<uint8_t> &b, size_t off)
{
	T v;
	std::memcpy(&v, b.data() + off, sizeof(v));
	return v;
}

// A header with every varying field fixed, for golden bytes.
struct pd_header golden_header(uint64_t compat = 0, uint32_t state = PD_STATE_ARMED)
{
	struct pd_header h;

	pd_header_init(&h, kArea);
	std::memset(h.nonce, 0x11, sizeof(h.nonce));
	std::memset(h.boot_id, 0x22, sizeof(h.boot_id));
	h.compat_features = compat;
	h.state = state;
	h.arm_time = 1700000000;
	h.sequence = 7;
	std::strcpy(h.release, "6.1.0-test");
	pd_header_seal(&h);
	return h;
}

// What a swap area's first block holds: the boot block (zero after
// mkswap), then the swap header with its signature at the end.
std::vector<uint8_t> swap_block()
{
	std::vector<uint8_t> b(PD_BLOCK_SIZE, 0);

	for (size_t i = PD_SWAP_BOOTBITS; i < PD_SWAP_MAGIC_OFFSET; i++)
		b[i] = static_cast<uint8_t>(i * 7 + 3);
	std::memcpy(b.data() + PD_SWAP_MAGIC_OFFSET, PD_SWAP_MAGIC, PD_SWAP_MAGIC_LEN);
	return b;
}

} // namespace

TEST(HeaderWrite, CopiesInOrder)
{
	struct pd_header h = golden_header();

	EXPECT_EQ(PD_HEADER_PRIMARY, 0);	// written first
	EXPECT_EQ(pd_header_copy_offset(&h, PD_HEADER_PRIMARY), 0u);
	EXPECT_EQ(pd_header_copy_offset(&h, PD_HEADER_TRAILER), kArea - 4096);
	for (uint32_t state = PD_STATE_EMPTY; state <= PD_STATE_SAVED; state++) {
		h.state = state;
		EXPECT_EQ(pd_header_nr_copies(&h), 2u) << state;
		h.compat_features = PD_COMPAT_SWAP;
		// No trailing copy on swap before the panic: it is a swap slot.
		EXPECT_EQ(pd_header_nr_copies(&h), state == PD_STATE_ARMED ? 1u : 2u) << state;
		h.compat_features = 0;
	}
}

TEST(HeaderWrite, NextSequenceIsMaxPlusOne)
{
	struct pd_header p = golden_header(), t = golden_header();

	EXPECT_EQ(pd_header_next_sequence(nullptr, nullptr), 1u);	// a new arm
	p.sequence = 3;
	t.sequence = 7;
	EXPECT_EQ(pd_header_next_sequence(&p, nullptr), 4u);
	EXPECT_EQ(pd_header_next_sequence(nullptr, &t), 8u);
	EXPECT_EQ(pd_header_next_sequence(&p, &t), 8u);
	p.sequence = 9;
	EXPECT_EQ(pd_header_next_sequence(&p, &t), 10u);
	t.sequence = 9;
	EXPECT_EQ(pd_header_next_sequence(&p, &t), 10u);
	p.sequence = UINT64_MAX;
	EXPECT_EQ(pd_header_next_sequence(&p, &t), UINT64_MAX);		// saturates
	// The result wins pd_header_pick() over either old copy of the arm.
	p.sequence = 4;
	t.sequence = 5;
	struct pd_header next = p;
	next.sequence = pd_header_next_sequence(&p, &t);
	EXPECT_EQ(pd_header_pick(&t, &next), 1);
	EXPECT_EQ(pd_header_pick(&next, &t), 0);
}

// The layout FORMAT.md gives, byte for byte, and a CRC of the whole
// block so that any change to it is deliberate.
TEST(HeaderWrite, GoldenBlock)
{
	struct pd_header h = golden_header();
	std::vector<uint8_t> b(PD_BLOCK_SIZE, 0xaa);

	ASSERT_EQ(pd_header_block_compose(b.data(), &h, PD_HEADER_PRIMARY, nullptr), 0);
	EXPECT_EQ(0, std::memcmp(b.data(), "PANICDMP", 8));
	EXPECT_EQ(at<uint32_t>(b, 8), 1u);			// version
	EXPECT_EQ(at<uint32_t>(b, 12), 1024u);			// header_size
	EXPECT_EQ(at<uint32_t>(b, 16), 0x01020304u);		// endian
	EXPECT_EQ(at<uint32_t>(b, 20), (uint32_t)PD_STATE_ARMED);
	EXPECT_EQ(at<uint32_t>(b, 44), 2u);			// nr_sections
	EXPECT_EQ(b[48], 0x11);					// nonce
	EXPECT_EQ(b[64], 0x22);					// boot_id
	EXPECT_EQ(at<uint64_t>(b, 80), kArea);			// area_size
	EXPECT_EQ(at<uint64_t>(b, 88), 7u);			// sequence
	EXPECT_EQ(at<uint64_t>(b, 96), 1700000000u);		// arm_time
	EXPECT_STREQ(reinterpret_cast<const char *>(b.data() + 184), "6.1.0-test");
	EXPECT_EQ(at<uint32_t>(b, 512), (uint32_t)PD_SECT_LOG);	// sections[0].type
	EXPECT_EQ(at<uint32_t>(b, 1020), pd_crc32c(0, b.data(), 1020));
	for (size_t i = PD_HEADER_SIZE; i < PD_BLOCK_SIZE; i++)
		ASSERT_EQ(b[i], 0) << i;
	// Computed apart from this code, from FORMAT.md's table.
	EXPECT_EQ(pd_crc32c(0, b.data(), b.size()), 0xa92da0dbu);

	// Read back, it is the same header, and a valid one.
	struct pd_header back;
	std::memcpy(&back, b.data(), sizeof(back));
	EXPECT_EQ(0, std::memcmp(&back, &h, sizeof(h)));
	int bad;
	EXPECT_EQ(pd_header_check(&back, kArea, &bad), PD_HDR_OK);

	// The trailing copy is the same block.
	std::vector<uint8_t> t(PD_BLOCK_SIZE, 0x55);
	ASSERT_EQ(pd_header_block_compose(t.data(), &h, PD_HEADER_TRAILER, b.data()), 0);
	EXPECT_EQ(t, b);
}

TEST(HeaderWrite, DedicatedAreaZeroesWhatWasThere)
{
	struct pd_header h = golden_header();
	std::vector<uint8_t> old = swap_block(), b(PD_BLOCK_SIZE, 0);

	ASSERT_EQ(pd_header_block_compose(b.data(), &h, PD_HEADER_PRIMARY, old.data()), 0);
	for (size_t i = PD_HEADER_SIZE; i < PD_BLOCK_SIZE; i++)
		ASSERT_EQ(b[i], 0) << i;
	// In place too.
	ASSERT_EQ(pd_header_block_compose(old.data(), &h, PD_HEADER_PRIMARY, old.data()), 0);
	EXPECT_EQ(old, b);
}

TEST(HeaderWrite, SwapPrimaryKeepsTheSwapHeader)
{
	struct pd_header h = golden_header(PD_COMPAT_SWAP, PD_STATE_COMPLETE);
	std::vector<uint8_t> old = swap_block(), b(PD_BLOCK_SIZE, 0xaa);

	ASSERT_EQ(pd_header_block_compose(b.data(), &h, PD_HEADER_PRIMARY, old.data()), 0);
	EXPECT_EQ(0, std::memcmp(b.data(), &h, sizeof(h)));
	EXPECT_EQ(0, std::memcmp(b.data() + PD_HEADER_SIZE, old.data() + PD_HEADER_SIZE,
				 PD_BLOCK_SIZE - PD_HEADER_SIZE));
	EXPECT_EQ(0, std::memcmp(b.data() + PD_SWAP_MAGIC_OFFSET, "SWAPSPACE2", 10));

	// In place, over the block as read (what the module does at panic).
	std::vector<uint8_t> in_place = swap_block();
	ASSERT_EQ(pd_header_block_compose(in_place.data(), &h, PD_HEADER_PRIMARY,
					  in_place.data()), 0);
	EXPECT_EQ(in_place, b);

	// The trailing copy is a plain, zero-padded block.
	std::vector<uint8_t> t = swap_block();
	ASSERT_EQ(pd_header_block_compose(t.data(), &h, PD_HEADER_TRAILER, t.data()), 0);
	for (size_t i = PD_HEADER_SIZE; i < PD_BLOCK_SIZE; i++)
		ASSERT_EQ(t[i], 0) << i;

	// Without the old block the primary cannot be laid out: untouched.
	std::vector<uint8_t> untouched(PD_BLOCK_SIZE, 0x5a);
	EXPECT_EQ(pd_header_block_compose(untouched.data(), &h, PD_HEADER_PRIMARY, nullptr), -1);
	EXPECT_EQ(untouched, std::vector<uint8_t>(PD_BLOCK_SIZE, 0x5a));
	EXPECT_EQ(pd_header_block_compose(untouched.data(), &h, PD_HEADER_TRAILER, nullptr), 0);
}

// SPDX-License-Identifier: GPL-2.0
// How a fuzz input becomes a run of the dump writer on the simulated disk
// and RAM (tests/writer/sim.h): a few bytes of parameters, then the kinds
// of the pages. Every byte string is some run: bytes past the end read as
// zero, and each field is taken modulo its range. Sizes stay small (RAM
// at most 4096 pages, an area of 4 to 8 MiB) so that a run takes
// milliseconds.
//
//	byte 0	flags: bit 0 block size 4096 (else 512), bit 1 a swap area,
//		bit 2 no kernel image range, bits 4-5 content level,
//		bits 6-7 compression (each enum's value, mod 3)
//	1	area size: 4 + byte % 5 MiB
//	2	RAM ranges: 1 + byte % 4; then for each, two bytes:
//		a hole of 4 * byte PFNs before it, 4 * (1 + byte) PFNs of RAM
//	+0	free_run: 1 << (byte % 8) (a free page starts a buddy block
//		running to the next multiple of it)
//	+1	log lines: 8 * byte
//	+2	progress_every: byte % 9 (0: no checkpoint at progress lines)
//	+3	kernel image: first PFN, u16 little-endian (mod max PFN + 64,
//		so it may lie past the RAM); +5 its length in pages
//	+6	faults, at most one of each: bit 0 fail_write, 1 timeout_write,
//		2 a power cut, 3 fail_read, 4 not_ours, 5 an oops
//	+7	fail_write: write 1 + byte; +8 the controller status it gives
//	+9	timeout_write: write 1 + byte
//	+10	cut_after_write: write 1 + byte; +11 torn_blocks: byte % 9
//	+12	fail_read: read 1 + byte % 32
//	+13	oops_at_page: page 1 + 4 * byte
//	+14..	page kinds: pairs of (enum pd_sim_page mod 9, a run of
//		1 + byte PFNs), repeated from PFN 0 to the highest RAM PFN;
//		none: every page a kernel page with data
#pragma once

#include <cstdint>
#include <vector>

#include "sim.h"

namespace pdfuzz {

constexpr uint64_t kWriterAreaStart = 64 << 10;	// guard bytes before it

// A decoded input: the config and the storage it points into.
struct WriterCase {
	WriterCase() = default;
	WriterCase(const WriterCase &) = delete;
	WriterCase &operator=(const WriterCase &) = delete;

	struct pd_sim_config c = {};
	std::vector<struct pd_sim_range> ranges;
	std::vector<uint8_t> kinds;		// enum pd_sim_page per PFN
};

// The page kinds the input chose; PFNs past the table are kernel pages.
inline enum pd_sim_page writer_kind_of(void *priv, uint64_t pfn)
{
	const auto *kinds = static_cast<const std::vector<uint8_t> *>(priv);

	return pfn < kinds->size() ? static_cast<enum pd_sim_page>((*kinds)[pfn]) :
				     PD_SIM_KERNEL;
}

class ByteReader {
public:
	ByteReader(const uint8_t *p, size_t n) : p_(p), n_(n) {}
	uint8_t u8() { return at_ < n_ ? p_[at_++] : (at_++, 0); }
	uint16_t u16()
	{
		uint16_t lo = u8();
		return static_cast<uint16_t>(lo | u8() << 8);
	}
	bool more() const { return at_ < n_; }

private:
	const uint8_t *p_;
	size_t n_, at_ = 0;
};

inline void decode_writer(const uint8_t *data, size_t size, WriterCase &w)
{
	ByteReader in(data, size);
	struct pd_sim_config &c = w.c;
	uint8_t flags = in.u8();

	c.block_size = flags & 1 ? 4096 : 512;
	c.swap = flags >> 1 & 1;
	c.content = (flags >> 4 & 3) % 3;
	c.compression = (flags >> 6 & 3) % 3;
	c.area_start = kWriterAreaStart;
	c.area_size = (4 + in.u8() % 5) << 20;

	uint32_t nr_ranges = 1 + in.u8() % 4;
	uint64_t pfn = 0;
	for (uint32_t i = 0; i < nr_ranges; i++) {
		uint64_t start = pfn + 4 * in.u8();
		pfn = start + 4 * (1 + uint64_t(in.u8()));
		w.ranges.push_back({ start, pfn });
	}
	c.ranges = w.ranges.data();
	c.nr_ranges = nr_ranges;
	const uint64_t max_pfn = pfn;

	c.free_run = 1U << (in.u8() % 8);
	c.nr_log_lines = 8 * in.u8();
	c.progress_every = in.u8() % 9;
	uint64_t ka = in.u16() % (max_pfn + 64), kn = in.u8();
	if (!(flags & 4)) {
		c.kimage_start_pfn = ka;
		c.kimage_end_pfn = ka + kn;
	}

	uint8_t faults = in.u8();
	uint64_t fail_write = 1 + in.u8();
	uint32_t fail_status = in.u8();
	uint64_t timeout_write = 1 + in.u8();
	uint64_t cut = 1 + in.u8();
	uint32_t torn = in.u8() % 9;
	uint64_t fail_read = 1 + in.u8() % 32;
	uint64_t oops = 1 + 4 * uint64_t(in.u8());
	if (faults & 1) {
		c.fail_write = fail_write;
		c.fail_status = fail_status;
	}
	if (faults & 2)
		c.timeout_write = timeout_write;
	if (faults & 4) {
		c.cut_after_write = cut;
		c.torn_blocks = torn;
	}
	if (faults & 8)
		c.fail_read = fail_read;
	c.not_ours = faults >> 4 & 1;
	if (faults & 32)
		c.oops_at_page = oops;

	std::vector<std::pair<uint8_t, uint32_t>> runs;
	while (in.more()) {
		uint8_t kind = in.u8() % 9;
		runs.push_back({ kind, 1 + uint32_t(in.u8()) });
	}
	w.kinds.assign(max_pfn, PD_SIM_KERNEL);
	for (uint64_t at = 0, i = 0; !runs.empty() && at < max_pfn; i++) {
		const auto &r = runs[i % runs.size()];
		for (uint32_t j = 0; j < r.second && at < max_pfn; j++)
			w.kinds[at++] = r.first;
	}
	// sim.c takes a free page for the start of a buddy block that runs
	// to the next multiple of free_run, as the kernel's are aligned.
	for (uint64_t at = 0; at < max_pfn; at++) {
		if (w.kinds[at] != PD_SIM_FREE)
			continue;
		for (; (at + 1) % c.free_run && at + 1 < max_pfn; at++)
			w.kinds[at + 1] = PD_SIM_FREE;
	}
	c.kind_of = writer_kind_of;
	c.priv = &w.kinds;
}

// The fields of an input as bytes, for the seed generator: the inverse of
// decode_writer() for values inside each field's range.
struct WriterSpec {
	uint8_t flags = 0;
	uint8_t area = 0;				// MiB over 4
	std::vector<std::pair<uint8_t, uint8_t>> ranges = { { 0, 255 } };
	uint8_t free_run_log2 = 0;
	uint8_t log_lines_8 = 0;
	uint8_t progress_every = 0;
	uint16_t kimage_start = 0;
	uint8_t kimage_pages = 0;
	uint8_t faults = 0;
	uint8_t fail_write = 0, fail_status = 0, timeout_write = 0;
	uint8_t cut = 0, torn = 0, fail_read = 0;	// as decode_writer() offsets them
	uint8_t oops = 0;
	std::vector<std::pair<uint8_t, uint8_t>> kinds;	// (kind, run - 1)
};

inline std::vector<uint8_t> encode_writer(const WriterSpec &s)
{
	std::vector<uint8_t> out = { s.flags, s.area,
				     static_cast<uint8_t>(s.ranges.size() - 1) };

	for (const auto &r : s.ranges)
		out.insert(out.end(), { r.first, r.second });
	out.insert(out.end(), { s.free_run_log2, s.log_lines_8, s.progress_every,
				static_cast<uint8_t>(s.kimage_start),
				static_cast<uint8_t>(s.kimage_start >> 8), s.kimage_pages,
				s.faults, s.fail_write, s.fail_status, s.timeout_write,
				s.cut, s.torn, s.fail_read, s.oops });
	for (const auto &k : s.kinds)
		out.insert(out.end(), { k.first, k.second });
	return out;
}

} // namespace pdfuzz

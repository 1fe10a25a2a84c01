// SPDX-License-Identifier: GPL-2.0
// How a fuzz input becomes a dump area image: a small, mutable description
// of a sparse area rather than its megabytes.
//
//	byte 0		flags: 1 --format elf, 2 -d, 4 -C
//	byte 1		area size: 4 + (byte % 5) MiB
//	then records	u32 offset (mod the area size), u16 length, bytes
//
// Everything else in the area is zero; the last record may be cut short.
#pragma once

#include <cstdint>
#include <cstring>
#include <vector>

namespace pdfuzz {

constexpr uint8_t kFlagElf = 1, kFlagDisregard = 2, kFlagCheckOnly = 4;
constexpr uint64_t kMiB = 1ULL << 20;

struct Record {
	uint64_t offset;
	const uint8_t *data;
	size_t len;
};

struct Input {
	uint8_t flags = 0;
	uint64_t area_size = 4 * kMiB;
	std::vector<Record> records;
};

inline Input decode(const uint8_t *p, size_t n)
{
	Input in;

	if (n < 2)
		return in;
	in.flags = p[0];
	in.area_size = (4 + p[1] % 5) * kMiB;
	for (size_t i = 2; i + 6 <= n;) {
		uint32_t off;
		uint16_t len;
		std::memcpy(&off, p + i, 4);
		std::memcpy(&len, p + i + 4, 2);
		i += 6;
		size_t have = len < n - i ? len : n - i;
		uint64_t at = off % in.area_size;
		if (have > in.area_size - at)
			have = static_cast<size_t>(in.area_size - at);
		in.records.push_back({ at, p + i, have });
		i += have;
	}
	return in;
}

// The inverse for the seed generator: records for the non-zero 512-byte
// runs of a whole area.
inline std::vector<uint8_t> encode(uint8_t flags, const std::vector<uint8_t> &area)
{
	std::vector<uint8_t> out = { flags, static_cast<uint8_t>(area.size() / kMiB - 4) };
	const size_t chunk = 512, max_len = 0xfe00;

	for (size_t at = 0; at < area.size();) {
		bool zero = true;
		for (size_t i = at; i < at + chunk && i < area.size(); i++)
			zero &= area[i] == 0;
		if (zero) {
			at += chunk;
			continue;
		}
		size_t end = at;
		while (end < area.size() && end - at < max_len) {
			bool z = true;
			for (size_t i = end; i < end + chunk && i < area.size(); i++)
				z &= area[i] == 0;
			if (z)
				break;
			end += chunk;
		}
		if (end > area.size())
			end = area.size();
		uint32_t off = static_cast<uint32_t>(at);
		uint16_t len = static_cast<uint16_t>(end - at);
		out.insert(out.end(), reinterpret_cast<uint8_t *>(&off), reinterpret_cast<uint8_t *>(&off) + 4);
		out.insert(out.end(), reinterpret_cast<uint8_t *>(&len), reinterpret_cast<uint8_t *>(&len) + 2);
		out.insert(out.end(), area.begin() + static_cast<long>(at), area.begin() + static_cast<long>(end));
		at = end;
	}
	return out;
}

} // namespace pdfuzz

// SPDX-License-Identifier: GPL-2.0
#include "dumpadm/fs_signature.h"

#include <cstring>

namespace pd {

namespace {

struct Signature {
	size_t offset;
	const char *magic;
	size_t len;
	const char *what;
};

// Offsets from util-linux libblkid's probers.
const Signature kSignatures[] = {
	{ 0x438, "\x53\xef", 2, "an ext2/3/4 filesystem" },
	{ 0, "XFSB", 4, "an XFS filesystem" },
	{ 0x10040, "_BHRfS_M", 8, "a btrfs filesystem" },
	{ 4086, "SWAPSPACE2", 10, "a swap area" },
	{ 4086, "SWAP-SPACE", 10, "a swap area" },
	{ 0, "LUKS\xba\xbe", 6, "a LUKS volume" },
	{ 512, "LABELONE", 8, "an LVM physical volume" },
	{ 512, "EFI PART", 8, "a GPT partition table" },
	{ 0x1fe, "\x55\xaa", 2, "an MBR partition table or FAT boot sector" },
};

} // namespace

std::optional<std::string> detect_signature(const uint8_t *buf, size_t len)
{
	for (const auto &s : kSignatures)
		if (s.offset + s.len <= len &&
		    !std::memcmp(buf + s.offset, s.magic, s.len))
			return std::string(s.what);
	return std::nullopt;
}

} // namespace pd

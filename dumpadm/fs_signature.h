// SPDX-License-Identifier: GPL-2.0
// Recognises the data dumpadm must not overwrite: filesystems, swap,
// LUKS, LVM and partition tables, by their magic numbers (as blkid does).
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>

namespace pd {

// Bytes of the device start that detect_signature() looks at.
inline constexpr size_t kSignatureProbeBytes = 68 * 1024;

// "an ext2/3/4 filesystem", ...; nullopt when none is found.
std::optional<std::string> detect_signature(const uint8_t *buf, size_t len);

} // namespace pd

// SPDX-License-Identifier: GPL-2.0
// Where the running kernel's image lies in RAM, from /proc/iomem. The
// capture module writes those pages first, so that a dump cut short by a
// small device still holds what an analyzer needs to start.
#pragma once

#include <cstdint>
#include <string>

namespace pd {

struct PhysRange {
	uint64_t start = 0;	// first byte
	uint64_t end = 0;	// one past the last; 0: unknown
};

// Parses iomem text: the span of "Kernel code", "Kernel rodata",
// "Kernel data" and "Kernel bss". Without root the addresses read as 0,
// which gives an unknown range.
PhysRange parse_kernel_image_range(const std::string &iomem_text);

// Reads <proc_root>/iomem; an unreadable file gives an unknown range.
PhysRange read_kernel_image_range(const std::string &proc_root);

} // namespace pd

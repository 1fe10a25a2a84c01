// SPDX-License-Identifier: GPL-2.0
#include <gtest/gtest.h>

#include "dumpadm/kernel_image.h"

TEST(KernelImage, SpansCodeToBss)
{
	const char *iomem =
		"00000000-00000fff : Reserved\n"
		"00100000-3ffdffff : System RAM\n"
		"  0c000000-0ce02566 : Kernel code\n"
		"  0d000000-0d5b6fff : Kernel rodata\n"
		"  0d600000-0d8f7dff : Kernel data\n"
		"  0e0e9000-0e5fffff : Kernel bss\n"
		"fee00000-fee00fff : Local APIC\n";
	pd::PhysRange r = pd::parse_kernel_image_range(iomem);
	EXPECT_EQ(r.start, 0x0c000000u);
	EXPECT_EQ(r.end, 0x0e600000u);
}

TEST(KernelImage, UnknownWithoutRootOrEntries)
{
	// Without CAP_SYS_ADMIN every address reads as zero.
	EXPECT_EQ(pd::parse_kernel_image_range(
			  "00000000-00000000 : Kernel code\n").end, 0u);
	EXPECT_EQ(pd::parse_kernel_image_range("garbage\n").end, 0u);
}

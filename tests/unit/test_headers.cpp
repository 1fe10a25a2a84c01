// SPDX-License-Identifier: GPL-2.0
// formats/*.h compile as C11 and C++20 (headers_c11.c, headers_cxx20.cpp,
// both built with -Wpedantic -Werror) and agree on every layout.
#include <gtest/gtest.h>

#include "headers_layout.h"

TEST(Headers, C11AndCxx20AgreeOnLayout)
{
	uint64_t c[64] = {}, cxx[64] = {};
	size_t nc = pd_layout_c11(c, 64), ncxx = pd_layout_cxx20(cxx, 64);

	ASSERT_EQ(nc, ncxx);
	for (size_t i = 0; i < nc; i++)
		EXPECT_EQ(c[i], cxx[i]) << "entry " << i;
	EXPECT_EQ(c[0], 40u);		// pd_section
	EXPECT_EQ(c[1], 1024u);		// pd_header
	EXPECT_EQ(c[7], 1020u);		// header_crc32c
	EXPECT_EQ(c[13], 464u);		// kdump_disk_header
}

// SPDX-License-Identifier: GPL-2.0
// Every formats/ header as strict C++20; reports the layout it sees.
#include "crc32c.h"
#include "kdump_format.h"
#include "pd_compat.h"
#include "pd_content.h"
#include "pd_format.h"
#include "pd_header_write.h"
#include "pd_ioctl.h"

#include "headers_layout.h"

size_t pd_layout_cxx20(uint64_t *out, size_t max)
{
	PD_LAYOUT_LIST(out, max);
}

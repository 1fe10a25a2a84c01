// SPDX-License-Identifier: GPL-2.0
#include "dumpadm/kpageflags.h"

#include <linux/kernel-page-flags.h>

#include "pd_content.h"

namespace pd {

namespace {

// PG_reserved: one of the "kernel hacking" bits that the kernel's own
// include/linux/kernel-page-flags.h adds past the uapi header's, and that
// fs/proc/page.c reports all the same.
constexpr unsigned kKpfReserved = 32;

struct Bit {
	unsigned kpf;
	uint32_t pflag;
};

// KPF_THP with KPF_ZERO_PAGE is the huge zero page; PD_PF_ZERO_PAGE
// settles it as kernel memory before PD_PF_THP is looked at.
constexpr Bit kBits[] = {
	{ KPF_NOPAGE, PD_PF_NOPAGE },
	{ KPF_HWPOISON, PD_PF_UNREADABLE },
	{ KPF_OFFLINE, PD_PF_UNREADABLE },
	{ KPF_BUDDY, PD_PF_BUDDY },
	{ KPF_SLAB, PD_PF_SLAB },
	{ KPF_PGTABLE, PD_PF_PGTABLE },
	{ kKpfReserved, PD_PF_RESERVED },
	{ KPF_ZERO_PAGE, PD_PF_ZERO_PAGE },
	{ KPF_ANON, PD_PF_ANON },
	{ KPF_HUGE, PD_PF_HUGE },
	{ KPF_THP, PD_PF_THP },
	{ KPF_LRU, PD_PF_LRU },
	{ KPF_SWAPCACHE, PD_PF_SWAPCACHE },
};

} // namespace

uint32_t pflags_from_kpageflags(uint64_t kpf)
{
	uint32_t f = 0;

	for (const Bit &b : kBits)
		if (kpf & (uint64_t(1) << b.kpf))
			f |= b.pflag;
	return f;
}

} // namespace pd

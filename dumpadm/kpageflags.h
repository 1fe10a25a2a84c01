// SPDX-License-Identifier: GPL-2.0
// /proc/kpageflags words (one u64 per PFN, KPF_* bits of
// linux/kernel-page-flags.h) as the neutral page flags of
// formats/pd_content.h, so that dumpadm -e applies the module's content
// rule (pd_content_verdict()) to the running system's pages.
#pragma once

#include <cstdint>

namespace pd {

// KPF_HWPOISON and KPF_OFFLINE read as PD_PF_UNREADABLE; kpageflags cannot
// tell unaccepted memory or pages missing from the direct map, so those
// count as readable here (the estimate errs on the large side).
uint32_t pflags_from_kpageflags(uint64_t kpf);

} // namespace pd

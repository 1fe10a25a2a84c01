// SPDX-License-Identifier: GPL-2.0
#include "savecore/dump_reason.h"

#include "common/error.h"

namespace pd {

std::string dump_error_text(const struct pd_dump_error &e)
{
	// Measured first: the formatter returns the whole length.
	std::string s(pd_dump_error_format(nullptr, 0, &e), '\0');

	pd_dump_error_format(s.data(), s.size() + 1, &e);
	return s;
}

std::string dump_error_fields(const struct pd_dump_error &e)
{
	return strprintf("kind %u (%s), stage %u (%s), round %u, err %d, status 0x%x, reserved 0x%x, "
			 "sector %llu, pages %llu",
			 e.kind, pd_dump_error_kind_str(e.kind), e.stage,
			 pd_dump_stage_str(e.stage), e.round, e.err, e.status,
			 e.reserved, (unsigned long long)e.sector,
			 (unsigned long long)e.pages);
}

std::string dump_reason(const struct pd_header &h, uint64_t emptied_descs)
{
	bool records = h.compat_features & PD_COMPAT_ERROR;

	if (const struct pd_dump_error *e = pd_header_dump_error(&h))
		return dump_error_text(*e);
	// The module checkpoints the header as DUMPING and records any error
	// it meets in the next copy; a module that records errors and left
	// none stopped without meeting one.
	if (h.state == PD_STATE_DUMPING)
		return records ?
		       "cut off from outside after the last checkpoint (no error recorded and the header still says "
		       "dumping: power loss, a hang or a reset)" :
		       "unfinished after the last checkpoint: cut off from outside or a fault inside the dump "
		       "(the capture module does not record errors)";
	if (h.dump_flags & PD_DUMP_F_INCOMPLETE)
		return records ?
		       "reason unknown (the incomplete flag is set but the error record is empty)" :
		       "reason unknown (the capture module does not record errors)";
	if (emptied_descs)
		return strprintf("%llu page descriptor%s invalid or pointed outside the image and savecore emptied %s "
				 "(the capture module recorded no error)",
				 (unsigned long long)emptied_descs,
				 emptied_descs == 1 ? " was" : "s were",
				 emptied_descs == 1 ? "it" : "them");
	return {};
}

} // namespace pd

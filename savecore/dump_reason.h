// SPDX-License-Identifier: GPL-2.0
// Why a dump is incomplete, or what went wrong while it was written: the
// header's error record in formats/'s words (the module's console line
// says the same), else what the header's state and flags imply. info.N's
// "dump error" line and savecore's messages all come from here.
#pragma once

#include <cstdint>
#include <string>

#include "pd_format.h"

namespace pd {

// The record as one line (pd_dump_error_format()).
std::string dump_error_text(const struct pd_dump_error &e);

// The record's fields as stored, for -v: "kind 1 (I/O error), stage 6
// (while writing the image), round 2, err -5, ...".
std::string dump_error_fields(const struct pd_dump_error &e);

// The reason to report for a dump, "" when there is none to give (no
// record, finished, not flagged incomplete, nothing emptied).
// emptied_descs: page descriptors savecore emptied because they were
// invalid, which make an otherwise whole dump incomplete.
std::string dump_reason(const struct pd_header &h, uint64_t emptied_descs = 0);

} // namespace pd

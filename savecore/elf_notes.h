// SPDX-License-Identifier: GPL-2.0
// ELF notes in a bare note segment, such as the kdump sub-header's, walked
// with libelf's gelf_getnote.
#pragma once

#include <cstdint>
#include <gelf.h>
#include <optional>
#include <string_view>
#include <vector>

namespace pd {

struct ElfNote {
	uint64_t offset = 0;		// of its header in the segment
	GElf_Nhdr hdr = {};
	std::string_view name;		// n_namesz bytes, its NUL included
	uint64_t desc_offset = 0;	// in the segment
};

struct NoteWalk {
	std::vector<ElfNote> notes;
	// Where the walk stopped: the segment's end, zero padding (an
	// all-zero header) or a note that overruns the segment.
	uint64_t end = 0;
	std::optional<GElf_Nhdr> overrun;	// that note's header
};

// Walks the 4-byte aligned notes of segment (what Linux writes). Names
// point into segment.
NoteWalk walk_notes(const std::vector<uint8_t> &segment);

} // namespace pd

// SPDX-License-Identifier: GPL-2.0
// The writer fuzzer's seed corpus, built from named runs (writer_input.h):
// written to files by pd_fuzz_writer_seeds, replayed as they are by
// pd_writer_replay --seeds in the unit build.
#pragma once

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

namespace pdfuzz {

// (name, input) pairs.
std::vector<std::pair<std::string, std::vector<uint8_t>>> writer_seeds();

} // namespace pdfuzz

// SPDX-License-Identifier: GPL-2.0
// What a run of the writer on the simulated disk (sim.h) must leave,
// whatever the faults: checked here without GoogleTest, so that the unit
// tests (tests/unit/test_writer.cpp) and the writer's fuzzer
// (tests/fuzz/fuzz_writer.cpp) check the same things. Each check appends
// what it finds wrong, in words, to a Problems list; empty is a pass.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "sim.h"

namespace pdcheck {

using Problems = std::vector<std::string>;

// One line per problem, for a test's message or the fuzzer's report.
std::string describe(const Problems &p);

// The area's bytes, as savecore would read the device.
std::vector<uint8_t> area_bytes(const pd_sim_config &c, const pd_sim_result &r);
// Guard bytes around the area that are not zero: the sim's disk starts
// zeroed, so any is a write outside the area.
uint64_t touched_outside(const pd_sim_config &c, const pd_sim_result &r);
// Nothing read or written outside the area, no request of part blocks.
void check_clean_io(const pd_sim_config &c, const pd_sim_result &r, Problems &p);

// The simulated log as the writer should have stored it, lines [from, n).
std::string expected_log(uint32_t from, uint32_t n);

// Page pfn as a dump must hold it: the source's bytes, or 0xfd bytes for
// a page whose read fails (PD_SIM_MCE), which the writer stores so.
void expected_page(const pd_sim_config &c, uint64_t pfn, uint8_t *out);

struct PageTally {
	uint64_t nr_dumped = 0;		// marked in bitmap 2
	uint64_t present = 0;		// with a usable desc
	uint64_t bad_descs = 0;		// written, but unusable
};

// A kdump file's pages against the source: bitmap 2 marks exactly the
// pages_expected pages the content level keeps, every page with a desc
// is the source's, byte for byte, and at most max_bad_descs descs are
// written but unusable (a torn write leaves one desc half written: they
// are 24 bytes and straddle blocks). complete: every marked page is
// present, dumped_pages of them. Pages found present are set in
// *present_pfns (sized to the file's max_mapnr) when it is given.
PageTally check_pages(const pd_sim_config &c, const pd_sim_result &r,
		      const std::vector<uint8_t> &vmcore, bool complete,
		      uint64_t dumped_pages, uint64_t max_bad_descs,
		      Problems &p, std::vector<bool> *present_pfns = nullptr);

// The writer's own account (r.ret, r.hdr) against the faults the config
// injected: no error it could not have had, none that names a request
// outside the area, an error never with a dump that claims to be whole,
// and a whole dump with every kept page, its zero and unreadable pages
// counted right, and the watchdog touched as it went.
void check_error_record(const pd_sim_config &c, const pd_sim_result &r,
			Problems &p);

// The disk as savecore would find it, however the dump stopped (a power
// cut included, after which the writer's copy of the header is not what
// the disk holds): clean I/O, a header copy that passes
// pd_header_check() and is ours, the swap signature kept, the log whole
// with its CRC once the dump started, and an image that reads: if the
// header says complete, every kept page present and the source's; if it
// says incomplete, every desc written points into the image's data
// (max_bad_descs aside), the pages present are the source's, and a dump
// that ran out of room has every page of the rounds before.
void check_disk(const pd_sim_config &c, const pd_sim_result &r,
		uint64_t max_bad_descs, Problems &p);

} // namespace pdcheck

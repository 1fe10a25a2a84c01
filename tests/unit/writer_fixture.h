// SPDX-License-Identifier: GPL-2.0
// The dump writer's core (capture/core) run on the simulated disk and RAM
// of tests/writer/sim.c, then savecore on what it wrote: the tests see
// exactly the bytes the module would leave on a disk.
#pragma once

#include <gtest/gtest.h>

#include <cstdint>
#include <sstream>
#include <string>
#include <vector>

#include "sim.h"
#include "test_util.h"

namespace pdtest {

// A RAM of every kind of page (sim.h), in patterns that mix them.
enum pd_sim_page mixed_kind(void *priv, uint64_t pfn);

struct WriterRun {
	WriterRun() = default;
	WriterRun(const WriterRun &) = delete;
	WriterRun &operator=(const WriterRun &) = delete;
	~WriterRun() { pd_sim_free(&r); }

	struct pd_sim_config c = {};
	std::vector<struct pd_sim_range> ranges;
	struct pd_sim_result r = {};

	// The bytes of the area, as savecore would read the device.
	std::vector<uint8_t> area() const;
};

// 64 MiB of mixed RAM, a 96 MiB area, the log, the kernel image at 16 MiB.
void default_config(WriterRun &w, uint32_t block_size, uint32_t content,
		    uint32_t compression);
// 16 MiB of mixed RAM on a 12 MiB area: quick, for sweeps over faults.
void small_config(WriterRun &w, uint32_t block_size, uint32_t content,
		  uint32_t compression);
void run_writer(WriterRun &w);

struct Saved {
	int status = -1;
	std::string out, err;
	std::vector<uint8_t> vmcore;
	std::string dmesg, info;
};

// savecore -f IMAGE DIR on the area.
Saved save(const WriterRun &w, const TempDir &tmp);

} // namespace pdtest

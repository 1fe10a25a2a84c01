// SPDX-License-Identifier: GPL-2.0
// A one-line progress display for a terminal: "\rsavecore: vmcore.0:  45%
// 12.3 MB" redrawn at most ten times a second, ended with a newline. A
// disabled Progress (stderr is not a terminal) prints nothing.
#pragma once

#include <chrono>
#include <cstdint>
#include <iosfwd>
#include <string>

namespace pd {

class Progress {
public:
	using Clock = std::chrono::steady_clock;

	// total: units of work; bytes are what the line reports as written.
	Progress(std::ostream &out, bool enabled, std::string label, uint64_t total);
	~Progress();
	Progress(const Progress &) = delete;
	Progress &operator=(const Progress &) = delete;

	void update(uint64_t done, uint64_t bytes) { update(done, bytes, Clock::now()); }
	// With an explicit clock, for the tests.
	void update(uint64_t done, uint64_t bytes, Clock::time_point now);
	// Draws 100% and the newline.
	void finish(uint64_t bytes);
	unsigned draws() const { return draws_; }

private:
	void draw(uint64_t done, uint64_t bytes);

	std::ostream &out_;
	bool enabled_;
	std::string label_;
	uint64_t total_;
	Clock::time_point last_{};
	bool drawn_ = false;
	bool finished_ = false;
	unsigned draws_ = 0;
};

} // namespace pd

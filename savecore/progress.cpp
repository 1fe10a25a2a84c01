// SPDX-License-Identifier: GPL-2.0
#include "savecore/progress.h"

#include <algorithm>
#include <ostream>

#include "common/error.h"

namespace pd {

Progress::Progress(std::ostream &out, bool enabled, std::string label, uint64_t total)
	: out_(out), enabled_(enabled), label_(std::move(label)), total_(total) {}

Progress::~Progress()
{
	// Cut short by an error: end the line so the message starts fresh.
	if (enabled_ && drawn_ && !finished_)
		out_ << "\n" << std::flush;
}

void Progress::draw(uint64_t done, uint64_t bytes)
{
	unsigned pct = total_ ? static_cast<unsigned>(std::min<uint64_t>(done, total_) * 100 / total_) : 100;

	out_ << strprintf("\rsavecore: %s: %3u%% %.1f MB", label_.c_str(), pct,
			  static_cast<double>(bytes) / 1e6) << std::flush;
	drawn_ = true;
	draws_++;
}

void Progress::update(uint64_t done, uint64_t bytes, Clock::time_point now)
{
	if (!enabled_ || finished_)
		return;
	if (drawn_ && now - last_ < std::chrono::milliseconds(100))
		return;
	last_ = now;
	draw(done, bytes);
}

void Progress::finish(uint64_t bytes)
{
	if (!enabled_ || finished_)
		return;
	draw(total_, bytes);
	out_ << "\n" << std::flush;
	finished_ = true;
}

} // namespace pd

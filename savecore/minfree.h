// SPDX-License-Identifier: GPL-2.0
// minfree, as in illumos and FreeBSD: the free space savecore leaves on
// the savecore directory's file system. DUMPADM_MINFREE in the
// environment, else DUMPADM_MINFREE in dumpadm.conf (dumpadm -m), else
// the file <savecore dir>/minfree, holds a number of KiB or one with a k,
// m, g or % (of the file system's size) suffix; without any, 1 MiB.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace pd {

struct MinFree {
	uint64_t bytes = 0;		// when !percent
	unsigned percent = 0;		// 0..100 of the file system
	bool is_percent = false;
	std::string source;		// "DUMPADM_MINFREE", "<dir>/minfree" or "default"

	uint64_t resolve(uint64_t fs_bytes) const
	{
		return is_percent ? fs_bytes / 100 * percent + fs_bytes % 100 * percent / 100 : bytes;
	}
	std::string describe() const;	// "10%" or "64.0 MiB"
};

// Left free when nothing says otherwise.
constexpr uint64_t kDefaultMinFree = 1ULL << 20;

std::optional<MinFree> parse_minfree(std::string_view text);

// env: DUMPADM_MINFREE's value (nullopt: unset); config: dumpadm.conf's
// DUMPADM_MINFREE ("" unset) and config_origin the file's path; dir: the
// savecore directory. Throws, naming where it came from, on a bad value.
MinFree load_minfree(const std::optional<std::string> &env, const std::string &config,
		     const std::string &config_origin, const std::string &dir);

} // namespace pd

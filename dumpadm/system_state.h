// SPDX-License-Identifier: GPL-2.0
// What dumpadm reads from (and the one thing it sets in) the running
// kernel, under injectable /sys and /proc roots for the tests.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace pd {

struct SystemPaths {
	std::string root;			// -r: where etc/dumpadm.conf lives
	std::string sysfs = "/sys";
	std::string proc = "/proc";
	std::string capture_dev = "/dev/panicdump";
	std::string modules = "/lib/modules";	// <modules>/<release>/modules.dep
};

using Uuid = std::array<uint8_t, 16>;

// Physical addresses of each CPU's crash_notes, by CPU id; 0 where a cpuN
// directory has no crash_notes file.
struct CrashNotes {
	std::vector<uint64_t> addr;		// size() is nr_cpus
	unsigned found = 0;			// non-zero entries
};

// Reads <sysfs>/devices/system/cpu/cpu<N>/crash_notes ("12345000\n", hex).
CrashNotes read_crash_notes(const std::string &sysfs_root);

// "0b9c...-....-" (36 characters) into 16 bytes in text order.
Uuid parse_boot_id(std::string_view text);
Uuid read_boot_id(const std::string &proc_root);
// 16 bytes from getrandom(2).
Uuid random_nonce();

// Sets crash_kexec_post_notifiers=Y so that panic() stops the other CPUs
// (saving their registers in crash_notes) before the notifiers run;
// throws unless it reads back Y.
void enable_post_notifiers(const std::string &sysfs_root);

} // namespace pd

// SPDX-License-Identifier: GPL-2.0
// <root>/etc/dumpadm.conf: illumos's keys plus the page compression.
//
//	DUMPADM_DEVICE=/dev/vdb		dump device; empty: none
//	DUMPADM_SWAP=no			yes: the device is the active swap
//					partition dumpadm -d swap chose;
//					dumpadm -u chooses again
//	DUMPADM_SAVDIR=/var/crash/host	where savecore writes
//	DUMPADM_CONTENT=kernel		kernel | all | curproc
//	DUMPADM_ENABLE=yes		run savecore at boot: yes | no
//	DUMPADM_CSAVE=on		save compressed: on | off
//	DUMPADM_COMPRESSION=zstd	page compression: zstd | lzo | none
//	DUMPADM_LEVEL=1			compression level
//	DUMPADM_MINFREE=10%		free space savecore leaves (syntax:
//					common/minfree.h); empty: the savecore
//					directory's minfree file or 1 MiB
//
// The keys and their spellings are stable: savecore reads the file, and
// systemd's savecore.service reads it as an EnvironmentFile.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "common/minfree.h"

namespace pd {

struct DumpConfig {
	std::string device;
	bool swap = false;		// device is the swap partition (-d swap)
	std::string savedir;
	uint32_t content = 0;		// enum pd_content
	bool enable = true;
	bool csave = true;
	uint32_t compression = 0;	// enum pd_compression
	int32_t level = 1;
	std::optional<MinFree> minfree;	// dumpadm -m; unset: savecore's default

	bool operator==(const DumpConfig &) const = default;
};

// gethostname(), or "localhost" when it is unset (early initramfs).
std::string local_hostname();
std::string default_savedir(const std::string &hostname);
DumpConfig default_config(const std::string &hostname);

// Parses the file text; origin names it in errors ("<origin>:<line>: ...").
// Keys left out keep their defaults.
DumpConfig parse_config(std::string_view text, const std::string &origin,
			const std::string &hostname);
std::string format_config(const DumpConfig &cfg);

// "<root>/etc/dumpadm.conf"; root "" or "/" is the running system.
std::string config_path(const std::string &root);
// The file's settings, or the defaults when it does not exist yet.
DumpConfig load_config(const std::string &root);
// Creates <root>/etc if needed and replaces the file atomically.
void save_config(const std::string &root, const DumpConfig &cfg);

// Config and CLI spellings ("kernel", "zstd") and illumos's descriptions.
const char *content_name(uint32_t content);
const char *content_description(uint32_t content);
std::optional<uint32_t> parse_content(std::string_view s);
const char *compression_name(uint32_t compression);
std::optional<uint32_t> parse_compression(std::string_view s);
// "1..22": the zstd levels (PD_ZSTD_LEVEL_MIN..PD_ZSTD_LEVEL_MAX), for help
// texts and errors.
std::string zstd_level_range();
// Refuses a level pd_compression_level_ok() does not take, with a usage
// Error "<what> is out of range for zstd (1..22)"; what names the value
// as the user gave it ("--level 30", "<file>: DUMPADM_LEVEL=30").
void check_compression_level(uint32_t compression, int32_t level,
			     const std::string &what);

} // namespace pd

// SPDX-License-Identifier: GPL-2.0
// savecore as a library call: find the dump on the device (or an image of
// it), check it, write vmcore.N, System.map.N, dmesg.N and info.N, mark
// it SAVED.
#pragma once

#include <iosfwd>
#include <optional>
#include <string>

namespace pd {

enum class VmcoreFormat {
	Kdump,		// the kdump-compressed image as the module wrote it
	Elf,		// ELF64 ET_CORE, uncompressed, sparse
};

struct SaveOptions {
	bool verbose = false;		// -v
	bool disregard_saved = false;	// -d: save a SAVED dump again
	bool check_only = false;	// -C: report, write nothing
	bool clear = false;		// -c: discard the dump, save nothing
	std::string dumpfile;		// -f; default DUMPADM_DEVICE
	std::string directory;		// default DUMPADM_SAVDIR
	std::string config_root;	// where etc/dumpadm.conf is; "" = /
	bool syslog = true;		// log the panic string
	VmcoreFormat format = VmcoreFormat::Kdump;	// --format
	bool format_given = true;	// else DUMPADM_CSAVE=off means Elf
	bool progress = false;		// draw a progress line on err
	// DUMPADM_MINFREE from the environment; nullopt: unset, then the
	// savecore directory's minfree file applies.
	std::optional<std::string> minfree;
};

// Exit statuses.
enum SaveStatus {
	kSaveOk = 0,		// saved; -C: an unsaved dump is present
	kSaveNoDump = 1,	// nothing to save
	kSaveError = 2,		// corrupt dump, I/O error, bad usage
};

// Runs savecore; messages go to out (results) and err (warnings, errors),
// each prefixed "savecore: ".
int run_savecore(const SaveOptions &opts, std::ostream &out, std::ostream &err);

} // namespace pd

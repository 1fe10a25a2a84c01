// SPDX-License-Identifier: GPL-2.0
// dumpadm -d DEV: check the device, write the ARMED header into both copies
// and hand the capture module what it needs at panic time.
#pragma once

#include <cstdint>
#include <iosfwd>
#include <string>

#include "common/config.h"
#include "common/device_info.h"
#include "dumpadm/capture_module.h"
#include "dumpadm/kernel_image.h"
#include "dumpadm/symtab.h"
#include "dumpadm/system_state.h"
#include "pd_format.h"
#include "pd_ioctl.h"

namespace pd {

class DumpArea;

// The area of a device: its sectors rounded down to PD_BLOCK_SIZE.
uint64_t area_bytes_of(const BlockDevice &dev);

// Refuses a device holding an unsaved (COMPLETE) dump, or, when it has no
// panicdump header at all, one that holds a filesystem or the like.
void check_area_contents(const DumpArea &area, const std::string &user_path);

// The same for an active swap partition (dumpadm -d swap): it must carry
// the swap signature ("SWAPSPACE2" at 4086: a swap area of 4096-byte
// pages) and nothing else in its first 1024 bytes but zeros or a
// panicdump header. A dump left there (savecore did not run before
// swapon) has been given to paging since: warned about, not refused.
void check_swap_area_contents(const DumpArea &area, const std::string &user_path,
			      std::ostream &warn);

// Everything the header and the ARM request carry, already gathered.
struct ArmInputs {
	BlockDevice dev;
	uint64_t area_size = 0;
	uint32_t content = PD_CONTENT_KERNEL;
	uint32_t compression = PD_COMPRESS_ZSTD;
	int32_t level = 1;
	CrashNotes notes;
	Uuid nonce{};
	Uuid boot_id{};
	uint64_t arm_time = 0;
	std::string release;
	PhysRange kernel_image;		// from /proc/iomem; may be unknown
	// The runtime symbol table; empty text: the header gets no SYMTAB.
	SymbolTable symtab;
	// dumpadm -d swap: the header gets PD_COMPAT_SWAP; no symbol table.
	bool swap = false;
	// The area's open fd: the module writes the header through it, last.
	int dev_fd = -1;
};

// Pure: the sealed ARMED header (sequence 1) and the matching request.
// With a symbol table, the header gets a SYMTAB section of
// symtab_capacity() bytes at the end of the area (pd_header_add_symtab())
// whose length and crc32c describe the text; throws when the area is too
// small for it.
void build_arm(const ArmInputs &in, struct pd_header *h,
	       struct pd_arm_request *req);

// What dumpadm refuses to dump to, checked before anything else (the size
// estimate included): resolves device and refuses, naming the reason, a
// device that is not a supported controller's disk or partition (device-
// mapper, md, loop, nbd, USB, a regular file, ...), a disk with
// partitions, a device in use (mounted, held, swap unless swap is set and
// it is that swap partition) or smaller than PD_MIN_AREA_SIZE.
BlockDevice check_dump_device(const std::string &device, const SystemPaths &paths,
			      bool swap = false);

// The whole of dumpadm -d DEV with cfg's content and compression.
// Checks first and refuses with a message naming the device; writes only
// once every check passed. Warnings go to warn. swap: device is the active
// swap partition dumpadm -d swap chose; dumpadm writes nothing to it (the
// kernel refuses writes to active swap) and the module writes the
// header's 1024 bytes through the page cache.
void arm_device(const std::string &device, const DumpConfig &cfg,
		const SystemPaths &paths, std::ostream &warn, bool swap = false);
// The same with the module given (tests), not opened from paths.
void arm_device(const std::string &device, const DumpConfig &cfg,
		const SystemPaths &paths, std::ostream &warn, bool swap,
		CaptureModule &module);

// dumpadm -d none: PD_IOC_DISARM if the module is loaded.
void disarm_device(const SystemPaths &paths);

} // namespace pd

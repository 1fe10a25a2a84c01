// SPDX-License-Identifier: GPL-2.0
#include "dumpadm/arm.h"

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <ctime>
#include <fcntl.h>
#include <memory>
#include <ostream>
#include <sys/utsname.h>
#include <unistd.h>
#include <vector>

#include "common/dump_area.h"
#include "common/error.h"
#include "common/file_util.h"
#include "crc32c.h"
#include "dumpadm/capture_module.h"
#include "dumpadm/fs_signature.h"

namespace pd {

uint64_t area_bytes_of(const BlockDevice &dev)
{
	return dev.nr_sectors * PD_SECTOR_SIZE & ~uint64_t(PD_BLOCK_SIZE - 1);
}

static std::string format_time(uint64_t t)
{
	time_t tt = static_cast<time_t>(t);
	struct tm tm;
	char buf[64];

	if (!::gmtime_r(&tt, &tm) ||
	    !std::strftime(buf, sizeof(buf), "%Y-%m-%d %H:%M:%S UTC", &tm))
		return std::to_string(t);
	return buf;
}

void check_area_contents(const DumpArea &area, const std::string &user_path)
{
	HeaderPair hp = read_headers(area, 0);
	const HeaderCopy *best = hp.best();

	// DUMPING: the module died mid-dump; savecore still saves that.
	if (best && (best->h.state == PD_STATE_COMPLETE ||
		     best->h.state == PD_STATE_DUMPING))
		throw Error(user_path + " holds an unsaved " +
			    (best->h.state == PD_STATE_DUMPING ?
			     "incomplete dump (the capture module did not finish) " : "dump ") +
			    "from " +
			    format_time(best->h.crash_time) + " (" +
			    printable(best->h.panic_string,
				      sizeof(best->h.panic_string)) +
			    "); run savecore first (savecore -c discards it)");

	auto ours = [](const HeaderCopy &c) {
		return !std::memcmp(c.h.magic, PD_MAGIC, PD_MAGIC_LEN);
	};
	if (ours(hp.primary) || ours(hp.trailer))
		return;

	std::vector<uint8_t> buf(kSignatureProbeBytes);
	area.read(buf.data(), buf.size(), 0);
	if (auto what = detect_signature(buf.data(), buf.size()))
		throw Error(user_path + " contains " + *what +
			    "; a dump would overwrite it. If it is really meant for dumps, clear it first (e.g. wipefs -a " +
			    user_path + ")");
}

void check_swap_area_contents(const DumpArea &area, const std::string &user_path,
			      std::ostream &warn)
{
	std::vector<uint8_t> block(PD_BLOCK_SIZE);

	area.read(block.data(), block.size(), 0);
	if (std::memcmp(block.data() + PD_SWAP_MAGIC_OFFSET, PD_SWAP_MAGIC, PD_SWAP_MAGIC_LEN))
		throw Error(strprintf("%s: expected the swap signature \"%s\" at byte %u (a swap area of 4096-byte pages), found \"%s\"",
				      user_path.c_str(), PD_SWAP_MAGIC, PD_SWAP_MAGIC_OFFSET,
				      printable(reinterpret_cast<const char *>(block.data()) +
						PD_SWAP_MAGIC_OFFSET, PD_SWAP_MAGIC_LEN).c_str()));

	HeaderPair hp = read_headers(area, 0);
	const HeaderCopy *best = hp.best();
	if (best && (best->h.state == PD_STATE_COMPLETE ||
		     best->h.state == PD_STATE_DUMPING))
		warn << "dumpadm: warning: " << user_path << " held an unsaved dump from "
		     << format_time(best->h.crash_time) << " ("
		     << printable(best->h.panic_string, sizeof(best->h.panic_string))
		     << "), but it is active swap: paging has been overwriting it since swapon "
			"(savecore must run before swap is enabled; savecore.service does). Arming over it\n";
	if (!std::memcmp(hp.primary.h.magic, PD_MAGIC, PD_MAGIC_LEN))
		return;
	// The boot-block space the header goes into: zeros after mkswap.
	std::fill(block.begin() + PD_SWAP_BOOTBITS, block.end(), 0);
	if (auto what = detect_signature(block.data(), block.size()))
		throw Error(user_path + " is swap, but its first 1024 bytes (where the dump header goes) hold " + *what +
			    "; expected zeros, as mkswap leaves them");
	if (std::any_of(block.begin(), block.begin() + PD_SWAP_BOOTBITS,
			[](uint8_t b) { return b != 0; }))
		throw Error(user_path + " is swap, but its first 1024 bytes (where the dump header goes) are not zero; "
			    "expected zeros, as mkswap leaves them (something else uses the swap area's boot block)");
}

void build_arm(const ArmInputs &in, struct pd_header *h,
	       struct pd_arm_request *req)
{
	pd_header_init(h, in.area_size);
	std::memcpy(h->nonce, in.nonce.data(), sizeof(h->nonce));
	std::memcpy(h->boot_id, in.boot_id.data(), sizeof(h->boot_id));
	h->arm_time = in.arm_time;
	h->content = in.content;
	h->compression = in.compression;
	h->compression_level = in.level;
	h->nr_cpus = static_cast<uint32_t>(in.notes.addr.size());
	std::snprintf(h->release, sizeof(h->release), "%s", in.release.c_str());
	// A new arm: no copy of it exists yet.
	h->sequence = pd_header_next_sequence(nullptr, nullptr);
	if (in.swap)
		h->compat_features |= PD_COMPAT_SWAP;
	if (!in.symtab.text.empty() && !in.swap) {
		uint64_t cap = symtab_capacity(in.symtab.text.size());
		if (pd_header_add_symtab(h, cap))
			throw Error(strprintf("too small for the runtime symbol table: the area is %s, and the log (%s), "
					      "the symbol table (%s for %s of /proc/kallsyms) and at least %s of kdump image need %s",
					      human_size(in.area_size).c_str(),
					      human_size(PD_KDUMP_OFFSET - PD_LOG_OFFSET).c_str(),
					      human_size(cap).c_str(),
					      human_size(in.symtab.text.size()).c_str(),
					      human_size(PD_SYMTAB_MIN_KDUMP).c_str(),
					      human_size(PD_KDUMP_OFFSET + PD_SYMTAB_MIN_KDUMP +
							 cap + PD_BLOCK_SIZE).c_str()));
		struct pd_section *s = pd_header_section(h, PD_SECT_SYMTAB);
		s->length = in.symtab.text.size();
		s->crc32c = pd_crc32c(0, in.symtab.text.data(), in.symtab.text.size());
	}
	pd_header_seal(h);

	std::memset(req, 0, sizeof(*req));
	req->version = PD_ARM_VERSION;
	req->size = sizeof(*req);
	if (in.dev.pci) {
		req->pci_domain = in.dev.pci->domain;
		req->pci_bus = in.dev.pci->bus;
		req->pci_devfn = in.dev.pci->devfn;
	}
	req->start_sector = in.dev.start_sector;
	req->nr_sectors = in.area_size / PD_SECTOR_SIZE;
	req->unit = in.dev.nvme_or_ahci_unit();
	req->lba_size = in.dev.logical_block_size;
	req->max_xfer = in.dev.max_hw_bytes;
	req->dev_fd = in.dev_fd;
	req->kernel_phys_start = in.kernel_image.start;
	req->kernel_phys_end = in.kernel_image.end;
	req->header = *h;
	req->nr_cpus = static_cast<uint32_t>(in.notes.addr.size());
	for (size_t i = 0; i < in.notes.addr.size() && i < PD_MAX_CPUS; i++)
		req->crash_notes[i] = in.notes.addr[i];
}

// An O_EXCL open fails with EBUSY while the kernel holds the device
// (mounted, swap, md, dm). The capture module may hold it itself when we
// re-arm the device it is armed on; that is fine.
static void check_exclusive(const std::string &path, const BlockDevice &dev,
			    CaptureModule &module)
{
	int fd = ::open(path.c_str(), O_RDONLY | O_EXCL | O_CLOEXEC);

	if (fd >= 0) {
		::close(fd);
		return;
	}
	if (errno != EBUSY)
		throw_errno(path);

	struct pd_status st = module.status();
	if (st.armed && dev.pci && st.pci_domain == dev.pci->domain &&
	    st.pci_bus == dev.pci->bus && st.pci_devfn == dev.pci->devfn &&
	    st.start_sector == dev.start_sector)
		return;
	throw Error(path + " is busy: another user holds it exclusively; expected an unused device");
}

// /proc/kallsyms as a symbol table, or an empty one (with a warning) when
// it cannot be had: a dump without System.map is still a dump.
static SymbolTable gather_symtab(const SystemPaths &paths, std::ostream &warn)
{
	SymbolTable t;

	try {
		t = read_kallsyms(paths.proc);
	} catch (const Error &e) {
		warn << "dumpadm: warning: " << e.what()
		     << "; dumps will have no System.map\n";
		return {};
	}
	if (t.hidden) {
		warn << "dumpadm: warning: " << paths.proc
		     << "/kallsyms shows no addresses (kernel.kptr_restrict, or not root); dumps will have no System.map\n";
		return {};
	}
	if (t.text.empty()) {
		warn << "dumpadm: warning: " << paths.proc
		     << "/kallsyms lists no symbols; dumps will have no System.map\n";
		return {};
	}
	if (t.bad_lines)
		warn << strprintf("dumpadm: warning: %s/kallsyms: skipped %u lines not of the form \"address type name [module]\"\n",
				  paths.proc.c_str(), t.bad_lines);
	return t;
}

BlockDevice check_dump_device(const std::string &device, const SystemPaths &paths,
			      bool swap)
{
	BlockDevice dev = resolve_device_node(paths.sysfs, device);

	require_supported_controller(dev, device);
	if (swap && !is_active_swap(dev, paths.proc))
		throw Error(device + ": not an active swap partition (" + paths.proc +
			    "/swaps does not list it); expected the swap partition dumpadm -d swap chose");
	if (!dev.partition_names.empty()) {
		std::string parts;
		for (const auto &p : dev.partition_names)
			parts += (parts.empty() ? "" : ", ") + p;
		throw Error(device + " has partitions (" + parts +
			    "); expected a partition or an unpartitioned disk");
	}
	auto users = find_device_users(dev, paths.sysfs, paths.proc, swap);
	if (!users.empty()) {
		std::string list;
		for (const auto &u : users)
			list += (list.empty() ? "" : "; ") + u;
		throw Error(device + " is in use (" + list +
			    "); expected a dedicated, unused disk or partition on " +
			    kSupportedControllers);
	}
	uint64_t area = area_bytes_of(dev);
	if (area < PD_MIN_AREA_SIZE)
		throw Error(strprintf("%s: too small for a dump area (%s, need at least %s)",
				      device.c_str(), human_size(area).c_str(),
				      human_size(PD_MIN_AREA_SIZE).c_str()));
	return dev;
}

static void arm_checked_device(const std::string &device, BlockDevice dev,
			       const DumpConfig &cfg, const SystemPaths &paths,
			       std::ostream &warn, bool swap, CaptureModule &module);

void arm_device(const std::string &device, const DumpConfig &cfg,
		const SystemPaths &paths, std::ostream &warn, bool swap)
{
	// Where the area is and which controller serves it, then the
	// module, which must be there before anything is written.
	BlockDevice dev = check_dump_device(device, paths, swap);
	CaptureModule module = CaptureModule::open(paths.capture_dev);
	arm_checked_device(device, std::move(dev), cfg, paths, warn, swap, module);
}

void arm_device(const std::string &device, const DumpConfig &cfg,
		const SystemPaths &paths, std::ostream &warn, bool swap,
		CaptureModule &module)
{
	BlockDevice dev = check_dump_device(device, paths, swap);
	arm_checked_device(device, std::move(dev), cfg, paths, warn, swap, module);
}

static void arm_checked_device(const std::string &device, BlockDevice dev,
			       const DumpConfig &cfg, const SystemPaths &paths,
			       std::ostream &warn, bool swap, CaptureModule &module)
{
	ArmInputs in;

	in.dev = std::move(dev);
	in.swap = swap;
	in.area_size = area_bytes_of(in.dev);
	// Active swap is held exclusively and refuses writes (ETXTBSY): the
	// module writes its header.
	if (!swap)
		check_exclusive(device, in.dev, module);
	DumpArea area = DumpArea::open(device, swap ? OpenMode::ReadOnly : OpenMode::ReadWrite);
	if (area.area_size() != in.area_size)
		throw Error(strprintf("%s: the device reports %llu bytes but sysfs %s/size says %llu sectors",
				      device.c_str(),
				      (unsigned long long)area.device_size(),
				      in.dev.sysfs_path.c_str(),
				      (unsigned long long)in.dev.nr_sectors));
	if (swap)
		check_swap_area_contents(area, device, warn);
	else
		check_area_contents(area, device);

	// What the module needs at panic time.
	in.notes = read_crash_notes(paths.sysfs);
	if (in.notes.addr.size() > PD_MAX_CPUS)
		throw Error(strprintf("%zu CPUs: the capture module supports at most %u",
				      in.notes.addr.size(), PD_MAX_CPUS));
	if (!in.notes.found)
		throw Error(paths.sysfs + "/devices/system/cpu: no CPU has a crash_notes address; expected a kernel with crash support (CONFIG_KEXEC or CONFIG_CRASH_DUMP)");
	if (in.notes.found < in.notes.addr.size())
		warn << strprintf("dumpadm: warning: %zu of %zu CPUs have no crash_notes in sysfs; their registers will be missing from dumps\n",
				  in.notes.addr.size() - in.notes.found,
				  in.notes.addr.size());
	in.boot_id = read_boot_id(paths.proc);
	in.kernel_image = read_kernel_image_range(paths.proc);
	in.nonce = random_nonce();
	in.arm_time = static_cast<uint64_t>(::time(nullptr));
	struct utsname uts;
	if (::uname(&uts) == 0)
		in.release = uts.release;
	in.content = cfg.content;
	in.compression = cfg.compression;
	in.level = cfg.level;
	if (swap) {
		// The table would sit in swap slots, which are the kernel's
		// until the panic.
		warn << "dumpadm: note: " << device
		     << " is swap: dumps there carry no runtime symbol table (no System.map.N from savecore)\n";
	} else {
		in.symtab = gather_symtab(paths, warn);
	}

	in.dev_fd = area.fd();
	struct pd_header h;
	auto req = std::make_unique<struct pd_arm_request>();
	try {
		build_arm(in, &h, req.get());
	} catch (const Error &e) {
		throw Error(device + ": " + e.what(), e.kind());
	}

	// Checks done. The module writes the header, once it has checked and
	// allocated everything, so that a refused arm leaves the device and
	// the previous arm as they were; dumpadm writes nothing before it.
	// On swap, the header's 1024 bytes are all that is written.
	enable_post_notifiers(paths.sysfs);
	if (swap) {
		module.arm(*req);
		return;
	}
	module.arm(*req);
	// Armed: the symbol table (or a blank descriptor block, so that no
	// stale one is taken for this arm's). A panic before it is on the
	// device finds a block of another nonce, and savecore saves that
	// dump without System.map.
	std::vector<uint8_t> block(PD_BLOCK_SIZE, 0);
	if (const struct pd_section *s = find_section(h, PD_SECT_SYMTAB)) {
		struct pd_symtab_block b;
		build_symtab_block(h, in.symtab, &b);
		std::memcpy(block.data(), &b, sizeof(b));
		area.write(in.symtab.text.data(), in.symtab.text.size(), s->offset);
	}
	area.write(block.data(), block.size(), pd_symtab_block_offset(h.area_size));
	area.sync();
}

void disarm_device(const SystemPaths &paths)
{
	if (auto module = CaptureModule::try_open(paths.capture_dev))
		if (module->status().armed)
			module->disarm();
}

} // namespace pd

// SPDX-License-Identifier: GPL-2.0
#include "common/device_info.h"

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <dirent.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>

#include "common/error.h"
#include "common/file_util.h"

namespace pd {

static constexpr uint16_t kVirtioVendor = 0x1af4;
static constexpr uint16_t kVirtioBlkLegacy = 0x1001;
static constexpr uint16_t kVirtioBlkModern = 0x1042;
static constexpr uint32_t kPciClassNvme = 0x010802;
static constexpr uint32_t kPciClassAhci = 0x010601;

std::string PciFunction::address() const
{
	return strprintf("%04x:%02x:%02x.%x", domain, bus, devfn >> 3, devfn & 7);
}

bool BlockDevice::is_virtio_blk() const
{
	return pci && pci->vendor == kVirtioVendor &&
	       (pci->device == kVirtioBlkLegacy ||
		pci->device == kVirtioBlkModern);
}

bool BlockDevice::is_nvme() const
{
	return pci && pci->class_code == kPciClassNvme && nsid != 0;
}

bool BlockDevice::is_ahci() const
{
	return pci && pci->class_code == kPciClassAhci && ahci_port >= 0;
}

uint32_t BlockDevice::nvme_or_ahci_unit() const
{
	if (is_nvme())
		return nsid;
	return is_ahci() ? static_cast<uint32_t>(ahci_port) : 0;
}

bool BlockDevice::is_supported_controller() const
{
	return is_virtio_blk() || is_nvme() || is_ahci();
}

std::optional<PciFunction> parse_pci_address(const std::string &name)
{
	unsigned domain, bus, dev, fn;
	int end = 0;

	if (name.size() != 12 ||
	    std::sscanf(name.c_str(), "%4x:%2x:%2x.%1x%n", &domain, &bus, &dev,
			&fn, &end) != 4 || end != 12 || dev > 31 || fn > 7)
		return std::nullopt;
	for (size_t i : { 4, 7, 10 })
		if (name[i] != (i == 10 ? '.' : ':'))
			return std::nullopt;

	PciFunction pci;
	pci.domain = domain;
	pci.bus = static_cast<uint8_t>(bus);
	pci.devfn = static_cast<uint8_t>(dev << 3 | fn);
	return pci;
}

static std::vector<std::string> list_dir(const std::string &path)
{
	std::vector<std::string> names;
	DIR *d = ::opendir(path.c_str());

	if (!d)
		return names;
	while (struct dirent *e = ::readdir(d))
		if (e->d_name[0] != '.')
			names.emplace_back(e->d_name);
	::closedir(d);
	return names;
}

// Walks up from the disk's device link to its PCI function.
static std::optional<PciFunction> find_pci_function(const std::string &sysfs_root,
						    const std::string &disk_sysfs)
{
	std::string root = real_path(sysfs_root);
	std::string link = disk_sysfs + "/device";

	if (!path_exists(link))
		return std::nullopt;
	for (std::string p = real_path(link);
	     p.size() > root.size() && p.compare(0, root.size(), root) == 0;
	     p = path_dirname(p)) {
		auto pci = parse_pci_address(path_basename(p));
		if (!pci)
			continue;
		pci->sysfs_path = p;
		pci->vendor = static_cast<uint16_t>(read_attr_u64(p + "/vendor", 16));
		pci->device = static_cast<uint16_t>(read_attr_u64(p + "/device", 16));
		if (path_exists(p + "/class"))
			pci->class_code = static_cast<uint32_t>(read_attr_u64(p + "/class", 16));
		if (path_exists(p + "/driver"))
			pci->driver = path_basename(real_path(p + "/driver"));
		return pci;
	}
	return std::nullopt;
}

// libata numbers its ports from 1 ("ata3/ata_port/ata3/port_no"); AHCI
// port registers are indexed from 0 in the same order.
static int find_ata_port(const std::string &sysfs_root,
			 const std::string &disk_sysfs)
{
	std::string root = real_path(sysfs_root);
	std::string link = disk_sysfs + "/device";

	if (!path_exists(link))
		return -1;
	for (std::string p = real_path(link);
	     p.size() > root.size() && p.compare(0, root.size(), root) == 0;
	     p = path_dirname(p)) {
		std::string base = path_basename(p);
		std::string attr = p + "/ata_port/" + base + "/port_no";
		if (base.compare(0, 3, "ata") != 0 || !path_exists(attr))
			continue;
		uint64_t no = read_attr_u64(attr, 10);
		return no >= 1 && no <= 32 ? static_cast<int>(no - 1) : -1;
	}
	return -1;
}

BlockDevice resolve_block_device(const std::string &sysfs_root,
				 unsigned major, unsigned minor)
{
	BlockDevice dev;
	std::string link = strprintf("%s/dev/block/%u:%u", sysfs_root.c_str(),
				     major, minor);

	dev.major = major;
	dev.minor = minor;
	if (!path_exists(link))
		throw Error(strprintf("block device %u:%u is not in sysfs (%s)",
				      major, minor, link.c_str()));
	dev.sysfs_path = real_path(link);
	dev.name = path_basename(dev.sysfs_path);
	dev.nr_sectors = read_attr_u64(dev.sysfs_path + "/size", 10);
	dev.is_partition = path_exists(dev.sysfs_path + "/partition");
	if (dev.is_partition) {
		dev.disk_sysfs_path = path_dirname(dev.sysfs_path);
		dev.start_sector = read_attr_u64(dev.sysfs_path + "/start", 10);
	} else {
		dev.disk_sysfs_path = dev.sysfs_path;
		for (const auto &name : list_dir(dev.sysfs_path)) {
			std::string sub = dev.sysfs_path + "/" + name;
			if (!path_exists(sub + "/partition"))
				continue;
			dev.partition_names.push_back(name);
			dev.partition_devs.push_back(read_attr(sub + "/dev"));
		}
	}
	dev.disk_name = path_basename(dev.disk_sysfs_path);
	dev.pci = find_pci_function(sysfs_root, dev.disk_sysfs_path);
	dev.ahci_port = find_ata_port(sysfs_root, dev.disk_sysfs_path);
	if (path_exists(dev.disk_sysfs_path + "/nsid"))
		dev.nsid = static_cast<uint32_t>(read_attr_u64(dev.disk_sysfs_path + "/nsid", 10));
	std::string queue = dev.disk_sysfs_path + "/queue/";
	if (path_exists(queue + "logical_block_size"))
		dev.logical_block_size = static_cast<uint32_t>(
			read_attr_u64(queue + "logical_block_size", 10));
	if (path_exists(queue + "max_hw_sectors_kb"))
		dev.max_hw_bytes = static_cast<uint32_t>(
			read_attr_u64(queue + "max_hw_sectors_kb", 10) * 1024);
	return dev;
}

BlockDevice resolve_device_node(const std::string &sysfs_root,
				const std::string &user_path)
{
	struct stat st;

	if (::stat(user_path.c_str(), &st) < 0)
		throw_errno(user_path);
	if (S_ISREG(st.st_mode))
		throw Error(user_path + ": a regular file, not a block device: the capture module writes a disk or partition "
			    "through its controller at panic time, not a file in a filesystem; expected a whole disk or a partition "
			    "(e.g. /dev/vdb); supported: " + kSupportedControllers);
	if (!S_ISBLK(st.st_mode))
		throw Error(user_path + ": not a block device (expected a whole disk or a partition, e.g. /dev/vdb); supported: " +
			    kSupportedControllers);
	return resolve_block_device(sysfs_root, ::major(st.st_rdev),
				    ::minor(st.st_rdev));
}

std::string unsupported_kind(const BlockDevice &dev)
{
	const std::string &n = dev.disk_name;
	auto starts = [&](const char *p) { return n.rfind(p, 0) == 0; };

	if (starts("dm-"))
		return n + " is a device-mapper device (LVM, dm-crypt, multipath, dmsetup): its blocks map onto other devices, "
			   "and at panic time the capture module drives one disk's controller itself, below any mapping";
	if (starts("md"))
		return n + " is an md software RAID device: its blocks live on member disks that the capture module would have to "
			   "write as md does, at panic time";
	if (starts("loop"))
		return n + " is a loop device: its blocks are a file in a filesystem, which cannot be written at panic time";
	if (starts("nbd"))
		return n + " is a network block device: the capture module writes through a local disk controller, not the network";
	if (starts("zram") || starts("ram"))
		return n + " is a RAM disk: its contents do not survive the reboot";
	// A USB mass-storage disk sits below a USB host controller (.../usb2/2-1/...).
	for (size_t at = dev.disk_sysfs_path.find("/usb"); at != std::string::npos;
	     at = dev.disk_sysfs_path.find("/usb", at + 1))
		if (at + 4 < dev.disk_sysfs_path.size() &&
		    std::isdigit(static_cast<unsigned char>(dev.disk_sysfs_path[at + 4])))
			return n + " is a USB storage device: the capture module does not drive USB host controllers";
	return "";
}

void require_supported_controller(const BlockDevice &dev,
				  const std::string &user_path)
{
	if (dev.is_supported_controller())
		return;
	std::string kind = unsupported_kind(dev);
	if (!kind.empty())
		throw Error(user_path + ": unsupported device: " + kind + "; supported: " + kSupportedControllers);
	std::string what;
	if (dev.pci)
		what = strprintf("PCI %04x:%04x, driver %s", dev.pci->vendor,
				 dev.pci->device,
				 dev.pci->driver.empty() ? "none" :
				 dev.pci->driver.c_str());
	else
		what = "not behind a PCI function: " + dev.disk_sysfs_path;
	throw Error(user_path + ": unsupported controller (" + what +
		    "); supported: " + kSupportedControllers);
}

// Is path the block device dev itself? By device number when path exists
// here, else by its /dev name.
static bool same_device(const std::string &path, const BlockDevice &dev)
{
	struct stat st;

	if (::stat(path.c_str(), &st) == 0)
		return S_ISBLK(st.st_mode) && ::major(st.st_rdev) == dev.major &&
		       ::minor(st.st_rdev) == dev.minor;
	return path == "/dev/" + dev.name;
}

// Undoes the octal escapes of /proc/self/mounts ("\040" for a space).
static std::string unescape_mount_field(const std::string &s)
{
	auto octal = [](char c) { return c >= '0' && c <= '7'; };
	std::string out;

	for (size_t i = 0; i < s.size(); i++) {
		if (s[i] == '\\' && i + 3 < s.size() &&
		    octal(s[i + 1]) && octal(s[i + 2]) && octal(s[i + 3])) {
			out += static_cast<char>((s[i + 1] - '0') * 64 +
						 (s[i + 2] - '0') * 8 + (s[i + 3] - '0'));
			i += 3;
			continue;
		}
		out += s[i];
	}
	return out;
}

std::vector<std::string> find_device_users(const BlockDevice &dev,
					   const std::string &sysfs_root,
					   const std::string &proc_root,
					   bool own_swap)
{
	std::vector<std::string> names = dev.partition_names;
	std::vector<std::string> devnums = dev.partition_devs;
	std::vector<std::string> users;

	names.push_back(dev.name);
	devnums.push_back(strprintf("%u:%u", dev.major, dev.minor));

	// A source names the device by path (matched by device number when
	// it exists here, else by the /dev name).
	auto matches = [&](const std::string &source) {
		struct stat st;
		if (source.empty() || source[0] != '/')
			return false;
		if (::stat(source.c_str(), &st) == 0 && S_ISBLK(st.st_mode)) {
			std::string num = strprintf("%u:%u", ::major(st.st_rdev),
						    ::minor(st.st_rdev));
			if (std::find(devnums.begin(), devnums.end(), num) != devnums.end())
				return true;
		}
		return source.compare(0, 5, "/dev/") == 0 &&
		       std::find(names.begin(), names.end(),
				 path_basename(source)) != names.end();
	};

	auto scan = [&](const std::string &file, bool swaps) {
		auto text = read_file_if_exists(file);
		if (!text)
			return;
		size_t pos = 0;
		bool header = swaps;	// /proc/swaps starts with a title line
		while (pos < text->size()) {
			size_t nl = text->find('\n', pos);
			std::string line = text->substr(pos, nl - pos);
			pos = nl == std::string::npos ? text->size() : nl + 1;
			if (header) {
				header = false;
				continue;
			}
			char src[4096], dst[4096];
			if (std::sscanf(line.c_str(), "%4095s %4095s", src, dst) < 1)
				continue;
			std::string source = unescape_mount_field(src);
			if (!matches(source))
				continue;
			if (swaps && own_swap && same_device(source, dev))
				continue;
			users.push_back(swaps ? source + " is in use as swap (to dump to the active swap partition: dumpadm -d swap)" :
					source + " is mounted on " +
					unescape_mount_field(dst));
		}
	};
	scan(proc_root + "/self/mounts", false);
	scan(proc_root + "/swaps", true);

	for (size_t i = 0; i < names.size(); i++) {
		std::string holders = sysfs_root + "/dev/block/" + devnums[i] + "/holders";
		for (const auto &h : list_dir(holders))
			users.push_back("/dev/" + names[i] + " is held by " + h);
	}
	return users;
}

std::vector<SwapEntry> read_swaps(const std::string &proc_root)
{
	std::vector<SwapEntry> out;
	auto text = read_file_if_exists(proc_root + "/swaps");

	if (!text)
		return out;
	size_t pos = text->find('\n');	// the title line
	while (pos != std::string::npos && pos + 1 < text->size()) {
		size_t nl = text->find('\n', pos + 1);
		std::string line = text->substr(pos + 1, nl == std::string::npos ? std::string::npos : nl - pos - 1);
		pos = nl;
		char name[4096], type[32];
		unsigned long long size = 0, used = 0;
		int prio = 0;
		if (std::sscanf(line.c_str(), "%4095s %31s %llu %llu %d", name, type,
				&size, &used, &prio) < 2)
			continue;
		SwapEntry e;
		e.path = unescape_mount_field(name);
		e.partition = std::string(type) == "partition";
		e.size_kib = size;
		e.priority = prio;
		out.push_back(e);
	}
	return out;
}

SwapChoice choose_swap_partition(const std::string &proc_root)
{
	std::vector<SwapEntry> swaps = read_swaps(proc_root);
	std::string where = proc_root + "/swaps";
	const SwapEntry *best = nullptr;
	std::string files;
	unsigned parts = 0;

	for (const auto &e : swaps) {
		if (!e.partition) {
			files += (files.empty() ? "" : ", ") + e.path;
			continue;
		}
		parts++;
		if (!best || e.size_kib > best->size_kib)
			best = &e;
	}
	if (!best && files.empty())
		throw Error("-d swap: no swap is active (" + where +
			    " lists none); enable a swap partition first (swapon), or give a dedicated device (-d /dev/vdb)");
	if (!best)
		throw Error("-d swap: the active swap is a file (" + files +
			    "): panicdump writes a disk or partition through its controller, not a file in a filesystem; "
			    "expected a swap partition, or give a dedicated device (-d /dev/vdb)");
	SwapChoice c;
	c.path = best->path;
	c.why = parts == 1 ? "the active swap partition" :
		strprintf("the largest of %u active swap partitions in %s", parts, where.c_str());
	if (!files.empty())
		c.why += "; swap files are never used (" + files + ")";
	return c;
}

bool is_active_swap(const BlockDevice &dev, const std::string &proc_root)
{
	for (const auto &e : read_swaps(proc_root))
		if (e.partition && same_device(e.path, dev))
			return true;
	return false;
}

bool path_is_active_swap(const std::string &path, const std::string &proc_root)
{
	struct stat st;

	if (::stat(path.c_str(), &st) < 0 || !S_ISBLK(st.st_mode))
		return false;
	BlockDevice dev;
	dev.major = ::major(st.st_rdev);
	dev.minor = ::minor(st.st_rdev);
	dev.name = path_basename(path);
	return is_active_swap(dev, proc_root);
}

} // namespace pd

// SPDX-License-Identifier: GPL-2.0
// Resolves a block device to what the capture module needs: the PCI
// function of its controller and the area's sectors on the whole disk.
// Everything comes from sysfs under an injectable root, so the tests run
// against a fake tree in a temporary directory.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace pd {

struct PciFunction {
	uint32_t domain = 0;
	uint8_t bus = 0;
	uint8_t devfn = 0;		// device << 3 | function
	uint16_t vendor = 0;
	uint16_t device = 0;
	uint32_t class_code = 0;	// 0x010802 for NVMe
	std::string driver;		// "virtio-pci", "ahci"; "" if unbound
	std::string sysfs_path;

	std::string address() const;	// "0000:00:04.0"
};

struct BlockDevice {
	unsigned major = 0;
	unsigned minor = 0;
	std::string name;		// "vdb1"
	std::string sysfs_path;		// realpath of /sys/dev/block/M:m
	bool is_partition = false;
	std::string disk_name;		// "vdb"
	std::string disk_sysfs_path;
	uint64_t start_sector = 0;	// on the whole disk, 512-byte units
	uint64_t nr_sectors = 0;
	// Device numbers ("M:m") and names of the partitions of a whole disk.
	std::vector<std::string> partition_devs;
	std::vector<std::string> partition_names;
	std::optional<PciFunction> pci;	// none: not behind a PCI function
	uint32_t nsid = 0;		// NVMe namespace of the disk, else 0
	int ahci_port = -1;		// AHCI port of a SATA disk, else -1
	uint32_t logical_block_size = 512;
	uint32_t max_hw_bytes = 0;	// per-command limit; 0 if unknown

	bool is_virtio_blk() const;
	bool is_nvme() const;
	bool is_ahci() const;
	// What the capture module calls the unit: namespace or port.
	uint32_t nvme_or_ahci_unit() const;
	bool is_supported_controller() const;
};

// Reads <sysfs_root>/dev/block/<major>:<minor> and what it links to.
BlockDevice resolve_block_device(const std::string &sysfs_root,
				 unsigned major, unsigned minor);

// stat()s a device node and resolves it; refuses anything but a block
// device. user_path is the name the user gave, for messages.
BlockDevice resolve_device_node(const std::string &sysfs_root,
				const std::string &user_path);

// The controllers the capture module drives, for refusals.
inline constexpr const char *kSupportedControllers = "virtio-blk, NVMe, AHCI (SATA)";

// Why a device that is no supported controller's disk cannot be one: a
// device-mapper, md, loop, nbd, RAM or USB disk ("dm-0 is a device-mapper
// device (...): ..."); "" for anything else.
std::string unsupported_kind(const BlockDevice &dev);

// Throws "<user_path>: unsupported device: <kind>; supported: ..." or
// "<user_path>: unsupported controller (...); supported: ...".
void require_supported_controller(const BlockDevice &dev,
				  const std::string &user_path);

// Parses "DDDD:BB:DD.F"; nullopt when the name is not a PCI address.
std::optional<PciFunction> parse_pci_address(const std::string &name);

// Who holds the device or one of its partitions: mounts, swap, holders
// (device mapper, md). Empty when it is free. proc_root is usually /proc.
// own_swap: the device itself being active swap is not a use (dumpadm
// -d swap); its partitions' swap still is.
std::vector<std::string> find_device_users(const BlockDevice &dev,
					   const std::string &sysfs_root,
					   const std::string &proc_root,
					   bool own_swap = false);

// One line of <proc>/swaps.
struct SwapEntry {
	std::string path;		// unescaped Filename column
	bool partition = false;		// Type "partition" (else "file")
	uint64_t size_kib = 0;
	int priority = 0;
};
std::vector<SwapEntry> read_swaps(const std::string &proc_root);

// What dumpadm -d swap dumps to: the largest active swap partition, the
// first listed in /proc/swaps on a tie. Throws, naming /proc/swaps and
// what it lists, when there is none (no swap, or only swap files).
// why says which it chose out of how many.
struct SwapChoice {
	std::string path;
	std::string why;
};
SwapChoice choose_swap_partition(const std::string &proc_root);

// Is dev (its own device number, not a partition's) active swap?
bool is_active_swap(const BlockDevice &dev, const std::string &proc_root);
// The same for a device node (false for anything else).
bool path_is_active_swap(const std::string &path, const std::string &proc_root);

} // namespace pd

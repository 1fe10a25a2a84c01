// SPDX-License-Identifier: GPL-2.0
// What dumpadm refuses to dump to, on fake sysfs trees as the kernel lays
// them out: device-mapper, md, loop, nbd and RAM disks (virtual, no
// controller), a USB-attached SCSI disk, a regular file, a device in use.
// Each message names the reason and the supported controllers.
#include <gtest/gtest.h>

#include "common/device_info.h"
#include "common/error.h"
#include "dumpadm/arm.h"
#include "test_util.h"

namespace {

using pdtest::symlink_to;
using pdtest::write_text;

constexpr const char *kTail = "; supported: virtio-blk, NVMe, AHCI (SATA)";

class Refusals : public ::testing::Test {
protected:
	void SetUp() override
	{
		// Virtual block devices: /sys/devices/virtual/block/NAME.
		virtual_disk("dm-0", "254:0", "65536");
		write_text(sys() + "/devices/virtual/block/dm-0/dm/name", "vg-dump\n");
		virtual_disk("md127", "9:127", "65536");
		write_text(sys() + "/devices/virtual/block/md127/md/level", "raid1\n");
		virtual_disk("loop0", "7:0", "65536");
		write_text(sys() + "/devices/virtual/block/loop0/loop/backing_file", "/var/dump.img\n");
		virtual_disk("nbd0", "43:0", "65536");
		virtual_disk("zram0", "252:0", "65536");

		// A USB stick: xHCI at 0000:00:14.0, usb-storage below it.
		std::string x = sys() + "/devices/pci0000:00/0000:00:14.0";
		write_text(x + "/vendor", "0x8086\n");
		write_text(x + "/device", "0xa36d\n");
		write_text(x + "/class", "0x0c0330\n");
		std::string scsi = x + "/usb2/2-1/2-1:1.0/host4/target4:0:0/4:0:0:0";
		std::string sdb = scsi + "/block/sdb";
		write_text(sdb + "/size", "1048576\n");
		write_text(sdb + "/dev", "8:16\n");
		symlink_to("../../../4:0:0:0", sdb + "/device");
		symlink_to("../../devices/pci0000:00/0000:00:14.0/usb2/2-1/2-1:1.0/host4/target4:0:0/4:0:0:0/block/sdb",
			   sys() + "/dev/block/8:16");
		write_text(sdb + "/sdb1/partition", "1\n");
		write_text(sdb + "/sdb1/start", "2048\n");
		write_text(sdb + "/sdb1/size", "1046528\n");
		write_text(sdb + "/sdb1/dev", "8:17\n");
		symlink_to("../../devices/pci0000:00/0000:00:14.0/usb2/2-1/2-1:1.0/host4/target4:0:0/4:0:0:0/block/sdb/sdb1",
			   sys() + "/dev/block/8:17");

		// A supported disk (virtio-blk) held by dm-0, and a small one.
		std::string vf = sys() + "/devices/pci0000:00/0000:00:04.0";
		write_text(vf + "/vendor", "0x1af4\n");
		write_text(vf + "/device", "0x1042\n");
		std::string vdb = vf + "/virtio1/block/vdb";
		write_text(vdb + "/size", "2097152\n");
		write_text(vdb + "/dev", "253:16\n");
		symlink_to("../../../virtio1", vdb + "/device");
		symlink_to("../../devices/pci0000:00/0000:00:04.0/virtio1/block/vdb", sys() + "/dev/block/253:16");
		write_text(vdb + "/holders/dm-0/x", "");
		std::string vdc = vf + "/virtio2/block/vdc";
		write_text(vdc + "/size", "4096\n");	// 2 MiB
		write_text(vdc + "/dev", "253:32\n");
		symlink_to("../../../virtio2", vdc + "/device");
		symlink_to("../../devices/pci0000:00/0000:00:04.0/virtio2/block/vdc", sys() + "/dev/block/253:32");

		write_text(proc() + "/self/mounts", "");
		write_text(proc() + "/swaps", "Filename\tType\tSize\tUsed\tPriority\n");
		paths.sysfs = sys();
		paths.proc = proc();
	}

	void virtual_disk(const std::string &name, const std::string &devnum, const std::string &size)
	{
		std::string d = sys() + "/devices/virtual/block/" + name;
		write_text(d + "/size", size + "\n");
		write_text(d + "/dev", devnum + "\n");
		symlink_to("../../devices/virtual/block/" + name, sys() + "/dev/block/" + devnum);
	}

	// The refusal for major:minor under the name /dev/<name>.
	std::string refusal(unsigned major, unsigned minor, const std::string &path)
	{
		try {
			pd::BlockDevice d = pd::resolve_block_device(sys(), major, minor);
			pd::require_supported_controller(d, path);
		} catch (const pd::Error &e) {
			return e.what();
		}
		return "";
	}

	std::string sys() const { return tmp / "sys"; }
	std::string proc() const { return tmp / "proc"; }

	pdtest::TempDir tmp;
	pd::SystemPaths paths;
};

} // namespace

TEST_F(Refusals, DeviceMapper)
{
	EXPECT_EQ(refusal(254, 0, "/dev/mapper/vg-dump"),
		  std::string("/dev/mapper/vg-dump: unsupported device: dm-0 is a device-mapper device (LVM, dm-crypt, multipath, dmsetup): "
			      "its blocks map onto other devices, and at panic time the capture module drives one disk's controller itself, "
			      "below any mapping") + kTail);
}

TEST_F(Refusals, Md)
{
	EXPECT_EQ(refusal(9, 127, "/dev/md127"),
		  std::string("/dev/md127: unsupported device: md127 is an md software RAID device: its blocks live on member disks "
			      "that the capture module would have to write as md does, at panic time") + kTail);
}

TEST_F(Refusals, Loop)
{
	EXPECT_EQ(refusal(7, 0, "/dev/loop0"),
		  std::string("/dev/loop0: unsupported device: loop0 is a loop device: its blocks are a file in a filesystem, "
			      "which cannot be written at panic time") + kTail);
}

TEST_F(Refusals, Nbd)
{
	EXPECT_EQ(refusal(43, 0, "/dev/nbd0"),
		  std::string("/dev/nbd0: unsupported device: nbd0 is a network block device: the capture module writes through "
			      "a local disk controller, not the network") + kTail);
}

TEST_F(Refusals, RamDisk)
{
	EXPECT_EQ(refusal(252, 0, "/dev/zram0"),
		  std::string("/dev/zram0: unsupported device: zram0 is a RAM disk: its contents do not survive the reboot") + kTail);
}

TEST_F(Refusals, UsbStorageDiskAndPartition)
{
	pd::BlockDevice d = pd::resolve_block_device(sys(), 8, 16);
	ASSERT_TRUE(d.pci);
	EXPECT_EQ(d.pci->address(), "0000:00:14.0");
	const std::string why = "sdb is a USB storage device: the capture module does not drive USB host controllers";
	EXPECT_EQ(refusal(8, 16, "/dev/sdb"), "/dev/sdb: unsupported device: " + why + kTail);
	EXPECT_EQ(refusal(8, 17, "/dev/sdb1"), "/dev/sdb1: unsupported device: " + why + kTail);
}

TEST_F(Refusals, SupportedDiskIsNotRefusedHere)
{
	EXPECT_EQ(refusal(253, 16, "/dev/vdb"), "");
	EXPECT_EQ(pd::unsupported_kind(pd::resolve_block_device(sys(), 253, 16)), "");
}

TEST_F(Refusals, RegularFileAndOtherNodes)
{
	write_text(tmp / "dump.img", "");
	try {
		pd::resolve_device_node(sys(), tmp / "dump.img");
		FAIL() << "accepted a regular file";
	} catch (const pd::Error &e) {
		EXPECT_EQ(std::string(e.what()), tmp / "dump.img" +
			  ": a regular file, not a block device: the capture module writes a disk or partition through its controller "
			  "at panic time, not a file in a filesystem; expected a whole disk or a partition (e.g. /dev/vdb)" + kTail);
	}
	try {
		pd::resolve_device_node(sys(), "/dev/null");
		FAIL() << "accepted /dev/null";
	} catch (const pd::Error &e) {
		EXPECT_EQ(std::string(e.what()), std::string("/dev/null: not a block device (expected a whole disk or a partition, e.g. /dev/vdb)") + kTail);
	}
}

// dm-0 holds vdb: refused as in use (device numbers under /dev do not
// exist here, so check_dump_device is fed through the pieces it uses).
TEST_F(Refusals, HeldMountedSwap)
{
	pd::BlockDevice vdb = pd::resolve_block_device(sys(), 253, 16);
	auto users = pd::find_device_users(vdb, sys(), proc());
	ASSERT_EQ(users.size(), 1u);
	EXPECT_EQ(users[0], "/dev/vdb is held by dm-0");

	::unlink((sys() + "/devices/pci0000:00/0000:00:04.0/virtio1/block/vdb/holders/dm-0/x").c_str());
	::rmdir((sys() + "/devices/pci0000:00/0000:00:04.0/virtio1/block/vdb/holders/dm-0").c_str());
	write_text(proc() + "/self/mounts", "/dev/vdb /srv xfs rw 0 0\n");
	users = pd::find_device_users(vdb, sys(), proc());
	ASSERT_EQ(users.size(), 1u);
	EXPECT_EQ(users[0], "/dev/vdb is mounted on /srv");

	write_text(proc() + "/self/mounts", "");
	write_text(proc() + "/swaps", "Filename\tType\tSize\tUsed\tPriority\n/dev/vdb partition 1048572 0 -2\n");
	users = pd::find_device_users(vdb, sys(), proc());
	ASSERT_EQ(users.size(), 1u);
	EXPECT_EQ(users[0], "/dev/vdb is in use as swap (to dump to the active swap partition: dumpadm -d swap)");
	EXPECT_TRUE(pd::find_device_users(vdb, sys(), proc(), true).empty());
}

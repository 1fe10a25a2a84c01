// SPDX-License-Identifier: GPL-2.0
// common/device_info against a fake sysfs tree: a virtio-blk disk with a
// partition, an AHCI disk and a loop device.
#include <gtest/gtest.h>

#include "common/device_info.h"
#include "common/error.h"
#include "test_util.h"

namespace {

using pdtest::symlink_to;
using pdtest::write_text;

class FakeSysfs : public ::testing::Test {
protected:
	void SetUp() override
	{
		std::string sys = tmp.path() + "/sys";
		std::string pci = sys + "/devices/pci0000:00";

		// virtio-blk (legacy device id) at 0000:00:04.0: vdb, vdb1.
		std::string vf = pci + "/0000:00:04.0";
		write_text(vf + "/vendor", "0x1af4\n");
		write_text(vf + "/device", "0x1001\n");
		write_text(sys + "/bus/pci/drivers/virtio-pci/bind", "");
		symlink_to("../../../bus/pci/drivers/virtio-pci", vf + "/driver");
		std::string vdb = vf + "/virtio1/block/vdb";
		write_text(vdb + "/size", "2097152\n");
		write_text(vdb + "/dev", "253:16\n");
		symlink_to("../../../virtio1", vdb + "/device");
		write_text(vdb + "/vdb1/partition", "1\n");
		write_text(vdb + "/vdb1/start", "2048\n");
		write_text(vdb + "/vdb1/size", "1048576\n");
		write_text(vdb + "/vdb1/dev", "253:17\n");
		symlink_to("../../devices/pci0000:00/0000:00:04.0/virtio1/block/vdb",
			   sys + "/dev/block/253:16");
		symlink_to("../../devices/pci0000:00/0000:00:04.0/virtio1/block/vdb/vdb1",
			   sys + "/dev/block/253:17");

		// AHCI at 0000:00:1f.2: sda.
		std::string af = pci + "/0000:00:1f.2";
		write_text(af + "/vendor", "0x8086\n");
		write_text(af + "/device", "0x2922\n");
		write_text(sys + "/bus/pci/drivers/ahci/bind", "");
		symlink_to("../../../bus/pci/drivers/ahci", af + "/driver");
		std::string sda = af + "/ata1/host0/target0:0:0/0:0:0:0/block/sda";
		write_text(sda + "/size", "4194304\n");
		write_text(sda + "/dev", "8:0\n");
		symlink_to("../../../0:0:0:0", sda + "/device");
		symlink_to("../../devices/pci0000:00/0000:00:1f.2/ata1/host0/target0:0:0/0:0:0:0/block/sda",
			   sys + "/dev/block/8:0");

		// loop0: no device link at all.
		write_text(sys + "/devices/virtual/block/loop0/size", "8192\n");
		symlink_to("../../devices/virtual/block/loop0", sys + "/dev/block/7:0");
	}

	std::string sys() const { return tmp.path() + "/sys"; }

	pdtest::TempDir tmp;
};

} // namespace

TEST_F(FakeSysfs, WholeDisk)
{
	pd::BlockDevice d = pd::resolve_block_device(sys(), 253, 16);

	EXPECT_EQ(d.name, "vdb");
	EXPECT_EQ(d.disk_name, "vdb");
	EXPECT_FALSE(d.is_partition);
	EXPECT_EQ(d.start_sector, 0u);
	EXPECT_EQ(d.nr_sectors, 2097152u);
	EXPECT_EQ(d.partition_names, std::vector<std::string>{ "vdb1" });
	EXPECT_EQ(d.partition_devs, std::vector<std::string>{ "253:17" });
	ASSERT_TRUE(d.pci);
	EXPECT_EQ(d.pci->domain, 0u);
	EXPECT_EQ(d.pci->bus, 0u);
	EXPECT_EQ(d.pci->devfn, 4u << 3);
	EXPECT_EQ(d.pci->address(), "0000:00:04.0");
	EXPECT_EQ(d.pci->vendor, 0x1af4);
	EXPECT_EQ(d.pci->device, 0x1001);
	EXPECT_EQ(d.pci->driver, "virtio-pci");
	EXPECT_TRUE(d.is_virtio_blk());
	EXPECT_NO_THROW(pd::require_supported_controller(d, "/dev/vdb"));
}

TEST_F(FakeSysfs, Partition)
{
	pd::BlockDevice d = pd::resolve_block_device(sys(), 253, 17);

	EXPECT_EQ(d.name, "vdb1");
	EXPECT_TRUE(d.is_partition);
	EXPECT_EQ(d.disk_name, "vdb");
	EXPECT_EQ(d.start_sector, 2048u);
	EXPECT_EQ(d.nr_sectors, 1048576u);
	EXPECT_TRUE(d.partition_names.empty());
	ASSERT_TRUE(d.pci);
	EXPECT_EQ(d.pci->address(), "0000:00:04.0");
	EXPECT_TRUE(d.is_virtio_blk());
}

TEST_F(FakeSysfs, NonVirtioRefused)
{
	pd::BlockDevice d = pd::resolve_block_device(sys(), 8, 0);

	ASSERT_TRUE(d.pci);
	EXPECT_EQ(d.pci->address(), "0000:00:1f.2");
	EXPECT_EQ(d.pci->devfn, (0x1f << 3) | 2);
	EXPECT_FALSE(d.is_virtio_blk());
	try {
		pd::require_supported_controller(d, "/dev/sda");
		FAIL() << "accepted AHCI";
	} catch (const pd::Error &e) {
		EXPECT_STREQ(e.what(), "/dev/sda: unsupported controller (PCI 8086:2922, driver ahci); supported: virtio-blk, NVMe, AHCI (SATA)");
	}

	pd::BlockDevice loop = pd::resolve_block_device(sys(), 7, 0);
	EXPECT_FALSE(loop.pci);
	EXPECT_THROW(pd::require_supported_controller(loop, "/dev/loop0"), pd::Error);
}

TEST_F(FakeSysfs, ModernVirtioAccepted)
{
	write_text(sys() + "/devices/pci0000:00/0000:00:04.0/device", "0x1042\n");
	EXPECT_TRUE(pd::resolve_block_device(sys(), 253, 16).is_virtio_blk());
	write_text(sys() + "/devices/pci0000:00/0000:00:04.0/device", "0x1000\n");	// virtio-net
	EXPECT_FALSE(pd::resolve_block_device(sys(), 253, 16).is_virtio_blk());
}

TEST_F(FakeSysfs, UnknownDeviceNumber)
{
	EXPECT_THROW(pd::resolve_block_device(sys(), 259, 0), pd::Error);
}

TEST_F(FakeSysfs, UsersMountsSwapHolders)
{
	std::string proc = tmp.path() + "/proc";
	pd::BlockDevice disk = pd::resolve_block_device(sys(), 253, 16);
	pd::BlockDevice part = pd::resolve_block_device(sys(), 253, 17);

	write_text(proc + "/self/mounts", "proc /proc proc rw 0 0\n/dev/vda1 / ext4 rw 0 0\n");
	write_text(proc + "/swaps", "Filename\tType\tSize\tUsed\tPriority\n");
	EXPECT_TRUE(pd::find_device_users(part, sys(), proc).empty());
	EXPECT_TRUE(pd::find_device_users(disk, sys(), proc).empty());

	write_text(proc + "/self/mounts", "/dev/vdb1 /mnt/my\\040data ext4 rw 0 0\n");
	auto users = pd::find_device_users(disk, sys(), proc);
	ASSERT_EQ(users.size(), 1u);
	EXPECT_EQ(users[0], "/dev/vdb1 is mounted on /mnt/my data");
	EXPECT_EQ(pd::find_device_users(part, sys(), proc).size(), 1u);

	write_text(proc + "/self/mounts", "");
	write_text(proc + "/swaps", "Filename\tType\tSize\tUsed\tPriority\n/dev/vdb1 partition 1000 0 -2\n");
	users = pd::find_device_users(part, sys(), proc);
	ASSERT_EQ(users.size(), 1u);
	EXPECT_EQ(users[0], "/dev/vdb1 is in use as swap (to dump to the active swap partition: dumpadm -d swap)");

	write_text(proc + "/swaps", "Filename\tType\tSize\tUsed\tPriority\n");
	write_text(sys() + "/devices/pci0000:00/0000:00:04.0/virtio1/block/vdb/vdb1/holders/dm-0/x", "");
	users = pd::find_device_users(disk, sys(), proc);
	ASSERT_EQ(users.size(), 1u);
	EXPECT_EQ(users[0], "/dev/vdb1 is held by dm-0");
}

TEST(PciAddress, Parse)
{
	auto p = pd::parse_pci_address("0001:02:1f.7");
	ASSERT_TRUE(p);
	EXPECT_EQ(p->domain, 1u);
	EXPECT_EQ(p->bus, 2u);
	EXPECT_EQ(p->devfn, (0x1f << 3) | 7);
	EXPECT_FALSE(pd::parse_pci_address("virtio1"));
	EXPECT_FALSE(pd::parse_pci_address("pci0000:00"));
	EXPECT_FALSE(pd::parse_pci_address("0000:00:20.0"));	// device > 31
	EXPECT_FALSE(pd::parse_pci_address("0000:00:04.8"));
	EXPECT_FALSE(pd::parse_pci_address("0000-00:04.0"));
}

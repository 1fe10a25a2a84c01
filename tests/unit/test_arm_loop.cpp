// SPDX-License-Identifier: GPL-2.0
// dumpadm's whole arm path on a real block device: a loop device over a
// temporary file, described by a fake sysfs as a virtio-blk disk. A
// regular file stands in for /dev/panicdump, so the last step, the ioctl,
// fails with ENOTTY; everything before it runs for real. Skipped where
// loop devices are not available (not root, no /dev/loop-control).
#include <gtest/gtest.h>

#include <cstring>
#include <fcntl.h>
#include <linux/loop.h>
#include <sstream>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/config.h"
#include "common/dump_area.h"
#include "common/error.h"
#include "common/file_util.h"
#include "dumpadm/arm.h"
#include "test_util.h"

namespace {

constexpr uint64_t kSize = 16ULL << 20;

// /proc/kallsyms as the kernel prints it: core symbols sorted, module
// symbols after them with their module, not in address order.
constexpr const char *kKallsyms =
	"ffffffff9e000000 T _text\n"
	"ffffffff9e000000 T startup_64\n"
	"ffffffffa0015740 D page_offset_base\n"
	"ffffffffa2030000 B _end\n"
	"ffffffffc0315450 b pd_entered\t[panicdump]\n"
	"ffffffffc027b000 t vp_modern_remove\t[virtio_pci_modern_dev]\n";

// Attaches a backing file to a free loop device; detaches on destruction.
class LoopDevice {
public:
	explicit LoopDevice(const std::string &backing)
	{
		int ctl = ::open("/dev/loop-control", O_RDWR | O_CLOEXEC);
		if (ctl < 0)
			return;
		int n = ::ioctl(ctl, LOOP_CTL_GET_FREE);
		::close(ctl);
		if (n < 0)
			return;
		std::string path = "/dev/loop" + std::to_string(n);
		int fd = ::open(path.c_str(), O_RDWR | O_CLOEXEC);
		int file = ::open(backing.c_str(), O_RDWR | O_CLOEXEC);
		if (fd >= 0 && file >= 0 && ::ioctl(fd, LOOP_SET_FD, file) == 0) {
			fd_ = fd;
			path_ = path;
			minor_ = static_cast<unsigned>(n);
		} else if (fd >= 0) {
			::close(fd);
		}
		if (file >= 0)
			::close(file);
	}
	~LoopDevice()
	{
		if (fd_ >= 0) {
			::ioctl(fd_, LOOP_CLR_FD, 0);
			::close(fd_);
		}
	}

	bool ok() const { return fd_ >= 0; }
	const std::string &path() const { return path_; }
	unsigned minor() const { return minor_; }

private:
	int fd_ = -1;
	std::string path_;
	unsigned minor_ = 0;
};

class ArmOnLoop : public ::testing::Test {
protected:
	void SetUp() override
	{
		pdtest::write_bytes(tmp / "backing", std::vector<uint8_t>(kSize, 0));
		loop = std::make_unique<LoopDevice>(tmp / "backing");
		if (!loop->ok())
			GTEST_SKIP() << "no loop device available";

		// The loop device's number, described as a virtio-blk disk.
		std::string sys = tmp / "sys";
		std::string fn = sys + "/devices/pci0000:00/0000:00:05.0";
		pdtest::write_text(fn + "/vendor", "0x1af4\n");
		pdtest::write_text(fn + "/device", "0x1042\n");
		std::string disk = fn + "/virtio2/block/vdb";
		pdtest::write_text(disk + "/size", std::to_string(kSize / 512) + "\n");
		pdtest::write_text(disk + "/dev", "7:" + std::to_string(loop->minor()) + "\n");
		pdtest::symlink_to("../../../virtio2", disk + "/device");
		pdtest::symlink_to("../../devices/pci0000:00/0000:00:05.0/virtio2/block/vdb",
				   sys + "/dev/block/7:" + std::to_string(loop->minor()));
		pdtest::write_text(sys + "/devices/system/cpu/cpu0/crash_notes", "7fc1c000\n");
		pdtest::write_text(sys + "/devices/system/cpu/cpu1/crash_notes", "7fc1d000\n");
		pdtest::write_text(notifiers(), "N\n");

		pdtest::write_text(tmp / "proc/self/mounts", "/dev/vda1 / ext4 rw 0 0\n");
		pdtest::write_text(tmp / "proc/swaps", "Filename\tType\tSize\tUsed\tPriority\n");
		pdtest::write_text(tmp / "proc/sys/kernel/random/boot_id",
				   "0123abcd-4567-89ef-0a1b-2c3d4e5f6789\n");
		pdtest::write_text(tmp / "proc/kallsyms", kKallsyms);
		pdtest::write_text(tmp / "panicdump", "");

		paths.sysfs = sys;
		paths.proc = tmp / "proc";
		paths.capture_dev = tmp / "panicdump";
	}

	std::string notifiers() const
	{
		return tmp / "sys/module/kernel/parameters/crash_kexec_post_notifiers";
	}

	std::string arm_error()
	{
		try {
			pd::arm_device(loop->path(), pd::default_config("h"), paths, warn);
		} catch (const pd::Error &e) {
			return e.what();
		}
		return "";
	}

	// dumpadm -d with a stand-in for the module: it answers PD_IOC_ARM
	// as the module does when it arms (writes the request's header
	// through dev_fd, after checking the fd is the area) or refuses with
	// refusal; it records what the device held when it was asked.
	std::string arm_with_module(const char *refusal = nullptr)
	{
		auto fake = pd::CaptureModule::with_ioctl(
			paths.capture_dev, [&](unsigned long rq, void *arg) {
				if (rq == PD_IOC_STATUS) {
					auto *st = static_cast<struct pd_status *>(arg);
					*st = {};
					st->armed = armed;
					return 0;
				}
				if (rq != PD_IOC_ARM) {
					errno = ENOTTY;
					return -1;
				}
				auto *req = static_cast<struct pd_arm_request *>(arg);
				at_ioctl = pdtest::read_bytes(tmp / "backing");
				struct stat fd_st, dev_st;
				dev_fd_is_area = ::fstat(req->dev_fd, &fd_st) == 0 &&
						 ::stat(loop->path().c_str(), &dev_st) == 0 &&
						 fd_st.st_rdev == dev_st.st_rdev;
				if (refusal) {
					std::snprintf(req->reason, sizeof(req->reason), "%s", refusal);
					errno = EINVAL;
					return -1;
				}
				pd::DumpArea a = pd::DumpArea::open(loop->path(), pd::OpenMode::ReadWrite);
				pd::write_headers(a, req->header);
				armed = 1;
				return 0;
			});
		try {
			pd::arm_device(loop->path(), pd::default_config("h"), paths, warn, false, fake);
		} catch (const pd::Error &e) {
			return e.what();
		}
		return "";
	}

	uint32_t armed = 0;
	bool dev_fd_is_area = false;
	std::vector<uint8_t> at_ioctl;
	pdtest::TempDir tmp;
	std::unique_ptr<LoopDevice> loop;
	pd::SystemPaths paths;
	std::ostringstream warn;
};

} // namespace

// Without a module that answers (a plain file stands in for the device
// node, the ioctl fails): refused with the errno, nothing on the device.
TEST_F(ArmOnLoop, IoctlFailureWritesNothing)
{
	auto before = pdtest::read_bytes(tmp / "backing");
	EXPECT_EQ(arm_error(), paths.capture_dev + ": PD_IOC_ARM refused: Inappropriate ioctl for device; "
		  "requested PCI 0000:00:05.0, sectors 0+32768, 2 CPUs, content kernel, zstd level 1; "
		  "its status unknown");
	EXPECT_EQ(warn.str(), "");
	EXPECT_EQ(pdtest::read_bytes(tmp / "backing"), before);
}

// The module refuses (a check or allocation only it makes): its reason,
// the module's own status, and not a byte written by dumpadm.
TEST_F(ArmOnLoop, ModuleRefusalPrintsItsReasonAndWritesNothing)
{
	auto before = pdtest::read_bytes(tmp / "backing");
	EXPECT_EQ(arm_with_module("panicdump: PCI 0000:00:05.0: 8192-byte logical blocks: expected 512..4096"),
		  paths.capture_dev + ": PD_IOC_ARM refused: panicdump: PCI 0000:00:05.0: 8192-byte logical blocks: "
		  "expected 512..4096 (Invalid argument); requested PCI 0000:00:05.0, sectors 0+32768, "
		  "2 CPUs, content kernel, zstd level 1; not armed");
	EXPECT_TRUE(dev_fd_is_area);
	EXPECT_EQ(pdtest::read_bytes(tmp / "backing"), before);
}

// The module writes the header once it has all it needs; dumpadm has
// written nothing before it asks, and writes the symbol table after.
TEST_F(ArmOnLoop, ModuleWritesTheHeaderThenDumpadmTheSymbolTable)
{
	auto before = pdtest::read_bytes(tmp / "backing");
	EXPECT_EQ(arm_with_module(), "");
	EXPECT_EQ(warn.str(), "");
	EXPECT_EQ(pd::read_attr(notifiers()), "Y");
	EXPECT_TRUE(dev_fd_is_area);
	EXPECT_EQ(at_ioctl, before);

	pd::DumpArea area = pd::DumpArea::open(loop->path(), pd::OpenMode::ReadOnly);
	EXPECT_TRUE(area.is_block_device());
	pd::HeaderPair hp = pd::read_headers(area, kSize);
	ASSERT_TRUE(hp.primary.valid());
	ASSERT_TRUE(hp.trailer.valid());
	EXPECT_EQ(hp.primary.h.state, (uint32_t)PD_STATE_ARMED);
	EXPECT_EQ(hp.primary.h.sequence, 1u);
	EXPECT_EQ(hp.primary.h.area_size, kSize);
	EXPECT_EQ(hp.primary.h.nr_cpus, 2u);
	EXPECT_EQ(hp.primary.h.boot_id[0], 0x01);

	// The symbol table: sorted System.map text at the end of the area,
	// listed in the header, described by its block.
	const std::string map =
		"ffffffff9e000000 T _text\n"
		"ffffffff9e000000 T startup_64\n"
		"ffffffffa0015740 D page_offset_base\n"
		"ffffffffa2030000 B _end\n"
		"ffffffffc027b000 t vp_modern_remove\t[virtio_pci_modern_dev]\n"
		"ffffffffc0315450 b pd_entered\t[panicdump]\n";
	const struct pd_section *st = pd::find_section(hp.primary.h, PD_SECT_SYMTAB);
	ASSERT_NE(st, nullptr);
	EXPECT_EQ(st->capacity, 4u << 20);
	EXPECT_EQ(st->offset, kSize - 4096 - (4u << 20));
	EXPECT_EQ(st->length, map.size());
	EXPECT_EQ(pd::find_section(hp.primary.h, PD_SECT_KDUMP)->capacity,
		  kSize - 4096 - (4u << 20) - (2u << 20));
	auto dev = pdtest::read_bytes(tmp / "backing");
	EXPECT_EQ(std::string(dev.begin() + st->offset, dev.begin() + st->offset + st->length), map);
	struct pd_symtab_block b;
	std::memcpy(&b, dev.data() + pd_symtab_block_offset(kSize), sizeof(b));
	EXPECT_EQ(std::string(b.magic, 8), "PDSYMTAB");
	EXPECT_EQ(b.offset, st->offset);
	EXPECT_EQ(b.length, map.size());
	EXPECT_EQ(b.nr_symbols, 6u);
	EXPECT_EQ(0, std::memcmp(b.nonce, hp.primary.h.nonce, 16));
}

TEST_F(ArmOnLoop, NoSymbolTableWhenKallsymsHidesAddresses)
{
	// A stale descriptor block from an earlier arm must not survive.
	std::vector<uint8_t> junk(4096, 0x5a);
	{
		pd::DumpArea area = pd::DumpArea::open(loop->path(), pd::OpenMode::ReadWrite);
		area.write(junk.data(), junk.size(), pd_symtab_block_offset(kSize));
	}
	pdtest::write_text(tmp / "proc/kallsyms",
			   "0000000000000000 T _text\n0000000000000000 t foo\t[bar]\n");
	EXPECT_EQ(arm_with_module(), "");
	EXPECT_EQ(warn.str(), "dumpadm: warning: " + tmp / "proc" +
		  "/kallsyms shows no addresses (kernel.kptr_restrict, or not root); dumps will have no System.map\n");
	pd::DumpArea area = pd::DumpArea::open(loop->path(), pd::OpenMode::ReadOnly);
	pd::HeaderPair hp = pd::read_headers(area, kSize);
	ASSERT_TRUE(hp.primary.valid());
	EXPECT_EQ(pd::find_section(hp.primary.h, PD_SECT_SYMTAB), nullptr);
	std::vector<uint8_t> block(4096);
	area.read(block.data(), block.size(), pd_symtab_block_offset(kSize));
	EXPECT_EQ(block, std::vector<uint8_t>(4096, 0));

	// Unreadable: the same, with the reason.
	::unlink((tmp / "proc/kallsyms").c_str());
	warn.str("");
	EXPECT_EQ(arm_with_module(), "");
	EXPECT_NE(warn.str().find("/kallsyms: No such file or directory; dumps will have no System.map"),
		  std::string::npos) << warn.str();
}

TEST_F(ArmOnLoop, RefusesAnAreaTooSmallForTheSymbolTable)
{
	// 10 MiB of text wants a 13 MiB table: 16 MiB less the log and the
	// headers leaves under 1 MiB for the image.
	std::string big;
	for (int i = 0; big.size() < (10u << 20); i++)
		big += pd::strprintf("ffffffff%08x T symbol_with_a_long_name_%d\n", i, i);
	pdtest::write_text(tmp / "proc/kallsyms", big);
	auto before = pdtest::read_bytes(tmp / "backing");
	std::string e = arm_error();
	EXPECT_NE(e.find(loop->path() + ": too small for the runtime symbol table: the area is 16.0 MiB"),
		  std::string::npos) << e;
	EXPECT_NE(e.find("and at least 1.0 MiB of kdump image need"), std::string::npos) << e;
	EXPECT_EQ(pdtest::read_bytes(tmp / "backing"), before);
	EXPECT_EQ(pd::read_attr(notifiers()), "N");
}

TEST_F(ArmOnLoop, RefusesBeforeWritingAnything)
{
	// An unsaved dump.
	{
		pd::DumpArea area = pd::DumpArea::open(loop->path(), pd::OpenMode::ReadWrite);
		struct pd_header h;
		pd_header_init(&h, kSize);
		h.state = PD_STATE_COMPLETE;
		h.crash_time = 1700000000;
		std::strcpy(h.panic_string, "sysrq triggered crash");
		pd_header_seal(&h);
		pd::write_headers(area, h);
	}
	auto before = pdtest::read_bytes(tmp / "backing");
	EXPECT_EQ(arm_error(), loop->path() + " holds an unsaved dump from 2023-11-14 22:13:20 UTC "
		  "(sysrq triggered crash); run savecore first (savecore -c discards it)");
	EXPECT_EQ(pd::read_attr(notifiers()), "N");

	// Mounted.
	pdtest::write_text(tmp / "proc/self/mounts", loop->path() + " /mnt ext4 rw 0 0\n");
	EXPECT_EQ(arm_error(), loop->path() + " is in use (" + loop->path() + " is mounted on /mnt); "
		  "expected a dedicated, unused disk or partition on virtio-blk, NVMe, AHCI (SATA)");
	pdtest::write_text(tmp / "proc/self/mounts", "");

	// Module not loaded.
	::unlink(paths.capture_dev.c_str());
	EXPECT_EQ(arm_error(), paths.capture_dev +
		  ": the panicdump module is not loaded (modprobe panicdump)");

	// Not virtio-blk.
	pdtest::write_text(tmp / "sys/devices/pci0000:00/0000:00:05.0/device", "0x1041\n");
	EXPECT_EQ(arm_error(), loop->path() + ": unsupported controller (PCI 1af4:1041, driver none); "
		  "supported: virtio-blk, NVMe, AHCI (SATA)");

	EXPECT_EQ(pdtest::read_bytes(tmp / "backing"), before);
	EXPECT_EQ(pd::read_attr(notifiers()), "N");
}

// The loop device as sysfs really shows it (a virtual block device): the
// whole arm path refuses it for what it is, and writes nothing.
TEST_F(ArmOnLoop, RealLoopRefusedWithNothingWritten)
{
	std::string n = std::to_string(loop->minor());
	std::string link = tmp / ("sys/dev/block/7:" + n);
	::unlink(link.c_str());
	pdtest::write_text(tmp / ("sys/devices/virtual/block/loop" + n + "/size"),
			   std::to_string(kSize / 512) + "\n");
	pdtest::symlink_to("../../devices/virtual/block/loop" + n, link);
	auto before = pdtest::read_bytes(tmp / "backing");

	EXPECT_EQ(arm_error(), loop->path() + ": unsupported device: loop" + n +
		  " is a loop device: its blocks are a file in a filesystem, which cannot be written at panic time; "
		  "supported: virtio-blk, NVMe, AHCI (SATA)");
	try {
		pd::check_dump_device(loop->path(), paths);
		ADD_FAILURE() << "check_dump_device accepted a loop device";
	} catch (const pd::Error &) {
	}
	EXPECT_EQ(pdtest::read_bytes(tmp / "backing"), before);
	EXPECT_EQ(pd::read_attr(notifiers()), "N");
}

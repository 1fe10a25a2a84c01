// SPDX-License-Identifier: GPL-2.0
// dumpadm -d swap: which swap partition, what may be written on it and
// where (formats/FORMAT.md, "Dumping to swap"), against fake /proc and
// sysfs trees and image files made by mkswap.
#include <gtest/gtest.h>

#include <cstddef>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <sstream>
#include <unistd.h>

#include "common/config.h"
#include "common/device_info.h"
#include "common/dump_area.h"
#include "common/error.h"
#include "dumpadm/arm.h"
#include "dumpadm/report.h"
#include "test_util.h"

namespace {

using pdtest::symlink_to;
using pdtest::write_text;

constexpr const char *kTitle = "Filename\t\t\t\tType\t\tSize\t\tUsed\t\tPriority\n";

// The kernel's union swap_header (include/linux/swap.h) for 4096-byte
// pages, copied: the format's constants must match it. The module checks
// the same against the real one when it is built.
union KernelSwapHeader {
	struct {
		char reserved[4096 - 10];
		char magic[10];
	} magic;
	struct {
		char bootbits[1024];
		uint32_t version;
		uint32_t last_page;
		uint32_t nr_badpages;
		unsigned char sws_uuid[16];
		unsigned char sws_volume[16];
		uint32_t padding[117];
		uint32_t badpages[1];
	} info;
};
static_assert(sizeof(KernelSwapHeader) == 4096);
static_assert(offsetof(KernelSwapHeader, info.version) == PD_SWAP_BOOTBITS);
static_assert(offsetof(KernelSwapHeader, magic.magic) == PD_SWAP_MAGIC_OFFSET);
static_assert(PD_HEADER_SIZE <= PD_SWAP_BOOTBITS);

std::string swap_error(const std::string &proc)
{
	try {
		pd::choose_swap_partition(proc);
	} catch (const pd::Error &e) {
		return e.what();
	}
	return "";
}

// An image file mkswap made, or "" when mkswap is not installed.
std::string make_swap_image(const pdtest::TempDir &tmp, uint64_t size)
{
	std::string path = tmp / "swap.img";
	pdtest::write_bytes(path, std::vector<uint8_t>(size, 0));
	std::string cmd = "mkswap -L pdswap " + path + " >/dev/null 2>&1";
	if (std::system(cmd.c_str()) != 0)
		return "";
	return path;
}

struct pd_header swap_header(uint64_t area, uint64_t seq, uint8_t nonce, uint32_t state)
{
	struct pd_header h;

	pd_header_init(&h, area);
	h.compat_features |= PD_COMPAT_SWAP;
	h.sequence = seq;
	h.state = state;
	std::memset(h.nonce, nonce, sizeof(h.nonce));
	pd_header_seal(&h);
	return h;
}

} // namespace

TEST(Swap, ReadProcSwaps)
{
	pdtest::TempDir tmp;
	write_text(tmp / "swaps", std::string(kTitle) +
		   "/dev/vdb1                               partition\t1048572\t\t2048\t\t-2\n"
		   "/swap\\040file                          file\t\t65532\t\t0\t\t-3\n");
	auto s = pd::read_swaps(tmp.path());
	ASSERT_EQ(s.size(), 2u);
	EXPECT_EQ(s[0].path, "/dev/vdb1");
	EXPECT_TRUE(s[0].partition);
	EXPECT_EQ(s[0].size_kib, 1048572u);
	EXPECT_EQ(s[0].priority, -2);
	EXPECT_EQ(s[1].path, "/swap file");
	EXPECT_FALSE(s[1].partition);
	EXPECT_TRUE(pd::read_swaps(tmp / "nowhere").empty());
}

TEST(Swap, ChoiceRule)
{
	pdtest::TempDir tmp;
	std::string proc = tmp.path();

	write_text(proc + "/swaps", kTitle);
	EXPECT_EQ(swap_error(proc), "-d swap: no swap is active (" + proc +
		  "/swaps lists none); enable a swap partition first (swapon), or give a dedicated device (-d /dev/vdb)");

	write_text(proc + "/swaps", std::string(kTitle) + "/swapfile file 65532 0 -2\n");
	EXPECT_EQ(swap_error(proc), "-d swap: the active swap is a file (/swapfile): panicdump writes a disk or partition "
		  "through its controller, not a file in a filesystem; expected a swap partition, or give a dedicated device (-d /dev/vdb)");

	write_text(proc + "/swaps", std::string(kTitle) + "/dev/vdb1 partition 1000 0 -2\n");
	pd::SwapChoice c = pd::choose_swap_partition(proc);
	EXPECT_EQ(c.path, "/dev/vdb1");
	EXPECT_EQ(c.why, "the active swap partition");

	// The largest; on a tie the first listed; files never.
	write_text(proc + "/swaps", std::string(kTitle) +
		   "/dev/vdb1 partition 1000 0 5\n"
		   "/swapfile file 900000 0 -2\n"
		   "/dev/nvme0n1p2 partition 4000 0 -3\n"
		   "/dev/sda2 partition 4000 0 -4\n");
	c = pd::choose_swap_partition(proc);
	EXPECT_EQ(c.path, "/dev/nvme0n1p2");
	EXPECT_EQ(c.why, "the largest of 3 active swap partitions in " + proc +
		  "/swaps; swap files are never used (/swapfile)");
}

TEST(Swap, OwnSwapIsNotAUseButAPartitionsIs)
{
	pdtest::TempDir tmp;
	std::string sys = tmp / "sys", proc = tmp / "proc";
	std::string vf = sys + "/devices/pci0000:00/0000:00:04.0";
	write_text(vf + "/vendor", "0x1af4\n");
	write_text(vf + "/device", "0x1042\n");
	std::string vdb = vf + "/virtio1/block/vdb";
	write_text(vdb + "/size", "2097152\n");
	write_text(vdb + "/dev", "253:16\n");
	symlink_to("../../../virtio1", vdb + "/device");
	write_text(vdb + "/vdb1/partition", "1\n");
	write_text(vdb + "/vdb1/start", "2048\n");
	write_text(vdb + "/vdb1/size", "1048576\n");
	write_text(vdb + "/vdb1/dev", "253:17\n");
	symlink_to("../../devices/pci0000:00/0000:00:04.0/virtio1/block/vdb", sys + "/dev/block/253:16");
	symlink_to("../../devices/pci0000:00/0000:00:04.0/virtio1/block/vdb/vdb1", sys + "/dev/block/253:17");
	write_text(proc + "/self/mounts", "");
	write_text(proc + "/swaps", std::string(kTitle) + "/dev/vdb1 partition 524284 0 -2\n");

	pd::BlockDevice part = pd::resolve_block_device(sys, 253, 17);
	pd::BlockDevice disk = pd::resolve_block_device(sys, 253, 16);
	EXPECT_TRUE(pd::is_active_swap(part, proc));
	EXPECT_FALSE(pd::is_active_swap(disk, proc));
	EXPECT_TRUE(pd::find_device_users(part, sys, proc, true).empty());
	ASSERT_EQ(pd::find_device_users(part, sys, proc).size(), 1u);
	// -d swap never makes a whole disk of a swap partition acceptable.
	auto users = pd::find_device_users(disk, sys, proc, true);
	ASSERT_EQ(users.size(), 1u);
	EXPECT_EQ(users[0], "/dev/vdb1 is in use as swap (to dump to the active swap partition: dumpadm -d swap)");
	// Mounted and swap at once is still refused.
	write_text(proc + "/self/mounts", "/dev/vdb1 /mnt ext4 rw 0 0\n");
	EXPECT_EQ(pd::find_device_users(part, sys, proc, true).size(), 1u);
}

TEST(Swap, BuildArmHasSwapFlagNoSymtabAndTheFd)
{
	pd::ArmInputs in;
	in.dev.pci = pd::parse_pci_address("0000:00:05.0");
	in.dev.nr_sectors = 64ULL << 11;
	in.area_size = pd::area_bytes_of(in.dev);
	in.notes.addr = { 0x1000 };
	in.symtab.text = "ffffffff81000000 T _text\n";
	in.swap = true;
	in.dev_fd = 7;

	struct pd_header h;
	auto req = std::make_unique<struct pd_arm_request>();
	pd::build_arm(in, &h, req.get());
	int bad;
	EXPECT_EQ(pd_header_check(&h, in.area_size, &bad), PD_HDR_OK);
	EXPECT_EQ(h.compat_features, PD_COMPAT_SWAP);
	EXPECT_EQ(pd::find_section(h, PD_SECT_SYMTAB), nullptr);
	EXPECT_EQ(req->dev_fd, 7);
	EXPECT_EQ(0, std::memcmp(&req->header, &h, sizeof(h)));

	in.swap = false;
	pd::build_arm(in, &h, req.get());
	EXPECT_EQ(h.compat_features, 0u);
	EXPECT_NE(pd::find_section(h, PD_SECT_SYMTAB), nullptr);
	EXPECT_EQ(req->dev_fd, 7);	// the module writes the header on a disk too
}

// Where the copies go on a swap area: the leading header in the swap
// header page's boot block, the swap header itself untouched, so that the
// area is still swap to blkid and swapon.
TEST(Swap, HeaderPlacementKeepsTheSwapHeader)
{
	pdtest::TempDir tmp;
	constexpr uint64_t kArea = 16ULL << 20;
	std::string img = make_swap_image(tmp, kArea);
	if (img.empty())
		GTEST_SKIP() << "no mkswap";
	std::vector<uint8_t> before = pdtest::read_bytes(img);
	ASSERT_EQ(0, std::memcmp(before.data() + PD_SWAP_MAGIC_OFFSET, PD_SWAP_MAGIC, PD_SWAP_MAGIC_LEN));
	for (size_t i = 0; i < PD_SWAP_BOOTBITS; i++)
		ASSERT_EQ(before[i], 0) << "mkswap left byte " << i << " of the boot block set";

	{
		pd::DumpArea a = pd::DumpArea::open(img, pd::OpenMode::ReadWrite);
		struct pd_header h = swap_header(kArea, 3, 1, PD_STATE_SAVED);
		pd::write_headers(a, h);
	}
	std::vector<uint8_t> after = pdtest::read_bytes(img);
	EXPECT_EQ(0, std::memcmp(after.data(), PD_MAGIC, PD_MAGIC_LEN));
	EXPECT_EQ(0, std::memcmp(after.data() + PD_SWAP_BOOTBITS, before.data() + PD_SWAP_BOOTBITS,
				 PD_BLOCK_SIZE - PD_SWAP_BOOTBITS));
	EXPECT_EQ(0, std::memcmp(after.data() + kArea - PD_BLOCK_SIZE, PD_MAGIC, PD_MAGIC_LEN));
	// Nothing else changed.
	EXPECT_EQ(0, std::memcmp(after.data() + PD_BLOCK_SIZE, before.data() + PD_BLOCK_SIZE,
				 kArea - 2 * PD_BLOCK_SIZE));

	// blkid (util-linux) still sees the swap area and its label.
	std::string out = tmp / "blkid.out";
	if (std::system(("blkid -p -o value -s TYPE " + img + " >" + out + " 2>&1").c_str()) == 0) {
		EXPECT_EQ(pdtest::read_text(out), "swap\n");
	}
	if (std::system(("blkid -p -o value -s LABEL " + img + " >" + out + " 2>&1").c_str()) == 0) {
		EXPECT_EQ(pdtest::read_text(out), "pdswap\n");
	}
}

// On swap the trailing copy may be a previous arm's (or swap data): of
// two arms, the primary is current whatever the sequences say.
TEST(Swap, StaleTrailerOfAnotherArmLoses)
{
	pdtest::TempDir tmp;
	constexpr uint64_t kArea = 8ULL << 20;
	std::string img = tmp / "a.img";
	pdtest::write_bytes(img, std::vector<uint8_t>(kArea, 0));
	pd::DumpArea a = pd::DumpArea::open(img, pd::OpenMode::ReadWrite);

	struct pd_header old_saved = swap_header(kArea, 9, 1, PD_STATE_SAVED);
	pd::write_headers(a, old_saved);
	struct pd_header armed = swap_header(kArea, 1, 2, PD_STATE_ARMED);
	pd::write_headers(a, armed);	// as the module arms: the primary only
	pd::HeaderPair hp = pd::read_headers(a, kArea);
	ASSERT_TRUE(hp.trailer.valid());
	EXPECT_EQ(hp.trailer.h.state, (uint32_t)PD_STATE_SAVED);	// untouched
	EXPECT_EQ(hp.best(), &hp.primary);
	EXPECT_EQ(hp.best()->h.state, (uint32_t)PD_STATE_ARMED);

	// Copies of one arm still go by sequence.
	struct pd_header dumping = swap_header(kArea, 2, 2, PD_STATE_DUMPING);
	a.write(&dumping, sizeof(dumping), kArea - PD_BLOCK_SIZE);
	hp = pd::read_headers(a, kArea);
	EXPECT_EQ(hp.best(), &hp.trailer);
}

TEST(Swap, AreaContentsChecks)
{
	pdtest::TempDir tmp;
	constexpr uint64_t kArea = 16ULL << 20;
	std::string img = make_swap_image(tmp, kArea);
	if (img.empty())
		GTEST_SKIP() << "no mkswap";
	std::ostringstream warn;
	auto check = [&]() -> std::string {
		pd::DumpArea a = pd::DumpArea::open(img, pd::OpenMode::ReadOnly);
		try {
			pd::check_swap_area_contents(a, "/dev/vdb1", warn);
		} catch (const pd::Error &e) {
			return e.what();
		}
		return "";
	};
	EXPECT_EQ(check(), "");
	EXPECT_EQ(warn.str(), "");

	// An unsaved dump on active swap is paging's by now: warned, armed over.
	{
		pd::DumpArea a = pd::DumpArea::open(img, pd::OpenMode::ReadWrite);
		struct pd_header h = swap_header(kArea, 3, 1, PD_STATE_COMPLETE);
		std::snprintf(h.panic_string, sizeof(h.panic_string), "sysrq triggered crash");
		pd_header_seal(&h);
		pd::write_headers(a, h);
	}
	EXPECT_EQ(check(), "");
	EXPECT_NE(warn.str().find("/dev/vdb1 held an unsaved dump from "), std::string::npos) << warn.str();
	EXPECT_NE(warn.str().find("(sysrq triggered crash), but it is active swap"), std::string::npos) << warn.str();

	// Something else in the boot block.
	{
		pd::DumpArea a = pd::DumpArea::open(img, pd::OpenMode::ReadWrite);
		std::vector<uint8_t> junk(PD_HEADER_SIZE, 0);
		junk[0x1fe] = 0x55, junk[0x1ff] = 0xaa;
		a.write(junk.data(), junk.size(), 0);
	}
	EXPECT_EQ(check(), "/dev/vdb1 is swap, but its first 1024 bytes (where the dump header goes) hold an MBR partition table or FAT boot sector; expected zeros, as mkswap leaves them");

	// Not swap of 4096-byte pages.
	{
		pd::DumpArea a = pd::DumpArea::open(img, pd::OpenMode::ReadWrite);
		std::vector<uint8_t> zero(PD_BLOCK_SIZE, 0);
		a.write(zero.data(), zero.size(), 0);
	}
	EXPECT_EQ(check(), "/dev/vdb1: expected the swap signature \"SWAPSPACE2\" at byte 4086 (a swap area of 4096-byte pages), found \"\"");
}

TEST(Swap, ConfigAndReport)
{
	pd::DumpConfig cfg = pd::default_config("h");
	cfg.device = "/dev/vdb1";
	cfg.swap = true;
	std::string text = pd::format_config(cfg);
	EXPECT_NE(text.find("DUMPADM_DEVICE=/dev/vdb1\nDUMPADM_SWAP=yes\n"), std::string::npos);
	EXPECT_EQ(pd::parse_config(text, "f", "h"), cfg);
	EXPECT_NE(pd::format_configuration(cfg).find("Dump device: /dev/vdb1 (swap)"), std::string::npos);
	cfg.swap = false;
	EXPECT_EQ(pd::parse_config(pd::format_config(cfg), "f", "h"), cfg);
	EXPECT_THROW(pd::parse_config("DUMPADM_SWAP=maybe\n", "f", "h"), pd::Error);
}

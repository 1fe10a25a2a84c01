// SPDX-License-Identifier: GPL-2.0
// dumpadm's library: crash_notes and boot_id from a fake /sys and /proc,
// the ARMED header and ARM request, the listing, content checks.
#include <gtest/gtest.h>

#include <cstring>
#include <memory>

#include "common/dump_area.h"
#include "common/error.h"
#include "dumpadm/arm.h"
#include "dumpadm/capture_module.h"
#include "dumpadm/fs_signature.h"
#include "dumpadm/report.h"
#include "dumpadm/system_state.h"
#include "test_util.h"

using pdtest::write_text;

TEST(SystemState, CrashNotes)
{
	pdtest::TempDir tmp;
	std::string cpu = tmp / "sys/devices/system/cpu";

	write_text(cpu + "/cpu0/crash_notes", "12345000\n");
	write_text(cpu + "/cpu2/crash_notes", "ffff8000\n");
	write_text(cpu + "/cpu1/online", "0\n");		// no crash_notes
	write_text(cpu + "/cpufreq/x", "");
	write_text(cpu + "/cpuidle/x", "");
	write_text(cpu + "/possible", "0-2\n");

	pd::CrashNotes n = pd::read_crash_notes(tmp / "sys");
	ASSERT_EQ(n.addr.size(), 3u);
	EXPECT_EQ(n.addr[0], 0x12345000u);
	EXPECT_EQ(n.addr[1], 0u);
	EXPECT_EQ(n.addr[2], 0xffff8000u);
	EXPECT_EQ(n.found, 2u);
}

TEST(SystemState, BootId)
{
	pd::Uuid id = pd::parse_boot_id("0123abcd-4567-89ef-0A1b-2c3d4e5f6789\n");
	const pd::Uuid want = { 0x01, 0x23, 0xab, 0xcd, 0x45, 0x67, 0x89, 0xef,
				0x0a, 0x1b, 0x2c, 0x3d, 0x4e, 0x5f, 0x67, 0x89 };
	EXPECT_EQ(id, want);
	EXPECT_THROW(pd::parse_boot_id("0123abcd456789ef0a1b2c3d4e5f6789"), pd::Error);
	EXPECT_THROW(pd::parse_boot_id("0123abcd-4567-89ef-0a1b-2c3d4e5f678"), pd::Error);
	EXPECT_THROW(pd::parse_boot_id("0123abcd-4567-89ef-0a1b-2c3d4e5f678g"), pd::Error);

	pdtest::TempDir tmp;
	write_text(tmp / "proc/sys/kernel/random/boot_id", "0123abcd-4567-89ef-0a1b-2c3d4e5f6789\n");
	EXPECT_EQ(pd::read_boot_id(tmp / "proc"), want);
	EXPECT_NE(pd::random_nonce(), pd::random_nonce());
}

TEST(SystemState, PostNotifiersReadBack)
{
	pdtest::TempDir tmp;
	std::string p = tmp / "sys/module/kernel/parameters/crash_kexec_post_notifiers";

	write_text(p, "N\n");
	pd::enable_post_notifiers(tmp / "sys");	// a plain file reads back Y
	EXPECT_EQ(pdtest::read_text(p), "Y\n");
	EXPECT_THROW(pd::enable_post_notifiers(tmp / "nosys"), pd::Error);
}

TEST(Arm, HeaderAndRequestAgree)
{
	pd::ArmInputs in;
	in.dev.is_partition = true;
	in.dev.start_sector = 2048;
	in.dev.nr_sectors = 1048577;		// not a multiple of 8
	in.dev.pci = pd::parse_pci_address("0000:00:04.0");
	in.area_size = pd::area_bytes_of(in.dev);
	in.content = PD_CONTENT_ALL;
	in.compression = PD_COMPRESS_ZSTD;
	in.level = 3;
	in.notes.addr = { 0x1000, 0, 0x3000 };
	for (uint8_t i = 0; i < 16; i++)
		in.nonce[i] = i, in.boot_id[i] = (uint8_t)(0x80 + i);
	in.arm_time = 1700000000;
	in.release = "6.1.0-21-amd64";

	EXPECT_EQ(in.area_size, 1048576u * 512u);
	struct pd_header h;
	auto req = std::make_unique<struct pd_arm_request>();
	pd::build_arm(in, &h, req.get());

	int bad;
	EXPECT_EQ(pd_header_check(&h, in.area_size, &bad), PD_HDR_OK);
	EXPECT_EQ(h.state, (uint32_t)PD_STATE_ARMED);
	EXPECT_EQ(h.sequence, 1u);
	EXPECT_EQ(h.arm_time, 1700000000u);
	EXPECT_EQ(h.content, (uint32_t)PD_CONTENT_ALL);
	EXPECT_EQ(h.compression_level, 3);
	EXPECT_EQ(h.nr_cpus, 3u);
	EXPECT_STREQ(h.release, "6.1.0-21-amd64");
	EXPECT_EQ(0, std::memcmp(h.nonce, in.nonce.data(), 16));
	EXPECT_EQ(0, std::memcmp(h.boot_id, in.boot_id.data(), 16));

	EXPECT_EQ(req->version, (uint32_t)PD_ARM_VERSION);
	EXPECT_EQ(req->size, sizeof(struct pd_arm_request));
	EXPECT_EQ(req->pci_domain, 0u);
	EXPECT_EQ(req->pci_bus, 0u);
	EXPECT_EQ(req->pci_devfn, 0x20);
	EXPECT_EQ(req->start_sector, 2048u);
	EXPECT_EQ(req->nr_sectors, 1048576u);
	EXPECT_EQ(0, std::memcmp(&req->header, &h, sizeof(h)));
	EXPECT_EQ(req->nr_cpus, 3u);
	EXPECT_EQ(req->crash_notes[0], 0x1000u);
	EXPECT_EQ(req->crash_notes[1], 0u);
	EXPECT_EQ(req->crash_notes[2], 0x3000u);
	EXPECT_EQ(req->crash_notes[3], 0u);
	EXPECT_EQ(pd::describe_arm_request(*req),
		  "PCI 0000:00:04.0, sectors 2048+1048576, 3 CPUs, content all, zstd level 3");
}

TEST(Arm, RefusesUnsavedDumpAndForeignData)
{
	pdtest::TempDir tmp;
	const uint64_t area = 8ULL << 20;
	std::string img = tmp / "dev.img";
	pdtest::write_bytes(img, std::vector<uint8_t>(area, 0));

	{	// Blank: fine.
		pd::DumpArea a = pd::DumpArea::open(img, pd::OpenMode::ReadWrite);
		EXPECT_NO_THROW(pd::check_area_contents(a, "/dev/vdb"));

		struct pd_header h;
		pd_header_init(&h, area);
		h.state = PD_STATE_COMPLETE;
		h.crash_time = 1700000000;
		std::strcpy(h.panic_string, "Kernel panic - not syncing: sysrq triggered crash");
		pd_header_seal(&h);
		pd::write_headers(a, h);
		try {
			pd::check_area_contents(a, "/dev/vdb");
			FAIL() << "armed over an unsaved dump";
		} catch (const pd::Error &e) {
			EXPECT_STREQ(e.what(), "/dev/vdb holds an unsaved dump from 2023-11-14 22:13:20 UTC "
				     "(Kernel panic - not syncing: sysrq triggered crash); run savecore first (savecore -c discards it)");
		}

		h.state = PD_STATE_SAVED;
		h.sequence++;
		pd_header_seal(&h);
		pd::write_headers(a, h);
		EXPECT_NO_THROW(pd::check_area_contents(a, "/dev/vdb"));
	}

	// An ext4 superblock and no panicdump header.
	std::vector<uint8_t> data(area, 0);
	data[0x438] = 0x53;
	data[0x439] = 0xef;
	pdtest::write_bytes(img, data);
	pd::DumpArea a = pd::DumpArea::open(img, pd::OpenMode::ReadOnly);
	try {
		pd::check_area_contents(a, "/dev/vdb");
		FAIL() << "armed over a filesystem";
	} catch (const pd::Error &e) {
		EXPECT_NE(std::string(e.what()).find("/dev/vdb contains an ext2/3/4 filesystem"),
			  std::string::npos) << e.what();
	}
}

TEST(FsSignature, Probes)
{
	std::vector<uint8_t> b(pd::kSignatureProbeBytes, 0);

	EXPECT_FALSE(pd::detect_signature(b.data(), b.size()));
	std::memcpy(b.data() + 4086, "SWAPSPACE2", 10);
	EXPECT_EQ(pd::detect_signature(b.data(), b.size()), "a swap area");
	std::fill(b.begin(), b.end(), 0);
	std::memcpy(b.data() + 512, "EFI PART", 8);
	EXPECT_EQ(pd::detect_signature(b.data(), b.size()), "a GPT partition table");
	std::fill(b.begin(), b.end(), 0);
	std::memcpy(b.data() + 0x10040, "_BHRfS_M", 8);
	EXPECT_EQ(pd::detect_signature(b.data(), b.size()), "a btrfs filesystem");
	EXPECT_FALSE(pd::detect_signature(b.data(), 4096));	// short buffer
}

TEST(Report, IllumosLayout)
{
	pd::DumpConfig c = pd::default_config("host");
	c.device = "/dev/vdb";

	EXPECT_EQ(pd::format_configuration(c),
		  "      Dump content: kernel pages\n"
		  "       Dump device: /dev/vdb (dedicated)\n"
		  "Savecore directory: /var/crash/host\n"
		  "  Savecore enabled: yes\n"
		  "   Save compressed: on\n"
		  "  Page compression: zstd level 1\n");
	c.device.clear();
	c.content = PD_CONTENT_CURPROC;
	std::string s = pd::format_configuration(c);
	EXPECT_NE(s.find("      Dump content: kernel and current process pages\n"), std::string::npos);
	EXPECT_NE(s.find("       Dump device: none (dumps disabled)\n"), std::string::npos);

	EXPECT_EQ(pd::format_module_status(std::nullopt),
		  "    Capture module: not loaded (modprobe panicdump)\n");
	struct pd_status st = {};
	EXPECT_EQ(pd::format_module_status(st), "    Capture module: loaded, not armed\n");
	st.armed = 1;
	st.pci_devfn = 4 << 3;
	st.nr_sectors = 2097152;
	st.memory_bytes = 3 << 20;
	st.ram_pages = 262144;
	EXPECT_EQ(pd::format_module_status(st),
		  "    Capture module: armed (PCI 0000:00:04.0, sectors 0+2097152, kernel zstd)\n"
		  "     Module memory: 3.0 MiB (RAM: 262144 pages)\n");
}

TEST(CaptureModule, NotLoaded)
{
	pdtest::TempDir tmp;

	EXPECT_FALSE(pd::CaptureModule::try_open(tmp / "panicdump"));
	try {
		pd::CaptureModule::open(tmp / "panicdump");
		FAIL();
	} catch (const pd::Error &e) {
		EXPECT_NE(std::string(e.what()).find("the panicdump module is not loaded (modprobe panicdump)"),
			  std::string::npos);
	}
}

// SPDX-License-Identifier: GPL-2.0
// savecore end to end on image files of dump areas the real writer left.
#include <gtest/gtest.h>

#include <cstring>
#include <filesystem>
#include <sstream>
#include <sys/stat.h>

#include "common/dump_area.h"
#include "common/error.h"
#include "savecore/kdump_image.h"
#include "savecore/save.h"
#include "savecore_fixture.h"
#include "kdump_reader.h"
#include "real_dump.h"
#include "test_util.h"

namespace fs = std::filesystem;
using pdtest::read_bytes;
using pdtest::read_text;


TEST_F(Savecore, SavesAndMarksSaved)
{
	pdtest::DumpSpec spec;
	pdtest::RealDump d = pdtest::make_dump(spec);
	put_image(d);

	ASSERT_EQ(run(), pd::kSaveOk) << err.str();
	EXPECT_EQ(err.str(), "");
	EXPECT_TRUE(contains(out.str(), "savecore: saved vmcore.0 (")) << out.str();
	EXPECT_TRUE(contains(out.str(), "from " + image() + " to " + dir())) << out.str();

	// vmcore.0 is the image byte for byte, and readable page by page.
	auto vmcore = read_bytes(file("vmcore.0"));
	EXPECT_EQ(vmcore, d.image);
	for (uint64_t pfn : spec.pages)
		EXPECT_EQ(pdtest::read_kdump_page(vmcore, pfn), pdtest::page_content(spec, pfn)) << pfn;
	for (uint64_t pfn : spec.zero_pages)
		EXPECT_EQ(pdtest::read_kdump_page(vmcore, pfn), std::vector<uint8_t>(4096, 0));
	EXPECT_TRUE(pdtest::read_kdump_page(vmcore, 4).empty());

	EXPECT_EQ(read_text(file("dmesg.0")), pdtest::dump_log(spec));
	EXPECT_EQ(read_text(file("bounds")), "1\n");
	std::string info = read_text(file("info.0"));
	EXPECT_TRUE(contains(info, "panic string: " + spec.panic + "\n")) << info;
	EXPECT_TRUE(contains(info, "crash time: 2023-11-14T22:13:20Z (1700000000)\n")) << info;
	EXPECT_TRUE(contains(info, "kernel release: 6.1.0-sim\n")) << info;
	EXPECT_TRUE(contains(info, "build id: 0123456789abcdef0123456789abcdef01234567\n")) << info;
	EXPECT_TRUE(contains(info, "nr_cpus: 2\n")) << info;
	EXPECT_TRUE(contains(info, "panic cpu: 1\n")) << info;
	EXPECT_TRUE(contains(info, "dumped pages: 8\n")) << info;
	EXPECT_TRUE(contains(info, "zero pages: 2\n")) << info;
	EXPECT_TRUE(contains(info, "compression: zstd level 1\n")) << info;
	EXPECT_TRUE(contains(info, "content: kernel\n")) << info;
	EXPECT_TRUE(contains(info, "incomplete: no\n")) << info;
	EXPECT_TRUE(contains(info, "dump device: " + image() + "\n")) << info;
	EXPECT_TRUE(contains(info, "savecore time: ")) << info;

	// Modes: directory 0700, files 0600, no temporary files left.
	EXPECT_EQ(fs::status(dir()).permissions() & fs::perms::all, fs::perms::owner_all);
	for (const auto &e : fs::directory_iterator(dir())) {
		EXPECT_NE(e.path().filename().string()[0], '.') << e.path();
		EXPECT_EQ(e.status().permissions() & fs::perms::all,
			  fs::perms::owner_read | fs::perms::owner_write) << e.path();
	}

	// Both header copies say SAVED, with a higher sequence, still valid.
	for (uint64_t off : { uint64_t(0), pd_trailer_offset(spec.area_size) }) {
		struct pd_header h = header_at(off);
		int bad;
		EXPECT_EQ(pd_header_check(&h, spec.area_size, &bad), PD_HDR_OK);
		EXPECT_EQ(h.state, (uint32_t)PD_STATE_SAVED);
		EXPECT_EQ(h.sequence, d.header.sequence + 1);
	}

	// Nothing more to save; -d saves it again as vmcore.1.
	EXPECT_EQ(run(), pd::kSaveNoDump);
	EXPECT_EQ(err.str(), "savecore: no dump on " + image() + " (state saved; -d saves it again)\n");
	EXPECT_FALSE(fs::exists(file("vmcore.1")));
	ASSERT_EQ(run(true), pd::kSaveOk) << err.str();
	EXPECT_EQ(read_bytes(file("vmcore.1")), d.image);
	EXPECT_EQ(read_text(file("bounds")), "2\n");
	EXPECT_EQ(header_at(0).sequence, d.header.sequence + 2);
}

TEST_F(Savecore, CheckOnlyWritesNothing)
{
	pdtest::RealDump d = pdtest::make_dump({});
	put_image(d);

	EXPECT_EQ(run(false, true), pd::kSaveOk) << err.str();
	EXPECT_TRUE(contains(out.str(), "unsaved dump on")) << out.str();
	EXPECT_EQ(read_bytes(image()), d.area);
	EXPECT_FALSE(fs::exists(dir()));

	ASSERT_EQ(run(), pd::kSaveOk);
	EXPECT_EQ(run(false, true), pd::kSaveNoDump);
}

TEST_F(Savecore, NoDumpStates)
{
	// Armed, and the writer never wrote: the device it found was armed
	// for another dump.
	pdtest::DumpSpec spec;
	spec.not_ours = true;
	pdtest::RealDump armed = pdtest::make_dump(spec);
	ASSERT_EQ(armed.header.state, (uint32_t)PD_STATE_ARMED);
	put_image(armed);
	EXPECT_EQ(run(), pd::kSaveNoDump);
	EXPECT_EQ(err.str(), "savecore: no dump on " + image() + " (state armed)\n");
	EXPECT_EQ(run(true), pd::kSaveNoDump);	// -d only re-saves SAVED dumps

	pdtest::write_bytes(image(), std::vector<uint8_t>(8 << 20, 0));
	EXPECT_EQ(run(), pd::kSaveNoDump);
	EXPECT_TRUE(contains(err.str(), "no panicdump header")) << err.str();
	EXPECT_FALSE(fs::exists(dir()));
}

TEST_F(Savecore, BadPrimaryFallsBackToTrailer)
{
	pdtest::RealDump d = pdtest::make_dump({});
	d.area[0] = 'X';
	put_image(d);

	ASSERT_EQ(run(), pd::kSaveOk) << err.str();
	EXPECT_TRUE(contains(err.str(), "primary header@0x0: magic at +0: expected \"PANICDMP\", found \"XANICDMP\"; using the trailing copy at 0x7ff000"))
		<< err.str();
	EXPECT_EQ(read_bytes(file("vmcore.0")), d.image);
	// Both copies are rewritten, so the primary is repaired.
	EXPECT_EQ(header_at(0).state, (uint32_t)PD_STATE_SAVED);
	EXPECT_EQ(header_at(pd_trailer_offset(8 << 20)).state, (uint32_t)PD_STATE_SAVED);
}

TEST_F(Savecore, BothHeadersBadIsAnErrorNamingTheFields)
{
	pdtest::RealDump d = pdtest::make_dump({});
	uint64_t trailer = pd_trailer_offset(d.header.area_size);
	d.area[offsetof(struct pd_header, version)] = 9;
	d.area[trailer + offsetof(struct pd_header, panic_string)] ^= 0x20;
	put_image(d);

	EXPECT_EQ(run(), pd::kSaveError);
	EXPECT_TRUE(contains(err.str(), "primary header@0x0: version at +8: expected 1, found 9")) << err.str();
	EXPECT_TRUE(contains(err.str(), "trailing header@0x7ff000: header_crc32c at +1020: expected 0x")) << err.str();
	EXPECT_EQ(read_bytes(image()), d.area);
	EXPECT_FALSE(fs::exists(dir()));
}

TEST_F(Savecore, BrokenKdumpSignatureChangesNothing)
{
	pdtest::RealDump d = pdtest::make_dump({});
	d.area[PD_KDUMP_OFFSET + 3] = 'X';
	put_image(d);

	EXPECT_EQ(run(), pd::kSaveError);
	EXPECT_EQ(err.str(), "savecore: " + image() + ": kdump image@0x200000: signature at +0: expected \"KDUMP   \", found \"KDUXP   \"\n");
	EXPECT_EQ(read_bytes(image()), d.area);
	EXPECT_FALSE(fs::exists(dir()));
}

TEST_F(Savecore, KdumpFieldChecks)
{
	struct Case {
		size_t off;	// in the image
		uint32_t value;
		const char *field;
	};
	const Case cases[] = {
		{ offsetof(struct kdump_disk_header, header_version), 5, "header_version at +8: expected 6, found 5" },
		{ offsetof(struct kdump_disk_header, block_size), 512, "block_size at +428: expected 4096, found 512" },
		{ offsetof(struct kdump_disk_header, sub_hdr_size), 100000, "sub_hdr_size at +432" },
		{ offsetof(struct kdump_disk_header, bitmap_blocks), 3, "bitmap_blocks at +436" },
		{ offsetof(struct kdump_disk_header, nr_cpus), 0, "nr_cpus at +460" },
		{ 4096 + offsetof(struct kdump_sub_header, size_note), 100000, "offset_note/size_note at +4144" },
		{ 4096 + offsetof(struct kdump_sub_header, offset_vmcoreinfo), 9000, "offset_vmcoreinfo/size_vmcoreinfo at +4128" },
		{ 4096 + offsetof(struct kdump_sub_header, max_mapnr_64), 1 << 20, "bitmap_blocks at +436: expected at least 64 for max_mapnr 1048576" },
	};
	for (const auto &c : cases) {
		pdtest::RealDump d = pdtest::make_dump({});
		std::memcpy(d.area.data() + PD_KDUMP_OFFSET + c.off, &c.value, sizeof(c.value));
		put_image(d);
		EXPECT_EQ(run(), pd::kSaveError) << c.field;
		EXPECT_TRUE(contains(err.str(), c.field)) << err.str();
		EXPECT_EQ(read_bytes(image()), d.area);
	}

	// A desc table that does not fit the section length.
	pdtest::RealDump d = pdtest::make_dump({});
	struct pd_header h = d.header;
	pd_header_section(&h, PD_SECT_KDUMP)->length = d.layout.off_desc + 24;
	pd_header_seal(&h);
	std::memcpy(d.area.data(), &h, sizeof(h));
	std::memcpy(d.area.data() + pd_trailer_offset(h.area_size), &h, sizeof(h));
	put_image(d);
	EXPECT_EQ(run(), pd::kSaveError);
	EXPECT_TRUE(contains(err.str(), "page descriptor table")) << err.str();
}

TEST_F(Savecore, IncompleteDumpKeepsEmptyDescsAndFlagsStatus)
{
	// After the kernel image the area holds the data of pfns 1, 2 and 3
	// (of 1 2 3 5 6 100 1000 4095); 5 and 6 are zero pages, which take
	// no room.
	pdtest::DumpSpec spec = pdtest::out_of_space_after({}, 3);
	for (bool module_flags : { true, false }) {
		pdtest::RealDump d = pdtest::make_dump(spec);
		ASSERT_EQ(d.header.state, (uint32_t)PD_STATE_COMPLETE);
		ASSERT_TRUE(d.header.dump_flags & PD_DUMP_F_INCOMPLETE);
		// The writer flags the kdump header itself; an older one left
		// only the dump header's flag, which savecore carries over.
		if (!module_flags)
			d.area[PD_KDUMP_OFFSET + offsetof(struct kdump_disk_header, status)] &=
				~DUMP_DH_COMPRESSED_INCOMPLETE;
		fs::remove_all(dir());
		put_image(d);

		ASSERT_EQ(run(), pd::kSaveOk) << err.str();
		EXPECT_TRUE(contains(err.str(), "warning: the dump is incomplete")) << err.str();
		// The slots the module did not reach are empty, not invalid.
		EXPECT_FALSE(contains(err.str(), "invalid")) << err.str();

		auto vmcore = read_bytes(file("vmcore.0"));
		ASSERT_EQ(vmcore.size(), d.image.size());
		uint32_t status;
		std::memcpy(&status, vmcore.data() + 424, 4);
		EXPECT_EQ(status, DUMP_DH_COMPRESSED_ZSTD | DUMP_DH_COMPRESSED_INCOMPLETE);
		for (uint64_t pfn : { 1, 2, 3 })
			EXPECT_EQ(pdtest::read_kdump_page(vmcore, pfn), pdtest::page_content(spec, pfn));
		for (uint64_t pfn : { 5, 6 })
			EXPECT_EQ(pdtest::read_kdump_page(vmcore, pfn), std::vector<uint8_t>(4096, 0));
		for (uint64_t pfn : { 100, 1000, 4095 })
			EXPECT_TRUE(pdtest::read_kdump_page(vmcore, pfn).empty()) << pfn;

		// Everything else is the image as written.
		std::vector<uint8_t> expect = d.image;
		std::memcpy(expect.data() + 424, &status, 4);
		EXPECT_EQ(vmcore, expect);
		EXPECT_TRUE(contains(read_text(file("info.0")), "incomplete: yes\n"));
	}
}

TEST_F(Savecore, IncompleteImageCutInsideDescTable)
{
	pdtest::RealDump d = pdtest::make_dump(pdtest::out_of_space_after({}, 3));
	struct pd_header h = d.header;
	uint64_t cut = d.layout.off_desc + 2 * 24 + 10;	// mid third desc
	pd_header_section(&h, PD_SECT_KDUMP)->length = cut;
	pd_header_seal(&h);
	std::memcpy(d.area.data(), &h, sizeof(h));
	std::memcpy(d.area.data() + pd_trailer_offset(h.area_size), &h, sizeof(h));
	put_image(d);

	ASSERT_EQ(run(), pd::kSaveOk) << err.str();
	auto vmcore = read_bytes(file("vmcore.0"));
	uint64_t keep = d.layout.off_desc;
	ASSERT_EQ(vmcore.size(), d.layout.off_desc + d.layout.nr_dumpable * 24);	// padded to a whole table
	EXPECT_EQ(std::vector<uint8_t>(vmcore.begin() + 4096, vmcore.begin() + keep),
		  std::vector<uint8_t>(d.image.begin() + 4096, d.image.begin() + keep));
	// The two whole descs point at data beyond the cut, the third is
	// cut, the rest are beyond the cut or were never written: all zero.
	for (size_t i = keep; i < vmcore.size(); i++)
		ASSERT_EQ(vmcore[i], 0) << i;
	EXPECT_TRUE(contains(err.str(), "3 page descriptors are invalid or point outside the image; zeroed")) << err.str();
	// The first named: desc 0 (pfn 1) points at data beyond the cut.
	EXPECT_TRUE(contains(err.str(), "the first: desc 0 (pfn 1) at +0x" )) << err.str();
	EXPECT_TRUE(contains(err.str(), "offset: expected within the page data")) << err.str();
}

TEST_F(Savecore, DescPointingOutsideCompleteImageIsZeroed)
{
	pdtest::DumpSpec spec;
	pdtest::RealDump d = pdtest::make_dump(spec);
	struct kdump_page_desc bad = { (int64_t)d.image.size(), 100, DUMP_DH_COMPRESSED_ZSTD, 0 };
	ASSERT_EQ(d.desc_offset(6), d.layout.off_desc + 4 * sizeof(bad));	// desc 4
	std::memcpy(d.area.data() + PD_KDUMP_OFFSET + d.desc_offset(6), &bad, sizeof(bad));
	put_image(d);

	ASSERT_EQ(run(), pd::kSaveOk) << err.str();
	EXPECT_TRUE(contains(err.str(), "1 page descriptors are invalid or point outside the image; zeroed")) << err.str();
	EXPECT_TRUE(contains(err.str(), pd::strprintf("the first: desc 4 (pfn 6) at +0x%llx: offset 0x%llx size 100 flags 0x20: offset: expected within the page data [0x",
						      (unsigned long long)(d.layout.off_desc + 4 * 24),
						      (unsigned long long)d.image.size()))) << err.str();
	auto vmcore = read_bytes(file("vmcore.0"));
	uint32_t status;
	std::memcpy(&status, vmcore.data() + 424, 4);
	EXPECT_EQ(status, DUMP_DH_COMPRESSED_ZSTD | DUMP_DH_COMPRESSED_INCOMPLETE);
	EXPECT_TRUE(pdtest::read_kdump_page(vmcore, 6).empty());
	EXPECT_EQ(pdtest::read_kdump_page(vmcore, 100), pdtest::page_content(spec, 100));
	EXPECT_TRUE(contains(read_text(file("info.0")), "incomplete: yes\n"));
}

TEST_F(Savecore, NoImageSavesTheLogAlone)
{
	pdtest::DumpSpec spec = pdtest::image_does_not_fit({});
	pdtest::RealDump d = pdtest::make_dump(spec);
	ASSERT_EQ(d.header.state, (uint32_t)PD_STATE_COMPLETE);
	ASSERT_EQ(pd_header_section(&d.header, PD_SECT_KDUMP)->length, 0u);
	put_image(d);

	ASSERT_EQ(run(), pd::kSaveOk) << err.str();
	EXPECT_TRUE(contains(err.str(), "wrote no kdump image")) << err.str();
	EXPECT_TRUE(contains(out.str(), "saved dmesg.0 (no vmcore)")) << out.str();
	EXPECT_FALSE(fs::exists(file("vmcore.0")));
	EXPECT_EQ(read_text(file("dmesg.0")), pdtest::dump_log(spec));
	EXPECT_TRUE(contains(read_text(file("info.0")), "panic string: " + spec.panic + "\n"));
	EXPECT_EQ(read_text(file("bounds")), "1\n");
	EXPECT_EQ(header_at(0).state, (uint32_t)PD_STATE_SAVED);
}

TEST_F(Savecore, ConfigSuppliesDeviceAndDirectory)
{
	pdtest::RealDump d = pdtest::make_dump({});
	put_image(d);
	pdtest::write_text(tmp / "root/etc/dumpadm.conf",
			   "DUMPADM_DEVICE=" + image() + "\nDUMPADM_SAVDIR=" + dir() + "\n");

	pd::SaveOptions o;
	o.config_root = tmp / "root";
	o.syslog = false;
	o.verbose = true;
	ASSERT_EQ(pd::run_savecore(o, out, err), pd::kSaveOk) << err.str();
	EXPECT_TRUE(contains(out.str(), "primary header@0x0: state complete, sequence " +
				       std::to_string(d.header.sequence))) << out.str();
	EXPECT_EQ(read_bytes(file("vmcore.0")), d.image);

	pdtest::write_text(tmp / "root/etc/dumpadm.conf", "DUMPADM_DEVICE=\n");
	o.verbose = false;
	EXPECT_EQ(pd::run_savecore(o, out, err), pd::kSaveNoDump);
}

TEST_F(Savecore, BoundsSkipsExistingFiles)
{
	pdtest::RealDump d = pdtest::make_dump({});
	put_image(d);
	pdtest::write_text(file("bounds"), "4\n");
	pdtest::write_text(file("vmcore.4"), "old");

	ASSERT_EQ(run(), pd::kSaveOk) << err.str();
	EXPECT_EQ(read_text(file("vmcore.4")), "old");
	EXPECT_EQ(read_bytes(file("vmcore.5")), d.image);
	EXPECT_EQ(read_text(file("bounds")), "6\n");

	pdtest::write_text(file("bounds"), "x\n");
	EXPECT_EQ(run(true), pd::kSaveError);
	EXPECT_TRUE(contains(err.str(), "bounds: expected a number")) << err.str();
}

TEST(Vmcoreinfo, Parse)
{
	auto m = pd::parse_vmcoreinfo("OSRELEASE=6.1.0\nSYMBOL(x)=ffff\nbad line\nCRASHTIME=5");
	EXPECT_EQ(m.size(), 3u);
	EXPECT_EQ(m["OSRELEASE"], "6.1.0");
	EXPECT_EQ(m["SYMBOL(x)"], "ffff");
	EXPECT_EQ(m["CRASHTIME"], "5");
}

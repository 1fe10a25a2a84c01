// SPDX-License-Identifier: GPL-2.0
// savecore: minfree, the progress line, dumps the module did not finish
// (DUMPING), and corrupt input by class: page descs, notes, VMCOREINFO.
#include <unistd.h>
#include <gtest/gtest.h>

#include <cstring>
#include <filesystem>
#include <functional>
#include <sstream>

#include "common/error.h"
#include "savecore/minfree.h"
#include "savecore/progress.h"
#include "elf_reader.h"
#include "kdump_reader.h"
#include "savecore_fixture.h"

namespace fs = std::filesystem;
using pdtest::read_bytes;
using pdtest::read_text;

TEST(MinFree, EnvironmentThenConfigThenTheFile)
{
	pdtest::TempDir tmp;
	auto load = [&](const std::optional<std::string> &env,
			const std::optional<pd::MinFree> &conf = std::nullopt) {
		return pd::load_minfree(env, conf, "/etc/dumpadm.conf", tmp.path());
	};
	EXPECT_EQ(load(std::nullopt).value, pd::kDefaultMinFree);
	EXPECT_EQ(pd::kDefaultMinFree.resolve(0), 1u << 20);
	EXPECT_EQ(load(std::nullopt).source, "default");
	pdtest::write_text(tmp / "minfree", "2048\n");
	EXPECT_EQ(load(std::nullopt).value.resolve(0), 2u << 20);
	EXPECT_EQ(load(std::nullopt).source, tmp / "minfree");
	EXPECT_EQ(load(std::string(" ")).value.resolve(0), 2u << 20);
	EXPECT_EQ(load(std::nullopt, pd::MinFree{ 3, 'm' }).value.resolve(0), 3u << 20);
	EXPECT_EQ(load(std::nullopt, pd::MinFree{ 3, 'm' }).source, "DUMPADM_MINFREE in /etc/dumpadm.conf");
	auto m = load(std::string("5%"), pd::MinFree{ 3, 'm' });
	EXPECT_EQ(m.value, (pd::MinFree{ 5, '%' }));
	EXPECT_EQ(m.source, "DUMPADM_MINFREE");
	pdtest::write_text(tmp / "minfree", "lots\n");
	try {
		load(std::nullopt);
		FAIL();
	} catch (const pd::Error &e) {
		EXPECT_EQ(std::string(e.what()), tmp / "minfree" +
			  ": expected a number of KiB, or one with a k, m, g or % suffix (at most 100%), found \"lots\"");
	}
}

TEST_F(Savecore, MinfreeRefusesAndKeepsTheDump)
{
	pdtest::RealDump d = pdtest::make_dump({});
	put_image(d);
	pdtest::write_text(file("minfree"), "100%\n");

	EXPECT_EQ(run(), pd::kSaveError);
	EXPECT_TRUE(contains(err.str(), "savecore: " + dir() + ": not enough space: the dump needs ")) << err.str();
	EXPECT_TRUE(contains(err.str(), " and minfree (100% of the file system, from " + file("minfree") + ") keeps ")) << err.str();
	EXPECT_TRUE(contains(err.str(), " free, but only ")) << err.str();
	EXPECT_TRUE(contains(err.str(), "; the dump stays on " + image() +
				       " (free some space, or lower minfree, and run savecore again)\n")) << err.str();
	EXPECT_EQ(read_bytes(image()), d.area);
	EXPECT_FALSE(fs::exists(file("vmcore.0")));
	EXPECT_FALSE(fs::exists(file("bounds")));

	// DUMPADM_MINFREE overrides the file, both ways.
	opts.minfree = "0";
	ASSERT_EQ(run(), pd::kSaveOk) << err.str();
	EXPECT_EQ(read_bytes(file("vmcore.0")), d.image);
	opts.minfree = "99999999m";
	EXPECT_EQ(run(true), pd::kSaveError);
	EXPECT_TRUE(contains(err.str(), "minfree (95.4 TiB, from DUMPADM_MINFREE) keeps 95.4 TiB free")) << err.str();
	// dumpadm.conf's DUMPADM_MINFREE (dumpadm -m) beats the file.
	opts.minfree.reset();
	pdtest::write_text(tmp / "root/etc/dumpadm.conf", "DUMPADM_MINFREE=99999999m\n");
	EXPECT_EQ(run(true), pd::kSaveError);
	EXPECT_TRUE(contains(err.str(), "minfree (95.4 TiB, from DUMPADM_MINFREE in " + tmp / "root/etc/dumpadm.conf" +
				       ") keeps 95.4 TiB free")) << err.str();
	pdtest::write_text(tmp / "root/etc/dumpadm.conf", "DUMPADM_MINFREE=0\n");
	ASSERT_EQ(run(true), pd::kSaveOk) << err.str();
	EXPECT_TRUE(std::filesystem::exists(file("vmcore.1")));
	opts.minfree = "bogus";
	EXPECT_EQ(run(true), pd::kSaveError);
	EXPECT_EQ(err.str(), "savecore: DUMPADM_MINFREE: expected a number of KiB, or one with a k, m, g or % suffix (at most 100%), found \"bogus\"\n");
	EXPECT_FALSE(fs::exists(file("vmcore.2")));
}

TEST(Progress, DrawsAtMostTenTimesASecond)
{
	std::ostringstream os;
	pd::Progress p(os, true, "vmcore.3", 1000);
	auto t0 = pd::Progress::Clock::now();

	p.update(0, 0, t0);
	for (int ms = 1; ms < 100; ms++)
		p.update(ms, ms * 1000000ULL, t0 + std::chrono::milliseconds(ms));
	EXPECT_EQ(p.draws(), 1u);
	p.update(450, 45000000, t0 + std::chrono::milliseconds(100));
	EXPECT_EQ(p.draws(), 2u);
	p.finish(99000000);
	EXPECT_EQ(os.str(), "\rsavecore: vmcore.3:   0% 0.0 MB"
			    "\rsavecore: vmcore.3:  45% 45.0 MB"
			    "\rsavecore: vmcore.3: 100% 99.0 MB\n");

	std::ostringstream quiet;
	pd::Progress off(quiet, false, "vmcore.3", 1000);
	off.update(500, 5, t0);
	off.finish(5);
	EXPECT_EQ(quiet.str(), "");
}

TEST_F(Savecore, ProgressOnlyWhenAsked)
{
	pdtest::RealDump d = pdtest::make_dump({});
	put_image(d);
	opts.progress = true;
	ASSERT_EQ(run(), pd::kSaveOk);
	EXPECT_TRUE(contains(err.str(), "\rsavecore: vmcore.0: 100% ")) << err.str();
	EXPECT_EQ(err.str().back(), '\n');
	opts.format = pd::VmcoreFormat::Elf;
	ASSERT_EQ(run(true), pd::kSaveOk);
	EXPECT_TRUE(contains(err.str(), "\rsavecore: vmcore.1: 100% ")) << err.str();
}

TEST_F(Savecore, UnfinishedDumpWithoutImageSavesTheLog)
{
	// What the module leaves when it stops after the DUMPING header (the
	// power goes as it is about to store the first page): the log and a
	// KDUMP section of length 0.
	pdtest::DumpSpec spec;
	spec.cut_after_pages = 1;
	pdtest::RealDump d = pdtest::make_dump(spec);
	ASSERT_EQ(d.header.state, (uint32_t)PD_STATE_DUMPING);
	ASSERT_EQ(pd_header_section(&d.header, PD_SECT_KDUMP)->length, 0u);
	ASSERT_EQ(d.header.dumped_pages, 0u);
	put_image(d);

	EXPECT_EQ(run(false, true), pd::kSaveOk);
	EXPECT_TRUE(contains(out.str(), "savecore: unsaved incomplete dump on " + image())) << out.str();

	ASSERT_EQ(run(), pd::kSaveOk) << err.str();
	EXPECT_TRUE(contains(err.str(), "savecore: warning: " + image() +
				       ": primary header@0x0: state at +20: expected complete, found dumping: "
				       "the capture module did not finish")) << err.str();
	EXPECT_TRUE(contains(err.str(), "wrote no kdump image")) << err.str();
	EXPECT_TRUE(contains(out.str(), "saved dmesg.0 (no vmcore)")) << out.str();
	EXPECT_FALSE(fs::exists(file("vmcore.0")));
	EXPECT_EQ(read_text(file("dmesg.0")), pdtest::dump_log(spec));
	std::string info = read_text(file("info.0"));
	EXPECT_TRUE(contains(info, "incomplete: yes\n")) << info;
	EXPECT_TRUE(contains(info, "capture: unfinished (header state dumping: the module did not finish)\n")) << info;
	EXPECT_TRUE(contains(info, "vmcore format: none\n")) << info;
	EXPECT_EQ(header_at(0).state, (uint32_t)PD_STATE_SAVED);
	EXPECT_EQ(run(), pd::kSaveNoDump);
}

TEST_F(Savecore, UnfinishedDumpWithPartOfTheImage)
{
	// The writer checkpoints after the kernel image (pfns 1 2 3 here):
	// the DUMPING header's image length covers their data and 3 of 8
	// descs are written, the other slots still empty. Then the power goes.
	pdtest::DumpSpec spec;
	spec.kimage = { 1, 4 };
	spec.cut_after_pages = 3;
	pdtest::RealDump d = pdtest::make_dump(spec);
	ASSERT_EQ(d.header.state, (uint32_t)PD_STATE_DUMPING);
	ASSERT_EQ(d.header.dumped_pages, 3u);
	ASSERT_GT(d.image.size(), d.layout.off_data);
	// The writer sets the INCOMPLETE flag before the first page; clear
	// it, as a module that did not, so that the state alone says it.
	d.header.dump_flags = 0;
	d.reseal();
	put_image(d);

	for (auto fmt : { pd::VmcoreFormat::Kdump, pd::VmcoreFormat::Elf }) {
		fs::remove_all(dir());
		opts.format = fmt;
		ASSERT_EQ(run(true), pd::kSaveOk) << err.str();
		EXPECT_TRUE(contains(err.str(), "warning: the dump is incomplete")) << err.str();
		if (fmt == pd::VmcoreFormat::Kdump) {
			auto vmcore = read_bytes(file("vmcore.0"));
			for (uint64_t pfn : { 1, 2, 3 })
				EXPECT_EQ(pdtest::read_kdump_page(vmcore, pfn), pdtest::page_content(spec, pfn));
			for (uint64_t pfn : { 5, 6, 100, 1000, 4095 })
				EXPECT_TRUE(pdtest::read_kdump_page(vmcore, pfn).empty()) << pfn;
			uint32_t status;
			std::memcpy(&status, vmcore.data() + 424, 4);
			EXPECT_TRUE(status & DUMP_DH_COMPRESSED_INCOMPLETE);
		} else {
			pdtest::ElfCore elf = pdtest::read_elf_core(file("vmcore.0"));
			EXPECT_EQ(elf.flags, 1u);
			EXPECT_EQ(elf.page(file("vmcore.0"), 2 * 4096), pdtest::page_content(spec, 2));
			EXPECT_EQ(elf.page(file("vmcore.0"), 100 * 4096), std::vector<uint8_t>(4096, 0));
		}
		EXPECT_TRUE(contains(read_text(file("info.0")), "incomplete: yes\n"));
	}
}

TEST_F(Savecore, CorruptDescsAreZeroedAndTheFirstIsNamed)
{
	// pfn 100 is desc 5 of 1 2 3 5 6 100 1000 4095.
	struct Case {
		int64_t offset;		// 0: keep; 1: off_bitmap1; 2: near the end
		uint32_t size;		// 0: keep
		uint32_t flags;		// ~0: keep
		const char *why;
	};
	const Case cases[] = {
		{ 0, 5000, ~0U, "size: expected 1..4096" },
		{ 0, 0, 0x40, "flags: expected 0 (raw) or one of 0x1 0x2 0x4 0x20" },
		{ 0, 100, 0, "size: expected 4096 for a raw page" },
		{ -5, 0, ~0U, "offset: expected within the page data [0x" },
		{ 1, 0, ~0U, "offset: expected within the page data [0x" },
		{ 2, 200, ~0U, "offset+size: expected within the image length 0x" },
	};
	for (auto fmt : { pd::VmcoreFormat::Kdump, pd::VmcoreFormat::Elf }) {
		for (const auto &c : cases) {
			fs::remove_all(dir());
			pdtest::DumpSpec spec;
			pdtest::RealDump d = pdtest::make_dump(spec);
			kdump_page_desc desc;
			uint64_t at = d.desc_offset(100);
			ASSERT_EQ(at, d.layout.off_desc + 5 * sizeof(desc));
			std::memcpy(&desc, d.image.data() + at, sizeof(desc));
			if (c.offset == 1)
				desc.offset = (int64_t)d.layout.off_bitmap1;
			else if (c.offset == 2)
				desc.offset = (int64_t)d.image.size() - 100;
			else if (c.offset)
				desc.offset = c.offset;
			if (c.size)
				desc.size = c.size;
			if (c.flags != ~0U)
				desc.flags = c.flags;
			std::memcpy(d.area.data() + PD_KDUMP_OFFSET + at, &desc, sizeof(desc));
			put_image(d);

			opts.format = fmt;
			ASSERT_EQ(run(), pd::kSaveOk) << c.why << err.str();
			std::string want = pd::strprintf("1 page descriptors are invalid or point outside the image; zeroed "
							 "(crash shows those pages as incomplete); the first: desc 5 (pfn 100) at +0x%llx: "
							 "offset 0x%llx size %u flags 0x%x: ",
							 (unsigned long long)at, (unsigned long long)desc.offset,
							 desc.size, desc.flags) + c.why;
			EXPECT_TRUE(contains(err.str(), want)) << err.str() << "\nwant: " << want;
			EXPECT_TRUE(contains(read_text(file("info.0")), "incomplete: yes\n"));
			if (fmt == pd::VmcoreFormat::Kdump) {
				auto vmcore = read_bytes(file("vmcore.0"));
				EXPECT_TRUE(pdtest::read_kdump_page(vmcore, 100).empty());
				EXPECT_EQ(pdtest::read_kdump_page(vmcore, 1000), pdtest::page_content(spec, 1000));
			} else {
				pdtest::ElfCore elf = pdtest::read_elf_core(file("vmcore.0"));
				EXPECT_EQ(elf.page(file("vmcore.0"), 100 * 4096), std::vector<uint8_t>(4096, 0));
				EXPECT_EQ(elf.page(file("vmcore.0"), 1000 * 4096), pdtest::page_content(spec, 1000));
			}
			EXPECT_EQ(header_at(0).state, (uint32_t)PD_STATE_SAVED);
		}
	}
}

TEST_F(Savecore, CorruptNotesAreErrors)
{
	pdtest::RealDump d = pdtest::make_dump({});
	uint64_t notes = PD_KDUMP_OFFSET + d.layout.off_notes;
	// The second PRSTATUS note's descsz runs past the notes.
	uint64_t second = notes + kdump_note_size(5, KDUMP_PRSTATUS_SIZE);
	pdtest::put_u32(d.area, second + 4, 0x100000);
	put_image(d);

	EXPECT_EQ(run(), pd::kSaveError);
	EXPECT_EQ(err.str(), pd::strprintf("savecore: %s: kdump image@0x200000: ELF note at +%llu: expected namesz and descsz within the notes (0x%llx bytes left), found namesz 5 descsz 1048576\n",
					   image().c_str(), (unsigned long long)(second - PD_KDUMP_OFFSET),
					   (unsigned long long)(d.layout.notes_size - kdump_note_size(5, KDUMP_PRSTATUS_SIZE))));
	EXPECT_EQ(read_bytes(image()), d.area);
	EXPECT_FALSE(fs::exists(dir()));

	// Fewer PRSTATUS notes than CPUs: a warning.
	d = pdtest::make_dump({});
	pdtest::put_u32(d.area, second + 8, 7);	// n_type 7: not PRSTATUS
	put_image(d);
	ASSERT_EQ(run(), pd::kSaveOk);
	EXPECT_TRUE(contains(err.str(), "kdump image: the image has 1 PRSTATUS notes for 2 CPUs")) << err.str();
}

TEST_F(Savecore, MissingVmcoreinfo)
{
	// The note renamed: no VMCOREINFO note.
	pdtest::RealDump d = pdtest::make_dump({});
	uint64_t vi_note = PD_KDUMP_OFFSET + d.layout.off_notes + 2 * kdump_note_size(5, KDUMP_PRSTATUS_SIZE);
	ASSERT_EQ(std::string(reinterpret_cast<const char *>(d.area.data() + vi_note + 12)), "VMCOREINFO");
	d.area[vi_note + 12] = 'X';
	put_image(d);
	ASSERT_EQ(run(), pd::kSaveOk) << err.str();
	EXPECT_TRUE(contains(err.str(), pd::strprintf("kdump image: the notes at +0x%llx (0x%llx bytes) have no VMCOREINFO note; crash and drgn need it",
						      (unsigned long long)d.layout.off_notes,
						      (unsigned long long)d.layout.notes_size))) << err.str();
	std::vector<uint8_t> renamed = d.image;
	renamed[vi_note + 12 - PD_KDUMP_OFFSET] = 'X';
	EXPECT_EQ(read_bytes(file("vmcore.0")), renamed);

	// size_vmcoreinfo 0: an empty text, and the sub-header disagrees
	// with the note. ELF output falls back to the sub-header's phys_base.
	d = pdtest::make_dump({});
	pdtest::put_u64(d.area, PD_KDUMP_OFFSET + 4096 + offsetof(struct kdump_sub_header, size_vmcoreinfo), 0);
	put_image(d);
	opts.format = pd::VmcoreFormat::Elf;
	fs::remove_all(dir());
	ASSERT_EQ(run(), pd::kSaveOk) << err.str();
	EXPECT_TRUE(contains(err.str(), "kdump image: offset_vmcoreinfo/size_vmcoreinfo at +4128: expected 0x")) << err.str();
	EXPECT_TRUE(contains(err.str(), "ELF output: VMCOREINFO has no NUMBER(phys_base); using the kdump sub-header's phys_base 0x0")) << err.str();
	EXPECT_TRUE(contains(err.str(), "ELF output: no _text or _end in the symbol table or VMCOREINFO")) << err.str();
	EXPECT_TRUE(fs::exists(file("vmcore.0")));
}

TEST_F(Savecore, EveryHeaderFieldClassIsNamedAndNothingChanges)
{
	// A corruption in both copies: savecore names the field and both
	// copies, exits 2 and leaves the device as it was.
	struct Case {
		std::function<void(struct pd_header &)> corrupt;
		bool reseal;
		const char *message;	// for the primary copy
	};
	const uint64_t kdump_sect = offsetof(struct pd_header, sections) + sizeof(struct pd_section);
	const Case cases[] = {
		{ [](pd_header &h) { h.magic[0] = 'p'; }, true,
		  "magic at +0: expected \"PANICDMP\", found \"pANICDMP\"" },
		{ [](pd_header &h) { h.version = 2; }, true, "version at +8: expected 1, found 2" },
		{ [](pd_header &h) { h.header_size = 512; }, true,
		  "header_size at +12: expected 1024, found 512" },
		{ [](pd_header &h) { h.endian = 0x04030201; }, true,
		  "endian at +16: expected 0x01020304, found 0x04030201" },
		{ [](pd_header &h) { h.panic_string[0] ^= 1; }, false,
		  "header_crc32c at +1020: expected 0x" },
		{ [](pd_header &h) { h.state = 9; }, true,
		  "state at +20: expected 0..4 (empty..saved), found 9" },
		{ [](pd_header &h) { h.incompat_features = 4; }, true,
		  "incompat_features at +32: expected 0 (no feature this reader lacks), found 0x4" },
		{ [](pd_header &h) { h.area_size = 4ULL << 20; }, true,
		  "area_size at +80: expected 0x800000 (the area), found 0x400000" },
		{ [](pd_header &h) { h.nr_sections = 9; }, true, "nr_sections at +44: expected at most 8, found 9" },
		{ [](pd_header &h) { h.sections[1].type = 7; }, true,
		  "sections[1] at +552: type: expected 1..4, found 7" },
		{ [](pd_header &h) { h.sections[1].offset = 100; }, true,
		  "sections[1] at +552: offset: expected a multiple of 512 from 4096 on, found 0x64" },
		{ [](pd_header &h) { h.sections[1].capacity = 8ULL << 20; }, true,
		  "sections[1] at +552: offset 0x200000 + capacity 0x800000: expected to end by 0x7ff000 (the trailing header)" },
		{ [](pd_header &h) { h.sections[0].length = h.sections[0].capacity + 1; }, true,
		  "sections[0] at +512: length: expected at most the capacity 0x1ff000, found 0x1ff001" },
	};
	ASSERT_EQ(kdump_sect, 552u);
	for (const auto &c : cases) {
		pdtest::RealDump d = pdtest::make_dump({});
		c.corrupt(d.header);
		if (c.reseal)
			pd_header_seal(&d.header);
		std::memcpy(d.area.data(), &d.header, sizeof(d.header));
		std::memcpy(d.area.data() + pd_trailer_offset(8 << 20), &d.header, sizeof(d.header));
		put_image(d);

		EXPECT_EQ(run(), pd::kSaveError) << c.message;
		EXPECT_TRUE(contains(err.str(), "savecore: " + image() + ": no valid header: primary header@0x0: " +
					       c.message)) << err.str();
		EXPECT_TRUE(contains(err.str(), "; trailing header@0x7ff000: ")) << err.str();
		EXPECT_EQ(read_bytes(image()), d.area);
		EXPECT_FALSE(fs::exists(dir()));
	}
}

TEST_F(Savecore, SectionProblems)
{
	// A log that fails its CRC is saved, with a warning naming it.
	pdtest::RealDump d = pdtest::make_dump({});
	d.area[PD_LOG_OFFSET + 3] ^= 0x40;
	put_image(d);
	ASSERT_EQ(run(), pd::kSaveOk) << err.str();
	EXPECT_TRUE(contains(err.str(), "savecore: warning: " + image() +
				       ": log section@0x1000: crc32c: expected 0x")) << err.str();
	EXPECT_TRUE(contains(err.str(), "; saving it anyway")) << err.str();
	EXPECT_EQ(read_text(file("dmesg.0")).size(), pdtest::dump_log({}).size());

	// No KDUMP section at all: an error, nothing written.
	fs::remove_all(dir());
	d = pdtest::make_dump({});
	d.header.sections[1].type = PD_SECT_KEYBLOCK;
	d.reseal();
	put_image(d);
	EXPECT_EQ(run(), pd::kSaveError);
	EXPECT_EQ(err.str(), "savecore: " + image() + ": primary header@0x0: no kdump section (type 2) in 2 sections\n");
	EXPECT_EQ(read_bytes(image()), d.area);
	EXPECT_FALSE(fs::exists(dir()));

	// A KDUMP section too short for its header.
	d = pdtest::make_dump({});
	pd_header_section(&d.header, PD_SECT_KDUMP)->length = 4096;
	d.reseal();
	put_image(d);
	EXPECT_EQ(run(), pd::kSaveError);
	EXPECT_EQ(err.str(), "savecore: " + image() + ": kdump image@0x200000: length 4096 is too short for the header and sub-header (need at least 8192)\n");
	EXPECT_EQ(read_bytes(image()), d.area);
}

TEST_F(Savecore, ClearDiscardsTheDumpWithoutSaving)
{
	put_image(pdtest::make_dump({}));
	opts.clear = true;
	ASSERT_EQ(run(), pd::kSaveOk) << err.str();
	EXPECT_NE(out.str().find("savecore: cleared the dump on "), std::string::npos)
		<< out.str();
	EXPECT_EQ(header_at(0).state, (uint32_t)PD_STATE_EMPTY);

	// Nothing is left to save, -C agrees, and no file was written.
	opts.clear = false;
	EXPECT_EQ(run(), pd::kSaveNoDump);
	EXPECT_EQ(run(false, true), pd::kSaveNoDump);
	EXPECT_NE(::access((dir() + "/vmcore.0").c_str(), F_OK), 0);
}

TEST_F(Savecore, SaveCompressedOffMeansElf)
{
	put_image(pdtest::make_dump({}));
	pdtest::write_text(tmp / "root/etc/dumpadm.conf", "DUMPADM_CSAVE=off\n");
	opts.format_given = false;
	ASSERT_EQ(run(), pd::kSaveOk) << err.str();
	auto vmcore = pdtest::read_bytes(dir() + "/vmcore.0");
	ASSERT_GE(vmcore.size(), 4u);
	EXPECT_EQ(0, std::memcmp(vmcore.data(), "\x7f" "ELF", 4));
}

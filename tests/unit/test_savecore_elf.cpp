// SPDX-License-Identifier: GPL-2.0
// savecore --format elf: the ELF64 core round trip (every page read back
// through the PT_LOADs), its program headers, zstd, LZO and raw pages,
// sparse holes, and the errors a corrupt page or a failed write gives.
#include <gtest/gtest.h>

#include <cstring>
#include <elf.h>
#include <fcntl.h>
#include <filesystem>
#include <sys/stat.h>

#include "common/dump_area.h"
#include "common/error.h"
#include "common/file_util.h"
#include "savecore/elf_writer.h"
#include "savecore/kdump_image.h"
#include "savecore/kdump_pages.h"
#include "savecore/progress.h"
#include "elf_reader.h"
#include "kdump_reader.h"
#include "savecore_elf_spec.h"
#include "savecore_fixture.h"

namespace fs = std::filesystem;
using pdtest::elf_spec;
using pdtest::page_content;
using pdtest::kPob;
using pdtest::kText;
using pdtest::kTextPfn;
using pdtest::read_bytes;
using pdtest::read_text;

namespace {

class SavecoreElf : public Savecore {
protected:
	SavecoreElf() { opts.format = pd::VmcoreFormat::Elf; }

	// Every page of RAM read back by physical address: dumped pages as
	// written, zero pages and pages not dumped as zeros, non-RAM absent.
	void expect_round_trip(const pdtest::DumpSpec &spec, const pdtest::ElfCore &elf)
	{
		std::string path = file("vmcore.0");
		std::vector<uint8_t> zero(4096, 0);
		for (uint64_t pfn = 0; pfn < spec.max_mapnr; pfn++) {
			// The kernel image's PT_LOAD covers its pages too.
			bool ram = pfn >= kTextPfn && pfn < kTextPfn + 5 && !spec.kallsyms.empty();
			for (const auto &[a, b] : spec.ram)
				ram |= pfn >= a && pfn < b;
			bool dumped = std::count(spec.pages.begin(), spec.pages.end(), pfn);
			auto got = elf.page(path, pfn * 4096);
			if (dumped)
				ASSERT_EQ(got, page_content(spec, pfn)) << pfn;
			else if (ram)
				ASSERT_EQ(got, zero) << pfn;
			else
				ASSERT_TRUE(got.empty()) << pfn;
		}
	}
};

} // namespace

TEST_F(SavecoreElf, RoundTripThroughThePtLoads)
{
	pdtest::DumpSpec spec = elf_spec();
	pdtest::RealDump d = pdtest::make_dump(spec);
	put_image(d);

	opts.verbose = true;
	ASSERT_EQ(run(), pd::kSaveOk) << err.str();
	EXPECT_EQ(err.str(), "");
	EXPECT_TRUE(contains(out.str(), "savecore: page_offset_base 0xffff9a4c40000000 from page_offset_base at 0xffffffff81203740 (symbol table)\n")) << out.str();
	EXPECT_TRUE(contains(out.str(), "savecore: kernel image 0xffffffff81200000 (phys 0x1200000), 0x5000 bytes\n")) << out.str();
	EXPECT_TRUE(contains(out.str(), "savecore: saved vmcore.0 (ELF, ")) << out.str();

	pdtest::ElfCore elf = pdtest::read_elf_core(file("vmcore.0"));
	EXPECT_EQ(elf.type, ET_CORE);
	EXPECT_EQ(elf.machine, EM_X86_64);
	EXPECT_EQ(elf.flags, 0u);
	ASSERT_EQ(elf.phnum, 4u);
	// The notes, as in the image.
	EXPECT_EQ(elf.segments[0].type, (uint32_t)PT_NOTE);
	EXPECT_EQ(elf.notes, std::vector<uint8_t>(d.image.begin() + d.layout.off_notes,
						  d.image.begin() + d.layout.off_notes + d.layout.notes_size));
	// The kernel image: runtime _text, __pa_symbol(_text), up to _end.
	const auto &k = elf.segments[1];
	EXPECT_EQ(k.type, (uint32_t)PT_LOAD);
	EXPECT_EQ(k.vaddr, kText);
	EXPECT_EQ(k.paddr, kTextPfn * 4096);
	EXPECT_EQ(k.filesz, 5u * 4096);
	EXPECT_EQ(k.memsz, 5u * 4096);
	EXPECT_EQ(k.align, 0u);
	// RAM: one PT_LOAD per range, p_vaddr in the direct map.
	for (size_t r = 0; r < 2; r++) {
		const auto &s = elf.segments[2 + r];
		EXPECT_EQ(s.type, (uint32_t)PT_LOAD);
		EXPECT_EQ(s.paddr, spec.ram[r].first * 4096);
		EXPECT_EQ(s.vaddr, kPob + spec.ram[r].first * 4096);
		EXPECT_EQ(s.filesz, (spec.ram[r].second - spec.ram[r].first) * 4096);
		EXPECT_EQ(s.memsz, s.filesz);
		EXPECT_EQ(s.align, 0u);
		EXPECT_EQ(s.offset % 4096, 0u);
	}
	// The kernel PT_LOAD shares the RAM range's bytes.
	EXPECT_EQ(k.offset, elf.segments[3].offset + (kTextPfn - 256) * 4096);
	expect_round_trip(spec, elf);
	// Kernel and direct-map virtual addresses reach the same bytes.
	auto v = elf.vread(file("vmcore.0"), 0xffffffff81203740ULL, 8);
	ASSERT_EQ(v.size(), 8u);
	uint64_t pob;
	std::memcpy(&pob, v.data(), 8);
	EXPECT_EQ(pob, kPob);
	EXPECT_EQ(elf.vread(file("vmcore.0"), kPob + 300 * 4096, 4096), page_content(spec, 300));

	// Sparse: only the dumped, non-zero pages take blocks.
	struct stat st;
	ASSERT_EQ(::stat(file("vmcore.0").c_str(), &st), 0);
	EXPECT_EQ((uint64_t)st.st_size, elf.segments[3].offset + (8000 - 256) * 4096);
	EXPECT_LT((uint64_t)st.st_blocks * 512, 32u * 4096 + 65536);

	EXPECT_EQ(read_text(file("System.map.0")), pdtest::kElfMap);
	std::string info = read_text(file("info.0"));
	EXPECT_TRUE(contains(info, "vmcore format: ELF64 core (uncompressed, sparse)\n")) << info;
	EXPECT_EQ(header_at(0).state, (uint32_t)PD_STATE_SAVED);
}

TEST_F(SavecoreElf, LzoAndRawPages)
{
	for (uint32_t c : { (uint32_t)PD_COMPRESS_LZO, (uint32_t)PD_COMPRESS_NONE }) {
		fs::remove_all(dir());
		pdtest::DumpSpec spec = elf_spec();
		spec.compression = c;
		pdtest::RealDump d = pdtest::make_dump(spec);
		// The builder used the codec (or none) for every page.
		kdump_page_desc desc;
		std::memcpy(&desc, d.image.data() + d.layout.off_desc, sizeof(desc));	// pfn 1
		EXPECT_EQ(desc.flags, c == PD_COMPRESS_LZO ? DUMP_DH_COMPRESSED_LZO : 0u);
		put_image(d);

		ASSERT_EQ(run(), pd::kSaveOk) << err.str();
		EXPECT_EQ(err.str(), "");
		expect_round_trip(spec, pdtest::read_elf_core(file("vmcore.0")));

		// The same image saved as kdump reads the same.
		fs::remove_all(dir());
		opts.format = pd::VmcoreFormat::Kdump;
		ASSERT_EQ(run(true), pd::kSaveOk) << err.str();
		auto vmcore = read_bytes(file("vmcore.0"));
		EXPECT_EQ(vmcore, d.image);
		for (uint64_t pfn : spec.pages)
			EXPECT_EQ(pdtest::read_kdump_page(vmcore, pfn), page_content(spec, pfn));
		opts.format = pd::VmcoreFormat::Elf;
	}
}

TEST_F(SavecoreElf, WithoutSymbolTable)
{
	pdtest::DumpSpec spec = elf_spec();
	spec.kallsyms.clear();
	put_image(pdtest::make_dump(spec));

	ASSERT_EQ(run(), pd::kSaveOk) << err.str();
	EXPECT_TRUE(contains(err.str(), "ELF output: no symbol table with page_offset_base, and no direct map found in the page tables: "
				       "RAM p_vaddr uses the default for 4-level paging without KASLR (0xffff888000000000); p_paddr is exact\n")) << err.str();
	EXPECT_TRUE(contains(err.str(), "ELF output: no _end in the symbol table or VMCOREINFO: no PT_LOAD for the kernel image")) << err.str();
	pdtest::ElfCore elf = pdtest::read_elf_core(file("vmcore.0"));
	ASSERT_EQ(elf.phnum, 3u);
	EXPECT_EQ(elf.segments[1].vaddr, 0xffff888000000000ULL + 4096);
	expect_round_trip(spec, elf);
}

TEST_F(SavecoreElf, KernelImageAcrossAHoleIsStoredApart)
{
	pdtest::DumpSpec spec = elf_spec();
	// pfn kTextPfn + 2 is neither RAM nor dumped.
	spec.ram = { { 1, 160 }, { 256, kTextPfn + 2 }, { kTextPfn + 3, 8000 } };
	spec.pages.erase(std::find(spec.pages.begin(), spec.pages.end(), kTextPfn + 2));
	put_image(pdtest::make_dump(spec));

	ASSERT_EQ(run(), pd::kSaveOk) << err.str();
	pdtest::ElfCore elf = pdtest::read_elf_core(file("vmcore.0"));
	ASSERT_EQ(elf.phnum, 5u);
	const auto &k = elf.segments[1];
	EXPECT_EQ(k.paddr, kTextPfn * 4096);
	EXPECT_EQ(k.offset, elf.segments[4].offset + elf.segments[4].filesz);	// after the RAM
	std::string path = file("vmcore.0");
	EXPECT_EQ(elf.vread(path, kText, 4096), page_content(spec, kTextPfn));
	EXPECT_EQ(elf.vread(path, kText + 2 * 4096, 4096), std::vector<uint8_t>(4096, 0));
	EXPECT_EQ(elf.vread(path, kText + 4 * 4096, 4096), page_content(spec, kTextPfn + 4));
	expect_round_trip(spec, elf);
}

TEST_F(SavecoreElf, IncompleteDumpHasHolesAndTheFlag)
{
	// The kernel image, then room for the data of pfns 1 2 3 (and zero
	// pages 5 and 6), not for 100 and what follows.
	pdtest::DumpSpec spec = pdtest::out_of_space_after(elf_spec(), 3);
	pdtest::RealDump d = pdtest::make_dump(spec);
	ASSERT_EQ(d.header.error.kind, (uint32_t)PD_ERR_NOSPC);
	put_image(d);

	ASSERT_EQ(run(), pd::kSaveOk) << err.str();
	pdtest::ElfCore elf = pdtest::read_elf_core(file("vmcore.0"));
	EXPECT_EQ(elf.flags, 1u);	// makedumpfile's DUMP_ELF_INCOMPLETE
	std::string path = file("vmcore.0");
	for (uint64_t pfn : { 1, 2, 3 })
		EXPECT_EQ(elf.page(path, pfn * 4096), page_content(spec, pfn));
	for (uint64_t pfn : { 100, 300, 7999 })
		EXPECT_EQ(elf.page(path, pfn * 4096), std::vector<uint8_t>(4096, 0)) << pfn;
	EXPECT_TRUE(contains(read_text(file("info.0")), "incomplete: yes\n"));
}

TEST_F(SavecoreElf, CorruptPagesAreErrorsNamingPfnDescAndOffset)
{
	struct Case {
		uint32_t compression;
		const char *what;
	};
	for (const Case &c : { Case{ PD_COMPRESS_ZSTD, "zstd: expected a frame of 4096 bytes, found an error (" },
			       Case{ PD_COMPRESS_LZO, "lzo: expected a block of 4096 bytes, found error " } }) {
		fs::remove_all(dir());
		pdtest::DumpSpec spec = elf_spec();
		spec.compression = c.compression;
		pdtest::RealDump d = pdtest::make_dump(spec);
		// pfn 100 is desc 5 (1 2 3 5 6 100 ...).
		kdump_page_desc desc;
		uint64_t at = d.layout.off_desc + 5 * sizeof(desc);
		std::memcpy(&desc, d.image.data() + at, sizeof(desc));
		ASSERT_NE(desc.flags, 0u);
		for (uint32_t i = 0; i < desc.size; i++)
			d.area[PD_KDUMP_OFFSET + desc.offset + i] = (uint8_t)(0xa5 ^ i);
		put_image(d);

		EXPECT_EQ(run(), pd::kSaveError);
		std::string want = pd::strprintf("savecore: %s: kdump image@0x200000: page desc 5 (pfn 100) at +0x%llx: offset 0x%llx size %u flags 0x%x: ",
						 image().c_str(), (unsigned long long)at,
						 (unsigned long long)desc.offset, desc.size, desc.flags) + c.what;
		EXPECT_TRUE(contains(err.str(), want)) << err.str() << "\nwant: " << want;
		EXPECT_TRUE(contains(err.str(), "; savecore --format kdump saves the image as it is\n")) << err.str();
		// Nothing written, nothing changed: kdump output still works.
		EXPECT_EQ(read_bytes(image()), d.area);
		EXPECT_TRUE(!fs::exists(dir()) || fs::is_empty(dir()));
		opts.format = pd::VmcoreFormat::Kdump;
		EXPECT_EQ(run(), pd::kSaveOk) << err.str();
		opts.format = pd::VmcoreFormat::Elf;
	}
}

TEST_F(SavecoreElf, DirectMapFromThePageTablesWithoutSymbolTable)
{
	pdtest::DumpSpec spec = elf_spec();
	spec.kallsyms.clear();
	spec.vmcoreinfo += "SYMBOL(init_top_pgt)=ffffffff81201000\nNUMBER(sme_mask)=0\n";
	// PGD at kTextPfn + 1; PUD tables at kTextPfn + 2 (the direct map:
	// a 1 GiB page at physical 0), kTextPfn + 4 (a decoy lower down,
	// mapping physical 1 GiB) and pfn 301 (the kernel map's top entry,
	// which maps physical 0 too when phys_base is 0).
	const uint64_t P = 0x63, PS = 0x80;
	std::vector<uint8_t> pgd(4096, 0), pud(4096, 0), decoy(4096, 0), top(4096, 0);
	unsigned g = (kPob >> 39) & 511, u = (kPob >> 30) & 511;
	ASSERT_GT(g, 256u);
	pdtest::put_u64(pgd, 8 * (g - 1), (kTextPfn + 4) * 4096 | P);
	pdtest::put_u64(pgd, 8 * g, (kTextPfn + 2) * 4096 | P);
	pdtest::put_u64(pgd, 8 * 511, 301 * 4096 | P);
	pdtest::put_u64(decoy, 0, (1ULL << 30) | PS | P);
	pdtest::put_u64(top, 8 * 510, 0 | PS | P);	// 0xffffffff80000000: phys 0
	pdtest::put_u64(pud, 8 * u, 0 | PS | P);
	spec.pages.push_back(301);
	spec.page_data[kTextPfn + 1] = pgd;
	spec.page_data[kTextPfn + 2] = pud;
	spec.page_data[kTextPfn + 4] = decoy;
	spec.page_data[301] = top;
	put_image(pdtest::make_dump(spec));

	opts.verbose = true;
	ASSERT_EQ(run(), pd::kSaveOk) << err.str();
	EXPECT_FALSE(contains(err.str(), "page_offset_base")) << err.str();
	EXPECT_TRUE(contains(out.str(), "savecore: page_offset_base 0xffff9a4c40000000 from the page tables "
				       "(SYMBOL(init_top_pgt)=0xffffffff81201000; no symbol table with page_offset_base)\n"))
		<< out.str();
	pdtest::ElfCore elf = pdtest::read_elf_core(file("vmcore.0"));
	ASSERT_EQ(elf.phnum, 3u);
	EXPECT_EQ(elf.segments[1].vaddr, kPob + 4096);
	EXPECT_EQ(elf.vread(file("vmcore.0"), kPob + 300 * 4096, 4096), page_content(spec, 300));
}

// A write libelf cannot do is an error naming the file and the step.
TEST_F(SavecoreElf, HeaderWriteErrorNamesTheFile)
{
	pdtest::DumpSpec spec = elf_spec();
	pdtest::RealDump d = pdtest::make_dump(spec);
	put_image(d);
	pd::DumpArea area = pd::DumpArea::open(image(), pd::OpenMode::ReadOnly);
	pd::KdumpImage img = pd::validate_kdump(area, PD_KDUMP_OFFSET, d.image.size(), false, 0);
	pd::KdumpPages pages(area, img);
	pd::ElfPlan plan = pd::plan_elf(area, pages, spec.kallsyms, false);

	// Read-only: libelf's ftruncate to the headers' size fails.
	std::string path = tmp / "vmcore.ro";
	pdtest::write_bytes(path, {});
	pd::UniqueFd fd = pd::open_or_throw(path, O_RDONLY | O_CLOEXEC);
	pd::Progress progress(out, false, "vmcore.ro", img.nr_descs);
	try {
		pd::write_elf(plan, pages, fd.get(), path, progress);
		FAIL() << "write_elf wrote through a read-only descriptor";
	} catch (const pd::Error &e) {
		EXPECT_EQ(std::string(e.what()), path + ": writing the ELF and program headers (elf_update): "
						      "libelf: cannot write data to file (Invalid argument)");
	}
	EXPECT_EQ(read_bytes(path).size(), 0u);
}

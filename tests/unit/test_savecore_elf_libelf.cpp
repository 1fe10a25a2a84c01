// SPDX-License-Identifier: GPL-2.0
// savecore --format elf read back as its consumers read it: through libelf
// (elf_begin ELF_C_READ, elf_getphdrnum, gelf_getphdr, gelf_getnote), every
// PT_LOAD's bytes against the dump's pages, complete and incomplete, with
// extended program header numbering, and as gdb opens it.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <fcntl.h>
#include <gelf.h>
#include <set>
#include <sys/stat.h>

#include "common/error.h"
#include "common/file_util.h"
#include "savecore/elf_handle.h"
#include "elf_reader.h"
#include "savecore_elf_spec.h"
#include "savecore_fixture.h"

namespace {

constexpr uint64_t kPage = 4096;

struct Note {
	std::string name;		// n_namesz bytes, the NUL included
	uint32_t type = 0;
	std::vector<uint8_t> desc;
};

// A vmcore opened for reading with libelf.
class LibelfCore {
public:
	explicit LibelfCore(const std::string &path)
		: path_(path), fd_(pd::open_or_throw(path, O_RDONLY | O_CLOEXEC)),
		  elf_(pd::elf_begin_or_throw(fd_.get(), ELF_C_READ, path)) {}

	Elf *get() const { return elf_.get(); }

	GElf_Ehdr ehdr() const
	{
		GElf_Ehdr eh;
		if (!gelf_getehdr(get(), &eh))
			pd::throw_libelf(path_ + ": gelf_getehdr");
		return eh;
	}

	std::vector<GElf_Phdr> phdrs() const
	{
		size_t n;
		if (elf_getphdrnum(get(), &n))
			pd::throw_libelf(path_ + ": elf_getphdrnum");
		std::vector<GElf_Phdr> ph(n);
		for (size_t i = 0; i < n; i++)
			if (!gelf_getphdr(get(), static_cast<int>(i), &ph[i]))
				pd::throw_libelf(path_ + ": gelf_getphdr " + std::to_string(i));
		return ph;
	}

	std::vector<Note> notes(const GElf_Phdr &ph) const
	{
		Elf_Data *d = chunk(ph, ELF_T_NHDR);
		std::vector<Note> notes;
		for (size_t off = 0; off < d->d_size;) {
			GElf_Nhdr nh;
			size_t name_off, desc_off;
			size_t next = gelf_getnote(d, off, &nh, &name_off, &desc_off);
			if (!next)
				throw pd::Error(path_ + ": no note at +" + std::to_string(off) +
						" of the PT_NOTE");
			const char *p = static_cast<const char *>(d->d_buf);
			notes.push_back({ std::string(p + name_off, nh.n_namesz), nh.n_type,
					  std::vector<uint8_t>(p + desc_off, p + desc_off + nh.n_descsz) });
			off = next;
		}
		return notes;
	}

	// A segment's p_filesz bytes; throws when the file is shorter.
	std::vector<uint8_t> bytes(const GElf_Phdr &ph) const
	{
		Elf_Data *d = chunk(ph, ELF_T_BYTE);
		const uint8_t *p = static_cast<const uint8_t *>(d->d_buf);
		return std::vector<uint8_t>(p, p + d->d_size);
	}

private:
	Elf_Data *chunk(const GElf_Phdr &ph, Elf_Type type) const
	{
		Elf_Data *d = elf_getdata_rawchunk(get(), static_cast<int64_t>(ph.p_offset),
						   ph.p_filesz, type);
		if (!d)
			pd::throw_libelf(pd::strprintf("%s: %llu bytes at 0x%llx", path_.c_str(),
						       (unsigned long long)ph.p_filesz,
						       (unsigned long long)ph.p_offset));
		return d;
	}

	std::string path_;
	pd::UniqueFd fd_;
	pd::ElfHandle elf_;	// ended before fd_ closes
};

class SavecoreElfLibelf : public Savecore {
protected:
	SavecoreElfLibelf() { opts.format = pd::VmcoreFormat::Elf; }

	// The notes as the image has them: a PRSTATUS per CPU, VMCOREINFO.
	void expect_notes(const pdtest::DumpSpec &spec, const LibelfCore &core,
			  const GElf_Phdr &ph)
	{
		EXPECT_EQ(ph.p_type, (uint32_t)PT_NOTE);
		EXPECT_EQ(ph.p_vaddr, 0u);
		EXPECT_EQ(ph.p_paddr, 0u);
		std::vector<Note> notes = core.notes(ph);
		ASSERT_EQ(notes.size(), spec.nr_cpus + 1);
		for (uint32_t cpu = 0; cpu < spec.nr_cpus; cpu++) {
			const Note &n = notes[cpu];
			EXPECT_EQ(n.name, std::string("CORE", 5));
			EXPECT_EQ(n.type, KDUMP_NT_PRSTATUS);
			ASSERT_EQ(n.desc.size(), KDUMP_PRSTATUS_SIZE);
			uint32_t pid;
			std::memcpy(&pid, n.desc.data() + KDUMP_PRSTATUS_PID_OFF, sizeof(pid));
			EXPECT_EQ(pid, cpu + 1);
		}
		EXPECT_EQ(notes.back().name, std::string("VMCOREINFO", 11));
		EXPECT_EQ(std::string(notes.back().desc.begin(), notes.back().desc.end()),
			  spec.vmcoreinfo);
	}

	// Every page of every PT_LOAD as the dump has it (zeros where it
	// has none; not_written: pages the writer did not reach); returns
	// how many pages that was.
	uint64_t expect_pt_loads(const pdtest::DumpSpec &spec, const LibelfCore &core,
				 const std::vector<GElf_Phdr> &ph,
				 const std::set<uint64_t> &not_written = {})
	{
		uint64_t checked = 0;
		for (size_t i = 0; i < ph.size(); i++) {
			if (ph[i].p_type != PT_LOAD)
				continue;
			EXPECT_EQ(ph[i].p_flags, (uint32_t)(PF_R | PF_W | PF_X)) << i;
			EXPECT_EQ(ph[i].p_align, 0u) << i;
			EXPECT_EQ(ph[i].p_memsz, ph[i].p_filesz) << i;
			EXPECT_EQ(ph[i].p_paddr % kPage, 0u) << i;
			EXPECT_EQ(ph[i].p_filesz % kPage, 0u) << i;
			std::vector<uint8_t> b = core.bytes(ph[i]);
			for (uint64_t k = 0; k < b.size() / kPage; k++) {
				uint64_t pfn = ph[i].p_paddr / kPage + k;
				std::vector<uint8_t> want = pdtest::page_in_file(spec, pfn, not_written);
				EXPECT_TRUE(std::equal(want.begin(), want.end(), b.begin() + k * kPage))
					<< "PT_LOAD " << i << " pfn " << pfn;
				checked++;
			}
		}
		return checked;
	}
};

} // namespace

TEST_F(SavecoreElfLibelf, HeadersNotesAndEveryPtLoadPage)
{
	pdtest::DumpSpec spec = pdtest::elf_spec();
	put_image(pdtest::make_dump(spec));
	ASSERT_EQ(run(), pd::kSaveOk) << err.str();
	EXPECT_EQ(err.str(), "");

	LibelfCore core(file("vmcore.0"));
	EXPECT_EQ(elf_kind(core.get()), ELF_K_ELF);
	EXPECT_EQ(gelf_getclass(core.get()), ELFCLASS64);
	GElf_Ehdr eh = core.ehdr();
	EXPECT_EQ(eh.e_ident[EI_DATA], ELFDATA2LSB);
	EXPECT_EQ(eh.e_type, ET_CORE);
	EXPECT_EQ(eh.e_machine, EM_X86_64);
	EXPECT_EQ(eh.e_flags, 0u);
	EXPECT_EQ(eh.e_shnum, 0u);

	std::vector<GElf_Phdr> ph = core.phdrs();
	ASSERT_EQ(ph.size(), 4u);
	expect_notes(spec, core, ph[0]);
	// The kernel image, then the RAM ranges in the direct map.
	EXPECT_EQ(ph[1].p_vaddr, pdtest::kText);
	EXPECT_EQ(ph[1].p_paddr, pdtest::kTextPfn * kPage);
	EXPECT_EQ(ph[1].p_filesz, 5 * kPage);
	for (size_t r = 0; r < 2; r++) {
		EXPECT_EQ(ph[2 + r].p_paddr, spec.ram[r].first * kPage);
		EXPECT_EQ(ph[2 + r].p_vaddr, pdtest::kPob + spec.ram[r].first * kPage);
		EXPECT_EQ(ph[2 + r].p_filesz, (spec.ram[r].second - spec.ram[r].first) * kPage);
	}
	EXPECT_EQ(expect_pt_loads(spec, core, ph), 5 + (160 - 1) + (8000 - 256));
	// Pages dumped with content, not zero pages: the check can tell.
	EXPECT_NE(pdtest::page_in_file(spec, 7999), std::vector<uint8_t>(kPage, 0));
	EXPECT_EQ(pdtest::page_in_file(spec, 4000), std::vector<uint8_t>(kPage, 0));
}

TEST_F(SavecoreElfLibelf, IncompleteDumpFlagAndZerosForPagesNeverWritten)
{
	// The kernel image first, then pfns 1 2 3 and the zero pages 5 6;
	// out of space at 100.
	pdtest::DumpSpec spec = pdtest::out_of_space_after(pdtest::elf_spec(), 3);
	const std::set<uint64_t> not_written = { 100, 300, 4000, 7999 };
	pdtest::RealDump d = pdtest::make_dump(spec);
	for (uint64_t pfn : not_written)
		ASSERT_EQ(d.desc(pfn).offset, 0) << pfn;
	put_image(d);
	ASSERT_EQ(run(), pd::kSaveOk) << err.str();

	LibelfCore core(file("vmcore.0"));
	EXPECT_EQ(core.ehdr().e_flags, 1u);	// makedumpfile's DUMP_ELF_INCOMPLETE
	std::vector<GElf_Phdr> ph = core.phdrs();
	ASSERT_EQ(ph.size(), 4u);
	expect_notes(spec, core, ph[0]);
	EXPECT_EQ(expect_pt_loads(spec, core, ph, not_written), 5 + (160 - 1) + (8000 - 256));
	EXPECT_EQ(pdtest::page_in_file(spec, 3, not_written), pdtest::page_content(spec, 3));
	EXPECT_EQ(pdtest::page_in_file(spec, 100, not_written), std::vector<uint8_t>(kPage, 0));
	EXPECT_TRUE(contains(pdtest::read_text(file("info.0")), "incomplete: yes\n"));
}

TEST_F(SavecoreElfLibelf, ExtendedProgramHeaderNumbering)
{
	// 66000 one-page RAM ranges, a page apart: past 65535 program
	// headers, so e_phnum is PN_XNUM and section header 0 has the count.
	// The pages at odd PFNs are not RAM, so not in the dump.
	pdtest::DumpSpec spec = pdtest::elf_spec();
	spec.max_mapnr = 132008;
	spec.ram.clear();
	for (uint64_t i = 0; i < 66000; i++)
		spec.ram.push_back({ 2 * i, 2 * i + 1 });
	put_image(pdtest::make_dump(spec));
	ASSERT_EQ(run(), pd::kSaveOk) << err.str();

	std::string path = file("vmcore.0");
	LibelfCore core(path);
	GElf_Ehdr eh = core.ehdr();
	EXPECT_EQ(eh.e_phnum, PN_XNUM);
	ASSERT_EQ(eh.e_shnum, 1u);
	GElf_Shdr sh0;
	ASSERT_TRUE(gelf_getshdr(elf_getscn(core.get(), 0), &sh0));
	std::vector<GElf_Phdr> ph = core.phdrs();
	ASSERT_GT(ph.size(), 65535u);
	EXPECT_EQ(sh0.sh_info, ph.size());
	EXPECT_EQ(sh0.sh_type, (uint32_t)SHT_NULL);
	// The notes follow the section header.
	EXPECT_EQ(ph[0].p_offset, eh.e_shoff + eh.e_shentsize);
	expect_notes(spec, core, ph[0]);

	// The independent reader agrees on every program header.
	pdtest::ElfCore hand = pdtest::read_elf_core(path);
	ASSERT_EQ(hand.phnum, ph.size());
	for (size_t i = 0; i < ph.size(); i++) {
		ASSERT_EQ(hand.segments[i].type, ph[i].p_type) << i;
		ASSERT_EQ(hand.segments[i].offset, ph[i].p_offset) << i;
		ASSERT_EQ(hand.segments[i].paddr, ph[i].p_paddr) << i;
		ASSERT_EQ(hand.segments[i].filesz, ph[i].p_filesz) << i;
	}
	// Every segment inside the file, and the dumped pages in them.
	struct stat st;
	ASSERT_EQ(::stat(path.c_str(), &st), 0);
	for (size_t i = 0; i < ph.size(); i++)
		ASSERT_LE(ph[i].p_offset + ph[i].p_filesz, (uint64_t)st.st_size) << i;
	unsigned ram_pages = 0;
	for (uint64_t pfn : spec.pages) {
		bool kernel = pfn >= pdtest::kTextPfn && pfn < pdtest::kTextPfn + 5;
		if (pfn % 2) {
			// The kernel image's PT_LOAD still covers its own.
			if (kernel)
				EXPECT_EQ(hand.page(path, pfn * kPage), std::vector<uint8_t>(kPage, 0)) << pfn;
			else
				EXPECT_TRUE(hand.page(path, pfn * kPage).empty()) << pfn;
			continue;
		}
		ram_pages++;
		EXPECT_EQ(hand.page(path, pfn * kPage), pdtest::page_content(spec, pfn)) << pfn;
	}
	EXPECT_EQ(ram_pages, 6u);	// 2 100 300, and 3 of the kernel image's 5
}

// gdb opens the file as a core and maps each PT_LOAD where it says.
TEST_F(SavecoreElfLibelf, GdbOpensTheCore)
{
	if (std::system("command -v gdb >/dev/null 2>&1"))
		GTEST_SKIP() << "no gdb";
	put_image(pdtest::make_dump(pdtest::elf_spec()));
	ASSERT_EQ(run(), pd::kSaveOk) << err.str();

	std::string cmd = "timeout 120 gdb -batch -nx -c '" + file("vmcore.0") +
			  "' -ex 'info files' 2>&1";
	FILE *p = ::popen(cmd.c_str(), "r");
	ASSERT_TRUE(p);
	std::string text;
	char buf[4096];
	while (size_t n = std::fread(buf, 1, sizeof(buf), p))
		text.append(buf, n);
	int status = ::pclose(p);
	ASSERT_EQ(status, 0) << text;

	LibelfCore core(file("vmcore.0"));
	std::vector<GElf_Phdr> ph = core.phdrs();
	unsigned load = 0;
	for (const GElf_Phdr &s : ph) {
		if (s.p_type != PT_LOAD)
			continue;
		std::string line = pd::strprintf("0x%016llx - 0x%016llx is load%u\n",
						 (unsigned long long)s.p_vaddr,
						 (unsigned long long)(s.p_vaddr + s.p_memsz), ++load);
		EXPECT_TRUE(contains(text, line)) << line << "in:\n" << text;
	}
	EXPECT_EQ(load, 3u);
	EXPECT_TRUE(contains(text, "file type elf64-x86-64.")) << text;
}

// SPDX-License-Identifier: GPL-2.0
// The SYMTAB section end to end: pd_header_add_symtab(), dumpadm's
// kallsyms table and descriptor block, and savecore finding, checking
// and saving it as System.map.N, or warning and going on without it.
#include <gtest/gtest.h>

#include <cstring>
#include <filesystem>
#include <memory>

#include "common/dump_area.h"
#include "common/error.h"
#include "common/symtab_text.h"
#include "crc32c.h"
#include "dumpadm/arm.h"
#include "dumpadm/symtab.h"
#include "savecore_fixture.h"

namespace fs = std::filesystem;
using pdtest::read_bytes;
using pdtest::read_text;

namespace {

const std::string kMap =
	"ffffffff81200000 T _text\n"
	"ffffffff81203740 D page_offset_base\n"
	"ffffffff81204f00 B _end\n"
	"ffffffffc0315450 b pd_entered\t[panicdump]\n";

// The header an older module wrote over dumpadm's: it lists no SYMTAB
// section and its KDUMP section reaches the trailing header, as
// pd_header_init() lays it out; the rest is as the writer left it.
void unlist_symtab(pdtest::RealDump &d)
{
	struct pd_header old;
	pd_header_init(&old, d.header.area_size);
	pd_header_section(&d.header, PD_SECT_KDUMP)->capacity =
		pd_header_section(&old, PD_SECT_KDUMP)->capacity;
	uint32_t n = 0;
	for (uint32_t i = 0; i < d.header.nr_sections; i++)
		if (d.header.sections[i].type != PD_SECT_SYMTAB)
			d.header.sections[n++] = d.header.sections[i];
	for (uint32_t i = n; i < PD_MAX_SECTIONS; i++)
		d.header.sections[i] = {};
	d.header.nr_sections = n;
	d.reseal();
}

// A dump armed with kMap by dumpadm; listed: the module's header lists
// the SYMTAB section, as the writer's always does, else unlist_symtab().
pdtest::RealDump symtab_dump(bool listed = true)
{
	pdtest::DumpSpec spec;
	spec.kallsyms = kMap;
	pdtest::RealDump d = pdtest::make_dump(spec);
	if (!listed)
		unlist_symtab(d);
	return d;
}

uint64_t block_off(const pdtest::RealDump &d)
{
	return pd_symtab_block_offset(d.header.area_size);
}

void reseal_block(pdtest::RealDump &d)
{
	uint64_t at = block_off(d);
	uint32_t crc = pd_crc32c(0, d.area.data() + at, offsetof(struct pd_symtab_block, block_crc32c));
	pdtest::put_u32(d.area, at + offsetof(struct pd_symtab_block, block_crc32c), crc);
}

} // namespace

TEST(SymtabFormat, AddSymtabTakesTheEndOfTheKdumpSection)
{
	const uint64_t area = 64ULL << 20, cap = 5ULL << 20;
	struct pd_header h;
	pd_header_init(&h, area);

	ASSERT_EQ(pd_header_add_symtab(&h, cap), 0);
	EXPECT_EQ(h.nr_sections, 3u);
	const struct pd_section *s = pd_header_section(&h, PD_SECT_SYMTAB);
	ASSERT_NE(s, nullptr);
	EXPECT_EQ(s->offset, area - 4096 - cap);
	EXPECT_EQ(s->capacity, cap);
	EXPECT_EQ(s->length, 0u);
	// LOG and KDUMP keep their fixed offsets; KDUMP ends where SYMTAB starts.
	EXPECT_EQ(pd_header_section(&h, PD_SECT_LOG)->offset, PD_LOG_OFFSET);
	const struct pd_section *k = pd_header_section(&h, PD_SECT_KDUMP);
	EXPECT_EQ(k->offset, PD_KDUMP_OFFSET);
	EXPECT_EQ(k->offset + k->capacity, s->offset);
	EXPECT_EQ(pd_symtab_block_offset(area), area - 8192);
	pd_header_seal(&h);
	int bad;
	EXPECT_EQ(pd_header_check(&h, area, &bad), PD_HDR_OK);

	// Refusals leave the header as it was.
	struct pd_header before = h;
	EXPECT_EQ(pd_header_add_symtab(&h, cap), -1);			// twice
	pd_header_init(&h, area);
	before = h;
	EXPECT_EQ(pd_header_add_symtab(&h, cap + 100), -1);		// not whole blocks
	EXPECT_EQ(pd_header_add_symtab(&h, 4096), -1);			// no room for text
	EXPECT_EQ(pd_header_add_symtab(&h, area - (2ULL << 20) - 4096), -1);
	EXPECT_EQ(pd_header_add_symtab(&h, area - (3ULL << 20) - 4096 + 4096), -1);
	EXPECT_EQ(0, std::memcmp(&h, &before, sizeof(h)));
	EXPECT_EQ(pd_header_add_symtab(&h, area - (3ULL << 20) - 4096), 0);	// 1 MiB left
	EXPECT_EQ(pd_header_section(&h, PD_SECT_KDUMP)->capacity, PD_SYMTAB_MIN_KDUMP);

	struct pd_header none = {};
	EXPECT_EQ(pd_header_add_symtab(&none, cap), -1);		// no KDUMP section
	EXPECT_EQ(sizeof(struct pd_symtab_block), 256u);
	EXPECT_EQ(offsetof(struct pd_symtab_block, nonce), 48u);
	EXPECT_EQ(offsetof(struct pd_symtab_block, release), 88u);
	EXPECT_EQ(offsetof(struct pd_symtab_block, block_crc32c), 252u);
}

TEST(SymtabText, ParseAndFormat)
{
	auto s = pd::parse_symbol_line("ffffffffc0315450 b pd_entered\t[panicdump]");
	ASSERT_TRUE(s);
	EXPECT_EQ(s->addr, 0xffffffffc0315450u);
	EXPECT_EQ(s->type, 'b');
	EXPECT_EQ(s->name, "pd_entered");
	EXPECT_EQ(s->module, "panicdump");
	EXPECT_EQ(pd::format_symbol_line(*s), "ffffffffc0315450 b pd_entered\t[panicdump]\n");
	s = pd::parse_symbol_line("1000 A cpu_debug_store");
	ASSERT_TRUE(s);
	EXPECT_EQ(pd::format_symbol_line(*s), "0000000000001000 A cpu_debug_store\n");
	for (const char *bad : { "", "ffff", "ffff T", "xyz T name", "ffff  T name",
				 "ffff T name\tpanicdump", "11112222333344445 T toolong",
				 "ffff T two words" })
		EXPECT_FALSE(pd::parse_symbol_line(bad)) << bad;

	auto m = pd::find_kernel_symbols("ffffffffc0000000 t _end\t[mod]\n" + kMap,
					 { "_text", "_end", "page_offset_base", "absent" });
	EXPECT_EQ(m.size(), 3u);
	EXPECT_EQ(m["_end"], 0xffffffff81204f00u);	// the module's _end does not count
	EXPECT_EQ(m["page_offset_base"], 0xffffffff81203740u);
}

TEST(DumpadmSymtab, SortsKallsymsIntoSystemMap)
{
	pd::SymbolTable t = pd::build_symbol_table(
		"ffffffff9e000000 T _text\n"
		"ffffffffc0315450 b pd_entered\t[panicdump]\n"
		"ffffffffc027b000 t vp_modern_remove\t[virtio_pci_modern_dev]\n"
		"this is not a symbol\n"
		"ffffffff9e000000 T startup_64\n"
		"0000000000001000 A cpu_debug_store\n");
	EXPECT_EQ(t.text,
		  "0000000000001000 A cpu_debug_store\n"
		  "ffffffff9e000000 T _text\n"
		  "ffffffff9e000000 T startup_64\n"
		  "ffffffffc027b000 t vp_modern_remove\t[virtio_pci_modern_dev]\n"
		  "ffffffffc0315450 b pd_entered\t[panicdump]\n");
	EXPECT_EQ(t.nr_symbols, 5u);
	EXPECT_EQ(t.bad_lines, 1u);
	EXPECT_FALSE(t.hidden);
	EXPECT_TRUE(pd::build_symbol_table("0000000000000000 T _text\n0000000000000000 t x\t[m]\n").hidden);

	EXPECT_EQ(pd::symtab_capacity(0), 4u << 20);
	EXPECT_EQ(pd::symtab_capacity(3u << 20), 4u << 20);
	EXPECT_EQ(pd::symtab_capacity(4u << 20), 6u << 20);		// 5 MiB + 4 KiB
	EXPECT_EQ(pd::symtab_capacity(3979229), 5u << 20);		// a Debian 6.1 guest's
	EXPECT_EQ(pd::symtab_capacity(8u << 20), 11u << 20);
}

TEST(DumpadmSymtab, BuildArmAddsTheSectionAndBlock)
{
	pd::ArmInputs in;
	in.area_size = 64ULL << 20;
	in.notes.addr = { 0x1000 };
	for (uint8_t i = 0; i < 16; i++)
		in.nonce[i] = (uint8_t)(0x10 + i);
	in.arm_time = 1700000000;
	in.release = "6.1.0-21-amd64";
	in.symtab = pd::build_symbol_table(kMap);
	struct pd_header h;
	auto req = std::make_unique<struct pd_arm_request>();
	pd::build_arm(in, &h, req.get());

	int bad;
	EXPECT_EQ(pd_header_check(&h, in.area_size, &bad), PD_HDR_OK);
	const struct pd_section *s = pd::find_section(h, PD_SECT_SYMTAB);
	ASSERT_NE(s, nullptr);
	EXPECT_EQ(s->capacity, 4u << 20);
	EXPECT_EQ(s->offset, in.area_size - 4096 - (4u << 20));
	EXPECT_EQ(s->length, kMap.size());
	EXPECT_EQ(s->crc32c, pd_crc32c(0, kMap.data(), kMap.size()));

	struct pd_symtab_block b;
	pd::build_symtab_block(h, in.symtab, &b);
	EXPECT_EQ(std::string(b.magic, 8), "PDSYMTAB");
	EXPECT_EQ(b.version, 1u);
	EXPECT_EQ(b.block_size, 256u);
	EXPECT_EQ(b.offset, s->offset);
	EXPECT_EQ(b.capacity, s->capacity);
	EXPECT_EQ(b.length, kMap.size());
	EXPECT_EQ(b.text_crc32c, s->crc32c);
	EXPECT_EQ(b.nr_symbols, 4u);
	EXPECT_EQ(0, std::memcmp(b.nonce, h.nonce, 16));
	EXPECT_EQ(b.arm_time, 1700000000u);
	EXPECT_STREQ(b.release, "6.1.0-21-amd64");
	EXPECT_EQ(b.block_crc32c, pd_crc32c(0, &b, 252));

	// Without one, no section.
	in.symtab = {};
	pd::build_arm(in, &h, req.get());
	EXPECT_EQ(pd::find_section(h, PD_SECT_SYMTAB), nullptr);
	EXPECT_EQ(h.nr_sections, 2u);

	// Too small: 8 MiB holds the log, 4 MiB of table and 1 MiB of image.
	in.area_size = 8ULL << 20;
	in.symtab = pd::build_symbol_table(kMap);
	EXPECT_NO_THROW(pd::build_arm(in, &h, req.get()));
	in.area_size = 7ULL << 20;
	try {
		pd::build_arm(in, &h, req.get());
		FAIL() << "armed a table that does not fit";
	} catch (const pd::Error &e) {
		EXPECT_STREQ(e.what(), "too small for the runtime symbol table: the area is 7.0 MiB, and the log (2.0 MiB), "
			     "the symbol table (4.0 MiB for 127 bytes of /proc/kallsyms) and at least 1.0 MiB of kdump image need 7.0 MiB");
	}
}

TEST(DumpadmSymtab, RefusesToArmOverAnUnfinishedDump)
{
	pdtest::TempDir tmp;
	pdtest::DumpSpec spec;
	spec.cut_after_pages = 1;	// the power went: the header says DUMPING
	pdtest::RealDump d = pdtest::make_dump(spec);
	ASSERT_EQ(d.header.state, (uint32_t)PD_STATE_DUMPING);
	pdtest::write_bytes(tmp / "dev.img", d.area);
	pd::DumpArea a = pd::DumpArea::open(tmp / "dev.img", pd::OpenMode::ReadOnly);
	try {
		pd::check_area_contents(a, "/dev/vdb");
		FAIL() << "armed over an unfinished dump";
	} catch (const pd::Error &e) {
		EXPECT_STREQ(e.what(), "/dev/vdb holds an unsaved incomplete dump (the capture module did not finish) "
			     "from 2023-11-14 22:13:20 UTC (Kernel panic - not syncing: simulated test panic); run savecore first (savecore -c discards it)");
	}
}

TEST_F(Savecore, SymtabSavedAsSystemMapWhetherTheHeaderListsItOrNot)
{
	for (bool listed : { true, false }) {
		fs::remove_all(dir());
		pdtest::RealDump d = symtab_dump(listed);
		EXPECT_EQ(pd::find_section(d.header, PD_SECT_SYMTAB) != nullptr, listed);
		put_image(d);

		ASSERT_EQ(run(), pd::kSaveOk) << err.str();
		EXPECT_EQ(err.str(), "") << listed;
		EXPECT_TRUE(contains(out.str(), "savecore: saved vmcore.0 (")) << out.str();
		EXPECT_TRUE(contains(out.str(), "), System.map.0 from ")) << out.str();
		EXPECT_EQ(read_text(file("System.map.0")), kMap);
		EXPECT_EQ(read_bytes(file("vmcore.0")), d.image);
		EXPECT_TRUE(contains(read_text(file("info.0")), "symbol table: System.map.0 (4 symbols)\n"));
		EXPECT_EQ(fs::status(file("System.map.0")).permissions() & fs::perms::all,
			  fs::perms::owner_read | fs::perms::owner_write);
	}
}

TEST_F(Savecore, NoSymtabIsNotAWarning)
{
	put_image(pdtest::make_dump({}));
	opts.verbose = true;
	ASSERT_EQ(run(), pd::kSaveOk) << err.str();
	EXPECT_EQ(err.str(), "");
	EXPECT_TRUE(contains(out.str(), "no symbol table (dumpadm armed without one)")) << out.str();
	EXPECT_FALSE(fs::exists(file("System.map.0")));
	EXPECT_TRUE(contains(read_text(file("info.0")),
			     "symbol table: none: no symbol table (dumpadm armed without one)\n"));
}

TEST_F(Savecore, CorruptSymtabTextIsSkippedWithAWarning)
{
	pdtest::RealDump d = symtab_dump(false);
	d.area[d.symtab_offset + 20] ^= 1;
	put_image(d);

	ASSERT_EQ(run(), pd::kSaveOk) << err.str();
	uint32_t good = pd_crc32c(0, kMap.data(), kMap.size());
	std::string bad_text = kMap;
	bad_text[20] ^= 1;
	EXPECT_EQ(err.str(), pd::strprintf("savecore: warning: %s: symbol table@0x%llx (0x%zx bytes): crc32c: expected 0x%08x "
					   "(block@0x%llx text_crc32c at +40), found 0x%08x; no System.map saved (the vmcore is not affected)\n",
					   image().c_str(), (unsigned long long)d.symtab_offset, kMap.size(), good,
					   (unsigned long long)block_off(d),
					   pd_crc32c(0, bad_text.data(), bad_text.size())));
	EXPECT_FALSE(fs::exists(file("System.map.0")));
	EXPECT_EQ(read_bytes(file("vmcore.0")), d.image);
	EXPECT_TRUE(contains(read_text(file("info.0")), "symbol table: none: "));
	EXPECT_EQ(header_at(0).state, (uint32_t)PD_STATE_SAVED);
}

TEST_F(Savecore, CorruptSymtabBlockFieldsAreNamed)
{
	struct Case {
		size_t off;
		uint64_t value;
		size_t width;
		bool reseal;
		const char *message;
	};
	const Case cases[] = {
		{ 8, 2, 4, true, "version at +8: expected 1, found 2" },
		{ 12, 512, 4, true, "block_size at +12: expected 256, found 512" },
		{ 100, 7, 1, false, "block_crc32c at +252: expected 0x" },
		{ 48, 0xee, 1, true, "nonce at +48: expected 404142434445464748494a4b4c4d4e4f (the dump header's: the same arm), "
				     "found ee4142434445464748494a4b4c4d4e4f (a table from another arm)" },
		{ 24, 4096, 8, true, "capacity at +24: expected a multiple of 4096 from 8192 to 0x5ff000, found 0x1000" },
		{ 16, 0x300000, 8, true, "offset at +16: expected 0x3ff000 (capacity before the trailing header), found 0x300000" },
		{ 32, 0x400000, 8, true, "length at +32: expected at most 0x3ff000 (the capacity less this block), found 0x400000" },
	};
	for (bool listed : { true, false }) {
		for (const auto &c : cases) {
			fs::remove_all(dir());
			pdtest::RealDump d = symtab_dump(listed);
			std::memcpy(d.area.data() + block_off(d) + c.off, &c.value, c.width);
			if (c.reseal)
				reseal_block(d);
			put_image(d);
			ASSERT_EQ(run(), pd::kSaveOk) << c.message << err.str();
			EXPECT_TRUE(contains(err.str(), pd::strprintf("savecore: warning: %s: symbol table block@0x7fe000: ",
								     image().c_str()) + c.message))
				<< err.str();
			EXPECT_TRUE(contains(err.str(), "; no System.map saved (the vmcore is not affected)\n"));
			EXPECT_FALSE(fs::exists(file("System.map.0")));
			EXPECT_EQ(read_bytes(file("vmcore.0")), d.image);
		}
	}

	// A bad magic: a warning when the header lists the section; else
	// there is no telling a table was ever there.
	pdtest::RealDump d = symtab_dump(true);
	d.area[block_off(d)] = 'X';
	fs::remove_all(dir());
	put_image(d);
	ASSERT_EQ(run(), pd::kSaveOk);
	EXPECT_TRUE(contains(err.str(), "symbol table block@0x7fe000: magic at +0: expected \"PDSYMTAB\" "
				       "(the header lists a SYMTAB section), found \"XDSYMTAB\"")) << err.str();
	d = symtab_dump(false);
	d.area[block_off(d)] = 'X';
	fs::remove_all(dir());
	put_image(d);
	ASSERT_EQ(run(), pd::kSaveOk);
	EXPECT_EQ(err.str(), "");
	EXPECT_FALSE(fs::exists(file("System.map.0")));
}

TEST_F(Savecore, SymtabSectionDisagreeingWithItsBlock)
{
	pdtest::RealDump d = symtab_dump(true);
	pd_header_section(&d.header, PD_SECT_SYMTAB)->length -= 1;
	d.reseal();
	put_image(d);

	ASSERT_EQ(run(), pd::kSaveOk) << err.str();
	EXPECT_TRUE(contains(err.str(), pd::strprintf("SYMTAB section (offset 0x3ff000, capacity 0x400000, length 0x%zx, crc32c 0x",
						      kMap.size() - 1))) << err.str();
	EXPECT_TRUE(contains(err.str(), "expected to match its block@0x7fe000")) << err.str();
	EXPECT_FALSE(fs::exists(file("System.map.0")));
}

TEST_F(Savecore, SymtabOverwrittenByAnImageTheModuleDidNotShrink)
{
	// An old module: its header lists no SYMTAB and lets the image run
	// over the table dumpadm wrote.
	pdtest::RealDump d = symtab_dump(false);
	uint64_t len = d.symtab_offset + 4096 - PD_KDUMP_OFFSET;
	pd_header_section(&d.header, PD_SECT_KDUMP)->length = len;
	d.reseal();
	put_image(d);

	ASSERT_EQ(run(), pd::kSaveOk) << err.str();
	EXPECT_TRUE(contains(err.str(), pd::strprintf("symbol table@0x3ff000: the kdump image (to 0x%llx) overwrote it; "
						      "the capture module did not reserve it (pd_header_add_symtab); no System.map saved",
						      (unsigned long long)(PD_KDUMP_OFFSET + len)))) << err.str();
	EXPECT_FALSE(fs::exists(file("System.map.0")));
	EXPECT_TRUE(fs::exists(file("vmcore.0")));
}

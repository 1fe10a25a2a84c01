// SPDX-License-Identifier: GPL-2.0
// Writes the fuzz target's seed corpus: dump areas the real writer left
// (capture/core through tests/writer/sim, armed as dumpadm arms; see
// tests/unit/real_dump.h), whole, cut short and faulted, in the fuzz
// input encoding, one file per variant. Areas are 4 to 8 MiB, the sizes
// the encoding has.
//
//	pd_fuzz_seeds DIR
#include <cstdio>
#include <cstring>
#include <exception>
#include <fstream>
#include <string>

#include "fuzz_input.h"
#include "pd_header_write.h"
#include "real_dump.h"

namespace {

const char *const kMap =
	"ffffffff81200000 T _text\n"
	"ffffffff81203740 D page_offset_base\n"
	"ffffffff81204f00 B _end\n"
	"ffffffffc0315450 b pd_entered\t[panicdump]\n";

// A kernel image at PFN 0x1200 with page_offset_base in it, as the ELF
// output wants, and the symbol table that names it.
pdtest::DumpSpec kernel_spec()
{
	pdtest::DumpSpec s;
	s.max_mapnr = 8192;
	s.ram = { { 1, 160 }, { 256, 8000 } };
	s.pages = { 1, 2, 3, 100, 300, 7999, 0x1200, 0x1201, 0x1202, 0x1203, 0x1204 };
	s.zero_pages = { 5, 6 };
	s.kimage = { 0x1200, 0x1205 };
	std::vector<uint8_t> p = pdtest::page_content(s, 0x1203);
	uint64_t pob = 0xffff9a4c40000000ULL;
	std::memcpy(p.data() + 0x740, &pob, 8);
	s.page_data[0x1203] = p;
	s.vmcoreinfo = "OSRELEASE=6.1.0-sim\nPAGESIZE=4096\nSYMBOL(_stext)=ffffffff81200000\n"
		       "NUMBER(phys_base)=0\nNUMBER(pgtable_l5_enabled)=0\nKERNELOFFSET=200000\n"
		       "CRASHTIME=1700000000\n";
	s.kallsyms = kMap;
	return s;
}

// The bitmaps of 8 million PFNs of RAM (one far page at 30 GiB) fill a
// 4 MiB area but for 18 blocks, so that running out of space takes a few
// pages of data, not megabytes of them.
pdtest::DumpSpec far_ram_spec()
{
	pdtest::DumpSpec s;
	s.area_size = 4ULL << 20;
	s.ram = { { 0, 4096 }, { 8000000 - 1, 8000000 } };
	return s;
}

// As savecore leaves a saved dump: the header SAVED, by the rules every
// header writer follows (formats/pd_header_write.h).
pdtest::RealDump saved(pdtest::RealDump d)
{
	d.header.state = PD_STATE_SAVED;
	d.header.sequence = pd_header_next_sequence(&d.header, nullptr);
	d.reseal();
	return d;
}

bool put(const std::string &dir, const std::string &name, uint8_t flags,
	 const pdtest::RealDump &d)
{
	std::vector<uint8_t> bytes = pdfuzz::encode(flags, d.area);
	std::ofstream f(dir + "/" + name, std::ios::binary | std::ios::trunc);
	f.write(reinterpret_cast<const char *>(bytes.data()), static_cast<std::streamsize>(bytes.size()));
	return static_cast<bool>(f);
}

bool put(const std::string &dir, const std::string &name, uint8_t flags,
	 const pdtest::DumpSpec &spec)
{
	return put(dir, name, flags, pdtest::make_dump(spec));
}

bool write_seeds(const std::string &dir)
{
	using pdfuzz::kFlagCheckOnly, pdfuzz::kFlagDisregard, pdfuzz::kFlagElf;
	pdtest::DumpSpec plain;
	pdtest::DumpSpec kern = kernel_spec();
	pdtest::DumpSpec lzo = kern;
	lzo.compression = PD_COMPRESS_LZO;
	pdtest::DumpSpec raw = kern;
	raw.compression = PD_COMPRESS_NONE;
	pdtest::DumpSpec small_blocks = kern;
	small_blocks.block_size = 512;
	// Content all keeps the free pages too: little RAM, for a small seed.
	pdtest::DumpSpec all = plain;
	all.content = PD_CONTENT_ALL;
	all.compression = PD_COMPRESS_LZO;
	all.max_mapnr = 128;
	all.pages = { 1, 2, 3, 100 };
	pdtest::DumpSpec swap = plain;
	swap.swap = true;
	swap.block_size = 512;
	// Cut short: out of space after a few pages; no room for the image
	// at all; a read error (status 0x2) on bitmap 2 before any page.
	pdtest::DumpSpec nospc = pdtest::out_of_space_after(far_ram_spec(), 2);
	pdtest::DumpSpec no_image = pdtest::image_does_not_fit(plain);
	pdtest::DumpSpec read_error = kern;
	read_error.fail_read = 2;
	read_error.fail_status = 0x2;
	// Faulted: after the kernel image's checkpoint the power goes, the
	// CPU oopses, or a write fails (the fourth-last of the whole dump; the
	// header stays the checkpoint's DUMPING one); the power going before
	// any page leaves no image.
	pdtest::DumpSpec cut = kern;
	cut.cut_after_pages = 7;
	pdtest::DumpSpec oops = kern;
	oops.fault_after_pages = 7;
	pdtest::DumpSpec write_error = kern;
	write_error.fail_write = pdtest::make_dump(kern).writes - 3;
	write_error.fail_status = 0x281;
	pdtest::DumpSpec dumping = plain;
	dumping.cut_after_pages = 1;

	return put(dir, "kdump-zstd", 0, plain) &&
	       put(dir, "elf-zstd", kFlagElf, plain) &&
	       put(dir, "elf-symtab-zstd", kFlagElf, kern) &&
	       put(dir, "kdump-symtab", 0, kern) &&
	       put(dir, "elf-symtab-lzo", kFlagElf, lzo) &&
	       put(dir, "elf-symtab-raw", kFlagElf, raw) &&
	       put(dir, "elf-symtab-512", kFlagElf, small_blocks) &&
	       put(dir, "kdump-all-lzo", 0, all) &&
	       put(dir, "kdump-swap-512", 0, swap) &&
	       put(dir, "elf-out-of-space", kFlagElf, nospc) &&
	       put(dir, "kdump-out-of-space", 0, nospc) &&
	       put(dir, "no-image", 0, no_image) &&
	       put(dir, "kdump-read-error", 0, read_error) &&
	       put(dir, "elf-power-cut", kFlagElf, cut) &&
	       put(dir, "kdump-oops", 0, oops) &&
	       put(dir, "kdump-write-error", 0, write_error) &&
	       put(dir, "dumping-no-image", 0, dumping) &&
	       put(dir, "saved-disregard", kFlagDisregard, saved(pdtest::make_dump(plain))) &&
	       put(dir, "check-only", kFlagCheckOnly, plain);
}

} // namespace

int main(int argc, char **argv)
{
	if (argc != 2) {
		std::fprintf(stderr, "usage: pd_fuzz_seeds DIR\n");
		return 2;
	}
	try {
		if (!write_seeds(argv[1])) {
			std::fprintf(stderr, "pd_fuzz_seeds: cannot write in %s\n", argv[1]);
			return 1;
		}
	} catch (const std::exception &e) {
		std::fprintf(stderr, "pd_fuzz_seeds: %s\n", e.what());
		return 1;
	}
	return 0;
}

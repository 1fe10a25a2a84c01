// SPDX-License-Identifier: GPL-2.0
// Writes the fuzz target's seed corpus: valid dump areas from the unit
// tests' synthetic builder (tests/unit/synthetic_dump.h) in the fuzz
// input encoding, one file per variant.
//
//	pd_fuzz_seeds DIR
#include <cstdio>
#include <cstring>
#include <fstream>
#include <string>

#include "fuzz_input.h"
#include "synthetic_dump.h"

namespace {

const char *const kMap =
	"ffffffff81200000 T _text\n"
	"ffffffff81203740 D page_offset_base\n"
	"ffffffff81204f00 B _end\n"
	"ffffffffc0315450 b pd_entered\t[panicdump]\n";

// A kernel image at PFN 0x1200 with page_offset_base in it, as the ELF
// output wants.
pdtest::SyntheticSpec kernel_spec()
{
	pdtest::SyntheticSpec s;
	s.max_mapnr = 8192;
	s.ram = { { 1, 160 }, { 256, 8000 } };
	s.pages = { 1, 2, 3, 100, 300, 7999, 0x1200, 0x1201, 0x1202, 0x1203, 0x1204 };
	s.zero_pages = { 5, 6 };
	std::vector<uint8_t> p = pdtest::page_content(0x1203);
	uint64_t pob = 0xffff9a4c40000000ULL;
	std::memcpy(p.data() + 0x740, &pob, 8);
	s.page_data[0x1203] = p;
	s.vmcoreinfo = "OSRELEASE=6.1.0-synthetic\nPAGESIZE=4096\nSYMBOL(_stext)=ffffffff81200000\n"
		       "NUMBER(phys_base)=0\nNUMBER(pgtable_l5_enabled)=0\nKERNELOFFSET=200000\n"
		       "CRASHTIME=1700000000\n";
	s.symtab = kMap;
	return s;
}

bool put(const std::string &dir, const std::string &name, uint8_t flags,
	 const pdtest::SyntheticSpec &spec)
{
	std::vector<uint8_t> bytes = pdfuzz::encode(flags, pdtest::build_synthetic_dump(spec).area);
	std::ofstream f(dir + "/" + name, std::ios::binary | std::ios::trunc);
	f.write(reinterpret_cast<const char *>(bytes.data()), static_cast<std::streamsize>(bytes.size()));
	return static_cast<bool>(f);
}

} // namespace

int main(int argc, char **argv)
{
	if (argc != 2) {
		std::fprintf(stderr, "usage: pd_fuzz_seeds DIR\n");
		return 2;
	}
	std::string dir = argv[1];
	pdtest::SyntheticSpec plain;
	pdtest::SyntheticSpec kern = kernel_spec();
	pdtest::SyntheticSpec lzo = kern;
	lzo.compression = PD_COMPRESS_LZO;
	pdtest::SyntheticSpec raw = kern;
	raw.compression = PD_COMPRESS_NONE;
	raw.header_lists_symtab = false;
	pdtest::SyntheticSpec incomplete = kern;
	incomplete.incomplete = true;
	incomplete.pages_written = 5;
	pdtest::SyntheticSpec dumping;
	dumping.state = PD_STATE_DUMPING;
	pdtest::SyntheticSpec saved = plain;
	saved.state = PD_STATE_SAVED;
	// A module that records its first error: an I/O error mid-image, and
	// a DUMPING header with an empty record (cut off from outside).
	pdtest::SyntheticSpec io_error = incomplete;
	io_error.records_errors = true;
	io_error.error.kind = PD_ERR_IO;
	io_error.error.stage = PD_STAGE_ROUND;
	io_error.error.round = 2;
	io_error.error.err = -5;
	io_error.error.status = 0x2;
	io_error.error.sector = 123456;
	io_error.error.pages = 5;
	pdtest::SyntheticSpec cut_off = dumping;
	cut_off.records_errors = true;

	bool ok = put(dir, "kdump-zstd", 0, plain) &&
		  put(dir, "elf-zstd", pdfuzz::kFlagElf, plain) &&
		  put(dir, "elf-symtab-zstd", pdfuzz::kFlagElf, kern) &&
		  put(dir, "kdump-symtab", 0, kern) &&
		  put(dir, "elf-symtab-lzo", pdfuzz::kFlagElf, lzo) &&
		  put(dir, "elf-raw-unlisted-symtab", pdfuzz::kFlagElf, raw) &&
		  put(dir, "elf-incomplete", pdfuzz::kFlagElf, incomplete) &&
		  put(dir, "kdump-incomplete", 0, incomplete) &&
		  put(dir, "dumping", 0, dumping) &&
		  put(dir, "kdump-io-error", 0, io_error) &&
		  put(dir, "dumping-cut-off", 0, cut_off) &&
		  put(dir, "saved-disregard", pdfuzz::kFlagDisregard, saved) &&
		  put(dir, "check-only", pdfuzz::kFlagCheckOnly, plain);
	if (!ok) {
		std::fprintf(stderr, "pd_fuzz_seeds: cannot write in %s\n", dir.c_str());
		return 1;
	}
	return 0;
}

// SPDX-License-Identifier: GPL-2.0
// A main for the writer's fuzz target in builds without libFuzzer (gcc,
// coverage): runs it once on each file given, every file of each
// directory given, or with --seeds the built-in seeds. The target aborts
// on a violated check, so a clean exit is a pass.
//
//	pd_writer_replay --seeds | PATH...
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include "writer_seeds.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

namespace {

void run_file(const std::filesystem::path &p, unsigned &n)
{
	std::ifstream f(p, std::ios::binary);
	std::vector<uint8_t> bytes((std::istreambuf_iterator<char>(f)),
				   std::istreambuf_iterator<char>());
	LLVMFuzzerTestOneInput(bytes.data(), bytes.size());
	n++;
}

} // namespace

int main(int argc, char **argv)
{
	unsigned n = 0;

	if (argc < 2) {
		std::fprintf(stderr, "usage: %s --seeds | PATH...\n", argv[0]);
		return 2;
	}
	for (int i = 1; i < argc; i++) {
		std::string a = argv[i];
		if (a == "--seeds") {
			for (const auto &[name, bytes] : pdfuzz::writer_seeds()) {
				std::fprintf(stderr, "seed %s\n", name.c_str());
				LLVMFuzzerTestOneInput(bytes.data(), bytes.size());
				n++;
			}
		} else if (std::filesystem::is_directory(a)) {
			for (const auto &e : std::filesystem::directory_iterator(a))
				if (e.is_regular_file())
					run_file(e.path(), n);
		} else {
			run_file(a, n);
		}
	}
	std::printf("%u inputs replayed, all checks passed\n", n);
	return 0;
}

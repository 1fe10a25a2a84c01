// SPDX-License-Identifier: GPL-2.0
// Writes the writer fuzzer's seeds (writer_seeds.cpp) into a directory,
// one file per seed: pd_fuzz_writer_seeds DIR.
#include <cstdio>
#include <fstream>

#include "writer_seeds.h"

int main(int argc, char **argv)
{
	if (argc != 2) {
		std::fprintf(stderr, "usage: %s DIR\n", argv[0]);
		return 2;
	}
	for (const auto &[name, bytes] : pdfuzz::writer_seeds()) {
		std::ofstream f(std::string(argv[1]) + "/" + name, std::ios::binary);
		f.write(reinterpret_cast<const char *>(bytes.data()),
			static_cast<std::streamsize>(bytes.size()));
		if (!f) {
			std::perror(name.c_str());
			return 1;
		}
	}
	return 0;
}

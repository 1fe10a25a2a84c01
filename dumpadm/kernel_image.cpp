// SPDX-License-Identifier: GPL-2.0
#include "dumpadm/kernel_image.h"

#include <algorithm>
#include <fstream>
#include <sstream>

namespace pd {

PhysRange parse_kernel_image_range(const std::string &iomem_text)
{
	static const char *const names[] = { "Kernel code", "Kernel rodata",
					     "Kernel data", "Kernel bss" };
	std::istringstream in(iomem_text);
	std::string line;
	PhysRange r;

	while (std::getline(in, line)) {
		unsigned long long lo, hi;
		size_t colon = line.find(" : ");

		if (colon == std::string::npos ||
		    std::sscanf(line.c_str(), " %llx-%llx", &lo, &hi) != 2 ||
		    hi < lo || !hi)
			continue;
		std::string name = line.substr(colon + 3);
		if (std::none_of(std::begin(names), std::end(names),
				 [&](const char *n) { return name == n; }))
			continue;
		r.start = r.end ? std::min<uint64_t>(r.start, lo) : lo;
		r.end = std::max<uint64_t>(r.end, hi + 1);
	}
	return r;
}

PhysRange read_kernel_image_range(const std::string &proc_root)
{
	std::ifstream f(proc_root + "/iomem");
	std::stringstream text;

	if (!f)
		return {};
	text << f.rdbuf();
	return parse_kernel_image_range(text.str());
}

} // namespace pd

// SPDX-License-Identifier: GPL-2.0
#include "savecore/info.h"

#include "common/config.h"
#include "common/dump_area.h"
#include "common/error.h"
#include "common/file_util.h"
#include "savecore/kdump_image.h"

namespace pd {

std::string format_info(const struct pd_header &h, const KdumpImage *img,
			const DumpSummary &s)
{
	auto vmcoreinfo = [img](const char *key) {
		return img ? img->info(key) : std::string();
	};
	// The header's crash time, else VMCOREINFO's.
	int64_t crash_time = static_cast<int64_t>(h.crash_time);
	if (!crash_time)
		crash_time = static_cast<int64_t>(parse_u64(vmcoreinfo("CRASHTIME")).value_or(0));
	auto num = [](uint64_t v) { return std::to_string(v); };
	auto when = [](int64_t t) {
		return iso8601_utc(t) + " (" + std::to_string(t) + ")";
	};
	std::string release = printable(h.release, sizeof(h.release));
	if (release.empty())
		release = vmcoreinfo("OSRELEASE");
	std::string compression = compression_name(h.compression);
	if (h.compression == PD_COMPRESS_ZSTD)
		compression += strprintf(" level %d", h.compression_level);

	std::string kaslr = vmcoreinfo("KERNELOFFSET");
	// optional: left out when empty.
	struct Line {
		const char *key;
		std::string value;
		bool optional = false;
	};
	const Line lines[] = {
		{ "panic string", printable(h.panic_string, sizeof(h.panic_string)) },
		{ "crash time", when(crash_time) },
		{ "kernel release", release },
		{ "build id", vmcoreinfo("BUILD-ID") },
		// gdb's `symbol-file -o` wants the 0x that VMCOREINFO leaves out.
		{ "kernel offset", kaslr.empty() ? kaslr : "0x" + kaslr },
		{ "nr_cpus", num(h.nr_cpus) },
		{ "panic cpu", num(h.panic_cpu) },
		{ "ram pages", num(h.ram_pages) },
		{ "dumped pages", num(h.dumped_pages) },
		{ "zero pages", num(h.zero_pages) },
		{ "skipped pages", num(h.skipped_pages) },
		{ "image bytes", num(h.image_bytes) },
		{ "dump msecs", num(h.dump_msecs) },
		{ "compression", compression },
		{ "content", content_name(h.content) },
		{ "incomplete", s.incomplete ? "yes" : "no" },
		{ "capture", h.state == PD_STATE_DUMPING ?
			     "unfinished (header state dumping: the module did not finish)" :
			     "finished" },
		// Only when there is something to say: a complete dump has no
		// such line, so that grep finds the ones that went wrong.
		{ "dump error", s.reason, true },
		{ "vmcore format", s.vmcore_format },
		{ "symbol table", s.symtab },
		{ "dump device", s.device },
		{ "savecore time", when(s.save_time) },
	};
	std::string out;
	for (const auto &[key, value, optional] : lines)
		if (!(optional && value.empty()))
			out += std::string(key) + ": " + value + "\n";
	return out;
}

} // namespace pd

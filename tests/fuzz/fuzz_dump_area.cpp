// SPDX-License-Identifier: GPL-2.0
// libFuzzer target: arbitrary bytes, as a dump area image (fuzz_input.h),
// through savecore's whole path: both header copies, sections, symbol
// table, kdump image, page descs and pages (for --format elf), the files
// it writes and marking the dump saved. Anything but a clean return or a
// pd::Error turned into an exit status is a finding (crash, leak,
// sanitizer report, timeout).
#include <cstdlib>
#include <fcntl.h>
#include <filesystem>
#include <sstream>
#include <string>
#include <unistd.h>

#include "fuzz_input.h"
#include "savecore/save.h"

namespace {

// A private directory under $TMPDIR (run.sh points it at /dev/shm).
const std::string &work_dir()
{
	static const std::string dir = [] {
		const char *t = std::getenv("TMPDIR");
		std::string tmpl = std::string(t && *t ? t : "/tmp") + "/pd-fuzz.XXXXXX";
		if (!::mkdtemp(tmpl.data()))
			std::abort();
		return tmpl;
	}();
	static const bool cleanup = [] {
		std::atexit([] {
			std::error_code ec;
			std::filesystem::remove_all(dir, ec);
		});
		return true;
	}();
	(void)cleanup;
	return dir;
}

void write_area(const std::string &path, const pdfuzz::Input &in)
{
	int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (fd < 0 || ::ftruncate(fd, static_cast<off_t>(in.area_size)) < 0)
		std::abort();
	for (const auto &r : in.records)
		if (::pwrite(fd, r.data, r.len, static_cast<off_t>(r.offset)) != static_cast<ssize_t>(r.len))
			std::abort();
	::close(fd);
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const std::string &dir = work_dir();
	pdfuzz::Input in = pdfuzz::decode(data, size);
	std::string image = dir + "/dev.img";
	std::string out_dir = dir + "/crash";

	write_area(image, in);
	pd::SaveOptions o;
	o.dumpfile = image;
	o.directory = out_dir;
	o.config_root = dir + "/root";	// no etc/dumpadm.conf: defaults
	o.syslog = false;
	o.minfree = "0";
	o.format = in.flags & pdfuzz::kFlagElf ? pd::VmcoreFormat::Elf : pd::VmcoreFormat::Kdump;
	o.disregard_saved = in.flags & pdfuzz::kFlagDisregard;
	o.check_only = in.flags & pdfuzz::kFlagCheckOnly;
	o.verbose = true;
	std::ostringstream out, err;
	int rc = pd::run_savecore(o, out, err);
	if (rc != pd::kSaveOk && rc != pd::kSaveNoDump && rc != pd::kSaveError)
		std::abort();
	std::error_code ec;
	std::filesystem::remove_all(out_dir, ec);
	return 0;
}

// SPDX-License-Identifier: GPL-2.0
// savecore: save the crash dump the panicdump capture module left on the
// dump device.
//
//	savecore [-v] [-d] [-C] [-f dumpfile] [--format kdump|elf] [directory]
//
// Exit status: 0 saved (-C: an unsaved dump is present), 1 no dump,
// 2 error. man/savecore.8 has the whole story.
#include <cstdlib>
#include <iostream>
#include <unistd.h>

#include <CLI/CLI.hpp>

#include "common/minfree.h"
#include "savecore/save.h"

int main(int argc, char **argv)
{
	CLI::App app{ "savecore: save a panicdump crash dump as vmcore.N, System.map.N, dmesg.N and info.N\n"
		      "Exit status: 0 saved (-C: an unsaved dump is present), 1 no dump, 2 error.\n"
		      "Environment: DUMPADM_MINFREE, " + std::string(pd::kMinFreeSyntax) +
		      ", overrides dumpadm.conf's and the directory's minfree file." };
	pd::SaveOptions o;
	std::string format = "kdump";

	app.add_flag("-v", o.verbose, "verbose");
	app.add_flag("-d", o.disregard_saved, "save the dump even if it was saved before");
	app.add_flag("-C", o.check_only, "exit 0 if an unsaved dump is present, 1 if not; write nothing");
	app.add_flag("-c", o.clear, "clear the dump without saving it, so that dumpadm can arm the device again");
	app.add_option("-f", o.dumpfile, "dump device or image file (default: DUMPADM_DEVICE)");
	app.add_option("--format", format,
		       "vmcore.N as kdump (kdump-compressed, as captured) or elf (ELF64 core, uncompressed, sparse); default: kdump, or elf when dumpadm -z off")
		->check(CLI::IsMember({ "kdump", "elf" }))
		->option_text("kdump|elf");
	app.add_option("directory", o.directory, "savecore directory (default: DUMPADM_SAVDIR)");
	app.footer("See savecore(8).");
	try {
		app.parse(argc, argv);
	} catch (const CLI::CallForHelp &e) {
		return app.exit(e);
	} catch (const CLI::ParseError &e) {
		app.exit(e);
		return pd::kSaveError;
	}
	o.format = format == "elf" ? pd::VmcoreFormat::Elf : pd::VmcoreFormat::Kdump;
	o.format_given = app.count("--format") > 0;
	if (const char *mf = std::getenv("DUMPADM_MINFREE"))
		o.minfree = mf;
	o.progress = ::isatty(STDERR_FILENO);
	return pd::run_savecore(o, std::cout, std::cerr);
}

// SPDX-License-Identifier: GPL-2.0
// savecore: save the crash dump the panicdump capture module left on the
// dump device.
//
//	savecore [-v] [-d] [-C] [-f dumpfile] [directory]
//
// Exit status: 0 saved (-C: an unsaved dump is present), 1 no dump,
// 2 error.
#include <iostream>

#include <CLI/CLI.hpp>

#include "savecore/save.h"

int main(int argc, char **argv)
{
	CLI::App app{ "savecore: save a panicdump crash dump" };
	pd::SaveOptions o;

	app.add_flag("-v", o.verbose, "verbose");
	app.add_flag("-d", o.disregard_saved, "save the dump even if it was saved before");
	app.add_flag("-C", o.check_only, "exit 0 if an unsaved dump is present, 1 if not; write nothing");
	app.add_option("-f", o.dumpfile, "dump device or image file (default: DUMPADM_DEVICE)");
	app.add_option("directory", o.directory, "savecore directory (default: DUMPADM_SAVDIR)");
	try {
		app.parse(argc, argv);
	} catch (const CLI::CallForHelp &e) {
		return app.exit(e);
	} catch (const CLI::ParseError &e) {
		app.exit(e);
		return pd::kSaveError;
	}
	return pd::run_savecore(o, std::cout, std::cerr);
}

// SPDX-License-Identifier: GPL-2.0
// dumpadm: configure and arm the panicdump capture module (illumos style).
//
//	dumpadm [-nuy] [-c kernel|all|curproc] [-d dump-device|none]
//		[-s savecore-dir] [-z on|off] [-r root-dir]
//		[--compression zstd|lzo|none] [--level N]
//
// Exit status: 0 success, 1 error or refusal, 2 usage.
#include <iostream>
#include <optional>
#include <string>

#include <CLI/CLI.hpp>

#include "common/config.h"
#include "common/error.h"
#include "dumpadm/arm.h"
#include "dumpadm/capture_module.h"
#include "dumpadm/report.h"

namespace {

struct Options {
	std::string content;
	std::string device;
	std::string savedir;
	std::string csave;
	std::string compression;
	std::optional<int> level;
	std::string root;
	bool yes = false;
	bool no = false;
	bool update = false;
};

void setup_cli(CLI::App &app, Options &o)
{
	app.add_option("-c", o.content, "dump content")
		->check(CLI::IsMember({ "kernel", "all", "curproc" }));
	app.add_option("-d", o.device, "dump device (a virtio-blk disk or partition), or none");
	app.add_option("-s", o.savedir, "savecore directory");
	app.add_option("-z", o.csave, "save compressed")
		->check(CLI::IsMember({ "on", "off" }));
	app.add_option("-r", o.root, "alternate root for etc/dumpadm.conf");
	app.add_flag("-y", o.yes, "enable savecore at boot");
	app.add_flag("-n", o.no, "disable savecore at boot");
	app.add_flag("-u", o.update, "arm again from the configuration file");
	app.add_option("--compression", o.compression, "page compression in the dump")
		->check(CLI::IsMember({ "zstd", "lzo", "none" }));
	app.add_option("--level", o.level, "compression level (zstd: 1..22)");
}

std::string module_status(const pd::SystemPaths &paths)
{
	try {
		auto module = pd::CaptureModule::try_open(paths.capture_dev);
		if (!module)
			return pd::format_module_status(std::nullopt);
		return pd::format_module_status(module->status());
	} catch (const pd::Error &e) {
		return pd::strprintf("%18s: %s\n", "Capture module", e.what());
	}
}

int run(const Options &o)
{
	pd::SystemPaths paths;
	paths.root = o.root;

	if (o.yes && o.no)
		throw pd::Error("-y and -n contradict each other", pd::ErrorKind::Usage);

	pd::DumpConfig old_cfg = pd::load_config(paths.root);
	pd::DumpConfig cfg = old_cfg;
	bool modify = !o.content.empty() || !o.device.empty() ||
		      !o.savedir.empty() || !o.csave.empty() ||
		      !o.compression.empty() || o.level || o.yes || o.no ||
		      o.update;

	if (!o.content.empty())
		cfg.content = *pd::parse_content(o.content);
	if (!o.compression.empty())
		cfg.compression = *pd::parse_compression(o.compression);
	if (o.level)
		cfg.level = *o.level;
	if (!pd::compression_level_ok(cfg.compression, cfg.level))
		throw pd::Error(pd::strprintf("compression level %d is out of range for %s (1..22)",
					      cfg.level, pd::compression_name(cfg.compression)),
				pd::ErrorKind::Usage);
	if (!o.savedir.empty())
		cfg.savedir = o.savedir;
	if (!o.csave.empty())
		cfg.csave = o.csave == "on";
	if (o.yes || o.no)
		cfg.enable = o.yes;

	bool settings_changed = cfg.content != old_cfg.content ||
				cfg.compression != old_cfg.compression ||
				cfg.level != old_cfg.level;
	if (o.device == "none") {
		pd::disarm_device(paths);
		cfg.device.clear();
	} else if (!o.device.empty()) {
		pd::arm_device(o.device, cfg, paths, std::cerr);
		cfg.device = o.device;
	} else if (!cfg.device.empty() && o.update) {
		pd::arm_device(cfg.device, cfg, paths, std::cerr);
	} else if (!cfg.device.empty() && settings_changed) {
		if (pd::CaptureModule::try_open(paths.capture_dev))
			pd::arm_device(cfg.device, cfg, paths, std::cerr);
		else
			std::cerr << "dumpadm: the panicdump module is not loaded; the new settings apply at the next dumpadm -u\n";
	} else if (o.update) {
		std::cerr << "dumpadm: no dump device configured; nothing to arm\n";
	}

	if (modify)
		pd::save_config(paths.root, cfg);
	std::cout << pd::format_configuration(cfg) << module_status(paths);
	return 0;
}

} // namespace

int main(int argc, char **argv)
{
	CLI::App app{ "dumpadm: configure the panicdump crash dump device" };
	Options o;

	setup_cli(app, o);
	try {
		app.parse(argc, argv);
	} catch (const CLI::CallForHelp &e) {
		return app.exit(e);
	} catch (const CLI::ParseError &e) {
		app.exit(e);
		return 2;
	}

	try {
		return run(o);
	} catch (const pd::Error &e) {
		std::cerr << "dumpadm: " << e.what() << "\n";
		return e.kind() == pd::ErrorKind::Usage ? 2 : 1;
	} catch (const std::exception &e) {
		std::cerr << "dumpadm: " << e.what() << "\n";
		return 1;
	}
}

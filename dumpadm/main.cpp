// SPDX-License-Identifier: GPL-2.0
// dumpadm: configure and arm the panicdump capture module (illumos style).
//
//	dumpadm [-enuy] [-c kernel|all|curproc] [-d dump-device|swap|none]
//		[-m min[k|m|g|%]] [-s savecore-dir] [-z on|off] [-r root-dir]
//		[--compression zstd|lzo|none] [--level N]
//
// Without options it prints the configuration. man/dumpadm.8 has the
// whole story. Exit status: 0 success, 1 error or refusal (nothing was
// changed), 2 usage.
#include <iostream>
#include <optional>
#include <string>
#include <sys/utsname.h>

#include <CLI/CLI.hpp>

#include "common/config.h"
#include "common/device_info.h"
#include "common/error.h"
#include "common/file_util.h"
#include "dumpadm/arm.h"
#include "dumpadm/capture_module.h"
#include "dumpadm/estimate.h"
#include "dumpadm/preflight.h"
#include "dumpadm/report.h"

namespace {

struct Options {
	std::string content;
	std::string device;
	std::string savedir;
	std::string csave;
	std::string minfree;
	std::string compression;
	std::optional<int> level;
	std::string root;
	bool yes = false;
	bool no = false;
	bool update = false;
	bool estimate = false;
};

void setup_cli(CLI::App &app, Options &o)
{
	app.add_option("-c", o.content, "dump content: kernel pages, all pages, or kernel and the panicking process's pages")
		->check(CLI::IsMember({ "kernel", "all", "curproc" }))
		->option_text("kernel|all|curproc");
	app.add_option("-d", o.device, "dump device (a dedicated virtio-blk, NVMe or AHCI disk or partition; its data is overwritten), swap (the largest active swap partition), or none")
		->option_text("DEVICE|swap|none");
	app.add_option("-s", o.savedir, "savecore directory (default /var/crash/HOSTNAME)")
		->option_text("DIR");
	app.add_option("-m", o.minfree, std::string("free space savecore leaves in the savecore directory: ") + pd::kMinFreeSyntax)
		->option_text("N[k|m|g|%]");
	app.add_option("-z", o.csave, "save compressed")
		->check(CLI::IsMember({ "on", "off" }))
		->option_text("on|off");
	app.add_option("-r", o.root, "alternate root: edit ROOT/etc/dumpadm.conf only, leave the running system alone")
		->option_text("ROOT");
	app.add_flag("-y", o.yes, "run savecore automatically at boot");
	app.add_flag("-n", o.no, "do not run savecore automatically at boot");
	app.add_flag("-u", o.update, "arm again from the configuration file (at boot: dumpadm.service)");
	app.add_flag("-e", o.estimate, "estimate the dump size of the running system for the content setting");
	app.add_option("--compression", o.compression, "page compression in the dump")
		->check(CLI::IsMember({ "zstd", "lzo", "none" }))
		->option_text("zstd|lzo|none");
	app.add_option("--level", o.level, "compression level (zstd: " + pd::zstd_level_range() + ")")
		->option_text("N");
	app.footer("Without options, dumpadm prints the configuration.\n"
		   "Exit status: 0 success, 1 error or refusal (nothing changed), 2 usage.");
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

std::string kernel_release()
{
	struct utsname uts;

	return ::uname(&uts) == 0 ? uts.release : "";
}

// <root><path>, for files dumpadm -r writes into another system's tree.
std::string under_root(const std::string &root, const std::string &path)
{
	std::string r = root;

	while (!r.empty() && r.back() == '/')
		r.pop_back();
	return r + path;
}

// Notes and warnings to err; refusals throw before anything changed.
void preflight(const pd::SystemPaths &paths)
{
	pd::Preflight p = pd::run_preflight(paths, kernel_release());

	for (const auto &n : p.notes)
		std::cerr << "dumpadm: note: " << n << "\n";
	for (const auto &w : p.warnings)
		std::cerr << "dumpadm: warning: " << w << "\n";
	p.throw_if_refused();
}

// Refuses a device smaller than the estimate for cfg's content (-d, and
// -c or --compression re-arming; not -u, where a partial dump beats none
// and the boot should not pay for the estimate). A system
// where no estimate can be had (not root, no /proc/kpageflags) is only
// warned about: the module cuts a dump short rather than failing it.
void check_size(const std::string &device, const pd::DumpConfig &cfg,
		const pd::SystemPaths &paths)
{
	// What it is and who uses it first: a loop or mounted device is
	// refused for that, whatever its size.
	pd::BlockDevice dev = pd::check_dump_device(device, paths, cfg.swap);
	uint64_t area = pd::area_bytes_of(dev);
	std::optional<pd::Estimate> est;

	try {
		est = pd::estimate_system(paths, cfg.content, cfg.compression);
	} catch (const pd::Error &e) {
		std::cerr << "dumpadm: warning: cannot estimate the dump size (" << e.what()
			  << "); not checking that " << device << " is large enough\n";
		return;
	}
	pd::check_area_fits(device, area, *est);
}

// dumpadm -d swap (and -u with DUMPADM_SWAP=yes): which partition, said
// on stderr.
std::string choose_swap(const pd::SystemPaths &paths)
{
	pd::SwapChoice c = pd::choose_swap_partition(paths.proc);

	std::cerr << "dumpadm: -d swap: " << c.path << " (" << c.why << ")\n";
	return c.path;
}

// The area size of the configured device for -e, or 0 when it cannot be
// resolved.
uint64_t configured_area(const pd::DumpConfig &cfg, const pd::SystemPaths &paths)
{
	if (cfg.device.empty())
		return 0;
	try {
		return pd::area_bytes_of(pd::resolve_device_node(paths.sysfs, cfg.device));
	} catch (const pd::Error &) {
		return 0;
	}
}

int run(const Options &o)
{
	pd::SystemPaths paths;
	paths.root = o.root;
	bool alt_root = !o.root.empty() && o.root.find_first_not_of('/') != std::string::npos;

	if (o.yes && o.no)
		throw pd::Error("-y and -n contradict each other", pd::ErrorKind::Usage);
	bool modify = !o.content.empty() || !o.device.empty() ||
		      !o.savedir.empty() || !o.csave.empty() || !o.minfree.empty() ||
		      !o.compression.empty() || o.level || o.yes || o.no;
	bool only_content = o.device.empty() && o.savedir.empty() &&
			    o.csave.empty() && o.minfree.empty() &&
			    o.compression.empty() && !o.level && !o.yes && !o.no;
	if (o.estimate && !only_content)
		throw pd::Error("-e combines only with -c (estimate for that content; nothing is changed) and -r",
				pd::ErrorKind::Usage);
	if (o.estimate && o.update)
		throw pd::Error("-e and -u do not combine", pd::ErrorKind::Usage);
	if (o.update && alt_root)
		throw pd::Error("-u arms the running system from /etc/dumpadm.conf; it does not combine with -r",
				pd::ErrorKind::Usage);
	if (!o.savedir.empty() && o.savedir[0] != '/')
		throw pd::Error("-s " + o.savedir + ": expected an absolute path", pd::ErrorKind::Usage);
	std::optional<pd::MinFree> minfree;
	if (!o.minfree.empty())
		minfree = pd::parse_minfree(o.minfree, "-m");
	if (!o.device.empty() && o.device != "none" && o.device != "swap" && o.device[0] != '/')
		throw pd::Error("-d " + o.device + ": expected a device path (/dev/...), swap or none",
				pd::ErrorKind::Usage);

	pd::DumpConfig old_cfg = pd::load_config(paths.root);
	pd::DumpConfig cfg = old_cfg;

	if (!o.content.empty())
		cfg.content = *pd::parse_content(o.content);
	if (!o.compression.empty())
		cfg.compression = *pd::parse_compression(o.compression);
	if (o.level)
		cfg.level = *o.level;
	pd::check_compression_level(cfg.compression, cfg.level,
				    pd::strprintf("compression level %d", cfg.level));

	if (o.estimate) {
		pd::Estimate est = pd::estimate_system(paths, cfg.content, cfg.compression);
		std::cout << pd::format_estimate(est, cfg.device, configured_area(cfg, paths));
		return 0;
	}

	if (!o.savedir.empty())
		cfg.savedir = o.savedir;
	if (!o.csave.empty())
		cfg.csave = o.csave == "on";
	if (minfree)
		cfg.minfree = minfree;
	if (o.yes || o.no)
		cfg.enable = o.yes;
	bool to_swap = o.device == "swap" || (o.device.empty() && cfg.swap && !cfg.device.empty());
	if (to_swap && !cfg.enable)
		throw pd::Error("-n with a swap dump device: a dump on swap is overwritten by paging once swap is enabled at boot, "
				"so savecore must save it first; keep savecore enabled (-y), or give a dedicated device");

	bool settings_changed = cfg.content != old_cfg.content ||
				cfg.compression != old_cfg.compression ||
				cfg.level != old_cfg.level;
	if (alt_root) {
		// Another system's configuration: record, touch nothing live.
		if (o.device == "swap")
			throw pd::Error("-d swap chooses among the running system's active swap partitions; it does not combine with -r",
					pd::ErrorKind::Usage);
		if (!o.device.empty()) {
			cfg.device = o.device == "none" ? "" : o.device;
			cfg.swap = false;
		}
	} else if (o.device == "none") {
		pd::disarm_device(paths);
		cfg.device.clear();
		cfg.swap = false;
	} else if (o.device == "swap") {
		std::string dev = choose_swap(paths);
		preflight(paths);
		cfg.swap = true;
		check_size(dev, cfg, paths);
		pd::arm_device(dev, cfg, paths, std::cerr, true);
		cfg.device = dev;
		cfg.swap = true;
	} else if (!o.device.empty()) {
		preflight(paths);
		cfg.swap = false;
		check_size(o.device, cfg, paths);
		pd::arm_device(o.device, cfg, paths, std::cerr);
		cfg.device = o.device;
		cfg.swap = false;
	} else if (!cfg.device.empty() && o.update) {
		preflight(paths);
		if (cfg.swap) {
			// illumos: swap is whatever swap is active now; savecore
			// finds the device the dump went to in the file.
			std::string dev = choose_swap(paths);
			pd::arm_device(dev, cfg, paths, std::cerr, true);
			if (dev != cfg.device) {
				std::cerr << "dumpadm: the swap partition changed from " << cfg.device
					  << " to " << dev << "; recorded\n";
				cfg.device = dev;
				pd::save_config(paths.root, cfg);
			}
		} else {
			pd::arm_device(cfg.device, cfg, paths, std::cerr);
		}
	} else if (!cfg.device.empty() && settings_changed) {
		if (pd::CaptureModule::try_open(paths.capture_dev)) {
			preflight(paths);
			check_size(cfg.device, cfg, paths);
			pd::arm_device(cfg.device, cfg, paths, std::cerr, cfg.swap);
		} else {
			std::cerr << "dumpadm: the panicdump module is not loaded; the new settings apply at the next dumpadm -u\n";
		}
	} else if (o.update) {
		// At boot on a system that has not chosen a device: not an error.
		std::cout << "dumpadm: no dump device configured (dumpadm -d DEVICE); nothing to arm\n";
	}

	if (modify) {
		pd::save_config(paths.root, cfg);
		// As illumos: the minfree file in the savecore directory, also
		// when the directory moves.
		if (cfg.minfree && (minfree || cfg.savedir != old_cfg.savedir))
			pd::write_minfree_file(under_root(o.root, cfg.savedir), *cfg.minfree);
	}
	if (o.update && !modify) {
		if (!cfg.device.empty())
			std::cout << "dumpadm: armed " << cfg.device << " ("
				  << pd::content_description(cfg.content) << ", "
				  << pd::compression_name(cfg.compression) << ")\n";
		return 0;
	}
	std::cout << pd::format_configuration(cfg);
	if (!alt_root)
		std::cout << module_status(paths);
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

// SPDX-License-Identifier: GPL-2.0
#include "dumpadm/preflight.h"

#include <algorithm>
#include <cstring>
#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>

#include "common/error.h"
#include "common/file_util.h"

namespace pd {

namespace {

constexpr const char kSigMagic[] = "~Module signature appended~\n";
constexpr const char kSecureBootVar[] =
	"/firmware/efi/efivars/SecureBoot-8be4df61-93ca-11d2-aa0d-e0b9e06d7a8c";

std::vector<std::string> list_dir(const std::string &path)
{
	std::vector<std::string> names;
	DIR *d = ::opendir(path.c_str());

	if (!d)
		return names;
	while (struct dirent *e = ::readdir(d))
		if (std::strcmp(e->d_name, ".") && std::strcmp(e->d_name, ".."))
			names.emplace_back(e->d_name);
	::closedir(d);
	std::sort(names.begin(), names.end());
	return names;
}

std::string attr_or_empty(const std::string &path)
{
	try {
		return path_exists(path) ? read_attr(path) : "";
	} catch (const Error &) {
		return "";
	}
}

// Every device bound to a pvpanic driver (pvpanic-pci, pvpanic-mmio):
// its directory and its events attribute ("" when it has none).
struct PvpanicDevice {
	std::string dir;
	std::string events;
};

std::vector<PvpanicDevice> pvpanic_devices(const std::string &sysfs, bool &driver)
{
	std::vector<PvpanicDevice> out;

	driver = false;
	for (const char *bus : { "pci", "platform" }) {
		std::string drivers = sysfs + "/bus/" + bus + "/drivers";
		for (const auto &drv : list_dir(drivers)) {
			if (drv.rfind("pvpanic", 0) != 0)
				continue;
			driver = true;
			// Device links are named by address: 0000:00:05.0, QEMU0001:00.
			for (const auto &dev : list_dir(drivers + "/" + drv)) {
				if (dev.find(':') == std::string::npos)
					continue;
				std::string dir = drivers + "/" + drv + "/" + dev;
				out.push_back({ dir, attr_or_empty(dir + "/events") });
			}
		}
	}
	return out;
}

void check_kdump(const SystemPaths &paths, bool kdump_loaded, Preflight &p)
{
	if (!kdump_loaded)
		return;
	std::string post = attr_or_empty(paths.sysfs +
		"/module/kernel/parameters/crash_kexec_post_notifiers");
	p.notes.push_back(
		"kdump is loaded (" + paths.sysfs + "/kernel/kexec_crash_loaded is 1). "
		"A crash kernel is started before the panic notifiers unless crash_kexec_post_notifiers is Y" +
		(post == "Y" ? std::string(" (it is)") : std::string(" (it is " + (post.empty() ? std::string("unknown") : post) + ")")) +
		"; dumpadm sets it, so at a panic panicdump writes its dump first and kdump's crash kernel boots after it. "
		"Both dumps are kept; the crash kernel then starts a little later than it would alone");
}

void check_pvpanic(const SystemPaths &paths, bool kdump_loaded, Preflight &p)
{
	std::vector<std::string> mods = loaded_modules(paths.proc);
	auto pos = [&](const char *name) {
		auto it = std::find(mods.begin(), mods.end(), name);
		return it == mods.end() ? -1 : static_cast<long>(it - mods.begin());
	};
	bool driver = false;
	std::vector<PvpanicDevice> devs = pvpanic_devices(paths.sysfs, driver);
	long pv = pos("pvpanic");
	bool present = pv >= 0 || driver || path_exists(paths.sysfs + "/module/pvpanic");

	// Without a device pvpanic's notifier has no one to tell.
	if (!present || devs.empty())
		return;
	std::vector<std::string> live;
	for (const auto &d : devs)
		if (parse_u64(d.events, 0) != uint64_t(0))
			live.push_back(d.dir);
	if (live.empty()) {
		p.notes.push_back("pvpanic is loaded but its events are 0: it tells the host nothing at a panic");
		return;
	}
	long us = pos("panicdump");
	// /proc/modules lists the newest first: a higher index loaded earlier.
	if (pv >= 0 && us > pv)
		return;	// panicdump registered first, so its notifier runs first
	if (kdump_loaded) {
		p.notes.push_back("pvpanic is loaded; with kdump loaded it reports \"crash loaded\" at a panic, which the host only records");
		return;
	}

	std::string events;
	for (const auto &d : live)
		events += " " + d + "/events";
	// Reloading pvpanic re-registers its notifier after panicdump's.
	// rmmod, not modprobe -r: that would also unload panicdump, which
	// panicdump's modprobe.d softdep makes a dependency of pvpanic.
	std::string drivers;
	for (const char *m : { "pvpanic_pci", "pvpanic_mmio" })
		if (pos(m) >= 0)
			drivers += std::string(drivers.empty() ? "" : " ") + m;
	std::string reload = pv < 0 ? std::string("at boot panicdump's modules-load.d and modprobe.d files do that when pvpanic is a module") :
		"at boot panicdump's modules-load.d and modprobe.d files do that; now: rmmod " +
		(drivers.empty() ? std::string("pvpanic") : drivers + " pvpanic") + " && modprobe " +
		(drivers.empty() ? std::string("pvpanic") : drivers);
	std::string why = pv < 0 ? "pvpanic is built into the kernel" :
			  us < 0 ? "pvpanic is loaded and panicdump is not (yet)" :
				   "pvpanic was loaded before panicdump";
	p.warnings.push_back(
		why + ": both register their panic notifier at the highest priority and the first registered runs first, "
		"so at a panic pvpanic tells the host before panicdump dumps, and a host that stops the guest on a panic "
		"(QEMU's default -action panic=shutdown, libvirt's <on_crash>destroy</on_crash>) ends it before the dump is written. "
		"Fix one of: load panicdump before pvpanic (" + reload + "); "
		"turn its events off (echo 0 | tee" + events + "); "
		"or have the host keep a panicked guest (QEMU -action panic=none, libvirt <on_crash>preserve</on_crash>)");
}

void check_lockdown(const SystemPaths &paths, const std::string &release, Preflight &p)
{
	std::string lockdown = lockdown_mode(paths.sysfs);
	bool sb = secure_boot_enabled(paths.sysfs);
	bool enforce = attr_or_empty(paths.sysfs + "/module/module/parameters/sig_enforce") == "Y";
	bool locked = !lockdown.empty() && lockdown != "none";

	if (lockdown == "confidentiality")
		p.notes.push_back("the kernel is locked down for confidentiality; a dump holds every kernel secret that lockdown keeps from root, "
				  "so keep the dump device and the savecore directory as private as the kernel's memory");
	if (!locked && !sb && !enforce)
		return;
	if (path_exists(paths.sysfs + "/module/panicdump"))
		return;	// it loaded, so its signature was accepted

	std::string file = find_module_file(paths.modules, release, "panicdump");
	if (file.empty())
		return;	// arming fails later with "not loaded (modprobe panicdump)"
	ModuleSignature sig = module_signature(file);
	if (sig == ModuleSignature::Signed)
		return;

	std::string reason;
	if (locked)
		reason = "the kernel is locked down (" + paths.sysfs + "/kernel/security/lockdown: " + lockdown + ")";
	if (sb)
		reason += std::string(reason.empty() ? "" : " and ") + "Secure Boot is on";
	if (enforce)
		reason += std::string(reason.empty() ? "" : " and ") + "module.sig_enforce is Y";
	std::string fix =
		"Sign it with a Machine Owner Key: install panicdump through DKMS (make install puts its source in /usr/src; "
		"dkms install panicdump/<version>), which signs it with /var/lib/dkms/mok.key, enroll that key once with "
		"mokutil --import /var/lib/dkms/mok.pub and confirm it in the firmware's MOK manager at the next boot, then modprobe panicdump";
	if (sig == ModuleSignature::Unsigned)
		p.refusals.push_back(reason + ", so the kernel loads only signed modules, and " + file +
				     " is not signed; panicdump cannot be loaded. " + fix);
	else
		p.warnings.push_back(reason + ", so the kernel loads only signed modules, and dumpadm cannot tell whether " +
				     file + " (compressed) is signed. If modprobe panicdump fails with \"Key was rejected by service\": " + fix);
}

} // namespace

void Preflight::throw_if_refused() const
{
	if (refusals.empty())
		return;
	std::string msg;
	for (const auto &r : refusals)
		msg += (msg.empty() ? "" : "\ndumpadm: ") + r;
	throw Error(msg + "\ndumpadm: nothing was changed");
}

std::string lockdown_mode(const std::string &sysfs_root)
{
	std::string text = attr_or_empty(sysfs_root + "/kernel/security/lockdown");
	size_t open = text.find('['), close = text.find(']');

	if (open == std::string::npos || close == std::string::npos || close < open)
		return text.empty() ? "" : "none";
	return text.substr(open + 1, close - open - 1);
}

bool secure_boot_enabled(const std::string &sysfs_root)
{
	std::string path = sysfs_root + kSecureBootVar;
	auto data = read_file_if_exists(path);

	return data && data->size() >= 5 && (*data)[4] == 1;
}

std::vector<std::string> loaded_modules(const std::string &proc_root)
{
	std::vector<std::string> names;
	auto text = read_file_if_exists(proc_root + "/modules");

	if (!text)
		return names;
	std::string_view s(*text);
	while (!s.empty()) {
		size_t nl = s.find('\n');
		std::string_view line = s.substr(0, nl);
		s = nl == std::string_view::npos ? "" : s.substr(nl + 1);
		size_t sp = line.find(' ');
		if (sp && !line.empty())
			names.emplace_back(line.substr(0, sp));
	}
	return names;
}

std::string find_module_file(const std::string &modules_root,
			     const std::string &release,
			     const std::string &module)
{
	std::string dir = modules_root + "/" + release;
	auto dep = read_file_if_exists(dir + "/modules.dep");

	if (!dep)
		return "";
	std::string_view s(*dep);
	while (!s.empty()) {
		size_t nl = s.find('\n');
		std::string_view line = s.substr(0, nl);
		s = nl == std::string_view::npos ? "" : s.substr(nl + 1);
		std::string_view path = line.substr(0, line.find(':'));
		std::string_view base = path.substr(path.rfind('/') + 1);
		for (const char *ext : { ".ko", ".ko.xz", ".ko.zst", ".ko.gz" })
			if (base == module + ext)
				return path[0] == '/' ? std::string(path) : dir + "/" + std::string(path);
	}
	return "";
}

ModuleSignature module_signature(const std::string &path)
{
	if (path.size() < 3 || path.compare(path.size() - 3, 3, ".ko"))
		return ModuleSignature::Unknown;
	try {
		UniqueFd fd = open_or_throw(path, O_RDONLY | O_CLOEXEC);
		struct stat st;
		const size_t n = sizeof(kSigMagic) - 1;
		if (::fstat(fd.get(), &st) < 0 || static_cast<size_t>(st.st_size) < n)
			return ModuleSignature::Unsigned;
		char tail[sizeof(kSigMagic)] = {};
		pread_full(fd.get(), tail, n, static_cast<uint64_t>(st.st_size) - n, path);
		return std::memcmp(tail, kSigMagic, n) ? ModuleSignature::Unsigned :
							 ModuleSignature::Signed;
	} catch (const Error &) {
		return ModuleSignature::Unknown;
	}
}

Preflight run_preflight(const SystemPaths &paths, const std::string &release)
{
	Preflight p;
	bool kdump = attr_or_empty(paths.sysfs + "/kernel/kexec_crash_loaded") == "1";

	check_kdump(paths, kdump, p);
	check_pvpanic(paths, kdump, p);
	check_lockdown(paths, release, p);
	return p;
}

} // namespace pd

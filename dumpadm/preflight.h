// SPDX-License-Identifier: GPL-2.0
// What else in the running kernel decides whether a panicdump dump can
// happen, checked before dumpadm arms anything (panic-time-io.md §9.1):
//
//   kdump       A loaded crash kernel (kexec_crash_loaded = 1) runs
//               before the panic notifiers unless crash_kexec_post_notifiers
//               is Y. dumpadm sets it, so panicdump dumps first and kdump
//               boots its crash kernel after it: both coexist. A note.
//   pvpanic     Registers its panic notifier at panicdump's priority
//               (INT_MAX); equal priorities run in registration order, so
//               when pvpanic was loaded first it tells the host first, and
//               QEMU's default panic action (shutdown) or libvirt's
//               on_crash=destroy ends the guest before the dump. A warning
//               with the fixes, unless panicdump was loaded first, every
//               pvpanic device has its events at 0, or kdump is loaded
//               (pvpanic then reports "crash loaded", which the host only
//               records).
//   lockdown    With lockdown (integrity or confidentiality), Secure Boot
//               or module.sig_enforce, the kernel loads signed modules
//               only. A refusal when panicdump is not loaded and its
//               module file is unsigned: modprobe would fail.
//
// Everything is read under SystemPaths' injectable roots.
#pragma once

#include <string>
#include <vector>

#include "dumpadm/system_state.h"

namespace pd {

struct Preflight {
	std::vector<std::string> notes;		// "dumpadm: note: ..."
	std::vector<std::string> warnings;	// "dumpadm: warning: ..."
	std::vector<std::string> refusals;	// any one: arm nothing

	// Throws one Error holding every refusal.
	void throw_if_refused() const;
};

// The bracketed mode of <sysfs>/kernel/security/lockdown ("none",
// "integrity", "confidentiality"); "" when the file is absent.
std::string lockdown_mode(const std::string &sysfs_root);
// SecureBoot-8be4df61-... under <sysfs>/firmware/efi/efivars: its value
// byte (after the 4 attribute bytes) is 1.
bool secure_boot_enabled(const std::string &sysfs_root);

// Module names in <proc>/modules, newest first (the kernel's order).
std::vector<std::string> loaded_modules(const std::string &proc_root);

// The file modules.dep names for module under <modules>/<release>, or ""
// when it is not there.
std::string find_module_file(const std::string &modules_root,
			     const std::string &release,
			     const std::string &module);

// Signed: a plain .ko that ends with "~Module signature appended~\n".
enum class ModuleSignature { Signed, Unsigned, Unknown };
ModuleSignature module_signature(const std::string &path);

// All of the above; release is uname -r.
Preflight run_preflight(const SystemPaths &paths, const std::string &release);

} // namespace pd

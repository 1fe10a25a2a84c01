// SPDX-License-Identifier: GPL-2.0
// dumpadm/preflight: kdump, pvpanic and lockdown against a fake /sys,
// /proc and /lib/modules.
#include <gtest/gtest.h>

#include <string>

#include "common/error.h"
#include "dumpadm/preflight.h"
#include "test_util.h"

using pdtest::write_text;

namespace {

constexpr const char kRelease[] = "6.1.0-56-amd64";
constexpr const char kPvpanicPci[] = "sys/bus/pci/drivers/pvpanic-pci";

struct FakeSystem {
	pdtest::TempDir tmp;
	pd::SystemPaths paths;

	FakeSystem()
	{
		paths.sysfs = tmp / "sys";
		paths.proc = tmp / "proc";
		paths.modules = tmp / "lib/modules";
		write_text(tmp / "sys/kernel/kexec_crash_loaded", "0\n");
		write_text(tmp / "sys/module/kernel/parameters/crash_kexec_post_notifiers", "N\n");
		write_text(tmp / "sys/kernel/security/lockdown", "[none] integrity confidentiality\n");
		write_text(tmp / "proc/modules", "");
	}

	pd::Preflight run() const { return pd::run_preflight(paths, kRelease); }

	// Lines of /proc/modules, newest first.
	void modules(const std::string &names_newest_first)
	{
		std::string text;
		size_t i = 0;
		while (i < names_newest_first.size()) {
			size_t sp = names_newest_first.find(' ', i);
			std::string n = names_newest_first.substr(i, sp - i);
			text += n + " 16384 0 - Live 0x0000000000000000\n";
			pdtest::write_text(tmp / ("sys/module/" + n + "/refcnt"), "0\n");
			if (sp == std::string::npos)
				break;
			i = sp + 1;
		}
		write_text(tmp / "proc/modules", text);
	}

	void pvpanic_device(const std::string &events)
	{
		write_text(tmp / (std::string(kPvpanicPci) + "/0000:00:06.0/events"), events + "\n");
		write_text(tmp / (std::string(kPvpanicPci) + "/bind"), "");
	}

	void module_file(const std::string &rel, const std::string &content)
	{
		write_text(tmp / ("lib/modules/" + std::string(kRelease) + "/" + rel), content);
		write_text(tmp / ("lib/modules/" + std::string(kRelease) + "/modules.dep"),
			   "kernel/drivers/block/virtio_blk.ko:\n" + rel + ": kernel/lib/zstd/zstd_compress.ko\n");
	}
};

bool any_contains(const std::vector<std::string> &v, const std::string &what)
{
	for (const auto &s : v)
		if (s.find(what) != std::string::npos)
			return true;
	return false;
}

} // namespace

TEST(Preflight, QuietSystem)
{
	FakeSystem f;
	f.modules("panicdump virtio_blk");
	pd::Preflight p = f.run();

	EXPECT_TRUE(p.notes.empty());
	EXPECT_TRUE(p.warnings.empty());
	EXPECT_TRUE(p.refusals.empty());
	EXPECT_NO_THROW(p.throw_if_refused());
}

TEST(Preflight, KdumpCoexistsWithANote)
{
	FakeSystem f;
	write_text(f.tmp / "sys/kernel/kexec_crash_loaded", "1\n");
	pd::Preflight p = f.run();

	ASSERT_EQ(p.notes.size(), 1u);
	EXPECT_NE(p.notes[0].find("kdump is loaded"), std::string::npos);
	EXPECT_NE(p.notes[0].find("crash_kexec_post_notifiers"), std::string::npos);
	EXPECT_NE(p.notes[0].find("panicdump writes its dump first"), std::string::npos);
	EXPECT_TRUE(p.warnings.empty());
	EXPECT_TRUE(p.refusals.empty());
}

TEST(Preflight, PvpanicLoadedFirstWarnsWithTheFixes)
{
	FakeSystem f;
	f.modules("panicdump pvpanic_pci pvpanic virtio_blk");	// pvpanic older
	f.pvpanic_device("0x3");
	pd::Preflight p = f.run();

	ASSERT_EQ(p.warnings.size(), 1u);
	const std::string &w = p.warnings[0];
	EXPECT_NE(w.find("pvpanic was loaded before panicdump"), std::string::npos);
	EXPECT_NE(w.find("-action panic=none"), std::string::npos);
	EXPECT_NE(w.find("now: rmmod pvpanic_pci pvpanic && modprobe pvpanic_pci)"), std::string::npos) << w;
	EXPECT_NE(w.find(f.tmp / (std::string(kPvpanicPci) + "/0000:00:06.0/events")), std::string::npos);
	EXPECT_TRUE(p.refusals.empty());	// a warning, not a refusal
}

TEST(Preflight, PvpanicAfterPanicdumpIsFine)
{
	FakeSystem f;
	f.modules("pvpanic_pci pvpanic panicdump virtio_blk");	// panicdump older
	f.pvpanic_device("1");
	pd::Preflight p = f.run();

	EXPECT_TRUE(p.warnings.empty());
	EXPECT_TRUE(p.notes.empty());
}

TEST(Preflight, PvpanicEventsOffOrNoDevice)
{
	FakeSystem f;
	f.modules("panicdump pvpanic_pci pvpanic");
	// The driver is there but no device is bound: nobody to tell.
	write_text(f.tmp / (std::string(kPvpanicPci) + "/bind"), "");
	EXPECT_TRUE(f.run().warnings.empty());

	f.pvpanic_device("0");
	pd::Preflight p = f.run();
	EXPECT_TRUE(p.warnings.empty());
	EXPECT_TRUE(any_contains(p.notes, "events are 0"));
}

TEST(Preflight, PvpanicWithKdumpOnlyReportsCrashLoaded)
{
	FakeSystem f;
	write_text(f.tmp / "sys/kernel/kexec_crash_loaded", "1\n");
	f.modules("panicdump pvpanic_pci pvpanic");
	f.pvpanic_device("3");
	pd::Preflight p = f.run();

	EXPECT_TRUE(p.warnings.empty());
	EXPECT_TRUE(any_contains(p.notes, "crash loaded"));
}

TEST(Preflight, PvpanicBuiltIn)
{
	FakeSystem f;
	f.modules("panicdump");
	f.pvpanic_device("1");
	pd::Preflight p = f.run();

	ASSERT_EQ(p.warnings.size(), 1u);
	EXPECT_NE(p.warnings[0].find("built into the kernel"), std::string::npos);
	EXPECT_EQ(p.warnings[0].find("rmmod"), std::string::npos);	// nothing to reload
}

TEST(Preflight, LockdownRefusesAnUnsignedModule)
{
	FakeSystem f;
	write_text(f.tmp / "sys/kernel/security/lockdown", "none [integrity] confidentiality\n");
	f.module_file("updates/dkms/panicdump.ko", std::string("\x7f" "ELF...unsigned", 14));
	pd::Preflight p = f.run();

	ASSERT_EQ(p.refusals.size(), 1u);
	const std::string &r = p.refusals[0];
	EXPECT_NE(r.find("locked down"), std::string::npos);
	EXPECT_NE(r.find("integrity"), std::string::npos);
	EXPECT_NE(r.find("updates/dkms/panicdump.ko is not signed"), std::string::npos);
	EXPECT_NE(r.find("mokutil --import"), std::string::npos);
	try {
		p.throw_if_refused();
		FAIL() << "did not refuse";
	} catch (const pd::Error &e) {
		EXPECT_NE(std::string(e.what()).find("nothing was changed"), std::string::npos);
		EXPECT_EQ(e.kind(), pd::ErrorKind::Failure);
	}
}

TEST(Preflight, LockdownAcceptsSignedOrLoaded)
{
	FakeSystem f;
	write_text(f.tmp / "sys/kernel/security/lockdown", "none integrity [confidentiality]\n");
	f.module_file("extra/panicdump.ko", "ELF...~Module signature appended~\n");
	pd::Preflight p = f.run();
	EXPECT_TRUE(p.refusals.empty());
	EXPECT_TRUE(any_contains(p.notes, "confidentiality"));

	f.module_file("extra/panicdump.ko", "ELF unsigned");
	EXPECT_EQ(f.run().refusals.size(), 1u);
	f.modules("panicdump");		// loaded: the kernel accepted it
	EXPECT_TRUE(f.run().refusals.empty());
}

TEST(Preflight, SecureBootAndSigEnforceWithoutLockdown)
{
	FakeSystem f;
	f.module_file("extra/panicdump.ko", "ELF unsigned");
	EXPECT_TRUE(f.run().refusals.empty());	// nothing enforces signatures

	std::string sb = f.tmp / "sys/firmware/efi/efivars/SecureBoot-8be4df61-93ca-11d2-aa0d-e0b9e06d7a8c";
	write_text(sb, std::string("\x06\x00\x00\x00\x01", 5));
	EXPECT_TRUE(pd::secure_boot_enabled(f.paths.sysfs));
	pd::Preflight p = f.run();
	ASSERT_EQ(p.refusals.size(), 1u);
	EXPECT_NE(p.refusals[0].find("Secure Boot is on"), std::string::npos);

	write_text(sb, std::string("\x06\x00\x00\x00\x00", 5));
	EXPECT_FALSE(pd::secure_boot_enabled(f.paths.sysfs));
	write_text(f.tmp / "sys/module/module/parameters/sig_enforce", "Y\n");
	p = f.run();
	ASSERT_EQ(p.refusals.size(), 1u);
	EXPECT_NE(p.refusals[0].find("module.sig_enforce is Y"), std::string::npos);
}

TEST(Preflight, CompressedModuleOnlyWarns)
{
	FakeSystem f;
	write_text(f.tmp / "sys/kernel/security/lockdown", "none [integrity] confidentiality\n");
	f.module_file("updates/dkms/panicdump.ko.xz", "xz data");
	pd::Preflight p = f.run();

	EXPECT_TRUE(p.refusals.empty());
	EXPECT_TRUE(any_contains(p.warnings, "Key was rejected by service"));
}

TEST(Preflight, Helpers)
{
	FakeSystem f;

	EXPECT_EQ(pd::lockdown_mode(f.paths.sysfs), "none");
	EXPECT_EQ(pd::lockdown_mode(f.tmp / "nosys"), "");
	f.modules("a b c");
	EXPECT_EQ(pd::loaded_modules(f.paths.proc), (std::vector<std::string>{ "a", "b", "c" }));
	EXPECT_EQ(pd::find_module_file(f.paths.modules, kRelease, "panicdump"), "");
	f.module_file("extra/panicdump.ko", "x");
	EXPECT_EQ(pd::find_module_file(f.paths.modules, kRelease, "panicdump"),
		  f.paths.modules + "/" + kRelease + "/extra/panicdump.ko");
	EXPECT_EQ(pd::find_module_file(f.paths.modules, kRelease, "panic"), "");
	EXPECT_EQ(pd::module_signature(f.tmp / "missing.ko"), pd::ModuleSignature::Unknown);
}

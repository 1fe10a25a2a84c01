// SPDX-License-Identifier: GPL-2.0
#include "dumpadm/report.h"

#include "common/error.h"
#include "common/file_util.h"
#include "pd_format.h"

namespace pd {

static std::string line(const char *label, const std::string &value)
{
	return strprintf("%18s: %s\n", label, value.c_str());
}

std::string format_configuration(const DumpConfig &cfg)
{
	std::string s;

	s += line("Dump content", content_description(cfg.content));
	s += line("Dump device", cfg.device.empty() ? "none (dumps disabled)" :
			       cfg.device + (cfg.swap ? " (swap)" : " (dedicated)"));
	s += line("Savecore directory", cfg.savedir);
	s += line("Savecore enabled", cfg.enable ? "yes" : "no");
	s += line("Save compressed", cfg.csave ? "on" : "off");
	if (cfg.minfree)
		s += line("Savecore minfree", cfg.minfree->text());
	std::string comp = compression_name(cfg.compression);
	if (cfg.compression == PD_COMPRESS_ZSTD)
		comp += strprintf(" level %d", cfg.level);
	s += line("Page compression", comp);
	return s;
}

std::string format_module_status(const std::optional<struct pd_status> &st)
{
	if (!st)
		return line("Capture module", "not loaded (modprobe panicdump)");
	if (!st->armed)
		return line("Capture module", "loaded, not armed");

	std::string s = line("Capture module",
		strprintf("armed (PCI %04x:%02x:%02x.%x, sectors %llu+%llu, %s %s)",
			  st->pci_domain, st->pci_bus, st->pci_devfn >> 3,
			  st->pci_devfn & 7,
			  (unsigned long long)st->start_sector,
			  (unsigned long long)st->nr_sectors,
			  content_name(st->content),
			  compression_name(st->compression)));
	s += line("Module memory", human_size(st->memory_bytes) +
		  strprintf(" (RAM: %llu pages)", (unsigned long long)st->ram_pages));
	return s;
}

} // namespace pd

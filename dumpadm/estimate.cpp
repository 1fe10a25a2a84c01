// SPDX-License-Identifier: GPL-2.0
#include "dumpadm/estimate.h"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <dirent.h>
#include <fcntl.h>
#include <unistd.h>

#include "common/config.h"
#include "common/device_info.h"
#include "common/error.h"
#include "common/file_util.h"
#include "dumpadm/kpageflags.h"
#include "dumpadm/symtab.h"
#include "kdump_format.h"
#include "pd_content.h"
#include "pd_format.h"

namespace pd {

namespace {

constexpr uint64_t kPage = 4096;

std::string label(const char *l, const std::string &value)
{
	return strprintf("%18s%s %s\n", l, *l ? ":" : " ", value.c_str());
}

// n bytes at a ratio given in tenths, rounded up.
uint64_t compressed(uint64_t n, unsigned ratio10)
{
	return (n * 10 + ratio10 - 1) / ratio10;
}

std::string ratio_text(unsigned ratio10)
{
	return ratio10 % 10 ? strprintf("%u.%u:1", ratio10 / 10, ratio10 % 10) :
			      strprintf("%u:1", ratio10 / 10);
}

} // namespace

AssumedRatios assumed_ratios(uint32_t compression)
{
	// Kernel pages (slab, page tables, the kernel image, vmalloc) are
	// mostly pointers, small integers and zero padding: bench/run.sh
	// measures 5.7:1 with zstd level 1 and 3.9:1 with LZO on a 1 GiB
	// guest (zero pages included, as here); assumed about 30% lower.
	// User, page-cache and (stale) free pages can hold anything; text
	// and binaries give 2-3:1 with zstd: assumed 2:1, 1.5:1 with LZO.
	// Incompressible data (media, encrypted) makes a dump larger than
	// this.
	switch (compression) {
	case PD_COMPRESS_ZSTD:
		return { 40, 20 };
	case PD_COMPRESS_LZO:
		return { 27, 15 };
	}
	return { 10, 10 };
}

std::vector<RamRange> parse_iomem(std::string_view text, const std::string &origin)
{
	std::vector<RamRange> ranges;
	bool any_address = false;

	while (!text.empty()) {
		size_t nl = text.find('\n');
		std::string_view line = text.substr(0, nl);
		text = nl == std::string_view::npos ? "" : text.substr(nl + 1);
		// Top level only: nested entries are indented.
		if (line.empty() || line[0] == ' ')
			continue;
		size_t colon = line.find(" : ");
		size_t dash = line.find('-');
		if (colon == std::string_view::npos || dash == std::string_view::npos || dash > colon)
			continue;
		auto start = parse_u64(line.substr(0, dash), 16);
		auto end = parse_u64(line.substr(dash + 1, colon - dash - 1), 16);
		if (!start || !end)
			continue;
		any_address |= *start || *end;
		if (trim(line.substr(colon + 3)) != "System RAM" || *end < *start)
			continue;
		RamRange r;
		r.start_pfn = (*start + kPage - 1) / kPage;
		r.end_pfn = (*end + 1) / kPage;
		if (r.end_pfn > r.start_pfn)
			ranges.push_back(r);
	}
	if (!any_address)
		throw Error(origin + " shows no addresses (every range is 0); only root sees them: run dumpadm -e as root");
	if (ranges.empty())
		throw Error(origin + ": no \"System RAM\" range");
	return ranges;
}

PageCensus count_pages(const std::string &kpageflags_path,
		       const std::vector<RamRange> &ranges)
{
	constexpr size_t kChunk = 64 * 1024;	// PFNs per read
	std::vector<uint64_t> buf(kChunk);
	PageCensus c;
	UniqueFd fd;

	fd = UniqueFd(::open(kpageflags_path.c_str(), O_RDONLY | O_CLOEXEC));
	if (!fd) {
		if (errno == EACCES || errno == EPERM)
			throw Error(kpageflags_path + ": " + std::strerror(errno) +
				    "; dumpadm -e reads every page's flags there and must run as root");
		throw_errno(kpageflags_path);
	}
	c.nr_ranges = static_cast<unsigned>(ranges.size());
	for (const auto &r : ranges) {
		c.ram += r.end_pfn - r.start_pfn;
		c.max_pfn = std::max(c.max_pfn, r.end_pfn);
		for (uint64_t pfn = r.start_pfn; pfn < r.end_pfn;) {
			size_t n = static_cast<size_t>(std::min<uint64_t>(kChunk, r.end_pfn - pfn));
			ssize_t got = ::pread(fd.get(), buf.data(), n * 8, static_cast<off_t>(pfn * 8));
			if (got < 0 && errno == EINTR)
				continue;
			if (got < 0)
				throw_errno(strprintf("%s: read at PFN 0x%llx", kpageflags_path.c_str(),
						      (unsigned long long)pfn));
			size_t have = static_cast<size_t>(got) / 8;
			for (size_t i = 0; i < have; i++) {
				switch (pd_page_kind(pflags_from_kpageflags(buf[i]))) {
				case PD_PAGE_UNREADABLE: c.not_dumpable++; break;
				case PD_PAGE_FREE: c.free++; break;
				case PD_PAGE_USER: c.user_or_cache++; break;
				case PD_PAGE_KERNEL: c.kernel++; break;
				}
			}
			if (have < n) {
				// Past the end of the kernel's memmap.
				c.not_dumpable += r.end_pfn - pfn - have;
				break;
			}
			pfn += n;
		}
	}
	return c;
}

void adjust_for_memfree(PageCensus &c, uint64_t memfree_pages)
{
	if (memfree_pages <= c.free)
		return;
	uint64_t move = std::min(memfree_pages - c.free, c.kernel);
	c.kernel -= move;
	c.free += move;
	c.free_unmarked = move;
}

std::optional<uint64_t> read_memfree_pages(const std::string &proc_root)
{
	auto text = read_file_if_exists(proc_root + "/meminfo");

	if (!text)
		return std::nullopt;
	size_t at = text->find("MemFree:");
	if (at == std::string::npos)
		return std::nullopt;
	std::string_view s = std::string_view(*text).substr(at + 8);
	s = trim(s.substr(0, s.find('\n')));
	if (s.size() < 3 || s.substr(s.size() - 3) != " kB")
		return std::nullopt;
	auto kb = parse_u64(trim(s.substr(0, s.size() - 3)));
	if (!kb)
		return std::nullopt;
	return *kb / (kPage / 1024);
}

std::optional<LargestProcess> largest_process(const std::string &proc_root)
{
	std::optional<LargestProcess> best;
	DIR *d = ::opendir(proc_root.c_str());

	if (!d)
		return best;
	while (struct dirent *e = ::readdir(d)) {
		auto pid = parse_u64(e->d_name);
		if (!pid)
			continue;
		std::string dir = proc_root + "/" + e->d_name;
		std::optional<std::string> statm;
		try {
			statm = read_file_if_exists(dir + "/statm");
		} catch (const Error &) {
			continue;	// gone meanwhile
		}
		if (!statm)
			continue;
		// size resident shared text lib data dt, in pages
		std::string_view s(*statm);
		size_t sp = s.find(' ');
		if (sp == std::string_view::npos)
			continue;
		s = s.substr(sp + 1);
		auto rss = parse_u64(s.substr(0, s.find(' ')));
		if (!rss || (best && *rss <= best->rss_pages))
			continue;
		LargestProcess p;
		p.pid = static_cast<int>(*pid);
		p.rss_pages = *rss;
		try {
			p.comm = read_attr(dir + "/comm");
		} catch (const Error &) {
			p.comm = "?";
		}
		best = p;
	}
	::closedir(d);
	return best;
}

Estimate compute_estimate(const EstimateInputs &in)
{
	Estimate e;
	const PageCensus &c = in.census;

	// What the content keeps of each kind: the module's rule.
	auto kept = [&](enum pd_page_kind kind, uint64_t n) {
		return pd_kind_verdict(in.content, kind) == PD_VERDICT_KEEP ? n : 0;
	};
	e.in = in;
	e.kernel_pages = kept(PD_PAGE_KERNEL, c.kernel);
	e.other_pages = kept(PD_PAGE_USER, c.user_or_cache) + kept(PD_PAGE_FREE, c.free);
	// The panicking process's pages (PD_PF_CURPROC), which no page flag
	// here tells: as many as the largest resident set, at most the user
	// pages the content leaves out otherwise.
	if (in.content == PD_CONTENT_CURPROC && in.process)
		e.other_pages += std::min(in.process->rss_pages, c.user_or_cache -
					  kept(PD_PAGE_USER, c.user_or_cache));
	e.pages = e.kernel_pages + e.other_pages;
	e.uncompressed_bytes = e.pages * kPage;
	e.ratios = assumed_ratios(in.compression);
	e.data_bytes = compressed(e.kernel_pages * kPage, e.ratios.kernel10) +
		       compressed(e.other_pages * kPage, e.ratios.other10);

	uint64_t notes = in.nr_cpus * kdump_note_size(5, KDUMP_PRSTATUS_SIZE) +
			 kdump_note_size(11, static_cast<uint32_t>(in.vmcoreinfo_bytes));
	struct kdump_layout l;
	kdump_layout_compute(&l, c.max_pfn, notes, e.pages);
	e.bitmap_bytes = 2 * l.bitmap_bytes;
	e.desc_bytes = e.pages * sizeof(struct kdump_page_desc);
	e.metadata_bytes = l.off_data;
	// The image stores one shared zero page before the others.
	e.vmcore_bytes = l.off_data + kPage + e.data_bytes;
	e.symtab_bytes = in.symtab_text_bytes ? symtab_capacity(in.symtab_text_bytes) : 0;
	// Header and log before the image; the symbol table and the trailing
	// header after it.
	e.area_bytes = PD_KDUMP_OFFSET + e.vmcore_bytes + e.symtab_bytes + PD_BLOCK_SIZE;
	e.area_bytes = (e.area_bytes + kPage - 1) / kPage * kPage;
	return e;
}

Estimate estimate_system(const SystemPaths &paths, uint32_t content,
			 uint32_t compression)
{
	EstimateInputs in;
	std::string iomem = paths.proc + "/iomem";

	in.content = content;
	in.compression = compression;
	in.census = count_pages(paths.proc + "/kpageflags",
				parse_iomem(read_file(iomem), iomem));
	if (auto mf = read_memfree_pages(paths.proc))
		adjust_for_memfree(in.census, *mf);
	try {
		in.nr_cpus = std::max<unsigned>(1, static_cast<unsigned>(
			read_crash_notes(paths.sysfs).addr.size()));
	} catch (const Error &) {
		in.nr_cpus = 1;
	}
	// "<phys addr> <size>" of the VMCOREINFO note, in hex.
	if (auto vi = read_file_if_exists(paths.sysfs + "/kernel/vmcoreinfo")) {
		std::string_view s = trim(*vi);
		size_t sp = s.find(' ');
		if (sp != std::string_view::npos)
			if (auto n = parse_u64(s.substr(sp + 1), 16); n && *n && *n < (1 << 20))
				in.vmcoreinfo_bytes = *n;
	}
	try {
		SymbolTable t = read_kallsyms(paths.proc);
		if (!t.hidden)
			in.symtab_text_bytes = t.text.size();
	} catch (const Error &) {
		in.symtab_text_bytes = 0;
	}
	if (content == PD_CONTENT_CURPROC)
		in.process = largest_process(paths.proc);
	return compute_estimate(in);
}

std::string format_estimate(const Estimate &e, const std::string &device,
			    uint64_t device_area_bytes)
{
	const PageCensus &c = e.in.census;
	std::string s;

	s += "Estimated dump size: " + human_size(e.vmcore_bytes) + " (vmcore." +
	     "N as savecore writes it)\n";
	s += label("Dump content", content_description(e.in.content) +
		   std::string(", ") + compression_name(e.in.compression));
	s += label("RAM", strprintf("%llu pages (%s) in %u System RAM ranges",
				    (unsigned long long)c.ram,
				    human_size(c.ram * kPage).c_str(), c.nr_ranges));
	s += label("Page census", strprintf("kernel %llu, user and page cache %llu, free %llu, not dumpable %llu",
					    (unsigned long long)c.kernel,
					    (unsigned long long)c.user_or_cache,
					    (unsigned long long)c.free,
					    (unsigned long long)c.not_dumpable));
	if (c.free_unmarked)
		s += label("Free pages", strprintf("%llu of them from MemFree: this kernel marks only the first page of a free block in /proc/kpageflags",
						   (unsigned long long)c.free_unmarked));
	if (e.in.content == PD_CONTENT_CURPROC) {
		if (e.in.process)
			s += label("Current process", strprintf("counted as the largest resident set: PID %d (%s), %llu pages",
								 e.in.process->pid, e.in.process->comm.c_str(),
								 (unsigned long long)e.in.process->rss_pages));
		else
			s += label("Current process", "no process found; counted as none");
	}
	s += label("Pages dumped", strprintf("%llu (%s uncompressed)",
					     (unsigned long long)e.pages,
					     human_size(e.uncompressed_bytes).c_str()));
	if (e.ratios.kernel10 > 10) {
		s += label("Page data", strprintf("%s with %s, from assumed ratios (no page is read):",
						  human_size(e.data_bytes).c_str(),
						  compression_name(e.in.compression)));
		s += label("", strprintf("kernel pages %s (%llu pages)",
					 ratio_text(e.ratios.kernel10).c_str(),
					 (unsigned long long)e.kernel_pages));
		if (e.in.content != PD_CONTENT_KERNEL)
			s += label("", strprintf("user, page-cache and free pages %s (%llu pages; incompressible data would need up to %s more)",
						 ratio_text(e.ratios.other10).c_str(),
						 (unsigned long long)e.other_pages,
						 human_size(e.other_pages * kPage -
							    compressed(e.other_pages * kPage, e.ratios.other10)).c_str()));
	} else {
		s += label("Page data", human_size(e.data_bytes) + " (not compressed)");
	}
	s += label("Metadata", strprintf("%s (bitmaps %s, page descriptors %s at 24 bytes a page, headers and CPU notes)",
					 human_size(e.metadata_bytes).c_str(),
					 human_size(e.bitmap_bytes).c_str(),
					 human_size(e.desc_bytes).c_str()));
	s += label("Symbol table", e.symtab_bytes ?
		   human_size(e.symtab_bytes) + " (SYMTAB section for /proc/kallsyms)" :
		   std::string("none (/proc/kallsyms shows no addresses)"));
	s += label("Dump area needed", human_size(e.area_bytes) +
		   " (with the header, the kernel log and the symbol table)");
	if (!device.empty())
		s += label("Dump device", device + ": " + human_size(device_area_bytes) +
			   (device_area_bytes >= e.area_bytes ? ", large enough" : ", TOO SMALL"));
	return s;
}

void check_area_fits(const std::string &device, uint64_t area_bytes,
		     const Estimate &e)
{
	if (area_bytes >= e.area_bytes)
		return;
	throw Error(strprintf("%s: too small for a dump: the device is %s, and a dump of %s with %s needs an estimated %s "
			      "(%llu pages at an assumed %s for kernel pages, %s for others, plus metadata%s; dumpadm -e shows the details). "
			      "Choose a larger disk or partition (supported: %s)%s",
			      device.c_str(), human_size(area_bytes).c_str(),
			      content_description(e.in.content),
			      compression_name(e.in.compression),
			      human_size(e.area_bytes).c_str(),
			      (unsigned long long)e.pages, ratio_text(e.ratios.kernel10).c_str(),
			      ratio_text(e.ratios.other10).c_str(),
			      e.symtab_bytes ? " and the symbol table" : "",
			      kSupportedControllers,
			      e.in.content == PD_CONTENT_KERNEL ? "" : ", or less content (-c kernel)"));
}

} // namespace pd

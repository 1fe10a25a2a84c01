// SPDX-License-Identifier: GPL-2.0
#include "savecore/save.h"

#include <algorithm>
#include <cstring>
#include <ctime>
#include <memory>
#include <optional>
#include <ostream>
#include <syslog.h>
#include <unistd.h>
#include <vector>

#include "common/config.h"
#include "common/device_info.h"
#include "common/dump_area.h"
#include "common/error.h"
#include "crc32c.h"
#include "savecore/dump_reason.h"
#include "savecore/elf_writer.h"
#include "savecore/info.h"
#include "savecore/kdump_image.h"
#include "savecore/kdump_pages.h"
#include "savecore/minfree.h"
#include "savecore/output_dir.h"
#include "savecore/progress.h"
#include "savecore/symtab_section.h"

namespace pd {

namespace {

constexpr size_t kCopyChunk = 4ULL << 20;
// info.N, bounds and file system metadata, beyond the files' data.
constexpr uint64_t kSlack = 64ULL << 10;

// A dump the module did not finish writing (it died, or the machine was
// reset, mid-dump) is saved as far as it goes.
bool unfinished(const struct pd_header &h)
{
	return h.state == PD_STATE_DUMPING;
}

// "; incomplete: why" or "; dump error: what" for the one-line messages,
// "" for a dump with nothing wrong.
std::string reason_note(const std::string &reason, bool incomplete)
{
	if (reason.empty())
		return {};
	return (incomplete ? "; incomplete: " : "; dump error: ") + reason;
}

class Saver {
public:
	Saver(const SaveOptions &o, std::ostream &out, std::ostream &err)
		: opts_(o), out_(out), err_(err) {}

	int run();

private:
	const HeaderCopy *open_dump(const DumpConfig &cfg, HeaderPair &hp);
	const HeaderCopy &pick_header(const HeaderPair &hp);
	void verbose_error_record(const HeaderCopy &used);
	std::optional<KdumpImage> check_image(const HeaderCopy &used);
	std::string read_log(const struct pd_header &h);
	SymtabResult check_symtab(const struct pd_header &h);
	void check_space(const OutputDir &dir, uint64_t need, const DumpConfig &cfg);
	uint64_t pick_number(const OutputDir &dir);
	void copy_vmcore(const KdumpImage &img, const OutputDir &dir,
			 const std::string &name);
	void write_elf_vmcore(const ElfPlan &plan, KdumpPages &pages,
			      const OutputDir &dir, const std::string &name);
	void write_text(const OutputDir &dir, const std::string &name,
			const std::string &text);
	void mark_saved(const HeaderPair &hp, const HeaderCopy &used);

	void warn(const std::string &msg) { err_ << "savecore: warning: " << msg << "\n"; }
	void verbose(const std::string &msg)
	{
		if (opts_.verbose)
			out_ << "savecore: " << msg << "\n";
	}

	const SaveOptions &opts_;
	std::ostream &out_;
	std::ostream &err_;
	std::string device_;
	std::unique_ptr<DumpArea> area_;
};

const HeaderCopy &Saver::pick_header(const HeaderPair &hp)
{
	const HeaderCopy *best = hp.best();
	uint64_t size = area_->area_size();

	if (!best && hp.both_blank())
		throw Error("no dump on " + device_ + " (no panicdump header; never armed)",
			    ErrorKind::NoDump);
	if (!best)
		throw Error(device_ + ": no valid header: " +
			    hp.primary.describe_error(size) + "; " +
			    hp.trailer.describe_error(size));
	if (!hp.primary.valid())
		warn(device_ + ": " + hp.primary.describe_error(size) +
		     strprintf("; using the trailing copy at 0x%llx",
			       (unsigned long long)hp.trailer.offset));
	else if (!hp.trailer.valid())
		warn(device_ + ": " + hp.trailer.describe_error(size) +
		     "; using the primary copy");
	verbose(strprintf("%s: %s header@0x%llx: state %s, sequence %llu",
			  device_.c_str(), best->name,
			  (unsigned long long)best->offset,
			  pd_state_str(best->h.state),
			  (unsigned long long)best->h.sequence));
	verbose_error_record(*best);
	return *best;
}

// -v: the error record as stored, and whether it counts.
void Saver::verbose_error_record(const HeaderCopy &used)
{
	const struct pd_header &h = used.h;
	static const struct pd_dump_error zero = {};
	std::string where = strprintf("%s: %s header@0x%llx: error record at +%zu",
				      device_.c_str(), used.name,
				      (unsigned long long)used.offset,
				      offsetof(struct pd_header, error));

	if (h.compat_features & PD_COMPAT_ERROR)
		verbose(where + ": " + dump_error_fields(h.error));
	else if (std::memcmp(&h.error, &zero, sizeof(zero)))
		verbose(where + " ignored (compat bit ERROR not set): " +
			dump_error_fields(h.error));
	else
		verbose(where + ": none (compat bit ERROR not set: the capture module does not record errors)");
}

std::string Saver::read_log(const struct pd_header &h)
{
	const struct pd_section *s = find_section(h, PD_SECT_LOG);

	if (!s || !s->length)
		return {};
	std::string log(s->length, '\0');
	area_->read(log.data(), log.size(), s->offset);
	uint32_t crc = pd_crc32c(0, log.data(), log.size());
	if (s->crc32c && crc != s->crc32c)
		warn(strprintf("%s: log section@0x%llx: crc32c: expected 0x%08x, found 0x%08x; saving it anyway",
			       device_.c_str(), (unsigned long long)s->offset,
			       s->crc32c, crc));
	if (s->flags & PD_SECT_F_TRUNCATED)
		warn("the kernel log did not fit its section; dmesg holds its tail");
	return log;
}

// bounds says which number comes next; never overwrite an earlier save.
uint64_t Saver::pick_number(const OutputDir &dir)
{
	uint64_t n = dir.read_bounds();

	for (;; n++) {
		std::string s = strprintf(".%llu", (unsigned long long)n);
		const char *taken = nullptr;
		for (const char *f : { "vmcore", "dmesg", "info" })
			if (path_exists(dir.file(f + s)))
				taken = f;
		if (!taken)
			return n;
		warn(dir.file(taken + s) +
		     " exists although bounds says otherwise; skipping that number");
	}
}

void Saver::copy_vmcore(const KdumpImage &img, const OutputDir &dir,
			const std::string &name)
{
	PendingFile file(dir, name);
	std::vector<uint8_t> buf(kCopyChunk);
	Progress progress(err_, opts_.progress, name, img.length);

	for (uint64_t pos = 0; pos < img.length;) {
		size_t n = static_cast<size_t>(std::min<uint64_t>(buf.size(),
								  img.length - pos));
		area_->read(buf.data(), n, img.base + pos);
		patch_vmcore_chunk(img, pos, buf.data(), n);
		file.write(buf.data(), n);
		pos += n;
		progress.update(pos, pos);
	}
	// The rest of a desc table the image was cut inside: zeros, as a hole.
	if (img.out_length > img.length &&
	    ::ftruncate(file.fd(), static_cast<off_t>(img.out_length)) < 0)
		throw_errno(file.tmp_path() + ": ftruncate");
	progress.finish(img.length);
	file.commit();
}

void Saver::write_elf_vmcore(const ElfPlan &plan, KdumpPages &pages,
			     const OutputDir &dir, const std::string &name)
{
	PendingFile file(dir, name);
	Progress progress(err_, opts_.progress, name, pages.image().nr_descs);

	write_elf(plan, pages, file.fd(), file.tmp_path(), progress);
	file.commit();
}

SymtabResult Saver::check_symtab(const struct pd_header &h)
{
	SymtabResult sym = read_symtab(*area_, h);

	if (sym.ok)
		verbose(strprintf("symbol table@0x%llx: %u symbols, %llu bytes",
				  (unsigned long long)sym.offset, sym.nr_symbols,
				  (unsigned long long)sym.text.size()));
	else if (sym.warn)
		warn(sym.problem + "; no System.map saved (the vmcore is not affected)");
	else
		verbose(device_ + ": " + sym.problem);
	return sym;
}

// minfree: what must stay free once the files are written.
void Saver::check_space(const OutputDir &dir, uint64_t need, const DumpConfig &cfg)
{
	MinFreeSetting mf = load_minfree(opts_.minfree, cfg.minfree, config_path(opts_.config_root),
					 dir.path());
	uint64_t keep = mf.value.resolve(dir.total_bytes());
	uint64_t avail = dir.free_bytes();

	if (avail >= need && avail - need >= keep)
		return;
	std::string why = mf.source == "default" ?
		"savecore keeps " + human_size(keep) + " free" :
		"minfree (" + mf.value.describe() + ", from " + mf.source + ") keeps " +
		human_size(keep) + " free";
	throw Error(strprintf("%s: not enough space: the dump needs %s and %s, but only %s is free; "
			      "the dump stays on %s (free some space, or lower minfree, and run savecore again)",
			      dir.path().c_str(), human_size(need).c_str(), why.c_str(),
			      human_size(avail).c_str(), device_.c_str()));
}

void Saver::write_text(const OutputDir &dir, const std::string &name,
		       const std::string &text)
{
	PendingFile file(dir, name);

	file.write(text.data(), text.size());
	file.commit();
}

void Saver::mark_saved(const HeaderPair &hp, const HeaderCopy &used)
{
	struct pd_header h = used.h;

	// An unfinished dump stays known as incomplete for saves with -d.
	if (unfinished(h))
		h.dump_flags |= PD_DUMP_F_INCOMPLETE;
	h.state = PD_STATE_SAVED;
	h.sequence = hp.next_sequence();
	pd_header_seal(&h);
	write_headers(*area_, h);
}

// Opens the dump device and reads its header; -C ends here.
const HeaderCopy *Saver::open_dump(const DumpConfig &cfg, HeaderPair &hp)
{
	device_ = opts_.dumpfile.empty() ? cfg.device : opts_.dumpfile;
	if (device_.empty())
		throw Error("no dump device configured (dumpadm -d DEVICE) and no -f given",
			    ErrorKind::NoDump);

	// A dump on swap is paging's once swap is on (and the kernel refuses
	// the SAVED header write): savecore runs before swapon.
	if (!opts_.check_only && path_is_active_swap(device_, "/proc"))
		throw Error(device_ + " is active swap (/proc/swaps lists it): paging has been overwriting any dump there "
			    "since swapon, and the kernel refuses writes to it. savecore must run before swap is enabled "
			    "(savecore.service does); swapoff " + device_ + " first to save what is left");
	OpenMode mode = opts_.check_only ? OpenMode::ReadOnly : OpenMode::ReadWrite;
	area_ = std::make_unique<DumpArea>(DumpArea::open(device_, mode));
	hp = read_headers(*area_, area_->area_size());
	const HeaderCopy &used = pick_header(hp);
	const struct pd_header &h = used.h;

	bool unsaved = h.state == PD_STATE_COMPLETE || unfinished(h);
	// Whatever error a header without a dump records (a module that
	// stopped before writing one), the message passes on.
	const struct pd_dump_error *e = pd_header_dump_error(&h);
	std::string record = e ? "; dump error: " + dump_error_text(*e) : "";
	if (opts_.check_only && !unsaved)
		throw Error(strprintf("no dump on %s (state %s%s)", device_.c_str(),
				      pd_state_str(h.state), record.c_str()),
			    ErrorKind::NoDump);
	if (!unsaved && !(h.state == PD_STATE_SAVED && opts_.disregard_saved))
		throw Error(strprintf("no dump on %s (state %s%s%s)", device_.c_str(),
				      pd_state_str(h.state), record.c_str(),
				      h.state == PD_STATE_SAVED ?
				      "; -d saves it again" : ""),
			    ErrorKind::NoDump);
	return &used;
}

// Validates the kdump image; nullopt when the module wrote none.
std::optional<KdumpImage> Saver::check_image(const HeaderCopy &used)
{
	const struct pd_header &h = used.h;
	const struct pd_section *ks = find_section(h, PD_SECT_KDUMP);
	bool incomplete = (h.dump_flags & PD_DUMP_F_INCOMPLETE) || unfinished(h);
	std::string reason = dump_reason(h);

	if (unfinished(h))
		warn(strprintf("%s: %s header@0x%llx: state at +%zu: expected complete, found dumping: "
			       "the capture module did not finish (the machine was reset or the module died mid-dump); saving what it wrote",
			       device_.c_str(), used.name, (unsigned long long)used.offset,
			       offsetof(struct pd_header, state)));
	if (!ks)
		throw Error(strprintf("%s: %s header@0x%llx: no kdump section (type %u) in %u sections",
				      device_.c_str(), used.name,
				      (unsigned long long)used.offset,
				      PD_SECT_KDUMP, h.nr_sections));
	if (incomplete && ks->length == 0) {
		warn("the capture module wrote no kdump image: " + reason + "; saving the log only");
		return std::nullopt;
	}
	if (incomplete)
		warn("the dump is incomplete: " + reason +
		     "; pages the capture module did not write show as incomplete in crash");
	else if (!reason.empty())
		warn("the capture module recorded an error in a complete dump: " + reason);

	// The module zeroes the desc table first and writes every slot it
	// reaches (the kernel image's first): no count of written descs
	// marks a prefix, and unwritten slots are already empty.
	KdumpImage img = validate_kdump(*area_, ks->offset, ks->length, incomplete,
					incomplete ? UINT64_MAX : h.dumped_pages);
	for (const auto &w : img.warnings)
		warn(device_ + ": kdump image: " + w);
	verbose(strprintf("kdump image@0x%llx: %llu bytes, max_mapnr %llu, %llu dumpable pages, %u CPU notes, release %s",
			  (unsigned long long)img.base,
			  (unsigned long long)img.length,
			  (unsigned long long)img.max_mapnr,
			  (unsigned long long)img.nr_descs, img.nr_prstatus,
			  img.info("OSRELEASE").c_str()));

	std::string release = printable(h.release, sizeof(h.release));
	if (!img.info("OSRELEASE").empty() && img.info("OSRELEASE") != release)
		warn("the header says release " + release + " but VMCOREINFO says " +
		     img.info("OSRELEASE"));
	return img;
}

int Saver::run()
{
	DumpConfig cfg;
	if (opts_.dumpfile.empty() || opts_.directory.empty() ||
	    !opts_.format_given)
		cfg = load_config(opts_.config_root);
	// dumpadm -z off: save uncompressed, which is the ELF vmcore.
	VmcoreFormat format = opts_.format_given || cfg.csave ?
			      opts_.format : VmcoreFormat::Elf;

	HeaderPair hp;
	const HeaderCopy &used = *open_dump(cfg, hp);
	const struct pd_header &h = used.h;
	std::string panic = printable(h.panic_string, sizeof(h.panic_string));
	if (opts_.clear) {
		// FreeBSD's savecore -c: the admin gives the dump up; the header
		// says empty, so dumpadm may arm the device again.
		struct pd_header cleared = h;
		cleared.state = PD_STATE_EMPTY;
		cleared.sequence = hp.next_sequence();
		pd_header_seal(&cleared);
		write_headers(*area_, cleared);
		out_ << "savecore: cleared the dump on " << device_ << " from "
		     << iso8601_utc(static_cast<int64_t>(h.crash_time)) << ": "
		     << panic << " (not saved)\n";
		return kSaveOk;
	}
	if (opts_.check_only) {
		bool incomplete = unfinished(h) || (h.dump_flags & PD_DUMP_F_INCOMPLETE);
		out_ << "savecore: unsaved " << (incomplete ? "incomplete " : "")
		     << "dump on " << device_ << " from "
		     << iso8601_utc(static_cast<int64_t>(h.crash_time)) << ": "
		     << panic << reason_note(dump_reason(h), incomplete) << "\n";
		return kSaveOk;
	}

	// Check everything before writing anything.
	std::optional<KdumpImage> img = check_image(used);
	std::string log = read_log(h);
	SymtabResult sym = check_symtab(h);
	std::unique_ptr<KdumpPages> pages;
	std::optional<ElfPlan> plan;
	if (img && format == VmcoreFormat::Elf) {
		pages = std::make_unique<KdumpPages>(*area_, *img);
		plan = plan_elf(*area_, *pages, sym.ok ? sym.text : std::string(),
				img->set_incomplete ||
				(img->header.status & DUMP_DH_COMPRESSED_INCOMPLETE) ||
				(h.dump_flags & PD_DUMP_F_INCOMPLETE) || unfinished(h));
		for (const auto &w : plan->warnings)
			warn(device_ + ": ELF output: " + w);
		for (const auto &d : plan->details)
			verbose(d);
	}
	uint64_t vmcore_bytes = !img ? 0 : plan ? plan->file_size : img->out_length;
	uint64_t vmcore_disk = !img ? 0 : plan ? plan->disk_bytes : img->length;

	OutputDir dir(opts_.directory.empty() ? cfg.savedir : opts_.directory);
	dir.create();
	// dumpadm.conf's DUMPADM_MINFREE applies even with -f and a directory.
	if (!opts_.dumpfile.empty() && !opts_.directory.empty() &&
	    !(opts_.minfree && !trim(*opts_.minfree).empty())) {
		try {
			cfg = load_config(opts_.config_root);
		} catch (const Error &e) {
			warn(std::string(e.what()) + "; its DUMPADM_MINFREE does not apply");
		}
	}
	check_space(dir, vmcore_disk + log.size() + (sym.ok ? sym.text.size() : 0) + kSlack, cfg);

	uint64_t n = pick_number(dir);
	std::string suffix = strprintf(".%llu", (unsigned long long)n);
	DumpSummary sum;
	sum.device = device_;
	sum.save_time = static_cast<int64_t>(::time(nullptr));
	sum.incomplete = (h.dump_flags & PD_DUMP_F_INCOMPLETE) || unfinished(h) ||
			 (img && !img->bad_descs.empty());
	sum.vmcore_format = !img ? "none" : plan ? "ELF64 core (uncompressed, sparse)" :
			    "kdump-compressed";
	sum.symtab = sym.ok ? strprintf("System.map%s (%u symbols)", suffix.c_str(),
					sym.nr_symbols) :
			      "none: " + sym.problem;
	sum.reason = dump_reason(h, img ? img->bad_descs.size() : 0);

	if (img && plan) {
		write_elf_vmcore(*plan, *pages, dir, "vmcore" + suffix);
		verbose("wrote " + dir.file("vmcore" + suffix));
	} else if (img) {
		copy_vmcore(*img, dir, "vmcore" + suffix);
		verbose("wrote " + dir.file("vmcore" + suffix));
	}
	if (sym.ok) {
		write_text(dir, "System.map" + suffix, sym.text);
		verbose("wrote " + dir.file("System.map" + suffix));
	}
	write_text(dir, "dmesg" + suffix, log);
	verbose("wrote " + dir.file("dmesg" + suffix));
	write_text(dir, "info" + suffix, format_info(h, img ? &*img : nullptr, sum));
	verbose("wrote " + dir.file("info" + suffix));
	dir.write_bounds(n + 1);

	// Only now that the files are durable is the dump consumed.
	mark_saved(hp, used);
	verbose(device_ + ": marked the dump saved");

	std::string what = img ? "vmcore" + suffix + " (" + (plan ? "ELF, " : "") +
				 human_size(vmcore_bytes) + (plan ? " sparse" : "") + ")" :
			   "dmesg" + suffix + " (no vmcore)";
	if (sym.ok)
		what += ", System.map" + suffix;
	std::string note = reason_note(sum.reason, sum.incomplete);
	out_ << "savecore: saved " << what << " from " << device_ << " to "
	     << dir.path() << note << "\n";
	if (opts_.syslog) {
		::openlog("savecore", LOG_ODELAY, LOG_AUTH);
		::syslog(LOG_ERR, "reboot after panic: %s; saved %s in %s%s",
			 panic.c_str(), what.c_str(), dir.path().c_str(), note.c_str());
		::closelog();
	}
	return kSaveOk;
}

} // namespace

int run_savecore(const SaveOptions &opts, std::ostream &out, std::ostream &err)
{
	try {
		return Saver(opts, out, err).run();
	} catch (const Error &e) {
		err << "savecore: " << e.what() << "\n";
		return e.kind() == ErrorKind::NoDump ? kSaveNoDump : kSaveError;
	} catch (const std::exception &e) {
		err << "savecore: " << e.what() << "\n";
		return kSaveError;
	}
}

} // namespace pd

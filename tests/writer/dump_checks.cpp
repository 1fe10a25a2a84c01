// SPDX-License-Identifier: GPL-2.0
#include "dump_checks.h"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <stdexcept>

#include "crc32c.h"
#include "kdump_format.h"
#include "kdump_reader.h"
#include "pd_content.h"
#include "pd_format.h"

namespace pdcheck {

namespace {

constexpr uint32_t kPage = 4096;

std::string num(uint64_t v)
{
	return std::to_string(v);
}

void expect_eq(Problems &p, const char *what, uint64_t got, uint64_t want)
{
	if (got != want)
		p.push_back(std::string(what) + ": " + num(got) + ", expected " + num(want));
}

// Bytes of p that are not zero, a word at a time where all are: the
// guard bytes are scanned on every run of the fuzzer.
uint64_t nonzero_bytes(const uint8_t *p, uint64_t n)
{
	uint64_t count = 0, i = 0, w;

	for (; i + 8 <= n; i += 8) {
		std::memcpy(&w, p + i, 8);
		if (w)
			for (int j = 0; j < 8; j++)
				count += p[i + j] != 0;
	}
	for (; i < n; i++)
		count += p[i] != 0;
	return count;
}

bool kept(uint32_t content, enum pd_sim_page k)
{
	return pd_content_verdict(content, pd_sim_flags_of(k)) == PD_VERDICT_KEEP;
}

// Every page content keeps, with its own kind, walked as sim.c counts
// pages_expected: a free page starts a buddy run of free_run pages.
template <typename Fn>
void for_each_kept(const pd_sim_config &c, uint32_t content, Fn fn)
{
	for (uint32_t i = 0; i < c.nr_ranges; i++) {
		uint64_t end = c.ranges[i].end_pfn, run;

		for (uint64_t pfn = c.ranges[i].start_pfn; pfn < end; pfn += run) {
			enum pd_sim_page k = c.kind_of(c.priv, pfn);

			run = 1;
			if (c.free_run > 1 && k == PD_SIM_FREE)
				run = std::min<uint64_t>(c.free_run - pfn % c.free_run, end - pfn);
			if (!kept(content, k))
				continue;
			for (uint64_t j = 0; j < run; j++)
				fn(pfn + j, j ? c.kind_of(c.priv, pfn + j) : k);
		}
	}
}

uint64_t max_pfn(const pd_sim_config &c)
{
	uint64_t m = 0;

	for (uint32_t i = 0; i < c.nr_ranges; i++)
		m = std::max(m, c.ranges[i].end_pfn);
	return m;
}

bool any_fault(const pd_sim_config &c)
{
	return c.fail_write || c.timeout_write || c.fail_read || c.not_ours ||
	       c.oops_at_page;
}

const struct pd_section *section(const struct pd_header &h, uint32_t type)
{
	for (uint32_t i = 0; i < h.nr_sections && i < PD_MAX_SECTIONS; i++)
		if (h.sections[i].type == type)
			return &h.sections[i];
	return nullptr;
}

// The log section of a header the dump wrote: its CRC, and the log,
// whole, or without its oldest lines when it says it was truncated.
void check_log(const pd_sim_config &c, const uint8_t *area,
	       const struct pd_header &h, Problems &p)
{
	const struct pd_section *log = section(h, PD_SECT_LOG);

	if (!log) {
		p.push_back("no LOG section");
		return;
	}
	std::string text(reinterpret_cast<const char *>(area + log->offset), log->length);
	std::string full = expected_log(0, c.nr_log_lines);
	if (pd_crc32c(0, text.data(), text.size()) != log->crc32c)
		p.push_back("the log's CRC does not match its " + num(log->length) + " bytes");
	if (!(log->flags & PD_SECT_F_TRUNCATED)) {
		if (text != full)
			p.push_back("the log is " + num(text.size()) + " bytes, not the whole " +
				    num(full.size()));
		return;
	}
	size_t cut = full.size() - std::min(full.size(), text.size());
	if (text.size() > full.size() || full.compare(cut, std::string::npos, text) ||
	    (cut && full[cut - 1] != '\n'))
		p.push_back("the truncated log is not the newest lines of the log");
}

// A dump that ran out of room in round R has all the pages of the rounds
// before: the kernel image (1), then for content all and curproc every
// page "kernel" content keeps (2).
void check_rounds_before(const pd_sim_config &c, const struct pd_header &h,
			 const std::vector<bool> &present, Problems &p)
{
	uint64_t ka = c.kimage_start_pfn, kb = c.kimage_end_pfn, missing = 0;
	uint32_t round = h.error.round;

	if (kb <= ka || kb > max_pfn(c))
		ka = kb = 0;
	for_each_kept(c, c.content, [&](uint64_t pfn, enum pd_sim_page k) {
		bool in_image = pfn >= ka && pfn < kb;
		bool kernel = c.content != PD_CONTENT_KERNEL && kept(PD_CONTENT_KERNEL, k);

		if (((round > 1 && in_image) || (round > 2 && kernel)) && !present[pfn])
			missing++;
	});
	if (missing)
		p.push_back("out of space in round " + num(round) + ", yet " + num(missing) +
			    " pages of the rounds before are missing");
}

} // namespace

std::string describe(const Problems &p)
{
	std::string s;

	for (const auto &x : p)
		s += x + "\n";
	return s;
}

std::vector<uint8_t> area_bytes(const pd_sim_config &c, const pd_sim_result &r)
{
	return std::vector<uint8_t>(r.disk + c.area_start, r.disk + c.area_start + c.area_size);
}

uint64_t touched_outside(const pd_sim_config &c, const pd_sim_result &r)
{
	uint64_t end = c.area_start + c.area_size;

	return nonzero_bytes(r.disk, c.area_start) +
	       nonzero_bytes(r.disk + end, r.disk_size - end);
}

void check_clean_io(const pd_sim_config &c, const pd_sim_result &r, Problems &p)
{
	expect_eq(p, "bytes read or written outside the area", r.outside_io, 0);
	expect_eq(p, "requests not in whole blocks", r.misaligned, 0);
	expect_eq(p, "guard bytes written", touched_outside(c, r), 0);
}

std::string expected_log(uint32_t from, uint32_t n)
{
	std::string s;
	char line[256];

	for (uint32_t i = from; i < n; i++)
		s.append(line, pd_sim_log_line(i, line, sizeof(line)));
	return s;
}

void expected_page(const pd_sim_config &c, uint64_t pfn, uint8_t *out)
{
	if (c.kind_of(c.priv, pfn) == PD_SIM_MCE)
		std::memset(out, 0xfd, kPage);
	else
		pd_sim_page_bytes(&c, pfn, out);
}

PageTally check_pages(const pd_sim_config &c, const pd_sim_result &r,
		      const std::vector<uint8_t> &vmcore, bool complete,
		      uint64_t dumped_pages, uint64_t max_bad_descs,
		      Problems &p, std::vector<bool> *present_pfns)
{
	std::vector<uint8_t> want(kPage);
	PageTally t;
	uint64_t mismatched = 0;
	std::string first_bad;

	try {
		auto info = pdtest::read_kdump_pages(vmcore, [&](const pdtest::KdumpPage &pg) {
			if (!pg.problem.empty() && first_bad.empty())
				first_bad = pg.problem;
			if (!pg.present)
				return;
			t.present++;
			if (present_pfns && pg.pfn < present_pfns->size())
				(*present_pfns)[pg.pfn] = true;
			expected_page(c, pg.pfn, want.data());
			if (pg.data != want)
				mismatched++;
		}, pdtest::BadDescs::Report);
		t.nr_dumped = info.nr_dumped;
		t.bad_descs = info.bad_descs;
	} catch (const std::runtime_error &e) {
		p.push_back(std::string("the image does not read: ") + e.what());
		return t;
	}
	expect_eq(p, "pages not the source's", mismatched, 0);
	expect_eq(p, "pages marked in bitmap 2", t.nr_dumped, r.pages_expected);
	if (t.bad_descs > max_bad_descs)
		p.push_back(num(t.bad_descs) + " descs unusable (" + num(max_bad_descs) +
			    " allowed), first: " + first_bad);
	if (complete) {
		expect_eq(p, "pages present in a complete dump", t.present, r.pages_expected);
		expect_eq(p, "pages the header says it dumped", dumped_pages, t.present);
	}
	return t;
}

void check_error_record(const pd_sim_config &c, const pd_sim_result &r, Problems &p)
{
	const struct pd_header &h = r.hdr;
	const struct pd_dump_error &e = h.error;
	bool whole = r.ret == 0 && h.state == PD_STATE_COMPLETE &&
		     !(h.dump_flags & PD_DUMP_F_INCOMPLETE);

	switch (e.kind) {
	case PD_ERR_NONE:
	case PD_ERR_NOSPC:
		break;
	case PD_ERR_IO:
		if (!c.fail_write && !c.fail_read)
			p.push_back("an I/O error, but none was injected");
		if (!c.fail_read && e.status != c.fail_status)
			p.push_back("I/O error status " + num(e.status) + ", injected " +
				    num(c.fail_status));
		break;
	case PD_ERR_TIMEOUT:
		if (!c.timeout_write)
			p.push_back("a timeout, but none was injected");
		break;
	case PD_ERR_NOT_OURS:
		if (!c.not_ours)
			p.push_back("the device said not ours, but it is");
		break;
	case PD_ERR_FAULT:
		if (!c.oops_at_page)
			p.push_back("an oops recorded, but none was injected");
		break;
	default:
		// PD_ERR_INVAL: the core refused a request it made itself.
		p.push_back("error kind " + num(e.kind) + " (" + pd_dump_error_kind_str(e.kind) + ")");
	}
	if (e.kind == PD_ERR_IO || e.kind == PD_ERR_TIMEOUT) {
		if (e.sector < c.area_start / 512 ||
		    e.sector >= (c.area_start + c.area_size) / 512)
			p.push_back("error at sector " + num(e.sector) + ", outside the area");
		if (e.err != (e.kind == PD_ERR_IO ? -EIO : -ETIMEDOUT))
			p.push_back("error errno " + std::to_string(e.err));
	}
	if (e.kind != PD_ERR_NONE && e.stage == PD_STAGE_NONE)
		p.push_back("an error filed under no stage");
	if (c.not_ours)
		expect_eq(p, "writes to a device not ours", r.writes, 0);
	if (!any_fault(c) && (r.ret || h.state != PD_STATE_COMPLETE))
		p.push_back("no fault injected, yet the dump returned " + std::to_string(r.ret) +
			    " in state " + pd_state_str(h.state));
	// After a power cut the sim lets the writer run on, reading back a
	// disk that lost its writes: what it then counts proves nothing
	// (check_disk() judges what the disk holds).
	if (!whole || c.cut_after_write)
		return;
	if (e.kind != PD_ERR_NONE)
		p.push_back("a whole dump with an error recorded");
	uint64_t pages = 0, zero = 0, mce = 0;
	for_each_kept(c, c.content, [&](uint64_t, enum pd_sim_page k) {
		pages++;
		zero += k == PD_SIM_ZERO;
		mce += k == PD_SIM_MCE;
	});
	expect_eq(p, "kept pages, walked again", pages, r.pages_expected);
	expect_eq(p, "dumped pages of a whole dump", h.dumped_pages, r.pages_expected);
	expect_eq(p, "zero pages of a whole dump", h.zero_pages, zero);
	expect_eq(p, "unreadable pages of a whole dump", h.skipped_pages, mce);
	if (r.touches < pages / PD_SIM_TOUCH_EVERY)
		p.push_back("the watchdog touched " + num(r.touches) + " times for " +
			    num(pages) + " pages");
}

void check_disk(const pd_sim_config &c, const pd_sim_result &r,
		uint64_t max_bad_descs, Problems &p)
{
	const uint8_t *area = r.disk + c.area_start;
	struct pd_header copy[2];
	bool valid[2];
	int bad;

	check_clean_io(c, r, p);
	if (c.not_ours) {
		expect_eq(p, "writes to a device not ours", r.writes, 0);
		return;
	}
	std::memcpy(&copy[0], area, sizeof(copy[0]));
	std::memcpy(&copy[1], area + pd_trailer_offset(c.area_size), sizeof(copy[1]));
	for (int i = 0; i < 2; i++)
		valid[i] = pd_header_check(&copy[i], c.area_size, &bad) == PD_HDR_OK;
	if (!valid[0] && !valid[1]) {
		p.push_back(std::string("no header copy passes pd_header_check(): primary ") +
			    pd_header_error_str(pd_header_check(&copy[0], c.area_size, &bad)));
		return;
	}
	const struct pd_header &h = valid[0] && valid[1] ?
		copy[pd_header_pick(&copy[0], &copy[1])] : copy[valid[0] ? 0 : 1];
	if (std::memcmp(h.nonce, r.hdr.nonce, sizeof(h.nonce)))
		p.push_back("the header on the disk is not this arm's");
	if (c.swap && std::memcmp(area + PD_SWAP_MAGIC_OFFSET, PD_SWAP_MAGIC, PD_SWAP_MAGIC_LEN))
		p.push_back("the swap signature is gone");
	if (h.state == PD_STATE_ARMED)
		return;		// stopped before its first header write
	if (h.state != PD_STATE_DUMPING && h.state != PD_STATE_COMPLETE) {
		p.push_back(std::string("header state ") + pd_state_str(h.state));
		return;
	}
	check_log(c, area, h, p);

	const struct pd_section *kd = section(h, PD_SECT_KDUMP);
	bool complete = h.state == PD_STATE_COMPLETE && !(h.dump_flags & PD_DUMP_F_INCOMPLETE);
	if (!kd) {
		p.push_back("no KDUMP section");
		return;
	}
	expect_eq(p, "header image_bytes against the KDUMP section's length",
		  h.image_bytes, kd->length);
	if (!kd->length) {
		if (complete)
			p.push_back("a complete dump without an image");
		return;
	}
	std::vector<uint8_t> vmcore(area + kd->offset, area + kd->offset + kd->length);
	std::vector<bool> present(max_pfn(c));
	check_pages(c, r, vmcore, complete, h.dumped_pages, complete ? 0 : max_bad_descs,
		    p, &present);

	struct kdump_disk_header kh;
	if (vmcore.size() < sizeof(kh))
		return;		// check_pages() said so
	std::memcpy(&kh, vmcore.data(), sizeof(kh));
	uint32_t codec = c.compression == PD_COMPRESS_ZSTD ? DUMP_DH_COMPRESSED_ZSTD :
			 c.compression == PD_COMPRESS_LZO ? DUMP_DH_COMPRESSED_LZO : 0;
	expect_eq(p, "kdump header status, INCOMPLETE aside",
		  kh.status & ~DUMP_DH_COMPRESSED_INCOMPLETE, codec);
	if (complete && (kh.status & DUMP_DH_COMPRESSED_INCOMPLETE))
		p.push_back("a complete dump whose kdump header says incomplete");
	if (h.state == PD_STATE_COMPLETE && h.error.kind == PD_ERR_NOSPC &&
	    h.error.stage == PD_STAGE_ROUND)
		check_rounds_before(c, h, present, p);
}

} // namespace pdcheck

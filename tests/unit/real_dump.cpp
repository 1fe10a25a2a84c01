// SPDX-License-Identifier: GPL-2.0
#include "real_dump.h"

#include <algorithm>
#include <cstring>
#include <memory>
#include <set>
#include <stdexcept>

#include "dumpadm_arm.h"
#include "sim.h"

namespace pdtest {

namespace {

constexpr uint64_t kPage = 4096;

// The sim's view of a spec: page kinds and contents looked up quickly.
struct SimRam {
	const DumpSpec *spec;
	std::set<uint64_t> pages, zero_pages;
};

enum pd_sim_page spec_kind(void *priv, uint64_t pfn)
{
	const SimRam &ram = *static_cast<const SimRam *>(priv);
	if (ram.pages.count(pfn))
		return PD_SIM_KERNEL;
	if (ram.zero_pages.count(pfn))
		return PD_SIM_ZERO;
	return PD_SIM_FREE;
}

int spec_page_data(void *priv, uint64_t pfn, uint8_t *out)
{
	const SimRam &ram = *static_cast<const SimRam *>(priv);
	auto it = ram.spec->page_data.find(pfn);
	if (it == ram.spec->page_data.end())
		return 0;
	std::memcpy(out, it->second.data(), std::min<size_t>(it->second.size(), kPage));
	return 1;
}

// Everything a pd_sim_config points at, kept alive for one run.
struct SimRun {
	explicit SimRun(const DumpSpec &spec)
	{
		ram.spec = &spec;
		ram.pages.insert(spec.pages.begin(), spec.pages.end());
		ram.zero_pages.insert(spec.zero_pages.begin(), spec.zero_pages.end());
		if (spec.ram.empty())
			ranges.push_back({ 0, spec.max_mapnr });
		for (const auto &[first, end] : spec.ram)
			ranges.push_back({ first, end });
		vmcoreinfo = spec.vmcoreinfo.empty() ? default_vmcoreinfo(spec) : spec.vmcoreinfo;
		arm.kallsyms = spec.kallsyms;

		c.block_size = spec.block_size;
		c.area_start = 0;
		c.area_size = spec.area_size;
		c.content = spec.content;
		c.compression = spec.compression;
		c.swap = spec.swap;
		c.ranges = ranges.data();
		c.nr_ranges = static_cast<uint32_t>(ranges.size());
		c.kimage_start_pfn = spec.kimage.first;
		c.kimage_end_pfn = spec.kimage.second;
		c.kind_of = spec_kind;
		c.priv = &ram;
		c.free_run = 1;
		c.page_data = spec_page_data;
		c.nr_cpus = spec.nr_cpus;
		c.release = spec.release.c_str();
		c.panic_string = spec.panic.c_str();
		c.vmcoreinfo = vmcoreinfo.c_str();
		c.crash_time = spec.crash_time;
		c.arm = arm_as_dumpadm;
		c.arm_priv = &arm;
		c.nr_log_lines = spec.nr_log_lines;
		c.fail_write = spec.fail_write;
		c.fail_status = spec.fail_status;
		c.timeout_write = spec.timeout_write;
		c.cut_after_write = spec.cut_after_write;
		c.fail_read = spec.fail_read;
		c.not_ours = spec.not_ours;
		c.oops_at_page = spec.fault_after_pages ? spec.fault_after_pages + 1 : 0;
		c.cut_after_pages = spec.cut_after_pages;
	}
	~SimRun() { pd_sim_free(&r); }
	SimRun(const SimRun &) = delete;
	SimRun &operator=(const SimRun &) = delete;

	SimRam ram;
	std::vector<struct pd_sim_range> ranges;
	std::string vmcoreinfo;
	DumpadmArm arm;
	struct pd_sim_config c = {};
	struct pd_sim_result r = {};
};

template <typename T>
T get(const std::vector<uint8_t> &buf, uint64_t off)
{
	T v;
	if (off + sizeof(v) > buf.size())
		throw std::runtime_error("read past the end of the dump");
	std::memcpy(&v, buf.data() + off, sizeof(v));
	return v;
}

// The current header: of the valid copies, the one pd_header_pick() takes.
struct pd_header current_header(const std::vector<uint8_t> &area)
{
	auto primary = get<struct pd_header>(area, 0);
	auto trailer = get<struct pd_header>(area, pd_trailer_offset(area.size()));
	int bad;
	bool p_ok = pd_header_check(&primary, area.size(), &bad) == PD_HDR_OK;
	bool t_ok = pd_header_check(&trailer, area.size(), &bad) == PD_HDR_OK;
	if (p_ok && t_ok)
		return pd_header_pick(&primary, &trailer) ? trailer : primary;
	return t_ok && !p_ok ? trailer : primary;
}

// Where the image's headers (at area offset base) say everything is,
// checked against the layout formats/ computes for the same numbers. All
// zero when the writer did not get as far as the kdump header.
struct kdump_layout decode_layout(const std::vector<uint8_t> &area, uint64_t base)
{
	auto h = get<struct kdump_disk_header>(area, base);
	auto s = get<struct kdump_sub_header>(area, base + kPage);
	if (std::memcmp(h.signature, KDUMP_SIGNATURE, KDUMP_SIGNATURE_LEN))
		return {};
	uint64_t bitmap_bytes = uint64_t(h.bitmap_blocks) / 2 * kPage;
	uint64_t off_bm2 = (1 + uint64_t(h.sub_hdr_size)) * kPage + bitmap_bytes;
	if (base + off_bm2 + bitmap_bytes > area.size())
		throw std::runtime_error("the image's bitmaps run past the area");
	uint64_t dumpable = 0;
	for (uint64_t i = 0; i < bitmap_bytes; i++)
		dumpable += __builtin_popcount(area[base + off_bm2 + i]);
	struct kdump_layout l;
	kdump_layout_compute(&l, s.max_mapnr_64, s.size_note, dumpable);
	if (l.off_bitmap2 != off_bm2 || l.bitmap_blocks != h.bitmap_blocks ||
	    l.sub_hdr_blocks != uint32_t(h.sub_hdr_size) || l.off_notes != uint64_t(s.offset_note))
		throw std::runtime_error("the image's headers disagree with kdump_layout_compute()");
	return l;
}

// How many PFNs outside [skip.first, skip.second) have data in the dump
// (descs written, not the shared zero page).
uint64_t data_pages_stored(const RealDump &d, std::pair<uint64_t, uint64_t> skip)
{
	const uint8_t *bm2 = d.area.data() + PD_KDUMP_OFFSET + d.layout.off_bitmap2;
	uint64_t n = 0, slot = 0;
	for (uint64_t pfn = 0; pfn < d.layout.max_mapnr; pfn++) {
		if (!kdump_bitmap_test(bm2, pfn))
			continue;
		auto desc = get<struct kdump_page_desc>(d.area, PD_KDUMP_OFFSET + d.layout.off_desc +
								 slot++ * sizeof(struct kdump_page_desc));
		if (!desc.offset || uint64_t(desc.offset) == d.layout.off_data ||
		    (pfn >= skip.first && pfn < skip.second))
			continue;
		n++;
	}
	return n;
}

// Bytes no compressor shrinks, distinct per PFN (xorshift64).
std::vector<uint8_t> noise(uint64_t pfn)
{
	std::vector<uint8_t> p(kPage);
	uint64_t x = pfn * 0x9e3779b97f4a7c15ULL | 1;
	for (size_t i = 0; i < p.size(); i += 8) {
		x ^= x << 13;
		x ^= x >> 7;
		x ^= x << 17;
		std::memcpy(p.data() + i, &x, 8);
	}
	return p;
}

} // namespace

std::string default_vmcoreinfo(const DumpSpec &spec)
{
	return "OSRELEASE=" + spec.release + "\n"
	       "BUILD-ID=0123456789abcdef0123456789abcdef01234567\n"
	       "PAGESIZE=4096\n"
	       "SYMBOL(swapper_pg_dir)=ffffffff9fc0a000\n"
	       "KERNELOFFSET=1e000000\n"
	       "NUMBER(phys_base)=0\n"
	       "NUMBER(pgtable_l5_enabled)=0\n"
	       "CRASHTIME=" + std::to_string(spec.crash_time) + "\n";
}

RealDump make_dump(const DumpSpec &spec)
{
	auto run = std::make_unique<SimRun>(spec);
	if (pd_sim_run(&run->c, &run->r))
		throw std::runtime_error("pd_sim_run: out of memory");
	if (!run->arm.refused.empty())
		throw std::runtime_error("dumpadm refuses the area: " + run->arm.refused);
	if (run->r.outside_io || run->r.misaligned)
		throw std::runtime_error("the writer wrote outside the area or in part blocks");

	RealDump d;
	d.area.assign(run->r.disk, run->r.disk + spec.area_size);
	d.ret = run->r.ret;
	d.writes = run->r.writes;
	d.writer_header = run->r.hdr;
	d.header = current_header(d.area);
	if (const struct pd_section *k = pd_header_section(&d.header, PD_SECT_KDUMP)) {
		if (k->offset + k->length > d.area.size())
			throw std::runtime_error("the KDUMP section runs past the area");
		d.image.assign(d.area.begin() + k->offset, d.area.begin() + k->offset + k->length);
		d.layout = decode_layout(d.area, k->offset);
	}
	if (const struct pd_section *s = pd_header_section(&d.header, PD_SECT_SYMTAB))
		d.symtab_offset = s->offset;
	return d;
}

DumpSpec out_of_space_after(DumpSpec spec, uint64_t data_pages, uint64_t filler_pfn)
{
	for (uint64_t pfn : spec.pages)
		spec.page_data.try_emplace(pfn, noise(pfn));
	if (spec.kimage.second <= spec.kimage.first)
		spec.kimage = { filler_pfn, filler_pfn };
	const DumpSpec base = spec;
	auto with_filler = [&](uint64_t k) {
		DumpSpec s = base;
		for (uint64_t pfn = base.kimage.second; pfn < base.kimage.second + k; pfn++) {
			s.pages.push_back(pfn);
			s.page_data[pfn] = noise(pfn);
		}
		s.kimage.second += k;
		return s;
	};
	auto stored = [&](const DumpSpec &s) {
		return data_pages_stored(make_dump(s), s.kimage);
	};

	// Without filler, everything fits: where the data of the pages to
	// keep ends tells how much filler leaves room for them alone. Each
	// filler page takes a block of data and a desc.
	RealDump all = make_dump(base);
	uint64_t cap = pd_header_section(&all.header, PD_SECT_KDUMP)->capacity;
	DumpSpec keep = base;
	keep.pages.clear();
	for (uint64_t pfn : base.pages)
		if (pfn < base.kimage.first || pfn >= base.kimage.second)
			keep.pages.push_back(pfn);
	if (data_pages >= keep.pages.size() || data_pages_stored(all, base.kimage) != keep.pages.size())
		throw std::logic_error("out_of_space_after: the spec has not that many pages and more, or they do not fit");
	std::vector<uint64_t> ends;
	for (uint64_t i = 0; i < all.layout.nr_dumpable; i++) {
		auto desc = get<struct kdump_page_desc>(all.area, PD_KDUMP_OFFSET + all.layout.off_desc +
								   i * sizeof(struct kdump_page_desc));
		if (desc.offset && uint64_t(desc.offset) != all.layout.off_data)
			ends.push_back(desc.offset + desc.size);
	}
	std::sort(ends.begin(), ends.end());
	uint64_t used = ends[ends.size() - keep.pages.size() + data_pages - 1];
	uint64_t k = used < cap ? (cap - used) / (kPage + sizeof(struct kdump_page_desc)) : 0;

	// The writer also wants room for a page's worst case before it
	// stores it: a step or two from the estimate.
	for (int tries = 0; tries < 16; tries++) {
		uint64_t n = stored(with_filler(k));
		if (n == data_pages)
			return with_filler(k);
		if (n > data_pages)
			k++;
		else if (k-- == 0)
			break;
	}
	throw std::logic_error("out_of_space_after: no kernel image size leaves room for exactly that many pages");
}

DumpSpec image_does_not_fit(DumpSpec spec)
{
	spec.area_size = PD_MIN_AREA_SIZE;
	spec.max_mapnr = 90000;
	spec.ram.clear();
	spec.pages.clear();
	spec.zero_pages.clear();
	for (uint64_t pfn = 0; pfn < spec.max_mapnr; pfn++)
		spec.pages.push_back(pfn);
	return spec;
}

std::vector<uint8_t> page_content(const DumpSpec &spec, uint64_t pfn)
{
	SimRun run(spec);
	std::vector<uint8_t> p(kPage);
	pd_sim_page_bytes(&run.c, pfn, p.data());
	return p;
}

std::string dump_log(const DumpSpec &spec)
{
	std::string s;
	char line[256];
	for (uint32_t i = 0; i < spec.nr_log_lines; i++)
		s.append(line, pd_sim_log_line(i, line, sizeof(line)));
	return s;
}

void RealDump::reseal()
{
	pd_header_seal(&header);
	std::memcpy(area.data(), &header, sizeof(header));
	std::memcpy(area.data() + pd_trailer_offset(area.size()), &header, sizeof(header));
}

uint64_t RealDump::desc_offset(uint64_t pfn) const
{
	const uint8_t *bm2 = area.data() + PD_KDUMP_OFFSET + layout.off_bitmap2;
	if (pfn >= layout.max_mapnr || !kdump_bitmap_test(bm2, pfn))
		throw std::logic_error("desc_offset: pfn " + std::to_string(pfn) + " is not dumped");
	uint64_t rank = 0;
	for (uint64_t p = 0; p < pfn; p++)
		rank += kdump_bitmap_test(bm2, p);
	return layout.off_desc + rank * sizeof(struct kdump_page_desc);
}

struct kdump_page_desc RealDump::desc(uint64_t pfn) const
{
	return get<struct kdump_page_desc>(area, PD_KDUMP_OFFSET + desc_offset(pfn));
}

void put_u64(std::vector<uint8_t> &buf, uint64_t off, uint64_t v)
{
	std::memcpy(buf.data() + off, &v, sizeof(v));
}

void put_u32(std::vector<uint8_t> &buf, uint64_t off, uint32_t v)
{
	std::memcpy(buf.data() + off, &v, sizeof(v));
}

} // namespace pdtest

// SPDX-License-Identifier: GPL-2.0
#include "common/dump_area.h"

#include <algorithm>
#include <cstring>
#include <fcntl.h>
#include <linux/fs.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <vector>

#include "common/error.h"
#include "crc32c.h"

namespace pd {

DumpArea DumpArea::open(const std::string &path, OpenMode mode)
{
	int flags = mode == OpenMode::ReadOnly ? O_RDONLY : O_RDWR;
	struct stat st;

	if (::stat(path.c_str(), &st) < 0)
		throw_errno(path);
	bool blk = S_ISBLK(st.st_mode);
	if (!blk && !S_ISREG(st.st_mode))
		throw Error(path + ": not a block device or a regular image file");

	int fd = ::open(path.c_str(), flags | O_CLOEXEC);
	if (fd < 0)
		throw_errno(path);
	UniqueFd guard(fd);

	uint64_t size = static_cast<uint64_t>(st.st_size);
	if (blk && ::ioctl(fd, BLKGETSIZE64, &size) < 0)
		throw_errno(path + ": BLKGETSIZE64");
	return DumpArea(path, std::move(guard), blk, size);
}

void DumpArea::read(void *buf, size_t len, uint64_t off) const
{
	if (off > device_size_ || len > device_size_ - off)
		throw Error(strprintf("%s: read of %zu bytes at 0x%llx is beyond the end (0x%llx)",
				      path_.c_str(), len, (unsigned long long)off,
				      (unsigned long long)device_size_));
	pread_full(fd_.get(), buf, len, off, path_);
}

void DumpArea::write(const void *buf, size_t len, uint64_t off)
{
	if (off > device_size_ || len > device_size_ - off)
		throw Error(strprintf("%s: write of %zu bytes at 0x%llx is beyond the end (0x%llx)",
				      path_.c_str(), len, (unsigned long long)off,
				      (unsigned long long)device_size_));
	pwrite_full(fd_.get(), buf, len, off, path_);
}

void DumpArea::sync()
{
	fsync_or_throw(fd_.get(), path_);
}

std::string printable(const char *s, size_t max)
{
	std::string out;

	for (size_t i = 0; i < max && s[i]; i++) {
		unsigned char c = static_cast<unsigned char>(s[i]);
		if (c >= 0x20 && c < 0x7f && c != '\\')
			out += static_cast<char>(c);
		else
			out += strprintf("\\x%02x", c);
	}
	return out;
}

const struct pd_section *find_section(const struct pd_header &h, uint32_t type)
{
	for (uint32_t i = 0; i < h.nr_sections && i < PD_MAX_SECTIONS; i++)
		if (h.sections[i].type == type)
			return &h.sections[i];
	return nullptr;
}

static std::string section_error(const struct pd_header &h, int i)
{
	const struct pd_section &s = h.sections[i];
	uint64_t data_end = pd_trailer_offset(h.area_size);
	size_t off = offsetof(struct pd_header, sections) +
		     static_cast<size_t>(i) * sizeof(struct pd_section);
	std::string where = strprintf("sections[%d] at +%zu", i, off);

	if (s.type == PD_SECT_NONE || s.type > PD_SECT_KEYBLOCK)
		return strprintf("%s: type: expected 1..%u, found %u",
				 where.c_str(), PD_SECT_KEYBLOCK, s.type);
	if (s.offset < PD_BLOCK_SIZE || s.offset % PD_SECTOR_SIZE)
		return strprintf("%s: offset: expected a multiple of 512 from 4096 on, found 0x%llx",
				 where.c_str(), (unsigned long long)s.offset);
	if (s.capacity > data_end || s.offset > data_end - s.capacity)
		return strprintf("%s: offset 0x%llx + capacity 0x%llx: expected to end by 0x%llx (the trailing header)",
				 where.c_str(), (unsigned long long)s.offset,
				 (unsigned long long)s.capacity,
				 (unsigned long long)data_end);
	return strprintf("%s: length: expected at most the capacity 0x%llx, found 0x%llx",
			 where.c_str(), (unsigned long long)s.capacity,
			 (unsigned long long)s.length);
}

std::string describe_header_error(const struct pd_header &h,
				  enum pd_header_error err, int bad_section,
				  uint64_t area_size)
{
#define AT(field) "%s at +%zu", #field, offsetof(struct pd_header, field)
	std::string f;

	switch (err) {
	case PD_HDR_OK:
		return "ok";
	case PD_HDR_BAD_MAGIC:
		f = strprintf(AT(magic));
		return f + ": expected \"" PD_MAGIC "\", found \"" +
		       printable(h.magic, PD_MAGIC_LEN) + "\"";
	case PD_HDR_BAD_VERSION:
		f = strprintf(AT(version));
		return f + strprintf(": expected %u, found %u", PD_VERSION, h.version);
	case PD_HDR_BAD_SIZE:
		f = strprintf(AT(header_size));
		return f + strprintf(": expected %u, found %u", PD_HEADER_SIZE,
				     h.header_size);
	case PD_HDR_BAD_ENDIAN:
		f = strprintf(AT(endian));
		return f + strprintf(": expected 0x%08x, found 0x%08x",
				     PD_ENDIAN_MARK, h.endian);
	case PD_HDR_BAD_CRC:
		f = strprintf(AT(header_crc32c));
		return f + strprintf(": expected 0x%08x (computed), found 0x%08x",
				     pd_crc32c(0, &h, offsetof(struct pd_header,
							       header_crc32c)),
				     h.header_crc32c);
	case PD_HDR_BAD_STATE:
		f = strprintf(AT(state));
		return f + strprintf(": expected 0..%u (empty..saved), found %u",
				     PD_STATE_SAVED, h.state);
	case PD_HDR_BAD_FEATURES:
		f = strprintf(AT(incompat_features));
		return f + strprintf(": expected 0 (no feature this reader lacks), found 0x%llx",
				     (unsigned long long)h.incompat_features);
	case PD_HDR_BAD_AREA:
		f = strprintf(AT(area_size));
		if (area_size)
			return f + strprintf(": expected 0x%llx (the area), found 0x%llx",
					     (unsigned long long)area_size,
					     (unsigned long long)h.area_size);
		return f + strprintf(": expected a multiple of 4096 of at least 4 MiB, found 0x%llx",
				     (unsigned long long)h.area_size);
	case PD_HDR_BAD_SECTION:
		if (bad_section < 0) {
			f = strprintf(AT(nr_sections));
			return f + strprintf(": expected at most %u, found %u",
					     PD_MAX_SECTIONS, h.nr_sections);
		}
		return section_error(h, bad_section);
	}
#undef AT
	return pd_header_error_str(err);
}

std::string HeaderCopy::describe_error(uint64_t area_size) const
{
	return strprintf("%s header@0x%llx: ", name, (unsigned long long)offset) +
	       describe_header_error(h, err, bad_section, area_size);
}

static HeaderCopy read_copy(const DumpArea &area, const char *name,
			    uint64_t offset, uint64_t check_area_size)
{
	HeaderCopy c;

	c.name = name;
	c.offset = offset;
	area.read(&c.h, sizeof(c.h), offset);
	const auto *bytes = reinterpret_cast<const uint8_t *>(&c.h);
	c.blank = std::all_of(bytes, bytes + sizeof(c.h),
			      [](uint8_t b) { return b == 0; });
	c.err = pd_header_check(&c.h, check_area_size, &c.bad_section);
	return c;
}

HeaderPair read_headers(const DumpArea &area, uint64_t check_area_size)
{
	uint64_t size = area.area_size();

	if (size < PD_MIN_AREA_SIZE)
		throw Error(strprintf("%s: too small for a dump area (%llu bytes, need at least %llu)",
				      area.path().c_str(), (unsigned long long)size,
				      (unsigned long long)PD_MIN_AREA_SIZE));
	HeaderPair p;
	p.primary = read_copy(area, "primary", 0, check_area_size);
	p.trailer = read_copy(area, "trailing", pd_trailer_offset(size),
			      check_area_size);
	return p;
}

const HeaderCopy *HeaderPair::best() const
{
	if (primary.valid() && trailer.valid())
		return pd_header_pick(&primary.h, &trailer.h) ? &trailer : &primary;
	if (primary.valid())
		return &primary;
	if (trailer.valid())
		return &trailer;
	return nullptr;
}

uint64_t HeaderPair::next_sequence() const
{
	return pd_header_next_sequence(primary.valid() ? &primary.h : nullptr,
				       trailer.valid() ? &trailer.h : nullptr);
}

void write_headers(DumpArea &area, const struct pd_header &h)
{
	if (h.area_size != area.area_size())
		throw Error(strprintf("%s: header area_size 0x%llx does not match the area (0x%llx)",
				      area.path().c_str(),
				      (unsigned long long)h.area_size,
				      (unsigned long long)area.area_size()));

	std::vector<uint8_t> block(PD_BLOCK_SIZE);

	for (unsigned int i = 0; i < pd_header_nr_copies(&h); i++) {
		enum pd_header_copy copy = pd_header_copy_at(&h, i);
		uint64_t off = pd_header_copy_offset(&h, copy);

		// Over what is there now, which a swap primary keeps past the
		// header; given the old block, composing cannot fail.
		area.read(block.data(), block.size(), off);
		pd_header_block_compose(block.data(), &h, copy, block.data());
		area.write(block.data(), block.size(), off);
		// The page cache does not keep the order: the primary must be
		// on the device before the trailing copy changes.
		area.sync();
	}
}

} // namespace pd

// SPDX-License-Identifier: GPL-2.0
// The dump area on a block device or in an image file of one: its size,
// positioned I/O and the two copies of the pd_header (offset 0 and
// pd_trailer_offset()).
#pragma once

#include <cstdint>
#include <string>

#include "common/file_util.h"
#include "pd_format.h"
#include "pd_header_write.h"

namespace pd {

enum class OpenMode {
	ReadOnly,
	ReadWrite,
};

class DumpArea {
public:
	// A block device node or a regular file (an image of the device).
	static DumpArea open(const std::string &path, OpenMode mode);

	const std::string &path() const { return path_; }
	bool is_block_device() const { return is_blockdev_; }
	uint64_t device_size() const { return device_size_; }
	// The device size rounded down to PD_BLOCK_SIZE.
	uint64_t area_size() const { return device_size_ & ~uint64_t(PD_BLOCK_SIZE - 1); }

	void read(void *buf, size_t len, uint64_t off) const;
	void write(const void *buf, size_t len, uint64_t off);
	void sync();
	int fd() const { return fd_.get(); }

private:
	DumpArea(std::string path, UniqueFd fd, bool blk, uint64_t size)
		: path_(std::move(path)), fd_(std::move(fd)),
		  is_blockdev_(blk), device_size_(size) {}

	std::string path_;
	UniqueFd fd_;
	bool is_blockdev_;
	uint64_t device_size_;
};

// One copy of the header as read, and whether pd_header_check() liked it.
struct HeaderCopy {
	const char *name = "";		// "primary" or "trailing"
	uint64_t offset = 0;		// in the area
	struct pd_header h = {};
	enum pd_header_error err = PD_HDR_OK;
	int bad_section = -1;
	bool blank = false;		// all zero: never written

	bool valid() const { return err == PD_HDR_OK; }
	// "primary header@0x0: version at +8: expected 1, found 7"
	std::string describe_error(uint64_t area_size) const;
};

struct HeaderPair {
	HeaderCopy primary;
	HeaderCopy trailer;

	// The current valid copy (pd_header_pick(): of one arm the higher
	// sequence, the primary on a tie; of two arms the primary); nullptr
	// when neither is valid.
	const HeaderCopy *best() const;
	bool both_blank() const { return primary.blank && trailer.blank; }
	// pd_header_next_sequence() of the valid copies.
	uint64_t next_sequence() const;
};

// Reads and checks both copies. check_area_size 0 skips the match of
// pd_header.area_size against the area (pd_header_check's convention).
HeaderPair read_headers(const DumpArea &area, uint64_t check_area_size);

// Writes h as formats/pd_header_write.h says: its copies in order, the
// primary first, each a block from pd_header_block_compose() (on a swap
// area the primary's keeps the swap header), each fsynced before the
// next. The caller sets h.sequence (HeaderPair::next_sequence()) and
// seals h.
void write_headers(DumpArea &area, const struct pd_header &h);

// Names the field pd_header_check() objected to, with its offset in the
// header and the expected and found values.
std::string describe_header_error(const struct pd_header &h,
				  enum pd_header_error err, int bad_section,
				  uint64_t area_size);

// pd_header_section() for a const header.
const struct pd_section *find_section(const struct pd_header &h, uint32_t type);

// A printable rendering of fixed-size, possibly unterminated text.
std::string printable(const char *s, size_t max);

} // namespace pd

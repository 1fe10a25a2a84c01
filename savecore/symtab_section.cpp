// SPDX-License-Identifier: GPL-2.0
#include "savecore/symtab_section.h"

#include <algorithm>
#include <cstring>

#include "common/dump_area.h"
#include "common/error.h"
#include "crc32c.h"

namespace pd {

namespace {

std::string hex_bytes(const uint8_t *p, size_t n)
{
	std::string s;

	for (size_t i = 0; i < n; i++)
		s += strprintf("%02x", p[i]);
	return s;
}

#define BLK_AT(f) #f, offsetof(struct pd_symtab_block, f)

class SymtabReader {
public:
	SymtabReader(const DumpArea &area, const struct pd_header &h)
		: area_(area), h_(h),
		  block_off_(pd_symtab_block_offset(area.area_size())) {}

	SymtabResult run();

private:
	SymtabResult fail(const std::string &what, bool warn = true) const
	{
		SymtabResult r;
		r.problem = what;
		r.warn = warn;
		return r;
	}
	std::string where() const
	{
		return strprintf("%s: symbol table block@0x%llx: ", area_.path().c_str(),
				 (unsigned long long)block_off_);
	}
	std::string field(const char *name, size_t off, const std::string &expected,
			  const std::string &found) const
	{
		return where() + strprintf("%s at +%zu: expected %s, found %s", name, off,
					   expected.c_str(), found.c_str());
	}
	std::string check_block(const struct pd_symtab_block &b) const;

	const DumpArea &area_;
	const struct pd_header &h_;
	uint64_t block_off_;
};

std::string SymtabReader::check_block(const struct pd_symtab_block &b) const
{
	auto hex = [](uint64_t v) { return strprintf("0x%llx", (unsigned long long)v); };
	uint64_t end = pd_trailer_offset(area_.area_size());

	if (b.version != PD_SYMTAB_VERSION)
		return field(BLK_AT(version), std::to_string(PD_SYMTAB_VERSION),
			     std::to_string(b.version));
	if (b.block_size != PD_SYMTAB_BLOCK_SIZE)
		return field(BLK_AT(block_size), std::to_string(PD_SYMTAB_BLOCK_SIZE),
			     std::to_string(b.block_size));
	uint32_t crc = pd_crc32c(0, &b, offsetof(struct pd_symtab_block, block_crc32c));
	if (crc != b.block_crc32c)
		return field(BLK_AT(block_crc32c), strprintf("0x%08x (computed)", crc),
			     strprintf("0x%08x", b.block_crc32c));
	if (std::memcmp(b.nonce, h_.nonce, sizeof(b.nonce)))
		return field(BLK_AT(nonce), hex_bytes(h_.nonce, sizeof(h_.nonce)) +
			     " (the dump header's: the same arm)",
			     hex_bytes(b.nonce, sizeof(b.nonce)) + " (a table from another arm)");
	if (b.capacity < 2 * PD_BLOCK_SIZE || b.capacity % PD_BLOCK_SIZE ||
	    b.capacity > end - PD_KDUMP_OFFSET)
		return field(BLK_AT(capacity),
			     "a multiple of 4096 from 8192 to " + hex(end - PD_KDUMP_OFFSET),
			     hex(b.capacity));
	if (b.offset != end - b.capacity)
		return field(BLK_AT(offset), hex(end - b.capacity) +
			     " (capacity before the trailing header)", hex(b.offset));
	if (b.length > b.capacity - PD_BLOCK_SIZE)
		return field(BLK_AT(length), "at most " + hex(b.capacity - PD_BLOCK_SIZE) +
			     " (the capacity less this block)", hex(b.length));
	return "";
}

SymtabResult SymtabReader::run()
{
	const struct pd_section *sec = find_section(h_, PD_SECT_SYMTAB);
	const struct pd_section *kd = find_section(h_, PD_SECT_KDUMP);
	uint64_t kd_end = kd ? kd->offset + kd->length : 0;
	struct pd_symtab_block b;

	area_.read(&b, sizeof(b), block_off_);
	if (std::memcmp(b.magic, PD_SYMTAB_MAGIC, PD_MAGIC_LEN)) {
		std::string found = "\"" + printable(b.magic, PD_MAGIC_LEN) + "\"";
		const auto *bytes = reinterpret_cast<const uint8_t *>(&b);
		if (std::all_of(bytes, bytes + sizeof(b), [](uint8_t c) { return c == 0; }))
			found = "a blank block";
		if (kd_end > block_off_)
			return fail(where() + strprintf("covered by the kdump image (it ends at 0x%llx): no symbol table",
							(unsigned long long)kd_end),
				    sec != nullptr);
		if (sec)
			return fail(field(BLK_AT(magic), "\"" PD_SYMTAB_MAGIC "\" (the header lists a SYMTAB section)",
					  found));
		return fail("no symbol table (dumpadm armed without one)", false);
	}
	if (std::string e = check_block(b); !e.empty())
		return fail(e);

	if (sec && (sec->offset != b.offset || sec->capacity != b.capacity ||
		    (sec->length && (sec->length != b.length || sec->crc32c != b.text_crc32c))))
		return fail(strprintf("%s: SYMTAB section (offset 0x%llx, capacity 0x%llx, length 0x%llx, crc32c 0x%08x): "
				      "expected to match its block@0x%llx (offset 0x%llx, capacity 0x%llx, length 0x%llx, crc32c 0x%08x)",
				      area_.path().c_str(), (unsigned long long)sec->offset,
				      (unsigned long long)sec->capacity,
				      (unsigned long long)sec->length, sec->crc32c,
				      (unsigned long long)block_off_, (unsigned long long)b.offset,
				      (unsigned long long)b.capacity, (unsigned long long)b.length,
				      b.text_crc32c));
	if (kd_end > b.offset)
		return fail(strprintf("%s: symbol table@0x%llx: the kdump image (to 0x%llx) overwrote it; "
				      "the capture module did not reserve it (pd_header_add_symtab)",
				      area_.path().c_str(), (unsigned long long)b.offset,
				      (unsigned long long)kd_end));

	SymtabResult r;
	r.offset = b.offset;
	r.text.resize(b.length);
	area_.read(r.text.data(), r.text.size(), b.offset);
	uint32_t crc = pd_crc32c(0, r.text.data(), r.text.size());
	if (crc != b.text_crc32c)
		return fail(strprintf("%s: symbol table@0x%llx (0x%llx bytes): crc32c: expected 0x%08x (block@0x%llx text_crc32c at +%zu), found 0x%08x",
				      area_.path().c_str(), (unsigned long long)b.offset,
				      (unsigned long long)b.length, b.text_crc32c,
				      (unsigned long long)block_off_,
				      offsetof(struct pd_symtab_block, text_crc32c), crc));
	r.ok = true;
	r.nr_symbols = b.nr_symbols;
	return r;
}

} // namespace

SymtabResult read_symtab(const DumpArea &area, const struct pd_header &h)
{
	if (area.area_size() < PD_MIN_AREA_SIZE)
		return { false, {}, 0, 0, "no symbol table (area too small)", false };
	return SymtabReader(area, h).run();
}

} // namespace pd

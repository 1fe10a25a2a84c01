// SPDX-License-Identifier: GPL-2.0 OR MIT
/* Pure functions over the on-device header: layout, sealing, checking. */
#include "pd_format.h"
#include "crc32c.h"

void pd_header_init(struct pd_header *h, uint64_t area_size)
{
	struct pd_section *s;

	memset(h, 0, sizeof(*h));
	memcpy(h->magic, PD_MAGIC, PD_MAGIC_LEN);
	h->version = PD_VERSION;
	h->header_size = PD_HEADER_SIZE;
	h->endian = PD_ENDIAN_MARK;
	h->state = PD_STATE_ARMED;
	h->area_size = area_size;
	h->nr_sections = 2;

	s = &h->sections[0];
	s->type = PD_SECT_LOG;
	s->offset = PD_LOG_OFFSET;
	s->capacity = PD_KDUMP_OFFSET - PD_LOG_OFFSET;

	s = &h->sections[1];
	s->type = PD_SECT_KDUMP;
	s->offset = PD_KDUMP_OFFSET;
	s->capacity = area_size > PD_KDUMP_OFFSET + PD_BLOCK_SIZE ?
		      pd_trailer_offset(area_size) - PD_KDUMP_OFFSET : 0;
}

void pd_header_seal(struct pd_header *h)
{
	h->header_crc32c = pd_crc32c(0, h, offsetof(struct pd_header,
						     header_crc32c));
}

struct pd_section *pd_header_section(struct pd_header *h, uint32_t type)
{
	uint32_t i;

	for (i = 0; i < h->nr_sections && i < PD_MAX_SECTIONS; i++)
		if (h->sections[i].type == type)
			return &h->sections[i];
	return NULL;
}

static int pd_section_ok(const struct pd_section *s, uint64_t area_size)
{
	uint64_t data_end = area_size ? pd_trailer_offset(area_size) : ~0ULL;

	if (s->type == PD_SECT_NONE || s->type > PD_SECT_KEYBLOCK)
		return 0;
	if (s->offset < PD_BLOCK_SIZE || s->offset % PD_SECTOR_SIZE)
		return 0;
	if (s->capacity > data_end || s->offset > data_end - s->capacity)
		return 0;
	return s->length <= s->capacity;
}

enum pd_header_error pd_header_check(const struct pd_header *h,
				      uint64_t area_size, int *bad_section)
{
	uint32_t i;

	*bad_section = -1;
	if (memcmp(h->magic, PD_MAGIC, PD_MAGIC_LEN))
		return PD_HDR_BAD_MAGIC;
	if (h->version != PD_VERSION)
		return PD_HDR_BAD_VERSION;
	if (h->header_size != PD_HEADER_SIZE)
		return PD_HDR_BAD_SIZE;
	if (h->endian != PD_ENDIAN_MARK)
		return PD_HDR_BAD_ENDIAN;
	if (h->header_crc32c !=
	    pd_crc32c(0, h, offsetof(struct pd_header, header_crc32c)))
		return PD_HDR_BAD_CRC;
	if (h->state > PD_STATE_SAVED)
		return PD_HDR_BAD_STATE;
	if (h->incompat_features)
		return PD_HDR_BAD_FEATURES;
	if (h->area_size < PD_MIN_AREA_SIZE || h->area_size % PD_BLOCK_SIZE ||
	    (area_size && h->area_size != area_size))
		return PD_HDR_BAD_AREA;
	if (h->nr_sections > PD_MAX_SECTIONS)
		return PD_HDR_BAD_SECTION;
	for (i = 0; i < h->nr_sections; i++) {
		if (!pd_section_ok(&h->sections[i], h->area_size)) {
			*bad_section = (int)i;
			return PD_HDR_BAD_SECTION;
		}
	}
	return PD_HDR_OK;
}

int pd_header_add_symtab(struct pd_header *h, uint64_t capacity)
{
	struct pd_section *k = pd_header_section(h, PD_SECT_KDUMP);
	struct pd_section *s;
	uint64_t end;

	if (!k || pd_header_section(h, PD_SECT_SYMTAB) ||
	    h->nr_sections >= PD_MAX_SECTIONS || h->area_size < PD_BLOCK_SIZE)
		return -1;
	end = pd_trailer_offset(h->area_size);
	if (capacity < 2 * PD_BLOCK_SIZE || capacity % PD_BLOCK_SIZE)
		return -1;
	if (k->offset > end || k->capacity != end - k->offset ||
	    k->capacity < PD_SYMTAB_MIN_KDUMP ||
	    capacity > k->capacity - PD_SYMTAB_MIN_KDUMP)
		return -1;
	k->capacity -= capacity;
	s = &h->sections[h->nr_sections++];
	memset(s, 0, sizeof(*s));
	s->type = PD_SECT_SYMTAB;
	s->offset = end - capacity;
	s->capacity = capacity;
	return 0;
}

int pd_compression_level_ok(uint32_t compression, int32_t level)
{
	switch (compression) {
	case PD_COMPRESS_ZSTD:
		return level >= PD_ZSTD_LEVEL_MIN && level <= PD_ZSTD_LEVEL_MAX;
	case PD_COMPRESS_LZO:
	case PD_COMPRESS_NONE:
		return 1;
	}
	return 0;
}

void pd_symtab_block_seal(struct pd_symtab_block *b)
{
	b->block_crc32c = pd_crc32c(0, b, offsetof(struct pd_symtab_block,
						   block_crc32c));
}

const char *pd_header_error_str(enum pd_header_error e)
{
	switch (e) {
	case PD_HDR_OK:
		return "ok";
	case PD_HDR_BAD_MAGIC:
		return "magic is not \"" PD_MAGIC "\"";
	case PD_HDR_BAD_VERSION:
		return "unsupported version (expected 1)";
	case PD_HDR_BAD_SIZE:
		return "header_size is not 1024";
	case PD_HDR_BAD_ENDIAN:
		return "endian mark is not 0x01020304";
	case PD_HDR_BAD_CRC:
		return "header_crc32c does not match the header bytes";
	case PD_HDR_BAD_STATE:
		return "state is not one of empty/armed/dumping/complete/saved";
	case PD_HDR_BAD_FEATURES:
		return "unknown incompat_features bits";
	case PD_HDR_BAD_AREA:
		return "area_size is not a multiple of 4096 of at least 4 MiB matching the device";
	case PD_HDR_BAD_SECTION:
		return "a section lies outside the area or overflows its capacity";
	}
	return "unknown error";
}

const char *pd_state_str(uint32_t state)
{
	switch (state) {
	case PD_STATE_EMPTY:
		return "empty";
	case PD_STATE_ARMED:
		return "armed";
	case PD_STATE_DUMPING:
		return "dumping";
	case PD_STATE_COMPLETE:
		return "complete";
	case PD_STATE_SAVED:
		return "saved";
	}
	return "invalid";
}

const char *pd_dump_error_kind_str(uint32_t kind)
{
	switch (kind) {
	case PD_ERR_NONE:
		return "no error";
	case PD_ERR_IO:
		return "I/O error";
	case PD_ERR_TIMEOUT:
		return "controller timeout";
	case PD_ERR_NOSPC:
		return "out of space";
	case PD_ERR_NOT_OURS:
		return "device not ours";
	case PD_ERR_FAULT:
		return "fault";
	case PD_ERR_INVAL:
		return "invalid request";
	}
	return "unknown error kind";
}

const char *pd_dump_stage_str(uint32_t stage)
{
	switch (stage) {
	case PD_STAGE_NONE:
		return "during the dump";
	case PD_STAGE_TAKEOVER:
		return "while taking over the controller";
	case PD_STAGE_IDENTITY:
		return "while reading back the armed header";
	case PD_STAGE_LOG:
		return "while writing the log";
	case PD_STAGE_HEADER:
		return "while writing a header copy";
	case PD_STAGE_IMAGE:
		return "while writing the image metadata";
	case PD_STAGE_ROUND:
		return "while writing the image";
	}
	return "at unknown stage";
}

/*
 * A bounded string builder for pd_dump_error_format(): counts every
 * character it is given, stores those that fit before the NUL.
 */
struct pd_strbuf {
	char *buf;
	size_t size;
	size_t len;
};

static void pd_put_char(struct pd_strbuf *b, char c)
{
	if (b->len + 1 < b->size)
		b->buf[b->len] = c;
	b->len++;
}

static void pd_put_str(struct pd_strbuf *b, const char *s)
{
	while (*s)
		pd_put_char(b, *s++);
}

static void pd_put_u64(struct pd_strbuf *b, uint64_t v, unsigned int base)
{
	char digits[20];	/* 2^64 - 1 has 20 decimal digits */
	int n = 0;

	do {
		digits[n++] = "0123456789abcdef"[v % base];
		v /= base;
	} while (v);
	while (n)
		pd_put_char(b, digits[--n]);
}

static void pd_put_s32(struct pd_strbuf *b, int32_t v)
{
	/* Widened first, so that INT32_MIN negates. */
	int64_t w = v;

	if (w < 0) {
		pd_put_char(b, '-');
		w = -w;
	}
	pd_put_u64(b, (uint64_t)w, 10);
}

static int pd_kind_known(uint32_t kind)
{
	return kind <= PD_ERR_INVAL;
}

static int pd_stage_known(uint32_t stage)
{
	return stage <= PD_STAGE_ROUND;
}

size_t pd_dump_error_format(char *buf, size_t size,
			    const struct pd_dump_error *e)
{
	struct pd_strbuf b = { buf, size, 0 };
	int io = e->kind == PD_ERR_IO;

	pd_put_str(&b, pd_dump_error_kind_str(e->kind));
	if (!pd_kind_known(e->kind)) {
		pd_put_char(&b, ' ');
		pd_put_u64(&b, e->kind, 10);
	}
	if (e->kind == PD_ERR_NONE)
		goto out;
	pd_put_char(&b, ' ');
	pd_put_str(&b, pd_dump_stage_str(e->stage));
	if (!pd_stage_known(e->stage)) {
		pd_put_char(&b, ' ');
		pd_put_u64(&b, e->stage, 10);
	}
	if (e->stage == PD_STAGE_ROUND) {
		pd_put_str(&b, " (round ");
		pd_put_u64(&b, e->round, 10);
		pd_put_char(&b, ')');
	}
	/* Sector 0 is a real sector (the area may start the disk). */
	if (io || e->kind == PD_ERR_TIMEOUT || e->sector) {
		pd_put_str(&b, " at sector ");
		pd_put_u64(&b, e->sector, 10);
	}
	/* For an I/O error, status 0 says the controller reported none. */
	if (io || e->status) {
		pd_put_str(&b, ", status 0x");
		pd_put_u64(&b, e->status, 16);
	}
	if (e->err) {
		pd_put_str(&b, ", errno ");
		pd_put_s32(&b, e->err);
	}
	if (e->pages || e->stage == PD_STAGE_ROUND) {
		pd_put_str(&b, ", after ");
		pd_put_u64(&b, e->pages, 10);
		pd_put_str(&b, e->pages == 1 ? " page" : " pages");
	}
out:
	if (size)
		buf[b.len < size ? b.len : size - 1] = '\0';
	return b.len;
}

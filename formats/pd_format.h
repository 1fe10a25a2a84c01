/* SPDX-License-Identifier: GPL-2.0 OR MIT */
/*
 * panicdump on-device format: the dump area (a whole disk or a partition)
 * as the capture module writes it and savecore reads it. FORMAT.md in this
 * folder is the prose description; keep the two in step.
 */
#ifndef PD_FORMAT_H
#define PD_FORMAT_H

#include "pd_compat.h"

PD_EXTERN_C_BEGIN

#define PD_MAGIC		"PANICDMP"
#define PD_MAGIC_LEN		8
#define PD_VERSION		1
#define PD_ENDIAN_MARK		0x01020304U
#define PD_BLOCK_SIZE		4096U
#define PD_SECTOR_SIZE		512U
#define PD_HEADER_SIZE		1024U
#define PD_MAX_SECTIONS		8U

/* The log section starts after the leading header block. */
#define PD_LOG_OFFSET		PD_BLOCK_SIZE
/* The kdump image starts at 2 MiB, leaving the log 2 MiB - 4 KiB. */
#define PD_KDUMP_OFFSET		(2ULL << 20)
/* Smallest area worth arming: header, log, some image, trailing header. */
#define PD_MIN_AREA_SIZE	(4ULL << 20)

enum pd_state {
	PD_STATE_EMPTY = 0,	/* never armed, or cleared */
	PD_STATE_ARMED = 1,	/* waiting for a panic */
	PD_STATE_DUMPING = 2,	/* the module started writing */
	PD_STATE_COMPLETE = 3,	/* the module finished writing */
	PD_STATE_SAVED = 4,	/* savecore wrote it out and fsync'ed it */
};

enum pd_section_type {
	PD_SECT_NONE = 0,
	PD_SECT_LOG = 1,	/* kernel log text, oldest line first */
	PD_SECT_KDUMP = 2,	/* kdump-compressed vmcore, ready to copy */
	PD_SECT_SYMTAB = 3,	/* System.map-style runtime symbol table */
	PD_SECT_KEYBLOCK = 4,	/* reserved: wrapped key for encrypted dumps */
};

/* pd_section.flags */
#define PD_SECT_F_TRUNCATED	(1U << 0)	/* did not fit its capacity */
#define PD_SECT_F_ENCRYPTED	(1U << 1)	/* reserved */

/*
 * pd_header.compat_features. SWAP: the area is an active swap partition
 * (dumpadm -d swap). Until the panic the kernel may use every swap slot,
 * so at arm time only the header's 1024 bytes at offset 0 are written
 * (the boot-block space of the kernel's union swap_header, whose
 * info.version starts at byte 1024): no trailing copy, no SYMTAB section
 * nor descriptor block. Every writer of the leading header on such an
 * area changes bytes 0..1023 only, leaving the swap header (bytes
 * 1024..4095, "SWAPSPACE2" at 4086) as it was, so that swapon works
 * again after savecore (pd_header_block_compose()). The module writes
 * the trailing copy at panic (pd_header_nr_copies()).
 */
#define PD_COMPAT_SWAP		(1ULL << 0)

/*
 * pd_header.compat_features. ERROR: the module that wrote this header
 * fills pd_header.error (struct pd_dump_error) with the first error of
 * the dump, if any. Readers that do not know the bit ignore the field,
 * which older modules leave zero.
 */
#define PD_COMPAT_ERROR		(1ULL << 1)

/* The swap header page (x86-64: PAGE_SIZE = PD_BLOCK_SIZE). */
#define PD_SWAP_BOOTBITS	1024U	/* union swap_header.info.bootbits */
#define PD_SWAP_MAGIC		"SWAPSPACE2"
#define PD_SWAP_MAGIC_LEN	10
#define PD_SWAP_MAGIC_OFFSET	(PD_BLOCK_SIZE - PD_SWAP_MAGIC_LEN)

/* pd_header.dump_flags */
#define PD_DUMP_F_INCOMPLETE	(1U << 0)	/* the kdump image was cut short */

enum pd_content {
	PD_CONTENT_KERNEL = 0,
	PD_CONTENT_ALL = 1,
	PD_CONTENT_CURPROC = 2,
};

enum pd_compression {
	PD_COMPRESS_ZSTD = 0,
	PD_COMPRESS_LZO = 1,
	PD_COMPRESS_NONE = 2,
};

/*
 * pd_header.compression_level for zstd: its standard levels, the one
 * range that dumpadm, dumpadm.conf and the module check (zstd's negative
 * "fast" levels are not offered). LZO and none have no levels.
 */
#define PD_ZSTD_LEVEL_MIN	1
#define PD_ZSTD_LEVEL_MAX	22

/*
 * 1 when level is valid for compression: within the zstd bounds for
 * zstd, anything for LZO and none (which ignore it); 0 otherwise, and
 * for a compression this code does not know.
 */
int pd_compression_level_ok(uint32_t compression, int32_t level);

struct pd_section {
	uint32_t type;		/* enum pd_section_type */
	uint32_t flags;		/* PD_SECT_F_* */
	uint64_t offset;	/* bytes from the start of the area */
	uint64_t capacity;	/* bytes reserved for it */
	uint64_t length;	/* bytes written */
	uint32_t crc32c;	/* over the written bytes; 0 for the image */
	uint32_t reserved;
};
PD_STATIC_ASSERT(sizeof(struct pd_section) == 40, "pd_section size");

/* Where in the dump an error happened (pd_dump_error.stage). */
enum pd_dump_stage {
	PD_STAGE_NONE = 0,
	PD_STAGE_TAKEOVER = 1,	/* resetting the controller, setting up queues */
	PD_STAGE_IDENTITY = 2,	/* reading back the armed header's nonce */
	PD_STAGE_LOG = 3,	/* writing the LOG section */
	PD_STAGE_HEADER = 4,	/* writing a header copy */
	PD_STAGE_IMAGE = 5,	/* the image's metadata: kdump header, bitmaps */
	PD_STAGE_ROUND = 6,	/* the image's pages, round pd_dump_error.round */
};

/* What went wrong (pd_dump_error.kind). */
enum pd_dump_error_kind {
	PD_ERR_NONE = 0,
	PD_ERR_IO = 1,		/* the device failed a request (status) */
	PD_ERR_TIMEOUT = 2,	/* the device did not complete in time */
	PD_ERR_NOSPC = 3,	/* the area was full */
	PD_ERR_NOT_OURS = 4,	/* the device lacks the armed header's nonce */
	PD_ERR_FAULT = 5,	/* an oops inside the dump */
	PD_ERR_INVAL = 6,	/* a request the writer refused (a bug) */
};

/*
 * The first error of a dump, set where it happened; later errors never
 * overwrite it. sector is the disk sector (512-byte units) of the failed
 * request, pages the number of pages stored when it happened.
 */
struct pd_dump_error {
	uint32_t kind;		/* enum pd_dump_error_kind */
	uint32_t stage;		/* enum pd_dump_stage */
	uint32_t round;		/* image round, 1-based, for PD_STAGE_ROUND */
	int32_t err;		/* negative errno */
	uint32_t status;	/* controller status (NVMe SCT/SC, virtio, AHCI TFD) */
	uint32_t reserved;
	uint64_t sector;	/* PD_ERR_IO, PD_ERR_TIMEOUT: the request's */
	uint64_t pages;		/* pages stored when it happened */
};
PD_STATIC_ASSERT(sizeof(struct pd_dump_error) == 40, "pd_dump_error size");

struct pd_header {
	char magic[PD_MAGIC_LEN];	/* PD_MAGIC, no NUL */
	uint32_t version;		/* PD_VERSION */
	uint32_t header_size;		/* PD_HEADER_SIZE */
	uint32_t endian;		/* PD_ENDIAN_MARK */
	uint32_t state;			/* enum pd_state */
	uint64_t compat_features;	/* readers may ignore unknown bits */
	uint64_t incompat_features;	/* readers must refuse unknown bits */
	uint32_t dump_flags;		/* PD_DUMP_F_* */
	uint32_t nr_sections;		/* used entries of sections[] */
	uint8_t nonce[16];		/* random, chosen at each arm */
	uint8_t boot_id[16];		/* /proc/sys/kernel/random/boot_id */
	uint64_t area_size;		/* bytes, multiple of PD_BLOCK_SIZE */
	uint64_t sequence;		/* bumped at each write of the header */
	uint64_t arm_time;		/* seconds since the epoch */
	uint64_t crash_time;		/* seconds since the epoch */
	uint64_t dump_msecs;		/* panic notifier start to last write */
	uint32_t content;		/* enum pd_content */
	uint32_t compression;		/* enum pd_compression */
	int32_t compression_level;
	uint32_t nr_cpus;		/* PRSTATUS notes in the image */
	uint32_t panic_cpu;
	uint32_t reserved0;
	uint64_t ram_pages;		/* RAM pages the kernel had */
	uint64_t dumped_pages;		/* pages with a desc in the image */
	uint64_t zero_pages;		/* of those, all-zero pages */
	uint64_t skipped_pages;		/* unreadable pages left out */
	uint64_t image_bytes;		/* bytes written to the image */
	char release[65];		/* utsname release, NUL-terminated */
	char reserved1[7];
	char panic_string[256];		/* NUL-terminated */
	struct pd_section sections[PD_MAX_SECTIONS];
	struct pd_dump_error error;	/* PD_COMPAT_ERROR */
	uint8_t reserved2[148];
	uint32_t header_crc32c;		/* over every byte before it */
};
PD_STATIC_ASSERT(sizeof(struct pd_header) == PD_HEADER_SIZE, "pd_header size");

/*
 * The header's error record, or NULL when it has none: the module did not
 * set PD_COMPAT_ERROR (an older module; the bytes are not a record), or
 * the record says PD_ERR_NONE.
 */
static inline const struct pd_dump_error *
pd_header_dump_error(const struct pd_header *h)
{
	if (!(h->compat_features & PD_COMPAT_ERROR) || h->error.kind == PD_ERR_NONE)
		return NULL;
	return &h->error;
}

/* Fills a fresh ARMED header with the standard layout for an area. */
void pd_header_init(struct pd_header *h, uint64_t area_size);

/* Recomputes header_crc32c. */
void pd_header_seal(struct pd_header *h);

/*
 * Where the trailing copy of the header lives. On a SWAP area it is only
 * written from the panic on; readers pick between the two copies with
 * pd_header_pick().
 */
static inline uint64_t pd_trailer_offset(uint64_t area_size)
{
	return area_size - PD_BLOCK_SIZE;
}

/*
 * Which of two valid copies is current: 0 the primary, 1 the trailing.
 * Copies of one arm (same nonce) compare by sequence, the primary on a
 * tie. Copies of different arms: the primary, which every writer writes
 * first (on a SWAP area the trailing copy may be a previous arm's, or
 * swap data).
 */
static inline int pd_header_pick(const struct pd_header *primary,
				 const struct pd_header *trailer)
{
	if (memcmp(primary->nonce, trailer->nonce, sizeof(primary->nonce)))
		return 0;
	return trailer->sequence > primary->sequence;
}

/* Finds a section of a type, or NULL. */
struct pd_section *pd_header_section(struct pd_header *h, uint32_t type);

/* Reasons pd_header_check() rejects a header; stable for error messages. */
enum pd_header_error {
	PD_HDR_OK = 0,
	PD_HDR_BAD_MAGIC,
	PD_HDR_BAD_VERSION,
	PD_HDR_BAD_SIZE,
	PD_HDR_BAD_ENDIAN,
	PD_HDR_BAD_CRC,
	PD_HDR_BAD_STATE,
	PD_HDR_BAD_FEATURES,
	PD_HDR_BAD_AREA,
	PD_HDR_BAD_SECTION,
};

/*
 * Validates a header read from an area of area_size bytes (0: unknown).
 * On error, *bad_section is the index of a bad section, else -1.
 *
 * The error record is not checked: it is a diagnosis, and one that makes
 * no sense (an unknown kind or stage, fields its kind does not use, bytes
 * without PD_COMPAT_ERROR) must never cost the dump it describes. Readers
 * take it through pd_header_dump_error() and pd_dump_error_format(),
 * which cope with any value.
 */
enum pd_header_error pd_header_check(const struct pd_header *h,
				      uint64_t area_size, int *bad_section);

const char *pd_header_error_str(enum pd_header_error e);
const char *pd_state_str(uint32_t state);

/*
 * The words for an error record, shared by the module's console line and
 * savecore's info.N so that both say the same thing.
 *
 * pd_dump_error_kind_str(): "I/O error", "controller timeout", "out of
 * space", "device not ours", "fault", "invalid request"; "no error" for
 * PD_ERR_NONE; "unknown error kind" for any other value (the formatter
 * adds the number).
 *
 * pd_dump_stage_str(): where, as it follows the kind in a sentence:
 * "during the dump" (PD_STAGE_NONE), "while taking over the controller",
 * "while reading back the armed header", "while writing the log", "while
 * writing a header copy", "while writing the image metadata", "while
 * writing the image" (PD_STAGE_ROUND; the formatter adds the round); "at
 * unknown stage" for any other value (the formatter adds the number).
 */
const char *pd_dump_error_kind_str(uint32_t kind);
const char *pd_dump_stage_str(uint32_t stage);

/*
 * The one-line reason for a record, without libc's printf (the module
 * calls it at panic time), e.g.
 *
 *	I/O error while writing the image (round 2) at sector 123456,
 *	status 0x2, errno -5, after 1200 pages
 *
 * that is: kind, stage, " (round R)" for PD_STAGE_ROUND, " at sector S"
 * for PD_ERR_IO and PD_ERR_TIMEOUT (and any other kind with a nonzero
 * sector), ", status 0xX" for PD_ERR_IO (and any other kind with a
 * nonzero status), ", errno E" when err is nonzero, ", after P pages"
 * when pages is nonzero or the stage is PD_STAGE_ROUND. PD_ERR_NONE is
 * "no error" alone. Any value of any field is formatted, never refused.
 *
 * Like snprintf: writes at most size - 1 characters and a NUL (nothing
 * when size is 0, and buf may then be NULL) and returns the length of the
 * whole reason, so a return of size or more means buf holds a truncated
 * one.
 */
size_t pd_dump_error_format(char *buf, size_t size,
			    const struct pd_dump_error *e);

/*
 * The SYMTAB section: the runtime symbol table (System.map text, sorted
 * by address, KASLR applied, module symbols included) that dumpadm reads
 * from /proc/kallsyms and writes at arm time. It sits at the end of the
 * area, just before the trailing header, and its last block holds a
 * struct pd_symtab_block describing it, so savecore finds it at
 * pd_symtab_block_offset() even in a header that does not list it.
 */
#define PD_SYMTAB_MAGIC		"PDSYMTAB"
#define PD_SYMTAB_VERSION	1
#define PD_SYMTAB_BLOCK_SIZE	256U
/* The least capacity pd_header_add_symtab() leaves the KDUMP section. */
#define PD_SYMTAB_MIN_KDUMP	(1ULL << 20)

struct pd_symtab_block {
	char magic[PD_MAGIC_LEN];	/* PD_SYMTAB_MAGIC, no NUL */
	uint32_t version;		/* PD_SYMTAB_VERSION */
	uint32_t block_size;		/* PD_SYMTAB_BLOCK_SIZE */
	uint64_t offset;		/* area offset of the section and its text */
	uint64_t capacity;		/* section bytes, this block's 4096 included */
	uint64_t length;		/* text bytes at offset */
	uint32_t text_crc32c;		/* over the length text bytes */
	uint32_t nr_symbols;		/* lines of text */
	uint8_t nonce[16];		/* the ARMED header's: ties it to one arm */
	uint8_t boot_id[16];
	uint64_t arm_time;
	char release[65];		/* NUL-terminated */
	char reserved0[7];
	uint8_t reserved1[92];
	uint32_t block_crc32c;		/* over every byte before it */
};
PD_STATIC_ASSERT(sizeof(struct pd_symtab_block) == PD_SYMTAB_BLOCK_SIZE,
		 "pd_symtab_block size");

/* Where the pd_symtab_block lives: the block before the trailing header. */
static inline uint64_t pd_symtab_block_offset(uint64_t area_size)
{
	return pd_trailer_offset(area_size) - PD_BLOCK_SIZE;
}

/*
 * Adds a SYMTAB section of capacity bytes (a multiple of PD_BLOCK_SIZE,
 * at least two blocks) at the end of the area, before the trailing
 * header, and shrinks the KDUMP section by as much. dumpadm calls it
 * after pd_header_init(); the module takes the result whole from the arm
 * request. Returns 0, or -1 (h unchanged) when h has no KDUMP
 * section reaching the trailing header, already has a SYMTAB section, has
 * no free section slot, or would leave KDUMP less than
 * PD_SYMTAB_MIN_KDUMP.
 */
int pd_header_add_symtab(struct pd_header *h, uint64_t capacity);

/* Recomputes block_crc32c. */
void pd_symtab_block_seal(struct pd_symtab_block *b);

PD_EXTERN_C_END

#endif /* PD_FORMAT_H */

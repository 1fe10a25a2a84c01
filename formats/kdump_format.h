/* SPDX-License-Identifier: GPL-2.0 OR MIT */
/*
 * makedumpfile's kdump-compressed format (header_version 6, x86_64), the
 * layout crash, libkdumpfile/drgn and makedumpfile read. Byte offsets are
 * those of makedumpfile's diskdump_mod.h on x86_64.
 */
#ifndef PD_KDUMP_FORMAT_H
#define PD_KDUMP_FORMAT_H

#include "pd_compat.h"

PD_EXTERN_C_BEGIN

#define KDUMP_SIGNATURE		"KDUMP   "
#define KDUMP_SIGNATURE_LEN	8
#define KDUMP_HEADER_VERSION	6
#define KDUMP_BLOCK_SIZE	4096U
#define KDUMP_UTS_LEN		65

/* disk_dump_header.status and page_desc.flags */
#define DUMP_DH_COMPRESSED_ZLIB		0x1U
#define DUMP_DH_COMPRESSED_LZO		0x2U
#define DUMP_DH_COMPRESSED_SNAPPY	0x4U
#define DUMP_DH_COMPRESSED_INCOMPLETE	0x8U
#define DUMP_DH_EXCLUDED_VMEMMAP	0x10U
#define DUMP_DH_COMPRESSED_ZSTD		0x20U

#define KDUMP_NT_PRSTATUS	1U
#define KDUMP_PRSTATUS_SIZE	336U	/* x86_64 struct elf_prstatus */
#define KDUMP_PRSTATUS_PID_OFF	32U
#define KDUMP_PRSTATUS_REG_OFF	112U
#define KDUMP_PRSTATUS_NREGS	27U

struct kdump_timeval {
	int64_t tv_sec;
	int64_t tv_usec;
};

struct kdump_disk_header {
	char signature[KDUMP_SIGNATURE_LEN];
	int32_t header_version;
	char utsname[6][KDUMP_UTS_LEN];	/* sysname nodename release version machine domainname */
	uint8_t pad[6];
	struct kdump_timeval timestamp;
	uint32_t status;
	int32_t block_size;
	int32_t sub_hdr_size;		/* blocks */
	uint32_t bitmap_blocks;		/* both bitmaps */
	uint32_t max_mapnr;		/* obsolete 32-bit copy */
	uint32_t total_ram_blocks;
	uint32_t device_blocks;
	uint32_t written_blocks;
	uint32_t current_cpu;
	int32_t nr_cpus;
};
PD_STATIC_ASSERT(sizeof(struct kdump_disk_header) == 464, "disk_dump_header");

struct kdump_sub_header {
	uint64_t phys_base;
	int32_t dump_level;
	int32_t split;
	uint64_t start_pfn;
	uint64_t end_pfn;
	int64_t offset_vmcoreinfo;	/* absolute offset of the note's text */
	uint64_t size_vmcoreinfo;
	int64_t offset_note;
	uint64_t size_note;
	int64_t offset_eraseinfo;
	uint64_t size_eraseinfo;
	uint64_t start_pfn_64;
	uint64_t end_pfn_64;
	uint64_t max_mapnr_64;
};
PD_STATIC_ASSERT(sizeof(struct kdump_sub_header) == 104, "kdump_sub_header");

struct kdump_page_desc {
	int64_t offset;		/* absolute file offset of the stored page */
	uint32_t size;		/* stored length */
	uint32_t flags;		/* 0 raw, else one DUMP_DH_COMPRESSED_* */
	uint64_t page_flags;
};
PD_STATIC_ASSERT(sizeof(struct kdump_page_desc) == 24, "page_desc");

/* 64 descs fill exactly three 512-byte sectors. */
#define KDUMP_DESCS_PER_SECTOR_GROUP	64U
#define KDUMP_DESC_SECTOR_GROUP_BYTES	1536U

/* Where everything goes in a vmcore file; all offsets from its start. */
struct kdump_layout {
	uint64_t max_mapnr;	/* highest PFN + 1 */
	uint64_t notes_size;	/* whole ELF notes blob */
	uint64_t nr_dumpable;	/* set bits in bitmap 2 = page descs */
	uint32_t sub_hdr_blocks;
	uint32_t bitmap_blocks;	/* both bitmaps together */
	uint64_t bitmap_bytes;	/* one bitmap, whole blocks */
	uint64_t off_sub_header;
	uint64_t off_notes;
	uint64_t off_bitmap1;
	uint64_t off_bitmap2;
	uint64_t off_desc;
	uint64_t off_data;	/* first block after the desc table */
};

void kdump_layout_compute(struct kdump_layout *l, uint64_t max_mapnr,
			  uint64_t notes_size, uint64_t nr_dumpable);

struct kdump_header_info {
	char utsname[6][KDUMP_UTS_LEN];
	int64_t crash_seconds;
	uint32_t status;		/* compression flag | INCOMPLETE */
	int32_t nr_cpus;
	uint32_t current_cpu;
	uint64_t phys_base;
	int32_t dump_level;
	uint64_t vmcoreinfo_text_offset; /* within the notes blob */
	uint64_t vmcoreinfo_size;
};

/* Fills block 0 (KDUMP_BLOCK_SIZE bytes) and the sub-header. */
void kdump_encode_header(void *block0, const struct kdump_layout *l,
			 const struct kdump_header_info *info);
void kdump_encode_sub_header(struct kdump_sub_header *s,
			     const struct kdump_layout *l,
			     const struct kdump_header_info *info);

/* Bytes an ELF note takes: header, 4-aligned name, 4-aligned desc. */
static inline uint64_t kdump_note_size(uint32_t namesz, uint32_t descsz)
{
	return 12 + ((namesz + 3ULL) & ~3ULL) + ((descsz + 3ULL) & ~3ULL);
}

/*
 * Writes one ELF note (name includes its NUL in namesz) into buf and
 * returns its size, or 0 when it does not fit in room bytes.
 */
uint64_t kdump_put_note(void *buf, uint64_t room, const char *name,
			uint32_t type, const void *desc, uint32_t descsz);

static inline int kdump_bitmap_test(const uint8_t *bm, uint64_t pfn)
{
	return (bm[pfn >> 3] >> (pfn & 7)) & 1;
}

static inline void kdump_bitmap_set(uint8_t *bm, uint64_t pfn)
{
	bm[pfn >> 3] |= (uint8_t)(1U << (pfn & 7));
}

PD_EXTERN_C_END

#endif /* PD_KDUMP_FORMAT_H */

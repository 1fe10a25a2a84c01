// SPDX-License-Identifier: GPL-2.0 OR MIT
/* Pure layout and header encoding for the kdump-compressed format. */
#include "kdump_format.h"

static uint64_t kdump_div_up(uint64_t n, uint64_t d)
{
	return (n + d - 1) / d;
}

void kdump_layout_compute(struct kdump_layout *l, uint64_t max_mapnr,
			  uint64_t notes_size, uint64_t nr_dumpable)
{
	uint64_t bs = KDUMP_BLOCK_SIZE;

	memset(l, 0, sizeof(*l));
	l->max_mapnr = max_mapnr;
	l->notes_size = notes_size;
	l->nr_dumpable = nr_dumpable;
	l->sub_hdr_blocks = (uint32_t)kdump_div_up(
		sizeof(struct kdump_sub_header) + notes_size, bs);
	/* makedumpfile's rule; readers derive "two bitmaps" from it. */
	l->bitmap_bytes = kdump_div_up(kdump_div_up(max_mapnr, 8), bs) * bs;
	l->bitmap_blocks = (uint32_t)(2 * l->bitmap_bytes / bs);
	l->off_sub_header = bs;
	l->off_notes = bs + sizeof(struct kdump_sub_header);
	l->off_bitmap1 = (1 + (uint64_t)l->sub_hdr_blocks) * bs;
	l->off_bitmap2 = l->off_bitmap1 + l->bitmap_bytes;
	l->off_desc = l->off_bitmap2 + l->bitmap_bytes;
	/* Readers go by each desc's offset; aligning data keeps writes whole. */
	l->off_data = kdump_div_up(l->off_desc + nr_dumpable *
				   sizeof(struct kdump_page_desc), bs) * bs;
}

void kdump_encode_header(void *block0, const struct kdump_layout *l,
			 const struct kdump_header_info *info)
{
	struct kdump_disk_header *h = (struct kdump_disk_header *)block0;

	memset(block0, 0, KDUMP_BLOCK_SIZE);
	memcpy(h->signature, KDUMP_SIGNATURE, KDUMP_SIGNATURE_LEN);
	h->header_version = KDUMP_HEADER_VERSION;
	memcpy(h->utsname, info->utsname, sizeof(h->utsname));
	h->timestamp.tv_sec = info->crash_seconds;
	h->status = info->status;
	h->block_size = (int32_t)KDUMP_BLOCK_SIZE;
	h->sub_hdr_size = (int32_t)l->sub_hdr_blocks;
	h->bitmap_blocks = l->bitmap_blocks;
	h->max_mapnr = l->max_mapnr > 0xffffffffULL ?
		       0xffffffffU : (uint32_t)l->max_mapnr;
	h->current_cpu = info->current_cpu;
	h->nr_cpus = info->nr_cpus;
}

void kdump_encode_sub_header(struct kdump_sub_header *s,
			     const struct kdump_layout *l,
			     const struct kdump_header_info *info)
{
	memset(s, 0, sizeof(*s));
	s->phys_base = info->phys_base;
	s->dump_level = info->dump_level;
	s->offset_vmcoreinfo = (int64_t)(l->off_notes +
					 info->vmcoreinfo_text_offset);
	s->size_vmcoreinfo = info->vmcoreinfo_size;
	s->offset_note = (int64_t)l->off_notes;
	s->size_note = l->notes_size;
	s->max_mapnr_64 = l->max_mapnr;
}

uint64_t kdump_put_note(void *buf, uint64_t room, const char *name,
			uint32_t type, const void *desc, uint32_t descsz)
{
	uint32_t namesz = (uint32_t)strlen(name) + 1;
	uint64_t size = kdump_note_size(namesz, descsz);
	uint8_t *p = (uint8_t *)buf;
	uint32_t nhdr[3] = { namesz, descsz, type };

	if (size > room)
		return 0;
	memset(p, 0, size);
	memcpy(p, nhdr, sizeof(nhdr));
	memcpy(p + 12, name, namesz);
	memcpy(p + 12 + ((namesz + 3) & ~3U), desc, descsz);
	return size;
}

// SPDX-License-Identifier: GPL-2.0 OR MIT
/* How header copies are written: sequence, order, block layout. */
#include "pd_header_write.h"

/* The bytes a swap primary keeps hold the whole swap header. */
PD_STATIC_ASSERT(PD_HEADER_SIZE <= PD_SWAP_BOOTBITS,
		 "the header fits the swap header page's boot block");

static int pd_header_on_swap(const struct pd_header *h)
{
	return !!(h->compat_features & PD_COMPAT_SWAP);
}

unsigned int pd_header_nr_copies(const struct pd_header *h)
{
	/* The kernel may page into the last slot until the panic. */
	if (pd_header_on_swap(h) && h->state == PD_STATE_ARMED)
		return 1;
	return 2;
}

uint64_t pd_header_next_sequence(const struct pd_header *primary,
				 const struct pd_header *trailer)
{
	uint64_t seq = 0;

	if (primary)
		seq = primary->sequence;
	if (trailer && trailer->sequence > seq)
		seq = trailer->sequence;
	return seq == ~0ULL ? seq : seq + 1;
}

int pd_header_block_compose(uint8_t block[PD_BLOCK_SIZE],
			    const struct pd_header *h, enum pd_header_copy copy,
			    const uint8_t *old_block)
{
	const uint32_t tail = PD_BLOCK_SIZE - PD_HEADER_SIZE;
	int keep = copy == PD_HEADER_PRIMARY && pd_header_on_swap(h);

	if (keep && !old_block)
		return -1;
	if (!keep)
		memset(block + PD_HEADER_SIZE, 0, tail);
	else if (old_block != block)
		memcpy(block + PD_HEADER_SIZE, old_block + PD_HEADER_SIZE, tail);
	memcpy(block, h, PD_HEADER_SIZE);
	return 0;
}

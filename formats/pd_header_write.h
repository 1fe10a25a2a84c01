/* SPDX-License-Identifier: GPL-2.0 OR MIT */
/*
 * How every writer puts a header on the device: dumpadm when it arms,
 * the module at arm (swap) and at panic, savecore when it marks a dump
 * SAVED or clears it. The same steps in each, so that pd_header_pick()
 * finds the current copy after an interrupted write:
 *
 *  1. h->sequence = pd_header_next_sequence() of the copies the writer
 *     knows (max + 1; 1 for a new arm, whose fresh nonce already sets
 *     its copies apart from older ones), then pd_header_seal(h).
 *  2. The copies in the order pd_header_copy_at() gives, each on the
 *     medium (flushed, where writes may be reordered) before the next is
 *     written: the primary first, except on a swap area, where the
 *     trailing copy goes first: an ARMED header there has none, so a
 *     power cut that tore the primary would leave no valid copy at all.
 *     Interrupted in between, the copy written first is the newer one,
 *     which pd_header_pick() takes by its sequence.
 *  3. Each copy as the PD_BLOCK_SIZE block pd_header_block_compose()
 *     lays out at pd_header_copy_offset().
 *
 * On a swap area (PD_COMPAT_SWAP) the last block is a swap slot until
 * the panic, so an ARMED header has no trailing copy; and the primary's
 * block is the swap header page, whose bytes past the header
 * (PD_SWAP_BOOTBITS on: the swap header, "SWAPSPACE2") stay as they are.
 */
#ifndef PD_HEADER_WRITE_H
#define PD_HEADER_WRITE_H

#include "pd_format.h"

PD_EXTERN_C_BEGIN

enum pd_header_copy {
	PD_HEADER_PRIMARY = 0,	/* at 0, written first */
	PD_HEADER_TRAILER = 1,	/* at pd_trailer_offset() */
};

/* Where a copy of h goes in the area. */
static inline uint64_t pd_header_copy_offset(const struct pd_header *h,
					     enum pd_header_copy copy)
{
	return copy == PD_HEADER_PRIMARY ? 0 : pd_trailer_offset(h->area_size);
}

/*
 * How many copies a write of h puts down: 1 (the primary only) for an
 * ARMED header on a swap area, else 2.
 */
unsigned int pd_header_nr_copies(const struct pd_header *h);

/* The copy the i-th write of h puts down, i < pd_header_nr_copies(h). */
static inline enum pd_header_copy pd_header_copy_at(const struct pd_header *h,
						    unsigned int i)
{
	if (pd_header_nr_copies(h) == 2 && (h->compat_features & PD_COMPAT_SWAP))
		return i == 0 ? PD_HEADER_TRAILER : PD_HEADER_PRIMARY;
	return i == 0 ? PD_HEADER_PRIMARY : PD_HEADER_TRAILER;
}

/*
 * The sequence for the next write: one more than the highest of the
 * given copies, each the header read back from that place (and passed by
 * pd_header_check()) or the writer's own last one, NULL when there is
 * none or it is not valid. Both NULL: 1. Saturates at UINT64_MAX, where
 * the tie goes to the primary, the copy written first.
 */
uint64_t pd_header_next_sequence(const struct pd_header *primary,
				 const struct pd_header *trailer);

/*
 * Lays the sealed header h into block (PD_BLOCK_SIZE bytes) as the given
 * copy: h in the first PD_HEADER_SIZE bytes; the rest zero, except for
 * the primary on a swap area, where it is taken from old_block, the
 * block as it is on the device (old_block may be block itself, to
 * overlay in place; h must not overlap block). Returns 0, or -1 with
 * block untouched when that copy needs old_block and it is NULL.
 */
int pd_header_block_compose(uint8_t block[PD_BLOCK_SIZE],
			    const struct pd_header *h, enum pd_header_copy copy,
			    const uint8_t *old_block);

PD_EXTERN_C_END

#endif /* PD_HEADER_WRITE_H */

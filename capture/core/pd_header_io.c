// SPDX-License-Identifier: GPL-2.0
/*
 * Both copies of the header as formats/pd_header_write.h says every
 * writer writes them: the primary first and flushed before the trailer,
 * the data before both. On a swap area (PD_COMPAT_SWAP) the rest of the
 * first block is the swap header and is kept; the trailing copy is
 * written here for the first time, swap slots being ours from the panic on.
 */
#include "pd_header_io.h"
#include "pd_header_write.h"

/* One copy, laid out by the rule of formats/pd_header_write.h. */
static int pd_header_copy_write(struct pd_header_io *hio,
				enum pd_header_copy copy)
{
	struct pd_area *a = hio->area;
	const struct pd_header *h = hio->hdr;
	const u8 *old = NULL;
	int ret;

	if (copy == PD_HEADER_PRIMARY &&
	    (h->compat_features & PD_COMPAT_SWAP)) {
		/* The rest of the block is the swap header: keep it. */
		ret = pd_area_read(a, 0, hio->block, PD_BLOCK_SIZE);
		if (ret) {
			pd_area_read_failed(a, ret);
			return ret;
		}
		old = hio->block;
	}
	if (pd_header_block_compose(hio->block, h, copy, old))
		return -EINVAL;
	ret = pd_area_write(a, pd_header_copy_offset(h, copy), hio->block,
			    PD_BLOCK_SIZE);
	/* On the medium before the next copy is written. */
	return ret ? ret : pd_area_flush(a);
}

int pd_header_write(struct pd_header_io *hio)
{
	struct pd_area *a = hio->area;
	struct pd_errors *e = a->errors;
	u32 stage = e->stage;
	unsigned int copy;
	int ret;

	e->stage = PD_STAGE_HEADER;
	hio->hdr->sequence = pd_header_next_sequence(hio->hdr, NULL);
	pd_header_seal(hio->hdr);
	ret = pd_area_flush(a);
	for (copy = 0; !ret && copy < pd_header_nr_copies(hio->hdr); copy++)
		ret = pd_header_copy_write(hio, pd_header_copy_at(hio->hdr, copy));
	if (!ret && hio->landed)
		*hio->landed = *hio->hdr;
	e->stage = stage;
	return ret;
}

/*
 * Is the device we took over the one we armed? A header with our nonce
 * says so; anything else (a disk moved, a PCI address reused, the area
 * overwritten since) and we must not write a byte. The primary decides
 * when it can be read: a tool that takes the device over (mkfs, pvcreate,
 * a partition table) writes its start and may leave the trailing copy,
 * nonce and all, in place. Only a primary that cannot be read is no
 * evidence, and then the trailing copy decides.
 */
bool pd_header_on_device_is_ours(struct pd_header_io *hio)
{
	const struct pd_header *h = (const struct pd_header *)hio->block;
	int primary, ret;

	primary = pd_area_read(hio->area, 0, hio->block, PD_BLOCK_SIZE);
	ret = primary;
	if (primary)
		ret = pd_area_read(hio->area, pd_trailer_offset(hio->area->size),
				   hio->block, PD_BLOCK_SIZE);
	if (!ret && !memcmp(h->magic, PD_MAGIC, PD_MAGIC_LEN) &&
	    !memcmp(h->nonce, hio->hdr->nonce, sizeof(h->nonce)))
		return true;
	/* Unverified for want of a read is a read error, not another's disk. */
	if (primary)
		pd_area_read_failed(hio->area, ret ? ret : primary);
	else
		pd_error_set(hio->area->errors, PD_ERR_NOT_OURS, -ENODEV, 0, 0);
	return false;
}

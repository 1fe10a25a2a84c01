// SPDX-License-Identifier: GPL-2.0
/*
 * Both copies of the header, the primary first, the device flushed before
 * and after, so that a reader who finds a newer trailing copy knows the
 * primary went out before it. On a swap area (PD_COMPAT_SWAP) the rest of
 * the first block is the swap header and is kept; the trailing copy is
 * written here for the first time, swap slots being ours from the panic on.
 */
#include "pd_header_io.h"

static int pd_header_compose(struct pd_header_io *hio)
{
	struct pd_header *h = hio->hdr;
	int ret = 0;

	if (h->compat_features & PD_COMPAT_SWAP) {
		ret = pd_area_read(hio->area, 0, hio->block, PD_BLOCK_SIZE);
		if (ret)
			pd_area_read_failed(hio->area, ret);
	} else {
		memset(hio->block, 0, PD_BLOCK_SIZE);
	}
	memcpy(hio->block, h, sizeof(*h));
	return ret;
}

int pd_header_write(struct pd_header_io *hio)
{
	struct pd_area *a = hio->area;
	struct pd_errors *e = a->errors;
	u32 stage = e->stage;
	int ret;

	e->stage = PD_STAGE_HEADER;
	hio->hdr->sequence++;
	pd_header_seal(hio->hdr);
	ret = pd_area_flush(a);
	if (!ret)
		ret = pd_header_compose(hio);
	if (!ret)
		ret = pd_area_write(a, 0, hio->block, PD_BLOCK_SIZE);
	if (!ret) {
		memset(hio->block + PD_HEADER_SIZE, 0,
		       PD_BLOCK_SIZE - PD_HEADER_SIZE);
		ret = pd_area_write(a, pd_trailer_offset(a->size), hio->block,
				    PD_BLOCK_SIZE);
	}
	if (!ret)
		ret = pd_area_flush(a);
	e->stage = stage;
	return ret;
}

/*
 * Is the device we took over the one we armed? A header copy with our
 * nonce says so; anything else (a disk moved, a PCI address reused, the
 * area overwritten since) and we must not write a byte.
 */
bool pd_header_on_device_is_ours(struct pd_header_io *hio)
{
	const struct pd_header *h = (const struct pd_header *)hio->block;
	u64 where[2] = { 0, pd_trailer_offset(hio->area->size) };
	unsigned int i;
	int ret, last = 0;

	for (i = 0; i < ARRAY_SIZE(where); i++) {
		ret = pd_area_read(hio->area, where[i], hio->block,
				   PD_BLOCK_SIZE);
		if (ret) {
			last = ret;
			continue;
		}
		if (!memcmp(h->magic, PD_MAGIC, PD_MAGIC_LEN) &&
		    !memcmp(h->nonce, hio->hdr->nonce, sizeof(h->nonce)))
			return true;
	}
	if (last)
		pd_area_read_failed(hio->area, last);
	else
		pd_error_set(hio->area->errors, PD_ERR_NOT_OURS, -ENODEV, 0, 0);
	return false;
}

// SPDX-License-Identifier: GPL-2.0
/*
 * The order of a dump: nothing before the device proves to be the one
 * armed; the log before anything else, so that a dump cut short still
 * has it; the header as DUMPING once the log is out; the image; the
 * header as COMPLETE. Each step files its errors under its stage.
 */
#include "pd_dump.h"
#include "pd_image.h"

int pd_dump_init(struct pd_dump *d, struct pd_header *hdr,
		 const struct pd_area_ops *ops, void *area_priv,
		 u32 block_size)
{
	memset(d, 0, sizeof(*d));
	if (!pd_area_block_ok(block_size))
		return -EINVAL;
	d->hdr = hdr;
	pd_errors_init(&d->errors, hdr);
	pd_area_init(&d->area, ops, area_priv, hdr->area_size, block_size,
		     &d->errors);
	return 0;
}

size_t pd_dump_state_bytes(void)
{
	return sizeof(struct pd_dump) + sizeof(struct pd_image);
}

/*
 * The device failed a request and said so (-EIO, with a status): one more
 * try at the header, whose error record tells savecore which sector and
 * why; a bad sector need not mean a dead disk. It is the header last
 * written whole, which the data on the device fits, with the record, the
 * incomplete flag and a newer sequence than any copy tried since. Not
 * after a timeout: the lost request may still complete and be taken for
 * the header's. Not before a header of the dump landed: the log may not
 * be whole.
 */
static int pd_dump_last_word(struct pd_dump *d)
{
	struct pd_header_io hio = { &d->area, &d->landed, d->buf.header_block, NULL };
	int err = d->area.error;
	int ret;

	if (err != -EIO || d->landed.state == PD_STATE_ARMED)
		return err;
	d->landed.error = d->hdr->error;
	d->landed.dump_flags |= PD_DUMP_F_INCOMPLETE;
	if (d->hdr->sequence > d->landed.sequence)
		d->landed.sequence = d->hdr->sequence;
	d->hdr->dump_flags |= PD_DUMP_F_INCOMPLETE;
	d->area.error = 0;
	ret = pd_header_write(&hio);
	d->area.error = err;
	return ret;
}

int pd_dump_run(struct pd_dump *d)
{
	struct pd_header *h = d->hdr;
	struct pd_header_io hio = { &d->area, h, d->buf.header_block, &d->landed };
	struct pd_section *log = pd_header_section(h, PD_SECT_LOG);

	d->landed = *h;			/* ARMED: nothing of the dump yet */

	d->errors.stage = PD_STAGE_IDENTITY;
	if (!pd_header_on_device_is_ours(&hio))
		return h->error.err ? h->error.err : -ENODEV;

	h->state = PD_STATE_DUMPING;
	d->errors.stage = PD_STAGE_LOG;
	if (log)
		pd_log_section_write(&d->area, log, &d->log, d->buf.meta,
				     d->buf.meta_bytes);
	if (pd_header_write(&hio)) {
		/* The log is whole if it was the header that failed. */
		if (h->error.stage == PD_STAGE_HEADER) {
			d->landed = *h;
			if (!pd_dump_last_word(d))
				return 0;
		}
		return d->area.error;
	}

	pd_image_write(d, &hio);
	if (d->hooks.elapsed_ms)
		h->dump_msecs = d->hooks.elapsed_ms(d->hooks.priv);
	if (d->area.error) {
		/* The image stopped where the device failed: still DUMPING. */
		h->dump_flags |= PD_DUMP_F_INCOMPLETE;
		pd_dump_last_word(d);
		return 0;
	}
	h->state = PD_STATE_COMPLETE;
	if (pd_header_write(&hio)) {
		h->dump_flags |= PD_DUMP_F_INCOMPLETE;
		pd_dump_last_word(d);
	}
	return 0;
}

void pd_dump_fault(struct pd_dump *d)
{
	struct pd_header_io hio = { &d->area, d->hdr, d->buf.header_block, NULL };

	pd_error_set(&d->errors, PD_ERR_FAULT, -EFAULT, 0, 0);
	if (!d->area.error && d->hdr->state == PD_STATE_DUMPING)
		pd_header_write(&hio);
}

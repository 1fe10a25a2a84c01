// SPDX-License-Identifier: GPL-2.0
#include "pd_dump_error.h"

void pd_errors_init(struct pd_errors *e, struct pd_header *h)
{
	memset(&h->error, 0, sizeof(h->error));
	h->compat_features |= PD_COMPAT_ERROR;
	e->rec = &h->error;
	e->pages = &h->dumped_pages;
	e->stage = PD_STAGE_NONE;
	e->round = 0;
}

u32 pd_error_kind_of(int err)
{
	switch (err) {
	case -ETIMEDOUT:
		return PD_ERR_TIMEOUT;
	case -ENOSPC:
		return PD_ERR_NOSPC;
	case -EINVAL:
	case -ERANGE:
		return PD_ERR_INVAL;
	default:
		return PD_ERR_IO;
	}
}

void pd_error_set(struct pd_errors *e, u32 kind, int err, u32 status,
		  u64 sector)
{
	struct pd_dump_error *r = e->rec;

	if (!r || r->kind != PD_ERR_NONE)
		return;
	r->kind = kind;
	r->stage = e->stage;
	r->round = e->stage == PD_STAGE_ROUND ? e->round : 0;
	r->err = err;
	r->status = status;
	r->sector = sector;
	r->pages = e->pages ? *e->pages : 0;
}

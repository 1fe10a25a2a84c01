// SPDX-License-Identifier: GPL-2.0
#include "dumpadm_arm.h"

#include <algorithm>
#include <cstring>
#include <memory>

#include "common/dump_area.h"
#include "common/error.h"
#include "dumpadm/arm.h"
#include "dumpadm/symtab.h"
#include "pd_ioctl.h"

namespace pdtest {

void arm_as_dumpadm(void *arm, struct pd_header *h, uint8_t *area)
{
	DumpadmArm &a = *static_cast<DumpadmArm *>(arm);

	// What dumpadm gathered, taken from the header the sim filled in so
	// that both describe one arm.
	pd::ArmInputs in;
	in.area_size = h->area_size;
	in.content = h->content;
	in.compression = h->compression;
	in.level = h->compression_level;
	in.notes.addr.assign(h->nr_cpus, 0x1000);
	in.notes.found = h->nr_cpus;
	std::copy(std::begin(h->nonce), std::end(h->nonce), in.nonce.begin());
	std::copy(std::begin(h->boot_id), std::end(h->boot_id), in.boot_id.begin());
	in.arm_time = h->arm_time;
	in.release = h->release;
	in.swap = (h->compat_features & PD_COMPAT_SWAP) != 0;
	in.symtab = pd::build_symbol_table(a.kallsyms);

	auto req = std::make_unique<struct pd_arm_request>();
	struct pd_header built;
	try {
		pd::build_arm(in, &built, req.get());
	} catch (const pd::Error &e) {
		a.refused = e.what();
		return;
	}
	*h = built;

	// As pd::arm_device() writes before the header copies: nothing on
	// swap; else the table and its block, or a blank block.
	if (in.swap)
		return;
	uint8_t *block = area + pd_symtab_block_offset(h->area_size);
	std::memset(block, 0, PD_BLOCK_SIZE);
	if (const struct pd_section *s = pd::find_section(*h, PD_SECT_SYMTAB)) {
		struct pd_symtab_block b;
		pd::build_symtab_block(*h, in.symtab, &b);
		std::memcpy(block, &b, sizeof(b));
		std::memcpy(area + s->offset, in.symtab.text.data(), in.symtab.text.size());
	}
}

} // namespace pdtest

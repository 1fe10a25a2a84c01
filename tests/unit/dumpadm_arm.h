// SPDX-License-Identifier: GPL-2.0
// dumpadm's part of arming, for the sim (pd_sim_config.arm): the ARMED
// header as dumpadm -d builds it (pd::build_arm: a SYMTAB section when
// there is a symbol table) and the symbol table and its descriptor block
// written where dumpadm writes them, so that a sim dump carries exactly
// what an armed device would.
#pragma once

#include <cstdint>
#include <string>

#include "pd_format.h"

namespace pdtest {

// pd_sim_config.arm_priv for arm_as_dumpadm().
struct DumpadmArm {
	std::string kallsyms;	// /proc/kallsyms text; empty: no symbol table
	std::string refused;	// set when dumpadm would refuse to arm
};

// For pd_sim_config.arm, with arm_priv a DumpadmArm. Errors cannot cross
// the sim's C frames: a refusal (the area too small for the table) goes
// to DumpadmArm.refused, with the header left as the sim filled it.
void arm_as_dumpadm(void *arm, struct pd_header *h, uint8_t *area);

} // namespace pdtest

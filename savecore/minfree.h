// SPDX-License-Identifier: GPL-2.0
// Which minfree savecore applies (common/minfree.h has the syntax):
// DUMPADM_MINFREE in the environment, else DUMPADM_MINFREE in
// dumpadm.conf (dumpadm -m), else the file <savecore dir>/minfree, else
// kDefaultMinFree.
#pragma once

#include <optional>
#include <string>

#include "common/minfree.h"

namespace pd {

struct MinFreeSetting {
	MinFree value = kDefaultMinFree;
	// "DUMPADM_MINFREE", "DUMPADM_MINFREE in <file>", "<dir>/minfree" or
	// "default".
	std::string source = "default";
};

// env: DUMPADM_MINFREE's value (nullopt, or only white space: unset);
// config: dumpadm.conf's DUMPADM_MINFREE and config_origin the file's
// path; dir: the savecore directory. Throws, naming where it came from,
// on a bad value.
MinFreeSetting load_minfree(const std::optional<std::string> &env,
			    const std::optional<MinFree> &config,
			    const std::string &config_origin, const std::string &dir);

} // namespace pd

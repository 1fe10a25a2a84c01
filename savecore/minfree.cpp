// SPDX-License-Identifier: GPL-2.0
#include "savecore/minfree.h"

#include "common/file_util.h"

namespace pd {

MinFreeSetting load_minfree(const std::optional<std::string> &env,
			    const std::optional<MinFree> &config,
			    const std::string &config_origin, const std::string &dir)
{
	MinFreeSetting m;

	if (env && !trim(*env).empty()) {
		m.source = "DUMPADM_MINFREE";
		m.value = parse_minfree(*env, m.source);
	} else if (config) {
		m.source = "DUMPADM_MINFREE in " + config_origin;
		m.value = *config;
	} else if (auto f = read_file_if_exists(minfree_file(dir))) {
		m.source = minfree_file(dir);
		m.value = parse_minfree(f->substr(0, f->find('\n')), m.source);
	}
	return m;
}

} // namespace pd

// SPDX-License-Identifier: GPL-2.0
// dumpadm's configuration listing, in illumos's layout: labels
// right-aligned to 18 columns.
#pragma once

#include <optional>
#include <string>

#include "common/config.h"
#include "pd_ioctl.h"

namespace pd {

std::string format_configuration(const DumpConfig &cfg);
// The capture module's state; nullopt: the module is not loaded.
std::string format_module_status(const std::optional<struct pd_status> &st);

} // namespace pd

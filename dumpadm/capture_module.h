// SPDX-License-Identifier: GPL-2.0
// The capture module's control device, /dev/panicdump (formats/pd_ioctl.h).
#pragma once

#include <functional>
#include <optional>
#include <string>

#include "common/file_util.h"
#include "pd_ioctl.h"

namespace pd {

class CaptureModule {
public:
	// nullopt when the module is not loaded (no node, or no driver).
	static std::optional<CaptureModule> try_open(const std::string &path);
	// Throws "the panicdump module is not loaded (modprobe panicdump)".
	static CaptureModule open(const std::string &path);
	// A module that answers the ioctls through fn (request, argument;
	// returns 0 or -1 with errno set) instead of a device: for tests of
	// what dumpadm does around them.
	using IoctlFn = std::function<int(unsigned long, void *)>;
	static CaptureModule with_ioctl(std::string path, IoctlFn fn);

	// PD_IOC_ARM: the module checks and allocates everything, writes
	// the header, then replaces an earlier arm; a failure leaves the
	// earlier arm in place. Errors carry the module's reason (req.reason)
	// and name the request.
	void arm(struct pd_arm_request &req);
	void disarm();
	struct pd_status status();

private:
	CaptureModule(std::string path, UniqueFd fd)
		: path_(std::move(path)), fd_(std::move(fd)) {}
	int call(unsigned long request, void *arg);

	std::string path_;
	UniqueFd fd_;
	IoctlFn ioctl_;
};

// "PCI 0000:00:04.0, sectors 2048+2095104, 2 CPUs, content kernel, zstd level 1"
std::string describe_arm_request(const struct pd_arm_request &req);

} // namespace pd

// SPDX-License-Identifier: GPL-2.0
#include "dumpadm/capture_module.h"

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <sys/ioctl.h>

#include "common/config.h"
#include "common/error.h"

namespace pd {

std::optional<CaptureModule> CaptureModule::try_open(const std::string &path)
{
	int fd = ::open(path.c_str(), O_RDWR | O_CLOEXEC);

	if (fd < 0 && (errno == ENOENT || errno == ENODEV || errno == ENXIO))
		return std::nullopt;
	if (fd < 0)
		throw_errno(path);
	return CaptureModule(path, UniqueFd(fd));
}

CaptureModule CaptureModule::open(const std::string &path)
{
	auto m = try_open(path);

	if (!m)
		throw Error(path + ": the panicdump module is not loaded (modprobe panicdump)");
	return std::move(*m);
}

std::string describe_arm_request(const struct pd_arm_request &req)
{
	return strprintf("PCI %04x:%02x:%02x.%x, sectors %llu+%llu, %u CPUs, content %s, %s level %d",
			 req.pci_domain, req.pci_bus, req.pci_devfn >> 3,
			 req.pci_devfn & 7,
			 (unsigned long long)req.start_sector,
			 (unsigned long long)req.nr_sectors, req.nr_cpus,
			 content_name(req.header.content),
			 compression_name(req.header.compression),
			 req.header.compression_level);
}

void CaptureModule::arm(const struct pd_arm_request &req)
{
	if (::ioctl(fd_.get(), PD_IOC_ARM, &req) < 0)
		throw Error(path_ + ": PD_IOC_ARM failed: " + std::strerror(errno) +
			    " (requested " + describe_arm_request(req) +
			    "); the kernel log has the module's reason");
}

void CaptureModule::disarm()
{
	if (::ioctl(fd_.get(), PD_IOC_DISARM) < 0)
		throw_errno(path_ + ": PD_IOC_DISARM");
}

struct pd_status CaptureModule::status()
{
	struct pd_status st = {};

	if (::ioctl(fd_.get(), PD_IOC_STATUS, &st) < 0)
		throw_errno(path_ + ": PD_IOC_STATUS");
	return st;
}

} // namespace pd

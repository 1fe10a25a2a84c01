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

CaptureModule CaptureModule::with_ioctl(std::string path, IoctlFn fn)
{
	CaptureModule m(std::move(path), UniqueFd());
	m.ioctl_ = std::move(fn);
	return m;
}

int CaptureModule::call(unsigned long request, void *arg)
{
	return ioctl_ ? ioctl_(request, arg) : ::ioctl(fd_.get(), request, arg);
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

void CaptureModule::arm(struct pd_arm_request &req)
{
	std::memset(req.reason, 0, sizeof(req.reason));
	if (call(PD_IOC_ARM, &req) == 0)
		return;
	std::string why = std::strerror(errno);
	std::string reason(req.reason, strnlen(req.reason, sizeof(req.reason)));
	if (!reason.empty())
		why = reason + " (" + why + ")";
	// Status from the module, not assumed: whether an earlier arm held.
	struct pd_status st = {};
	std::string now = call(PD_IOC_STATUS, &st) < 0 ? "its status unknown"
			  : st.armed ? "the earlier arm is still in place"
				     : "not armed";
	throw Error(path_ + ": PD_IOC_ARM refused: " + why + "; requested " +
		    describe_arm_request(req) + "; " + now);
}

void CaptureModule::disarm()
{
	if (call(PD_IOC_DISARM, nullptr) < 0)
		throw_errno(path_ + ": PD_IOC_DISARM");
}

struct pd_status CaptureModule::status()
{
	struct pd_status st = {};

	if (call(PD_IOC_STATUS, &st) < 0)
		throw_errno(path_ + ": PD_IOC_STATUS");
	return st;
}

} // namespace pd

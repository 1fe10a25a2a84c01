// SPDX-License-Identifier: GPL-2.0
#include "savecore/output_dir.h"

#include <fcntl.h>
#include <sys/statvfs.h>
#include <unistd.h>

#include "common/error.h"

namespace pd {

void OutputDir::create() const
{
	mkdir_p(path_, 0700);
}

uint64_t OutputDir::read_bounds() const
{
	std::string path = file("bounds");
	auto text = read_file_if_exists(path);

	if (!text)
		return 0;
	auto n = parse_u64(*text);
	if (!n)
		throw Error(path + ": expected a number, found \"" +
			    std::string(trim(*text)) + "\"");
	return *n;
}

void OutputDir::write_bounds(uint64_t n) const
{
	write_file_atomic(file("bounds"), std::to_string(n) + "\n", 0600);
}

uint64_t OutputDir::free_bytes() const
{
	struct statvfs sv;

	if (::statvfs(path_.c_str(), &sv) < 0)
		throw_errno(path_ + ": statvfs");
	return static_cast<uint64_t>(sv.f_bavail) * sv.f_frsize;
}

uint64_t OutputDir::total_bytes() const
{
	struct statvfs sv;

	if (::statvfs(path_.c_str(), &sv) < 0)
		throw_errno(path_ + ": statvfs");
	return static_cast<uint64_t>(sv.f_blocks) * sv.f_frsize;
}

PendingFile::PendingFile(const OutputDir &dir, const std::string &name)
	: dir_(dir.path()), tmp_(dir.file("." + name + ".tmp")),
	  final_(dir.file(name))
{
	::unlink(tmp_.c_str());
	fd_ = open_or_throw(tmp_, O_WRONLY | O_CREAT | O_EXCL, 0600);
}

PendingFile::~PendingFile()
{
	if (!committed_)
		::unlink(tmp_.c_str());
}

void PendingFile::write(const void *buf, size_t len)
{
	write_full(fd_.get(), buf, len, tmp_);
}

void PendingFile::commit()
{
	fsync_or_throw(fd_.get(), tmp_);
	fd_.reset();
	if (::rename(tmp_.c_str(), final_.c_str()) < 0)
		throw_errno("rename " + tmp_ + " to " + final_);
	committed_ = true;
	fsync_dir(dir_);
}

} // namespace pd

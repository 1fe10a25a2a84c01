// SPDX-License-Identifier: GPL-2.0
#include "common/file_util.h"

#include <cerrno>
#include <climits>
#include <iterator>
#include <cstdlib>
#include <ctime>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/error.h"

namespace pd {

UniqueFd &UniqueFd::operator=(UniqueFd &&o) noexcept
{
	if (this != &o)
		reset(o.release());
	return *this;
}

int UniqueFd::release()
{
	int fd = fd_;

	fd_ = -1;
	return fd;
}

void UniqueFd::reset(int fd)
{
	if (fd_ >= 0)
		::close(fd_);
	fd_ = fd;
}

UniqueFd open_or_throw(const std::string &path, int flags, mode_t mode)
{
	int fd = ::open(path.c_str(), flags | O_CLOEXEC, mode);

	if (fd < 0)
		throw_errno(path);
	return UniqueFd(fd);
}

void pread_full(int fd, void *buf, size_t len, uint64_t off,
		const std::string &path)
{
	auto *p = static_cast<char *>(buf);
	size_t done = 0;

	while (done < len) {
		ssize_t n = ::pread(fd, p + done, len - done,
				    static_cast<off_t>(off + done));
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			throw_errno(strprintf("%s: read of %zu bytes at 0x%llx",
					      path.c_str(), len,
					      (unsigned long long)off));
		if (n == 0)
			throw Error(strprintf("%s: read of %zu bytes at 0x%llx: end of file after %zu bytes",
					      path.c_str(), len,
					      (unsigned long long)off, done));
		done += static_cast<size_t>(n);
	}
}

void pwrite_full(int fd, const void *buf, size_t len, uint64_t off,
		 const std::string &path)
{
	const auto *p = static_cast<const char *>(buf);
	size_t done = 0;

	while (done < len) {
		ssize_t n = ::pwrite(fd, p + done, len - done,
				     static_cast<off_t>(off + done));
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			throw_errno(strprintf("%s: write of %zu bytes at 0x%llx",
					      path.c_str(), len,
					      (unsigned long long)off));
		done += static_cast<size_t>(n);
	}
}

void write_full(int fd, const void *buf, size_t len, const std::string &path)
{
	const auto *p = static_cast<const char *>(buf);

	while (len) {
		ssize_t n = ::write(fd, p, len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			throw_errno(path + ": write");
		p += n;
		len -= static_cast<size_t>(n);
	}
}

void fsync_or_throw(int fd, const std::string &path)
{
	if (::fsync(fd) < 0)
		throw_errno(path + ": fsync");
}

std::optional<std::string> read_file_if_exists(const std::string &path)
{
	int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);

	if (fd < 0 && errno == ENOENT)
		return std::nullopt;
	if (fd < 0)
		throw_errno(path);
	UniqueFd guard(fd);

	std::string data;
	char buf[4096];
	for (;;) {
		ssize_t n = ::read(fd, buf, sizeof(buf));
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			throw_errno(path + ": read");
		if (n == 0)
			break;
		data.append(buf, static_cast<size_t>(n));
	}
	return data;
}

std::string read_file(const std::string &path)
{
	auto data = read_file_if_exists(path);

	if (!data) {
		errno = ENOENT;
		throw_errno(path);
	}
	return *data;
}

std::string read_attr(const std::string &path)
{
	std::string s = read_file(path);

	return std::string(trim(s.substr(0, s.find('\n'))));
}

uint64_t read_attr_u64(const std::string &path, int base)
{
	std::string s = read_attr(path);
	auto v = parse_u64(s, base);

	if (!v)
		throw Error(path + ": expected a number, found \"" + s + "\"");
	return *v;
}

void write_file_atomic(const std::string &path, std::string_view data,
		       mode_t mode)
{
	std::string dir = path_dirname(path);
	std::string tmp = dir + "/." + path_basename(path) + ".tmp";

	::unlink(tmp.c_str());
	UniqueFd fd = open_or_throw(tmp, O_WRONLY | O_CREAT | O_EXCL, mode);
	try {
		write_full(fd.get(), data.data(), data.size(), tmp);
		if (::fchmod(fd.get(), mode) < 0)
			throw_errno(tmp + ": fchmod");
		fsync_or_throw(fd.get(), tmp);
		fd.reset();
		if (::rename(tmp.c_str(), path.c_str()) < 0)
			throw_errno("rename " + tmp + " to " + path);
	} catch (...) {
		::unlink(tmp.c_str());
		throw;
	}
	fsync_dir(dir);
}

void mkdir_p(const std::string &path, mode_t mode)
{
	if (path.empty())
		return;

	struct stat st;
	if (::stat(path.c_str(), &st) == 0) {
		if (!S_ISDIR(st.st_mode))
			throw Error(path + ": exists and is not a directory");
		return;
	}
	std::string parent = path_dirname(path);
	if (parent != path)
		mkdir_p(parent, mode);
	if (::mkdir(path.c_str(), mode) < 0 && errno != EEXIST)
		throw_errno("mkdir " + path);
}

void fsync_dir(const std::string &path)
{
	UniqueFd fd = open_or_throw(path, O_RDONLY | O_DIRECTORY);

	fsync_or_throw(fd.get(), path);
}

bool path_exists(const std::string &path)
{
	struct stat st;

	return ::lstat(path.c_str(), &st) == 0;
}

std::string path_dirname(const std::string &path)
{
	size_t end = path.find_last_not_of('/');

	if (end == std::string::npos)
		return "/";
	size_t slash = path.find_last_of('/', end);
	if (slash == std::string::npos)
		return ".";
	size_t dir_end = path.find_last_not_of('/', slash);
	return dir_end == std::string::npos ? "/" : path.substr(0, dir_end + 1);
}

std::string path_basename(const std::string &path)
{
	size_t end = path.find_last_not_of('/');

	if (end == std::string::npos)
		return "/";
	size_t slash = path.find_last_of('/', end);
	return path.substr(slash == std::string::npos ? 0 : slash + 1,
			   slash == std::string::npos ? end + 1 : end - slash);
}

std::string real_path(const std::string &path)
{
	char buf[PATH_MAX];

	if (!::realpath(path.c_str(), buf))
		throw_errno(path);
	return buf;
}

std::string_view trim(std::string_view s)
{
	const char *ws = " \t\r\n";
	size_t b = s.find_first_not_of(ws);

	if (b == std::string_view::npos)
		return {};
	return s.substr(b, s.find_last_not_of(ws) - b + 1);
}

std::optional<uint64_t> parse_u64(std::string_view s, int base)
{
	std::string str(trim(s));

	if (str.empty() || str[0] == '-' || str[0] == '+')
		return std::nullopt;
	errno = 0;
	char *end = nullptr;
	unsigned long long v = std::strtoull(str.c_str(), &end, base);
	if (errno || *end)
		return std::nullopt;
	return v;
}

std::string human_size(uint64_t bytes)
{
	static const char *const units[] = { "KiB", "MiB", "GiB", "TiB" };

	if (bytes < 1024)
		return strprintf("%llu bytes", (unsigned long long)bytes);
	double v = static_cast<double>(bytes) / 1024;
	size_t u = 0;
	while (v >= 1024 && u + 1 < std::size(units)) {
		v /= 1024;
		u++;
	}
	return strprintf("%.1f %s", v, units[u]);
}

std::string iso8601_utc(int64_t seconds)
{
	time_t t = static_cast<time_t>(seconds);
	struct tm tm;
	char buf[64];

	if (!::gmtime_r(&t, &tm) ||
	    !std::strftime(buf, sizeof(buf), "%Y-%m-%dT%H:%M:%SZ", &tm))
		return std::to_string(seconds);
	return buf;
}

} // namespace pd

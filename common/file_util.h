// SPDX-License-Identifier: GPL-2.0
// File descriptors and whole-file helpers. Every failure throws pd::Error
// naming the path (and the offset for positioned I/O).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <sys/types.h>

namespace pd {

// Owns a file descriptor; closes it on destruction.
class UniqueFd {
public:
	UniqueFd() = default;
	explicit UniqueFd(int fd) : fd_(fd) {}
	UniqueFd(UniqueFd &&o) noexcept : fd_(o.release()) {}
	UniqueFd &operator=(UniqueFd &&o) noexcept;
	UniqueFd(const UniqueFd &) = delete;
	UniqueFd &operator=(const UniqueFd &) = delete;
	~UniqueFd() { reset(); }

	int get() const { return fd_; }
	explicit operator bool() const { return fd_ >= 0; }
	int release();
	void reset(int fd = -1);

private:
	int fd_ = -1;
};

// open(2) that throws "<path>: <errno text>".
UniqueFd open_or_throw(const std::string &path, int flags, mode_t mode = 0);

// Exactly len bytes at off, or an error naming path and offset.
void pread_full(int fd, void *buf, size_t len, uint64_t off,
		const std::string &path);
void pwrite_full(int fd, const void *buf, size_t len, uint64_t off,
		 const std::string &path);
void write_full(int fd, const void *buf, size_t len, const std::string &path);
void fsync_or_throw(int fd, const std::string &path);

// Whole small files (sysfs, procfs, config).
std::string read_file(const std::string &path);
std::optional<std::string> read_file_if_exists(const std::string &path);
// A sysfs attribute: the file's first line without trailing whitespace.
std::string read_attr(const std::string &path);
// A numeric sysfs attribute; base 0 accepts "0x1af4" as well as "2048".
uint64_t read_attr_u64(const std::string &path, int base = 0);

// Writes path through a temporary file in the same directory: write,
// fsync, rename, fsync the directory. Readers never see a partial file.
void write_file_atomic(const std::string &path, std::string_view data,
		       mode_t mode);

// mkdir -p with the given mode for the directories it creates.
void mkdir_p(const std::string &path, mode_t mode);
void fsync_dir(const std::string &path);
bool path_exists(const std::string &path);

std::string path_dirname(const std::string &path);
std::string path_basename(const std::string &path);
// realpath(3); throws when the path does not resolve.
std::string real_path(const std::string &path);

std::string_view trim(std::string_view s);
// Parses a whole string as an unsigned integer, or nullopt.
std::optional<uint64_t> parse_u64(std::string_view s, int base = 10);

// "1.5 GiB", "123.0 MiB", "4096 bytes".
std::string human_size(uint64_t bytes);
// "2024-11-27T14:19:03Z".
std::string iso8601_utc(int64_t seconds);

} // namespace pd

// SPDX-License-Identifier: GPL-2.0
// The savecore directory: the bounds counter and files that appear
// complete or not at all (temporary name, fsync, rename, fsync dir).
#pragma once

#include <cstdint>
#include <string>

#include "common/file_util.h"

namespace pd {

class OutputDir {
public:
	explicit OutputDir(std::string path) : path_(std::move(path)) {}

	const std::string &path() const { return path_; }
	std::string file(const std::string &name) const { return path_ + "/" + name; }

	// mkdir -p, mode 0700.
	void create() const;
	// The number in <dir>/bounds, 0 when it does not exist.
	uint64_t read_bounds() const;
	void write_bounds(uint64_t n) const;
	// Free bytes for new files (f_bavail * f_frsize).
	uint64_t free_bytes() const;
	// The file system's size (f_blocks * f_frsize), for minfree's %.
	uint64_t total_bytes() const;

private:
	std::string path_;
};

// A 0600 file under a temporary name; commit() makes it appear under its
// real name. Dropped without commit(), the temporary file is removed.
class PendingFile {
public:
	PendingFile(const OutputDir &dir, const std::string &name);
	~PendingFile();
	PendingFile(const PendingFile &) = delete;
	PendingFile &operator=(const PendingFile &) = delete;

	int fd() const { return fd_.get(); }
	const std::string &tmp_path() const { return tmp_; }
	void write(const void *buf, size_t len);
	void commit();

private:
	std::string dir_;
	std::string tmp_;
	std::string final_;
	UniqueFd fd_;
	bool committed_ = false;
};

} // namespace pd

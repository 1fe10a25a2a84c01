// SPDX-License-Identifier: GPL-2.0
// Small helpers shared by the unit tests.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

namespace pdtest {

// A fresh directory under $TMPDIR, removed with everything in it.
class TempDir {
public:
	TempDir();
	~TempDir();
	TempDir(const TempDir &) = delete;
	TempDir &operator=(const TempDir &) = delete;

	const std::string &path() const { return path_; }
	std::string operator/(const std::string &rel) const { return path_ + "/" + rel; }

private:
	std::string path_;
};

std::vector<uint8_t> read_bytes(const std::string &path);
std::string read_text(const std::string &path);
void write_bytes(const std::string &path, const std::vector<uint8_t> &data);
// Creates parent directories as needed.
void write_text(const std::string &path, const std::string &text);
void symlink_to(const std::string &target, const std::string &link);

} // namespace pdtest

// SPDX-License-Identifier: GPL-2.0
#include "test_util.h"

#include <cstdlib>
#include <fstream>
#include <iterator>
#include <stdexcept>

namespace fs = std::filesystem;

namespace pdtest {

TempDir::TempDir()
{
	std::string tmpl = (fs::temp_directory_path() / "pdtest.XXXXXX").string();

	if (!::mkdtemp(tmpl.data()))
		throw std::runtime_error("mkdtemp " + tmpl);
	path_ = tmpl;
}

TempDir::~TempDir()
{
	std::error_code ec;

	fs::remove_all(path_, ec);
}

std::vector<uint8_t> read_bytes(const std::string &path)
{
	std::ifstream f(path, std::ios::binary);

	if (!f)
		throw std::runtime_error("cannot read " + path);
	return { std::istreambuf_iterator<char>(f), std::istreambuf_iterator<char>() };
}

std::string read_text(const std::string &path)
{
	auto b = read_bytes(path);

	return { b.begin(), b.end() };
}

void write_bytes(const std::string &path, const std::vector<uint8_t> &data)
{
	if (fs::path(path).has_parent_path())
		fs::create_directories(fs::path(path).parent_path());
	std::ofstream f(path, std::ios::binary | std::ios::trunc);
	f.write(reinterpret_cast<const char *>(data.data()),
		static_cast<std::streamsize>(data.size()));
	if (!f)
		throw std::runtime_error("cannot write " + path);
}

void write_text(const std::string &path, const std::string &text)
{
	write_bytes(path, { text.begin(), text.end() });
}

void symlink_to(const std::string &target, const std::string &link)
{
	fs::create_directories(fs::path(link).parent_path());
	fs::create_symlink(target, link);
}

} // namespace pdtest

// SPDX-License-Identifier: GPL-2.0
#include "dumpadm/system_state.h"

#include <cerrno>
#include <dirent.h>
#include <fcntl.h>
#include <sys/random.h>
#include <unistd.h>

#include "common/error.h"
#include "common/file_util.h"

namespace pd {

CrashNotes read_crash_notes(const std::string &sysfs_root)
{
	std::string dir = sysfs_root + "/devices/system/cpu";
	std::vector<std::pair<unsigned, uint64_t>> cpus;
	DIR *d = ::opendir(dir.c_str());

	if (!d)
		throw_errno(dir);
	while (struct dirent *e = ::readdir(d)) {
		std::string_view name(e->d_name);
		if (name.substr(0, 3) != "cpu")
			continue;
		auto id = parse_u64(name.substr(3));	// skips cpufreq, cpuidle
		if (!id || name.size() == 3)
			continue;
		std::string path = dir + "/" + std::string(name) + "/crash_notes";
		uint64_t addr = path_exists(path) ? read_attr_u64(path, 16) : 0;
		cpus.emplace_back(static_cast<unsigned>(*id), addr);
	}
	::closedir(d);

	CrashNotes notes;
	for (auto [id, addr] : cpus) {
		if (id >= notes.addr.size())
			notes.addr.resize(id + 1, 0);
		notes.addr[id] = addr;
		notes.found += addr != 0;
	}
	return notes;
}

Uuid parse_boot_id(std::string_view text)
{
	std::string_view s = trim(text);
	Uuid id{};
	size_t n = 0;

	auto hex = [](char c) -> int {
		if (c >= '0' && c <= '9')
			return c - '0';
		if (c >= 'a' && c <= 'f')
			return c - 'a' + 10;
		if (c >= 'A' && c <= 'F')
			return c - 'A' + 10;
		return -1;
	};
	for (size_t i = 0; i < s.size(); i++) {
		bool dash_pos = i == 8 || i == 13 || i == 18 || i == 23;
		if (dash_pos && s[i] == '-')
			continue;
		int hi = hex(s[i]);
		int lo = i + 1 < s.size() ? hex(s[i + 1]) : -1;
		if (dash_pos || hi < 0 || lo < 0 || n == id.size())
			break;
		id[n++] = static_cast<uint8_t>(hi << 4 | lo);
		i++;
	}
	if (s.size() != 36 || n != id.size())
		throw Error("boot_id: expected a UUID like 01234567-89ab-cdef-0123-456789abcdef, found \"" +
			    std::string(s) + "\"");
	return id;
}

Uuid read_boot_id(const std::string &proc_root)
{
	std::string path = proc_root + "/sys/kernel/random/boot_id";

	try {
		return parse_boot_id(read_file(path));
	} catch (const Error &e) {
		throw Error(path + ": " + e.what());
	}
}

Uuid random_nonce()
{
	Uuid n{};
	size_t done = 0;

	while (done < n.size()) {
		ssize_t r = ::getrandom(n.data() + done, n.size() - done, 0);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0)
			throw_errno("getrandom");
		done += static_cast<size_t>(r);
	}
	return n;
}

void enable_post_notifiers(const std::string &sysfs_root)
{
	std::string path = sysfs_root +
			   "/module/kernel/parameters/crash_kexec_post_notifiers";

	{
		UniqueFd fd = open_or_throw(path, O_WRONLY);
		write_full(fd.get(), "Y", 1, path);
	}
	std::string v = read_attr(path);
	if (v != "Y")
		throw Error(path + ": expected Y after writing Y, found \"" + v +
			    "\"; without it panic() does not stop the other CPUs before the dump");
}

} // namespace pd

// SPDX-License-Identifier: GPL-2.0
// minfree, as in illumos and FreeBSD: the free space savecore leaves on
// the savecore directory's file system. One syntax wherever it is given
// (dumpadm -m, DUMPADM_MINFREE in dumpadm.conf or the environment, the
// file <savecore dir>/minfree): a number of KiB, or a number with a k, m,
// g (KiB, MiB, GiB) or % (of the file system's size, at most 100)
// suffix, upper or lower case, white space around it ignored.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace pd {

// The syntax in words, for help texts and errors.
extern const char kMinFreeSyntax[];

struct MinFree {
	uint64_t number = 0;
	char unit = 0;		// 0 (a bare number: KiB, as in illumos), 'k', 'm', 'g' or '%'

	// The bytes to leave free on a file system of fs_bytes.
	uint64_t resolve(uint64_t fs_bytes) const;
	// The canonical spelling ("64m", "10%", "2048"), which parses back to
	// the same value: what dumpadm writes to dumpadm.conf and the file.
	std::string text() const;
	// For messages: "10% of the file system", "64.0 MiB".
	std::string describe() const;

	bool operator==(const MinFree &) const = default;
};

// Left free when nothing says otherwise.
constexpr MinFree kDefaultMinFree{ 1, 'm' };

// Parses text; a value out of that syntax (or one too large for 64 bits
// of bytes) throws a usage Error
// "<context>: expected <kMinFreeSyntax>, found \"<text>\"".
MinFree parse_minfree(std::string_view text, const std::string &context);

// <dir>/minfree, which illumos's dumpadm -m writes and savecore reads.
std::string minfree_file(const std::string &savedir);

// Writes the minfree file of savedir (creating the directory, mode 0700,
// its parents 0755) so that savecore run by hand finds it too.
void write_minfree_file(const std::string &savedir, const MinFree &m);

} // namespace pd

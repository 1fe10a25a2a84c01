// SPDX-License-Identifier: GPL-2.0
// Errors of the panicdump tools: one exception type carrying a complete,
// user-facing message ("/dev/vdb: primary header@0x0: ...") and a kind
// that decides the exit status.
#pragma once

#include <stdexcept>
#include <string>

namespace pd {

enum class ErrorKind {
	Failure,	// I/O error, corrupt data, refusal
	NoDump,		// savecore: nothing to save
	Usage,		// bad command line or configuration value
};

class Error : public std::runtime_error {
public:
	explicit Error(const std::string &msg, ErrorKind kind = ErrorKind::Failure)
		: std::runtime_error(msg), kind_(kind) {}
	ErrorKind kind() const { return kind_; }

private:
	ErrorKind kind_;
};

// Throws "<what>: <strerror(errno)>".
[[noreturn]] void throw_errno(const std::string &what);

// printf into a std::string.
std::string strprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

} // namespace pd

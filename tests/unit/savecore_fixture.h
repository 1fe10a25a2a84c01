// SPDX-License-Identifier: GPL-2.0
// The savecore tests' fixture: a dump area the real writer left (or one
// corrupted from it) as an image file, savecore run on it into a
// temporary directory, its output and error text.
#pragma once

#include <gtest/gtest.h>

#include <cstring>
#include <sstream>
#include <string>

#include "pd_format.h"
#include "savecore/save.h"
#include "real_dump.h"
#include "test_util.h"

class Savecore : public ::testing::Test {
protected:
	// Writes the area to an image file and returns its path.
	std::string put_image(const pdtest::RealDump &d)
	{
		pdtest::write_bytes(image(), d.area);
		return image();
	}

	int run(bool disregard_saved = false, bool check_only = false)
	{
		pd::SaveOptions o = opts;
		o.dumpfile = image();
		o.directory = dir();
		o.config_root = tmp / "root";
		o.disregard_saved = disregard_saved;
		o.check_only = check_only;
		o.syslog = false;
		out.str("");
		err.str("");
		return pd::run_savecore(o, out, err);
	}

	struct pd_header header_at(uint64_t off)
	{
		auto b = pdtest::read_bytes(image());
		struct pd_header h;
		std::memcpy(&h, b.data() + off, sizeof(h));
		return h;
	}

	std::string image() const { return tmp / "dev.img"; }
	std::string dir() const { return tmp / "crash/host"; }
	std::string file(const std::string &name) const { return dir() + "/" + name; }

	pdtest::TempDir tmp;
	std::ostringstream out, err;
	// Options beyond those run() sets (format, minfree, progress).
	pd::SaveOptions opts;
};

inline bool contains(const std::string &s, const std::string &what)
{
	return s.find(what) != std::string::npos;
}

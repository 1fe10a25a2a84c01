// SPDX-License-Identifier: GPL-2.0
// common/config: dumpadm.conf parsing and formatting.
#include <gtest/gtest.h>

#include <sys/stat.h>

#include "common/config.h"
#include "common/error.h"
#include "pd_format.h"
#include "test_util.h"

using pd::DumpConfig;

TEST(Config, DefaultsWhenEmpty)
{
	DumpConfig c = pd::parse_config("", "t", "host1");

	EXPECT_EQ(c.device, "");
	EXPECT_EQ(c.savedir, "/var/crash/host1");
	EXPECT_EQ(c.content, (uint32_t)PD_CONTENT_KERNEL);
	EXPECT_TRUE(c.enable);
	EXPECT_TRUE(c.csave);
	EXPECT_EQ(c.compression, (uint32_t)PD_COMPRESS_ZSTD);
	EXPECT_EQ(c.level, 1);
}

TEST(Config, FormatParseRoundTrip)
{
	DumpConfig c = pd::default_config("h");
	c.device = "/dev/vdb1";
	c.savedir = "/srv/crash";
	c.content = PD_CONTENT_CURPROC;
	c.enable = false;
	c.csave = false;
	c.compression = PD_COMPRESS_LZO;
	c.level = 3;

	std::string text = pd::format_config(c);
	EXPECT_EQ(text.rfind("#\n# dumpadm.conf\n", 0), 0u);
	EXPECT_NE(text.find("DUMPADM_DEVICE=/dev/vdb1\n"), std::string::npos);
	EXPECT_NE(text.find("DUMPADM_CONTENT=curproc\n"), std::string::npos);
	EXPECT_NE(text.find("DUMPADM_ENABLE=no\n"), std::string::npos);
	EXPECT_NE(text.find("DUMPADM_CSAVE=off\n"), std::string::npos);
	EXPECT_NE(text.find("DUMPADM_COMPRESSION=lzo\n"), std::string::npos);
	EXPECT_EQ(pd::parse_config(text, "t", "other"), c);

	for (uint32_t content : { PD_CONTENT_KERNEL, PD_CONTENT_ALL, PD_CONTENT_CURPROC }) {
		c.content = content;
		EXPECT_EQ(pd::parse_config(pd::format_config(c), "t", "h"), c);
	}
}

TEST(Config, IllumosSpellingsAndComments)
{
	DumpConfig c = pd::parse_config("# comment\n\n  DUMPADM_DEVICE = none \n"
					"DUMPADM_SAVDIR=\"/var/crash/x\"\n"
					"DUMPADM_CONTENT=all\nDUMPADM_UNKNOWN=1\n",
					"t", "h");
	EXPECT_EQ(c.device, "");
	EXPECT_EQ(c.savedir, "/var/crash/x");
	EXPECT_EQ(c.content, (uint32_t)PD_CONTENT_ALL);
}

TEST(Config, ErrorsNameFileLineAndValue)
{
	try {
		pd::parse_config("DUMPADM_DEVICE=/dev/vdb\nDUMPADM_CONTENT=some\n", "/etc/dumpadm.conf", "h");
		FAIL() << "accepted a bad content";
	} catch (const pd::Error &e) {
		EXPECT_STREQ(e.what(), "/etc/dumpadm.conf:2: DUMPADM_CONTENT: expected kernel, all or curproc, found \"some\"");
		EXPECT_EQ(e.kind(), pd::ErrorKind::Usage);
	}
	EXPECT_THROW(pd::parse_config("garbage\n", "t", "h"), pd::Error);
	EXPECT_THROW(pd::parse_config("DUMPADM_ENABLE=maybe\n", "t", "h"), pd::Error);
	EXPECT_THROW(pd::parse_config("DUMPADM_LEVEL=x\n", "t", "h"), pd::Error);
	EXPECT_THROW(pd::parse_config("DUMPADM_LEVEL=40\n", "t", "h"), pd::Error);
	EXPECT_NO_THROW(pd::parse_config("DUMPADM_COMPRESSION=none\nDUMPADM_LEVEL=0\n", "t", "h"));
}

// The zstd bounds come from formats/ (PD_ZSTD_LEVEL_MIN, _MAX): dumpadm.conf
// and dumpadm --level refuse with them.
TEST(Config, CompressionLevelBounds)
{
	EXPECT_EQ(pd::zstd_level_range(), "1..22");
	EXPECT_EQ(pd::parse_config("DUMPADM_LEVEL=22\n", "t", "h").level, 22);
	EXPECT_EQ(pd::parse_config("DUMPADM_LEVEL=1\n", "t", "h").level, 1);
	for (const char *level : { "0", "23", "-1" }) {
		try {
			pd::parse_config(std::string("DUMPADM_LEVEL=") + level + "\n", "/etc/dumpadm.conf", "h");
			FAIL() << "accepted zstd level " << level;
		} catch (const pd::Error &e) {
			EXPECT_EQ(std::string(e.what()), std::string("/etc/dumpadm.conf: DUMPADM_LEVEL=") + level +
				  " is out of range for zstd (1..22)");
			EXPECT_EQ(e.kind(), pd::ErrorKind::Usage);
		}
	}
	EXPECT_EQ(pd::parse_config("DUMPADM_COMPRESSION=lzo\nDUMPADM_LEVEL=99\n", "t", "h").level, 99);
	try {
		pd::check_compression_level(PD_COMPRESS_ZSTD, 30, "compression level 30");
		FAIL();
	} catch (const pd::Error &e) {
		EXPECT_STREQ(e.what(), "compression level 30 is out of range for zstd (1..22)");
	}
	EXPECT_NO_THROW(pd::check_compression_level(PD_COMPRESS_NONE, 30, "x"));
}

TEST(Config, SaveCreatesEtcUnderRoot)
{
	pdtest::TempDir tmp;
	DumpConfig c = pd::default_config("h");
	c.device = "/dev/vdb";

	EXPECT_EQ(pd::load_config(tmp.path()).device, "");	// no file yet
	pd::save_config(tmp.path(), c);
	EXPECT_EQ(pd::config_path(tmp.path() + "/"), tmp / "etc/dumpadm.conf");
	EXPECT_EQ(pdtest::read_text(tmp / "etc/dumpadm.conf"), pd::format_config(c));
	EXPECT_EQ(pd::load_config(tmp.path()).device, "/dev/vdb");
}

TEST(Config, MinfreeKeyAndFile)
{
	DumpConfig c = pd::default_config("h");
	EXPECT_FALSE(c.minfree);
	EXPECT_NE(pd::format_config(c).find("DUMPADM_MINFREE=\n"), std::string::npos);

	c.minfree = pd::MinFree{ 10, '%' };
	std::string text = pd::format_config(c);
	EXPECT_NE(text.find("DUMPADM_MINFREE=10%\n"), std::string::npos);
	EXPECT_EQ(pd::parse_config(text, "t", "h"), c);
	EXPECT_FALSE(pd::parse_config("DUMPADM_MINFREE=\n", "t", "h").minfree);
	// Written back in the canonical spelling.
	c = pd::parse_config("DUMPADM_MINFREE= 0064M \n", "t", "h");
	EXPECT_NE(pd::format_config(c).find("DUMPADM_MINFREE=64m\n"), std::string::npos);

	try {
		pd::parse_config("DUMPADM_DEVICE=/dev/vdb\nDUMPADM_MINFREE=lots\n", "/etc/dumpadm.conf", "h");
		FAIL() << "accepted a bad minfree";
	} catch (const pd::Error &e) {
		EXPECT_STREQ(e.what(), "/etc/dumpadm.conf:2: DUMPADM_MINFREE: expected a number of KiB, or one with a k, m, g or % suffix (at most 100%), found \"lots\"");
		EXPECT_EQ(e.kind(), pd::ErrorKind::Usage);
	}

	pdtest::TempDir tmp;
	pd::write_minfree_file(tmp / "var/crash/h", pd::MinFree{ 64, 'm' });
	EXPECT_EQ(pdtest::read_text(tmp / "var/crash/h/minfree"), "64m\n");
	struct stat st;
	ASSERT_EQ(::stat((tmp / "var/crash/h").c_str(), &st), 0);
	EXPECT_EQ(st.st_mode & 07777, 0700u);
	ASSERT_EQ(::stat((tmp / "var/crash").c_str(), &st), 0);
	EXPECT_EQ(st.st_mode & 07777, 0755u);
}

TEST(Config, HeaderExplainsTheFile)
{
	std::string text = pd::format_config(pd::default_config("h"));

	EXPECT_NE(text.find("use dumpadm(8)"), std::string::npos);
	EXPECT_NE(text.find("savecore.service"), std::string::npos);
	// Every key, in a fixed order, once.
	size_t pos = 0;
	for (const char *k : { "DUMPADM_DEVICE=", "DUMPADM_SAVDIR=", "DUMPADM_CONTENT=",
			       "DUMPADM_ENABLE=", "DUMPADM_CSAVE=", "DUMPADM_COMPRESSION=",
			       "DUMPADM_LEVEL=", "DUMPADM_MINFREE=" }) {
		size_t at = text.find(std::string("\n") + k);
		ASSERT_NE(at, std::string::npos) << k;
		EXPECT_GT(at, pos) << k;
		pos = at;
	}
}

// SPDX-License-Identifier: GPL-2.0
// common/minfree: the one minfree syntax of dumpadm -m, dumpadm.conf,
// DUMPADM_MINFREE and <savecore dir>/minfree; every form it takes and
// refuses, the canonical spelling and what a value resolves to.
#include <gtest/gtest.h>

#include "common/error.h"
#include "common/minfree.h"

namespace {

struct Good {
	const char *text;
	pd::MinFree value;
	const char *canonical;
	uint64_t bytes;		// resolved on a 1 TiB file system
};

constexpr uint64_t kFs = 1ULL << 40;

const Good kGood[] = {
	{ "0", { 0, 0 }, "0", 0 },
	{ "1024", { 1024, 0 }, "1024", 1u << 20 },			// bare: KiB
	{ "007", { 7, 0 }, "7", 7 * 1024 },
	{ "100k", { 100, 'k' }, "100k", 102400 },
	{ "100K", { 100, 'k' }, "100k", 102400 },
	{ "64m", { 64, 'm' }, "64m", 64u << 20 },
	{ "64M", { 64, 'm' }, "64m", 64u << 20 },
	{ "2g", { 2, 'g' }, "2g", 2ULL << 30 },
	{ "2G", { 2, 'g' }, "2g", 2ULL << 30 },
	{ "0%", { 0, '%' }, "0%", 0 },
	{ "10%", { 10, '%' }, "10%", kFs / 10 },
	{ "100%", { 100, '%' }, "100%", kFs },
	{ " 12 \n", { 12, 0 }, "12", 12288 },			// white space around
	{ "\t5m ", { 5, 'm' }, "5m", 5u << 20 },
	// The largest that still fit 64 bits of bytes, unit by unit.
	{ "18014398509481983", { 18014398509481983ULL, 0 }, "18014398509481983",
	  18014398509481983ULL * 1024 },
	{ "18014398509481983k", { 18014398509481983ULL, 'k' }, "18014398509481983k",
	  18014398509481983ULL * 1024 },
	{ "17592186044415m", { 17592186044415ULL, 'm' }, "17592186044415m",
	  17592186044415ULL << 20 },
	{ "17179869183g", { 17179869183ULL, 'g' }, "17179869183g", 17179869183ULL << 30 },
};

const char *const kBad[] = {
	"", "   ", "\n",				// nothing
	"k", "m", "G", "%",				// a suffix alone
	"-1", "+5", "-5%",				// signs
	"1.5m", "1,5m", "1e3",				// not whole numbers
	"0x10", "abc", "lots",				// not decimal
	"12x", "5kb", "5mm", "5%%", "5 MiB", "k5",	// other or doubled suffixes
	"10 %", "1 0", "5 m",				// space inside
	"101%", "1000%",				// more than the file system
	"18014398509481984", "18014398509481984k",	// more than 64 bits of bytes
	"17592186044416m", "17179869184g",
	"99999999999999999999",				// more than 64 bits at all
};

} // namespace

TEST(MinFree, EveryAcceptedForm)
{
	for (const Good &g : kGood) {
		pd::MinFree m = pd::parse_minfree(g.text, "t");
		EXPECT_EQ(m, g.value) << '"' << g.text << '"';
		EXPECT_EQ(m.text(), g.canonical) << '"' << g.text << '"';
		EXPECT_EQ(pd::parse_minfree(m.text(), "t"), m) << '"' << g.text << '"';
		EXPECT_EQ(m.resolve(kFs), g.bytes) << '"' << g.text << '"';
	}
}

TEST(MinFree, EveryRejectedFormNamesValueAndSyntax)
{
	for (const char *bad : kBad) {
		try {
			pd::parse_minfree(bad, "-m");
			ADD_FAILURE() << "accepted \"" << bad << '"';
		} catch (const pd::Error &e) {
			std::string trimmed(bad);
			trimmed.erase(0, trimmed.find_first_not_of(" \t\n"));
			trimmed.erase(trimmed.find_last_not_of(" \t\n") + 1);
			EXPECT_EQ(std::string(e.what()),
				  "-m: expected a number of KiB, or one with a k, m, g or % suffix (at most 100%), found \"" +
				  trimmed + "\"");
			EXPECT_EQ(e.kind(), pd::ErrorKind::Usage);
		}
	}
	EXPECT_EQ(std::string(pd::kMinFreeSyntax),
		  "a number of KiB, or one with a k, m, g or % suffix (at most 100%)");
}

TEST(MinFree, ResolveAndDescribe)
{
	pd::MinFree pct{ 10, '%' };
	EXPECT_EQ(pct.resolve(1000), 100u);
	EXPECT_EQ(pct.resolve(UINT64_MAX), UINT64_MAX / 100 * 10 + UINT64_MAX % 100 * 10 / 100);
	EXPECT_EQ((pd::MinFree{ 100, '%' }).resolve(UINT64_MAX), UINT64_MAX);
	EXPECT_EQ(pct.describe(), "10% of the file system");
	EXPECT_EQ((pd::MinFree{ 64, 'm' }).describe(), "64.0 MiB");
	EXPECT_EQ(pd::kDefaultMinFree.describe(), "1.0 MiB");
	// Not from the parser, too large: saturates instead of wrapping.
	EXPECT_EQ((pd::MinFree{ UINT64_MAX, 'g' }).resolve(0), UINT64_MAX);
	EXPECT_EQ(pd::minfree_file("/var/crash/h"), "/var/crash/h/minfree");
}

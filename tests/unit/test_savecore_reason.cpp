// SPDX-License-Identifier: GPL-2.0
// savecore says why a dump is incomplete or missing: info.N's "dump
// error" line, the warning, the "saved" and -C lines, the no-dump
// message, and -v's raw record; from the module's error record, else from
// the header's state and flags.
#include <gtest/gtest.h>

#include <filesystem>
#include <string>

#include "savecore_fixture.h"

namespace fs = std::filesystem;
using pdtest::read_text;

namespace {

struct pd_dump_error record(uint32_t kind, uint32_t stage, uint32_t round, int32_t err,
			    uint32_t status, uint64_t sector, uint64_t pages)
{
	struct pd_dump_error e = {};

	e.kind = kind;
	e.stage = stage;
	e.round = round;
	e.err = err;
	e.status = status;
	e.sector = sector;
	e.pages = pages;
	return e;
}

// What a recording module leaves when it stops early: the INCOMPLETE
// flag, the pages it stored, its first error.
pdtest::SyntheticSpec stopped(const struct pd_dump_error &e)
{
	pdtest::SyntheticSpec spec;

	spec.incomplete = true;
	spec.pages_written = 3;
	spec.records_errors = true;
	spec.error = e;
	return spec;
}

// info.N's lines from "incomplete" on to "vmcore format", which is where
// the reason goes.
std::string status_lines(const std::string &info)
{
	size_t from = info.find("incomplete: ");
	size_t to = info.find("vmcore format: ");
	if (from == std::string::npos || to == std::string::npos || to < from)
		return "<no incomplete .. vmcore format lines in:\n" + info + ">";
	return info.substr(from, to - from);
}

} // namespace

TEST_F(Savecore, ReasonOutOfSpace)
{
	put_image(pdtest::build_synthetic_dump(
		stopped(record(PD_ERR_NOSPC, PD_STAGE_ROUND, 3, -28, 0, 0, 3))));
	const std::string why = "out of space while writing the image (round 3), errno -28, after 3 pages";

	ASSERT_EQ(run(), pd::kSaveOk) << err.str();
	EXPECT_EQ(status_lines(read_text(file("info.0"))),
		  "incomplete: yes\ncapture: finished\ndump error: " + why + "\n");
	EXPECT_TRUE(contains(err.str(), "savecore: warning: the dump is incomplete: " + why +
				       "; pages the capture module did not write show as incomplete in crash\n"))
		<< err.str();
	EXPECT_FALSE(contains(err.str(), "ran out of room or time")) << err.str();
	EXPECT_TRUE(contains(out.str(), "from " + image() + " to " + dir() + "; incomplete: " + why + "\n"))
		<< out.str();
}

TEST_F(Savecore, ReasonIoErrorWithSectorAndStatus)
{
	put_image(pdtest::build_synthetic_dump(
		stopped(record(PD_ERR_IO, PD_STAGE_ROUND, 2, -5, 0x2, 123456, 3))));
	const std::string why = "I/O error while writing the image (round 2) at sector 123456, "
				"status 0x2, errno -5, after 3 pages";

	ASSERT_EQ(run(), pd::kSaveOk) << err.str();
	EXPECT_EQ(status_lines(read_text(file("info.0"))),
		  "incomplete: yes\ncapture: finished\ndump error: " + why + "\n");
	EXPECT_TRUE(contains(err.str(), "warning: the dump is incomplete: " + why + "; ")) << err.str();
	EXPECT_TRUE(contains(out.str(), "; incomplete: " + why + "\n")) << out.str();

	// A second save (-d) of the SAVED header says the same: the record stays.
	ASSERT_EQ(run(true), pd::kSaveOk) << err.str();
	EXPECT_TRUE(contains(read_text(file("info.1")), "dump error: " + why + "\n"));
}

TEST_F(Savecore, ReasonTimeoutBeforeAnyImage)
{
	pdtest::SyntheticDump d = pdtest::build_synthetic_dump(
		stopped(record(PD_ERR_TIMEOUT, PD_STAGE_IMAGE, 0, -110, 0, 4104, 0)));
	pd_header_section(&d.header, PD_SECT_KDUMP)->length = 0;
	d.header.dumped_pages = 0;
	d.reseal();
	put_image(d);
	const std::string why = "controller timeout while writing the image metadata at sector 4104, errno -110";

	ASSERT_EQ(run(), pd::kSaveOk) << err.str();
	EXPECT_TRUE(contains(err.str(), "savecore: warning: the capture module wrote no kdump image: " + why +
				       "; saving the log only\n")) << err.str();
	EXPECT_TRUE(contains(out.str(), "saved dmesg.0 (no vmcore) from " + image() + " to " + dir() +
				       "; incomplete: " + why + "\n")) << out.str();
	std::string info = read_text(file("info.0"));
	EXPECT_EQ(status_lines(info), "incomplete: yes\ncapture: finished\ndump error: " + why + "\n");
	EXPECT_TRUE(contains(info, "vmcore format: none\n")) << info;
	EXPECT_FALSE(fs::exists(file("vmcore.0")));
}

// An oops inside the dump: the module records it and the header it
// manages to write still says DUMPING. The record, not the state, says why.
TEST_F(Savecore, ReasonFaultInAnUnfinishedDump)
{
	pdtest::SyntheticSpec spec = stopped(record(PD_ERR_FAULT, PD_STAGE_ROUND, 1, 0, 0, 0, 2));
	spec.state = PD_STATE_DUMPING;
	put_image(pdtest::build_synthetic_dump(spec));
	const std::string why = "fault while writing the image (round 1), after 2 pages";

	ASSERT_EQ(run(false, true), pd::kSaveOk);
	EXPECT_TRUE(contains(out.str(), "savecore: unsaved incomplete dump on " + image() + " from ")) << out.str();
	EXPECT_TRUE(contains(out.str(), spec.panic + "; incomplete: " + why + "\n")) << out.str();

	ASSERT_EQ(run(), pd::kSaveOk) << err.str();
	EXPECT_EQ(status_lines(read_text(file("info.0"))),
		  "incomplete: yes\ncapture: unfinished (header state dumping: the module did not finish)\n"
		  "dump error: " + why + "\n");
	EXPECT_TRUE(contains(out.str(), "; incomplete: " + why + "\n")) << out.str();
}

TEST_F(Savecore, ReasonNoRecordWhileDumping)
{
	// A recording module that met no error and left DUMPING: the power
	// went, the machine hung or was reset, after the last checkpoint.
	pdtest::SyntheticSpec spec = stopped({});
	spec.state = PD_STATE_DUMPING;
	put_image(pdtest::build_synthetic_dump(spec));
	const std::string cut = "cut off from outside after the last checkpoint (no error recorded and the "
				"header still says dumping: power loss, a hang or a reset)";

	ASSERT_EQ(run(), pd::kSaveOk) << err.str();
	EXPECT_TRUE(contains(read_text(file("info.0")), "dump error: " + cut + "\n"));
	EXPECT_TRUE(contains(err.str(), "warning: the dump is incomplete: " + cut + "; ")) << err.str();
	EXPECT_TRUE(contains(out.str(), "; incomplete: " + cut + "\n")) << out.str();

	// A module that records nothing cannot tell a reset from its own death.
	spec.records_errors = false;
	put_image(pdtest::build_synthetic_dump(spec));
	ASSERT_EQ(run(), pd::kSaveOk) << err.str();
	EXPECT_TRUE(contains(read_text(file("info.1")),
			     "dump error: unfinished after the last checkpoint: cut off from outside or a fault "
			     "inside the dump (the capture module does not record errors)\n"));
}

TEST_F(Savecore, ReasonNoRecordButIncomplete)
{
	// An older module: no compat bit, so the bytes at +832 are no record
	// even when they are not zero.
	pdtest::SyntheticSpec spec = stopped(record(PD_ERR_IO, PD_STAGE_LOG, 0, -5, 1, 8, 0));
	spec.records_errors = false;
	pdtest::SyntheticDump d = pdtest::build_synthetic_dump(spec);
	d.header.error = spec.error;
	d.reseal();
	put_image(d);
	const std::string old = "reason unknown (the capture module does not record errors)";

	ASSERT_EQ(run(), pd::kSaveOk) << err.str();
	EXPECT_EQ(status_lines(read_text(file("info.0"))),
		  "incomplete: yes\ncapture: finished\ndump error: " + old + "\n");
	EXPECT_TRUE(contains(err.str(), "warning: the dump is incomplete: " + old + "; ")) << err.str();
	EXPECT_FALSE(contains(out.str() + err.str(), "I/O error")) << out.str() << err.str();

	// A recording module that flagged the dump and recorded nothing.
	put_image(pdtest::build_synthetic_dump(stopped({})));
	ASSERT_EQ(run(), pd::kSaveOk) << err.str();
	EXPECT_TRUE(contains(read_text(file("info.1")),
			     "dump error: reason unknown (the incomplete flag is set but the error record is empty)\n"));
}

TEST_F(Savecore, NoReasonForACompleteDump)
{
	for (bool records : { false, true }) {
		pdtest::SyntheticSpec spec;
		spec.records_errors = records;
		fs::remove_all(dir());
		put_image(pdtest::build_synthetic_dump(spec));

		ASSERT_EQ(run(), pd::kSaveOk) << err.str();
		EXPECT_EQ(status_lines(read_text(file("info.0"))), "incomplete: no\ncapture: finished\n") << records;
		EXPECT_EQ(err.str(), "") << records;
		EXPECT_TRUE(contains(out.str(), " to " + dir() + "\n")) << out.str();
	}
}

// The record need not come with an incomplete image: an I/O error on the
// log leaves the image whole, and savecore says so without "incomplete".
TEST_F(Savecore, ReasonInACompleteDump)
{
	pdtest::SyntheticSpec spec;
	spec.records_errors = true;
	spec.error = record(PD_ERR_IO, PD_STAGE_LOG, 0, -5, 0x281, 2056, 0);
	put_image(pdtest::build_synthetic_dump(spec));
	const std::string why = "I/O error while writing the log at sector 2056, status 0x281, errno -5";

	ASSERT_EQ(run(), pd::kSaveOk) << err.str();
	EXPECT_EQ(status_lines(read_text(file("info.0"))),
		  "incomplete: no\ncapture: finished\ndump error: " + why + "\n");
	EXPECT_EQ(err.str(), "savecore: warning: the capture module recorded an error in a complete dump: " +
			     why + "\n");
	EXPECT_TRUE(contains(out.str(), " to " + dir() + "; dump error: " + why + "\n")) << out.str();
}

// Descs savecore had to empty make a dump incomplete that the module
// thought whole; info.N says that is why.
TEST_F(Savecore, ReasonForDescsSavecoreEmptied)
{
	pdtest::SyntheticDump d = pdtest::build_synthetic_dump({});
	struct kdump_page_desc bad = { (int64_t)d.image.size(), 100, DUMP_DH_COMPRESSED_ZSTD, 0 };
	std::memcpy(d.area.data() + PD_KDUMP_OFFSET + d.layout.off_desc + 4 * sizeof(bad), &bad, sizeof(bad));
	put_image(d);
	const std::string why = "1 page descriptor was invalid or pointed outside the image and savecore "
				"emptied it (the capture module recorded no error)";

	ASSERT_EQ(run(), pd::kSaveOk) << err.str();
	EXPECT_EQ(status_lines(read_text(file("info.0"))),
		  "incomplete: yes\ncapture: finished\ndump error: " + why + "\n");
	EXPECT_TRUE(contains(out.str(), "; incomplete: " + why + "\n")) << out.str();
}

// No dump to save, but the header records an error: the message says it.
TEST_F(Savecore, NoDumpMessageCarriesTheRecord)
{
	pdtest::SyntheticSpec spec;
	spec.state = PD_STATE_ARMED;
	spec.records_errors = true;
	spec.error = record(PD_ERR_NOT_OURS, PD_STAGE_IDENTITY, 0, 0, 0, 0, 0);
	put_image(pdtest::build_synthetic_dump(spec));

	EXPECT_EQ(run(), pd::kSaveNoDump);
	EXPECT_EQ(err.str(), "savecore: no dump on " + image() +
			     " (state armed; dump error: device not ours while reading back the armed header)\n");
	EXPECT_EQ(run(false, true), pd::kSaveNoDump);
	EXPECT_EQ(err.str(), "savecore: no dump on " + image() +
			     " (state armed; dump error: device not ours while reading back the armed header)\n");

	spec.state = PD_STATE_SAVED;
	spec.error = record(PD_ERR_TIMEOUT, PD_STAGE_TAKEOVER, 0, -110, 0, 0, 0);
	put_image(pdtest::build_synthetic_dump(spec));
	EXPECT_EQ(run(), pd::kSaveNoDump);
	EXPECT_EQ(err.str(), "savecore: no dump on " + image() +
			     " (state saved; dump error: controller timeout while taking over the controller at "
			     "sector 0, errno -110; -d saves it again)\n");
	EXPECT_FALSE(fs::exists(dir()));
}

TEST_F(Savecore, VerbosePrintsTheRawRecord)
{
	opts.verbose = true;
	pdtest::SyntheticSpec spec = stopped(record(PD_ERR_IO, PD_STAGE_ROUND, 2, -5, 0x2, 123456, 3));
	spec.error.reserved = 7;
	put_image(pdtest::build_synthetic_dump(spec));
	ASSERT_EQ(run(), pd::kSaveOk) << err.str();
	EXPECT_TRUE(contains(out.str(), "savecore: " + image() + ": primary header@0x0: error record at +832: "
				       "kind 1 (I/O error), stage 6 (while writing the image), round 2, err -5, "
				       "status 0x2, reserved 0x7, sector 123456, pages 3\n")) << out.str();

	// Compat bit set, nothing met: the zeros are still shown.
	put_image(pdtest::build_synthetic_dump(stopped({})));
	ASSERT_EQ(run(), pd::kSaveOk) << err.str();
	EXPECT_TRUE(contains(out.str(), ": error record at +832: kind 0 (no error), stage 0 (during the dump), "
				       "round 0, err 0, status 0x0, reserved 0x0, sector 0, pages 0\n")) << out.str();

	// No compat bit: nothing, or bytes that are ignored.
	pdtest::SyntheticSpec plain;
	put_image(pdtest::build_synthetic_dump(plain));
	ASSERT_EQ(run(), pd::kSaveOk) << err.str();
	EXPECT_TRUE(contains(out.str(), ": error record at +832: none (compat bit ERROR not set: the capture "
				       "module does not record errors)\n")) << out.str();
	pdtest::SyntheticDump d = pdtest::build_synthetic_dump(plain);
	d.header.error = record(99, 77, 0, 0, 0, 0, 0);
	d.reseal();
	put_image(d);
	ASSERT_EQ(run(), pd::kSaveOk) << err.str();
	EXPECT_TRUE(contains(out.str(), ": error record at +832 ignored (compat bit ERROR not set): kind 99 "
				       "(unknown error kind), stage 77 (at unknown stage), ")) << out.str();
	EXPECT_FALSE(contains(read_text(file("info.3")), "dump error")) << read_text(file("info.3"));
}

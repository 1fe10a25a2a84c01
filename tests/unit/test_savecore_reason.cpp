// SPDX-License-Identifier: GPL-2.0
// savecore says why a dump is incomplete or missing: info.N's "dump
// error" line, the warning, the "saved" and -C lines, the no-dump
// message, and -v's raw record; from the module's error record, else from
// the header's state and flags. The records are the real writer's, met
// by the faults that cause them; a header the writer cannot leave (an
// older module's, a record that never reaches the device) is a real one
// changed, and says so.
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

bool same_record(const struct pd_dump_error &a, const struct pd_dump_error &b)
{
	return std::memcmp(&a, &b, sizeof(a)) == 0;
}

// The writer out of space after the kernel image (k pages) and the data
// of pfns 1, 2 and 3; zero pages 5 and 6 still get their descs, then pfn
// 100 finds no room: round 3, k + 5 pages stored. The data stream stops
// at the end of what it wrote: the shared zero page and k + 3 raw pages
// after the desc table.
pdtest::RealDump out_of_space(struct pd_dump_error *want)
{
	pdtest::DumpSpec spec = pdtest::out_of_space_after({}, 3);
	uint64_t k = spec.kimage.second - spec.kimage.first;
	pdtest::RealDump d = pdtest::make_dump(spec);
	*want = record(PD_ERR_NOSPC, PD_STAGE_ROUND, 3, -28, 0,
		       (PD_KDUMP_OFFSET + d.layout.off_data + (1 + k + 3) * 4096) / 512, k + 5);
	return d;
}

// A read error (status 0x2) on the first read of the image's pages:
// bitmap 2, as round 3 starts, before any page. The writer stops the
// image there and finishes the dump.
pdtest::RealDump read_error(struct pd_dump_error *want)
{
	pdtest::DumpSpec spec;
	spec.fail_read = 2;		// 1: the identity check
	spec.fail_status = 0x2;
	pdtest::RealDump d = pdtest::make_dump(spec);
	*want = record(PD_ERR_IO, PD_STAGE_ROUND, 3, -5, 0x2,
		       (PD_KDUMP_OFFSET + d.layout.off_bitmap2) / 512, 0);
	return d;
}

// A header an older module wrote: no compat bit ERROR.
void without_compat_error(pdtest::RealDump &d)
{
	d.header.compat_features &= ~PD_COMPAT_ERROR;
	d.reseal();
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
	struct pd_dump_error want;
	pdtest::RealDump d = out_of_space(&want);
	ASSERT_TRUE(same_record(d.header.error, want));
	ASSERT_EQ(d.header.state, (uint32_t)PD_STATE_COMPLETE);
	put_image(d);
	const std::string why = "out of space while writing the image (round 3) at sector " +
				std::to_string(want.sector) + ", errno -28, after " +
				std::to_string(want.pages) + " pages";

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
	struct pd_dump_error want;
	pdtest::RealDump d = read_error(&want);
	ASSERT_TRUE(same_record(d.header.error, want));
	put_image(d);
	const std::string why = "I/O error while writing the image (round 3) at sector " +
				std::to_string(want.sector) + ", status 0x2, errno -5, after 0 pages";

	ASSERT_EQ(run(), pd::kSaveOk) << err.str();
	EXPECT_EQ(status_lines(read_text(file("info.0"))),
		  "incomplete: yes\ncapture: finished\ndump error: " + why + "\n");
	EXPECT_TRUE(contains(err.str(), "warning: the dump is incomplete: " + why + "; ")) << err.str();
	EXPECT_TRUE(contains(out.str(), "; incomplete: " + why + "\n")) << out.str();

	// A second save (-d) of the SAVED header says the same: the record stays.
	ASSERT_EQ(run(true), pd::kSaveOk) << err.str();
	EXPECT_TRUE(contains(read_text(file("info.1")), "dump error: " + why + "\n"));
}

// The writer stops before any of the image (its desc table does not
// fit the area): the log alone, and the reason.
TEST_F(Savecore, ReasonBeforeAnyImage)
{
	pdtest::RealDump d = pdtest::make_dump(pdtest::image_does_not_fit({}));
	ASSERT_TRUE(same_record(d.header.error,
				record(PD_ERR_NOSPC, PD_STAGE_IMAGE, 0, -28, 0, PD_KDUMP_OFFSET / 512, 0)));
	ASSERT_EQ(pd_header_section(&d.header, PD_SECT_KDUMP)->length, 0u);
	put_image(d);
	const std::string why = "out of space while writing the image metadata at sector 4096, errno -28";

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
	pdtest::DumpSpec spec;
	spec.fault_after_pages = 2;
	pdtest::RealDump d = pdtest::make_dump(spec);
	ASSERT_EQ(d.header.state, (uint32_t)PD_STATE_DUMPING);
	ASSERT_TRUE(same_record(d.header.error, record(PD_ERR_FAULT, PD_STAGE_ROUND, 3, -14, 0, 0, 2)));
	put_image(d);
	const std::string why = "fault while writing the image (round 3), errno -14, after 2 pages";

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
	// went, the machine hung or was reset, after the last checkpoint
	// (here the one after the kernel image, pfns 1 2 3).
	pdtest::DumpSpec spec;
	spec.kimage = { 1, 4 };
	spec.cut_after_pages = 3;
	pdtest::RealDump d = pdtest::make_dump(spec);
	ASSERT_EQ(d.header.state, (uint32_t)PD_STATE_DUMPING);
	ASSERT_TRUE(d.header.compat_features & PD_COMPAT_ERROR);
	ASSERT_EQ(d.header.error.kind, (uint32_t)PD_ERR_NONE);
	put_image(d);
	const std::string cut = "cut off from outside after the last checkpoint (no error recorded and the "
				"header still says dumping: power loss, a hang or a reset)";

	ASSERT_EQ(run(), pd::kSaveOk) << err.str();
	EXPECT_TRUE(contains(read_text(file("info.0")), "dump error: " + cut + "\n"));
	EXPECT_TRUE(contains(err.str(), "warning: the dump is incomplete: " + cut + "; ")) << err.str();
	EXPECT_TRUE(contains(out.str(), "; incomplete: " + cut + "\n")) << out.str();

	// A module that records nothing cannot tell a reset from its own death.
	without_compat_error(d);
	put_image(d);
	ASSERT_EQ(run(), pd::kSaveOk) << err.str();
	EXPECT_TRUE(contains(read_text(file("info.1")),
			     "dump error: unfinished after the last checkpoint: cut off from outside or a fault "
			     "inside the dump (the capture module does not record errors)\n"));
}

TEST_F(Savecore, ReasonNoRecordButIncomplete)
{
	// An older module: no compat bit, so the bytes at +832 are no record
	// even when they are not zero (here the writer's own record).
	struct pd_dump_error want;
	pdtest::RealDump d = out_of_space(&want);
	ASSERT_TRUE(same_record(d.header.error, want));
	without_compat_error(d);
	put_image(d);
	const std::string old = "reason unknown (the capture module does not record errors)";

	ASSERT_EQ(run(), pd::kSaveOk) << err.str();
	EXPECT_EQ(status_lines(read_text(file("info.0"))),
		  "incomplete: yes\ncapture: finished\ndump error: " + old + "\n");
	EXPECT_TRUE(contains(err.str(), "warning: the dump is incomplete: " + old + "; ")) << err.str();
	EXPECT_FALSE(contains(out.str() + err.str(), "out of space")) << out.str() << err.str();

	// A recording module that flagged the dump and recorded nothing (the
	// writer always records why it stops: its record emptied).
	d = out_of_space(&want);
	d.header.error = {};
	d.reseal();
	put_image(d);
	ASSERT_EQ(run(), pd::kSaveOk) << err.str();
	EXPECT_TRUE(contains(read_text(file("info.1")),
			     "dump error: reason unknown (the incomplete flag is set but the error record is empty)\n"));
}

TEST_F(Savecore, NoReasonForACompleteDump)
{
	for (bool records : { false, true }) {
		pdtest::RealDump d = pdtest::make_dump({});
		ASSERT_EQ(d.header.error.kind, (uint32_t)PD_ERR_NONE);
		if (!records)
			without_compat_error(d);
		fs::remove_all(dir());
		put_image(d);

		ASSERT_EQ(run(), pd::kSaveOk) << err.str();
		EXPECT_EQ(status_lines(read_text(file("info.0"))), "incomplete: no\ncapture: finished\n") << records;
		EXPECT_EQ(err.str(), "") << records;
		EXPECT_TRUE(contains(out.str(), " to " + dir() + "\n")) << out.str();
	}
}

// The record need not come with an incomplete image: an I/O error on the
// log would leave the image whole, and savecore says so without
// "incomplete". The writer cannot get such a record onto the device (a
// failed write stops every later one), so it is put into a complete dump.
TEST_F(Savecore, ReasonInACompleteDump)
{
	pdtest::RealDump d = pdtest::make_dump({});
	ASSERT_EQ(d.header.error.kind, (uint32_t)PD_ERR_NONE);
	d.header.error = record(PD_ERR_IO, PD_STAGE_LOG, 0, -5, 0x281, 2056, 0);
	d.reseal();
	put_image(d);
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
	pdtest::RealDump d = pdtest::make_dump({});
	struct kdump_page_desc bad = { (int64_t)d.image.size(), 100, DUMP_DH_COMPRESSED_ZSTD, 0 };
	std::memcpy(d.area.data() + PD_KDUMP_OFFSET + d.desc_offset(6), &bad, sizeof(bad));
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
	// The writer found the device armed for another dump and wrote
	// nothing; its record, which it could not put there, in the ARMED
	// header it found.
	pdtest::DumpSpec spec;
	spec.not_ours = true;
	pdtest::RealDump d = pdtest::make_dump(spec);
	ASSERT_EQ(d.header.state, (uint32_t)PD_STATE_ARMED);
	ASSERT_TRUE(same_record(d.writer_header.error,
				record(PD_ERR_NOT_OURS, PD_STAGE_IDENTITY, 0, -19, 0, 0, 0)));
	d.header.compat_features |= PD_COMPAT_ERROR;
	d.header.error = d.writer_header.error;
	d.reseal();
	put_image(d);

	const std::string armed = "savecore: no dump on " + image() +
				  " (state armed; dump error: device not ours while reading back the armed header, "
				  "errno -19)\n";
	EXPECT_EQ(run(), pd::kSaveNoDump);
	EXPECT_EQ(err.str(), armed);
	EXPECT_EQ(run(false, true), pd::kSaveNoDump);
	EXPECT_EQ(err.str(), armed);
	EXPECT_FALSE(fs::exists(dir()));

	// A dump with a record, saved: the SAVED header keeps it.
	struct pd_dump_error want;
	put_image(out_of_space(&want));
	ASSERT_EQ(run(), pd::kSaveOk) << err.str();
	EXPECT_EQ(run(), pd::kSaveNoDump);
	EXPECT_EQ(err.str(), "savecore: no dump on " + image() +
			     " (state saved; dump error: out of space while writing the image (round 3) at sector " +
			     std::to_string(want.sector) + ", errno -28, after " + std::to_string(want.pages) +
			     " pages; -d saves it again)\n");
	EXPECT_FALSE(fs::exists(file("vmcore.1")));
	EXPECT_EQ(read_text(file("bounds")), "1\n");
}

TEST_F(Savecore, VerbosePrintsTheRawRecord)
{
	opts.verbose = true;
	// The writer leaves reserved zero; savecore shows whatever is there.
	struct pd_dump_error want;
	pdtest::RealDump d = read_error(&want);
	ASSERT_TRUE(same_record(d.header.error, want));
	d.header.error.reserved = 7;
	d.reseal();
	put_image(d);
	ASSERT_EQ(run(), pd::kSaveOk) << err.str();
	EXPECT_TRUE(contains(out.str(), "savecore: " + image() + ": primary header@0x0: error record at +832: "
				       "kind 1 (I/O error), stage 6 (while writing the image), round 3, err -5, "
				       "status 0x2, reserved 0x7, sector " + std::to_string(want.sector) +
				       ", pages 0\n")) << out.str();

	// Compat bit set, nothing met: the zeros are still shown.
	d = pdtest::make_dump({});
	put_image(d);
	ASSERT_EQ(run(), pd::kSaveOk) << err.str();
	EXPECT_TRUE(contains(out.str(), ": error record at +832: kind 0 (no error), stage 0 (during the dump), "
				       "round 0, err 0, status 0x0, reserved 0x0, sector 0, pages 0\n")) << out.str();

	// No compat bit: nothing, or bytes that are ignored.
	d = pdtest::make_dump({});
	without_compat_error(d);
	put_image(d);
	ASSERT_EQ(run(), pd::kSaveOk) << err.str();
	EXPECT_TRUE(contains(out.str(), ": error record at +832: none (compat bit ERROR not set: the capture "
				       "module does not record errors)\n")) << out.str();
	d = pdtest::make_dump({});
	d.header.compat_features &= ~PD_COMPAT_ERROR;
	d.header.error = record(99, 77, 0, 0, 0, 0, 0);
	d.reseal();
	put_image(d);
	ASSERT_EQ(run(), pd::kSaveOk) << err.str();
	EXPECT_TRUE(contains(out.str(), ": error record at +832 ignored (compat bit ERROR not set): kind 99 "
				       "(unknown error kind), stage 77 (at unknown stage), ")) << out.str();
	EXPECT_FALSE(contains(read_text(file("info.3")), "dump error")) << read_text(file("info.3"));
}

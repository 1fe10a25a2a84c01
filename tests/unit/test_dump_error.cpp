// SPDX-License-Identifier: GPL-2.0
// formats/: the error record's words (pd_dump_error_kind_str,
// pd_dump_stage_str), the one-line reason pd_dump_error_format() makes of
// it, golden strings for every kind and stage, truncation, and what
// pd_header_check() and pd_header_dump_error() make of the record.
#include <gtest/gtest.h>

#include <climits>
#include <cstring>
#include <string>

#include "pd_format.h"

namespace {

struct pd_dump_error record(uint32_t kind, uint32_t stage)
{
	struct pd_dump_error e;

	std::memset(&e, 0, sizeof(e));
	e.kind = kind;
	e.stage = stage;
	return e;
}

std::string format(const struct pd_dump_error &e)
{
	char buf[256];
	size_t n = pd_dump_error_format(buf, sizeof(buf), &e);

	EXPECT_LT(n, sizeof(buf));
	EXPECT_EQ(n, std::strlen(buf));
	return buf;
}

} // namespace

TEST(DumpError, EveryKindAndStageHasWords)
{
	const std::pair<uint32_t, const char *> kinds[] = {
		{ PD_ERR_NONE, "no error" },
		{ PD_ERR_IO, "I/O error" },
		{ PD_ERR_TIMEOUT, "controller timeout" },
		{ PD_ERR_NOSPC, "out of space" },
		{ PD_ERR_NOT_OURS, "device not ours" },
		{ PD_ERR_FAULT, "fault" },
		{ PD_ERR_INVAL, "invalid request" },
		{ 7, "unknown error kind" },
		{ UINT32_MAX, "unknown error kind" },
	};
	for (const auto &[kind, words] : kinds)
		EXPECT_STREQ(pd_dump_error_kind_str(kind), words) << kind;

	const std::pair<uint32_t, const char *> stages[] = {
		{ PD_STAGE_NONE, "during the dump" },
		{ PD_STAGE_TAKEOVER, "while taking over the controller" },
		{ PD_STAGE_IDENTITY, "while reading back the armed header" },
		{ PD_STAGE_LOG, "while writing the log" },
		{ PD_STAGE_HEADER, "while writing a header copy" },
		{ PD_STAGE_IMAGE, "while writing the image metadata" },
		{ PD_STAGE_ROUND, "while writing the image" },
		{ 7, "at unknown stage" },
	};
	for (const auto &[stage, words] : stages)
		EXPECT_STREQ(pd_dump_stage_str(stage), words) << stage;
}

// Each kind as the module records it, field by field.
TEST(DumpError, GoldenReasonPerKind)
{
	struct pd_dump_error io = record(PD_ERR_IO, PD_STAGE_ROUND);
	io.round = 2;
	io.err = -5;
	io.status = 0x2;
	io.sector = 123456;
	io.pages = 1200;
	EXPECT_EQ(format(io), "I/O error while writing the image (round 2) at sector 123456, "
			      "status 0x2, errno -5, after 1200 pages");

	struct pd_dump_error nvme = record(PD_ERR_IO, PD_STAGE_LOG);
	nvme.status = 0x281;	// SCT 2 (media), SC 0x81 (unrecovered read)
	nvme.err = -5;
	nvme.sector = 2056;
	EXPECT_EQ(format(nvme), "I/O error while writing the log at sector 2056, status 0x281, errno -5");

	// Status 0 is still said for an I/O error; sector 0 for I/O and timeouts.
	struct pd_dump_error io0 = record(PD_ERR_IO, PD_STAGE_HEADER);
	EXPECT_EQ(format(io0), "I/O error while writing a header copy at sector 0, status 0x0");

	struct pd_dump_error to = record(PD_ERR_TIMEOUT, PD_STAGE_IMAGE);
	to.err = -110;
	to.sector = 4104;
	EXPECT_EQ(format(to), "controller timeout while writing the image metadata at sector 4104, errno -110");

	struct pd_dump_error nospc = record(PD_ERR_NOSPC, PD_STAGE_ROUND);
	nospc.round = 3;
	nospc.err = -28;
	nospc.pages = 1;
	EXPECT_EQ(format(nospc), "out of space while writing the image (round 3), errno -28, after 1 page");

	struct pd_dump_error ours = record(PD_ERR_NOT_OURS, PD_STAGE_IDENTITY);
	EXPECT_EQ(format(ours), "device not ours while reading back the armed header");

	struct pd_dump_error fault = record(PD_ERR_FAULT, PD_STAGE_NONE);
	EXPECT_EQ(format(fault), "fault during the dump");
	fault.stage = PD_STAGE_ROUND;
	fault.round = 1;
	EXPECT_EQ(format(fault), "fault while writing the image (round 1), after 0 pages");

	struct pd_dump_error inval = record(PD_ERR_INVAL, PD_STAGE_TAKEOVER);
	inval.err = -22;
	EXPECT_EQ(format(inval), "invalid request while taking over the controller, errno -22");

	// No error is just that, whatever else the bytes hold.
	struct pd_dump_error none = record(PD_ERR_NONE, PD_STAGE_ROUND);
	none.sector = 9;
	none.pages = 9;
	EXPECT_EQ(format(none), "no error");
}

TEST(DumpError, GoldenReasonPerStage)
{
	const std::pair<uint32_t, const char *> stages[] = {
		{ PD_STAGE_NONE, "controller timeout during the dump at sector 77, after 5 pages" },
		{ PD_STAGE_TAKEOVER, "controller timeout while taking over the controller at sector 77, after 5 pages" },
		{ PD_STAGE_IDENTITY, "controller timeout while reading back the armed header at sector 77, after 5 pages" },
		{ PD_STAGE_LOG, "controller timeout while writing the log at sector 77, after 5 pages" },
		{ PD_STAGE_HEADER, "controller timeout while writing a header copy at sector 77, after 5 pages" },
		{ PD_STAGE_IMAGE, "controller timeout while writing the image metadata at sector 77, after 5 pages" },
		{ PD_STAGE_ROUND, "controller timeout while writing the image (round 0) at sector 77, after 5 pages" },
		{ 42, "controller timeout at unknown stage 42 at sector 77, after 5 pages" },
	};
	for (const auto &[stage, golden] : stages) {
		struct pd_dump_error e = record(PD_ERR_TIMEOUT, stage);
		e.sector = 77;
		e.pages = 5;
		EXPECT_EQ(format(e), golden) << stage;
	}
}

// Values a newer (or broken) module may write: said, never refused.
TEST(DumpError, UnknownAndExtremeValues)
{
	struct pd_dump_error e = record(99, 1000);
	EXPECT_EQ(format(e), "unknown error kind 99 at unknown stage 1000");
	e.sector = 5;
	e.status = 0xdead;
	EXPECT_EQ(format(e), "unknown error kind 99 at unknown stage 1000 at sector 5, status 0xdead");

	struct pd_dump_error big = record(PD_ERR_IO, PD_STAGE_ROUND);
	big.round = UINT32_MAX;
	big.err = INT32_MIN;
	big.status = UINT32_MAX;
	big.sector = UINT64_MAX;
	big.pages = UINT64_MAX;
	EXPECT_EQ(format(big), "I/O error while writing the image (round 4294967295) at sector 18446744073709551615, "
			       "status 0xffffffff, errno -2147483648, after 18446744073709551615 pages");
	big.err = 5;	// not negative as it should be, printed as it is
	EXPECT_TRUE(format(big).find(", errno 5, ") != std::string::npos) << format(big);
}

// snprintf's contract: the whole length back, a NUL-terminated prefix in
// the buffer, nothing written past size, nothing at all for size 0.
TEST(DumpError, TruncatesToTheBuffer)
{
	struct pd_dump_error e = record(PD_ERR_IO, PD_STAGE_ROUND);
	e.round = 2;
	e.err = -5;
	e.status = 0x2;
	e.sector = 123456;
	e.pages = 1200;
	const std::string whole = format(e);
	ASSERT_EQ(whole.size(), 100u);

	for (size_t size : { size_t(1), size_t(2), size_t(10), size_t(40), whole.size(), whole.size() + 1 }) {
		char buf[128];
		std::memset(buf, '#', sizeof(buf));
		EXPECT_EQ(pd_dump_error_format(buf, size, &e), whole.size()) << size;
		EXPECT_EQ(std::string(buf), whole.substr(0, size - 1)) << size;
		EXPECT_EQ(buf[size], '#') << size;
	}
	char buf[16];
	std::memset(buf, '#', sizeof(buf));
	EXPECT_EQ(pd_dump_error_format(buf, 0, &e), whole.size());
	EXPECT_EQ(buf[0], '#');
	EXPECT_EQ(pd_dump_error_format(nullptr, 0, &e), whole.size());	// measuring
	// A cut inside a number keeps its leading digits.
	char cut[49];
	pd_dump_error_format(cut, sizeof(cut), &e);
	EXPECT_STREQ(cut, "I/O error while writing the image (round 2) at s");
	char num[46];
	pd_dump_error_format(num, sizeof(num), &e);
	EXPECT_STREQ(num, "I/O error while writing the image (round 2) a");
	char digits[58];
	pd_dump_error_format(digits, sizeof(digits), &e);
	EXPECT_STREQ(digits, "I/O error while writing the image (round 2) at sector 123");
}

TEST(DumpError, HeaderCheckAcceptsAnyRecord)
{
	struct pd_header h;
	int bad;

	pd_header_init(&h, 64ULL << 20);
	pd_header_seal(&h);
	EXPECT_EQ(pd_header_dump_error(&h), nullptr);

	// An older module: no compat bit, and whatever the bytes hold is no record.
	h.error = record(PD_ERR_IO, PD_STAGE_LOG);
	pd_header_seal(&h);
	EXPECT_EQ(pd_header_check(&h, 64ULL << 20, &bad), PD_HDR_OK);
	EXPECT_EQ(pd_header_dump_error(&h), nullptr);

	h.compat_features |= PD_COMPAT_ERROR;
	for (uint32_t kind : { 0u, 1u, 2u, 3u, 4u, 5u, 6u, 7u, UINT32_MAX }) {
		for (uint32_t stage : { 0u, 3u, 6u, 7u, UINT32_MAX }) {
			h.error = record(kind, stage);
			h.error.reserved = 0xffffffff;
			pd_header_seal(&h);
			EXPECT_EQ(pd_header_check(&h, 64ULL << 20, &bad), PD_HDR_OK) << kind << " " << stage;
			EXPECT_EQ(pd_header_dump_error(&h), kind ? &h.error : nullptr) << kind;
		}
	}
}

TEST(DumpError, RecordLayoutIsFormatMd)
{
	EXPECT_EQ(offsetof(struct pd_header, error), 832u);
	EXPECT_EQ(offsetof(struct pd_dump_error, kind), 0u);
	EXPECT_EQ(offsetof(struct pd_dump_error, stage), 4u);
	EXPECT_EQ(offsetof(struct pd_dump_error, round), 8u);
	EXPECT_EQ(offsetof(struct pd_dump_error, err), 12u);
	EXPECT_EQ(offsetof(struct pd_dump_error, status), 16u);
	EXPECT_EQ(offsetof(struct pd_dump_error, sector), 24u);
	EXPECT_EQ(offsetof(struct pd_dump_error, pages), 32u);
	EXPECT_EQ(PD_COMPAT_ERROR, 2u);
}

// SPDX-License-Identifier: GPL-2.0
// formats/pd_content: the content rule, fed the same page states as
// /proc/kpageflags shows them (dumpadm -e's path, through
// pflags_from_kpageflags()) and as the module's struct page adapter gives
// them, level by level.
#include <gtest/gtest.h>

#include <linux/kernel-page-flags.h>

#include "dumpadm/kpageflags.h"
#include "pd_content.h"
#include "pd_format.h"

namespace {

constexpr uint64_t K(unsigned b)
{
	return uint64_t(1) << b;
}

constexpr unsigned kKpfReserved = 32;	// include/linux/kernel-page-flags.h

constexpr auto SKIP = PD_VERDICT_SKIP;
constexpr auto DROP = PD_VERDICT_DROP;
constexpr auto KEEP = PD_VERDICT_KEEP;

const uint32_t kLevels[] = { PD_CONTENT_KERNEL, PD_CONTENT_ALL, PD_CONTENT_CURPROC };

struct PageState {
	const char *what;
	uint64_t kpf;		// /proc/kpageflags on 6.1
	uint32_t page;		// the module's struct page adapter
	bool mapped;		// by the panicking process: PD_PF_CURPROC
	enum pd_page_verdict kernel, all, curproc;
};

// Every state the two paths can both describe. The struct page column is
// what an adapter that asks the kernel's flag helpers (PageLRU, PageAnon,
// PageHuge look at the head of a compound page) produces.
const PageState kStates[] = {
	{ "kernel page without flags (vmalloc, stack)", 0, 0, false, KEEP, KEEP, KEEP },
	{ "slab", K(KPF_SLAB), PD_PF_SLAB, false, KEEP, KEEP, KEEP },
	{ "slab, tail of a compound slab", K(KPF_SLAB) | K(KPF_COMPOUND_TAIL), PD_PF_SLAB,
	  false, KEEP, KEEP, KEEP },
	{ "slab whose overlaid ->mapping reads as anonymous (6.12)", K(KPF_SLAB) | K(KPF_ANON),
	  PD_PF_SLAB | PD_PF_ANON, false, KEEP, KEEP, KEEP },
	{ "page table", K(KPF_PGTABLE), PD_PF_PGTABLE, false, KEEP, KEEP, KEEP },
	{ "reserved (kernel image)", K(kKpfReserved), PD_PF_RESERVED, false, KEEP, KEEP, KEEP },
	{ "reserved, mapped by the process (vDSO)", K(kKpfReserved) | K(KPF_MMAP),
	  PD_PF_RESERVED, true, KEEP, KEEP, KEEP },
	{ "the zero page, mapped by the process", K(KPF_ZERO_PAGE) | K(kKpfReserved) | K(KPF_MMAP),
	  PD_PF_ZERO_PAGE | PD_PF_RESERVED, true, KEEP, KEEP, KEEP },
	// kpageflags adds KPF_THP; the module sees neither anon nor LRU.
	{ "the huge zero page", K(KPF_THP) | K(KPF_ZERO_PAGE) | K(KPF_COMPOUND_HEAD),
	  PD_PF_ZERO_PAGE, false, KEEP, KEEP, KEEP },
	{ "free, first page of a buddy block", K(KPF_BUDDY), PD_PF_BUDDY, false, DROP, KEEP, DROP },
	// The module drops the block with its first page; 6.1 marks them all.
	{ "free, inside a buddy block", K(KPF_BUDDY), PD_PF_BUDDY, false, DROP, KEEP, DROP },
	{ "anonymous", K(KPF_ANON) | K(KPF_LRU) | K(KPF_MMAP) | K(KPF_SWAPBACKED),
	  PD_PF_ANON | PD_PF_LRU, false, DROP, KEEP, DROP },
	{ "anonymous, the process's", K(KPF_ANON) | K(KPF_LRU) | K(KPF_MMAP) | K(KPF_SWAPBACKED),
	  PD_PF_ANON | PD_PF_LRU, true, DROP, KEEP, KEEP },
	{ "anonymous, isolated from the LRU", K(KPF_ANON) | K(KPF_MMAP), PD_PF_ANON, false,
	  DROP, KEEP, DROP },
	{ "page cache", K(KPF_LRU) | K(KPF_UPTODATE) | K(KPF_MMAP), PD_PF_LRU, false,
	  DROP, KEEP, DROP },
	{ "page cache, mapped by the process", K(KPF_LRU) | K(KPF_UPTODATE) | K(KPF_MMAP),
	  PD_PF_LRU, true, DROP, KEEP, KEEP },
	{ "swap cache, off the LRU", K(KPF_SWAPCACHE) | K(KPF_SWAPBACKED) | K(KPF_UPTODATE),
	  PD_PF_SWAPCACHE, false, DROP, KEEP, DROP },
	{ "anonymous THP, head", K(KPF_ANON) | K(KPF_LRU) | K(KPF_THP) | K(KPF_COMPOUND_HEAD),
	  PD_PF_ANON | PD_PF_LRU | PD_PF_THP, false, DROP, KEEP, DROP },
	// 6.1 copies PG_lru from the tail itself: only KPF_THP says it.
	{ "page-cache THP, tail", K(KPF_THP) | K(KPF_COMPOUND_TAIL) | K(KPF_UPTODATE),
	  PD_PF_LRU | PD_PF_THP, false, DROP, KEEP, DROP },
	{ "anonymous THP, tail, the process's", K(KPF_ANON) | K(KPF_THP) | K(KPF_COMPOUND_TAIL),
	  PD_PF_ANON | PD_PF_LRU | PD_PF_THP, true, DROP, KEEP, KEEP },
	{ "hugetlb, in the pool", K(KPF_HUGE) | K(KPF_COMPOUND_HEAD), PD_PF_HUGE, false,
	  DROP, KEEP, DROP },
	{ "hugetlb, tail, the process's", K(KPF_HUGE) | K(KPF_COMPOUND_TAIL) | K(KPF_MMAP),
	  PD_PF_HUGE, true, DROP, KEEP, KEEP },
	{ "hardware-poisoned page cache", K(KPF_HWPOISON) | K(KPF_LRU),
	  PD_PF_UNREADABLE | PD_PF_LRU, false, SKIP, SKIP, SKIP },
	{ "hardware-poisoned, the process's", K(KPF_HWPOISON) | K(KPF_ANON),
	  PD_PF_UNREADABLE | PD_PF_ANON, true, SKIP, SKIP, SKIP },
	{ "hardware-poisoned free page", K(KPF_HWPOISON) | K(KPF_BUDDY),
	  PD_PF_UNREADABLE | PD_PF_BUDDY, false, SKIP, SKIP, SKIP },
	{ "offline (balloon, memory hot-unplug)", K(KPF_OFFLINE), PD_PF_UNREADABLE, false,
	  SKIP, SKIP, SKIP },
	{ "no struct page", K(KPF_NOPAGE), PD_PF_NOPAGE, false, SKIP, SKIP, SKIP },
};

enum pd_page_verdict expected(const PageState &s, uint32_t level)
{
	switch (level) {
	case PD_CONTENT_ALL:
		return s.all;
	case PD_CONTENT_CURPROC:
		return s.curproc;
	}
	return s.kernel;
}

} // namespace

TEST(Content, KpageflagsAndStructPageAgreeLevelByLevel)
{
	for (const PageState &s : kStates) {
		uint32_t mapped = s.mapped ? PD_PF_CURPROC : 0;
		uint32_t from_kpf = pd::pflags_from_kpageflags(s.kpf) | mapped;
		uint32_t from_page = s.page | mapped;

		EXPECT_EQ(pd_page_kind(from_kpf), pd_page_kind(from_page)) << s.what;
		for (uint32_t level : kLevels) {
			EXPECT_EQ(pd_content_verdict(level, from_page), expected(s, level))
				<< s.what << ", struct page, content " << level;
			EXPECT_EQ(pd_content_verdict(level, from_kpf), expected(s, level))
				<< s.what << ", kpageflags, content " << level;
		}
	}
}

// What kpageflags cannot tell: the module leaves these out, dumpadm -e
// counts them by their other flags (an estimate on the large side).
TEST(Content, UnreadableOnlyTheModuleSees)
{
	const uint32_t only_module[] = {
		PD_PF_UNACCEPTED,			// TDX/SNP, not accepted yet
		PD_PF_UNACCEPTED | PD_PF_BUDDY,
		PD_PF_UNREADABLE | PD_PF_LRU,		// secretmem: not in the direct map
	};
	for (uint32_t f : only_module)
		for (uint32_t level : kLevels)
			EXPECT_EQ(pd_content_verdict(level, f | PD_PF_CURPROC), SKIP) << f << ' ' << level;
}

TEST(Content, KindPrecedence)
{
	struct Case {
		uint32_t f;
		enum pd_page_kind kind;
	} cases[] = {
		{ 0, PD_PAGE_KERNEL },
		{ PD_PF_CURPROC, PD_PAGE_KERNEL },
		{ PD_PF_NOPAGE, PD_PAGE_UNREADABLE },
		{ PD_PF_UNREADABLE, PD_PAGE_UNREADABLE },
		{ PD_PF_UNACCEPTED, PD_PAGE_UNREADABLE },
		{ PD_PF_BUDDY, PD_PAGE_FREE },
		{ PD_PF_SLAB, PD_PAGE_KERNEL },
		{ PD_PF_PGTABLE, PD_PAGE_KERNEL },
		{ PD_PF_RESERVED, PD_PAGE_KERNEL },
		{ PD_PF_ZERO_PAGE, PD_PAGE_KERNEL },
		{ PD_PF_ANON, PD_PAGE_USER },
		{ PD_PF_HUGE, PD_PAGE_USER },
		{ PD_PF_THP, PD_PAGE_USER },
		{ PD_PF_LRU, PD_PAGE_USER },
		{ PD_PF_SWAPCACHE, PD_PAGE_USER },
		// Unreadable before free before typed kernel before user.
		{ PD_PF_UNREADABLE | PD_PF_BUDDY | PD_PF_SLAB | PD_PF_LRU, PD_PAGE_UNREADABLE },
		{ PD_PF_BUDDY | PD_PF_RESERVED | PD_PF_ANON, PD_PAGE_FREE },
		{ PD_PF_SLAB | PD_PF_ANON | PD_PF_LRU, PD_PAGE_KERNEL },
		{ PD_PF_PGTABLE | PD_PF_ANON, PD_PAGE_KERNEL },
		{ PD_PF_RESERVED | PD_PF_LRU, PD_PAGE_KERNEL },
		{ PD_PF_ZERO_PAGE | PD_PF_THP, PD_PAGE_KERNEL },
	};
	for (const Case &c : cases)
		EXPECT_EQ(pd_page_kind(c.f), c.kind) << "flags 0x" << std::hex << c.f;
}

// Over every flags word: the levels nest (kernel within curproc within
// all), unreadable pages are skipped at every level and nothing else
// is, and PD_PF_CURPROC matters to curproc only.
TEST(Content, LevelsNest)
{
	for (uint32_t f = 0; f < (PD_PF_CURPROC << 1); f++) {
		auto k = pd_content_verdict(PD_CONTENT_KERNEL, f);
		auto c = pd_content_verdict(PD_CONTENT_CURPROC, f);
		auto a = pd_content_verdict(PD_CONTENT_ALL, f);
		bool unreadable = pd_page_kind(f) == PD_PAGE_UNREADABLE;

		ASSERT_EQ(k == SKIP, unreadable) << f;
		ASSERT_EQ(c == SKIP, unreadable) << f;
		ASSERT_EQ(a, unreadable ? SKIP : KEEP) << f;
		if (k == KEEP) {
			ASSERT_EQ(c, KEEP) << f;
		}
		ASSERT_EQ(k, pd_content_verdict(PD_CONTENT_KERNEL, f ^ PD_PF_CURPROC)) << f;
		ASSERT_EQ(c == KEEP, k == KEEP || (!unreadable && (f & PD_PF_CURPROC))) << f;
		// A level this code does not know is kernel.
		ASSERT_EQ(pd_content_verdict(7, f), k) << f;
	}
}

TEST(Content, KindVerdicts)
{
	EXPECT_EQ(pd_kind_verdict(PD_CONTENT_KERNEL, PD_PAGE_KERNEL), KEEP);
	EXPECT_EQ(pd_kind_verdict(PD_CONTENT_KERNEL, PD_PAGE_USER), DROP);
	EXPECT_EQ(pd_kind_verdict(PD_CONTENT_KERNEL, PD_PAGE_FREE), DROP);
	EXPECT_EQ(pd_kind_verdict(PD_CONTENT_CURPROC, PD_PAGE_USER), DROP);
	EXPECT_EQ(pd_kind_verdict(PD_CONTENT_ALL, PD_PAGE_FREE), KEEP);
	EXPECT_EQ(pd_kind_verdict(PD_CONTENT_ALL, PD_PAGE_USER), KEEP);
	for (uint32_t level : kLevels)
		EXPECT_EQ(pd_kind_verdict(level, PD_PAGE_UNREADABLE), SKIP) << level;
}

// The adapter: each KPF bit it knows to its flag; the others (state bits
// such as dirty or locked, and the compound page's shape) to nothing.
TEST(Content, KpageflagsAdapterBits)
{
	struct Case {
		uint64_t kpf;
		uint32_t f;
	} cases[] = {
		{ K(KPF_NOPAGE), PD_PF_NOPAGE }, { K(KPF_HWPOISON), PD_PF_UNREADABLE },
		{ K(KPF_OFFLINE), PD_PF_UNREADABLE }, { K(KPF_BUDDY), PD_PF_BUDDY },
		{ K(KPF_SLAB), PD_PF_SLAB }, { K(KPF_PGTABLE), PD_PF_PGTABLE },
		{ K(kKpfReserved), PD_PF_RESERVED }, { K(KPF_ZERO_PAGE), PD_PF_ZERO_PAGE },
		{ K(KPF_ANON), PD_PF_ANON }, { K(KPF_HUGE), PD_PF_HUGE },
		{ K(KPF_THP), PD_PF_THP }, { K(KPF_LRU), PD_PF_LRU },
		{ K(KPF_SWAPCACHE), PD_PF_SWAPCACHE },
	};
	uint64_t known = 0;
	uint32_t all = 0;
	for (const Case &c : cases) {
		EXPECT_EQ(pd::pflags_from_kpageflags(c.kpf), c.f) << "KPF 0x" << std::hex << c.kpf;
		known |= c.kpf;
		all |= c.f;
	}
	EXPECT_EQ(pd::pflags_from_kpageflags(known), all);
	EXPECT_EQ(pd::pflags_from_kpageflags(~known), 0u);
	EXPECT_EQ(all & (PD_PF_UNACCEPTED | PD_PF_CURPROC), 0u);	// kpageflags cannot tell
}

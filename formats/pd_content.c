// SPDX-License-Identifier: GPL-2.0 OR MIT
/* Content levels: the page rules the module and dumpadm -e share. */
#include "pd_content.h"
#include "pd_format.h"

#define PD_PF_CANNOT_READ	(PD_PF_NOPAGE | PD_PF_UNREADABLE | PD_PF_UNACCEPTED)
#define PD_PF_TYPED_KERNEL	(PD_PF_SLAB | PD_PF_PGTABLE | PD_PF_RESERVED | \
				 PD_PF_ZERO_PAGE)
#define PD_PF_USER_OR_CACHE	(PD_PF_ANON | PD_PF_HUGE | PD_PF_THP | \
				 PD_PF_LRU | PD_PF_SWAPCACHE)

enum pd_page_kind pd_page_kind(uint32_t pflags)
{
	if (pflags & PD_PF_CANNOT_READ)
		return PD_PAGE_UNREADABLE;
	if (pflags & PD_PF_BUDDY)
		return PD_PAGE_FREE;
	/* Before the user bits: a typed page's ->mapping is not a mapping. */
	if (pflags & PD_PF_TYPED_KERNEL)
		return PD_PAGE_KERNEL;
	if (pflags & PD_PF_USER_OR_CACHE)
		return PD_PAGE_USER;
	return PD_PAGE_KERNEL;
}

enum pd_page_verdict pd_kind_verdict(uint32_t content, enum pd_page_kind kind)
{
	if (kind == PD_PAGE_UNREADABLE)
		return PD_VERDICT_SKIP;
	if (content == PD_CONTENT_ALL || kind == PD_PAGE_KERNEL)
		return PD_VERDICT_KEEP;
	return PD_VERDICT_DROP;
}

enum pd_page_verdict pd_content_verdict(uint32_t content, uint32_t pflags)
{
	enum pd_page_verdict v = pd_kind_verdict(content, pd_page_kind(pflags));

	if (v == PD_VERDICT_DROP && content == PD_CONTENT_CURPROC &&
	    (pflags & PD_PF_CURPROC))
		return PD_VERDICT_KEEP;
	return v;
}

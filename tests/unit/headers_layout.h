/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The sizes and field offsets of the shared structs, listed the same way
 * from a C11 and a C++20 translation unit so a test can compare them.
 */
#ifndef PD_HEADERS_LAYOUT_H
#define PD_HEADERS_LAYOUT_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif
size_t pd_layout_c11(uint64_t *out, size_t max);
size_t pd_layout_cxx20(uint64_t *out, size_t max);
#ifdef __cplusplus
}
#endif

#define PD_LAYOUT_LIST(out, max)						\
	do {									\
		const uint64_t v[] = {						\
			sizeof(struct pd_section), sizeof(struct pd_header),	\
			offsetof(struct pd_header, nonce),			\
			offsetof(struct pd_header, area_size),			\
			offsetof(struct pd_header, release),			\
			offsetof(struct pd_header, panic_string),		\
			offsetof(struct pd_header, sections),			\
			offsetof(struct pd_header, header_crc32c),		\
			sizeof(struct pd_arm_request), sizeof(struct pd_status),\
			offsetof(struct pd_arm_request, start_sector),		\
			offsetof(struct pd_arm_request, crash_notes),		\
			offsetof(struct pd_status, memory_bytes),		\
			sizeof(struct kdump_disk_header),			\
			sizeof(struct kdump_sub_header),			\
			sizeof(struct kdump_page_desc),				\
			offsetof(struct kdump_disk_header, status),		\
			offsetof(struct kdump_disk_header, nr_cpus),		\
			offsetof(struct kdump_sub_header, max_mapnr_64),	\
			PD_IOC_ARM, PD_IOC_DISARM, PD_IOC_STATUS,		\
			sizeof(struct pd_symtab_block),				\
			offsetof(struct pd_symtab_block, nonce),		\
			offsetof(struct pd_symtab_block, release),		\
			offsetof(struct pd_symtab_block, block_crc32c),		\
			offsetof(struct pd_header, error),			\
			sizeof(struct pd_dump_error),				\
			offsetof(struct pd_dump_error, sector),			\
		};								\
		size_t i, n = sizeof(v) / sizeof(v[0]);				\
		for (i = 0; i < n && i < (max); i++)				\
			(out)[i] = v[i];					\
		return n;							\
	} while (0)

#endif /* PD_HEADERS_LAYOUT_H */

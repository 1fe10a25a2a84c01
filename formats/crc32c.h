/* SPDX-License-Identifier: GPL-2.0 OR MIT */
#ifndef PD_CRC32C_H
#define PD_CRC32C_H

#include "pd_compat.h"

PD_EXTERN_C_BEGIN

/*
 * CRC32C (Castagnoli), reflected, initial value and final xor ~0: the
 * same values as the kernel's crc32c() and iSCSI. Pass 0 as crc to start;
 * feed the previous result to continue over more bytes.
 */
uint32_t pd_crc32c(uint32_t crc, const void *buf, size_t len);

PD_EXTERN_C_END

#endif /* PD_CRC32C_H */

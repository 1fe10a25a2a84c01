/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The ioctls of /proc/pdtest, shared by pdtest.ko and the guest's
 * pd_trigger: the driver-bug scenarios of the crash-analysis tutorial
 * start in an ioctl handler, as such bugs do.
 */
#ifndef PDTEST_IOCTL_H
#define PDTEST_IOCTL_H

#include <linux/ioctl.h>

/* NULL pointer store in the handler (pair it with panic_on_oops). */
#define PDTEST_IOC_OOPS _IO('P', 0x01)

#endif

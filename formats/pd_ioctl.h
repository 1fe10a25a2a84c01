/* SPDX-License-Identifier: GPL-2.0 OR MIT */
/*
 * The interface between dumpadm and the capture module: ioctls on
 * /dev/panicdump. dumpadm resolves the device (PCI function, partition
 * start and length) and the per-CPU crash_notes addresses from sysfs; the
 * module checks them, allocates everything and takes the panic notifier.
 */
#ifndef PD_IOCTL_H
#define PD_IOCTL_H

#include "pd_compat.h"
#include "pd_format.h"
#ifdef __KERNEL__
#include <linux/ioctl.h>
#else
#include <sys/ioctl.h>
#endif

PD_EXTERN_C_BEGIN

#define PD_DEVICE_NAME		"panicdump"
#define PD_ARM_VERSION		4
#define PD_ARM_REASON_LEN	160
#define PD_MAX_CPUS		1024

/*
 * The header travels whole: dumpadm builds it, the module takes its
 * layout, nonce and settings from it and, once every check and
 * allocation has passed, writes it to the device itself (dev_fd), so the
 * device and the module cannot disagree about them, and a refused arm
 * leaves the device (and a previous arm) as they were.
 */
struct pd_arm_request {
	uint32_t version;		/* PD_ARM_VERSION */
	uint32_t size;			/* sizeof(struct pd_arm_request) */
	uint32_t pci_domain;
	uint8_t pci_bus;
	uint8_t pci_devfn;
	uint8_t reserved0[2];
	uint64_t start_sector;		/* area start on the disk, 512 B units */
	uint64_t nr_sectors;		/* area length, 512 B units */
	uint32_t nr_cpus;		/* entries used in crash_notes[] */
	uint32_t unit;			/* NVMe namespace ID, AHCI port; else 0 */
	uint32_t lba_size;		/* logical block size in bytes */
	uint32_t max_xfer;		/* bytes per command (max_hw_sectors), 0: any */
	int32_t dev_fd;			/* the area's block device, open (for */
					/* writing unless it is active swap): */
					/* the module writes the ARMED header */
					/* through it, last, when all else is */
					/* in place */
	uint32_t reserved1;		/* zero */
	uint64_t kernel_phys_start;	/* the kernel image in RAM ("Kernel code" */
	uint64_t kernel_phys_end;	/* to "Kernel bss" in /proc/iomem); 0: unknown */
	struct pd_header header;	/* the ARMED header on the device */
	uint64_t crash_notes[PD_MAX_CPUS];	/* phys address by CPU id, 0: none */
	/* Out: why the module refused the arm, one line ("" when it armed). */
	char reason[PD_ARM_REASON_LEN];
};

struct pd_status {
	uint32_t armed;
	uint32_t pci_domain;
	uint8_t pci_bus;
	uint8_t pci_devfn;
	uint8_t reserved0[6];
	uint64_t start_sector;
	uint64_t nr_sectors;
	uint64_t memory_bytes;		/* what the module holds while armed */
	uint64_t ram_pages;
	uint32_t content;
	uint32_t compression;
};

/*
 * Every field at its natural alignment and both sizes multiples of 8: a
 * 32-bit dumpadm (i386 aligns uint64_t to 4) passes the same layout, so
 * compat_ptr_ioctl is right for these. The reserved fields are zero.
 */
PD_STATIC_ASSERT(offsetof(struct pd_arm_request, start_sector) == 16, "arm start_sector");
PD_STATIC_ASSERT(offsetof(struct pd_arm_request, reserved1) == 52, "arm reserved1");
PD_STATIC_ASSERT(offsetof(struct pd_arm_request, kernel_phys_start) == 56, "arm kernel_phys_start");
PD_STATIC_ASSERT(offsetof(struct pd_arm_request, header) == 72, "arm header");
PD_STATIC_ASSERT(offsetof(struct pd_arm_request, crash_notes) == 72 + PD_HEADER_SIZE,
		 "arm crash_notes");
PD_STATIC_ASSERT(sizeof(struct pd_arm_request) ==
		 72 + PD_HEADER_SIZE + 8 * PD_MAX_CPUS + PD_ARM_REASON_LEN,
		 "pd_arm_request size");
PD_STATIC_ASSERT(offsetof(struct pd_status, start_sector) == 16, "status start_sector");
PD_STATIC_ASSERT(sizeof(struct pd_status) == 56, "pd_status size");

#define PD_IOC_MAGIC	'P'
#define PD_IOC_ARM	_IOWR(PD_IOC_MAGIC, 1, struct pd_arm_request)
#define PD_IOC_DISARM	_IO(PD_IOC_MAGIC, 2)
#define PD_IOC_STATUS	_IOR(PD_IOC_MAGIC, 3, struct pd_status)

PD_EXTERN_C_END

#endif /* PD_IOCTL_H */

/* SPDX-License-Identifier: GPL-2.0 */
/*
 * panicdump capture module: state shared by its files.
 *
 * Everything reachable from struct pd_armed is allocated and checked at arm
 * time. The panic path only reads it, writes its own buffers, touches MMIO
 * and struct page, takes no lock and allocates nothing.
 */
#ifndef PD_INTERNAL_H
#define PD_INTERNAL_H

#include <linux/types.h>
#include <linux/pci.h>
#include <linux/zstd.h>
#include <linux/ptrace.h>

#include "pd_format.h"
#include "pd_ioctl.h"
#include "kdump_format.h"
#include "pd_dump.h"

#define PD_MAX_RAM_RANGES	128
/* Time allowed for one request or reset before the device is given up. */
#define PD_IO_TIMEOUT_NS	(10ULL * NSEC_PER_SEC)
#define PD_RESET_TIMEOUT_NS	(2ULL * NSEC_PER_SEC)

/* Buffers shared by every backend, after the backend's queue memory. */
#define PD_DMA_HEADER_BYTES	PD_BLOCK_SIZE
#define PD_DMA_META_BYTES	(64U << 10)
#define PD_DMA_DESC_BYTES	(48U * KDUMP_DESC_SECTOR_GROUP_BYTES)
#define PD_DMA_DATA_BYTES	(256U << 10)
#define PD_DMA_SHARED_BYTES	(PD_DMA_HEADER_BYTES + PD_DMA_META_BYTES + \
				 PD_DMA_DESC_BYTES + PD_DMA_DATA_BYTES)

/* virtio-blk (virtio-pci modern) registers and queue state. */
struct pd_virtio {
	void __iomem *common;
	void __iomem *notify_base;
	void __iomem *device_cfg;
	u32 notify_len;
	u32 device_cfg_len;
	u32 notify_mult;
	bool access_platform;		/* device offers VIRTIO_F_ACCESS_PLATFORM */
	bool has_flush;
	/* Set up at panic. */
	u16 qsize;
	u16 avail_idx;
	u16 used_idx;
	void __iomem *notify;
};

/* NVMe controller registers and queue state. */
struct pd_nvme {
	void __iomem *bar;
	u64 cap;
	u32 db_stride;			/* bytes between doorbells */
	u32 nsid;
	u32 lba_shift;
	/* Set up at panic. */
	u16 admin_sq_tail, admin_cq_head, io_sq_tail, io_cq_head;
	u8 admin_phase, io_phase;
	u16 cid;
};

/* AHCI host bus adapter registers, and the port of the dump disk. */
struct pd_ahci {
	void __iomem *abar;
	u32 port;
};

/* A bounded busy-wait: the panic path may not sleep, nor let watchdogs fire. */
struct pd_poll {
	u64 deadline;
	u32 spins;
};

struct pd_disk;

/*
 * A controller we can drive by polling. Sectors are 512 bytes; buffers
 * lie in the disk's coherent region; len is at most max_xfer.
 */
struct pd_disk_ops {
	const char *name;
	size_t queue_bytes;		/* coherent memory for its queues */
	int (*arm)(struct pd_disk *d, const struct pd_arm_request *req);
	void (*disarm)(struct pd_disk *d);
	int (*takeover)(struct pd_disk *d);
	int (*io)(struct pd_disk *d, bool write, u64 sector, void *buf,
		  u32 len);
	int (*flush)(struct pd_disk *d);
	void (*shutdown)(struct pd_disk *d);
};

struct pd_disk {
	const struct pd_disk_ops *ops;
	struct pci_dev *pdev;
	u64 capacity_sectors;
	u32 max_xfer;			/* bytes per command */
	u32 lba_size;

	/*
	 * One allocation: queues, then the shared buffers. Coherent DMA
	 * memory, unless the backend found a device that bypasses the
	 * IOMMU (dma_phys): then physically contiguous pages, whose
	 * physical address is what the device sees.
	 */
	bool dma_phys;
	void *dma_cpu;
	dma_addr_t dma_handle;
	size_t dma_bytes;
	u64 dma_dev_base;		/* what the device sees at dma_cpu */

	/* The last failed request, for the dump's error record. */
	u64 fault_sector;
	u32 fault_status;

	union {
		struct pd_virtio vio;
		struct pd_nvme nvme;
		struct pd_ahci ahci;
	};
};

/* The ELF notes: PRSTATUS of each CPU from its crash_notes slot, VMCOREINFO. */
struct pd_notes {
	u8 *buf;
	size_t cap;
	u32 nr_cpus;
	const u64 *crash_notes;		/* phys address by CPU id, 0: none */
};

/* What the panicking process maps (content curproc), a bit per PFN. */
struct pd_curproc {
	u8 *bitmap;			/* NULL unless content is curproc */
	size_t bytes;
};

/* The compressor's workspace, prepared at arm time. */
struct pd_compress {
	u32 compression;		/* enum pd_compression */
	void *zstd_wksp;
	size_t zstd_wksp_size;
	zstd_cctx *cctx;
	zstd_parameters zparams;
	void *lzo_wksp;
};

/*
 * An armed dump: what dumpadm asked for and everything the panic path
 * will use, allocated and checked by pd_arm(). Each part of the module
 * is handed the member it works on.
 */
struct pd_armed {
	struct pd_arm_request req;	/* as dumpadm passed it */
	struct pd_header hdr;		/* what is on the device */

	struct pd_disk disk;
	struct pd_dump_buffers buf;	/* inside the disk's DMA memory */

	struct pd_ram_range ranges[PD_MAX_RAM_RANGES];
	unsigned int nr_ranges;
	u64 max_pfn;			/* highest RAM PFN + 1 */
	u64 kimage_start_pfn;		/* the kernel image, [start, end) */
	u64 kimage_end_pfn;
	u64 ram_pages;

	struct pd_notes notes;
	struct pd_curproc curproc;
	struct pd_compress comp;
	char *line_buf;			/* one kernel log line */
	struct pd_dump *dump;		/* the core's state, filled at panic */

	size_t memory_bytes;		/* everything above, for dumpadm */
	struct file *dev_file;		/* dev_fd's, to rewrite the header */
	void *hold;			/* the exclusive hold (pd_hold.c) */
};

/*
 * pd_main.c: an arm refused, in the kernel log and in the reason dumpadm
 * prints; the first of an arm is kept, as it is the cause.
 */
__printf(1, 2) void pd_refuse_fmt(const char *fmt, ...);
#define pd_refuse(fmt, ...) pd_refuse_fmt(pr_fmt(fmt), ##__VA_ARGS__)

/* pd_main.c: test builds' injected arm failures (0 in other builds). */
enum { PD_TEST_FAIL_ALLOC = 1, PD_TEST_FAIL_HEADER = 2 };
#ifdef PD_TEST_BUILD
int pd_test_fail_arm(unsigned int step);
#else
static inline int pd_test_fail_arm(unsigned int step) { return 0; }
#endif

/* pd_arm_header.c */
struct file *pd_arm_header_file(const struct pd_arm_request *req);
int pd_arm_header_write(struct file *file, const struct pd_header *h);
int pd_arm_header_restore(struct pd_armed *old, const struct pd_header *failed);

/* pd_hold.c */
int pd_hold_device(struct pd_armed *armed);
void pd_release_device(struct pd_armed *armed);

/* pd_arm.c */
struct pd_armed *pd_arm(const struct pd_arm_request *req);
void pd_disarm(struct pd_armed *armed);

/* pd_disk.c */
int pd_disk_arm(struct pd_disk *d, struct pci_dev *pdev,
		const struct pd_arm_request *req);
void pd_disk_disarm(struct pd_disk *d);
void *pd_disk_shared(struct pd_disk *d);
u64 pd_disk_dev_addr(const struct pd_disk *d, const void *cpu);
int pd_disk_takeover(struct pd_disk *d);
int pd_disk_write(struct pd_disk *d, u64 sector, const void *buf, u32 len);
int pd_disk_read(struct pd_disk *d, u64 sector, void *buf, u32 len);
int pd_disk_flush(struct pd_disk *d);
void pd_disk_shutdown(struct pd_disk *d);
u64 pd_clock_ns(void);
void pd_poll_start(struct pd_poll *p, u64 timeout_ns);
bool pd_poll_wait(struct pd_poll *p);

extern const struct pd_disk_ops pd_virtio_ops;
extern const struct pd_disk_ops pd_nvme_ops;
extern const struct pd_disk_ops pd_ahci_ops;


/* pd_regs.c */
void pd_regs_save_panic_cpu(const struct pd_notes *n);
size_t pd_notes_build(struct pd_notes *n, u64 *vmcoreinfo_text_off,
		      u64 *vmcoreinfo_size);
size_t pd_notes_capacity(u32 nr_cpus);

/* pd_memory.c: the page source, from struct page and the direct map */
void pd_memory_source(struct pd_armed *armed, struct pd_page_source *src);
void pd_memory_mark_curproc(struct pd_armed *armed);

/* pd_kmsg.c: the log source, the printk ring buffer */
void pd_kmsg_source(struct pd_log_source *log, char *line, size_t line_max);
size_t pd_kmsg_line_max(void);

/* pd_compress.c */
int pd_compress_arm(struct pd_compress *c, const struct pd_header *h,
		    size_t *memory_bytes);
void pd_compress_disarm(struct pd_compress *c);
void pd_compress_setup(struct pd_compress *c, struct pd_compressor *out);

/* pd_capture.c: one dump, set up at arm time, run from the panic notifier */
int pd_capture_arm(struct pd_armed *armed);
void pd_capture(struct pd_armed *armed, const char *msg);
bool pd_capture_fault(struct pd_armed *armed);

/* pd_panic.c */
int pd_panic_register(void);
void pd_panic_unregister(void);
struct pd_armed *pd_active(void);
void pd_set_active(struct pd_armed *armed);
bool pd_panic_started(void);

#endif /* PD_INTERNAL_H */

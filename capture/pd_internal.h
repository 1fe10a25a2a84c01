/* SPDX-License-Identifier: GPL-2.0 */
/*
 * panicdump capture module: state shared by its files.
 *
 * Everything reachable from struct pd_ctx is allocated and checked at arm
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

#define PD_MAX_RAM_RANGES	128
/* Time allowed for one request or reset before the device is given up. */
#define PD_IO_TIMEOUT_NS	(10ULL * NSEC_PER_SEC)
#define PD_RESET_TIMEOUT_NS	(2ULL * NSEC_PER_SEC)

/* Buffers shared by every backend, after the backend's queue memory. */
#define PD_DMA_META_BYTES	(64U << 10)
#define PD_DMA_DESC_BYTES	(48U * KDUMP_DESC_SECTOR_GROUP_BYTES)
#define PD_DMA_DATA_BYTES	(256U << 10)
#define PD_DMA_SHARED_BYTES	(PD_DMA_META_BYTES + PD_DMA_DESC_BYTES + \
				 PD_DMA_DATA_BYTES)

struct pd_ram_range {
	unsigned long start_pfn;
	unsigned long end_pfn;		/* exclusive */
};

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

	/* One coherent allocation: queues, then the shared buffers. */
	void *dma_cpu;
	dma_addr_t dma_handle;
	size_t dma_bytes;
	u64 dma_dev_base;		/* what the device sees at dma_cpu */

	union {
		struct pd_virtio vio;
		struct pd_nvme nvme;
		struct pd_ahci ahci;
	};
};

/* A sequential writer into one region of the dump area. */
struct pd_stream {
	u8 *buf;
	u32 cap;			/* multiple of PD_SECTOR_SIZE */
	u32 fill;
	u64 off;			/* area offset of buf[0] */
	u64 limit;			/* first area offset it may not write */
	int error;			/* sticky: first failure */
};

struct pd_ctx {
	struct pd_arm_request req;	/* as dumpadm passed it */
	struct pd_header hdr;		/* what is on the device */

	struct pd_disk disk;
	u8 *meta_buf;			/* inside the coherent allocation */
	u8 *desc_buf;
	u8 *data_buf;

	struct pd_ram_range ranges[PD_MAX_RAM_RANGES];
	unsigned int nr_ranges;
	unsigned long max_pfn;		/* highest RAM PFN + 1 */
	unsigned long kimage_start_pfn;	/* the kernel image, [start, end) */
	unsigned long kimage_end_pfn;
	unsigned long ram_pages;

	u8 *bitmap2;			/* dumped pages; bitmap 1 is generated */
	size_t bitmap_bytes;

	u8 *notes;			/* PRSTATUS per CPU, then VMCOREINFO */
	size_t notes_cap;

	void *zstd_wksp;
	size_t zstd_wksp_size;
	zstd_cctx *cctx;
	zstd_parameters zparams;
	void *lzo_wksp;
	u8 *page_buf;			/* one page copied out of RAM */
	char *line_buf;			/* one kernel log line */

	size_t memory_bytes;		/* everything above, for dumpadm */
	int io_error;			/* the device failed: stop writing */
	u64 bytes_written;		/* to the device, this dump */
};

/* pd_arm.c */
struct pd_ctx *pd_arm(const struct pd_arm_request *req);
void pd_disarm(struct pd_ctx *ctx);

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

/* pd_stream.c */
void pd_stream_init(struct pd_stream *s, u8 *buf, u32 cap, u64 off,
		    u64 limit);
int pd_stream_put(struct pd_ctx *ctx, struct pd_stream *s, const void *p,
		  size_t len);
int pd_stream_zero(struct pd_ctx *ctx, struct pd_stream *s, size_t len);
void *pd_stream_reserve(struct pd_ctx *ctx, struct pd_stream *s, u32 len);
void pd_stream_commit(struct pd_stream *s, u32 len);
int pd_stream_finish(struct pd_ctx *ctx, struct pd_stream *s);
int pd_stream_seek(struct pd_ctx *ctx, struct pd_stream *s, u64 off);
int pd_stream_sync(struct pd_ctx *ctx, struct pd_stream *s);

static inline u64 pd_stream_pos(const struct pd_stream *s)
{
	return s->off + s->fill;
}

/* dumpadm -d swap: the ARMED header into the swap header page (arm time). */
int pd_swap_write_header(const struct pd_arm_request *req);

int pd_area_write(struct pd_ctx *ctx, u64 area_off, const void *buf, u32 len);
int pd_area_read(struct pd_ctx *ctx, u64 area_off, void *buf, u32 len);

/* pd_regs.c */
void pd_regs_save_panic_cpu(struct pd_ctx *ctx);
size_t pd_notes_build(struct pd_ctx *ctx, u64 *vmcoreinfo_text_off,
		      u64 *vmcoreinfo_size);
size_t pd_notes_capacity(u32 nr_cpus);

/* pd_log.c */
size_t pd_log_line_max(void);
void pd_log_write(struct pd_ctx *ctx);

/* pd_image.c */
void pd_image_write(struct pd_ctx *ctx);

/* pd_panic.c */
int pd_panic_register(void);
void pd_panic_unregister(void);
struct pd_ctx *pd_active_ctx(void);
void pd_set_active_ctx(struct pd_ctx *ctx);
bool pd_progress(struct pd_ctx *ctx, u64 done, u64 total, bool force);
int pd_write_header(struct pd_ctx *ctx);

#endif /* PD_INTERNAL_H */

// SPDX-License-Identifier: GPL-2.0
#define pr_fmt(fmt) "panicdump: " fmt
/*
 * A polled NVMe queue pair of panicdump's own.
 *
 * At arm time we only map BAR 0 and read CAP; the nvme driver keeps the
 * controller. At panic we disable the controller (which drops every queue
 * the driver had, whatever their state), enable it again with our own
 * admin queue, create one I/O queue pair with interrupts off and poll its
 * completion queue. The sequence follows nvme_enable_ctrl() and
 * nvme_pci_configure_admin_queue(), without their sleeps and locks, as
 * FreeBSD's nvme_ns_dump() and illumos's polled I/O do.
 */
#include <linux/io.h>
#include <linux/io-64-nonatomic-lo-hi.h>
#include <linux/nvme.h>

#include "pd_internal.h"

#define PD_NVME_ADMIN_DEPTH	8U
#define PD_NVME_IO_DEPTH	16U
#define PD_NVME_IO_QID		1U
#define PD_NVME_SHUTDOWN_NS	(5ULL * NSEC_PER_SEC)

/* Queue memory: one page each, then a page of PRP entries. */
enum {
	PD_NVME_ASQ, PD_NVME_ACQ, PD_NVME_IOSQ, PD_NVME_IOCQ, PD_NVME_PRP,
	PD_NVME_PAGES
};

#define PD_NVME_PRP_ENTRIES	(PAGE_SIZE / sizeof(__le64))

struct pd_nvme_sqe {
	u8 opcode;
	u8 flags;
	u16 cid;
	__le32 nsid;
	__le64 rsvd;
	__le64 mptr;
	__le64 prp1;
	__le64 prp2;
	__le32 cdw10;
	__le32 cdw11;
	__le32 cdw12;
	__le32 cdw13;
	__le32 cdw14;
	__le32 cdw15;
};

struct pd_nvme_cqe {
	__le32 result;
	__le32 rsvd;
	__le16 sq_head;
	__le16 sq_id;
	u16 cid;
	__le16 status;		/* bit 0: phase tag */
};

static void *pd_nvme_page(struct pd_disk *d, unsigned int i)
{
	return (u8 *)d->dma_cpu + i * PAGE_SIZE;
}

static void __iomem *pd_nvme_db(struct pd_disk *d, unsigned int qid, bool cq)
{
	return d->nvme.bar + NVME_REG_DBS + (2 * qid + cq) * d->nvme.db_stride;
}

/* CAP.TO, in 500 ms units, bounds how long enabling or disabling takes. */
static int pd_nvme_wait_csts(struct pd_disk *d, u32 mask, u32 want,
			     u64 timeout_ns)
{
	struct pd_poll poll;
	u32 csts;

	pd_poll_start(&poll, timeout_ns);
	while (((csts = readl(d->nvme.bar + NVME_REG_CSTS)) & mask) != want) {
		if (csts == ~0U)
			return -ENODEV;
		if (!pd_poll_wait(&poll))
			return -ETIMEDOUT;
	}
	return 0;
}

static u64 pd_nvme_ready_timeout(struct pd_disk *d)
{
	return (NVME_CAP_TIMEOUT(d->nvme.cap) + 1) * 500ULL * NSEC_PER_MSEC;
}

static int pd_nvme_submit(struct pd_disk *d, bool admin,
			  struct pd_nvme_sqe *cmd)
{
	struct pd_nvme *n = &d->nvme;
	unsigned int qid = admin ? 0 : PD_NVME_IO_QID;
	unsigned int depth = admin ? PD_NVME_ADMIN_DEPTH : PD_NVME_IO_DEPTH;
	struct pd_nvme_sqe *sq = pd_nvme_page(d, admin ? PD_NVME_ASQ :
					      PD_NVME_IOSQ);
	struct pd_nvme_cqe *cq = pd_nvme_page(d, admin ? PD_NVME_ACQ :
					      PD_NVME_IOCQ);
	u16 *tail = admin ? &n->admin_sq_tail : &n->io_sq_tail;
	u16 *head = admin ? &n->admin_cq_head : &n->io_cq_head;
	u8 *phase = admin ? &n->admin_phase : &n->io_phase;
	struct pd_nvme_cqe *cqe;
	struct pd_poll poll;
	u16 status;

	cmd->cid = n->cid++;
	sq[*tail] = *cmd;
	*tail = (*tail + 1) % depth;
	/* The command must be in memory before the doorbell names it. */
	wmb();
	writel(*tail, pd_nvme_db(d, qid, false));

	cqe = &cq[*head];
	pd_poll_start(&poll, PD_IO_TIMEOUT_NS);
	while ((le16_to_cpu(READ_ONCE(cqe->status)) & 1) != *phase)
		if (!pd_poll_wait(&poll))
			return -ETIMEDOUT;
	dma_rmb();
	status = le16_to_cpu(READ_ONCE(cqe->status)) >> 1;
	if (++*head == depth) {
		*head = 0;
		*phase ^= 1;
	}
	writel(*head, pd_nvme_db(d, qid, true));
	if (status) {
		pr_emerg("NVMe %s command %#x failed, status %#x\n",
			 admin ? "admin" : "I/O", cmd->opcode, status);
		d->fault_status = status;
		return -EIO;
	}
	return 0;
}

static int pd_nvme_create_queues(struct pd_disk *d)
{
	struct pd_nvme_sqe cmd = { };
	u32 qsize = (PD_NVME_IO_DEPTH - 1) << 16 | PD_NVME_IO_QID;
	int ret;

	/* Completion queue first; NVME_CQ_IRQ_ENABLED left clear: we poll. */
	cmd.opcode = nvme_admin_create_cq;
	cmd.prp1 = cpu_to_le64(pd_disk_dev_addr(d, pd_nvme_page(d, PD_NVME_IOCQ)));
	cmd.cdw10 = cpu_to_le32(qsize);
	cmd.cdw11 = cpu_to_le32(NVME_QUEUE_PHYS_CONTIG);
	ret = pd_nvme_submit(d, true, &cmd);
	if (ret)
		return ret;

	memset(&cmd, 0, sizeof(cmd));
	cmd.opcode = nvme_admin_create_sq;
	cmd.prp1 = cpu_to_le64(pd_disk_dev_addr(d, pd_nvme_page(d, PD_NVME_IOSQ)));
	cmd.cdw10 = cpu_to_le32(qsize);
	cmd.cdw11 = cpu_to_le32(PD_NVME_IO_QID << 16 | NVME_QUEUE_PHYS_CONTIG);
	return pd_nvme_submit(d, true, &cmd);
}

static int pd_nvme_takeover(struct pd_disk *d)
{
	struct pd_nvme *n = &d->nvme;
	void __iomem *bar = n->bar;
	u32 cc;
	int ret;

	if (readl(bar + NVME_REG_CSTS) == ~0U)
		return -ENODEV;
	cc = readl(bar + NVME_REG_CC);
	if (cc & NVME_CC_ENABLE)
		writel(cc & ~NVME_CC_ENABLE, bar + NVME_REG_CC);
	ret = pd_nvme_wait_csts(d, NVME_CSTS_RDY, 0, pd_nvme_ready_timeout(d));
	if (ret)
		return ret;

	memset(d->dma_cpu, 0, d->ops->queue_bytes);
	n->admin_sq_tail = 0;
	n->admin_cq_head = 0;
	n->io_sq_tail = 0;
	n->io_cq_head = 0;
	n->admin_phase = 1;
	n->io_phase = 1;
	/* Pin and MSI interrupts off; the queues we create have none. */
	writel(~0U, bar + NVME_REG_INTMS);
	writel((PD_NVME_ADMIN_DEPTH - 1) << 16 | (PD_NVME_ADMIN_DEPTH - 1),
	       bar + NVME_REG_AQA);
	lo_hi_writeq(pd_disk_dev_addr(d, pd_nvme_page(d, PD_NVME_ASQ)),
		     bar + NVME_REG_ASQ);
	lo_hi_writeq(pd_disk_dev_addr(d, pd_nvme_page(d, PD_NVME_ACQ)),
		     bar + NVME_REG_ACQ);

	cc = NVME_CC_AMS_RR | NVME_CC_SHN_NONE | NVME_CC_IOSQES |
	     NVME_CC_IOCQES | NVME_CC_ENABLE;
	cc |= (PAGE_SHIFT - 12) << NVME_CC_MPS_SHIFT;
	cc |= NVME_CAP_CSS(n->cap) & NVME_CAP_CSS_CSI ? NVME_CC_CSS_CSI :
							NVME_CC_CSS_NVM;
	writel(cc, bar + NVME_REG_CC);
	ret = pd_nvme_wait_csts(d, NVME_CSTS_RDY, NVME_CSTS_RDY,
				pd_nvme_ready_timeout(d));
	if (ret)
		return ret;
	if (readl(bar + NVME_REG_CSTS) & NVME_CSTS_CFS)
		return -EIO;
	return pd_nvme_create_queues(d);
}

/* PRP1, and PRP2 as the second page or a list of the pages after the first. */
static void pd_nvme_prps(struct pd_disk *d, void *buf, u32 len,
			 struct pd_nvme_sqe *cmd)
{
	u64 dma = pd_disk_dev_addr(d, buf);
	u32 first = PAGE_SIZE - offset_in_page(dma);
	__le64 *list = pd_nvme_page(d, PD_NVME_PRP);
	u32 i, pages;

	cmd->prp1 = cpu_to_le64(dma);
	if (len <= first)
		return;
	if (len - first <= PAGE_SIZE) {
		cmd->prp2 = cpu_to_le64(dma + first);
		return;
	}
	pages = DIV_ROUND_UP(len - first, PAGE_SIZE);
	for (i = 0; i < pages; i++)
		list[i] = cpu_to_le64(dma + first + (u64)i * PAGE_SIZE);
	cmd->prp2 = cpu_to_le64(pd_disk_dev_addr(d, list));
}

static int pd_nvme_io(struct pd_disk *d, bool write, u64 sector, void *buf,
		      u32 len)
{
	struct pd_nvme *n = &d->nvme;
	struct pd_nvme_sqe cmd = { };
	u64 slba = (sector * PD_SECTOR_SIZE) >> n->lba_shift;

	cmd.opcode = write ? nvme_cmd_write : nvme_cmd_read;
	cmd.nsid = cpu_to_le32(n->nsid);
	cmd.cdw10 = cpu_to_le32(lower_32_bits(slba));
	cmd.cdw11 = cpu_to_le32(upper_32_bits(slba));
	cmd.cdw12 = cpu_to_le32((len >> n->lba_shift) - 1);
	pd_nvme_prps(d, buf, len, &cmd);
	return pd_nvme_submit(d, false, &cmd);
}

static int pd_nvme_flush(struct pd_disk *d)
{
	struct pd_nvme_sqe cmd = { };

	cmd.opcode = nvme_cmd_flush;
	cmd.nsid = cpu_to_le32(d->nvme.nsid);
	return pd_nvme_submit(d, false, &cmd);
}

/* A clean shutdown, so the controller commits its caches before reboot. */
static void pd_nvme_shutdown(struct pd_disk *d)
{
	u32 cc = readl(d->nvme.bar + NVME_REG_CC);

	writel((cc & ~NVME_CC_SHN_MASK) | NVME_CC_SHN_NORMAL,
	       d->nvme.bar + NVME_REG_CC);
	pd_nvme_wait_csts(d, NVME_CSTS_SHST_MASK, NVME_CSTS_SHST_CMPLT,
			  PD_NVME_SHUTDOWN_NS);
}

static int pd_nvme_arm(struct pd_disk *d, const struct pd_arm_request *req)
{
	struct pd_nvme *n = &d->nvme;
	struct pci_dev *pdev = d->pdev;
	u32 max = (PD_NVME_PRP_ENTRIES - 1) * PAGE_SIZE;

	if (!req->unit || !is_power_of_2(req->lba_size) ||
	    req->lba_size < PD_SECTOR_SIZE || req->lba_size > PAGE_SIZE) {
		pd_refuse("PCI %s: NVMe namespace %u with %u-byte blocks: expected a namespace and 512..4096-byte blocks\n",
			  pci_name(pdev), req->unit, req->lba_size);
		return -EINVAL;
	}
	n->bar = pci_iomap(pdev, 0, 0);
	if (!n->bar)
		return -ENODEV;
	n->cap = lo_hi_readq(n->bar + NVME_REG_CAP);
	if (NVME_CAP_MPSMIN(n->cap) > PAGE_SHIFT - 12 ||
	    NVME_CAP_MQES(n->cap) + 1 < PD_NVME_IO_DEPTH) {
		pd_refuse("PCI %s: NVMe CAP %#llx: needs 4 KiB pages and %u-entry queues\n",
			  pci_name(pdev), n->cap, PD_NVME_IO_DEPTH);
		return -ENODEV;
	}
	n->db_stride = 4U << NVME_CAP_STRIDE(n->cap);
	n->nsid = req->unit;
	n->lba_shift = ilog2(req->lba_size);
	d->lba_size = req->lba_size;
	/* Namespace size is the block layer's; we cannot identify it now. */
	d->capacity_sectors = req->start_sector + req->nr_sectors;
	d->max_xfer = req->max_xfer ? min(req->max_xfer, max) : 128U << 10;
	d->max_xfer = round_down(d->max_xfer, PAGE_SIZE);
	return d->max_xfer ? 0 : -EINVAL;
}

static void pd_nvme_disarm(struct pd_disk *d)
{
	if (d->nvme.bar)
		pci_iounmap(d->pdev, d->nvme.bar);
	d->nvme.bar = NULL;
}

const struct pd_disk_ops pd_nvme_ops = {
	.name = "NVMe",
	.queue_bytes = PD_NVME_PAGES * PAGE_SIZE,
	.arm = pd_nvme_arm,
	.disarm = pd_nvme_disarm,
	.takeover = pd_nvme_takeover,
	.io = pd_nvme_io,
	.flush = pd_nvme_flush,
	.shutdown = pd_nvme_shutdown,
};

// SPDX-License-Identifier: GPL-2.0
#define pr_fmt(fmt) "panicdump: " fmt
/*
 * A polled AHCI (SATA) port of panicdump's own.
 *
 * At arm time we only map the ABAR; libata keeps the controller. At panic
 * we stop the port, reset the link (COMRESET), point the port at our own
 * command list and received-FIS area, and issue DMA EXT commands from
 * slot 0, polling PxCI, with the port's interrupts off. This follows the
 * AHCI 1.3 spec (10.1.2, 10.4) as FreeBSD's ahcipoll() path does.
 */
#include <linux/ata.h>
#include <linux/delay.h>
#include <linux/io.h>

#include "pd_internal.h"

#define PD_AHCI_BAR		5
#define PD_AHCI_GHC		0x04
#define PD_AHCI_GHC_AE		BIT(31)
#define PD_AHCI_GHC_IE		BIT(1)
#define PD_AHCI_PI		0x0c
#define PD_AHCI_PORT(p)		(0x100 + (p) * 0x80)

#define PX_CLB			0x00
#define PX_FB			0x08
#define PX_IS			0x10
#define PX_IE			0x14
#define PX_CMD			0x18
#define PX_CMD_ST		BIT(0)
#define PX_CMD_SUD		BIT(1)
#define PX_CMD_POD		BIT(2)
#define PX_CMD_FRE		BIT(4)
#define PX_CMD_FR		BIT(14)
#define PX_CMD_CR		BIT(15)
#define PX_TFD			0x20
#define PX_SSTS			0x28
#define PX_SCTL			0x2c
#define PX_SERR			0x30
#define PX_CI			0x38
#define PX_IS_TFES		BIT(30)

#define PD_AHCI_STOP_NS		(500ULL * NSEC_PER_MSEC)
#define PD_AHCI_LINK_NS		(1ULL * NSEC_PER_SEC)
#define PD_AHCI_READY_NS	(10ULL * NSEC_PER_SEC)

/* Queue memory: command list (1 KiB), received FIS (256 B), one table. */
#define PD_AHCI_CL_OFF		0
#define PD_AHCI_FIS_OFF		1024
#define PD_AHCI_CT_OFF		2048
#define PD_AHCI_PRDT_OFF	(PD_AHCI_CT_OFF + 0x80)
#define PD_AHCI_PRD_MAX		128U
#define PD_AHCI_QUEUE_BYTES	(PD_AHCI_PRDT_OFF + PD_AHCI_PRD_MAX * 16)

struct pd_ahci_cmd_hdr {
	__le32 opts;		/* CFL, W, PRDTL */
	__le32 prdbc;
	__le64 ctba;
	__le32 rsvd[4];
};

struct pd_ahci_prd {
	__le64 dba;
	__le32 rsvd;
	__le32 dbc;		/* byte count - 1 */
};

static void __iomem *pd_ahci_port(struct pd_disk *d)
{
	return d->ahci.abar + PD_AHCI_PORT(d->ahci.port);
}

/* Waits until (reg & mask) == want. */
static int pd_ahci_wait(void __iomem *reg, u32 mask, u32 want, u64 ns)
{
	struct pd_poll poll;
	u32 v;

	pd_poll_start(&poll, ns);
	while (((v = readl(reg)) & mask) != want) {
		if (v == ~0U)
			return -ENODEV;
		if (!pd_poll_wait(&poll))
			return -ETIMEDOUT;
	}
	return 0;
}

static int pd_ahci_stop(void __iomem *px)
{
	u32 cmd = readl(px + PX_CMD);
	int ret;

	writel(cmd & ~PX_CMD_ST, px + PX_CMD);
	ret = pd_ahci_wait(px + PX_CMD, PX_CMD_CR, 0, PD_AHCI_STOP_NS);
	if (ret)
		return ret;
	writel(readl(px + PX_CMD) & ~PX_CMD_FRE, px + PX_CMD);
	return pd_ahci_wait(px + PX_CMD, PX_CMD_FR, 0, PD_AHCI_STOP_NS);
}

static int pd_ahci_takeover(struct pd_disk *d)
{
	void __iomem *px = pd_ahci_port(d);
	u64 base = pd_disk_dev_addr(d, d->dma_cpu);
	int ret;

	writel(readl(d->ahci.abar + PD_AHCI_GHC) | PD_AHCI_GHC_AE,
	       d->ahci.abar + PD_AHCI_GHC);
	writel(0, px + PX_IE);
	ret = pd_ahci_stop(px);
	if (ret)
		return ret;

	/* COMRESET: whatever the device was doing for libata, it stops. */
	writel((readl(px + PX_SCTL) & ~0xfU) | 1, px + PX_SCTL);
	mdelay(2);
	writel(readl(px + PX_SCTL) & ~0xfU, px + PX_SCTL);
	ret = pd_ahci_wait(px + PX_SSTS, 0xf, 3, PD_AHCI_LINK_NS);
	if (ret)
		return ret;
	writel(~0U, px + PX_SERR);

	memset(d->dma_cpu, 0, d->ops->queue_bytes);
	writel(lower_32_bits(base + PD_AHCI_CL_OFF), px + PX_CLB);
	writel(upper_32_bits(base + PD_AHCI_CL_OFF), px + PX_CLB + 4);
	writel(lower_32_bits(base + PD_AHCI_FIS_OFF), px + PX_FB);
	writel(upper_32_bits(base + PD_AHCI_FIS_OFF), px + PX_FB + 4);
	writel(~0U, px + PX_IS);
	writel(readl(px + PX_CMD) | PX_CMD_FRE | PX_CMD_SUD | PX_CMD_POD,
	       px + PX_CMD);
	/* The device reports ready with a D2H FIS after the reset. */
	ret = pd_ahci_wait(px + PX_TFD, ATA_BUSY | ATA_DRQ, 0,
			   PD_AHCI_READY_NS);
	if (ret)
		return ret;
	writel(~0U, px + PX_SERR);
	writel(~0U, px + PX_IS);
	writel(readl(px + PX_CMD) | PX_CMD_ST, px + PX_CMD);
	return 0;
}

/* One command in slot 0: an H2D register FIS and the PRDs for buf. */
static int pd_ahci_exec(struct pd_disk *d, u8 ata_cmd, bool write, u64 lba,
			u32 nsect, void *buf, u32 len)
{
	void __iomem *px = pd_ahci_port(d);
	struct pd_ahci_cmd_hdr *hdr = (void *)((u8 *)d->dma_cpu +
					       PD_AHCI_CL_OFF);
	u8 *fis = (u8 *)d->dma_cpu + PD_AHCI_CT_OFF;
	struct pd_ahci_prd *prd = (void *)((u8 *)d->dma_cpu +
					   PD_AHCI_PRDT_OFF);
	u64 dma = len ? pd_disk_dev_addr(d, buf) : 0;
	u32 nprd = 0, done;
	int ret;

	memset(fis, 0, 0x80);
	fis[0] = 0x27;			/* register FIS, host to device */
	fis[1] = 0x80;			/* command, not control */
	fis[2] = ata_cmd;
	fis[4] = lba;
	fis[5] = lba >> 8;
	fis[6] = lba >> 16;
	fis[7] = ATA_LBA;
	fis[8] = lba >> 24;
	fis[9] = lba >> 32;
	fis[10] = lba >> 40;
	fis[12] = nsect;
	fis[13] = nsect >> 8;

	/* PRDs of at most 4 MiB; ours are page-sized pieces of buf. */
	for (done = 0; done < len && nprd < PD_AHCI_PRD_MAX; nprd++) {
		u32 n = min_t(u32, len - done, PAGE_SIZE);

		prd[nprd].dba = cpu_to_le64(dma + done);
		prd[nprd].rsvd = 0;
		prd[nprd].dbc = cpu_to_le32(n - 1);
		done += n;
	}
	if (done != len)
		return -EINVAL;

	hdr->opts = cpu_to_le32(5 | (write ? BIT(6) : 0) | nprd << 16);
	hdr->prdbc = 0;
	hdr->ctba = cpu_to_le64(pd_disk_dev_addr(d, fis));
	/* The table must be in memory before the port fetches it. */
	wmb();
	writel(1, px + PX_CI);
	ret = pd_ahci_wait(px + PX_CI, 1, 0, PD_IO_TIMEOUT_NS);
	if (ret)
		return ret;
	if ((readl(px + PX_IS) & PX_IS_TFES) || (readl(px + PX_TFD) & ATA_ERR)) {
		d->fault_status = readl(px + PX_TFD);
		pr_emerg("AHCI command %#x failed, TFD %#x\n",
			 ata_cmd, d->fault_status);
		return -EIO;
	}
	return 0;
}

static int pd_ahci_io(struct pd_disk *d, bool write, u64 sector, void *buf,
		      u32 len)
{
	return pd_ahci_exec(d, write ? ATA_CMD_WRITE_EXT : ATA_CMD_READ_EXT,
			    write, sector, len / PD_SECTOR_SIZE, buf, len);
}

static int pd_ahci_flush(struct pd_disk *d)
{
	return pd_ahci_exec(d, ATA_CMD_FLUSH_EXT, false, 0, 0, NULL, 0);
}

static int pd_ahci_arm(struct pd_disk *d, const struct pd_arm_request *req)
{
	struct pci_dev *pdev = d->pdev;

	d->ahci.port = req->unit;
	if (d->ahci.port >= 32) {
		pd_refuse("PCI %s: AHCI port %u: expected 0..31\n",
			  pci_name(pdev), d->ahci.port);
		return -EINVAL;
	}
	d->ahci.abar = pci_iomap(pdev, PD_AHCI_BAR, 0);
	if (!d->ahci.abar)
		return -ENODEV;
	if (!(readl(d->ahci.abar + PD_AHCI_PI) & BIT(d->ahci.port))) {
		pd_refuse("PCI %s: AHCI port %u is not in the controller's port map\n",
			  pci_name(pdev), d->ahci.port);
		return -ENODEV;
	}
	if (req->lba_size != PD_SECTOR_SIZE) {
		pd_refuse("PCI %s: SATA disk with %u-byte blocks: expected 512\n",
			  pci_name(pdev), req->lba_size);
		return -EINVAL;
	}
	/* The disk's size is the block layer's; IDENTIFY is not ours now. */
	d->capacity_sectors = req->start_sector + req->nr_sectors;
	d->max_xfer = min_t(u32, req->max_xfer ? req->max_xfer : U32_MAX,
			    PD_AHCI_PRD_MAX * PAGE_SIZE);
	d->max_xfer = round_down(d->max_xfer, PAGE_SIZE);
	/* DMA EXT counts sectors in 16 bits, 0 meaning 65536. */
	d->max_xfer = min_t(u32, d->max_xfer, 65535U * PD_SECTOR_SIZE & PAGE_MASK);
	return d->max_xfer ? 0 : -EINVAL;
}

static void pd_ahci_disarm(struct pd_disk *d)
{
	if (d->ahci.abar)
		pci_iounmap(d->pdev, d->ahci.abar);
	d->ahci.abar = NULL;
}

const struct pd_disk_ops pd_ahci_ops = {
	.name = "AHCI",
	.queue_bytes = ALIGN(PD_AHCI_QUEUE_BYTES, PAGE_SIZE),
	.arm = pd_ahci_arm,
	.disarm = pd_ahci_disarm,
	.takeover = pd_ahci_takeover,
	.io = pd_ahci_io,
	.flush = pd_ahci_flush,
};

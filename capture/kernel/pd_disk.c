// SPDX-License-Identifier: GPL-2.0
#define pr_fmt(fmt) "panicdump: " fmt
/*
 * The dump disk, whatever controller drives it: picks the backend from
 * the PCI function, owns the one DMA allocation (the backend's queues
 * first, then the buffers everyone shares) and checks every transfer
 * against the disk before a backend sees it.
 */
#include <linux/cc_platform.h>
#include <linux/delay.h>
#include <linux/dma-mapping.h>
#include <linux/nmi.h>
#include <linux/timekeeping.h>
#include <linux/math64.h>
#include <linux/pci.h>
#include <asm/msr.h>
#include <asm/tsc.h>

#include "pd_internal.h"

#define PD_PCI_VENDOR_VIRTIO	0x1af4
#define PD_PCI_VIRTIO_BLK	0x1001	/* transitional: has modern caps */
#define PD_PCI_VIRTIO_BLK_V1	0x1042

static const struct pd_disk_ops *pd_disk_backend(struct pci_dev *pdev)
{
	if (pdev->vendor == PD_PCI_VENDOR_VIRTIO &&
	    (pdev->device == PD_PCI_VIRTIO_BLK ||
	     pdev->device == PD_PCI_VIRTIO_BLK_V1))
		return &pd_virtio_ops;
	if (pdev->class == PCI_CLASS_STORAGE_EXPRESS)
		return &pd_nvme_ops;
	if (pdev->class == PCI_CLASS_STORAGE_SATA_AHCI)
		return &pd_ahci_ops;
	return NULL;
}

/*
 * A device that translates its DMA through the DMA API (NVMe, AHCI, virtio
 * with ACCESS_PLATFORM) gets coherent memory and its bus address: under an
 * IOMMU that is an IOVA, and the CPU side may be a remap of scattered
 * pages. A virtio device without ACCESS_PLATFORM bypasses the IOMMU and
 * takes guest-physical addresses, as virtio_ring does for it
 * (vring_use_dma_api() false): it gets physically contiguous pages of the
 * direct map, never a remap whose virt_to_phys() would be someone else's
 * memory.
 */
static int pd_disk_alloc(struct pd_disk *d)
{
	d->dma_bytes = d->ops->queue_bytes + PD_DMA_SHARED_BYTES;
	if (!d->dma_phys) {
		d->dma_cpu = dma_alloc_coherent(&d->pdev->dev, d->dma_bytes,
						&d->dma_handle, GFP_KERNEL);
		if (!d->dma_cpu)
			return -ENOMEM;
		d->dma_dev_base = d->dma_handle;
		return 0;
	}
	/* Encrypted guest memory is unreadable to a device that bypasses. */
	if (cc_platform_has(CC_ATTR_GUEST_MEM_ENCRYPT)) {
		pd_refuse("PCI %s: the device needs VIRTIO_F_ACCESS_PLATFORM in a guest with encrypted memory\n",
			  pci_name(d->pdev));
		return -EOPNOTSUPP;
	}
	d->dma_cpu = alloc_pages_exact(d->dma_bytes, GFP_KERNEL | __GFP_ZERO);
	if (!d->dma_cpu)
		return -ENOMEM;
	d->dma_dev_base = virt_to_phys(d->dma_cpu);
	return 0;
}

static void pd_disk_free(struct pd_disk *d)
{
	if (!d->dma_cpu)
		return;
	if (d->dma_phys)
		free_pages_exact(d->dma_cpu, d->dma_bytes);
	else
		dma_free_coherent(&d->pdev->dev, d->dma_bytes, d->dma_cpu,
				  d->dma_handle);
	d->dma_cpu = NULL;
}

int pd_disk_arm(struct pd_disk *d, struct pci_dev *pdev,
		const struct pd_arm_request *req)
{
	const struct pd_disk_ops *ops = pd_disk_backend(pdev);
	int ret;

	memset(d, 0, sizeof(*d));
	d->pdev = pdev;
	if (!ops) {
		pd_refuse("PCI %s: device %04x:%04x class %06x is not a supported controller (virtio-blk, NVMe, AHCI)\n",
			  pci_name(pdev), pdev->vendor, pdev->device,
			  pdev->class);
		return -ENODEV;
	}
	d->ops = ops;
	d->lba_size = PD_SECTOR_SIZE;
	ret = ops->arm(d, req);
	if (ret)
		return ret;
	/* The writer's streams write whole blocks of this size, at most 4 KiB. */
	if (!is_power_of_2(d->lba_size) || d->lba_size < PD_SECTOR_SIZE ||
	    d->lba_size > PD_BLOCK_SIZE) {
		pd_refuse("PCI %s: %u-byte logical blocks: expected 512..4096\n",
			  pci_name(pdev), d->lba_size);
		return -EINVAL;
	}
	if (d->max_xfer < d->lba_size) {
		pd_refuse("PCI %s: largest transfer %u bytes is below one %u-byte block\n",
			  pci_name(pdev), d->max_xfer, d->lba_size);
		return -EINVAL;
	}
	d->max_xfer = round_down(d->max_xfer, d->lba_size);
	d->max_xfer = min_t(u32, d->max_xfer, PD_DMA_DATA_BYTES);
	if (req->start_sector + req->nr_sectors > d->capacity_sectors) {
		pd_refuse("PCI %s: area %llu+%llu ends past the disk's %llu sectors\n",
			  pci_name(pdev), req->start_sector, req->nr_sectors,
			  d->capacity_sectors);
		return -EINVAL;
	}
	if ((req->start_sector * PD_SECTOR_SIZE) % d->lba_size) {
		pd_refuse("PCI %s: area start sector %llu is not aligned to the %u-byte blocks\n",
			  pci_name(pdev), req->start_sector, d->lba_size);
		return -EINVAL;
	}
	/* Checked: now the memory, of the kind the backend asked for. */
	return pd_disk_alloc(d);
}

void pd_disk_disarm(struct pd_disk *d)
{
	if (d->ops)
		d->ops->disarm(d);
	pd_disk_free(d);
	d->ops = NULL;
}

void *pd_disk_shared(struct pd_disk *d)
{
	return (u8 *)d->dma_cpu + d->ops->queue_bytes;
}

u64 pd_disk_dev_addr(const struct pd_disk *d, const void *cpu)
{
	return d->dma_dev_base + ((const u8 *)cpu - (const u8 *)d->dma_cpu);
}

static bool pd_disk_io_ok(struct pd_disk *d, u64 sector, const void *buf,
			  u32 len)
{
	const u8 *b = d->dma_cpu, *p = buf;

	return len && !(len % d->lba_size) &&
	       !((sector * PD_SECTOR_SIZE) % d->lba_size) &&
	       p >= b && len <= d->dma_bytes && p - b <= d->dma_bytes - len &&
	       sector + len / PD_SECTOR_SIZE <= d->capacity_sectors;
}

int pd_disk_takeover(struct pd_disk *d)
{
	return d->ops->takeover(d);
}

/* Splits a transfer into the largest requests the device takes. */
static int pd_disk_rw(struct pd_disk *d, bool write, u64 sector, u8 *p,
		      u32 len)
{
	int ret;

	if (!pd_disk_io_ok(d, sector, p, len)) {
		d->fault_sector = sector;
		d->fault_status = 0;
		return -EINVAL;
	}
	while (len) {
		u32 n = min(len, d->max_xfer);

		d->fault_status = 0;
		ret = d->ops->io(d, write, sector, p, n);
		if (ret) {
			d->fault_sector = sector;
			return ret;
		}
		sector += n / PD_SECTOR_SIZE;
		p += n;
		len -= n;
	}
	return 0;
}

int pd_disk_write(struct pd_disk *d, u64 sector, const void *buf, u32 len)
{
	return pd_disk_rw(d, true, sector, (u8 *)buf, len);
}

int pd_disk_read(struct pd_disk *d, u64 sector, void *buf, u32 len)
{
	return pd_disk_rw(d, false, sector, buf, len);
}

int pd_disk_flush(struct pd_disk *d)
{
	return d->ops->flush(d);
}

void pd_disk_shutdown(struct pd_disk *d)
{
	if (d->ops->shutdown)
		d->ops->shutdown(d);
}

/*
 * The clock of the panic path. With interrupts off nothing advances the
 * timekeeper, and ktime_get_mono_fast_ns() goes back by a whole period
 * each time a narrow clocksource wraps (HPET: 32 bits, 43 s; ACPI PM:
 * 24 bits, 4.7 s) during a long dump. The TSC, read on this one CPU,
 * does not wrap.
 */
u64 pd_clock_ns(void)
{
	if (boot_cpu_has(X86_FEATURE_TSC) && tsc_khz)
		return mul_u64_u32_div(rdtsc(), NSEC_PER_MSEC, tsc_khz);
	return ktime_get_mono_fast_ns();
}

void pd_poll_start(struct pd_poll *p, u64 timeout_ns)
{
	p->deadline = pd_clock_ns() + timeout_ns;
	p->spins = 0;
}

/* Waits a microsecond; false once the time is up. */
bool pd_poll_wait(struct pd_poll *p)
{
	if (!(++p->spins & 0xff)) {
		touch_nmi_watchdog();
		if (pd_clock_ns() > p->deadline)
			return false;
	}
	udelay(1);
	return true;
}

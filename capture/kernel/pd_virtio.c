// SPDX-License-Identifier: GPL-2.0
#define pr_fmt(fmt) "panicdump: " fmt
/*
 * A polled virtio-blk queue of panicdump's own (virtio-pci modern).
 *
 * At arm time we only find and map the device's registers and allocate
 * coherent memory; the live virtio_blk driver keeps the device. At panic we
 * reset the device, which drops the live driver's queues whatever state
 * they were in, set up queue 0 with our ring, interrupts off, and poll it.
 * The sequence follows the virtio 1.x spec, section 3.1, like
 * vp_reset()/vp_modern_* but without their sleeps and locks.
 */
#include <linux/dma-mapping.h>
#include <linux/io.h>
#include <linux/virtio_pci.h>
#include <linux/virtio_config.h>
#include <linux/virtio_blk.h>
#include <linux/virtio_ring.h>

#include "pd_internal.h"

#define PD_VQ_SIZE	16U
#define PD_VIO_CC(f)	offsetof(struct virtio_pci_common_cfg, f)

/* Layout of the ring page and the request page. */
#define PD_RING_DESC	0
#define PD_RING_AVAIL	(PD_VQ_SIZE * sizeof(struct vring_desc))
#define PD_RING_USED	2048
#define PD_REQ_HDR	0
#define PD_REQ_STATUS	64
#define PD_VQ_RING_BYTES	4096U
#define PD_VQ_REQ_BYTES		4096U

struct pd_vio_cap {
	u8 bar;
	u32 offset;
	u32 length;
	int pos;
};

static int pd_vio_find_cap(struct pci_dev *pdev, u8 type, struct pd_vio_cap *c)
{
	int pos;

	for (pos = pci_find_capability(pdev, PCI_CAP_ID_VNDR); pos > 0;
	     pos = pci_find_next_capability(pdev, pos, PCI_CAP_ID_VNDR)) {
		u8 cfg_type, bar;

		pci_read_config_byte(pdev, pos + VIRTIO_PCI_CAP_CFG_TYPE,
				     &cfg_type);
		pci_read_config_byte(pdev, pos + VIRTIO_PCI_CAP_BAR, &bar);
		if (cfg_type != type || bar >= PCI_STD_NUM_BARS ||
		    !(pci_resource_flags(pdev, bar) & IORESOURCE_MEM))
			continue;
		c->bar = bar;
		c->pos = pos;
		pci_read_config_dword(pdev, pos + VIRTIO_PCI_CAP_OFFSET,
				      &c->offset);
		pci_read_config_dword(pdev, pos + VIRTIO_PCI_CAP_LENGTH,
				      &c->length);
		return 0;
	}
	return -ENODEV;
}

static void __iomem *pd_vio_map(struct pci_dev *pdev, u8 type, u32 minlen,
				u32 *len, struct pd_vio_cap *cap)
{
	if (pd_vio_find_cap(pdev, type, cap) || cap->length < minlen) {
		pd_refuse("PCI %s: virtio capability %u missing or short\n",
			  pci_name(pdev), type);
		return NULL;
	}
	if (len)
		*len = cap->length;
	return pci_iomap_range(pdev, cap->bar, cap->offset, cap->length);
}

static u64 pd_vio_device_features(struct pd_virtio *v)
{
	u64 f;

	iowrite32(0, v->common + PD_VIO_CC(device_feature_select));
	f = ioread32(v->common + PD_VIO_CC(device_feature));
	iowrite32(1, v->common + PD_VIO_CC(device_feature_select));
	f |= (u64)ioread32(v->common + PD_VIO_CC(device_feature)) << 32;
	return f;
}

static void pd_vio_disarm(struct pd_disk *d)
{
	struct pd_virtio *v = &d->vio;

	if (v->common)
		pci_iounmap(d->pdev, v->common);
	if (v->notify_base)
		pci_iounmap(d->pdev, v->notify_base);
	if (v->device_cfg)
		pci_iounmap(d->pdev, v->device_cfg);
	v->common = NULL;
	v->notify_base = NULL;
	v->device_cfg = NULL;
}

static int pd_vio_arm(struct pd_disk *d, const struct pd_arm_request *req)
{
	struct pd_virtio *v = &d->vio;
	struct pci_dev *pdev = d->pdev;
	struct pd_vio_cap cap;
	u64 features;
	u32 size_max;

	v->common = pd_vio_map(pdev, VIRTIO_PCI_CAP_COMMON_CFG,
			       sizeof(struct virtio_pci_common_cfg), NULL, &cap);
	v->notify_base = pd_vio_map(pdev, VIRTIO_PCI_CAP_NOTIFY_CFG, 2,
				    &v->notify_len, &cap);
	if (v->notify_base)
		pci_read_config_dword(pdev, cap.pos + sizeof(struct virtio_pci_cap),
				      &v->notify_mult);
	v->device_cfg = pd_vio_map(pdev, VIRTIO_PCI_CAP_DEVICE_CFG, 8,
				   &v->device_cfg_len, &cap);
	if (!v->common || !v->notify_base || !v->device_cfg)
		return -ENODEV;

	features = pd_vio_device_features(v);
	if (!(features & BIT_ULL(VIRTIO_F_VERSION_1))) {
		pd_refuse("PCI %s: device does not offer VIRTIO_F_VERSION_1\n",
			  pci_name(pdev));
		return -ENODEV;
	}
	v->access_platform = features & BIT_ULL(VIRTIO_F_ACCESS_PLATFORM);
	v->has_flush = features & BIT_ULL(VIRTIO_BLK_F_FLUSH);
	d->capacity_sectors = ioread32(v->device_cfg) |
			      (u64)ioread32(v->device_cfg + 4) << 32;
	d->max_xfer = PD_DMA_DATA_BYTES;
	if (features & BIT_ULL(VIRTIO_BLK_F_SIZE_MAX) &&
	    v->device_cfg_len >= 12) {
		size_max = ioread32(v->device_cfg +
				    offsetof(struct virtio_blk_config, size_max));
		size_max = round_down(size_max, PD_SECTOR_SIZE);
		if (size_max && size_max < d->max_xfer)
			d->max_xfer = size_max;
	}
	/* A disk of larger logical blocks rejects requests not made of them. */
	if (features & BIT_ULL(VIRTIO_BLK_F_BLK_SIZE) &&
	    v->device_cfg_len >= offsetofend(struct virtio_blk_config, blk_size))
		d->lba_size = ioread32(v->device_cfg +
				       offsetof(struct virtio_blk_config, blk_size));
	if (req->lba_size > d->lba_size)
		d->lba_size = req->lba_size;
	/* Without ACCESS_PLATFORM: guest-physical addresses (pd_disk_alloc). */
	d->dma_phys = !v->access_platform;
	return 0;
}

static void pd_vio_write64(void __iomem *lo, u64 val)
{
	iowrite32(lower_32_bits(val), lo);
	iowrite32(upper_32_bits(val), lo + 4);
}

static void pd_vio_status_or(struct pd_virtio *v, u8 bits)
{
	void __iomem *st = v->common + PD_VIO_CC(device_status);

	iowrite8(ioread8(st) | bits, st);
}

static int pd_vio_takeover(struct pd_disk *d)
{
	struct pd_virtio *v = &d->vio;
	void __iomem *st = v->common + PD_VIO_CC(device_status);
	u8 *ring = d->dma_cpu;
	struct pd_poll poll;
	u64 want;
	u16 qmax, off;

	iowrite8(0, st);
	pd_poll_start(&poll, PD_RESET_TIMEOUT_NS);
	while (ioread8(st))
		if (!pd_poll_wait(&poll))
			return -ETIMEDOUT;
	pd_vio_status_or(v, VIRTIO_CONFIG_S_ACKNOWLEDGE);
	pd_vio_status_or(v, VIRTIO_CONFIG_S_DRIVER);

	want = BIT_ULL(VIRTIO_F_VERSION_1);
	if (v->access_platform)
		want |= BIT_ULL(VIRTIO_F_ACCESS_PLATFORM);
	if (v->has_flush)
		want |= BIT_ULL(VIRTIO_BLK_F_FLUSH);
	want &= pd_vio_device_features(v);
	iowrite32(0, v->common + PD_VIO_CC(guest_feature_select));
	iowrite32(lower_32_bits(want), v->common + PD_VIO_CC(guest_feature));
	iowrite32(1, v->common + PD_VIO_CC(guest_feature_select));
	iowrite32(upper_32_bits(want), v->common + PD_VIO_CC(guest_feature));
	pd_vio_status_or(v, VIRTIO_CONFIG_S_FEATURES_OK);
	if (!(ioread8(st) & VIRTIO_CONFIG_S_FEATURES_OK))
		return -EIO;

	iowrite16(0, v->common + PD_VIO_CC(queue_select));
	qmax = ioread16(v->common + PD_VIO_CC(queue_size));
	if (!qmax)
		return -EIO;
	v->qsize = min_t(u16, qmax, PD_VQ_SIZE);
	v->qsize = rounddown_pow_of_two(v->qsize);
	iowrite16(v->qsize, v->common + PD_VIO_CC(queue_size));
	iowrite16(VIRTIO_MSI_NO_VECTOR, v->common + PD_VIO_CC(msix_config));
	iowrite16(VIRTIO_MSI_NO_VECTOR,
		  v->common + PD_VIO_CC(queue_msix_vector));

	memset(ring, 0, PD_VQ_RING_BYTES);
	/* We poll; ask the device not to interrupt at all. */
	((struct vring_avail *)(ring + PD_RING_AVAIL))->flags =
		(__force __virtio16)cpu_to_le16(VRING_AVAIL_F_NO_INTERRUPT);
	pd_vio_write64(v->common + PD_VIO_CC(queue_desc_lo),
		       pd_disk_dev_addr(d, ring + PD_RING_DESC));
	pd_vio_write64(v->common + PD_VIO_CC(queue_avail_lo),
		       pd_disk_dev_addr(d, ring + PD_RING_AVAIL));
	pd_vio_write64(v->common + PD_VIO_CC(queue_used_lo),
		       pd_disk_dev_addr(d, ring + PD_RING_USED));

	off = ioread16(v->common + PD_VIO_CC(queue_notify_off));
	if ((u64)off * v->notify_mult + 2 > v->notify_len)
		return -EIO;
	v->notify = v->notify_base + (u32)off * v->notify_mult;
	iowrite16(1, v->common + PD_VIO_CC(queue_enable));
	v->avail_idx = 0;
	v->used_idx = 0;
	pd_vio_status_or(v, VIRTIO_CONFIG_S_DRIVER_OK);
	if (ioread8(st) & (VIRTIO_CONFIG_S_FAILED | VIRTIO_CONFIG_S_NEEDS_RESET))
		return -EIO;
	return 0;
}

/* Submits the chain starting at descriptor 0 and polls for its completion. */
static int pd_vio_submit(struct pd_disk *d)
{
	struct pd_virtio *v = &d->vio;
	u8 *ring = d->dma_cpu;
	struct vring_avail *avail = (void *)(ring + PD_RING_AVAIL);
	struct vring_used *used = (void *)(ring + PD_RING_USED);
	u8 *status = ring + PD_VQ_RING_BYTES + PD_REQ_STATUS;
	struct pd_poll poll;

	*status = 0xff;
	avail->ring[v->avail_idx % v->qsize] = 0;	/* head descriptor */
	dma_wmb();
	v->avail_idx++;
	WRITE_ONCE(avail->idx, (__force __virtio16)cpu_to_le16(v->avail_idx));
	/* The device must see the new avail index before the notification. */
	mb();
	iowrite16(0, v->notify);

	pd_poll_start(&poll, PD_IO_TIMEOUT_NS);
	while (le16_to_cpu((__force __le16)READ_ONCE(used->idx)) ==
	       v->used_idx)
		if (!pd_poll_wait(&poll))
			return -ETIMEDOUT;
	dma_rmb();
	v->used_idx++;
	if (READ_ONCE(*status) == VIRTIO_BLK_S_OK)
		return 0;
	d->fault_status = READ_ONCE(*status);
	return -EIO;
}

static void pd_vio_desc(struct pd_disk *d, unsigned int i, const void *cpu,
			u32 len, u16 flags)
{
	struct vring_desc *desc = (struct vring_desc *)d->dma_cpu + i;

	desc->addr = (__force __virtio64)cpu_to_le64(pd_disk_dev_addr(d, cpu));
	desc->len = (__force __virtio32)cpu_to_le32(len);
	desc->flags = (__force __virtio16)cpu_to_le16(flags);
	desc->next = (__force __virtio16)cpu_to_le16(i + 1);
}

static int pd_vio_request(struct pd_disk *d, u32 type, u64 sector,
			  void *buf, u32 len)
{
	u8 *req = (u8 *)d->dma_cpu + PD_VQ_RING_BYTES;
	struct virtio_blk_outhdr *hdr = (void *)(req + PD_REQ_HDR);
	unsigned int i = 0;

	hdr->type = (__force __virtio32)cpu_to_le32(type);
	hdr->ioprio = 0;
	hdr->sector = (__force __virtio64)cpu_to_le64(sector);
	pd_vio_desc(d, i++, hdr, sizeof(*hdr), VRING_DESC_F_NEXT);
	if (len)
		pd_vio_desc(d, i++, buf, len, VRING_DESC_F_NEXT |
			    (type == VIRTIO_BLK_T_IN ? VRING_DESC_F_WRITE : 0));
	pd_vio_desc(d, i, req + PD_REQ_STATUS, 1, VRING_DESC_F_WRITE);
	return pd_vio_submit(d);
}

static int pd_vio_io(struct pd_disk *d, bool write, u64 sector, void *buf,
		     u32 len)
{
	return pd_vio_request(d, write ? VIRTIO_BLK_T_OUT : VIRTIO_BLK_T_IN,
			      sector, buf, len);
}

static int pd_vio_flush(struct pd_disk *d)
{
	if (!d->vio.has_flush)
		return 0;
	return pd_vio_request(d, VIRTIO_BLK_T_FLUSH, 0, NULL, 0);
}

const struct pd_disk_ops pd_virtio_ops = {
	.name = "virtio-blk",
	.queue_bytes = PD_VQ_RING_BYTES + PD_VQ_REQ_BYTES,
	.arm = pd_vio_arm,
	.disarm = pd_vio_disarm,
	.takeover = pd_vio_takeover,
	.io = pd_vio_io,
	.flush = pd_vio_flush,
};

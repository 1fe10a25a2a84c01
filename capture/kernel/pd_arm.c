// SPDX-License-Identifier: GPL-2.0
#define pr_fmt(fmt) "panicdump: " fmt
/*
 * Arming: check what dumpadm asks for and allocate everything the panic
 * path will use. Whatever can fail, fails here, with a message saying
 * what and why; the panic path then has nothing left to allocate.
 */
#include <linux/cpumask.h>
#include <linux/file.h>
#include <linux/ioport.h>
#include <linux/lzo.h>
#include <linux/mm.h>
#include <linux/pci.h>
#include <linux/slab.h>
#include <linux/sort.h>
#include <linux/utsname.h>
#include <linux/vmalloc.h>
#include "pd_kcompat.h"

#include "pd_internal.h"

static int pd_ram_range_cb(struct resource *res, void *arg)
{
	struct pd_armed *armed = arg;
	unsigned long s = PFN_UP(res->start), e = PFN_DOWN(res->end + 1);

	if (s >= e)
		return 0;
	if (armed->nr_ranges == PD_MAX_RAM_RANGES)
		return -E2BIG;
	armed->ranges[armed->nr_ranges].start_pfn = s;
	armed->ranges[armed->nr_ranges].end_pfn = e;
	armed->nr_ranges++;
	return 0;
}

static int pd_range_cmp(const void *a, const void *b)
{
	const struct pd_ram_range *x = a, *y = b;

	return x->start_pfn < y->start_pfn ? -1 : x->start_pfn > y->start_pfn;
}

/* Page descs go in PFN order, so the ranges must be sorted and disjoint. */
static int pd_collect_ram(struct pd_armed *armed)
{
	unsigned int i;
	int ret;

	ret = walk_iomem_res_desc(IORES_DESC_NONE,
				  IORESOURCE_SYSTEM_RAM | IORESOURCE_BUSY,
				  0, -1, armed, pd_ram_range_cb);
	if (ret == -E2BIG) {
		pd_refuse("more than %u System RAM ranges\n",
			  PD_MAX_RAM_RANGES);
		return ret;
	}
	if (!armed->nr_ranges) {
		pd_refuse("no System RAM ranges found\n");
		return -ENODEV;
	}
	sort(armed->ranges, armed->nr_ranges, sizeof(armed->ranges[0]),
	     pd_range_cmp, NULL);
	for (i = 0; i < armed->nr_ranges; i++) {
		if (i && armed->ranges[i].start_pfn < armed->ranges[i - 1].end_pfn) {
			pd_refuse("overlapping System RAM ranges\n");
			return -EINVAL;
		}
		armed->ram_pages += armed->ranges[i].end_pfn -
				  armed->ranges[i].start_pfn;
	}
	armed->max_pfn = armed->ranges[armed->nr_ranges - 1].end_pfn;
	return 0;
}

/* The kernel image, written first; a range outside RAM is ignored. */
static void pd_kernel_image(struct pd_armed *armed)
{
	unsigned long s = PHYS_PFN(armed->req.kernel_phys_start);
	unsigned long e = PFN_UP(armed->req.kernel_phys_end);

	if (!armed->req.kernel_phys_start || e <= s || e > armed->max_pfn) {
		pr_warn("no kernel image range; a dump cut short may lack it\n");
		return;
	}
	armed->kimage_start_pfn = s;
	armed->kimage_end_pfn = e;
}

/* The ARMED header dumpadm wrote is the template of everything we write. */
static int pd_check_header(const struct pd_arm_request *req)
{
	const struct pd_header *h = &req->header;
	u64 area = req->nr_sectors * PD_SECTOR_SIZE;
	struct pd_header tmp = *h;
	enum pd_header_error e;
	int bad;

	e = pd_header_check(h, area, &bad);
	if (e != PD_HDR_OK) {
		pd_refuse("arm request header: %s (section %d)\n",
			  pd_header_error_str(e), bad);
		return -EINVAL;
	}
	if (h->state != PD_STATE_ARMED ||
	    !pd_header_section(&tmp, PD_SECT_LOG) ||
	    !pd_header_section(&tmp, PD_SECT_KDUMP)) {
		pd_refuse("arm request header: expected state armed with log and kdump sections, found state %s\n",
			  pd_state_str(h->state));
		return -EINVAL;
	}
	if (h->content > PD_CONTENT_CURPROC) {
		pd_refuse("unknown content %u\n", h->content);
		return -EINVAL;
	}
	if (h->compression > PD_COMPRESS_NONE) {
		pd_refuse("unknown compression %u\n", h->compression);
		return -EINVAL;
	}
	if (!pd_compression_level_ok(h->compression, h->compression_level)) {
		pd_refuse("zstd level %d outside %d..%d\n",
			  h->compression_level, PD_ZSTD_LEVEL_MIN,
			  PD_ZSTD_LEVEL_MAX);
		return -EINVAL;
	}
	return 0;
}

static int pd_check_request(const struct pd_arm_request *req)
{
	unsigned int cpu;
	int ret;

	if (req->version != PD_ARM_VERSION || req->size != sizeof(*req)) {
		pd_refuse("arm request version %u size %u, expected %u and %zu (dumpadm and module out of step)\n",
			  req->version, req->size, PD_ARM_VERSION,
			  sizeof(*req));
		return -EINVAL;
	}
	if (req->reserved0[0] || req->reserved0[1] || req->reserved1) {
		pd_refuse("arm request with reserved fields set: expected zero\n");
		return -EINVAL;
	}
	/* Nothing below may wrap: the end of the area is start + length. */
	if (req->start_sector > U64_MAX / PD_SECTOR_SIZE ||
	    req->nr_sectors > U64_MAX / PD_SECTOR_SIZE - req->start_sector) {
		pd_refuse("dump area %llu+%llu sectors: past the end of any disk\n",
			  req->start_sector, req->nr_sectors);
		return -EINVAL;
	}
	if (req->nr_sectors * PD_SECTOR_SIZE < PD_MIN_AREA_SIZE ||
	    req->nr_sectors % (PD_BLOCK_SIZE / PD_SECTOR_SIZE)) {
		pd_refuse("dump area of %llu sectors: expected a multiple of 8 sectors, at least %llu bytes\n",
			  req->nr_sectors, PD_MIN_AREA_SIZE);
		return -EINVAL;
	}
	ret = pd_check_header(req);
	if (ret)
		return ret;
	if (!req->nr_cpus || req->nr_cpus > PD_MAX_CPUS) {
		pd_refuse("%u CPUs in the request, expected 1..%u\n",
			  req->nr_cpus, PD_MAX_CPUS);
		return -EINVAL;
	}
	for_each_online_cpu(cpu) {
		u64 pa = cpu < req->nr_cpus ? req->crash_notes[cpu] : 0;

		if (!pa) {
			pd_refuse("no crash_notes address for online CPU %u\n",
				  cpu);
			return -EINVAL;
		}
		/* The note must be RAM and, as the kernel allocates it, in one page. */
		if (!page_is_ram(PHYS_PFN(pa)) ||
		    offset_in_page(pa) + CRASH_CORE_NOTE_BYTES > PAGE_SIZE) {
			pd_refuse("crash_notes address %#llx of CPU %u is not a note buffer\n",
				  pa, cpu);
			return -EINVAL;
		}
	}
	return 0;
}

static struct pci_dev *pd_get_pci(const struct pd_arm_request *req)
{
	struct pci_dev *pdev;

	pdev = pci_get_domain_bus_and_slot(req->pci_domain, req->pci_bus,
					   req->pci_devfn);
	if (!pdev)
		pd_refuse("no PCI device %04x:%02x:%02x.%u\n",
			  req->pci_domain, req->pci_bus,
			  PCI_SLOT(req->pci_devfn), PCI_FUNC(req->pci_devfn));
	return pdev;
}

/* Content curproc only: a bit per PFN for the panicking process's pages. */
static int pd_alloc_curproc(struct pd_armed *armed)
{
	struct pd_curproc *c = &armed->curproc;

	if (armed->hdr.content != PD_CONTENT_CURPROC)
		return 0;
	c->bytes = DIV_ROUND_UP(armed->max_pfn, 8);
	c->bitmap = kvzalloc(c->bytes, GFP_KERNEL);
	if (!c->bitmap)
		return -ENOMEM;
	armed->memory_bytes += c->bytes;
	return 0;
}

static int pd_alloc_buffers(struct pd_armed *armed)
{
	struct pd_notes *n = &armed->notes;

	n->nr_cpus = armed->req.nr_cpus;
	n->crash_notes = armed->req.crash_notes;
	n->cap = pd_notes_capacity(armed->req.nr_cpus);
	n->buf = kvzalloc(n->cap, GFP_KERNEL);
	armed->line_buf = kmalloc(pd_kmsg_line_max(), GFP_KERNEL);
	armed->dump = kzalloc(sizeof(*armed->dump), GFP_KERNEL);
	if (!n->buf || !armed->line_buf || !armed->dump)
		return -ENOMEM;
	armed->memory_bytes += sizeof(*armed) + n->cap + pd_kmsg_line_max() +
			       pd_dump_state_bytes();
	if (pd_alloc_curproc(armed))
		return -ENOMEM;
	return pd_compress_arm(&armed->comp, &armed->hdr,
			       &armed->memory_bytes);
}

/* The shared buffers, after the backend's queues, each in whole blocks. */
static int pd_setup_device(struct pd_armed *armed, struct pci_dev *pdev)
{
	struct pd_dump_buffers *b = &armed->buf;
	u8 *p;
	int ret;

	ret = pd_disk_arm(&armed->disk, pdev, &armed->req);
	if (ret)
		return ret;
	p = pd_disk_shared(&armed->disk);
	b->header_block = p;
	b->meta = p + PD_DMA_HEADER_BYTES;
	b->meta_bytes = PD_DMA_META_BYTES;
	b->desc = b->meta + PD_DMA_META_BYTES;
	b->desc_bytes = PD_DMA_DESC_BYTES;
	b->data = b->desc + PD_DMA_DESC_BYTES;
	b->data_bytes = PD_DMA_DATA_BYTES;
	/* The page copied out is compressed from, never DMA'd: any memory. */
	b->page = kmalloc(PAGE_SIZE, GFP_KERNEL);
	if (!b->page)
		return -ENOMEM;
	armed->memory_bytes += armed->disk.dma_bytes + PAGE_SIZE;
	return 0;
}

static void pd_init_header(struct pd_armed *armed)
{
	struct pd_header *h = &armed->hdr;

	h->nr_cpus = armed->req.nr_cpus;
	h->ram_pages = armed->ram_pages;
	strscpy(h->release, init_uts_ns.name.release, sizeof(h->release));
}

struct pd_armed *pd_arm(const struct pd_arm_request *req)
{
	struct pci_dev *pdev;
	struct pd_armed *armed;
	int ret;

	ret = pd_check_request(req);
	if (ret)
		return ERR_PTR(ret);
	pdev = pd_get_pci(req);
	if (!pdev)
		return ERR_PTR(-ENODEV);
	armed = kvzalloc(sizeof(*armed), GFP_KERNEL);
	if (!armed) {
		pci_dev_put(pdev);
		return ERR_PTR(-ENOMEM);
	}
	armed->req = *req;
	armed->hdr = req->header;
	armed->disk.pdev = pdev;
	ret = pd_collect_ram(armed);
	if (!ret)
		pd_kernel_image(armed);
	if (!ret)
		ret = pd_setup_device(armed, pdev);
	if (!ret)
		ret = pd_alloc_buffers(armed);
	if (!ret)
		ret = pd_capture_arm(armed);
	if (!ret)
		ret = pd_test_fail_arm(PD_TEST_FAIL_ALLOC);
	if (!ret) {
		armed->dev_file = pd_arm_header_file(req);
		if (IS_ERR(armed->dev_file)) {
			ret = PTR_ERR(armed->dev_file);
			armed->dev_file = NULL;
		}
	}
	if (!ret)
		ret = pd_hold_device(armed);
	if (ret) {
		pd_disarm(armed);
		return ERR_PTR(ret);
	}
	pd_init_header(armed);
	return armed;
}

void pd_disarm(struct pd_armed *armed)
{
	struct pci_dev *pdev = armed->disk.pdev;

	pd_disk_disarm(&armed->disk);
	kvfree(armed->notes.buf);
	kvfree(armed->curproc.bitmap);
	pd_compress_disarm(&armed->comp);
	kfree(armed->buf.page);
	kfree(armed->line_buf);
	kfree(armed->dump);
	pd_release_device(armed);
	if (armed->dev_file)
		fput(armed->dev_file);
	pci_dev_put(pdev);
	kvfree(armed);
}

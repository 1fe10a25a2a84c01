// SPDX-License-Identifier: GPL-2.0
/*
 * Arming: check what dumpadm asks for and allocate everything the panic
 * path will use. Whatever can fail, fails here, with a message saying
 * what and why; the panic path then has nothing left to allocate.
 */
#include <linux/cpumask.h>
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
	struct pd_ctx *ctx = arg;
	unsigned long s = PFN_UP(res->start), e = PFN_DOWN(res->end + 1);

	if (s >= e)
		return 0;
	if (ctx->nr_ranges == PD_MAX_RAM_RANGES)
		return -E2BIG;
	ctx->ranges[ctx->nr_ranges].start_pfn = s;
	ctx->ranges[ctx->nr_ranges].end_pfn = e;
	ctx->nr_ranges++;
	return 0;
}

static int pd_range_cmp(const void *a, const void *b)
{
	const struct pd_ram_range *x = a, *y = b;

	return x->start_pfn < y->start_pfn ? -1 : x->start_pfn > y->start_pfn;
}

/* Page descs go in PFN order, so the ranges must be sorted and disjoint. */
static int pd_collect_ram(struct pd_ctx *ctx)
{
	unsigned int i;
	int ret;

	ret = walk_iomem_res_desc(IORES_DESC_NONE,
				  IORESOURCE_SYSTEM_RAM | IORESOURCE_BUSY,
				  0, -1, ctx, pd_ram_range_cb);
	if (ret == -E2BIG) {
		pr_err("panicdump: more than %u System RAM ranges\n",
		       PD_MAX_RAM_RANGES);
		return ret;
	}
	if (!ctx->nr_ranges) {
		pr_err("panicdump: no System RAM ranges found\n");
		return -ENODEV;
	}
	sort(ctx->ranges, ctx->nr_ranges, sizeof(ctx->ranges[0]),
	     pd_range_cmp, NULL);
	for (i = 0; i < ctx->nr_ranges; i++) {
		if (i && ctx->ranges[i].start_pfn < ctx->ranges[i - 1].end_pfn) {
			pr_err("panicdump: overlapping System RAM ranges\n");
			return -EINVAL;
		}
		ctx->ram_pages += ctx->ranges[i].end_pfn -
				  ctx->ranges[i].start_pfn;
	}
	ctx->max_pfn = ctx->ranges[ctx->nr_ranges - 1].end_pfn;
	return 0;
}

/* The kernel image, written first; a range outside RAM is ignored. */
static void pd_kernel_image(struct pd_ctx *ctx)
{
	unsigned long s = PHYS_PFN(ctx->req.kernel_phys_start);
	unsigned long e = PFN_UP(ctx->req.kernel_phys_end);

	if (!ctx->req.kernel_phys_start || e <= s || e > ctx->max_pfn) {
		pr_warn("panicdump: no kernel image range; a dump cut short may lack it\n");
		return;
	}
	ctx->kimage_start_pfn = s;
	ctx->kimage_end_pfn = e;
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
		pr_err("panicdump: arm request header: %s (section %d)\n",
		       pd_header_error_str(e), bad);
		return -EINVAL;
	}
	if (h->state != PD_STATE_ARMED ||
	    !pd_header_section(&tmp, PD_SECT_LOG) ||
	    !pd_header_section(&tmp, PD_SECT_KDUMP)) {
		pr_err("panicdump: arm request header: expected state armed with log and kdump sections, found state %s\n",
		       pd_state_str(h->state));
		return -EINVAL;
	}
	if (h->content > PD_CONTENT_CURPROC) {
		pr_err("panicdump: unknown content %u\n", h->content);
		return -EINVAL;
	}
	if (h->compression > PD_COMPRESS_NONE) {
		pr_err("panicdump: unknown compression %u\n", h->compression);
		return -EINVAL;
	}
	if (h->compression == PD_COMPRESS_ZSTD &&
	    (h->compression_level < zstd_min_clevel() ||
	     h->compression_level > zstd_max_clevel())) {
		pr_err("panicdump: zstd level %d outside %d..%d\n",
		       h->compression_level, zstd_min_clevel(),
		       zstd_max_clevel());
		return -EINVAL;
	}
	return 0;
}

static int pd_check_request(const struct pd_arm_request *req)
{
	unsigned int cpu;
	int ret;

	if (req->version != PD_ARM_VERSION || req->size != sizeof(*req)) {
		pr_err("panicdump: arm request version %u size %u, expected %u and %zu (dumpadm and module out of step)\n",
		       req->version, req->size, PD_ARM_VERSION, sizeof(*req));
		return -EINVAL;
	}
	if (req->nr_sectors * PD_SECTOR_SIZE < PD_MIN_AREA_SIZE ||
	    req->nr_sectors % (PD_BLOCK_SIZE / PD_SECTOR_SIZE)) {
		pr_err("panicdump: dump area of %llu sectors: expected a multiple of 8 sectors, at least %llu bytes\n",
		       req->nr_sectors, PD_MIN_AREA_SIZE);
		return -EINVAL;
	}
	ret = pd_check_header(req);
	if (ret)
		return ret;
	if (!req->nr_cpus || req->nr_cpus > PD_MAX_CPUS) {
		pr_err("panicdump: %u CPUs in the request, expected 1..%u\n",
		       req->nr_cpus, PD_MAX_CPUS);
		return -EINVAL;
	}
	for_each_online_cpu(cpu) {
		u64 pa = cpu < req->nr_cpus ? req->crash_notes[cpu] : 0;

		if (!pa) {
			pr_err("panicdump: no crash_notes address for online CPU %u\n",
			       cpu);
			return -EINVAL;
		}
		/* The note must be RAM and, as the kernel allocates it, in one page. */
		if (!page_is_ram(PHYS_PFN(pa)) ||
		    offset_in_page(pa) + CRASH_CORE_NOTE_BYTES > PAGE_SIZE) {
			pr_err("panicdump: crash_notes address %#llx of CPU %u is not a note buffer\n",
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
		pr_err("panicdump: no PCI device %04x:%02x:%02x.%u\n",
		       req->pci_domain, req->pci_bus,
		       PCI_SLOT(req->pci_devfn), PCI_FUNC(req->pci_devfn));
	return pdev;
}

static int pd_alloc_compressor(struct pd_ctx *ctx)
{
	switch (ctx->hdr.compression) {
	case PD_COMPRESS_ZSTD:
		ctx->zparams = zstd_get_params(ctx->hdr.compression_level,
					       PAGE_SIZE);
		ctx->zstd_wksp_size =
			zstd_cctx_workspace_bound(&ctx->zparams.cParams);
		ctx->zstd_wksp = kvmalloc(ctx->zstd_wksp_size, GFP_KERNEL);
		if (!ctx->zstd_wksp)
			return -ENOMEM;
		ctx->cctx = zstd_init_cctx(ctx->zstd_wksp, ctx->zstd_wksp_size);
		if (!ctx->cctx)
			return -EINVAL;
		ctx->memory_bytes += ctx->zstd_wksp_size;
		break;
	case PD_COMPRESS_LZO:
		ctx->lzo_wksp = kvmalloc(LZO1X_1_MEM_COMPRESS, GFP_KERNEL);
		if (!ctx->lzo_wksp)
			return -ENOMEM;
		ctx->memory_bytes += LZO1X_1_MEM_COMPRESS;
		break;
	}
	return 0;
}

static int pd_alloc_buffers(struct pd_ctx *ctx)
{
	ctx->bitmap_bytes = round_up(DIV_ROUND_UP(ctx->max_pfn, 8),
				     KDUMP_BLOCK_SIZE);
	ctx->bitmap2 = kvzalloc(ctx->bitmap_bytes, GFP_KERNEL);
	ctx->notes_cap = pd_notes_capacity(ctx->req.nr_cpus);
	ctx->notes = kvzalloc(ctx->notes_cap, GFP_KERNEL);
	ctx->page_buf = kmalloc(PAGE_SIZE, GFP_KERNEL);
	ctx->line_buf = kmalloc(pd_log_line_max(), GFP_KERNEL);
	if (!ctx->bitmap2 || !ctx->notes || !ctx->page_buf ||
	    !ctx->line_buf)
		return -ENOMEM;
	ctx->memory_bytes += sizeof(*ctx) + ctx->bitmap_bytes +
			     ctx->notes_cap + PAGE_SIZE + pd_log_line_max();
	return pd_alloc_compressor(ctx);
}

static int pd_setup_device(struct pd_ctx *ctx, struct pci_dev *pdev)
{
	u8 *p;
	int ret;

	ret = pd_disk_arm(&ctx->disk, pdev, &ctx->req);
	if (ret)
		return ret;
	p = pd_disk_shared(&ctx->disk);
	ctx->meta_buf = p;
	ctx->desc_buf = p + PD_DMA_META_BYTES;
	ctx->data_buf = ctx->desc_buf + PD_DMA_DESC_BYTES;
	ctx->memory_bytes += ctx->disk.dma_bytes;
	return 0;
}

static void pd_init_header(struct pd_ctx *ctx)
{
	struct pd_header *h = &ctx->hdr;

	h->nr_cpus = ctx->req.nr_cpus;
	h->ram_pages = ctx->ram_pages;
	strscpy(h->release, init_uts_ns.name.release, sizeof(h->release));
}

struct pd_ctx *pd_arm(const struct pd_arm_request *req)
{
	struct pci_dev *pdev;
	struct pd_ctx *ctx;
	int ret;

	ret = pd_check_request(req);
	if (ret)
		return ERR_PTR(ret);
	pdev = pd_get_pci(req);
	if (!pdev)
		return ERR_PTR(-ENODEV);
	ctx = kvzalloc(sizeof(*ctx), GFP_KERNEL);
	if (!ctx) {
		pci_dev_put(pdev);
		return ERR_PTR(-ENOMEM);
	}
	ctx->req = *req;
	ctx->hdr = req->header;
	ctx->disk.pdev = pdev;
	ret = pd_collect_ram(ctx);
	if (!ret)
		pd_kernel_image(ctx);
	if (!ret)
		ret = pd_setup_device(ctx, pdev);
	if (!ret)
		ret = pd_alloc_buffers(ctx);
	/* Last: nothing is written unless everything else is in place. */
	if (!ret && (req->header.compat_features & PD_COMPAT_SWAP))
		ret = pd_swap_write_header(req);
	if (ret) {
		pd_disarm(ctx);
		return ERR_PTR(ret);
	}
	pd_init_header(ctx);
	return ctx;
}

void pd_disarm(struct pd_ctx *ctx)
{
	struct pci_dev *pdev = ctx->disk.pdev;

	pd_disk_disarm(&ctx->disk);
	kvfree(ctx->bitmap2);
	kvfree(ctx->notes);
	kvfree(ctx->zstd_wksp);
	kvfree(ctx->lzo_wksp);
	kfree(ctx->page_buf);
	kfree(ctx->line_buf);
	pci_dev_put(pdev);
	kvfree(ctx);
}

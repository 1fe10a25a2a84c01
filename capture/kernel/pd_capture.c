// SPDX-License-Identifier: GPL-2.0
/*
 * One dump, from the panic notifier: the kernel's side of the writer's
 * core (capture/core). It takes the controller over, hands the core the
 * area (through the polled queue), the memory (struct page and the
 * direct map), the log (kmsg_dump), the compressor and the buffers armed
 * beforehand, and reports the outcome on the console.
 */
#define pr_fmt(fmt) "panicdump: " fmt

#include <linux/moduleparam.h>
#include <linux/nmi.h>
#include <linux/smp.h>
#include <linux/timekeeping.h>
#include <linux/utsname.h>
#include <asm/page.h>

#include "pd_internal.h"

#define PD_PROGRESS_EVERY_NS	(2ULL * NSEC_PER_SEC)

#ifdef PD_TEST_BUILD
/*
 * Fault injection for the tests (make module PD_TEST=1 only): an oops
 * inside the dump after this many pages, to check that a fault during the
 * dump still ends in a reboot and a dump savecore saves as incomplete. 0,
 * the default, is off.
 */
static unsigned long test_fault_after_pages;
module_param(test_fault_after_pages, ulong, 0600);
MODULE_PARM_DESC(test_fault_after_pages,
		 "testing only: oops in the dump after this many pages (0: off)");
MODULE_INFO(build, "test (fault injection)");
#endif

static u64 pd_t0_ns, pd_last_progress_ns;
static char pd_report_line[160];

static u64 pd_sector_of(struct pd_armed *armed, u64 off)
{
	return armed->req.start_sector + off / PD_SECTOR_SIZE;
}

static int pd_fault(struct pd_armed *armed, int ret, struct pd_io_fault *f)
{
	f->sector = armed->disk.fault_sector;
	f->status = armed->disk.fault_status;
	return ret;
}

static int pd_area_write_op(void *priv, u64 off, const void *buf, u32 len,
			    struct pd_io_fault *f)
{
	struct pd_armed *armed = priv;
	int ret = pd_disk_write(&armed->disk, pd_sector_of(armed, off), buf,
				len);

	return ret ? pd_fault(armed, ret, f) : 0;
}

static int pd_area_read_op(void *priv, u64 off, void *buf, u32 len,
			   struct pd_io_fault *f)
{
	struct pd_armed *armed = priv;
	int ret = pd_disk_read(&armed->disk, pd_sector_of(armed, off), buf,
			       len);

	return ret ? pd_fault(armed, ret, f) : 0;
}

static int pd_area_flush_op(void *priv, struct pd_io_fault *f)
{
	struct pd_armed *armed = priv;
	int ret = pd_disk_flush(&armed->disk);

	return ret ? pd_fault(armed, ret, f) : 0;
}

static const struct pd_area_ops pd_area_disk_ops = {
	.write = pd_area_write_op,
	.read = pd_area_read_op,
	.flush = pd_area_flush_op,
};

static u64 pd_elapsed_ms(void *priv)
{
	return div_u64(pd_clock_ns() - pd_t0_ns, NSEC_PER_MSEC);
}

static bool pd_progress(void *priv, u64 done, u64 total, u64 written)
{
	u64 now = pd_clock_ns();

	if (now - pd_last_progress_ns < PD_PROGRESS_EVERY_NS)
		return false;
	pd_last_progress_ns = now;
	pr_emerg("%3llu%% %llu/%llu pages, %llu MB written, %llu ms\n",
		 total ? div64_u64(done * 100, total) : 100, done, total,
		 written >> 20, pd_elapsed_ms(priv));
	return true;
}

#ifdef PD_TEST_BUILD
static void pd_before_page(void *priv, u64 done)
{
	if (unlikely(test_fault_after_pages && done == test_fault_after_pages))
		*(volatile unsigned long *)NULL = done;
}
#endif

static void pd_image_info(struct pd_armed *armed,
			  struct kdump_header_info *info)
{
	const struct new_utsname *u = &init_uts_ns.name;

	memset(info, 0, sizeof(*info));
	memcpy(info->utsname[0], u->sysname, KDUMP_UTS_LEN);
	memcpy(info->utsname[1], u->nodename, KDUMP_UTS_LEN);
	memcpy(info->utsname[2], u->release, KDUMP_UTS_LEN);
	memcpy(info->utsname[3], u->version, KDUMP_UTS_LEN);
	memcpy(info->utsname[4], u->machine, KDUMP_UTS_LEN);
	memcpy(info->utsname[5], u->domainname, KDUMP_UTS_LEN);
	info->crash_seconds = armed->hdr.crash_time;
	info->nr_cpus = armed->req.nr_cpus;
	info->current_cpu = armed->hdr.panic_cpu;
	info->phys_base = phys_base;
	/* makedumpfile's -d mask: 31 leaves out zero, cache, user, free. */
	info->dump_level = armed->hdr.content == PD_CONTENT_ALL ? 0 : 31;
}

/* At arm time: everything the core gets that the panic does not change. */
int pd_capture_arm(struct pd_armed *armed)
{
	struct pd_dump *d = armed->dump;

	if (pd_dump_init(d, &armed->hdr, &pd_area_disk_ops, armed,
			 armed->disk.lba_size)) {
		pd_refuse("%u-byte blocks: the writer takes 512..4096, a power of two\n",
			  armed->disk.lba_size);
		return -EINVAL;
	}
	pd_memory_source(armed, &d->src);
	pd_kmsg_source(&d->log, armed->line_buf, pd_kmsg_line_max());
	pd_compress_setup(&armed->comp, &d->comp);
	d->buf = armed->buf;
	d->hooks.priv = armed;
	d->hooks.progress = pd_progress;
	d->hooks.elapsed_ms = pd_elapsed_ms;
#ifdef PD_TEST_BUILD
	d->hooks.before_page = pd_before_page;
#endif
	d->notes = armed->notes.buf;
	return 0;
}

static void pd_report(struct pd_armed *armed)
{
	const struct pd_header *h = &armed->hdr;
	const struct pd_dump_error *e = &h->error;
	u64 raw = h->dumped_pages * PAGE_SIZE;

	if (e->kind != PD_ERR_NONE) {
		/* The words savecore's info.N uses, from formats/. */
		pd_dump_error_format(pd_report_line, sizeof(pd_report_line), e);
		pr_emerg("dump error: %s\n", pd_report_line);
	}
	if (h->state != PD_STATE_COMPLETE) {
		pr_emerg("no dump written\n");
		return;
	}
	pr_emerg("dump %s: %llu pages (%llu zero, %llu unreadable), %llu MB written (%llu.%llux smaller), %llu ms\n",
		 h->dump_flags & PD_DUMP_F_INCOMPLETE ? "INCOMPLETE" : "complete",
		 h->dumped_pages, h->zero_pages, h->skipped_pages,
		 h->image_bytes >> 20,
		 h->image_bytes ? div64_u64(raw, h->image_bytes) : 0,
		 h->image_bytes ? div64_u64(raw * 10, h->image_bytes) % 10 : 0,
		 h->dump_msecs);
}

void pd_capture(struct pd_armed *armed, const char *msg)
{
	struct pd_header *h = &armed->hdr;
	struct pd_dump *d = armed->dump;
	int ret;

	pd_t0_ns = pd_clock_ns();
	pd_last_progress_ns = pd_t0_ns;
	h->crash_time = ktime_get_real_seconds();
	h->panic_cpu = raw_smp_processor_id();
	strscpy(h->panic_string, msg ? msg : "", sizeof(h->panic_string));
	strscpy(h->release, init_uts_ns.name.release, sizeof(h->release));
	pd_regs_save_panic_cpu(&armed->notes);
	pd_image_info(armed, &d->info);

	pr_emerg("dumping to PCI %04x:%02x:%02x.%u, sectors %llu+%llu, %u-byte blocks\n",
		 armed->req.pci_domain, armed->req.pci_bus,
		 PCI_SLOT(armed->req.pci_devfn), PCI_FUNC(armed->req.pci_devfn),
		 armed->req.start_sector, armed->req.nr_sectors,
		 armed->disk.lba_size);
	d->errors.stage = PD_STAGE_TAKEOVER;
	ret = pd_disk_takeover(&armed->disk);
	if (ret) {
		pd_error_set(&d->errors, pd_error_kind_of(ret), ret,
			     armed->disk.fault_status, 0);
		pd_report(armed);
		return;
	}
	pd_memory_mark_curproc(armed);
	d->notes_size = pd_notes_build(&armed->notes,
				       &d->info.vmcoreinfo_text_offset,
				       &d->info.vmcoreinfo_size);
	pd_dump_run(d);
	pd_disk_shutdown(&armed->disk);
	pd_report(armed);
}

/* The dumping CPU oopsed: say so on the device if it still listens. */
bool pd_capture_fault(struct pd_armed *armed)
{
	pd_dump_fault(armed->dump);
	return true;
}

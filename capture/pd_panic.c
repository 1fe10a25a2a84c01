// SPDX-License-Identifier: GPL-2.0
/*
 * The panic path. panic() has stopped the other CPUs (by NMI, saving
 * their registers, when crash_kexec_post_notifiers is set) before it calls
 * the notifiers; ours runs first (INT_MAX) and dumps, then lets panic()
 * go on to reboot. It may run in NMI context, so it only uses what
 * pd_arm() prepared, polls the device and never sleeps or locks.
 */
#include <linux/kdebug.h>
#include <linux/notifier.h>
#include <linux/panic_notifier.h>
#include <linux/smp.h>
#include <linux/timekeeping.h>
#include <linux/utsname.h>

#include "pd_internal.h"

#define PD_PROGRESS_EVERY_NS	(2ULL * NSEC_PER_SEC)

static struct pd_ctx *pd_ctx_active;
static atomic_t pd_entered = ATOMIC_INIT(0);
static atomic_t pd_dumping_cpu = ATOMIC_INIT(-1);
static u64 pd_t0_ns, pd_last_progress_ns;

struct pd_ctx *pd_active_ctx(void)
{
	/* Pairs with pd_set_active_ctx(): a context seen is a context whole. */
	return smp_load_acquire(&pd_ctx_active);
}

void pd_set_active_ctx(struct pd_ctx *ctx)
{
	/* Publishes every store that built ctx before the pointer itself. */
	smp_store_release(&pd_ctx_active, ctx);
}

static u64 pd_elapsed_ms(void)
{
	return div_u64(ktime_get_mono_fast_ns() - pd_t0_ns, NSEC_PER_MSEC);
}

bool pd_progress(struct pd_ctx *ctx, u64 done, u64 total, bool force)
{
	u64 now = ktime_get_mono_fast_ns();
	u64 written = ctx->bytes_written;

	if (!force && now - pd_last_progress_ns < PD_PROGRESS_EVERY_NS)
		return false;
	pd_last_progress_ns = now;
	pr_emerg("panicdump: %3llu%% %llu/%llu pages, %llu MB written, %llu ms\n",
		 total ? div64_u64(done * 100, total) : 100, done, total,
		 written >> 20, pd_elapsed_ms());
	return true;
}

/*
 * Both copies of the header, the primary first; the device is flushed
 * before and after. On a swap area (PD_COMPAT_SWAP) the trailing copy is
 * written here for the first time: swap slots are ours from the panic on.
 */
int pd_write_header(struct pd_ctx *ctx)
{
	u64 area = ctx->hdr.area_size;
	int ret;

	ctx->hdr.sequence++;
	pd_header_seal(&ctx->hdr);
	ret = pd_disk_flush(&ctx->disk);
	if (ret)
		return ret;
	/* On swap the rest of the first block is the swap header: keep it. */
	if (ctx->hdr.compat_features & PD_COMPAT_SWAP)
		ret = pd_area_read(ctx, 0, ctx->meta_buf, PD_BLOCK_SIZE);
	else
		memset(ctx->meta_buf, 0, PD_BLOCK_SIZE);
	memcpy(ctx->meta_buf, &ctx->hdr, sizeof(ctx->hdr));
	if (!ret)
		ret = pd_area_write(ctx, 0, ctx->meta_buf, PD_BLOCK_SIZE);
	memset(ctx->meta_buf + PD_HEADER_SIZE, 0,
	       PD_BLOCK_SIZE - PD_HEADER_SIZE);
	if (!ret)
		ret = pd_area_write(ctx, pd_trailer_offset(area), ctx->meta_buf,
				    PD_BLOCK_SIZE);
	if (!ret)
		ret = pd_disk_flush(&ctx->disk);
	return ret;
}

/*
 * Is the device we took over the one we armed? A header copy with our
 * nonce says so; anything else (a disk moved, a PCI address reused, the
 * area overwritten since) and we must not write a byte.
 */
static bool pd_device_is_ours(struct pd_ctx *ctx)
{
	const struct pd_header *h = (const struct pd_header *)ctx->meta_buf;
	u64 where[2] = { 0, pd_trailer_offset(ctx->hdr.area_size) };
	int i;

	for (i = 0; i < ARRAY_SIZE(where); i++) {
		if (pd_area_read(ctx, where[i], ctx->meta_buf, PD_BLOCK_SIZE))
			continue;
		if (!memcmp(h->magic, PD_MAGIC, PD_MAGIC_LEN) &&
		    !memcmp(h->nonce, ctx->hdr.nonce, sizeof(h->nonce)))
			return true;
	}
	return false;
}

static void pd_summary(struct pd_ctx *ctx)
{
	struct pd_header *h = &ctx->hdr;
	u64 raw = h->dumped_pages * PAGE_SIZE;

	pr_emerg("panicdump: dump %s: %llu pages (%llu zero, %llu unreadable), %llu MB written (%llu.%llux smaller), %llu ms\n",
		 h->dump_flags & PD_DUMP_F_INCOMPLETE ? "INCOMPLETE" : "complete",
		 h->dumped_pages, h->zero_pages, h->skipped_pages,
		 h->image_bytes >> 20,
		 h->image_bytes ? div64_u64(raw, h->image_bytes) : 0,
		 h->image_bytes ? div64_u64(raw * 10, h->image_bytes) % 10 : 0,
		 h->dump_msecs);
}

static void pd_dump(struct pd_ctx *ctx, const char *msg)
{
	struct pd_header *h = &ctx->hdr;
	int ret;

	h->state = PD_STATE_DUMPING;
	h->crash_time = ktime_get_real_seconds();
	h->panic_cpu = raw_smp_processor_id();
	strscpy(h->panic_string, msg ? msg : "", sizeof(h->panic_string));
	strscpy(h->release, init_uts_ns.name.release, sizeof(h->release));
	pd_regs_save_panic_cpu(ctx);

	pr_emerg("panicdump: dumping to PCI %04x:%02x:%02x.%u, sectors %llu+%llu\n",
		 ctx->req.pci_domain, ctx->req.pci_bus,
		 PCI_SLOT(ctx->req.pci_devfn), PCI_FUNC(ctx->req.pci_devfn),
		 ctx->req.start_sector, ctx->req.nr_sectors);
	ret = pd_disk_takeover(&ctx->disk);
	if (ret) {
		pr_emerg("panicdump: cannot take over the dump device (%d); no dump\n",
			 ret);
		return;
	}
	if (!pd_device_is_ours(ctx)) {
		pr_emerg("panicdump: the device does not hold the header written when it was armed; not writing to it\n");
		return;
	}
	pd_log_write(ctx);
	if (pd_write_header(ctx)) {
		pr_emerg("panicdump: dump device write failed (%d); no dump\n",
			 ctx->io_error);
		return;
	}
	pd_image_write(ctx);
	h->dump_msecs = pd_elapsed_ms();
	h->state = PD_STATE_COMPLETE;
	if (pd_write_header(ctx))
		h->dump_flags |= PD_DUMP_F_INCOMPLETE;
	pd_disk_shutdown(&ctx->disk);
	pd_summary(ctx);
	if (ctx->io_error)
		pr_emerg("panicdump: dump device error %d\n", ctx->io_error);
}

static int pd_panic_notify(struct notifier_block *nb, unsigned long action,
			   void *data)
{
	struct pd_ctx *ctx = pd_active_ctx();

	/* Once only: a panic inside the dump must not start another. */
	if (!ctx || atomic_cmpxchg(&pd_entered, 0, 1))
		return NOTIFY_DONE;
	pd_t0_ns = ktime_get_mono_fast_ns();
	pd_last_progress_ns = pd_t0_ns;
	atomic_set(&pd_dumping_cpu, raw_smp_processor_id());
	pd_dump(ctx, data);
	atomic_set(&pd_dumping_cpu, -1);
	return NOTIFY_DONE;
}

/*
 * An oops in the dump itself would end the panicking task with the other
 * CPUs stopped and nobody left to reboot. Panic again instead: panic()
 * lets the same CPU in, skips us, and honours panic= as usual. The
 * header says "dumping", which savecore saves as incomplete.
 */
static int pd_die_notify(struct notifier_block *nb, unsigned long val,
			 void *data)
{
	if (val == DIE_OOPS &&
	    atomic_read(&pd_dumping_cpu) == raw_smp_processor_id())
		panic("panicdump: fault while dumping; the dump is incomplete");
	return NOTIFY_DONE;
}

static struct notifier_block pd_die_nb = {
	.notifier_call = pd_die_notify,
};

static struct notifier_block pd_panic_nb = {
	.notifier_call = pd_panic_notify,
	.priority = INT_MAX,
};

int pd_panic_register(void)
{
	int ret = register_die_notifier(&pd_die_nb);

	if (ret)
		return ret;
	return atomic_notifier_chain_register(&panic_notifier_list,
					      &pd_panic_nb);
}

void pd_panic_unregister(void)
{
	atomic_notifier_chain_unregister(&panic_notifier_list, &pd_panic_nb);
	unregister_die_notifier(&pd_die_nb);
}

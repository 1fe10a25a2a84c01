// SPDX-License-Identifier: GPL-2.0
/*
 * The panic path's entry. panic() has stopped the other CPUs (by NMI,
 * saving their registers, when crash_kexec_post_notifiers is set) before
 * it calls the notifiers; ours runs first (INT_MAX) and dumps, then lets
 * panic() go on to reboot. It may run in NMI context, so it only uses
 * what pd_arm() prepared, polls the device and never sleeps or locks.
 */
#define pr_fmt(fmt) "panicdump: " fmt

#include <linux/kdebug.h>
#include <linux/notifier.h>
#include <linux/panic_notifier.h>
#include <linux/smp.h>

#include "pd_internal.h"

static struct pd_armed *pd_armed_active;
static atomic_t pd_entered = ATOMIC_INIT(0);
static atomic_t pd_dumping_cpu = ATOMIC_INIT(-1);

struct pd_armed *pd_active(void)
{
	/* Pairs with pd_set_active(): an arm seen is an arm whole. */
	return smp_load_acquire(&pd_armed_active);
}

void pd_set_active(struct pd_armed *armed)
{
	/* Publishes every store that built it before the pointer itself. */
	smp_store_release(&pd_armed_active, armed);
}

/* Has a panic begun? Then an arm it may hold must never be freed. */
bool pd_panic_started(void)
{
	smp_mb();	/* the arm swapped out before, pd_entered after */
	return atomic_read(&pd_entered);
}

static int pd_panic_notify(struct notifier_block *nb, unsigned long action,
			   void *data)
{
	struct pd_armed *armed;

	/*
	 * Once only: a panic inside the dump must not start another. Entered
	 * before the arm is read, so that a disarm on another CPU either
	 * sees us (and frees nothing) or is seen (pd_panic_started()).
	 */
	if (atomic_cmpxchg(&pd_entered, 0, 1))
		return NOTIFY_DONE;
	armed = pd_active();
	if (!armed)
		return NOTIFY_DONE;
	atomic_set(&pd_dumping_cpu, raw_smp_processor_id());
	pd_capture(armed, data);
	atomic_set(&pd_dumping_cpu, -1);
	return NOTIFY_DONE;
}

/*
 * An oops in the dump itself would end the panicking task with the other
 * CPUs stopped and nobody left to reboot. Panic again instead: panic()
 * lets the same CPU in, skips us, and honours panic= as usual. The
 * header says "dumping" with a fault recorded, which savecore saves as
 * incomplete and explains.
 */
static int pd_die_notify(struct notifier_block *nb, unsigned long val,
			 void *data)
{
	struct pd_armed *armed = pd_active();

	if (val != DIE_OOPS ||
	    atomic_read(&pd_dumping_cpu) != raw_smp_processor_id())
		return NOTIFY_DONE;
	/* Once: a fault while recording the fault goes straight to panic. */
	atomic_set(&pd_dumping_cpu, -1);
	if (armed)
		pd_capture_fault(armed);
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

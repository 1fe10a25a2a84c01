// SPDX-License-Identifier: GPL-2.0
/*
 * pdtest - crash triggers for panicdump's QEMU tests.
 *
 * Debian does not build LKDTM, so this module provides the crashes the e2e
 * scenarios need. Write one command to /proc/pdtest:
 *
 *   panic           panic() from the writing task
 *   oops            NULL-pointer store from the writing task (pair it with
 *                   kernel.panic_on_oops=1); also the ioctl PDTEST_IOC_OOPS
 *                   (pdtest_ioctl.h), which is how the tests trigger it
 *   bug_softirq     BUG() in a timer callback (softirq context)
 *   warn            WARN_ON(1) (pair it with kernel.panic_on_warn=1)
 *   kthread_panic   panic() from a freshly created kthread
 *   uaf             a store into a freed 256-byte kmalloc object, then more
 *                   kmalloc-256 allocations until the allocator hands the
 *                   object out again: with slub_debug=FZPU,kmalloc-256 its
 *                   poison check finds the store and taints the kernel
 *                   (TAINT_BAD_PAGE: pair it with panic_on_taint=0x20)
 *   spin CPU        a kthread bound to CPU takes pdtest_spin_lock and spins
 *                   in pdtest_spin_here() holding it, until the CPU is
 *                   stopped at panic (the dump shows the lock held)
 *   softlockup CPU  the same in pdtest_lockup_here(), for the soft-lockup
 *                   detector (kernel.softlockup_panic=1)
 *   irqoff CPU      the same in pdtest_irqoff_here() with interrupts off:
 *                   a hung CPU only an NMI reaches
 *
 * Reading /proc/pdtest lists the CPUs whose spinner has started, e.g.
 * "spinning: 1", so a test can wait for it before it panics another CPU.
 *
 * Each crash site is a noinline function with a stable name for the tests
 * to find in backtraces. A started spinner can never be stopped, so it pins
 * the module.
 */

#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/bug.h>
#include <linux/cpumask.h>
#include <linux/kernel.h>
#include <linux/kthread.h>
#include <linux/module.h>
#include <linux/panic.h>
#include <linux/preempt.h>
#include <linux/proc_fs.h>
#include <linux/sched.h>
#include <linux/seq_file.h>
#include <linux/slab.h>
#include <linux/spinlock.h>
#include <linux/string.h>
#include <linux/timer.h>
#include <linux/uaccess.h>

#include "pdtest_ioctl.h"

#define PDTEST_CMD_MAX 32

/* Bit n set: the spinner bound to CPU n is spinning. */
static unsigned long pdtest_spinning[BITS_TO_LONGS(NR_CPUS)];

static struct timer_list pdtest_timer;

/* Held forever by the "spin" spinner: the lock a hung CPU sits on. */
static DEFINE_SPINLOCK(pdtest_spin_lock);

/* Read through READ_ONCE() so the compiler emits a real store through it. */
static int *pdtest_null_ptr;

static noinline __noclone void pdtest_null_store(void)
{
	int *p = READ_ONCE(pdtest_null_ptr);

	pr_emerg("storing through a NULL pointer\n");
	WRITE_ONCE(*p, 0x2a);
}

/*
 * The use-after-free: a 256-byte object is freed, then written through
 * the stale pointer. SLUB poisoning catches it only when the object is
 * checked again, at its next allocation, as in a real bug report where
 * the victim is found long after the culprit ran.
 */
#define PDTEST_UAF_SIZE 256
#define PDTEST_UAF_TRIES 4096

static noinline __noclone char *pdtest_uaf_free(void)
{
	char *p = kmalloc(PDTEST_UAF_SIZE, GFP_KERNEL);

	if (!p)
		return NULL;
	/* %px: the test reads the raw address back from the log for kmem. */
	pr_emerg("uaf: freeing 256-byte object at %px\n", p);
	kfree(p);
	return p;
}

static noinline __noclone void pdtest_uaf_store(char *p)
{
	WRITE_ONCE(p[64], 0x2a);
}

static noinline __noclone int pdtest_uaf_detect(const char *stale)
{
	static void *objs[PDTEST_UAF_TRIES];
	int n, i, ret = -ENOENT;

	for (n = 0; n < PDTEST_UAF_TRIES; n++) {
		objs[n] = kmalloc(PDTEST_UAF_SIZE, GFP_KERNEL);
		if (!objs[n] || objs[n] == stale)
			break;
	}
	if (n < PDTEST_UAF_TRIES && objs[n] == stale)
		pr_emerg("uaf: object reallocated, poison check did not fire\n");
	else if (n < PDTEST_UAF_TRIES)
		ret = -ENOMEM;
	for (i = 0; i <= n && i < PDTEST_UAF_TRIES; i++)
		kfree(objs[i]);
	return ret;
}

static int pdtest_uaf(void)
{
	char *p = pdtest_uaf_free();

	if (!p)
		return -ENOMEM;
	pdtest_uaf_store(p);
	return pdtest_uaf_detect(p);
}

static noinline __noclone void pdtest_timer_bug(struct timer_list *t)
{
	pr_emerg("BUG() in a timer callback\n");
	BUG();
}

static noinline __noclone void pdtest_spin_here(void)
{
	for (;;)
		cpu_relax();
}

/*
 * Not the same body as pdtest_spin_here(): identical functions may be
 * folded into one symbol, and the tests tell the two apart by name.
 */
static unsigned long pdtest_lockup_loops;

static noinline __noclone void pdtest_lockup_here(void)
{
	for (;;) {
		WRITE_ONCE(pdtest_lockup_loops, pdtest_lockup_loops + 1);
		cpu_relax();
	}
}

static unsigned long pdtest_irqoff_loops;

static noinline __noclone void pdtest_irqoff_here(void)
{
	for (;;) {
		WRITE_ONCE(pdtest_irqoff_loops, pdtest_irqoff_loops + 2);
		cpu_relax();
	}
}

enum pdtest_spin_kind { PDTEST_SPIN, PDTEST_LOCKUP, PDTEST_IRQOFF };

static const char *const pdtest_spin_names[] = {
	[PDTEST_SPIN] = "pdtest_spin/%u",
	[PDTEST_LOCKUP] = "pdtest_lockup/%u",
	[PDTEST_IRQOFF] = "pdtest_irqoff/%u",
};

/*
 * Never touches the soft-lockup watchdog: with preemption disabled the
 * CPU's stopper thread cannot run, which is what the detector looks for.
 */
static int pdtest_spinner(void *data)
{
	enum pdtest_spin_kind kind = (uintptr_t)data;

	if (kind == PDTEST_IRQOFF) {
		local_irq_disable();
		/*
		 * The other CPUs soon hang too (the next TLB shootdown waits
		 * for this one): the host's NMI (qemu/nmi.py) waits for
		 * PD-NMI-NOW on the console, which this says first.
		 */
		pr_info("spinning on CPU %d with interrupts off: PD-NMI-NOW\n",
			smp_processor_id());
		set_bit(smp_processor_id(), pdtest_spinning);
		pdtest_irqoff_here();
		local_irq_enable();
		return 0;
	}
	if (kind == PDTEST_LOCKUP) {
		preempt_disable();
		pr_info("locking up on CPU %d\n", smp_processor_id());
		set_bit(smp_processor_id(), pdtest_spinning);
		pdtest_lockup_here();
		preempt_enable();
		return 0;
	}
	spin_lock(&pdtest_spin_lock);
	pr_info("spinning on CPU %d holding pdtest_spin_lock\n", smp_processor_id());
	set_bit(smp_processor_id(), pdtest_spinning);
	pdtest_spin_here();
	spin_unlock(&pdtest_spin_lock);
	return 0;
}

static int pdtest_start_spinner(unsigned int cpu, enum pdtest_spin_kind kind)
{
	struct task_struct *t;

	if (cpu >= nr_cpu_ids || !cpu_online(cpu))
		return -EINVAL;
	t = kthread_create_on_cpu(pdtest_spinner, (void *)(uintptr_t)kind, cpu,
				  pdtest_spin_names[kind]);
	if (IS_ERR(t))
		return PTR_ERR(t);
	/* The spinner runs this module's code forever. */
	__module_get(THIS_MODULE);
	wake_up_process(t);
	return 0;
}

static int pdtest_kthread_panic(void *data)
{
	panic("pdtest: requested panic from a kthread");
	return 0;
}

static int pdtest_run(const char *cmd, const char *arg)
{
	struct task_struct *t;
	unsigned int cpu;

	if (!strcmp(cmd, "panic")) {
		panic("pdtest: requested panic");
	} else if (!strcmp(cmd, "oops")) {
		pdtest_null_store();
	} else if (!strcmp(cmd, "bug_softirq")) {
		mod_timer(&pdtest_timer, jiffies + 1);
	} else if (!strcmp(cmd, "warn")) {
		WARN_ON(1);
	} else if (!strcmp(cmd, "uaf")) {
		return pdtest_uaf();
	} else if (!strcmp(cmd, "kthread_panic")) {
		t = kthread_run(pdtest_kthread_panic, NULL, "pdtest_panic");
		if (IS_ERR(t))
			return PTR_ERR(t);
	} else if (!strcmp(cmd, "spin") || !strcmp(cmd, "softlockup") ||
		   !strcmp(cmd, "irqoff")) {
		if (!arg || kstrtouint(arg, 0, &cpu))
			return -EINVAL;
		return pdtest_start_spinner(cpu, !strcmp(cmd, "spin") ? PDTEST_SPIN :
					    !strcmp(cmd, "softlockup") ? PDTEST_LOCKUP :
					    PDTEST_IRQOFF);
	} else {
		return -EINVAL;
	}
	return 0;
}

static ssize_t pdtest_write(struct file *file, const char __user *ubuf,
			    size_t count, loff_t *ppos)
{
	char buf[PDTEST_CMD_MAX];
	char *cmd, *arg;
	int ret;

	if (count >= sizeof(buf))
		return -EINVAL;
	if (copy_from_user(buf, ubuf, count))
		return -EFAULT;
	buf[count] = '\0';
	arg = strim(buf);
	cmd = strsep(&arg, " \t");
	if (arg)
		arg = skip_spaces(arg);
	pr_info("command \"%s\"\n", cmd);
	ret = pdtest_run(cmd, arg);
	return ret ? ret : count;
}

static long pdtest_ioctl(struct file *file, unsigned int cmd, unsigned long arg)
{
	switch (cmd) {
	case PDTEST_IOC_OOPS:
		pr_info("ioctl PDTEST_IOC_OOPS\n");
		pdtest_null_store();
		return 0;
	default:
		return -ENOTTY;
	}
}

static int pdtest_show(struct seq_file *m, void *v)
{
	unsigned int cpu;

	seq_puts(m, "spinning:");
	for_each_set_bit(cpu, pdtest_spinning, nr_cpu_ids)
		seq_printf(m, " %u", cpu);
	seq_putc(m, '\n');
	return 0;
}

static int pdtest_open(struct inode *inode, struct file *file)
{
	return single_open(file, pdtest_show, NULL);
}

static const struct proc_ops pdtest_proc_ops = {
	.proc_open = pdtest_open,
	.proc_read = seq_read,
	.proc_lseek = seq_lseek,
	.proc_release = single_release,
	.proc_write = pdtest_write,
	.proc_ioctl = pdtest_ioctl,
};

static int __init pdtest_init(void)
{
	timer_setup(&pdtest_timer, pdtest_timer_bug, 0);
	if (!proc_create("pdtest", 0600, NULL, &pdtest_proc_ops))
		return -ENOMEM;
	pr_info("loaded; write a command to /proc/pdtest\n");
	return 0;
}

static void __exit pdtest_exit(void)
{
	remove_proc_entry("pdtest", NULL);
	timer_delete_sync(&pdtest_timer);
}

module_init(pdtest_init);
module_exit(pdtest_exit);

MODULE_DESCRIPTION("Crash triggers for panicdump's tests");
MODULE_AUTHOR("panicdump developers");
MODULE_LICENSE("GPL");

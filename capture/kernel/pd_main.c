// SPDX-License-Identifier: GPL-2.0
#define pr_fmt(fmt) "panicdump: " fmt
/*
 * panicdump: dump the crashed kernel's memory to a disk from its own
 * panic notifier, without kexec or reserved memory.
 *
 * /dev/panicdump takes dumpadm's arm, disarm and status ioctls. Arming
 * builds a complete new context before it replaces the old one, so a
 * panic at any moment finds either the old or the new, whole.
 */
#include <linux/fs.h>
#include <linux/miscdevice.h>
#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/slab.h>
#include <linux/uaccess.h>
#include <linux/vmalloc.h>

#include "pd_internal.h"

static DEFINE_MUTEX(pd_arm_lock);

/* Frees an arm swapped out, unless a panic may be using it already. */
static void pd_retire(struct pd_armed *old)
{
	if (pd_panic_started()) {
		pr_warn("a panic is in progress; the previous arm is kept\n");
		return;
	}
	pd_disarm(old);
}

static char pd_arm_reason[PD_ARM_REASON_LEN];

#ifdef PD_TEST_BUILD
/*
 * Fault injection for the tests (make module PD_TEST=1 only): the next
 * arm fails at this step, once; the e2e checks that a re-arm that fails
 * leaves the previous arm working.
 */
static unsigned int test_fail_arm;
module_param(test_fail_arm, uint, 0600);
MODULE_PARM_DESC(test_fail_arm,
		 "testing only: fail the next arm once (1: refused after every allocation, 2: its header write fails)");

int pd_test_fail_arm(unsigned int step)
{
	if (test_fail_arm != step)
		return 0;
	test_fail_arm = 0;
	pd_refuse("test: arm step %u made to fail\n", step);
	return step == PD_TEST_FAIL_HEADER ? -EIO : -ENOMEM;
}
#endif

void pd_refuse_fmt(const char *fmt, ...)
{
	struct va_format vaf;
	va_list args, copy;

	va_start(args, fmt);
	if (!pd_arm_reason[0]) {
		va_copy(copy, args);
		vscnprintf(pd_arm_reason, sizeof(pd_arm_reason), fmt, copy);
		va_end(copy);
		strim(pd_arm_reason);
	}
	vaf.fmt = fmt;
	vaf.va = &args;
	printk(KERN_ERR "%pV", &vaf);
	va_end(args);
}

/*
 * Validate, then commit: the new arm is made whole (every check and
 * allocation) while the previous one stays active; only then is its
 * header written, and only once that is on the device does it replace
 * the previous arm. A header write that fails puts the previous arm's
 * header back, or, if that fails too, disarms loudly: never an arm whose
 * header is not on its device.
 */
static int pd_arm_commit(struct pd_armed *armed)
{
	struct pd_armed *old = pd_active();
	int ret;

	ret = pd_test_fail_arm(PD_TEST_FAIL_HEADER);
	if (!ret)
		ret = pd_arm_header_write(armed->dev_file, &armed->req.header);
	if (!ret) {
		/* Armed, the module stays: unloading it would silently disarm. */
		if (!old)
			__module_get(THIS_MODULE);
		pd_set_active(armed);
		if (old)
			pd_retire(old);
		return 0;
	}
	pd_disarm(armed);
	if (!old)
		return ret;
	if (!pd_arm_header_restore(old, &armed->req.header)) {
		pr_warn("the re-arm failed; the previous arm and its header are back in place\n");
		return ret;
	}
	pr_crit("the re-arm failed and the previous arm's header could not be put back: disarmed, the next panic writes no dump; arm again\n");
	pd_set_active(NULL);
	pd_retire(old);
	module_put(THIS_MODULE);
	return ret;
}

static void pd_report_armed(const struct pd_armed *armed)
{
	pr_info("armed on %s PCI %04x:%02x:%02x.%u sectors %llu+%llu, %u-byte blocks, kernel image PFNs %#llx-%#llx first, %zu KiB held\n",
		armed->disk.ops->name, armed->req.pci_domain, armed->req.pci_bus,
		PCI_SLOT(armed->req.pci_devfn), PCI_FUNC(armed->req.pci_devfn),
		armed->req.start_sector, armed->req.nr_sectors,
		armed->disk.lba_size, armed->kimage_start_pfn,
		armed->kimage_end_pfn, armed->memory_bytes >> 10);
}

static long pd_ioctl_arm(struct pd_arm_request __user *arg)
{
	struct pd_arm_request *req;
	struct pd_armed *armed;
	long ret;

	req = vmemdup_user(arg, sizeof(*req));
	if (IS_ERR(req))
		return PTR_ERR(req);
	/* One arm at a time: two would race for the device and the swap. */
	mutex_lock(&pd_arm_lock);
	pd_arm_reason[0] = '\0';
	armed = pd_arm(req);
	ret = IS_ERR(armed) ? PTR_ERR(armed) : pd_arm_commit(armed);
	if (ret && !pd_arm_reason[0])
		scnprintf(pd_arm_reason, sizeof(pd_arm_reason),
			  "arming failed (%ld)", ret);
	if (ret && copy_to_user(arg->reason, pd_arm_reason,
				sizeof(arg->reason)))
		ret = -EFAULT;
	if (!ret)
		pd_report_armed(pd_active());
	mutex_unlock(&pd_arm_lock);
	kvfree(req);
	return ret;
}

static long pd_ioctl_disarm(void)
{
	struct pd_armed *old;

	mutex_lock(&pd_arm_lock);
	old = pd_active();
	pd_set_active(NULL);
	if (old) {
		pd_retire(old);
		module_put(THIS_MODULE);
	}
	mutex_unlock(&pd_arm_lock);
	if (!old)
		return -ENODEV;
	pr_info("disarmed\n");
	return 0;
}

static long pd_ioctl_status(void __user *arg)
{
	struct pd_status st = { };
	struct pd_armed *armed;

	mutex_lock(&pd_arm_lock);
	armed = pd_active();
	if (armed) {
		st.armed = 1;
		st.pci_domain = armed->req.pci_domain;
		st.pci_bus = armed->req.pci_bus;
		st.pci_devfn = armed->req.pci_devfn;
		st.start_sector = armed->req.start_sector;
		st.nr_sectors = armed->req.nr_sectors;
		st.memory_bytes = armed->memory_bytes;
		st.ram_pages = armed->ram_pages;
		st.content = armed->hdr.content;
		st.compression = armed->hdr.compression;
	}
	mutex_unlock(&pd_arm_lock);
	return copy_to_user(arg, &st, sizeof(st)) ? -EFAULT : 0;
}

static long pd_ioctl(struct file *file, unsigned int cmd, unsigned long arg)
{
	if (!capable(CAP_SYS_ADMIN))
		return -EPERM;
	switch (cmd) {
	case PD_IOC_ARM:
		return pd_ioctl_arm((struct pd_arm_request __user *)arg);
	case PD_IOC_DISARM:
		return pd_ioctl_disarm();
	case PD_IOC_STATUS:
		return pd_ioctl_status((void __user *)arg);
	}
	return -ENOTTY;
}

static const struct file_operations pd_fops = {
	.owner = THIS_MODULE,
	.unlocked_ioctl = pd_ioctl,
	.compat_ioctl = compat_ptr_ioctl,
};

static struct miscdevice pd_misc = {
	.minor = MISC_DYNAMIC_MINOR,
	.name = PD_DEVICE_NAME,
	.fops = &pd_fops,
	.mode = 0600,
};

static int __init pd_init(void)
{
	int ret = pd_panic_register();

	if (ret)
		return ret;
	ret = misc_register(&pd_misc);
	if (ret)
		pd_panic_unregister();
	return ret;
}

static void __exit pd_exit(void)
{
	misc_deregister(&pd_misc);
	pd_panic_unregister();
	if (pd_active()) {
		pd_disarm(pd_active());
		pd_set_active(NULL);
	}
}

module_init(pd_init);
module_exit(pd_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("Kernel crash dumps from the panic notifier, without kexec");
MODULE_AUTHOR("panicdump developers");

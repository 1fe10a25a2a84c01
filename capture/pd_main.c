// SPDX-License-Identifier: GPL-2.0
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

static long pd_ioctl_arm(void __user *arg)
{
	struct pd_arm_request *req;
	struct pd_ctx *ctx, *old;

	req = vmemdup_user(arg, sizeof(*req));
	if (IS_ERR(req))
		return PTR_ERR(req);
	ctx = pd_arm(req);
	kvfree(req);
	if (IS_ERR(ctx))
		return PTR_ERR(ctx);

	mutex_lock(&pd_arm_lock);
	old = pd_active_ctx();
	/* Armed, the module stays: unloading it would silently disarm. */
	if (!old)
		__module_get(THIS_MODULE);
	pd_set_active_ctx(ctx);
	mutex_unlock(&pd_arm_lock);
	if (old)
		pd_disarm(old);
	pr_info("panicdump: armed on %s PCI %04x:%02x:%02x.%u sectors %llu+%llu, kernel image PFNs %#lx-%#lx first, %zu KiB held\n",
		ctx->disk.ops->name, ctx->req.pci_domain, ctx->req.pci_bus,
		PCI_SLOT(ctx->req.pci_devfn), PCI_FUNC(ctx->req.pci_devfn),
		ctx->req.start_sector, ctx->req.nr_sectors,
		ctx->kimage_start_pfn, ctx->kimage_end_pfn,
		ctx->memory_bytes >> 10);
	return 0;
}

static long pd_ioctl_disarm(void)
{
	struct pd_ctx *old;

	mutex_lock(&pd_arm_lock);
	old = pd_active_ctx();
	pd_set_active_ctx(NULL);
	mutex_unlock(&pd_arm_lock);
	if (!old)
		return -ENODEV;
	pd_disarm(old);
	module_put(THIS_MODULE);
	pr_info("panicdump: disarmed\n");
	return 0;
}

static long pd_ioctl_status(void __user *arg)
{
	struct pd_status st = { };
	struct pd_ctx *ctx;

	mutex_lock(&pd_arm_lock);
	ctx = pd_active_ctx();
	if (ctx) {
		st.armed = 1;
		st.pci_domain = ctx->req.pci_domain;
		st.pci_bus = ctx->req.pci_bus;
		st.pci_devfn = ctx->req.pci_devfn;
		st.start_sector = ctx->req.start_sector;
		st.nr_sectors = ctx->req.nr_sectors;
		st.memory_bytes = ctx->memory_bytes;
		st.ram_pages = ctx->ram_pages;
		st.content = ctx->hdr.content;
		st.compression = ctx->hdr.compression;
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
		return pd_ioctl_arm((void __user *)arg);
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
	if (pd_active_ctx()) {
		pd_disarm(pd_active_ctx());
		pd_set_active_ctx(NULL);
	}
}

module_init(pd_init);
module_exit(pd_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("Kernel crash dumps from the panic notifier, without kexec");
MODULE_AUTHOR("panicdump developers");

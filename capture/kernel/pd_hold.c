// SPDX-License-Identifier: GPL-2.0
#define pr_fmt(fmt) "panicdump: " fmt
/*
 * While armed, the module holds the dump area's block device open
 * exclusively, as a mounted file system does: mkfs, mount, pvcreate,
 * mdadm --create, a partition change or a rescan of the disk's partition
 * table then fail with EBUSY instead of putting live data where the next
 * panic writes. Active swap is already held so by swapon, and left to it.
 */
#include <linux/blkdev.h>
#include <linux/file.h>
#include <linux/fs.h>
#include <linux/version.h>

#include "pd_internal.h"

/* One holder for every arm, so that a re-arm may claim what it holds. */
static char pd_holder;

#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 9, 0)
static void *pd_hold_open(dev_t dev)
{
	return bdev_file_open_by_dev(dev, BLK_OPEN_READ | BLK_OPEN_WRITE,
				     &pd_holder, NULL);
}

static void pd_hold_close(void *h)
{
	fput(h);
}
#else
static void *pd_hold_open(dev_t dev)
{
	return blkdev_get_by_dev(dev, FMODE_READ | FMODE_WRITE | FMODE_EXCL,
				 &pd_holder);
}

static void pd_hold_close(void *h)
{
	blkdev_put(h, FMODE_READ | FMODE_WRITE | FMODE_EXCL);
}
#endif

int pd_hold_device(struct pd_armed *armed)
{
	struct inode *inode = armed->dev_file->f_mapping->host;
	void *h;

	if (IS_SWAPFILE(inode))
		return 0;
	h = pd_hold_open(inode->i_rdev);
	if (IS_ERR(h)) {
		pd_refuse("cannot hold the dump device exclusively (%ld): something else holds it (mounted, swap, LVM, md?)\n",
			  PTR_ERR(h));
		return PTR_ERR(h);
	}
	armed->hold = h;
	return 0;
}

void pd_release_device(struct pd_armed *armed)
{
	if (armed->hold)
		pd_hold_close(armed->hold);
	armed->hold = NULL;
}

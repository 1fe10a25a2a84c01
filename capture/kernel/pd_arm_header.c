// SPDX-License-Identifier: GPL-2.0
#define pr_fmt(fmt) "panicdump: " fmt
/*
 * The one writer of an arm's ARMED header, on a disk as on a swap area:
 * the last step of an arm, once every check and allocation has succeeded,
 * so that a refused arm changes nothing on the device, and a re-arm that
 * fails here puts the previous arm's header back.
 *
 * It writes through the page cache of the block device dumpadm opened
 * (dev_fd), the cache the block layer and swapon read, and flushes each
 * copy before the next (formats/pd_header_write.h). On active swap the
 * kernel refuses userspace writes (ETXTBSY) and any slot may hold data
 * until the panic: the header goes into the first 1024 bytes of the swap
 * header page only (union swap_header's boot-block space), the swap
 * header proper (bytes 1024..4095) is left as it is.
 */
#include <linux/blkdev.h>
#include <linux/file.h>
#include <linux/fs.h>
#include <linux/highmem.h>
#include <linux/pagemap.h>
#include <linux/swap.h>

#include "pd_internal.h"
#include "pd_header_write.h"

/*
 * Where the format puts the header and looks for the swap signature,
 * checked against the kernel's own union (and so 4096-byte pages).
 */
static_assert(offsetof(union swap_header, info.version) == PD_SWAP_BOOTBITS);
static_assert(PD_HEADER_SIZE <= PD_SWAP_BOOTBITS);
static_assert(offsetof(union swap_header, magic.magic) == PD_SWAP_MAGIC_OFFSET);
static_assert(PD_BLOCK_SIZE == PAGE_SIZE);

/* Is file the block device (and, for swap, the active swap) requested? */
static int pd_arm_header_check_file(struct file *file,
				    const struct pd_arm_request *req)
{
	struct inode *inode = file->f_mapping->host;
	bool swap = req->header.compat_features & PD_COMPAT_SWAP;
	struct block_device *bdev;

	if (!S_ISBLK(file_inode(file)->i_mode)) {
		pd_refuse("dev_fd %d is not a block device\n", req->dev_fd);
		return -ENOTBLK;
	}
	if (!(file->f_mode & FMODE_WRITE) && !swap) {
		pd_refuse("dev_fd %d is not open for writing\n", req->dev_fd);
		return -EBADF;
	}
	if (swap != !!IS_SWAPFILE(inode)) {
		pd_refuse("dev_fd %d is %sactive swap, the header says %s\n",
			  req->dev_fd, swap ? "not " : "",
			  swap ? "swap" : "a plain area");
		return -EINVAL;
	}
	bdev = I_BDEV(inode);
	if (bdev->bd_start_sect != req->start_sector ||
	    bdev_nr_sectors(bdev) != req->nr_sectors) {
		pd_refuse("dev_fd %d is sectors %llu+%llu, expected the area %llu+%llu\n",
			  req->dev_fd, (u64)bdev->bd_start_sect,
			  (u64)bdev_nr_sectors(bdev), req->start_sector,
			  req->nr_sectors);
		return -EINVAL;
	}
	return 0;
}

struct file *pd_arm_header_file(const struct pd_arm_request *req)
{
	struct file *file = fget(req->dev_fd);
	int ret;

	if (!file) {
		pd_refuse("dev_fd %d is not an open file\n", req->dev_fd);
		return ERR_PTR(-EBADF);
	}
	ret = pd_arm_header_check_file(file, req);
	if (ret) {
		fput(file);
		return ERR_PTR(ret);
	}
	return file;
}

static int pd_arm_header_copy(struct file *file, const struct pd_header *h,
			      enum pd_header_copy copy)
{
	struct address_space *mapping = file->f_mapping;
	u64 off = pd_header_copy_offset(h, copy);
	struct folio *folio;
	u8 *p;
	int ret = 0;

	folio = read_mapping_folio(mapping, off >> PAGE_SHIFT, NULL);
	if (IS_ERR(folio))
		return PTR_ERR(folio);
	folio_lock(folio);
	p = kmap_local_folio(folio, offset_in_folio(folio, off));
	if ((h->compat_features & PD_COMPAT_SWAP) &&
	    memcmp(p + PD_SWAP_MAGIC_OFFSET, PD_SWAP_MAGIC, PD_SWAP_MAGIC_LEN)) {
		pd_refuse("no %s signature at byte %u of the swap area\n",
			  PD_SWAP_MAGIC, PD_SWAP_MAGIC_OFFSET);
		ret = -EINVAL;
	} else {
		/* Over the block as it is: a swap primary keeps its tail. */
		pd_header_block_compose(p, h, copy, p);
		folio_mark_dirty(folio);
	}
	kunmap_local(p);
	folio_unlock(folio);
	folio_put(folio);
	if (!ret)
		ret = filemap_write_and_wait_range(mapping, off,
						   off + PD_BLOCK_SIZE - 1);
	/* On the medium before the next copy changes (the order matters). */
	if (!ret)
		ret = blkdev_issue_flush(I_BDEV(mapping->host));
	return ret;
}

int pd_arm_header_write(struct file *file, const struct pd_header *h)
{
	unsigned int i;
	int ret;

	for (i = 0; i < pd_header_nr_copies(h); i++) {
		enum pd_header_copy copy = pd_header_copy_at(h, i);

		ret = pd_arm_header_copy(file, h, copy);
		if (ret) {
			pd_refuse("writing header copy %u at byte %llu of the area failed (%d)\n",
				  copy, pd_header_copy_offset(h, copy), ret);
			return ret;
		}
	}
	return 0;
}

int pd_arm_header_restore(struct pd_armed *old, const struct pd_header *failed)
{
	struct pd_header h = old->req.header;

	/* Newer than whatever of the failed write landed, so it is picked. */
	h.sequence = max(h.sequence, failed->sequence);
	if (h.sequence < U64_MAX)
		h.sequence++;
	pd_header_seal(&h);
	return pd_arm_header_write(old->dev_file, &h);
}

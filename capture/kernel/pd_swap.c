// SPDX-License-Identifier: GPL-2.0
#define pr_fmt(fmt) "panicdump: " fmt
/*
 * dumpadm -d swap: the dump area is an active swap partition. The kernel
 * refuses userspace writes to active swap (ETXTBSY), and may have data in
 * any swap slot until the panic, so at arm time the module writes the
 * ARMED header itself and nowhere else: into the first 1024 bytes of the
 * swap header page (union swap_header's boot-block space), through the
 * block device's page cache, where swapon read the page. The swap header
 * proper (bytes 1024..4095) is left as it is.
 */
#include <linux/blkdev.h>
#include <linux/file.h>
#include <linux/fs.h>
#include <linux/highmem.h>
#include <linux/pagemap.h>
#include <linux/swap.h>

#include "pd_internal.h"

/*
 * Where the format puts the header and looks for the swap signature,
 * checked against the kernel's own union (and so 4096-byte pages).
 */
static_assert(offsetof(union swap_header, info.version) == PD_SWAP_BOOTBITS);
static_assert(PD_HEADER_SIZE <= PD_SWAP_BOOTBITS);
static_assert(offsetof(union swap_header, magic.magic) == PD_SWAP_MAGIC_OFFSET);

/* Is file the active swap partition the request describes? */
static int pd_swap_check_file(struct file *file,
			      const struct pd_arm_request *req)
{
	struct inode *inode = file->f_mapping->host;
	struct block_device *bdev;

	if (!S_ISBLK(file_inode(file)->i_mode)) {
		pr_err("swap_fd is not a block device\n");
		return -ENOTBLK;
	}
	if (!IS_SWAPFILE(inode)) {
		pr_err("swap_fd is not active swap\n");
		return -EINVAL;
	}
	bdev = I_BDEV(inode);
	if (bdev->bd_start_sect != req->start_sector ||
	    bdev_nr_sectors(bdev) < req->nr_sectors) {
		pr_err("swap_fd is sectors %llu+%llu, expected the area %llu+%llu\n",
		       (u64)bdev->bd_start_sect, (u64)bdev_nr_sectors(bdev),
		       req->start_sector, req->nr_sectors);
		return -EINVAL;
	}
	return 0;
}

int pd_swap_write_header(const struct pd_arm_request *req)
{
	struct address_space *mapping;
	struct folio *folio;
	struct file *file;
	char *p;
	int ret;

	file = fget(req->swap_fd);
	if (!file) {
		pr_err("swap_fd %d is not an open file\n",
		       req->swap_fd);
		return -EBADF;
	}
	ret = pd_swap_check_file(file, req);
	if (ret)
		goto out;
	mapping = file->f_mapping;
	folio = read_mapping_folio(mapping, 0, NULL);
	if (IS_ERR(folio)) {
		ret = PTR_ERR(folio);
		pr_err("cannot read the swap header (%d)\n", ret);
		goto out;
	}
	folio_lock(folio);
	p = kmap_local_folio(folio, 0);
	if (memcmp(p + PD_SWAP_MAGIC_OFFSET, PD_SWAP_MAGIC,
		   PD_SWAP_MAGIC_LEN)) {
		pr_err("no %s signature at byte %u of the swap area\n",
		       PD_SWAP_MAGIC, PD_SWAP_MAGIC_OFFSET);
		ret = -EINVAL;
	} else {
		memcpy(p, &req->header, PD_HEADER_SIZE);
		folio_mark_dirty(folio);
	}
	kunmap_local(p);
	folio_unlock(folio);
	folio_put(folio);
	if (!ret)
		ret = filemap_write_and_wait_range(mapping, 0,
						   PD_BLOCK_SIZE - 1);
	if (!ret)
		ret = blkdev_issue_flush(I_BDEV(mapping->host));
	if (ret)
		pr_err("writing the header to the swap area failed (%d)\n",
		       ret);
out:
	fput(file);
	return ret;
}

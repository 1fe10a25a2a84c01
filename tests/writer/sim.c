// SPDX-License-Identifier: GPL-2.0
/*
 * The writer's world in memory: the area ops write into a byte array
 * with guard bytes around the area and count what lands outside it or
 * misaligned, the page source answers from a kind_of() callback, and the
 * faults fire by write number.
 */
#include "sim.h"

#include <lzo/lzo1x.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <zstd.h>

#include "pd_dump.h"
#include "pd_content.h"
#include "kdump_format.h"

#define PD_SIM_GUARD	(1U << 20)
#define PD_SIM_CPUS	2
#define PD_SIM_RELEASE	"6.1.0-sim"
#define PD_SIM_CRASH	1700000100ULL

struct pd_sim {
	const struct pd_sim_config *c;
	struct pd_sim_result *r;
	uint64_t log_pos;
	uint64_t progress_calls;
	int cut;			/* the power is off */
	ZSTD_CCtx *zc;
	void *lzo_wrk;
	struct pd_dump *d;
	jmp_buf oops;			/* where an oops abandons the dump */
};

_Static_assert(PD_SIM_TOUCH_EVERY == PD_TOUCH_EVERY, "sim.h's copy");

/* --- the disk ------------------------------------------------------- */

static int sim_check(struct pd_sim *s, uint64_t off, uint32_t len,
		     struct pd_io_fault *f)
{
	f->sector = (s->c->area_start + off) / 512;
	if (off % s->c->block_size || len % s->c->block_size || !len) {
		s->r->misaligned++;
		return -EINVAL;
	}
	if (off + len > s->c->area_size) {
		s->r->outside_io += len;
		return -EINVAL;
	}
	return 0;
}

static int sim_write(void *priv, uint64_t off, const void *buf, uint32_t len,
		     struct pd_io_fault *f)
{
	struct pd_sim *s = priv;
	const struct pd_sim_config *c = s->c;
	uint64_t n = ++s->r->writes;
	int ret = sim_check(s, off, len, f);

	if (getenv("PD_SIM_TRACE"))
		fprintf(stderr, "write %llu: off %#llx len %u\n",
			(unsigned long long)n, (unsigned long long)off, len);
	if (ret)
		return ret;
	if (s->cut)
		return 0;		/* the device is gone; nobody hears */
	if (c->fail_write == n) {
		f->status = c->fail_status;
		return -EIO;
	}
	if (c->timeout_write == n)
		return -ETIMEDOUT;
	if (c->cut_after_write && n > c->cut_after_write) {
		uint64_t torn = (uint64_t)c->torn_blocks * c->block_size;

		s->cut = 1;
		len = torn < len ? (uint32_t)torn : len;
	}
	memcpy(s->r->disk + c->area_start + off, buf, len);
	return 0;
}

static int sim_read(void *priv, uint64_t off, void *buf, uint32_t len,
		    struct pd_io_fault *f)
{
	struct pd_sim *s = priv;
	uint64_t n = ++s->r->reads;
	int ret = sim_check(s, off, len, f);

	if (ret)
		return ret;
	if (s->c->fail_read == n) {
		f->status = s->c->fail_status;
		return -EIO;
	}
	memcpy(buf, s->r->disk + s->c->area_start + off, len);
	return 0;
}

static int sim_flush(void *priv, struct pd_io_fault *f)
{
	(void)priv;
	(void)f;
	return 0;
}

static const struct pd_area_ops sim_area_ops = {
	.write = sim_write,
	.read = sim_read,
	.flush = sim_flush,
};

/* --- memory --------------------------------------------------------- */

uint32_t pd_sim_flags_of(enum pd_sim_page k)
{
	switch (k) {
	case PD_SIM_KERNEL:
	case PD_SIM_ZERO:
		return 0;
	case PD_SIM_SLAB:
		return PD_PF_SLAB;
	case PD_SIM_FREE:
		return PD_PF_BUDDY;
	case PD_SIM_USER:
		return PD_PF_ANON | PD_PF_LRU;
	case PD_SIM_CURPROC:
		return PD_PF_ANON | PD_PF_LRU | PD_PF_CURPROC;
	case PD_SIM_CACHE:
		return PD_PF_LRU;
	case PD_SIM_UNREADABLE:
		return PD_PF_UNREADABLE;
	case PD_SIM_MCE:
		return 0;
	}
	return 0;
}

static uint64_t sim_run_of(const struct pd_sim_config *c, uint64_t pfn,
			   uint64_t end)
{
	uint64_t run;

	if (c->free_run <= 1 || c->kind_of(c->priv, pfn) != PD_SIM_FREE)
		return 1;
	run = c->free_run - pfn % c->free_run;
	return run < end - pfn ? run : end - pfn;
}

static uint32_t sim_flags(void *priv, uint64_t pfn, uint64_t end,
			  uint64_t *run)
{
	struct pd_sim *s = priv;

	*run = sim_run_of(s->c, pfn, end);
	return pd_sim_flags_of(s->c->kind_of(s->c->priv, pfn));
}

void pd_sim_page_bytes(const struct pd_sim_config *c, uint64_t pfn,
		       uint8_t *out)
{
	uint64_t x = pfn * 0x9e3779b97f4a7c15ULL + 1;
	unsigned int i;

	if (c->page_data && c->page_data(c->priv, pfn, out))
		return;
	if (c->kind_of(c->priv, pfn) == PD_SIM_ZERO) {
		memset(out, 0, PD_PAGE_SIZE);
		return;
	}
	/* Distinct per PFN, compressible about 4:1 like kernel memory. */
	for (i = 0; i < PD_PAGE_SIZE; i += 8) {
		uint64_t v = (i % 64) ? pfn + i / 64 : x ^ i;

		if (!(i % 512))
			x = x * 6364136223846793005ULL + 1442695040888963407ULL;
		memcpy(out + i, &v, 8);
	}
	memcpy(out, &pfn, sizeof(pfn));
}

static int sim_read_page(void *priv, uint64_t pfn, void *buf)
{
	struct pd_sim *s = priv;

	if (s->c->kind_of(s->c->priv, pfn) == PD_SIM_MCE) {
		memset(buf, 0xfd, PD_PAGE_SIZE);
		return -EIO;
	}
	pd_sim_page_bytes(s->c, pfn, buf);
	return 0;
}

static void sim_touch(void *priv)
{
	((struct pd_sim *)priv)->r->touches++;
}

static const struct pd_page_source_ops sim_page_ops = {
	.flags = sim_flags,
	.read = sim_read_page,
	.touch = sim_touch,
};

/* --- the log -------------------------------------------------------- */

size_t pd_sim_log_line(uint32_t i, char *buf, size_t cap)
{
	int n = snprintf(buf, cap, "[%6u.000000] simulated log line %u of the panicking kernel\n",
			 i, i);

	return n < 0 ? 0 : (size_t)n < cap ? (size_t)n : cap - 1;
}

static void sim_log_rewind(void *priv)
{
	((struct pd_sim *)priv)->log_pos = 0;
}

static bool sim_log_next(void *priv, char *buf, size_t cap, size_t *len)
{
	struct pd_sim *s = priv;

	if (s->log_pos >= s->c->nr_log_lines)
		return false;
	*len = pd_sim_log_line((uint32_t)s->log_pos++, buf, cap);
	return true;
}

static const struct pd_log_source_ops sim_log_ops = {
	.rewind = sim_log_rewind,
	.next_line = sim_log_next,
};

/* --- compression and hooks ------------------------------------------ */

static size_t sim_zstd(void *priv, const void *src, void *dst, size_t cap)
{
	struct pd_sim *s = priv;
	size_t n = ZSTD_compressCCtx(s->zc, dst, cap, src, PD_PAGE_SIZE, 1);

	return ZSTD_isError(n) ? 0 : n;
}

static size_t sim_lzo(void *priv, const void *src, void *dst, size_t cap)
{
	struct pd_sim *s = priv;
	lzo_uint n = cap;

	if (lzo1x_1_compress(src, PD_PAGE_SIZE, dst, &n, s->lzo_wrk) != LZO_E_OK)
		return 0;
	return n;
}

static bool sim_progress(void *priv, uint64_t done, uint64_t total,
			 uint64_t bytes)
{
	struct pd_sim *s = priv;

	(void)done;
	(void)total;
	(void)bytes;
	return s->c->progress_every &&
	       !(++s->progress_calls % s->c->progress_every);
}

static uint64_t sim_elapsed(void *priv)
{
	(void)priv;
	return 42;
}

/*
 * The faults counted in pages. The oops leaves as the module's does: the
 * die notifier calls pd_dump_fault() and the CPU never returns into the
 * writer (longjmp: the core holds no lock or allocation a return would
 * release).
 */
static void sim_before_page(void *priv, uint64_t done)
{
	struct pd_sim *s = priv;

	if (s->c->cut_after_pages && done == s->c->cut_after_pages)
		s->cut = 1;
	if (s->c->oops_at_page && done + 1 == s->c->oops_at_page) {
		pd_dump_fault(s->d);
		longjmp(s->oops, 1);
	}
}

static uint32_t sim_cpus(const struct pd_sim_config *c)
{
	return c->nr_cpus ? c->nr_cpus : PD_SIM_CPUS;
}

static const char *sim_release(const struct pd_sim_config *c)
{
	return c->release ? c->release : PD_SIM_RELEASE;
}

static uint64_t sim_crash_time(const struct pd_sim_config *c)
{
	return c->crash_time ? c->crash_time : PD_SIM_CRASH;
}

/* --- arming and the run --------------------------------------------- */

/* What dumpadm writes before the panic: the ARMED header, both copies. */
static void sim_arm(const struct pd_sim_config *c, struct pd_sim_result *r,
		    struct pd_header *h)
{
	uint8_t *area = r->disk + c->area_start;
	unsigned int i;

	pd_header_init(h, c->area_size);
	h->state = PD_STATE_ARMED;
	h->sequence = 1;
	h->arm_time = sim_crash_time(c) - 100;
	h->content = c->content;
	h->compression = c->compression;
	h->compression_level = 1;
	h->nr_cpus = sim_cpus(c);
	for (i = 0; i < 16; i++) {
		h->nonce[i] = (uint8_t)(0x40 + i);
		h->boot_id[i] = (uint8_t)(0xb0 + i);
	}
	snprintf(h->release, sizeof(h->release), "%s", sim_release(c));
	if (c->swap)
		h->compat_features |= PD_COMPAT_SWAP;
	if (c->arm)
		c->arm(c->arm_priv, h, area);
	pd_header_seal(h);
	if (c->swap) {
		memset(area, 0, PD_BLOCK_SIZE);
		memcpy(area + PD_SWAP_MAGIC_OFFSET, PD_SWAP_MAGIC,
		       PD_SWAP_MAGIC_LEN);
		memcpy(area, h, PD_HEADER_SIZE);
	} else {
		memcpy(area, h, sizeof(*h));
		memcpy(area + pd_trailer_offset(c->area_size), h, sizeof(*h));
	}
	if (c->not_ours) {
		struct pd_header other = *h;

		other.nonce[0] ^= 0xff;
		pd_header_seal(&other);
		memcpy(area, &other, sizeof(other));
		if (c->not_ours != 2)
			memcpy(area + pd_trailer_offset(c->area_size), &other,
			       sizeof(other));
	}
}

/*
 * PRSTATUS per CPU (pr_pid = cpu + 1), then VMCOREINFO; 0 when they do
 * not fit (the module's note buffer is fixed at arm time too).
 */
static uint64_t sim_notes(const struct pd_sim_config *c, uint8_t *notes,
			  uint64_t room, struct kdump_header_info *info)
{
	static const char default_vmcoreinfo[] =
		"OSRELEASE=" PD_SIM_RELEASE "\n"
		"BUILD-ID=0123456789abcdef0123456789abcdef01234567\n"
		"PAGESIZE=4096\n"
		"SYMBOL(swapper_pg_dir)=ffffffff9fc0a000\n"
		"KERNELOFFSET=1e000000\n"
		"NUMBER(phys_base)=0\n"
		"CRASHTIME=1700000100\n";
	const char *vmcoreinfo = c->vmcoreinfo ? c->vmcoreinfo :
				 default_vmcoreinfo;
	uint32_t len = (uint32_t)strlen(vmcoreinfo);
	uint8_t prstatus[KDUMP_PRSTATUS_SIZE];
	uint64_t pos = 0, n;
	uint32_t cpu;

	for (cpu = 0; cpu < sim_cpus(c); cpu++) {
		uint32_t pid = cpu + 1;

		memset(prstatus, 0, sizeof(prstatus));
		memcpy(prstatus + KDUMP_PRSTATUS_PID_OFF, &pid, sizeof(pid));
		n = kdump_put_note(notes + pos, room - pos, "CORE",
				   KDUMP_NT_PRSTATUS, prstatus,
				   sizeof(prstatus));
		if (!n)
			return 0;
		pos += n;
	}
	info->vmcoreinfo_text_offset = pos + 12 + 12;
	info->vmcoreinfo_size = len;
	n = kdump_put_note(notes + pos, room - pos, "VMCOREINFO", 0,
			   vmcoreinfo, len);
	return n ? pos + n : 0;
}

static void sim_info(const struct pd_sim_config *c,
		     struct kdump_header_info *info)
{
	static const char *const uts[6] = {
		"Linux", "simhost", NULL, "#1 SMP sim", "x86_64", "(none)"
	};
	unsigned int i;

	memset(info, 0, sizeof(*info));
	for (i = 0; i < 6; i++)
		snprintf(info->utsname[i], KDUMP_UTS_LEN, "%s",
			 uts[i] ? uts[i] : sim_release(c));
	info->crash_seconds = (int64_t)sim_crash_time(c);
	info->nr_cpus = (int32_t)sim_cpus(c);
	info->current_cpu = 1;
	info->dump_level = c->content == PD_CONTENT_ALL ? 0 : 31;
}

static uint64_t sim_expected(const struct pd_sim_config *c)
{
	uint64_t n = 0, pfn, run;
	uint32_t r;

	for (r = 0; r < c->nr_ranges; r++) {
		for (pfn = c->ranges[r].start_pfn; pfn < c->ranges[r].end_pfn;
		     pfn += run) {
			enum pd_sim_page k = c->kind_of(c->priv, pfn);

			run = sim_run_of(c, pfn, c->ranges[r].end_pfn);
			if (pd_content_verdict(c->content, pd_sim_flags_of(k)) ==
			    PD_VERDICT_KEEP)
				n += run;
		}
	}
	return n;
}

/* The buffers the module allocates at arm time, by the same sizes. */
struct sim_buffers {
	uint8_t header_block[PD_BLOCK_SIZE];
	uint8_t meta[64 << 10];
	uint8_t desc[48 * KDUMP_DESC_SECTOR_GROUP_BYTES];
	uint8_t data[256 << 10];
	uint8_t page[PD_PAGE_SIZE];
	char line[2048];
	uint8_t notes[8192];
};

int pd_sim_run(const struct pd_sim_config *c, struct pd_sim_result *r)
{
	struct sim_buffers *b = calloc(1, sizeof(*b));
	struct pd_sim s = { .c = c, .r = r };
	struct pd_header *h = &r->hdr;
	struct pd_dump *d = calloc(1, sizeof(*d));
	uint64_t max_pfn = 0;
	uint32_t i;

	memset(r, 0, sizeof(*r));
	r->disk_size = c->area_start + c->area_size + PD_SIM_GUARD;
	r->disk = calloc(1, r->disk_size);
	if (!b || !d || !r->disk) {
		free(b);
		free(d);
		return -ENOMEM;
	}
	s.d = d;
	s.zc = ZSTD_createCCtx();
	s.lzo_wrk = malloc(LZO1X_1_MEM_COMPRESS);
	sim_arm(c, r, h);
	for (i = 0; i < c->nr_ranges; i++)
		if (c->ranges[i].end_pfn > max_pfn)
			max_pfn = c->ranges[i].end_pfn;

	if (pd_dump_init(d, h, &sim_area_ops, &s, c->block_size)) {
		r->ret = -EINVAL;
		goto out;
	}
	d->src.ops = &sim_page_ops;
	d->src.priv = &s;
	d->src.ranges = (const struct pd_ram_range *)c->ranges;
	d->src.nr_ranges = c->nr_ranges;
	d->src.max_pfn = max_pfn;
	d->src.kimage_start_pfn = c->kimage_start_pfn;
	d->src.kimage_end_pfn = c->kimage_end_pfn;
	d->log.ops = &sim_log_ops;
	d->log.priv = &s;
	d->log.line = b->line;
	d->log.line_max = sizeof(b->line);
	if (c->compression == PD_COMPRESS_ZSTD) {
		d->comp.compress = sim_zstd;
		d->comp.desc_flags = DUMP_DH_COMPRESSED_ZSTD;
	} else if (c->compression == PD_COMPRESS_LZO) {
		d->comp.compress = sim_lzo;
		d->comp.desc_flags = DUMP_DH_COMPRESSED_LZO;
	}
	d->comp.priv = &s;
	d->buf.header_block = b->header_block;
	d->buf.meta = b->meta;
	d->buf.meta_bytes = sizeof(b->meta);
	d->buf.desc = b->desc;
	d->buf.desc_bytes = sizeof(b->desc);
	d->buf.data = b->data;
	d->buf.data_bytes = sizeof(b->data);
	d->buf.page = b->page;
	d->hooks.priv = &s;
	d->hooks.progress = sim_progress;
	d->hooks.elapsed_ms = sim_elapsed;
	d->hooks.before_page = sim_before_page;
	sim_info(c, &d->info);
	d->notes = b->notes;
	d->notes_size = sim_notes(c, b->notes, sizeof(b->notes), &d->info);
	if (!d->notes_size) {
		r->ret = -E2BIG;
		goto out;
	}
	h->ram_pages = 0;
	for (i = 0; i < c->nr_ranges; i++)
		h->ram_pages += c->ranges[i].end_pfn - c->ranges[i].start_pfn;
	/* What pd_capture() sets at the panic. */
	h->crash_time = sim_crash_time(c);
	h->panic_cpu = 1;
	snprintf(h->panic_string, sizeof(h->panic_string), "%s",
		 c->panic_string ? c->panic_string :
		 "Kernel panic - not syncing: simulated");
	snprintf(h->release, sizeof(h->release), "%s", sim_release(c));

	r->pages_expected = sim_expected(c);
	r->state_bytes = pd_dump_state_bytes() + sizeof(*b) - sizeof(b->notes);
	if (!setjmp(s.oops))
		r->ret = pd_dump_run(d);
	else
		r->ret = -EFAULT;
out:
	ZSTD_freeCCtx(s.zc);
	free(s.lzo_wrk);
	free(b);
	free(d);
	return 0;
}

void pd_sim_free(struct pd_sim_result *r)
{
	free(r->disk);
	r->disk = NULL;
}

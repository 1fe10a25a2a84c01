// SPDX-License-Identifier: GPL-2.0
/*
 * Guest helper for the content checks (tests/e2e content_*) and the
 * benchmark (bench/run.sh): fills memory with patterns the host finds (or
 * must not find) in the dump.
 *
 *   pd_pattern [-t TAG] [-a MIB] [-m] [-s MIB] [-c MIB] [-f FILES] [-d DIR]
 *              [-p]
 *
 *   -a MIB    an anonymous private buffer of MIB MiB, every page touched;
 *             with -t, every 8 bytes of it are TAG (exactly 8 characters);
 *             with -m, the reproducible mixed pattern below
 *   -m        mixed pattern: per 64-byte line, from a fixed-seed xorshift,
 *             either 64 pseudo-random bytes (1 line in 3) or one of 16
 *             text phrases: partly compressible, the same on every run
 *   -s MIB    stale free memory first: map MIB MiB, fill it with the mixed
 *             pattern, unmap it (the pages go back to the allocator with
 *             their contents, as on a system that has been running)
 *   -c MIB    page cache: MIB MiB of files (4 MiB each, mixed pattern) in DIR
 *   -f FILES  slab: FILES empty files in DIR (inodes and dentries)
 *   -d DIR    where -c and -f write (default /run/pd_pattern)
 *   -p        when all is in place, panic the kernel from this process
 *             (writes "panic" to /proc/pdtest): the panicking process is
 *             the one holding the buffer (dumpadm -c curproc)
 *
 * Prints, once everything is in place,
 *   PD-PATTERN tag=TAG pid=PID addr=0xADDR bytes=N
 * on stdout (the guest's console) and in the kernel log, then waits (or
 * panics, -p).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <termios.h>
#include <unistd.h>

#define MIB (1024UL * 1024UL)

static uint64_t rng = 0x9e3779b97f4a7c15ULL;

static uint64_t next(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return rng;
}

static const char *const phrases[16] = {
	"kernel: eth0: link up, 1000 Mbps", "GET /index.html HTTP/1.1\r\nHost:",
	"<tr><td class=\"name\">value</td>", "{\"id\": 12345, \"status\": \"ok\"}",
	"The quick brown fox jumps over t", "0000000000000000000000000000000",
	"int main(int argc, char **argv) ", "Lorem ipsum dolor sit amet, cons",
	"/usr/lib/x86_64-linux-gnu/libc.s", "SELECT * FROM users WHERE id = ",
	"\x00\x00\x00\x00\x01\x00\x00\x00\x10\x00\x00\x00\xff\xff\xff\xff"
	"\x00\x00\x00\x00\x01\x00\x00\x00\x10\x00\x00\x00\xff\xff\xff",
	"Nov 27 12:00:00 host sshd[812]: ", "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
	"struct list_head { next, prev };", "http://deb.debian.org/debian bo",
	"3.14159265358979323846264338327",
};

/* The mixed pattern: about 2.5:1 for zstd -1. */
static void fill_mixed(unsigned char *p, size_t len)
{
	size_t off, i;

	for (off = 0; off + 64 <= len; off += 64) {
		uint64_t r = next();

		if (r % 3 == 0) {
			for (i = 0; i < 64; i += 8) {
				uint64_t v = next();

				memcpy(p + off + i, &v, 8);
			}
		} else {
			const char *s = phrases[(r >> 8) % 16];

			memcpy(p + off, s, 32);
			memcpy(p + off + 32, s, 32);
		}
	}
}

static void fill_tag(unsigned char *p, size_t len, const char *tag)
{
	size_t off;

	for (off = 0; off + 8 <= len; off += 8)
		memcpy(p + off, tag, 8);
}

static void die(const char *what)
{
	fprintf(stderr, "pd_pattern: %s: %s\n", what, strerror(errno));
	exit(1);
}

static unsigned char *map(size_t bytes)
{
	void *p = mmap(NULL, bytes, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	if (p == MAP_FAILED)
		die("mmap");
	return p;
}

static void write_all(int fd, const unsigned char *p, size_t n, const char *path)
{
	while (n) {
		ssize_t w = write(fd, p, n);

		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			die(path);
		p += w;
		n -= (size_t)w;
	}
}

int main(int argc, char **argv)
{
	const char *tag = NULL, *dir = "/run/pd_pattern";
	unsigned long anon = 0, stale = 0, cache = 0, files = 0, i;
	int mixed = 0, do_panic = 0, opt, kmsg;
	unsigned char *buf = NULL;
	char path[256];

	while ((opt = getopt(argc, argv, "t:a:ms:c:f:d:p")) != -1) {
		switch (opt) {
		case 't': tag = optarg; break;
		case 'a': anon = strtoul(optarg, NULL, 0); break;
		case 'm': mixed = 1; break;
		case 's': stale = strtoul(optarg, NULL, 0); break;
		case 'c': cache = strtoul(optarg, NULL, 0); break;
		case 'f': files = strtoul(optarg, NULL, 0); break;
		case 'd': dir = optarg; break;
		case 'p': do_panic = 1; break;
		default:
			fprintf(stderr, "usage: pd_pattern [-t TAG] [-a MIB] [-m] [-s MIB] [-c MIB] [-f FILES] [-d DIR] [-p]\n");
			return 2;
		}
	}
	if (tag && strlen(tag) != 8) {
		fprintf(stderr, "pd_pattern: tag '%s' must be exactly 8 characters\n", tag);
		return 2;
	}
	if (anon && !tag && !mixed) {
		fprintf(stderr, "pd_pattern: -a needs -t TAG or -m\n");
		return 2;
	}
	if (stale) {
		unsigned char *s = map(stale * MIB);

		fill_mixed(s, stale * MIB);
		munmap(s, stale * MIB);
	}
	if ((cache || files) && mkdir(dir, 0755) && errno != EEXIST)
		die(dir);
	for (i = 0; i < files; i++) {
		int fd;

		snprintf(path, sizeof(path), "%s/f%06lu", dir, i);
		fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
		if (fd < 0)
			die(path);
		close(fd);
	}
	if (cache) {
		unsigned char *chunk = map(4 * MIB);

		for (i = 0; i < (cache + 3) / 4; i++) {
			int fd;

			snprintf(path, sizeof(path), "%s/cache%04lu", dir, i);
			fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
			if (fd < 0)
				die(path);
			fill_mixed(chunk, 4 * MIB);
			write_all(fd, chunk, 4 * MIB, path);
			close(fd);
		}
		munmap(chunk, 4 * MIB);
	}
	if (anon) {
		buf = map(anon * MIB);
		if (tag)
			fill_tag(buf, anon * MIB, tag);
		else
			fill_mixed(buf, anon * MIB);
	}
	snprintf(path, sizeof(path), "PD-PATTERN tag=%s pid=%d addr=%p bytes=%lu\n",
		 tag ? tag : "mixed", (int)getpid(), (void *)buf, anon * MIB);
	/*
	 * The console's tty is drained asynchronously and a panic right
	 * after would lose the line: the kernel log has it for sure (and
	 * the dump's log too).
	 */
	kmsg = open("/dev/kmsg", O_WRONLY);
	if (kmsg >= 0) {
		write_all(kmsg, (const unsigned char *)path, strlen(path), "/dev/kmsg");
		close(kmsg);
	}
	fputs(path, stdout);
	fflush(stdout);
	tcdrain(STDOUT_FILENO);
	if (do_panic) {
		int fd = open("/proc/pdtest", O_WRONLY);

		if (fd < 0)
			die("/proc/pdtest");
		/* Does not return: the kernel panics in this process. */
		if (write(fd, "panic", 5) < 0)
			die("write panic to /proc/pdtest");
		fprintf(stderr, "pd_pattern: no panic after writing /proc/pdtest\n");
		return 1;
	}
	for (;;)
		pause();
}

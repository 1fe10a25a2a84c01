// SPDX-License-Identifier: GPL-2.0
/*
 * Writes a command to a control file (/proc/pdtest by default) and exits:
 *
 *   pd_trigger [-f FILE] COMMAND
 *   pd_trigger -i oops          ioctl PDTEST_IOC_OOPS on /proc/pdtest
 *
 * The e2e tests trigger crashes through this rather than `sh -c echo` so
 * that the task which crashed has a name of its own (comm "pd_trigger")
 * for crash's `ps` and `bt` to show.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "../kmod/pdtest_ioctl.h"

static int trigger_ioctl(const char *what)
{
	int fd;

	if (strcmp(what, "oops")) {
		fprintf(stderr, "pd_trigger: unknown ioctl \"%s\" (expected oops)\n", what);
		return 2;
	}
	fd = open("/proc/pdtest", O_RDONLY);
	if (fd < 0) {
		fprintf(stderr, "pd_trigger: /proc/pdtest: %s\n", strerror(errno));
		return 1;
	}
	if (ioctl(fd, PDTEST_IOC_OOPS) < 0) {
		fprintf(stderr, "pd_trigger: ioctl PDTEST_IOC_OOPS on /proc/pdtest: %s\n",
			strerror(errno));
		return 1;
	}
	close(fd);
	return 0;
}

int main(int argc, char **argv)
{
	const char *file = "/proc/pdtest";
	int fd, i = 1;
	ssize_t n;

	if (argc == 3 && !strcmp(argv[1], "-i"))
		return trigger_ioctl(argv[2]);
	if (argc == 4 && !strcmp(argv[1], "-f")) {
		file = argv[2];
		i = 3;
	} else if (argc != 2) {
		fprintf(stderr, "usage: pd_trigger [-f FILE] COMMAND | -i oops\n");
		return 2;
	}
	fd = open(file, O_WRONLY);
	if (fd < 0) {
		fprintf(stderr, "pd_trigger: %s: %s\n", file, strerror(errno));
		return 1;
	}
	n = write(fd, argv[i], strlen(argv[i]));
	if (n < 0) {
		fprintf(stderr, "pd_trigger: writing \"%s\" to %s: %s\n", argv[i], file,
			strerror(errno));
		return 1;
	}
	close(fd);
	return 0;
}

// SPDX-License-Identifier: GPL-2.0
/*
 * A process that does nothing until the guest panics. The guest copies this
 * static binary to /bin/<marker> so that the command name (comm) crash's
 * `ps` shows in the dump is the marker the e2e test looks for.
 */
#include <unistd.h>

int main(void)
{
	for (;;)
		pause();
}

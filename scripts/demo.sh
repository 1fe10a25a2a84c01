#!/bin/bash
# The user path on a throw-away QEMU guest, as root on Debian 12:
# install, build, boot the Debian kernel with panicdump, arm it
# (dumpadm -d /dev/vdb), crash it (sysrq-c), extract the dump with savecore
# and show crash's backtrace of the task that panicked.
set -euo pipefail

top=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$top"
say() { echo; echo "=== $*"; }

if [ "$(id -u)" != 0 ]; then
	echo "scripts/demo.sh must run as root" >&2
	exit 1
fi

say "installing packages, fetching the Debian guest kernel, building"
bash scripts/install-deps.sh
eval "$(bash qemu/kernel.sh)"
make module KDIR="$PD_KDIR"
make tools
bash qemu/mkinitramfs.sh >/dev/null

demo=$top/out/demo
rm -rf "$demo"
mkdir -p "$demo"
say "booting the guest (QEMU/TCG): modprobe panicdump; dumpadm -d /dev/vdb; echo c > /proc/sysrq-trigger"
rc=0
bash qemu/run-guest.sh -q -s sysrq -m demo_marker -d "$demo/dump.img" \
	-l "$demo/console.log" >/dev/null || rc=$?
# The guest's story in a few lines; the whole console is in console.log.
awk '/^PD-BEGIN/ { on = 1; next } /^PD-END/ { on = 0; next }
	on || /^PD-STEP|^PD-FAIL|Kernel panic - not syncing|panicdump:/' \
	"$demo/console.log"
[ "$rc" = 0 ] || { echo "guest failed (status $rc), see $demo/console.log" >&2; exit 1; }

say "savecore -f dump.img $demo/crash"
build/savecore -f "$demo/dump.img" "$demo/crash"
ls -l "$demo/crash"
cat "$demo/crash/info.0" 2>/dev/null || true

say "crash $PD_VMLINUX $demo/crash/vmcore.0   (crash> bt)"
printf 'sys\nbt\nexit\n' | crash -s "$PD_VMLINUX" "$demo/crash/vmcore.0"
echo
echo "Open it yourself: crash $PD_VMLINUX $demo/crash/vmcore.0"

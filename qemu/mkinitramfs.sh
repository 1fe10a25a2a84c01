#!/bin/bash
# Build the test guest's initramfs: busybox, /init (qemu/guest-init.sh), the
# virtio and zstd modules of the cached Debian kernel, panicdump.ko and
# pdtest.ko, dumpadm and savecore with their shared libraries, and the
# pd_sleep marker helper.
#
#   qemu/mkinitramfs.sh [OUTPUT]      prints the path of the image it wrote
#
# Environment:
#   PD_KVER, PD_MODROOT   from qemu/kernel.sh (run here if unset)
#   PD_KO_DIR             where panicdump.ko and pdtest.ko are (repo root,
#                         where `make module` puts them)
#   PD_BUILD              CMake build dir with dumpadm and savecore (build)
#   PD_DEV=1              development mode: leave out what is not built yet
#                         (the guest then crashes without arming)
set -euo pipefail

top=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
log() { echo "mkinitramfs.sh: $*" >&2; }
die() { log "$*"; exit 1; }

if [ -z "${PD_KVER:-}" ] || [ -z "${PD_MODROOT:-}" ]; then
	eval "$(bash "$top/qemu/kernel.sh")"
fi
ko_dir=${PD_KO_DIR:-$top}
build=${PD_BUILD:-$top/build}
dev=${PD_DEV:-0}
guestdir=$top/out/guest
out=${1:-$guestdir/initramfs-$PD_KVER.cpio.zst}
mkdir -p "$guestdir" "$(dirname "$out")"
out=$(realpath -m "$out")

# A missing piece is fatal unless in development mode, and loud either way.
need() {
	if [ ! -e "$1" ]; then
		[ "$dev" = 1 ] || die "missing $1 (run make module tools, or PD_DEV=1)"
		log "WARNING: dev mode, leaving out missing $1"
		return 1
	fi
}

# The marker and pattern helpers: static, so they need nothing from the
# initramfs.
pd_sleep=$guestdir/pd_sleep
if [ ! -x "$pd_sleep" ] || [ "$top/tests/guest/pd_sleep.c" -nt "$pd_sleep" ]; then
	gcc -static -O2 -Wall -Wextra -o "$pd_sleep" "$top/tests/guest/pd_sleep.c"
fi
# The crash trigger, a task named pd_trigger for crash's ps and bt.
pd_trigger=$guestdir/pd_trigger
if [ ! -x "$pd_trigger" ] || [ "$top/tests/guest/pd_trigger.c" -nt "$pd_trigger" ] ||
	[ "$top/tests/kmod/pdtest_ioctl.h" -nt "$pd_trigger" ]; then
	gcc -static -O2 -Wall -Wextra -Werror -o "$pd_trigger" "$top/tests/guest/pd_trigger.c"
fi
pd_pattern=$guestdir/pd_pattern
if [ ! -x "$pd_pattern" ] || [ "$top/tests/guest/pd_pattern.c" -nt "$pd_pattern" ]; then
	gcc -static -O2 -Wall -Wextra -Werror -o "$pd_pattern" "$top/tests/guest/pd_pattern.c"
fi

stage=$(mktemp -d "$guestdir/stage.XXXXXX")
trap 'rm -rf "$stage"' EXIT
cd "$stage"
mkdir -p bin sbin usr/bin usr/sbin dev proc sys tmp run etc root var/crash \
	lib/modules/"$PD_KVER"/extra

# The kernel opens /dev/console for /init before anything is mounted, and
# Debian's kernel does not auto-mount devtmpfs.
mknod -m 600 dev/console c 5 1
mknod -m 666 dev/null c 1 3

# busybox-static and a symlink per applet (sh, modprobe, taskset, …).
cp /bin/busybox bin/busybox
for applet in $(bin/busybox --list-full); do
	[ -e "$applet" ] || ln -s /bin/busybox "$applet"
done

install -m 755 "$top/qemu/guest-init.sh" init
install -m 755 "$pd_sleep" bin/pd_sleep
install -m 755 "$pd_trigger" bin/pd_trigger
install -m 755 "$pd_pattern" bin/pd_pattern
echo pdguest >etc/hostname
echo "root:x:0:0:root:/root:/bin/sh" >etc/passwd
echo "root:x:0:" >etc/group

# Dynamically linked tools: the binary plus every library ldd names and the
# loader, at the same paths as on the host.
copy_with_libs() {
	local bin=$1 lib
	install -m 755 "$bin" "usr/sbin/$(basename "$bin")"
	for lib in $(ldd "$bin" | awk '/=> \// { print $3 } /^\t\// { print $1 }'); do
		[ -e ".$lib" ] || cp -L --parents "$lib" .
	done
}
for tool in dumpadm savecore; do
	if need "$build/$tool"; then
		copy_with_libs "$build/$tool"
	fi
done
# e2fsprogs' mke2fs, which opens its device O_EXCL as the real tools do:
# rearm_fail checks that an armed dump device refuses it.
if [ -x /sbin/mke2fs ]; then
	copy_with_libs /sbin/mke2fs
else
	log "WARNING: no /sbin/mke2fs (apt-get install e2fsprogs); rearm_fail's hold check fails"
fi
# dmsetup (and libdevmapper) for the refusals scenario's dm device.
if [ -x /usr/sbin/dmsetup ]; then
	copy_with_libs /usr/sbin/dmsetup
else
	log "WARNING: no /usr/sbin/dmsetup (apt-get install dmsetup); the refusals scenario skips device-mapper"
fi

# Kernel modules: our two, the virtio disk stack and whatever ours depend
# on (zstd_compress, …), with their dependencies from the cached tree;
# nvme for an NVMe dump disk (run-guest.sh -N); qemu_fw_cfg hands
# VMCOREINFO to QEMU for run-guest.sh -R.
mods=(virtio_pci virtio_blk nvme ahci sd_mod zstd_compress qemu_fw_cfg)
# The refusals scenario's devices: loop, device-mapper, nbd, a mounted ext2;
# ext4 also mounts the ext2 file system next to a dump partition
# (run-guest.sh -p).
mods+=(loop dm_mod nbd ext4)
for ko in panicdump pdtest; do
	if need "$ko_dir/$ko.ko"; then
		cp "$ko_dir/$ko.ko" "lib/modules/$PD_KVER/extra/"
		IFS=, read -r -a deps <<<"$(modinfo -F depends "$ko_dir/$ko.ko")"
		mods+=("${deps[@]}")
	fi
done
for m in "${mods[@]}"; do
	[ -n "$m" ] || continue
	# One module per call: further names would be taken as parameters.
	modprobe -d "$PD_MODROOT" -S "$PD_KVER" --show-depends "$m" |
		awk '$1 == "insmod" { print $2 }' |
		while read -r path; do
			rel=${path#"$PD_MODROOT"/}
			mkdir -p "$(dirname "$rel")"
			cp "$path" "$rel"
		done
done
for f in modules.builtin modules.builtin.modinfo modules.order; do
	cp "$PD_MODROOT/lib/modules/$PD_KVER/$f" "lib/modules/$PD_KVER/"
done
# So that busybox modprobe finds modules and their dependencies by name.
depmod -b "$stage" "$PD_KVER"

find . -mindepth 1 | LC_ALL=C sort | cpio -o -H newc --quiet -R 0:0 |
	zstd -q -9 -T0 -f -o "$out.tmp.$$"
mv "$out.tmp.$$" "$out"
log "wrote $out ($(du -h "$out" | cut -f1), $(find . -name '*.ko' | wc -l) modules)"
echo "$out"

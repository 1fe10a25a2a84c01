#!/bin/bash
# The boot test's guest: a Debian 12 system with systemd, built once with
# debootstrap and cached, plus Debian's own initramfs for the cached guest
# kernel (qemu/kernel.sh), generated inside the chroot by initramfs-tools.
#
#   source tests/boot/image.sh
#   pdb_base              -> echoes the cached rootfs tarball (builds it once)
#   pdb_initrd KVER MODS  -> echoes the cached initrd for KVER (MODS: the
#                            kernel's lib/modules/KVER tree)
#
# Cache, keyed by a hash of the recipe below (suite, mirror, package list,
# recipe version), so a changed package list builds a new one and an
# unchanged one is reused:
#   $PD_CACHE/boot/base-<hash>.tar.zst        the debootstrapped rootfs
#   $PD_CACHE/boot/initrd-<hash>-<KVER>.img   its initramfs for KVER
# Both are written under a temporary name and renamed when complete.

PD_CACHE=${PD_CACHE:-/var/cache/panicdump}
PDB_SUITE=${PDB_SUITE:-bookworm}
PDB_MIRROR=${PDB_MIRROR:-http://deb.debian.org/debian}
# systemd as init, udev to load the drivers, initramfs-tools for Debian's
# initramfs (zstd compresses it), the libraries savecore links against
# and e2fsprogs for the root file system's fsck.
PDB_PACKAGES=systemd,systemd-sysv,udev,kmod,initramfs-tools,zstd,libzstd1,liblzo2-2,libelf1,procps,e2fsprogs
PDB_RECIPE_VERSION=1

pdb_log() { echo "boot/image.sh: $*" >&2; }

pdb_key() {
	printf '%s\n' "$PDB_RECIPE_VERSION" "$PDB_SUITE" "$PDB_MIRROR" "$PDB_PACKAGES" |
		sha256sum | cut -c1-16
}

# Mounts what update-initramfs and maintainer scripts expect in a chroot;
# pdb_chroot_umount undoes it.
pdb_chroot_mount() {
	local r=$1
	mount -t proc proc "$r/proc"
	mount -t sysfs sysfs "$r/sys"
	mount --bind /dev "$r/dev"
}

pdb_chroot_umount() {
	local r=$1 m
	for m in dev sys proc; do
		umount "$r/$m" 2>/dev/null || umount -l "$r/$m" 2>/dev/null || true
	done
}

pdb_base() {
	local key tar tmp
	key=$(pdb_key)
	tar=$PD_CACHE/boot/base-$key.tar.zst
	if [ -e "$tar" ]; then
		echo "$tar"
		return
	fi
	command -v debootstrap >/dev/null || {
		pdb_log "installing debootstrap"
		DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends debootstrap >&2
	}
	mkdir -p "$PD_CACHE/boot"
	tmp=$(mktemp -d "$PD_CACHE/boot/base-$key.XXXXXX")
	pdb_log "debootstrap $PDB_SUITE into $tmp/root (once per package list; several minutes)"
	if ! debootstrap --variant=minbase --include="$PDB_PACKAGES" \
		"$PDB_SUITE" "$tmp/root" "$PDB_MIRROR" >"$tmp/debootstrap.log" 2>&1; then
		pdb_log "debootstrap failed; log: $tmp/debootstrap.log"
		tail -n 20 "$tmp/debootstrap.log" >&2
		return 1
	fi
	# No first-boot questions: a machine id, a host name, root on vda.
	chroot "$tmp/root" systemd-machine-id-setup >&2
	echo pdboot >"$tmp/root/etc/hostname"
	printf '127.0.0.1 localhost\n127.0.1.1 pdboot\n' >"$tmp/root/etc/hosts"
	echo '/dev/vda / ext4 errors=remount-ro 0 1' >"$tmp/root/etc/fstab"
	# A small initramfs: only the drivers the root file system needs.
	sed -i 's/^MODULES=.*/MODULES=list/' "$tmp/root/etc/initramfs-tools/initramfs.conf"
	printf '%s\n' virtio_pci virtio_blk ext4 >>"$tmp/root/etc/initramfs-tools/modules"
	rm -rf "$tmp/root/var/cache/apt/archives/"*.deb "$tmp/root/var/lib/apt/lists/"*
	tar -C "$tmp/root" --numeric-owner --xattrs -I 'zstd -T0 -3' -cf "$tmp/base.tar.zst" .
	mv "$tmp/base.tar.zst" "$tar"
	rm -rf "$tmp"
	pdb_log "cached $tar ($(du -h "$tar" | cut -f1))"
	echo "$tar"
}

pdb_initrd() {
	local kver=$1 mods=$2 base key out tmp rc=0
	base=$(pdb_base) || return 1
	key=$(pdb_key)
	out=$PD_CACHE/boot/initrd-$key-$kver.img
	if [ -e "$out" ]; then
		echo "$out"
		return
	fi
	tmp=$(mktemp -d "$PD_CACHE/boot/initrd-$key.XXXXXX")
	pdb_log "update-initramfs for $kver in a chroot (once per kernel)"
	mkdir -p "$tmp/root"
	tar -C "$tmp/root" --numeric-owner -I zstd -xf "$base"
	mkdir -p "$tmp/root/lib/modules" "$tmp/root/boot"
	cp -a "$mods" "$tmp/root/lib/modules/$kver"
	cp "$(dirname "$(dirname "$(dirname "$(realpath "$mods")")")")/boot/config-$kver" \
		"$tmp/root/boot/" 2>/dev/null || true
	depmod -b "$tmp/root" "$kver"
	pdb_chroot_mount "$tmp/root"
	chroot "$tmp/root" update-initramfs -c -k "$kver" >"$tmp/initramfs.log" 2>&1 || rc=$?
	pdb_chroot_umount "$tmp/root"
	if [ $rc != 0 ] || [ ! -e "$tmp/root/boot/initrd.img-$kver" ]; then
		pdb_log "update-initramfs failed ($rc); log: $tmp/initramfs.log"
		tail -n 20 "$tmp/initramfs.log" >&2
		return 1
	fi
	mv "$tmp/root/boot/initrd.img-$kver" "$out"
	rm -rf "$tmp"
	pdb_log "cached $out ($(du -h "$out" | cut -f1))"
	echo "$out"
}

if [ "${BASH_SOURCE[0]}" = "$0" ]; then
	set -euo pipefail
	pdb_base
fi

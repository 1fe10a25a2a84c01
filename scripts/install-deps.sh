#!/bin/bash
# Install every Debian package that panicdump's build, tests and demo need.
# Idempotent: when everything is installed it only runs dpkg-query (and
# apt-cache, to name the guest kernel's headers) and returns.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)

pkgs=(
	# userspace tools (dumpadm, savecore) and their unit tests
	build-essential cmake pkg-config g++ libzstd-dev libelf-dev liblzo2-dev
	clang libclang-rt-14-dev
	libcli11-dev libgtest-dev libgmock-dev
	# out-of-tree kernel modules (panicdump.ko, pdtest.ko)
	make gcc bc kmod
	# the QEMU guest and its initramfs
	qemu-system-x86 qemu-utils busybox-static cpio zstd util-linux
	# UEFI guests (run-guest.sh -U), partitioned dump disks (sfdisk, mkfs.ext2)
	ovmf fdisk e2fsprogs
	binutils file xz-utils
	# the e2e refusals scenario's device-mapper device (dmsetup in the guest)
	dmsetup
	# reading the dumps
	crash python3 python3-drgn makedumpfile gdb
)

if [ "$(id -u)" != 0 ]; then
	echo "install-deps.sh: must run as root (apt-get install)" >&2
	exit 1
fi

# Packages not in state "install ok installed" (dpkg-query names unknown
# ones on stderr and prints nothing for them, so compare the lists).
missing_from() {
	local have
	have=$(dpkg-query -W -f='${Package} ${Status}\n' "$@" 2>/dev/null |
		awk '$NF == "installed" && $(NF-1) == "ok" { print $1 }' || true)
	local p
	for p in "$@"; do
		grep -qxF "$p" <<<"$have" || echo "$p"
	done
}

updated=
apt_update_once() {
	if [ -z "$updated" ]; then
		echo "install-deps.sh: apt-get update" >&2
		apt-get update -qq
		updated=1
	fi
}

install() {
	echo "install-deps.sh: installing $*" >&2
	apt_update_once
	DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "$@"
}

mapfile -t missing < <(missing_from "${pkgs[@]}")
if [ "${#missing[@]}" -gt 0 ]; then
	install "${missing[@]}"
fi

# Headers of the guest kernel (resolved like qemu/kernel.sh does, PD_KVER
# overrides), so `make module` builds against the kernel the guest runs.
# shellcheck source=../qemu/kernel.sh
source "$here/../qemu/kernel.sh"
pd_kver_resolve
mapfile -t missing < <(missing_from "linux-headers-$PD_KVER")
if [ "${#missing[@]}" -gt 0 ]; then
	install "${missing[@]}"
fi
echo "install-deps.sh: all packages present (guest kernel $PD_KVER)" >&2

#!/bin/bash
# Guest kernel for the QEMU tests: a stock Debian kernel, its modules, its
# debug vmlinux (for crash and drgn) and the matching headers (to build our
# modules against it).
#
#   eval "$(bash qemu/kernel.sh)"     # prints PD_KVER=… PD_VMLINUZ=… lines
#   source qemu/kernel.sh; pd_kernel_setup   # sets the same variables
#
# Knobs:
#   PD_KVER   kernel ABI name, e.g. 6.1.0-56-amd64 or 6.12.107+deb12-amd64;
#             default: what the meta package PD_KMETA depends on
#   PD_KMETA  meta package to resolve PD_KVER from (default linux-image-amd64,
#             i.e. bookworm's 6.1; linux-image-6.12-amd64 for 6.12)
#   PD_CACHE  cache root (default /var/cache/panicdump)
#
# Cache layout, one directory per ABI, each part with a stamp so an
# interrupted download or extraction is redone and a finished one never is:
#   $PD_CACHE/$KVER/root/       dpkg -x of linux-image-$KVER (boot/, lib/)
#   $PD_CACHE/$KVER/vmlinuz     -> root/boot/vmlinuz-$KVER
#   $PD_CACHE/$KVER/System.map  -> root/boot/System.map-$KVER
#   $PD_CACHE/$KVER/modules     -> root/lib/modules/$KVER (depmod run)
#   $PD_CACHE/$KVER/vmlinux     from linux-image-$KVER-dbg (the 850 MB .deb
#                               is deleted once vmlinux is out)
#   $PD_CACHE/debs/             transient downloads

PD_CACHE=${PD_CACHE:-/var/cache/panicdump}

pd_log() { echo "kernel.sh: $*" >&2; }

# Debian's apt lists are absent on a fresh machine: fetch them once.
pd_apt_update_once() {
	if [ -z "${PD_APT_UPDATED:-}" ]; then
		pd_log "apt-get update"
		apt-get update -qq >&2
		PD_APT_UPDATED=1
	fi
}

# The ABI name the meta package points at (e.g. 6.1.0-56-amd64).
pd_kver_from_apt() {
	local meta=${PD_KMETA:-linux-image-amd64}
	apt-cache depends "$meta" 2>/dev/null |
		awk '$1 == "Depends:" && $2 ~ /^linux-image-[0-9]/ {
			sub(/^linux-image-/, "", $2); sub(/-unsigned$/, "", $2);
			print $2; exit }'
}

# Newest ABI already complete in the cache: lets an offline machine go on.
pd_kver_from_cache() {
	local d
	for d in $(ls -1d "$PD_CACHE"/*/ 2>/dev/null | sort -V -r); do
		if [ -e "$d/.image-ok" ] && [ -e "$d/.vmlinux-ok" ]; then
			basename "$d"
			return
		fi
	done
}

pd_kver_resolve() {
	if [ -n "${PD_KVER:-}" ]; then
		return
	fi
	PD_KVER=$(pd_kver_from_apt)
	if [ -z "$PD_KVER" ]; then
		pd_apt_update_once || pd_log "apt-get update failed"
		PD_KVER=$(pd_kver_from_apt)
	fi
	if [ -z "$PD_KVER" ]; then
		PD_KVER=$(pd_kver_from_cache)
		[ -n "$PD_KVER" ] && pd_log "apt gives no kernel, using cached $PD_KVER"
	fi
	if [ -z "$PD_KVER" ]; then
		pd_log "cannot resolve the guest kernel (set PD_KVER)"
		return 1
	fi
}

# apt-get download PKG into $PD_CACHE/debs unless a .deb of it is there;
# echoes the .deb path.
pd_fetch_deb() {
	local pkg=$1 deb
	mkdir -p "$PD_CACHE/debs"
	deb=$(ls -1 "$PD_CACHE/debs/${pkg}_"*.deb 2>/dev/null | sort -V | tail -n1)
	if [ -z "$deb" ]; then
		pd_log "downloading $pkg"
		apt-cache show "$pkg" >/dev/null 2>&1 || pd_apt_update_once
		# apt-get download writes to the current directory, as user _apt
		# when that user may write there (else it warns and runs as root).
		chown _apt "$PD_CACHE/debs" 2>/dev/null || true
		(cd "$PD_CACHE/debs" && apt-get download -q "$pkg") >&2
		deb=$(ls -1 "$PD_CACHE/debs/${pkg}_"*.deb 2>/dev/null | sort -V | tail -n1)
		[ -n "$deb" ] || { pd_log "download of $pkg failed"; return 1; }
		pd_log "downloaded $(basename "$deb") ($(du -h "$deb" | cut -f1))"
	fi
	echo "$deb"
}

pd_kernel_image() {
	local dir=$1 deb
	if [ -e "$dir/.image-ok" ]; then
		return
	fi
	deb=$(pd_fetch_deb "linux-image-$PD_KVER") || return 1
	pd_log "extracting $(basename "$deb")"
	rm -rf "$dir/root"
	mkdir -p "$dir/root"
	dpkg -x "$deb" "$dir/root"
	# Documentation and lintian files are of no use to a guest.
	rm -rf "$dir/root/usr/share"
	[ -e "$dir/root/boot/vmlinuz-$PD_KVER" ] || { pd_log "no vmlinuz in $deb"; return 1; }
	touch "$dir/.image-ok"
	rm -f "$deb"
}

pd_kernel_vmlinux() {
	local dir=$1 deb member
	if [ -e "$dir/.vmlinux-ok" ]; then
		return
	fi
	deb=$(pd_fetch_deb "linux-image-$PD_KVER-dbg") || return 1
	member=./usr/lib/debug/boot/vmlinux-$PD_KVER
	pd_log "extracting vmlinux from $(basename "$deb")"
	rm -rf "$dir/dbg.tmp"
	mkdir -p "$dir/dbg.tmp"
	# --occurrence stops tar at the first match instead of inflating the
	# whole archive; dpkg-deb then dies of SIGPIPE, hence no pipefail here
	# and the check of the result below.
	(set +o pipefail
	 dpkg-deb --fsys-tarfile "$deb" 2>/dev/null |
		tar -x -C "$dir/dbg.tmp" --occurrence=1 "$member") || true
	if ! readelf -h "$dir/dbg.tmp/$member" >/dev/null 2>&1; then
		pd_log "no $member in $deb"
		return 1
	fi
	mv "$dir/dbg.tmp/$member" "$dir/vmlinux"
	rm -rf "$dir/dbg.tmp"
	touch "$dir/.vmlinux-ok"
	rm -f "$deb"
}

# depmod for the cached tree: the .deb ships no modules.dep (postinst makes
# it), and mkinitramfs.sh resolves module dependencies from it.
pd_kernel_depmod() {
	local dir=$1
	if [ -e "$dir/root/lib/modules/$PD_KVER/modules.dep" ]; then
		return
	fi
	depmod -b "$dir/root" "$PD_KVER"
}

pd_kernel_headers() {
	local pkg=linux-headers-$PD_KVER
	if [ "$(dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null)" = 'install ok installed' ]; then
		return
	fi
	pd_log "installing $pkg"
	apt-cache show "$pkg" >/dev/null 2>&1 || pd_apt_update_once
	DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "$pkg" >&2
}

pd_kernel_setup() {
	local dir
	pd_kver_resolve || return 1
	dir=$PD_CACHE/$PD_KVER
	mkdir -p "$dir"
	pd_kernel_headers || return 1
	pd_kernel_image "$dir" || return 1
	pd_kernel_depmod "$dir" || return 1
	pd_kernel_vmlinux "$dir" || return 1
	ln -sfn "root/boot/vmlinuz-$PD_KVER" "$dir/vmlinuz"
	ln -sfn "root/boot/System.map-$PD_KVER" "$dir/System.map"
	ln -sfn "root/lib/modules/$PD_KVER" "$dir/modules"
	PD_KDIR=/usr/src/linux-headers-$PD_KVER
	PD_VMLINUZ=$dir/vmlinuz
	PD_VMLINUX=$dir/vmlinux
	PD_SYSMAP=$dir/System.map
	PD_MODROOT=$dir/root
	export PD_KVER PD_KDIR PD_VMLINUZ PD_VMLINUX PD_SYSMAP PD_MODROOT
}

pd_kernel_print() {
	local v
	for v in PD_KVER PD_KDIR PD_VMLINUZ PD_VMLINUX PD_SYSMAP PD_MODROOT; do
		printf '%s=%q\n' "$v" "${!v}"
	done
}

if [ "${BASH_SOURCE[0]}" = "$0" ]; then
	set -euo pipefail
	pd_kernel_setup
	pd_kernel_print
fi

# shellcheck shell=bash
# shellcheck disable=SC2154 # top, out_root, ko_dir, ref: run.sh's globals
# shellcheck disable=SC2034 # vmlinux, ko: read by the checks
# Sourced by tests/e2e/run.sh: the guest kernels (the kernel dimension).
#
# The kernels: "" is the default one (PD_KVER, or what qemu/kernel.sh
# resolves: bookworm's 6.1), "6.12" the newest cached 6.12 (PD_KVER_612, or
# what linux-image-6.12-amd64 depends on). Each gets its env, module build
# and initramfs once, on first use.
declare -A K_KVER K_VMLINUZ K_VMLINUX K_MODROOT K_KO K_READY
# The default kernel is the one PD_KVER named when this started: use_kernel
# exports PD_KVER, which would make qemu/kernel.sh resolve the kernel of the
# previous scenario.
default_kver=${PD_KVER:-}

# kernel_key VALUE: the key of the kernel dimension's VALUE ("" for the
# default kernel, whose modules are the repository's own build).
kernel_key() { [ "$1" = "${dim_default[kernel]}" ] || echo "$1"; }

kernel_env() { # KEY: prints kernel.sh's variables
	case $1 in
	'') PD_KVER=$default_kver bash "$top/qemu/kernel.sh" ;;
	6.12)
		local kv=${PD_KVER_612:-}
		if [ -z "$kv" ]; then
			kv=$(for d in "${PD_CACHE:-/var/cache/panicdump}"/6.12.*/; do
				[ -e "$d/.image-ok" ] && [ -e "$d/.vmlinux-ok" ] && basename "$d"
			done 2>/dev/null | sort -V | tail -n1)
		fi
		PD_KVER=$kv PD_KMETA=linux-image-6.12-amd64 bash "$top/qemu/kernel.sh"
		;;
	*) echo "unknown kernel @$1" >&2; return 1 ;;
	esac
}

# Build panicdump.ko and pdtest.ko against KDIR in out/ko/KVER (a copy of
# the sources; cp -p keeps their times, so make rebuilds only what changed).
build_modules() {
	local kdir=$1 dir=$2
	mkdir -p "$dir"
	cp -pr "$top/Kbuild" "$top/capture" "$top/formats" "$top/tests" "$dir/"
	make -C "$kdir" M="$dir" PD_TEST=1 modules >"$dir/build.log" 2>&1
}

# kernel_files KEY ENV: in a subshell, with kernel.sh's ENV, the modules
# (built here for a KEY kernel) and the guest initramfs; prints ENV and
# PD_KO_DIR.
kernel_files() {
	local key=$1 env=$2 ko
	eval "$env"
	# mkinitramfs.sh runs qemu/kernel.sh (the default kernel) unless these
	# come from the environment.
	export PD_KVER PD_MODROOT
	ko=$ko_dir
	if [ -n "$key" ]; then
		ko=$out_root/../ko/$PD_KVER
		if ! build_modules "$PD_KDIR" "$ko"; then
			echo "module build for $PD_KVER failed:" >&2
			tail -n 20 "$ko/build.log" >&2
			return 1
		fi
	fi
	PD_KO_DIR=$ko PD_DEV=$ref bash "$top/qemu/mkinitramfs.sh" >/dev/null || return 1
	echo "$env"
	printf 'PD_KO_DIR=%q\n' "$(realpath "$ko")"
}

# prepare_kernel KEY: the kernel's env, modules and initramfs, remembered
# in K_*[K]; 1 on failure (said as a FAIL).
prepare_kernel() {
	local key=$1 k=${1:-default} env rc=0 # (no empty keys in bash arrays)
	K_READY[$k]=failed
	env=$(kernel_env "$key") || { fail "kernel $k set up (qemu/kernel.sh)"; return 1; }
	(kernel_files "$key" "$env") >"$out_root/kernel-$k.env" 2>"$out_root/mkinitramfs-$k.err" || rc=$?
	cat "$out_root/mkinitramfs-$k.err"
	if [ $rc != 0 ]; then
		fail "kernel $k: modules and guest initramfs built (qemu/mkinitramfs.sh); its scenarios not run"
		return 1
	fi
	eval "$(cat "$out_root/kernel-$k.env")"
	K_KVER[$k]=$PD_KVER K_VMLINUZ[$k]=$PD_VMLINUZ K_VMLINUX[$k]=$PD_VMLINUX
	K_MODROOT[$k]=$PD_MODROOT K_KO[$k]=$PD_KO_DIR K_READY[$k]=ok
	echo "== kernel $PD_KVER ready (modules from $PD_KO_DIR)"
}

use_kernel() { # KEY: sets PD_* for run-guest.sh, vmlinux, ko; 1 on failure
	local k=${1:-default}
	[ -n "${K_READY[$k]:-}" ] || prepare_kernel "$1" || return 1
	[ "${K_READY[$k]}" = ok ] || return 1
	PD_KVER=${K_KVER[$k]} PD_VMLINUZ=${K_VMLINUZ[$k]} PD_VMLINUX=${K_VMLINUX[$k]}
	PD_MODROOT=${K_MODROOT[$k]}
	export PD_KVER PD_VMLINUZ PD_VMLINUX PD_MODROOT
	vmlinux=$PD_VMLINUX
	ko=${K_KO[$k]}
}

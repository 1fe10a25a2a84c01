#!/bin/bash
# The systemd boot test (make check-boot): panicdump configured once in a
# real Debian 12 system and saved automatically at every boot after.
#
#   tests/boot/run.sh [--keep]
#
# Builds (once, cached under /var/cache/panicdump/boot: tests/boot/image.sh)
# a debootstrapped Debian 12 root with systemd and Debian's initramfs for
# the guest kernel of qemu/kernel.sh; per run it unpacks that root, adds
# the kernel's modules, runs `make install` into it (default PREFIX, so the
# /usr/local unit, modules-load.d and modprobe.d paths are what is tested),
# builds panicdump.ko from the DKMS source tree make install put in
# /usr/src and installs it in /lib/modules/KVER/extra, enables
# savecore.service, dumpadm.service and the test's pdboot.service, and
# makes an ext4 image of it (mkfs.ext4 -d: no mount needed).
#
# QEMU (TCG, 2 vCPUs, 1 GiB; vda the root, vdb the dump disk, a pvpanic-pci
# device with QEMU's default panic action, shutdown) then boots it again and
# again (-no-reboot: every reboot and every panic ends QEMU) while the guest
# walks through tests/boot/guest-step.sh: configure with dumpadm -d, reboot
# and find itself armed, crash and find vmcore.0 saved by savecore.service,
# crash again (vmcore.1), dumpadm -n and crash (the dump stays on the
# device; savecore by hand saves vmcore.2). The host then copies
# /var/crash/pdboot out of the image (debugfs) and opens the vmcores in
# crash.
#
# Takes about 7 minutes once the image is cached (debootstrap adds about
# 2, the initramfs 1), on 2 host CPUs without KVM. Artifacts in out/boot/: console.log (all boots),
# crash/ (the saved files), crash.*.out. Prints PASS/FAIL lines and ends
# with "N passed, M failed"; exits 1 if anything failed.
#
# Environment: PD_BUILD (CMake build dir, default build), PD_KVER and
# PD_CACHE as for qemu/kernel.sh, PD_BOOT_OUT (default out/boot),
# PD_BOOT_TIMEOUT (seconds per boot, default 900).
set -euo pipefail

top=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
out=${PD_BOOT_OUT:-$top/out/boot}
build=${PD_BUILD:-$top/build}
boot_tmo=${PD_BOOT_TIMEOUT:-900}
keep=0
[ "${1:-}" = --keep ] && keep=1

passed=0 failed=0
pass() { passed=$((passed + 1)); echo "PASS $*"; }
fail() { failed=$((failed + 1)); echo "FAIL $*"; }
check() {
	local name=$1
	shift
	if "$@"; then pass "$name"; else fail "$name"; fi
}
has() { grep -qE -- "$2" "$1" 2>/dev/null; }
log() { echo "boot: $*" >&2; }
finish() {
	echo "$passed passed, $failed failed"
	[ "$failed" = 0 ]
	exit $?
}

if [ "$(id -u)" != 0 ]; then
	echo "tests/boot/run.sh must run as root (debootstrap, chroot, depmod)" >&2
	exit 1
fi
start=$SECONDS

eval "$(bash "$top/qemu/kernel.sh")"
# shellcheck source=image.sh
source "$top/tests/boot/image.sh"
log "kernel $PD_KVER"

base=$(pdb_base)
initrd=$(pdb_initrd "$PD_KVER" "$PD_MODROOT/lib/modules/$PD_KVER")
log "image: $base, $initrd ($((SECONDS - start))s)"

mkdir -p "$out"
root=$out/root
rm -rf "$root" "$out/crash" "$out"/console*.log "$out"/crash.*
mkdir -p "$root"
tar -C "$root" --numeric-owner -I zstd -xf "$base"
mkdir -p "$root/lib/modules"
cp -a "$PD_MODROOT/lib/modules/$PD_KVER" "$root/lib/modules/"

# make install into the guest, then the module from the DKMS tree it put
# in /usr/src (what dkms would build), cleaned again afterwards.
make -s -C "$top" install DESTDIR="$root" BUILD="$build" >"$out/install.log" 2>&1 ||
	{ cat "$out/install.log"; fail "make install DESTDIR=<guest root>"; finish; }
pass "make install DESTDIR=<guest root>"
src=$(ls -d "$root"/usr/src/panicdump-*)
if make -C "$src" KDIR="$PD_KDIR" modules >"$out/module.log" 2>&1; then
	pass "panicdump.ko builds from the installed DKMS tree ($(basename "$src"))"
else
	tail -n 20 "$out/module.log"
	fail "panicdump.ko builds from the installed DKMS tree"
	finish
fi
install -D -m 0644 "$src/panicdump.ko" "$root/lib/modules/$PD_KVER/extra/panicdump.ko"
make -C "$src" KDIR="$PD_KDIR" clean >/dev/null 2>&1
depmod -b "$root" "$PD_KVER"

# The test's driver, after savecore and dumpadm at every boot.
install -m 0755 "$top/tests/boot/guest-step.sh" "$root/usr/local/sbin/pdboot-step"
cat >"$root/etc/systemd/system/pdboot.service" <<-'EOF'
	[Unit]
	Description=panicdump boot test step
	After=savecore.service dumpadm.service systemd-user-sessions.service

	[Service]
	Type=oneshot
	ExecStart=/usr/local/sbin/pdboot-step
	StandardOutput=journal+console
	StandardError=journal+console

	[Install]
	WantedBy=multi-user.target
EOF
systemctl --root="$root" enable savecore.service dumpadm.service pdboot.service >/dev/null 2>&1
check "systemctl enable savecore.service dumpadm.service" \
	test -L "$root/etc/systemd/system/multi-user.target.wants/dumpadm.service" -a \
	     -L "$root/etc/systemd/system/multi-user.target.wants/savecore.service"

img=$out/root.img
rm -f "$img"
truncate -s 3G "$img"
mkfs.ext4 -q -F -L pdroot -d "$root" "$img"
[ "$keep" = 1 ] || rm -rf "$root"
dump=$out/dump.img
rm -f "$dump"
truncate -s 2G "$dump"
log "root image ready ($((SECONDS - start))s)"

# Every reboot and every panic ends QEMU (-no-reboot, or pvpanic with the
# default panic action after the dump); the guest's state is on its disk.
console=$out/console.log
: >"$console"
boots=0 done=0
while [ $boots -lt 8 ]; do
	boots=$((boots + 1))
	echo "==== boot $boots" >>"$console"
	t=$SECONDS rc=0
	timeout -k 10 "$boot_tmo" qemu-system-x86_64 -machine pc -accel tcg -m 1G -smp 2 \
		-display none -vga none -nic none -serial stdio -monitor none -no-reboot \
		-kernel "$PD_VMLINUZ" -initrd "$initrd" \
		-append "console=ttyS0 root=/dev/vda rw panic=1 systemd.show_status=1" \
		-drive "file=$img,if=none,id=root,format=raw,cache=writeback" \
		-device virtio-blk-pci,drive=root,serial=pdroot,addr=0x4 \
		-drive "file=$dump,if=none,id=dump,format=raw,cache=writeback" \
		-device virtio-blk-pci,drive=dump,serial=pddump,addr=0x5 \
		-device pvpanic-pci,addr=0x6 \
		</dev/null >>"$console" 2>&1 || rc=$?
	steps=$(sed -n "/^==== boot $boots\$/,\$p" "$console" | grep -o 'PDBOOT step [0-9]*' | sed -n 1p || true)
	log "boot $boots: ${steps:-no step ran}, QEMU exited $rc after $((SECONDS - t))s"
	if [ $rc = 124 ]; then
		fail "boot $boots finished within ${boot_tmo}s"
		break
	fi
	if grep -q 'PDBOOT DONE' <(sed -n "/^==== boot $boots\$/,\$p" "$console"); then
		done=1
		break
	fi
	[ -n "$steps" ] || { fail "boot $boots reached the test step"; break; }
done
log "guest finished after $boots boots ($((SECONDS - start))s)"

# The guest's own checks.
while IFS= read -r line; do
	case $line in
	*"PDBOOT PASS "*) pass "guest: ${line#*PDBOOT PASS }" ;;
	*"PDBOOT FAIL "*) fail "guest: ${line#*PDBOOT FAIL }" ;;
	esac
done < <(tr -d '\r' <"$console")
check "the guest went through every step in 5 boots" test "$done/$boots" = 1/5
check "no kernel oops or BUG in the guest besides the sysrq crashes" \
	bash -c "! grep -E 'BUG:|Oops:|WARNING: CPU' '$console' | grep -v sysrq | grep -q ."
check "panicdump wrote 3 complete dumps (its summary lines on the console)" \
	test "$(grep -c 'panicdump: dump complete: ' "$console" || true)" = 3

# The saved files, copied out of the guest's root file system.
mkdir -p "$out/crash"
debugfs -R "rdump /var/crash/pdboot $out/crash" "$img" >/dev/null 2>&1 || true
saved=$out/crash/pdboot
check "vmcore.0, vmcore.1, vmcore.2 in /var/crash/pdboot" \
	test -s "$saved/vmcore.0" -a -s "$saved/vmcore.1" -a -s "$saved/vmcore.2"
check "bounds is 3" test "$(cat "$saved/bounds" 2>/dev/null)" = 3
# The dump device: saved, nothing pending.
sc_rc=0
"$build/savecore" -C -f "$dump" >"$out/savecore-C.out" 2>&1 || sc_rc=$?
check "the dump device holds no unsaved dump at the end (savecore -C: 1)" test $sc_rc = 1

# crash on the host: bt and log with bookworm's crash; ps with trixie's
# (crash 8.0.2 cannot list the tasks of this kernel; see README).
run_crash() { # N CRASH-COMMAND...
	local n=$1
	shift
	printf '%s\n' "bt" "log" "ps" "quit" |
		timeout 900 "$@" >"$out/crash.$n.out" 2>&1
}
for n in 0 2; do
	[ -s "$saved/vmcore.$n" ] || { fail "crash opens vmcore.$n (missing)"; continue; }
	t=$SECONDS
	if run_crash "$n" crash -s "$PD_VMLINUX" "$saved/vmcore.$n"; then
		pass "crash opens vmcore.$n ($((SECONDS - t))s)"
	else
		fail "crash opens vmcore.$n"
		tail -n 20 "$out/crash.$n.out"
		continue
	fi
	check "crash bt of vmcore.$n shows sysrq_handle_crash" has "$out/crash.$n.out" 'sysrq_handle_crash'
	check "crash log of vmcore.$n has marker $((n + 1))" has "$out/crash.$n.out" "PDBOOT-MARKER-$((n + 1))"
done
trixie=${PD_CACHE:-/var/cache/panicdump}/trixie/root
if [ -x "$trixie/usr/bin/crash" ] && [ -s "$saved/vmcore.1" ]; then
	mnt=$trixie/tmp/pdboot.$$
	mkdir -p "$mnt/k" "$mnt/c"
	mount --bind "$(dirname "$(realpath "$PD_VMLINUX")")" "$mnt/k"
	mount --bind "$saved" "$mnt/c"
	rc=0
	run_crash 1-trixie chroot "$trixie" crash -s "/tmp/pdboot.$$/k/$(basename "$(realpath "$PD_VMLINUX")")" \
		"/tmp/pdboot.$$/c/vmcore.1" || rc=$?
	umount "$mnt/k" "$mnt/c"
	rmdir "$mnt/k" "$mnt/c" "$mnt"
	check "crash 8.0.6 (trixie) opens vmcore.1" test $rc = 0
	check "crash 8.0.6 ps of vmcore.1 lists systemd as PID 1" \
		has "$out/crash.1-trixie.out" '^ +1 +0 +[0-9]+ +[0-9a-f]+ +[A-Z]+ +[0-9.]+ +[0-9]+ +[0-9]+ +systemd$'
	check "crash 8.0.6 ps of vmcore.1 lists the step script" has "$out/crash.1-trixie.out" ' pdboot-step$'
else
	echo "SKIP crash 8.0.6 ps (no trixie chroot at $trixie)"
fi

[ "$keep" = 1 ] || rm -f "$img" "$dump"
log "done in $((SECONDS - start))s; artifacts in $out"
finish

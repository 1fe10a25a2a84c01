#!/bin/bash
# Boot one test guest under QEMU (TCG: this machine has no /dev/kvm) and
# wait until it powers off, reboots after its panic or times out.
#
#   qemu/run-guest.sh -s SCENARIO -d DUMP.img [-N] [-m MARKER] [-l CONSOLE.log]
#                     [-i INITRD] [-t SECONDS] [-q] [-D] [-a "EXTRA ARGS"]
#                     [-R VMCORE] [-S SIZE] [-p N] [-c CPUS] [-U] [-b BYTES]
#                     [-I IOMMU] [-M] [-n]
#
#   -s  scenario for the guest's /init (qemu/guest-init.sh): none, sysrq, …
#   -d  dump disk, the guest's /dev/vdb: a raw image, created sparse (2 GiB,
#       or -S) if absent; after QEMU exits it holds what the guest wrote
#   -S  size of a dump disk created here (truncate(1) SIZE: 40M, 2G, …)
#   -A  attach the dump disk to q35's AHCI controller (/dev/sda) instead
#   -N  attach the dump disk as an NVMe controller (/dev/nvme0n1) instead
#   -m  marker word for the guest to leave in its log and process list
#   -l  console log (default: next to DUMP.img, console.log)
#   -i  initramfs (default: the one qemu/mkinitramfs.sh builds)
#   -t  hard timeout in seconds (default 300)
#   -q  do not copy the console to stderr
#   -D  development mode (pd.dev=1): crash even without panicdump armed
#   -a  more kernel command line
#   -R  reference dump: keep the guest halted after its panic and have QEMU
#       write its memory to this file (dump-guest-memory -p: an ELF vmcore
#       with virtual addresses, which crash and drgn 0.0.22 both read);
#       checks the test plumbing without panicdump
#   -p  the dump device is partition N of the dump disk (/dev/vdbN,
#       /dev/nvme0n1pN, /dev/sdaN; pd.part=N): the disk image must carry a
#       partition table (tests/e2e/run.sh "+part" makes one)
#   -c  number of vCPUs (default 2)
#   -U  boot through UEFI firmware (OVMF, package ovmf: its code read-only,
#       a copy of its variable store next to DUMP.img) instead of SeaBIOS;
#       the kernel and initramfs are still loaded directly (-kernel)
#   -b  the dump disk's logical and physical block size (default 512; 4096:
#       a 4Kn disk); virtio-blk and NVMe only, QEMU's IDE disk has 512
#   -I  an IOMMU translating the dump controller's DMA (q35): vtd (Intel
#       VT-d, which Debian's kernel turns on by itself: no intel_iommu= on
#       the command line), vtd-ap (the same, and a virtio dump disk that
#       offers VIRTIO_F_ACCESS_PLATFORM (a modern-only device: QEMU offers
#       it on no other), so that it goes through the IOMMU
#       too), amdvi (AMD-Vi)
#   -M  inject an NMI (QEMU monitor "nmi", every vCPU) once the console
#       shows PD-NMI-NOW, as a hypervisor's or BMC's NMI button does
#   -n  dry run: print the QEMU command line on stdout and exit, creating
#       and removing nothing
#   (guest knobs such as pd.content=all or pd.compression=lzo go in -a)
#
# PD_GUEST_MEM=SIZE: the guest's RAM (QEMU -m; default 1G; bench/run.sh).
# PD_QEMU_SLOTS=N: at most N guests at once on this machine (each takes a
# free lock file /tmp/pd-qemu-slot.K and waits for one otherwise); for
# several test runs sharing few cores, where TCG guests that compete for
# them run slow enough to trip the scenarios' timeouts.
#
# Prints the console log path on stdout. Exit status: 0 when QEMU exited by
# itself (poweroff, or the reboot that panic=1 asks for, which -no-reboot
# turns into an exit), 124 on timeout, else QEMU's status.
set -euo pipefail

top=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
log() { echo "run-guest.sh: $*" >&2; }

scenario=none marker='' dump='' console='' initrd='' tmo=300 quiet=0 dev=0 extra='' ref='' nvme=0 size=2G sata=0
part='' cpus=2 uefi=0 bsize=512 dry=0 iommu=none nmi=0
while getopts 's:m:d:l:i:t:qDa:R:NAS:p:c:Ub:I:Mn' opt; do
	case $opt in
	s) scenario=$OPTARG ;;
	m) marker=$OPTARG ;;
	d) dump=$OPTARG ;;
	l) console=$OPTARG ;;
	i) initrd=$OPTARG ;;
	t) tmo=$OPTARG ;;
	q) quiet=1 ;;
	D) dev=1 ;;
	a) extra=$OPTARG ;;
	R) ref=$(realpath -m "$OPTARG") ;;
	N) nvme=1 ;;
	A) sata=1 ;;
	S) size=$OPTARG ;;
	p) part=$OPTARG ;;
	c) cpus=$OPTARG ;;
	U) uefi=1 ;;
	b) bsize=$OPTARG ;;
	I) iommu=$OPTARG ;;
	M) nmi=1 ;;
	n) dry=1 ;;
	*) sed -n '2,47s/^# \{0,1\}//p' "$0" >&2; exit 2 ;;
	esac
done
[ -n "$dump" ] || { log "-d DUMP.img is required"; exit 2; }
case $bsize in
512) ;;
4096) [ "$sata" = 0 ] || { log "-b 4096: QEMU's IDE disk (-A) has 512-byte logical blocks only"; exit 2; } ;;
*) log "-b $bsize: 512 or 4096"; exit 2 ;;
esac
case $iommu in
none | vtd | vtd-ap | amdvi) ;;
*) log "-I $iommu: vtd, vtd-ap or amdvi"; exit 2 ;;
esac
if [ ${#marker} -gt 15 ]; then
	log "marker '$marker' longer than 15 characters (comm length)"
	exit 2
fi

if [ -z "${PD_VMLINUZ:-}" ]; then
	eval "$(bash "$top/qemu/kernel.sh")"
fi
initrd=${initrd:-$top/out/guest/initramfs-$PD_KVER.cpio.zst}
[ -e "$initrd" ] || [ "$dry" = 1 ] || { log "no initramfs $initrd (run qemu/mkinitramfs.sh)"; exit 1; }

workdir=$(dirname "$(realpath -m "$dump")")
[ "$dry" = 1 ] || mkdir -p "$workdir"
console=${console:-$workdir/console.log}
[ -e "$dump" ] || [ "$dry" = 1 ] || truncate -s "$size" "$dump"
# vda: a scratch disk, so that the dump disk is vdb as in the docs.
scratch=$workdir/scratch.img
if [ "$dry" = 0 ]; then
	rm -f "$scratch"
	truncate -s 64M "$scratch"
fi

# panic=1: reboot 1 s after a panic (and after the dump), which -no-reboot
# turns into QEMU exiting. KASLR stays on, as on real machines.
append="console=ttyS0 panic=1 loglevel=7 pd.scenario=$scenario"
[ -z "$ref" ] || append+=" panic=0 pd.ref=1"
[ -z "$marker" ] || append+=" pd.marker=$marker"
[ "$dev" = 0 ] || append+=" pd.dev=1"
[ "$nvme" = 0 ] || append+=" pd.disk=nvme"
[ "$sata" = 0 ] || append+=" pd.disk=sata"
[ -z "$part" ] || append+=" pd.part=$part"
[ -z "$extra" ] || append+=" $extra"

# Explicit PCI slots and serials keep vda/vdb in this order. cache=writeback
# goes through the host page cache, so what the guest wrote is in the
# image file once QEMU has exited.
# The SATA dump disk hangs off q35's built-in AHCI controller (00:1f.2).
machine=pc
[ "$sata" = 0 ] && [ "$iommu" = none ] || machine=q35
# The IOMMU comes before the devices it translates for.
iommu_dev=() ap=
case $iommu in
vtd) iommu_dev=(-device intel-iommu) ;;
vtd-ap) iommu_dev=(-device intel-iommu) ap=,disable-legacy=on,iommu_platform=on ;;
amdvi) iommu_dev=(-device amd-iommu) ;;
esac
# shellcheck disable=SC2054 # commas are QEMU's, inside one argument
qemu=(qemu-system-x86_64 -machine "$machine" -accel tcg -m "${PD_GUEST_MEM:-1G}" -smp "$cpus"
	-display none -vga none -nic none -serial stdio
	-no-reboot "${iommu_dev[@]}"
	-kernel "$PD_VMLINUZ" -initrd "$initrd" -append "$append"
	-drive "file=$scratch,if=none,id=scratch,format=raw,cache=unsafe"
	-device virtio-blk-pci,drive=scratch,serial=pdscratch,addr=0x4
	-drive "file=$dump,if=none,id=dump,format=raw,cache=writeback")
# The dump disk's block size: QEMU's default (512) is left implicit.
blk=
[ "$bsize" = 512 ] || blk=,logical_block_size=$bsize,physical_block_size=$bsize
if [ "$nvme" = 1 ]; then
	qemu+=(-device "nvme,drive=dump,serial=pddump,addr=0x5$blk")
elif [ "$sata" = 1 ]; then
	qemu+=(-device "ide-hd,drive=dump,bus=ide.0,serial=pddump")
else
	qemu+=(-device "virtio-blk-pci,drive=dump,serial=pddump,addr=0x5$blk$ap")
fi
# UEFI: OVMF's code read-only from the package, its variables in a fresh
# copy per boot (the firmware writes them).
ovmf_vars=
if [ "$uefi" = 1 ]; then
	ovmf_code=${PD_OVMF_CODE:-/usr/share/OVMF/OVMF_CODE_4M.fd}
	ovmf_vars=$workdir/ovmf-vars.fd
	[ -e "$ovmf_code" ] || { log "no $ovmf_code (apt-get install ovmf)"; exit 1; }
	[ "$dry" = 1 ] || cp "${PD_OVMF_VARS:-/usr/share/OVMF/OVMF_VARS_4M.fd}" "$ovmf_vars"
	qemu+=(-drive "if=pflash,format=raw,unit=0,readonly=on,file=$ovmf_code"
		-drive "if=pflash,format=raw,unit=1,file=$ovmf_vars")
fi
monitor=
if [ -n "$ref" ] || [ "$nmi" = 1 ]; then
	monitor=$workdir/monitor.sock
fi
if [ -n "$ref" ]; then
	# vmcoreinfo lets crash find the KASLR offset in QEMU's dump.
	qemu+=(-device vmcoreinfo -monitor "unix:$monitor,server,nowait")
	[ "$dry" = 1 ] || rm -f "$ref"
elif [ "$nmi" = 1 ]; then
	qemu+=(-monitor "unix:$monitor,server,nowait")
else
	qemu+=(-monitor none)
fi

if [ "$dry" = 1 ]; then
	echo "${qemu[*]}"
	exit 0
fi

# Waits for a slot before the timeout starts.
if [ -n "${PD_QEMU_SLOTS:-}" ]; then
	while :; do
		for ((k = 0; k < PD_QEMU_SLOTS; k++)); do
			exec {slot_fd}>"/tmp/pd-qemu-slot.$k"
			flock -n "$slot_fd" && break 2
			exec {slot_fd}>&-
		done
		sleep 1
	done
fi

log "scenario=$scenario marker=${marker:-none} dump=$dump log=$console"
log "${qemu[*]}"
start=$SECONDS
rc=0
if [ -n "$ref" ]; then
	"$top/qemu/ref-dump.py" "$console" "$monitor" "$ref" "$tmo" &
elif [ "$nmi" = 1 ]; then
	"$top/qemu/nmi.py" "$console" "$monitor" "$tmo" &
fi
if [ "$quiet" = 1 ]; then
	timeout -k 10 "$tmo" "${qemu[@]}" </dev/null >"$console" 2>&1 || rc=$?
else
	timeout -k 10 "$tmo" "${qemu[@]}" </dev/null 2>&1 | tee "$console" >&2 ||
		rc=$?
fi
rm -f "$scratch" ${monitor:+"$monitor"} ${ovmf_vars:+"$ovmf_vars"}
wait
if [ "$rc" = 124 ]; then
	log "TIMEOUT after ${tmo}s (scenario $scenario)"
else
	log "QEMU exited with $rc after $((SECONDS - start))s"
fi
echo "$console"
exit "$rc"

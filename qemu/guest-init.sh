#!/bin/sh
# /init of the test guest (busybox ash). Reads its orders from the kernel
# command line, runs one scenario and powers off if the scenario returns:
#
#   pd.scenario=NAME   none | sysrq | spin | oops | bug_softirq | panic |
#                      softlockup | warn | kthread_panic | uaf, or savecore (the
#                      boot after: extract the dump from the disk), or rearm
#                      (a boot after: try `dumpadm -d`, then `dumpadm -u` from
#                      a configuration naming the disk that holds an unsaved
#                      dump, print the status, power off), or swap (mkswap
#                      and swapon the dump disk, push memory into swap,
#                      dumpadm -d swap, sysrq-c) and swapsave (the boot
#                      after: savecore before swapon, then swapon, use it,
#                      dumpadm -u re-arms on swap), or refusals (dumpadm -d
#                      on what it cannot dump to: a regular file, loop, nbd,
#                      device-mapper, a disk held by it, a mounted and an
#                      unmounted filesystem, a disk below the estimate; each
#                      checked to leave every byte as it was), or
#                      rearm_fail (arm, two re-arms the module is made to
#                      fail, then sysrq-c: the first arm must dump), or
#                      nmi, nmi_irqoff (arm, kernel.unknown_nmi_panic=1, wait
#                      for the host's NMI; nmi_irqoff: CPU 1 spinning with
#                      interrupts off first)
#   pd.content=C       dumpadm -c C (all | kernel | curproc) when arming
#   pd.compression=Z   dumpadm --compression Z (zstd | lzo | none)
#   pd.fill=MB         after arming, fill MB MiB of tmpfs with random data:
#                      pages no compressor shrinks, so that the dump
#                      outgrows a disk dumpadm found large enough
#   pd.marker=WORD     text written to the kernel log and name of a process
#                      left running, for the host to find in the dump
#                      (at most 15 characters: the kernel's comm length)
#   pd.dev=1           development mode: crash even when panicdump.ko or
#                      dumpadm is missing (no dump is written then)
#   pd.disk=nvme       the dump disk is an NVMe namespace (/dev/nvme0n1)
#   pd.disk=sata       the dump disk is a SATA disk on AHCI (/dev/sda)
#                      instead of the second virtio disk (/dev/vdb)
#   pd.part=N          the dump device is partition N of the dump disk
#                      (/dev/vdbN, /dev/nvme0n1pN, /dev/sdaN); partition 1
#                      holds an ext2 file system that is mounted before
#                      arming and written to after it (a "PD-P1MD5" line
#                      gives partition 1's checksum once that is on disk)
#   pd.ref=1           QEMU will dump the memory itself (run-guest.sh -R):
#                      load qemu_fw_cfg so that QEMU gets VMCOREINFO
#   pd.quickwd=1       watchdogs on short fuses (soft lockup 2 s, RCU stall
#                      3 s, hung task 3 s), for a dump that must not wake them
#   pd.bench=ARGS      scenario bench: pd_pattern's options, commas for
#                      spaces (bench/run.sh)
#
# Scenarios content (pd_pattern, tests/e2e content_*): a process holding
# a PDHOLDER buffer, then one that fills a PDPANICR buffer and panics the
# kernel itself; bench: pd_pattern with pd.bench's options, then panic;
# zstd (bench/run.sh): time `zstd -1` on the second disk's bytes in tmpfs.
#
# Every step prints a "PD-STEP <name>" line on the console and a failure a
# "PD-FAIL <reason>" line; tests/e2e reads the console log for them.
#
# No `set -e`: if /init exits the kernel panics ("Attempted to kill init"),
# which a test would take for the scenario's panic. Errors go to fail().

# busybox ash has `local`.
# shellcheck disable=SC3043

export PATH=/bin:/sbin:/usr/bin:/usr/sbin

step() { echo "PD-STEP $*"; }

fail() {
	echo "PD-FAIL $*"
	poweroff -f
	sleep 10
}

setup() {
	mount -t proc proc /proc
	mount -t sysfs sysfs /sys
	mount -t devtmpfs devtmpfs /dev
	mkdir -p /dev/pts /tmp /run /var/crash
	mount -t tmpfs tmpfs /tmp
	mount -t tmpfs tmpfs /run
	hostname -F /etc/hostname
}

cmdline_arg() {
	local w
	for w in $(cat /proc/cmdline); do
		case "$w" in
		"$1"=*) echo "${w#*=}"; return ;;
		esac
	done
}

load_modules() {
	if [ "$REF" = 1 ]; then
		modprobe qemu_fw_cfg || fail "modprobe qemu_fw_cfg"
	fi
	modprobe virtio_pci || fail "modprobe virtio_pci"
	modprobe virtio_blk || fail "modprobe virtio_blk"
	if [ "$DISK" = nvme ]; then
		modprobe nvme || fail "modprobe nvme"
	fi
	if [ "$DISK" = sata ]; then
		modprobe ahci || fail "modprobe ahci"
		modprobe sd_mod || fail "modprobe sd_mod"
	fi
	if ! modprobe panicdump; then
		[ "$DEV" = 1 ] || fail "modprobe panicdump"
		step "no-panicdump (dev mode)"
	fi
	if ! modprobe pdtest; then
		[ "$DEV" = 1 ] || fail "modprobe pdtest"
		step "no-pdtest (dev mode)"
	fi
	# Block devices appear asynchronously after the drivers' probe.
	local i=0
	while [ ! -b "$DUMPDEV" ] && [ $i -lt 100 ]; do
		sleep 0.1
		i=$((i + 1))
	done
	[ -b "$DUMPDEV" ] || fail "no $DUMPDEV"
	# run-guest.sh gives the dump disk this serial: never arm another disk.
	local serial
	if [ "$DISK" = nvme ]; then
		serial=$(cat /sys/class/nvme/nvme0/serial 2>/dev/null)
	elif [ "$DISK" = sata ]; then
		# libata shows no serial here; the dump disk is the only SATA one.
		[ ! -e /sys/block/sdb ] && serial=pddump
	else
		serial=$(cat /sys/block/vdb/serial 2>/dev/null)
	fi
	[ "$(echo $serial)" = pddump ] ||
		fail "$DUMPDEV is not the dump disk (serial '$serial', not pddump)"
	step "modules-loaded"
}

# pd.part: a file system in use on the dump disk's controller, next to the
# dump partition: mounted before arming ...
part_mount() {
	local p1="${DUMPDEV%"$PART"}1"
	modprobe ext4 || fail "modprobe ext4"
	mkdir -p /mnt/p1
	mount -t ext2 -o noatime "$p1" /mnt/p1 || fail "mount $p1"
	step "mounted $p1"
}

# ... and written to after: the data is synced, then partition 1 is read
# back from the disk for the host to compare after the dump.
part_write() {
	local p1="${DUMPDEV%"$PART"}1"
	echo "written by the guest before its panic: ${MARKER:-nomarker}" >/mnt/p1/written ||
		fail "write to /mnt/p1"
	dd if=/dev/urandom of=/mnt/p1/random bs=64k count=64 2>/dev/null ||
		fail "write /mnt/p1/random"
	sync
	echo 3 >/proc/sys/vm/drop_caches
	echo "PD-P1MD5 $(md5sum <"$p1" | cut -d' ' -f1)"
	step "wrote to $p1 (still mounted)"
}

arm() {
	[ -z "$PART" ] || part_mount
	if ! command -v dumpadm >/dev/null || [ ! -d /sys/module/panicdump ]; then
		[ "$DEV" = 1 ] || fail "dumpadm or panicdump.ko missing"
		step "arm-skipped (dev mode)"
		return
	fi
	# shellcheck disable=SC2086 # word splitting wanted: options or nothing
	dumpadm ${CONTENT:+-c "$CONTENT"} ${COMPRESSION:+--compression "$COMPRESSION"} \
		-d "$DUMPDEV" || fail "dumpadm -d $DUMPDEV (content ${CONTENT:-default}, compression ${COMPRESSION:-default})"
	echo "PD-BEGIN dumpadm"
	dumpadm || fail "dumpadm (status)"
	echo "PD-END dumpadm"
	step "armed"
	[ -z "$PART" ] || part_write
	if [ -n "$FILL" ]; then
		# tmpfs holds half of RAM by default; the fill may want more.
		mount -o remount,size=90% /tmp || fail "remount /tmp larger"
		dd if=/dev/urandom of=/tmp/fill bs=1M count="$FILL" 2>/dev/null ||
			fail "fill $FILL MiB of /tmp"
		step "filled $FILL MiB of /tmp with random data"
	fi
}

# The nonce of the leading header copy (struct pd_header: bytes 48..63),
# which names the arm the device belongs to.
header_nonce() {
	echo "PD-HEADER-NONCE $(dd if="$DUMPDEV" bs=16 skip=3 count=1 2>/dev/null | od -An -tx1 | tr -d ' \n')"
}

# md5 of the swap header proper: bytes 1024..4095 of the swap area.
swap_header_md5() {
	dd if="$DUMPDEV" bs=1024 skip=1 count=3 2>/dev/null | md5sum | cut -d' ' -f1
}

# Swap used, in KiB, from /proc/swaps (0 when not listed).
swap_used_kib() {
	awk -v d="$DUMPDEV" '$1 == d { print $4; f = 1 } END { if (!f) print 0 }' /proc/swaps
}

# Fill a tmpfs larger than RAM, so that some of it goes to swap.
swap_push() {
	mkdir -p /mnt/fill
	mount -t tmpfs -o size=1400m tmpfs /mnt/fill || fail "mount the fill tmpfs"
	dd if=/dev/zero of=/mnt/fill/a bs=1M count="${1:-1000}" 2>/dev/null ||
		fail "fill ${1:-1000} MiB of tmpfs"
	echo "PD-SWAP used $(swap_used_kib) KiB"
}

# swap: the dump disk becomes the active swap, then dumpadm -d swap.
swap_arm() {
	command -v dumpadm >/dev/null || fail "dumpadm missing"
	mkswap "$DUMPDEV" >/dev/null || fail "mkswap $DUMPDEV"
	swapon "$DUMPDEV" || fail "swapon $DUMPDEV"
	echo "PD-SWAP header $(swap_header_md5) before arming"
	swap_push 1000
	# Active swap named as a device: refused, pointing at -d swap.
	echo "PD-BEGIN dumpadm-d-dev"
	dumpadm -d "$DUMPDEV" 2>&1
	echo "PD-END dumpadm-d-dev"
	echo "PD-BEGIN dumpadm-d-swap"
	dumpadm -d swap 2>&1 || fail "dumpadm -d swap"
	echo "PD-END dumpadm-d-swap"
	echo "PD-SWAP header $(swap_header_md5) after arming"
	echo "PD-SWAP magic $(dd if="$DUMPDEV" bs=8 count=1 2>/dev/null)"
	echo "PD-BEGIN dumpadm"
	dumpadm || fail "dumpadm (status)"
	echo "PD-END dumpadm"
	step "armed"
}

# swapsave: the boot after the panic. savecore first, swap after.
swap_save() {
	step "swapsave"
	echo "PD-SWAP header $(swap_header_md5) at boot"
	savecore -v -d -f "$DUMPDEV" /var/crash/pd || fail "savecore"
	for f in /var/crash/pd/vmcore.*; do
		echo "PD-MD5 $(md5sum <"$f" | cut -d' ' -f1) $(basename "$f")"
	done
	step "saved"
	echo "PD-SWAP header $(swap_header_md5) after savecore"
	swapon "$DUMPDEV" || fail "swapon $DUMPDEV after savecore"
	step "swapon"
	swap_push 1000
	cat /proc/swaps
	[ "$(swap_used_kib)" -gt 0 ] || fail "no swap used after swapon"
	step "swap used"
	# A savecore now would read what paging wrote: refused.
	echo "PD-BEGIN savecore-on-swap"
	savecore -f "$DUMPDEV" /var/crash/pd2 2>&1
	echo "PD-END savecore-on-swap status $?"
	# What a boot does after swapon: re-arm from the configuration.
	printf 'DUMPADM_DEVICE=%s\nDUMPADM_SWAP=yes\n' "$DUMPDEV" >/etc/dumpadm.conf
	echo "PD-BEGIN dumpadm-u"
	dumpadm -u 2>&1 || fail "dumpadm -u on swap"
	echo "PD-END dumpadm-u"
	echo "PD-SWAP magic $(dd if="$DUMPDEV" bs=8 count=1 2>/dev/null)"
	echo "PD-BEGIN dumpadm"
	dumpadm 2>&1
	echo "PD-END dumpadm"
	step "rearmed on swap"
}

# One md5 over what a refused dumpadm must not change: the device it was
# given, both disks, the configuration, crash_kexec_post_notifiers.
refusal_sums() {
	{
		if [ -b "$1" ] || [ -f "$1" ]; then
			md5sum <"$1"
		fi
		md5sum <"$DUMPDEV"
		md5sum </dev/vda
		cat /etc/dumpadm.conf 2>/dev/null
		cat /sys/module/kernel/parameters/crash_kexec_post_notifiers
	} | md5sum | cut -d' ' -f1
}

# try_refusal NAME DEVICE [dumpadm options]
try_refusal() {
	local name="$1" dev="$2" b a rc
	shift 2
	b=$(refusal_sums "$dev")
	echo "PD-BEGIN refusal $name"
	dumpadm "$@" -d "$dev" 2>&1
	rc=$?
	echo "PD-END refusal $name"
	a=$(refusal_sums "$dev")
	if [ "$a" = "$b" ]; then a=unchanged; else a=CHANGED; fi
	echo "PD-REFUSAL $name status $rc bytes $a"
}

refusals() {
	command -v dumpadm >/dev/null || fail "dumpadm missing"
	local m
	for m in loop dm_mod nbd ext4; do
		modprobe "$m" || fail "modprobe $m"
	done
	step "refusals"
	dd if=/dev/zero of=/tmp/dump.file bs=1M count=16 2>/dev/null || fail "dd /tmp/dump.file"
	try_refusal file /tmp/dump.file
	[ -b /dev/loop0 ] || mknod /dev/loop0 b 7 0
	losetup /dev/loop0 /tmp/dump.file || fail "losetup /dev/loop0"
	try_refusal loop /dev/loop0
	losetup -d /dev/loop0
	# No nbd server: the device is there, nothing behind it.
	try_refusal nbd /dev/nbd0
	if command -v dmsetup >/dev/null; then
		# No udev here: dmsetup makes /dev/mapper/pdlin itself.
		DM_DISABLE_UDEV=1 dmsetup create pdlin --table "0 32768 linear $DUMPDEV 0" ||
			fail "dmsetup create"
		try_refusal dm /dev/mapper/pdlin
		try_refusal held "$DUMPDEV"
		DM_DISABLE_UDEV=1 dmsetup remove pdlin || fail "dmsetup remove"
	else
		step "no dmsetup: device-mapper left out"
	fi
	mke2fs -q "$DUMPDEV" >/dev/null 2>&1 || mke2fs "$DUMPDEV" >/dev/null || fail "mke2fs $DUMPDEV"
	mkdir -p /mnt/fs
	# Read-only: a read-write mount writes the disk behind our back
	# (superblock, writeback), which would blur the unchanged-bytes check.
	mount -t ext2 -o ro "$DUMPDEV" /mnt/fs || fail "mount $DUMPDEV"
	try_refusal mounted "$DUMPDEV"
	umount /mnt/fs || fail "umount /mnt/fs"
	try_refusal fs "$DUMPDEV"
	# The 64 MiB scratch disk against the estimate for all of RAM.
	try_refusal small /dev/vda -c all
	[ -e /etc/dumpadm.conf ] || echo "PD-REFUSAL no configuration written"
	echo "PD-BEGIN dumpadm"
	dumpadm 2>&1
	echo "PD-END dumpadm"
	step "refusals done"
}

# Leave traces for the host to find in the dump: a kernel log line and a
# process whose comm is the marker.
mark() {
	[ -n "$MARKER" ] || return 0
	echo "PD-MARKER $MARKER" >/dev/kmsg
	cp /bin/pd_sleep "/bin/$MARKER" || fail "cp pd_sleep"
	"/bin/$MARKER" &
	# A panic right after the fork could catch the child before its exec:
	# wait until the process carries the marker's name.
	local pid=$! i=0
	while [ "$(cat /proc/$pid/comm 2>/dev/null)" != "$MARKER" ]; do
		[ $i -lt 50 ] || fail "marker process $pid never became $MARKER"
		sleep 0.1
		i=$((i + 1))
	done
	step "marked $MARKER pid $pid"
}

# pd.quickwd=1: watchdogs that would speak within seconds of a dump that
# blocked them.
quick_watchdogs() {
	[ "$(cmdline_arg pd.quickwd)" = 1 ] || return 0
	echo 1 >/proc/sys/kernel/watchdog_thresh || fail "watchdog_thresh"
	echo 3 >/sys/module/rcupdate/parameters/rcu_cpu_stall_timeout ||
		fail "rcu_cpu_stall_timeout"
	echo 3 >/proc/sys/kernel/hung_task_timeout_secs 2>/dev/null || true
	step "quick watchdogs"
}

# Start a spinner kthread on CPU 1 and wait until it reports spinning.
spin_cpu1() {
	echo "$1 1" >/proc/pdtest || fail "$1 1 > /proc/pdtest"
	local i=0
	while :; do
		case " $(cat /proc/pdtest) " in
		*" 1 "*) break ;;
		esac
		[ $i -lt 100 ] || fail "CPU 1 spinner did not start"
		sleep 0.1
		i=$((i + 1))
	done
	step "cpu1-spinning"
}

trigger() {
	step "trigger $1"
	# Run the trigger on CPU 0: CPU 1 may be busy spinning.
	taskset -c 0 pd_trigger "$1" || fail "pd_trigger $1"
	# Asynchronous triggers (timer, kthread, soft lockup) need a moment.
	sleep 30
	fail "no panic after trigger $1"
}

scenario() {
	case "$1" in
	none)
		step "booted"
		;;
	sysrq)
		arm
		mark
		sleep 1
		# On CPU 1, so that the panicking CPU is not the first one: the
		# dump's per-CPU notes must still map to the right CPUs.
		# With a single vCPU, CPU 0 is all there is.
		local cpu=1
		[ "$(nproc)" -gt 1 ] || cpu=0
		step "trigger sysrq-c on CPU $cpu"
		taskset -c $cpu sh -c 'echo c >/proc/sysrq-trigger'
		sleep 10
		fail "no panic after sysrq-c"
		;;
	spin)
		arm
		mark
		spin_cpu1 spin
		trigger panic
		;;
	oops)
		arm
		mark
		echo 1 >/proc/sys/kernel/panic_on_oops
		# The NULL store in an ioctl handler, as in the tutorial.
		step "trigger ioctl PDTEST_IOC_OOPS"
		taskset -c 0 pd_trigger -i oops
		sleep 10
		fail "no panic after ioctl PDTEST_IOC_OOPS"
		;;
	bug_softirq)
		arm
		mark
		trigger bug_softirq
		;;
	uaf)
		# Needs slub_debug=FZPU,kmalloc-256 panic_on_taint=0x20 (run.sh).
		arm
		mark
		trigger uaf
		;;
	panic | kthread_panic)
		arm
		mark
		trigger "$1"
		;;
	warn)
		arm
		mark
		echo 1 >/proc/sys/kernel/panic_on_warn
		trigger warn
		;;
	softlockup)
		arm
		mark
		echo 1 >/proc/sys/kernel/softlockup_panic
		# Soft lockup after 2 * watchdog_thresh seconds: 2 s, not 20.
		echo 1 >/proc/sys/kernel/watchdog_thresh
		spin_cpu1 softlockup
		sleep 60
		fail "no soft-lockup panic"
		;;
	content)
		arm
		quick_watchdogs
		mark
		pd_pattern -t PDHOLDER -a 8 &
		sleep 2
		step "trigger panic from pd_pattern"
		taskset -c 0 pd_pattern -t PDPANICR -a 8 -p
		sleep 30
		fail "no panic from pd_pattern"
		;;
	bench)
		arm
		quick_watchdogs
		# shellcheck disable=SC2046 # options, split on purpose
		taskset -c 0 pd_pattern $(cmdline_arg pd.bench | tr , ' ') -p
		sleep 30
		fail "no panic from pd_pattern (bench)"
		;;
	zstd)
		step "zstd"
		command -v zstd >/dev/null || fail "no zstd in this initramfs"
		mount -o remount,size=90% /tmp
		cat "$DUMPDEV" >/tmp/raw || fail "copy $DUMPDEV to tmpfs"
		echo "PD-ZSTD bytes $(wc -c </tmp/raw)"
		t0=$(cut -d' ' -f1 /proc/uptime)
		zstd -1 -T1 -q -c /tmp/raw >/tmp/raw.zst || fail "zstd -1"
		t1=$(cut -d' ' -f1 /proc/uptime)
		echo "PD-ZSTD out $(wc -c </tmp/raw.zst)"
		echo "PD-ZSTD ms $(echo "$t0 $t1" | awk '{ printf "%d", ($2 - $1) * 1000 }')"
		;;
	savecore)
		# The boot after a panic: extract the dump from the disk itself.
		# -d: the host may already have saved it from the image file.
		step "savecore"
		savecore -v -d -f "$DUMPDEV" /var/crash/pd || fail "savecore"
		ls -l /var/crash/pd
		for f in /var/crash/pd/vmcore.*; do
			echo "PD-MD5 $(md5sum <"$f" | cut -d' ' -f1) $(basename "$f")"
		done
		step "saved"
		;;
	rearm)
		# A boot after a panic whose dump was not saved yet: arming again
		# must refuse (and leave the dump alone).
		step "rearm"
		command -v dumpadm >/dev/null || fail "dumpadm missing"
		echo "PD-BEGIN dumpadm-d"
		dumpadm -d "$DUMPDEV" 2>&1
		local rc=$?
		echo "PD-END dumpadm-d"
		echo "PD-REARM dumpadm -d status $rc"
		# What a boot does: re-arm from the configuration file.
		printf 'DUMPADM_DEVICE=%s\n' "$DUMPDEV" >/etc/dumpadm.conf
		echo "PD-BEGIN dumpadm-u"
		dumpadm -u 2>&1
		rc=$?
		echo "PD-END dumpadm-u"
		echo "PD-REARM dumpadm -u status $rc"
		echo "PD-BEGIN dumpadm"
		dumpadm 2>&1
		echo "PD-END dumpadm"
		;;
	nmi | nmi_irqoff)
		# A hung machine: nothing panics it but the NMI the host
		# injects (run-guest.sh -M) once it sees PD-NMI-NOW. In
		# nmi_irqoff, CPU 1 spins with interrupts off first. This shell
		# and what it starts stay on CPU 0: a task left on CPU 1's run
		# queue would never run again.
		taskset -p 1 $$ >/dev/null || fail "taskset -p 1 (init on CPU 0)"
		arm
		mark
		echo 1 >/proc/sys/kernel/unknown_nmi_panic || fail "kernel.unknown_nmi_panic=1"
		if [ "$1" = nmi ]; then
			step "waiting for an NMI"
			echo "PD-NMI-NOW"
		else
			# pdtest says PD-NMI-NOW itself: this shell may hang
			# before it could, as a real machine's would.
			echo "irqoff 1" >/proc/pdtest || fail "irqoff 1 > /proc/pdtest"
			step "waiting for an NMI"
		fi
		sleep 60
		fail "no panic after the NMI"
		;;
	rearm_fail)
		# A re-arm the module fails (test builds' test_fail_arm): at
		# its last allocation, then at its header write. Each must
		# leave the first arm (content kernel) working, the device's
		# header its own; then the panic.
		CONTENT=kernel arm
		header_nonce
		local n rc
		for n in 1 2; do
			echo "$n" >/sys/module/panicdump/parameters/test_fail_arm ||
				fail "test_fail_arm (not a test build of panicdump.ko?)"
			echo "PD-BEGIN rearm-fail-$n"
			dumpadm -c all -d "$DUMPDEV" 2>&1
			rc=$?
			echo "PD-END rearm-fail-$n"
			echo "PD-REARMFAIL $n status $rc"
		done
		echo "PD-BEGIN dumpadm-after"
		dumpadm 2>&1
		echo "PD-END dumpadm-after"
		# Armed, the device is the module's: mkfs (O_EXCL) and a
		# partition table rescan must fail, the header stay.
		echo "PD-BEGIN mkfs"
		/usr/sbin/mke2fs -F -q -t ext4 "$DUMPDEV" 2>&1
		echo "PD-HOLD mkfs status $?"
		echo "PD-END mkfs"
		blockdev --rereadpt "/dev/$DUMPDISK" 2>&1
		echo "PD-HOLD rereadpt status $?"
		header_nonce
		mark
		sleep 1
		step "trigger sysrq-c on CPU 0"
		taskset -c 0 sh -c 'echo c >/proc/sysrq-trigger'
		sleep 10
		fail "no panic after sysrq-c"
		;;
	swap)
		swap_arm
		mark
		sleep 1
		step "trigger sysrq-c on CPU 1"
		taskset -c 1 sh -c 'echo c >/proc/sysrq-trigger'
		sleep 10
		fail "no panic after sysrq-c"
		;;
	swapsave)
		swap_save
		;;
	refusals)
		refusals
		;;
	*)
		fail "unknown scenario '$1'"
		;;
	esac
}

setup
SCENARIO=$(cmdline_arg pd.scenario)
MARKER=$(cmdline_arg pd.marker)
DEV=$(cmdline_arg pd.dev)
DISK=$(cmdline_arg pd.disk)
DUMPDEV=/dev/vdb
[ "$DISK" != nvme ] || DUMPDEV=/dev/nvme0n1
[ "$DISK" != sata ] || DUMPDEV=/dev/sda
DUMPDISK=${DUMPDEV#/dev/}
PART=$(cmdline_arg pd.part)
if [ -n "$PART" ]; then
	case $DUMPDEV in
	*[0-9]) DUMPDEV=${DUMPDEV}p$PART ;;
	*) DUMPDEV=$DUMPDEV$PART ;;
	esac
fi
REF=$(cmdline_arg pd.ref)
CONTENT=$(cmdline_arg pd.content)
COMPRESSION=$(cmdline_arg pd.compression)
FILL=$(cmdline_arg pd.fill)
step "init scenario=${SCENARIO:-none} marker=${MARKER:-} dev=${DEV:-0} dump=$DUMPDEV"
load_modules
# The dump disk's logical and physical block sizes (tests/e2e/run.sh +4k
# checks that the guest got the disk it asked QEMU for).
echo "PD-BLOCKSIZE $(cat "/sys/block/$DUMPDISK/queue/logical_block_size" 2>/dev/null || echo ?)" \
	"$(cat "/sys/block/$DUMPDISK/queue/physical_block_size" 2>/dev/null || echo ?)"
# The IOMMU domain of the dump disk's PCI function (+vtd and the others
# check it is DMA or DMA-FQ: translated, not identity).
pcidev=$(readlink -f "/sys/block/$DUMPDISK/device" 2>/dev/null || true)
while [ -n "$pcidev" ] && [ "$pcidev" != / ] && [ ! -e "$pcidev/iommu_group" ]; do
	pcidev=$(dirname "$pcidev")
done
echo "PD-IOMMU $(cat "$pcidev/iommu_group/type" 2>/dev/null || echo none)"
scenario "${SCENARIO:-none}"
step "poweroff"
poweroff -f

# shellcheck shell=bash
# shellcheck disable=SC2154 # label, top, build: run.sh's globals
# Sourced by tests/e2e/run.sh: the scenarios' checks that boot the guest
# again, after the panic or instead of one. Each takes the run-guest.sh
# options of the scenario's dimensions after its own arguments.

# The user's path after the panic: boot again and run savecore in the
# guest on the dump disk itself; it must extract the same vmcore.0 as
# savecore on the image file did.
reboot_savecore() {
	local dir=$1 vmcore=$2 log=$1/console-reboot.log rc=0 guest host t=$SECONDS
	shift 2
	bash "$top/qemu/run-guest.sh" -q "$@" -s savecore -d "$dir/dump.img" \
		-l "$log" -t 240 >/dev/null 2>"$dir/run-guest-reboot.err" || rc=$?
	if [ $rc = 0 ] && has "$log" '^PD-STEP saved'; then
		pass "$label: savecore in the rebooted guest ($((SECONDS - t))s)"
	else
		fail "$label: savecore in the rebooted guest (status $rc)"
		excerpt "$log" 30
		return
	fi
	guest=$(awk '/^PD-MD5 .* vmcore\.0/ { print $2 }' "$log")
	host=$(md5sum <"$vmcore" | cut -d' ' -f1)
	check "$label: guest and host savecore give the same vmcore.0" [ "$guest" = "$host" ]
}

# swap: the dump went to the guest's active swap (dumpadm -d swap). The
# swap header must have survived arming, the dump and the host's savecore;
# the boot after runs savecore before swapon, then swap works again and
# dumpadm -u re-arms on it.
swap_checks() {
	local dir=$1 vmcore=$2 header
	shift 2
	swap_arm_checks "$dir/console.log"
	header=$(awk '/^PD-SWAP header .* before arming/ { print $3 }' "$dir/console.log")
	if grep -qx swap <(blkid -p -o value -s TYPE "$dir/dump.img" 2>/dev/null); then
		pass "$label: blkid -p still finds swap on the disk after the dump and savecore"
	else
		fail "$label: blkid -p still finds swap on the disk after the dump and savecore ($(blkid -p "$dir/dump.img" 2>&1))"
	fi
	swapsave_checks "$dir" "$vmcore" "$header" "$@"
}
# swap_arm_checks CONSOLE: how dumpadm chose and armed the active swap.
swap_arm_checks() {
	local clog=$1 before after
	check "$label: dumpadm -d on the active swap by its name is refused, naming -d swap" \
		has "$clog" 'is in use as swap \(to dump to the active swap partition: dumpadm -d swap\)'
	check "$label: dumpadm -d swap chose the dump disk" has "$clog" '^dumpadm: -d swap: /dev/[a-z0-9]* \(the active swap partition\)'
	check "$label: dumpadm shows the device as swap" has "$clog" 'Dump device: /dev/[a-z0-9]* \(swap\)'
	check "$label: memory was in swap when armed" grep -qE '^PD-SWAP used [1-9][0-9]* KiB' "$clog"
	before=$(awk '/^PD-SWAP header .* before arming/ { print $3 }' "$clog")
	after=$(awk '/^PD-SWAP header .* after arming/ { print $3 }' "$clog")
	check "$label: arming left the swap header (bytes 1024..4095) alone" [ "${before:-none}" = "${after:-other}" ]
	check "$label: the module wrote the header into the boot block" has "$clog" '^PD-SWAP magic PANICDMP'
}
# swapsave_checks DIR VMCORE HEADER OPTS...: the boot after the panic.
swapsave_checks() {
	local dir=$1 vmcore=$2 before=$3 log=$1/console-swapsave.log rc=0 guest host
	shift 3
	bash "$top/qemu/run-guest.sh" -q "$@" -s swapsave -d "$dir/dump.img" \
		-l "$log" -t 300 >/dev/null 2>"$dir/run-guest-swapsave.err" || rc=$?
	check "$label: swapsave boot ran and powered off" [ $rc = 0 ]
	if has "$log" '^PD-FAIL'; then
		fail "$label: swapsave boot steps ($(grep -m1 '^PD-FAIL' "$log"))"
		excerpt "$log" 40
	fi
	check "$label: the swap header at the next boot is the one mkswap wrote" \
		grep -q "^PD-SWAP header $before at boot" "$log"
	check "$label: savecore ran in the guest before swapon" \
		awk '/^PD-STEP saved/ { s = NR } /^PD-STEP swapon/ { w = NR } END { exit !(s && w && s < w) }' "$log"
	guest=$(awk '/^PD-MD5 .* vmcore\.0/ { print $2 }' "$log")
	host=$(md5sum <"$vmcore" | cut -d' ' -f1)
	check "$label: guest and host savecore give the same vmcore.0" [ "$guest" = "$host" ]
	check "$label: swapon after savecore succeeds and swap is used" has "$log" '^PD-STEP swap used'
	grep -A2 '^Filename' "$log" | sed 's/^/    /' || true
	check "$label: savecore refuses the device while it is active swap" \
		has "$log" 'is active swap \(/proc/swaps lists it\)'
	check "$label: dumpadm -u re-arms on swap" has "$log" '^PD-STEP rearmed on swap'
	sed -n '/^PD-BEGIN dumpadm-u/,/^PD-END dumpadm-u/p' "$log" | sed 's/^/    /'
}

# refusals: one boot that tries dumpadm -d on everything it must refuse;
# each refusal must name its reason (and, but for the foreign filesystem,
# the supported controllers), exit 1 and leave the device, both disks,
# the configuration and crash_kexec_post_notifiers as they were.
refusals_checks() {
	local dir=$1 log=$1/console.log rc=0 name want
	shift
	bash "$top/qemu/run-guest.sh" -q "$@" -s refusals -d "$dir/dump.img" \
		-l "$log" -t 300 >/dev/null 2>"$dir/run-guest.err" || rc=$?
	check "$label: guest ran and powered off" [ $rc = 0 ]
	if has "$log" '^PD-FAIL'; then
		fail "$label: guest steps ($(grep -m1 '^PD-FAIL' "$log"))"
		excerpt "$log" 40
	fi
	check "$label: guest went through every refusal" has "$log" '^PD-STEP refusals done'
	# The serial console ends lines with CR LF.
	tr -d '\r' <"$log" >"$dir/console.txt"
	log=$dir/console.txt
	while IFS='|' read -r name want; do
		refusal_check "$log" "$name" "$want"
	done <<-'EOF'
	file|: a regular file, not a block device: .*supported: virtio-blk, NVMe, AHCI
	loop|: unsupported device: loop0 is a loop device: .*supported: virtio-blk, NVMe, AHCI
	nbd|: unsupported device: nbd0 is a network block device: .*supported: virtio-blk, NVMe, AHCI
	dm|: unsupported device: dm-0 is a device-mapper device .*supported: virtio-blk, NVMe, AHCI
	held|is in use \(/dev/[a-z0-9]* is held by dm-0\); expected a dedicated, unused disk or partition on virtio-blk, NVMe, AHCI
	mounted|is in use \(/dev/[a-z0-9]* is mounted on /mnt/fs\); expected a dedicated, unused disk or partition on virtio-blk, NVMe, AHCI
	fs|contains an ext2/3/4 filesystem; a dump would overwrite it
	small|too small for a dump: .*Choose a larger disk or partition \(supported: virtio-blk, NVMe, AHCI
	EOF
	check "$label: no configuration was written" has "$log" '^PD-REFUSAL no configuration written'
	check "$label: the module is still not armed" has "$log" 'Capture module: loaded, not armed'
}
# refusal_check LOG NAME REASON: dumpadm refused NAME, changed nothing and
# said REASON (an ERE).
refusal_check() {
	local log=$1 name=$2 want=$3 span
	span=$(sed -n "/^PD-BEGIN refusal $name\$/,/^PD-END refusal $name\$/p" "$log")
	if has "$log" "^PD-REFUSAL $name status 1 bytes unchanged" && grep -qE -- "$want" <<<"$span"; then
		pass "$label: $name: refused, nothing changed"
		grep '^dumpadm:' <<<"$span" | grep -v 'note:\|warning:' | sed -n 1p | cut -c1-200 | sed 's/^/    /'
	else
		fail "$label: $name: refused, nothing changed ($(grep -m1 "^PD-REFUSAL $name " "$log" || echo 'not tried'))"
		sed -n "/^PD-BEGIN refusal $name\$/,/^PD-END refusal $name\$/p" "$log" | sed 's/^/    /'
	fi
}

# rearm: two boots on the disk with the unsaved dump, each trying to arm
# it again; the dump must come out of savecore as it was right after the
# panic (a sparse copy of the disk, saved on the side, is the reference).
rearm_checks() {
	local dir=$1 n
	shift
	cp --sparse=always "$dir/dump.img" "$dir/dump-after-panic.img"
	for n in 1 2; do
		rearm_boot_checks "$dir" "$n" "$@"
	done
	check "$label: savecore -C still finds an unsaved dump" \
		"$build/savecore" -C -f "$(area_of "$dir/dump.img")"
	if "$build/savecore" -f "$(area_of "$dir/dump-after-panic.img")" "$dir/ref" >"$dir/savecore-ref.out" 2>&1 &&
		[ -s "$dir/ref/vmcore.0" ]; then
		pass "$label: savecore of the disk copied right after the panic"
	else
		fail "$label: savecore of the disk copied right after the panic"
		excerpt "$dir/savecore-ref.out"
	fi
}
# rearm_boot_checks DIR N OPTS...: boot N after the panic.
rearm_boot_checks() {
	local dir=$1 n=$2 log=$1/console-rearm$2.log rc=0
	shift 2
	bash "$top/qemu/run-guest.sh" -q "$@" -s rearm -d "$dir/dump.img" \
		-l "$log" -t 240 >/dev/null 2>"$dir/run-guest-rearm$n.err" || rc=$?
	check "$label: boot $n after the panic ran and powered off" [ $rc = 0 ]
	if has "$log" '^PD-REARM dumpadm -d status [1-9]' &&
		has "$log" 'holds an unsaved dump'; then
		pass "$label: boot $n: dumpadm -d refuses the disk with the unsaved dump"
		grep -m1 'holds an unsaved dump' "$log" | sed 's/^/    /'
	else
		fail "$label: boot $n: dumpadm -d refuses the disk with the unsaved dump"
		sed -n '/^PD-BEGIN dumpadm-d/,/^PD-REARM/p' "$log" | sed 's/^/    /'
	fi
	if has "$log" '^PD-REARM dumpadm -u status' &&
		grep -q 'unsaved dump' <(sed -n '/^PD-BEGIN dumpadm-u/,/^PD-END dumpadm-u/p' "$log"); then
		pass "$label: boot $n: dumpadm -u leaves the unsaved dump alone and says so"
	else
		fail "$label: boot $n: dumpadm -u leaves the unsaved dump alone and says so"
		sed -n '/^PD-BEGIN dumpadm-u/,/^PD-REARM dumpadm -u/p' "$log" | sed 's/^/    /'
	fi
}

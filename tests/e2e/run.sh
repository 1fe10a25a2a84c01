#!/bin/bash
# End-to-end tests: boot a Debian kernel under QEMU with panicdump armed,
# crash it in a given way, extract the dump with savecore and read it with
# crash and drgn.
#
#   tests/e2e/run.sh [--ref] [--keep] [--list] [--dry-run] \
#                    [SCENARIO[@6.12][:nvme|:sata][+MODIFIER...]...]
#                                                 (default: sysrq spin)
#
#   SCENARIO  sysrq spin oops bug_softirq panic kthread_panic warn softlockup
#             uaf (qemu/guest-init.sh runs them; uaf: a use-after-free that
#             slub_debug poisoning catches at the next allocation), or one of
#               partial  content "all" on a 512 MiB dump disk and 560 MiB of
#                        random data in the guest: the dump is cut short,
#                        savecore flags it incomplete, the log is whole
#               lzo      LZO-compressed pages; makedumpfile reads and
#                        refilters the vmcore
#               nocomp   pages stored uncompressed (dumpadm --compression
#                        none); crash and drgn read them
#               fault    an oops inside the dump (panicdump's testing
#                        parameter test_fault_after_pages): the machine
#                        panics again and reboots, savecore saves what was
#                        written as incomplete, the log is whole
#               rearm    the dump survives two boots that try to arm again
#               swap     dumpadm -d swap on the guest's active swap; the
#                        boot after saves it before swapon, swap works again
#               refusals dumpadm -d on a file, loop, nbd, dm, a held, mounted
#                        or formatted disk and one below the estimate: each
#                        refused with its reason, no byte changed
#               content_kernel content_all content_curproc
#                        dumpadm -c kernel|all|curproc; one process holds
#                        a PDHOLDER buffer, another fills PDPANICR and
#                        panics: crash (trixie) finds each buffer's pages
#                        absent or present as the content says; no
#                        watchdog speaks during the dump (content_all adds
#                        256 MiB of random data to make it long)
#             ("content": the three)
#             or "all" (the nine panics), "extra" (partial lzo nocomp fault
#             rearm swap refusals),
#             "full" (all and extra on 6.1 and 6.12, virtio, NVMe and SATA,
#             then the device matrix: matrix.sh's full_list);
#             "@6.12": on the Debian 6.12 kernel (modules built against its
#             headers in out/ko/KVER), read by the trixie analyzers only;
#             ":nvme": the dump disk is an NVMe controller instead of
#             virtio-blk (out/e2e/S[-6.12][-nvme]); ":sata": a SATA disk on
#             q35's AHCI controller
#   MODIFIER  (any order, each adds "-MODIFIER" to the artifact directory)
#               part   the dump disk carries a GPT: p1 an ext2 file system
#                      the guest mounts before arming and writes to just
#                      before the panic, p2 the dump partition (dumpadm -d
#                      /dev/vdb2, /dev/nvme0n1p2, /dev/sda2), p3 a known
#                      pattern; every byte outside p2 must be as before
#                      the run except p1, which must be exactly what the
#                      guest wrote (its checksum read back in the guest);
#                      savecore reads p2's byte range of the image
#               cpuN   N vCPUs instead of 2 (cpu1, cpu4); with one, sysrq
#                      panics on CPU 0 and spin/softlockup are skipped
#               ovmf   UEFI firmware (OVMF) instead of SeaBIOS, still
#                      booting the kernel directly
#               4k     the dump disk has 4096-byte logical and physical
#                      blocks (virtio-blk, NVMe; QEMU's SATA disk cannot);
#                      in no list yet: the module cannot dump to it
#             e.g. sysrq:nvme+part, spin+cpu4, sysrq@6.12:nvme+ovmf+part
#   --ref     reference mode: no panicdump; QEMU dumps the panicked guest
#             itself (run-guest.sh -R) and crash/drgn read that. Checks the
#             test plumbing and the readers while the module cannot.
#   --keep    keep the raw dump images (2 GiB sparse each) and ELF dumps
#   --list    print the scenarios the arguments name, one a line, and exit
#             (2 if one of them names no scenario or dimension value)
#   --dry-run print each scenario's run-guest.sh arguments and QEMU command
#             line (run-guest.sh -n) and exit: no build, no guest
#
# The matrix is data, in tests/e2e/matrix.sh: the dimensions (kernel,
# controller, layout, firmware, vCPUs, block size) with their spellings
# and values, and per scenario its guest program, panic, disk size, check
# groups (the group_* functions below, run in the table's order) and
# kernel arguments. A dimension's values become run-guest.sh options in
# dimension_guest_opts and are checked in dimension_checks, below.
# The checks themselves: lib.sh (PASS/FAIL), kernels.sh, disk.sh,
# readers.sh (crash, drgn, makedumpfile), boots.sh (the scenarios' further
# boots), analysis.sh, content.sh.
#
# Needs: make module tools (panicdump.ko, pdtest.ko, build/savecore,
# build/dumpadm), qemu/kernel.sh's cache. Artifacts: out/e2e/<scenario>/
# (console.log, savecore output, crash.* and drgn.out). Prints a PASS/FAIL
# line per check and ends with "N passed, M failed[, K skipped]"; exits 1 if
# anything failed.
set -euo pipefail

top=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
out_root=${PD_E2E_OUT:-$top/out/e2e}
build=${PD_BUILD:-$top/build}
ko_dir=${PD_KO_DIR:-$top}
e2e=$top/tests/e2e

# shellcheck source=tests/e2e/lib.sh
. "$e2e/lib.sh"
# shellcheck source=tests/e2e/matrix.sh
. "$e2e/matrix.sh"

# The groups that check what panicdump and savecore did: reference mode
# (QEMU's dump) leaves them out.
panicdump_only=' incomplete fault_oops rearm rearm_fail saved_first_arm savecore reboot swap saved_incomplete saved_lzo saved_nocomp saved_as_before analysis gdb '
checks_panicdump() { case $panicdump_only in *" $1 "*) return 0 ;; esac; return 1; }

# parse_args ARG...: sets ref, keep, list, dry and scenarios (the specs, named
# lists expanded; the default list without any).
parse_args() {
	local a names
	ref=0 keep=0 list=0 dry=0 scenarios=()
	for a in "$@"; do
		case $a in
		--ref) ref=1 ;;
		--keep) keep=1 ;;
		--list) list=1 ;;
		--dry-run) dry=1 ;;
		-*) echo "unknown option $a" >&2; exit 2 ;;
		*)
			if names=$(named_list "$a"); then
				mapfile -t -O "${#scenarios[@]}" scenarios <<<"$names"
			else
				scenarios+=("$a")
			fi
			;;
		esac
	done
	[ ${#scenarios[@]} -gt 0 ] || scenarios=(sysrq spin)
}

# Before any guest: every spec parses, every group the table names exists.
validate() {
	local s g
	for s in "${scenario_names[@]}"; do
		for g in ${sc_checks[$s]}; do
			declare -F "group_$g" >/dev/null || { echo "matrix.sh: $s names no group_$g" >&2; exit 2; }
		done
	done
	for s in "${scenarios[@]}"; do parse_spec "$s" || exit 2; done
}

# dimension_guest_opts DIMENSION VALUE: the run-guest.sh options that give
# the guest VALUE, appended to guest_opts (every boot of the scenario).
dimension_guest_opts() {
	case $1:$2 in
	kernel:*) ;; # use_kernel: run-guest.sh boots the PD_* kernel
	controller:virtio) ;;
	controller:nvme) guest_opts+=(-N) ;;
	controller:sata) guest_opts+=(-A) ;;
	layout:whole) ;;
	layout:part) guest_opts+=(-p 2) ;; # disk.sh makes p2 the dump area
	firmware:seabios) ;;
	firmware:ovmf) guest_opts+=(-U) ;;
	vcpus:*) guest_opts+=(-c "$2") ;;
	blocksize:512) ;;
	blocksize:4k) guest_opts+=(-b 4096) ;;
	iommu:none) ;;
	iommu:*) guest_opts+=(-I "$2") ;;
	*) echo "dimension_guest_opts: no options for $1 $2" >&2; exit 2 ;;
	esac
}
# dimension_checks DIMENSION VALUE: that the guest got VALUE, where its
# console or the disk can tell.
dimension_checks() {
	case $1:$2 in
	layout:part) part_checks "$dir" "$marker" ;;
	firmware:ovmf) check "$label: the guest booted through UEFI (efi: EFI v… by EDK II)" \
		has "$dir/console.log" 'efi: EFI v[0-9.]+ by EDK II' ;;
	blocksize:4k) check "$label: the guest's dump disk has 4096-byte logical and physical blocks" \
		has "$dir/console.log" '^PD-BLOCKSIZE 4096 4096' ;;
	iommu:none) ;;
	iommu:*) check "$label: the dump controller's DMA is translated by the IOMMU (domain DMA or DMA-FQ)" \
		has "$dir/console.log" '^PD-IOMMU DMA(-FQ)?\s*$' ;;
	esac
}

# set_scenario SPEC: the globals the groups read: sc (the scenario), dim,
# label (every check line of the scenario starts with it), dir (its
# artifacts), key (its kernel's), guest, panic_kind, size, gargs,
# guest_opts, marker, vmcore.
set_scenario() {
	local d
	parse_spec "$1" || exit 2
	label=$1 dir=$out_root/$sc$sc_suffix key=$(kernel_key "${dim[kernel]}")
	guest=${sc_guest[$sc]} panic_kind=${sc_panic[$sc]} size=${sc_disk[$sc]} gargs=${sc_args[$sc]}
	guest_opts=()
	for d in "${dimensions[@]}"; do dimension_guest_opts "$d" "${dim[$d]}"; done
	# shellcheck disable=SC2206 # options, split on purpose
	[ -z "${sc_qemu[$sc]:-}" ] || guest_opts+=(${sc_qemu[$sc]})
	marker=pdm$(od -An -N3 -tx1 /dev/urandom | tr -d ' \n')
	if [ "$ref" = 1 ]; then vmcore=$dir/vmcore.elf; else vmcore=$dir/crash/vmcore.0; fi
}

# run_scenario SPEC: its disk, then its check groups in order; a group
# that fails in a way the later ones cannot read past stops it.
run_scenario() {
	local g
	sc_start=$SECONDS
	set_scenario "$1"
	if [ "${dim[vcpus]}" = 1 ] && [ -n "$(expect_cpu1 "$panic_kind")" ]; then
		skip "$label: needs a second CPU (it spins one on CPU 1)"
		return 0
	fi
	use_kernel "$key" || return 0
	echo "== $sc on ${dim[controller]}, kernel $PD_KVER (marker $marker)"
	rm -rf "$dir"
	mkdir -p "$dir"
	make_dump_disk "$dir/dump.img" "$size" || return 0
	for g in ${sc_checks[$sc]}; do
		if [ "$ref" = 1 ] && checks_panicdump "$g"; then continue; fi
		if ! "group_$g"; then
			echo "== $label stopped after its $g checks ($((SECONDS - sc_start))s)"
			return 0
		fi
	done
	remove_images
	echo "== $label done in $((SECONDS - sc_start))s"
}
# dry_run_scenario SPEC: the run-guest.sh arguments of its boot to the
# panic and the QEMU command line they make (run-guest.sh -n); no module
# build, initramfs or guest.
dry_run_scenario() {
	set_scenario "$1"
	boot_args
	echo "== $label: run-guest.sh ${boot[*]}"
	(
		eval "$(kernel_env "$key")"
		export PD_KVER PD_VMLINUZ
		bash "$top/qemu/run-guest.sh" -n "${boot[@]}"
	)
}
# The large files, unless --keep.
remove_images() {
	[ "$keep" = 0 ] || return 0
	rm -f "$dir/dump.img" "$dir/dump-after-panic.img" "$dir"/*.p2 "$dir/p1.img"
	[ "$ref" = 0 ] || rm -f "$vmcore"
}

# The check groups, named by the scenario table. Each reads the scenario's
# globals (set_scenario) and returns non-zero only to stop the scenario.

# run-guest.sh's arguments for the scenario's boot to its panic, in boot.
boot_args() {
	boot=(-q)
	[ "$ref" = 0 ] || boot+=(-D -R "$vmcore")
	boot+=("${guest_opts[@]}" -s "$guest" -m "$marker" -d "$dir/dump.img" -l "$dir/console.log" -t 240)
	[ -z "$gargs" ] || boot+=(-a "$gargs")
}
# The guest's boot to its panic (and, in reference mode, QEMU's dump).
group_boot() {
	local rc=0
	boot_args
	bash "$top/qemu/run-guest.sh" "${boot[@]}" >/dev/null 2>"$dir/run-guest.err" || rc=$?
	if [ $rc = 0 ]; then
		pass "$label: guest ran and exited ($((SECONDS - sc_start))s)"
	else
		fail "$label: guest ran and exited (status $rc, see $dir/run-guest.err)"
	fi
}
# What the guest's own steps said, and what each dimension shows.
group_console() {
	local log=$dir/console.log d
	if has "$log" '^PD-FAIL'; then
		fail "$label: guest steps ($(grep -m1 '^PD-FAIL' "$log"))"
		excerpt "$log" 40
	else
		pass "$label: guest steps"
	fi
	[ "$ref" = 1 ] || check "$label: guest armed the dump device" has "$log" '^PD-STEP armed'
	for d in "${dimensions[@]}"; do dimension_checks "$d" "${dim[$d]}"; done
}
group_panic() {
	check_or_show "$label: console shows the panic" "$dir/console.log" \
		"Kernel panic - not syncing: .*$(expect_panic "$panic_kind")" 40
}
# panicdump's report after the panic, or QEMU's dump in reference mode.
group_dump() {
	local after
	if [ "$ref" = 1 ]; then
		skip "$label: panicdump and savecore (reference mode: QEMU wrote the dump)"
		[ -s "$vmcore" ] && { pass "$label: QEMU wrote a reference dump"; return 0; }
		fail "$label: QEMU wrote a reference dump"
		excerpt "$dir/run-guest.err"
		return 1
	fi
	# Only what panicdump printed after the panic counts (not its load or
	# arm messages).
	after=$(sed -n '/Kernel panic - not syncing/,$p' "$dir/console.log")
	if grep -q 'panicdump:' <<<"$after"; then
		pass "$label: console shows panicdump's report"
		grep 'panicdump:' <<<"$after" | tail -n 3 | sed 's/^/    /'
	else
		fail "$label: console shows panicdump's report"
		excerpt "$dir/console.log" 30
	fi
}
group_incomplete() {
	check "$label: console says the dump is INCOMPLETE ($size disk)" \
		has "$dir/console.log" 'panicdump: dump INCOMPLETE'
}
# The oops inside the dump, then panic() again and the reboot (QEMU
# exits, no timeout: group_boot checked it).
group_fault_oops() {
	local log=$dir/console.log
	if grep -q 'BUG: kernel NULL pointer dereference' <(sed -n '/panicdump: dumping to/,$p' "$log") &&
		[ "$(grep -c 'Kernel panic - not syncing' "$log")" -ge 2 ]; then
		pass "$label: console shows the oops inside the dump and a second panic"
	else
		fail "$label: console shows the oops inside the dump and a second panic"
		excerpt "$log" 30
	fi
}
group_rearm() { rearm_checks "$dir" "${guest_opts[@]}"; }
# savecore on the host, on the image file; no vmcore.0 stops the scenario.
group_savecore() {
	local t=$SECONDS
	if "$build/savecore" -f "$(area_of "$dir/dump.img")" "$dir/crash" >"$dir/savecore.out" 2>&1; then
		pass "$label: savecore extracts the dump ($((SECONDS - t))s)"
	else
		fail "$label: savecore extracts the dump"
		excerpt "$dir/savecore.out"
	fi
	[ -s "$vmcore" ] || { fail "$label: savecore wrote vmcore.0"; return 1; }
	pass "$label: savecore wrote vmcore.0 ($(du -h "$vmcore" | cut -f1))"
	check "$label: vmcore.0 is kdump-compressed" [ "$(head -c 8 "$vmcore")" = "KDUMP   " ]
	check "$label: dmesg.0 has the marker" has "$dir/crash/dmesg.0" "PD-MARKER $marker"
	check "$label: info.0 exists" [ -s "$dir/crash/info.0" ]
}
group_reboot() { reboot_savecore "$dir" "$vmcore" "${guest_opts[@]}"; }
group_swap() { swap_checks "$dir" "$vmcore" "${guest_opts[@]}"; }
group_saved_incomplete() {
	check "$label: info.0 says incomplete: yes" has "$dir/crash/info.0" '^incomplete: *yes'
	sed 's/^/    /' "$dir/savecore.out" | grep -i 'incomplete\|cut short' | sed -n 1,3p || true
}
# The module's error record, in savecore's words (formats/pd_format.c).
group_saved_nospc() {
	check "$label: info.0 names the cause: out of space in the image" \
		has "$dir/crash/info.0" '^dump error: *out of space while writing the image'
}
group_saved_fault() {
	check "$label: info.0 names the cause: a fault during the dump" \
		has "$dir/crash/info.0" '^dump error: *fault'
}
group_saved_lzo() { check "$label: info.0 says compression lzo" has "$dir/crash/info.0" 'lzo'; }
group_saved_nocomp() {
	check "$label: info.0 says compression none" has "$dir/crash/info.0" '^compression: *none'
}
# rearm: the vmcore.0 of the disk after two re-arm boots is the one of the
# disk copied right after the panic (group_rearm saved that in ref/).
group_saved_as_before() {
	local m1 m2
	m1=$(md5sum <"$dir/ref/vmcore.0" | cut -d' ' -f1)
	m2=$(md5sum <"$vmcore" | cut -d' ' -f1)
	check "$label: vmcore.0 after two re-arm boots = right after the panic ($m2)" \
		[ "${m1:-none}" = "$m2" ]
}
# rearm_fail: each failed re-arm said why and that the first arm holds;
# the device's header block is the first arm's throughout.
group_rearm_fail() {
	local n c=$dir/console.log
	for n in 1 2; do
		sed -n "/^PD-BEGIN rearm-fail-$n/,/^PD-END rearm-fail-$n/p" "$c" >"$dir/rearm-fail-$n.out"
		check "$label: failed re-arm $n: dumpadm exits non-zero" has "$c" "^PD-REARMFAIL $n status [1-9]"
		check "$label: failed re-arm $n: dumpadm prints the module's reason" \
			has "$dir/rearm-fail-$n.out" "PD_IOC_ARM refused: panicdump: test: arm step $n made to fail"
		check "$label: failed re-arm $n: dumpadm says the earlier arm is still in place" \
			has "$dir/rearm-fail-$n.out" 'the earlier arm is still in place'
	done
	check "$label: the failed header write put the first arm's header back" \
		has "$c" 'the re-arm failed; the previous arm and its header are back in place'
	sed -n '/^PD-BEGIN dumpadm-after/,/^PD-END dumpadm-after/p' "$c" >"$dir/dumpadm-after.out"
	check "$label: dumpadm status after the failures: armed, content kernel" \
		has "$dir/dumpadm-after.out" 'Capture module: armed \(.* kernel '
	check "$label: armed, the device refuses mkfs (EBUSY: the module holds it)" \
		has "$c" '^PD-HOLD mkfs status [1-9]'
	check "$label: armed, the disk refuses a partition table rescan" \
		has "$c" '^PD-HOLD rereadpt status [1-9]'
	local sums
	sums=$(grep -E '^PD-HEADER-NONCE [0-9a-f]{32}' "$c" | tr -d '\r' | sort | uniq -c | awk '{ print $1 }')
	check "$label: the leading header carries the first arm's nonce throughout (2 reads, 1 nonce)" \
		[ "$sums" = 2 ]
}
group_saved_first_arm() {
	check "$label: info.0: the dump is the first arm's (content kernel)" \
		has "$dir/crash/info.0" '^content: *kernel'
}
group_crash() { crash_checks "$panic_kind" "$dir" "$vmcore" "$marker" "$key"; }
group_drgn() { drgn_checks "$panic_kind" "$dir" "$vmcore" "$marker" "$key"; }
group_analysis() { analysis_checks "$panic_kind" "$dir" "$key"; }
group_gdb() { gdb_checks "$dir"; }
group_lzo() { lzo_checks "$dir" "$vmcore" "$marker" "$panic_kind"; }
# partial: cut short for room, crash must open it in full mode; fault:
# stopped among the kernel's pages, a known limitation.
group_crash_full() { crash_full_mode_checks "$dir" "$vmcore" 1; }
group_crash_full_or_limit() { crash_full_mode_checks "$dir" "$vmcore" 0; }
group_crash_minimal() { crash_minimal_checks "$dir" "$vmcore" "$marker"; }
group_content() { content_checks "${sc#content_}" "$dir" "$vmcore"; }
group_watchdog() { watchdog_checks "$dir/console.log"; }
# refusals: its own boot, which panics nothing.
group_refusals() { refusals_checks "$dir" "${guest_opts[@]}"; }

parse_args "$@"
validate
if [ $list = 1 ]; then
	printf '%s\n' "${scenarios[@]}"
	exit 0
fi

# shellcheck source=tests/e2e/kernels.sh
. "$e2e/kernels.sh"
if [ $dry = 1 ]; then
	for s in "${scenarios[@]}"; do dry_run_scenario "$s"; done
	exit 0
fi
# shellcheck source=tests/e2e/disk.sh
. "$e2e/disk.sh"
# shellcheck source=tests/e2e/readers.sh
. "$e2e/readers.sh"
# shellcheck source=tests/e2e/boots.sh
. "$e2e/boots.sh"
# ps, dis -l, kmem and gdb, as in docs/tutorial.md.
# shellcheck source=tests/e2e/analysis.sh
. "$e2e/analysis.sh"
# shellcheck source=tests/e2e/content.sh
. "$e2e/content.sh"

mkdir -p "$out_root"
echo "== e2e: scenarios: ${scenarios[*]}$([ $ref = 1 ] && echo ' (reference mode: QEMU dumps, no panicdump)')"
setup_trixie
for s in "${scenarios[@]}"; do
	run_scenario "$s"
done
echo "== e2e artifacts in $out_root"
summary

#!/bin/bash
# End-to-end tests: boot a Debian kernel under QEMU with panicdump armed,
# crash it in a given way, extract the dump with savecore and read it with
# crash and drgn.
#
#   tests/e2e/run.sh [--ref] [--keep] [--list] \
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
#             "full" (all and extra, each on 6.1 and 6.12, virtio and NVMe);
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
#             e.g. sysrq:nvme+part, spin+cpu4, sysrq@6.12:nvme+ovmf+part
#   --ref     reference mode: no panicdump; QEMU dumps the panicked guest
#             itself (run-guest.sh -R) and crash/drgn read that. Checks the
#             test plumbing and the readers while the module cannot.
#   --keep    keep the raw dump images (2 GiB sparse each) and ELF dumps
#   --list    print the scenarios the arguments name, one a line, and exit
#
# Readers: on 6.1, bookworm's crash 8.0.2 (bt, log, bt -a, …) and drgn
# 0.0.22, plus trixie's crash 8.0.6 for ps (8.0.2 cannot list this
# kernel's tasks) and drgn 0.0.31 (scripts/trixie-analyzers.sh, a cached
# Debian 13 chroot); on 6.12 the trixie ones only.
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

ref=0 keep=0 list=0 scenarios=()
for a in "$@"; do
	case $a in
	--ref) ref=1 ;;
	--keep) keep=1 ;;
	--list) list=1 ;;
	all) scenarios+=(sysrq spin oops bug_softirq panic kthread_panic warn softlockup uaf) ;;
	extra) scenarios+=(partial lzo nocomp fault rearm swap refusals) ;;
	content) scenarios+=(content_kernel content_all content_curproc) ;;
	full) # every scenario, virtio and NVMe, 6.1 and 6.12 (make check-full)
		for k in '' @6.12; do
			for d in '' :nvme :sata; do
				for x in sysrq spin oops bug_softirq panic kthread_panic warn softlockup uaf partial lzo nocomp fault rearm; do
					scenarios+=("$x$k$d")
				done
			done
		done
		scenarios+=(swap refusals swap@6.12 content_kernel content_all content_curproc)
		# The device matrix: partitions (every controller on 6.1, virtio
		# and NVMe on 6.12), UEFI, 1 and 4 vCPUs.
		for d in '' :nvme :sata; do
			for x in sysrq spin panic rearm; do scenarios+=("$x$d+part"); done
		done
		for d in '' :nvme; do
			scenarios+=("sysrq@6.12$d+part" "spin@6.12$d+part")
			for k in '' @6.12; do scenarios+=("sysrq$k$d+ovmf" "spin$k$d+ovmf"); done
			scenarios+=("sysrq$d+ovmf+part")
			for x in sysrq spin softlockup; do scenarios+=("$x$d+cpu4"); done
		done
		for x in sysrq oops bug_softirq panic kthread_panic warn; do scenarios+=("$x+cpu1"); done
		scenarios+=("sysrq:nvme+cpu1")
		;;
	-*) echo "unknown option $a" >&2; exit 2 ;;
	*) scenarios+=("$a") ;;
	esac
done
[ ${#scenarios[@]} -gt 0 ] || scenarios=(sysrq spin)
if [ $list = 1 ]; then
	printf '%s\n' "${scenarios[@]}"
	exit 0
fi

passed=0 failed=0 skipped=0
pass() { passed=$((passed + 1)); echo "PASS $*"; }
fail() { failed=$((failed + 1)); echo "FAIL $*"; }
skip() { skipped=$((skipped + 1)); echo "SKIP $*"; }
# check NAME COMMAND...: PASS/FAIL on the command's status.
check() {
	local name=$1
	shift
	if "$@"; then pass "$name"; else fail "$name"; fi
}
has() { grep -qE -- "$2" "$1" 2>/dev/null; }
# With pipefail, "producer | grep -q" (or "| head") fails at random: grep
# exits at the first match and the producer's next write dies of SIGPIPE
# (status 141). A producer's output is searched as grep -q PAT <(producer)
# and cut short with sed -n 1,Np, which reads to the end.
excerpt() { # the lines of a log a failure is about, for the CI output
	echo "---- $1 (last ${2:-25} lines) ----"
	tail -n "${2:-25}" "$1" 2>/dev/null | sed 's/^/    /'
	echo "----"
}

# What each scenario leaves behind: a function on the panicking task's
# stack, the panic message, and for the spinning ones a function on CPU 1.
expect_bt() {
	case $1 in
	sysrq) echo sysrq_handle_crash ;;
	spin | panic | content) echo pdtest_write ;;
	oops) echo pdtest_null_store ;;
	bug_softirq) echo pdtest_timer_bug ;;
	uaf) echo pdtest_uaf_detect ;;
	# crash's unwinder drops the frame of a function whose last
	# instruction is the call to panic() (its return address is past the
	# end); drgn's check below names pdtest_kthread_panic.
	kthread_panic) echo 'COMMAND: "pdtest_panic"' ;;
	warn) echo __warn ;;
	softlockup) echo watchdog_timer_fn ;;
	esac
}
expect_panic() {
	case $1 in
	sysrq) echo "sysrq triggered crash" ;;
	swap) echo "sysrq triggered crash" ;;
	spin | panic | content) echo "pdtest: requested panic" ;;
	oops) echo "Fatal exception" ;;
	bug_softirq) echo "Fatal exception in interrupt" ;;
	uaf) echo "panic_on_taint set" ;;
	kthread_panic) echo "pdtest: requested panic from a kthread" ;;
	warn) echo "panic_on_warn set" ;;
	softlockup) echo "softlockup: hung tasks" ;;
	esac
}
expect_cpu1() {
	case $1 in
	spin) echo pdtest_spin_here ;;
	softlockup) echo pdtest_lockup_here ;;
	esac
}

# drgn names frames by DWARF function (pdtest_write, not .cold parts).
expect_drgn() {
	case $1 in
	spin | panic | content) echo pdtest_write ;;
	kthread_panic) echo pdtest_kthread_panic ;;
	*) expect_bt "$1" ;;
	esac
}
# drgn 0.0.22 does not unwind from an IRQ stack back to the task stack, so
# in softlockup (CPU 1 panics in its timer interrupt) it cannot reach
# pdtest_lockup_here; its crashed-thread check covers watchdog_timer_fn.
expect_cpu1_drgn() {
	case $1 in
	spin) echo pdtest_spin_here ;;
	esac
}

# The kernels: "" is the default one (PD_KVER, or what qemu/kernel.sh
# resolves: bookworm's 6.1), "6.12" the newest cached 6.12 (PD_KVER_612, or
# what linux-image-6.12-amd64 depends on). Each gets its env, module build
# and initramfs once, on first use.
declare -A K_KVER K_VMLINUZ K_VMLINUX K_MODROOT K_KO K_READY
# The default kernel is the one PD_KVER named when this started: use_kernel
# exports PD_KVER, which would make qemu/kernel.sh resolve the kernel of the
# previous scenario.
default_kver=${PD_KVER:-}
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
	make -C "$kdir" M="$dir" modules >"$dir/build.log" 2>&1
}

use_kernel() { # KEY: sets PD_* for run-guest.sh, vmlinux, ko_dir; 1 on failure
	local key=$1 env rc=0 k=${1:-default} # (no empty keys in bash arrays)
	if [ -z "${K_READY[$k]:-}" ]; then
		K_READY[$k]=failed
		env=$(kernel_env "$key") || { fail "kernel ${key:-default} set up (qemu/kernel.sh)"; return 1; }
		(
			eval "$env"
			# mkinitramfs.sh runs qemu/kernel.sh (the default kernel)
			# unless these come from the environment.
			export PD_KVER PD_MODROOT
			ko=$ko_dir
			if [ -n "$key" ]; then
				ko=$out_root/../ko/$PD_KVER
				if ! build_modules "$PD_KDIR" "$ko"; then
					echo "module build for $PD_KVER failed:" >&2
					tail -n 20 "$ko/build.log" >&2
					exit 1
				fi
			fi
			PD_KO_DIR=$ko PD_DEV=$ref bash "$top/qemu/mkinitramfs.sh" >/dev/null || exit 1
			echo "$env"
			printf 'PD_KO_DIR=%q\n' "$(realpath "$ko")"
		) >"$out_root/kernel-${key:-default}.env" 2>"$out_root/mkinitramfs-${key:-default}.err" || rc=$?
		cat "$out_root/mkinitramfs-${key:-default}.err"
		if [ $rc != 0 ]; then
			fail "kernel ${key:-default}: modules and guest initramfs built (qemu/mkinitramfs.sh); its scenarios not run"
			return 1
		fi
		env=$(cat "$out_root/kernel-${key:-default}.env")
		eval "$env"
		K_KVER[$k]=$PD_KVER K_VMLINUZ[$k]=$PD_VMLINUZ K_VMLINUX[$k]=$PD_VMLINUX
		K_MODROOT[$k]=$PD_MODROOT K_KO[$k]=$PD_KO_DIR K_READY[$k]=ok
		echo "== kernel $PD_KVER ready (modules from $PD_KO_DIR)"
	fi
	[ "${K_READY[$k]}" = ok ] || return 1
	PD_KVER=${K_KVER[$k]} PD_VMLINUZ=${K_VMLINUZ[$k]} PD_VMLINUX=${K_VMLINUX[$k]}
	PD_MODROOT=${K_MODROOT[$k]}
	export PD_KVER PD_VMLINUZ PD_VMLINUX PD_MODROOT
	vmlinux=$PD_VMLINUX
	ko=${K_KO[$k]}
}

# shellcheck source=tests/e2e/content.sh
. "$top/tests/e2e/content.sh"

crash_version=$(crash --version 2>/dev/null | awk '/^crash/ { print $2; exit }')
drgn_version=$(/usr/bin/python3 -c 'import drgn; print(drgn.__version__)' 2>/dev/null || echo '?')
trixie=$top/scripts/trixie-analyzers.sh
trixie_ok=0 trixie_crash='' trixie_drgn=''
trixie_root=${PD_TRIXIE_ROOT:-/var/cache/panicdump/trixie/root}

mkdir -p "$out_root"
echo "== e2e: scenarios: ${scenarios[*]}$([ $ref = 1 ] && echo ' (reference mode: QEMU dumps, no panicdump)')"
if bash "$trixie" setup >"$out_root/trixie.out" 2>&1; then
	trixie_ok=1
	trixie_crash=$(bash "$trixie" run crash --version | awk '/^crash/ { print $2; exit }')
	trixie_drgn=$(bash "$trixie" run python3 -c 'import drgn; print(drgn.__version__)')
	echo "== readers: crash $crash_version and drgn $drgn_version (host), crash $trixie_crash and drgn $trixie_drgn (trixie chroot)"
else
	fail "trixie analyzers set up (scripts/trixie-analyzers.sh setup)"
	excerpt "$out_root/trixie.out"
fi

# The crash command behind each output name.
crash_cmd() {
	case $1 in
	sys | bt | log | ps) echo "$1" ;;
	x.*) echo "${crash_extra[$1]}" ;; # set by a scenario's checks
	tasks) echo "list task_struct.tasks -h init_task -s task_struct.comm" ;;
	mod) echo "mod -s pdtest $2/pdtest.ko" ;;
	bt-a) echo "bt -a" ;;
	dis) echo "dis -l 0x$dis_addr 1" ;; # analysis.sh sets the addresses
	kmem) echo "kmem $kmem_addr" ;;
	lock) echo "p pdtest_spin_lock" ;;
	esac
}

# run_crash DIR VMCORE WHICH NAME...: crash ($crash_opts), non-interactively, each
# command's output in DIR/crash.NAME (WHICH=host: bookworm's crash) or
# DIR/crash-trixie.NAME (WHICH=trixie: crash in the chroot, on hard links
# of the files); all of crash's own output in DIR/crash[-trixie].out.
run_crash() {
	local dir=$1 vmcore=$2 which=$3 n st in rc=0
	shift 3
	if [ "$which" = host ]; then
		for n in "$@"; do
			rm -f "$dir/crash.$n"
			echo "$(crash_cmd "$n" "$ko") > $dir/crash.$n"
		done >"$dir/crash.cmds"
		echo exit >>"$dir/crash.cmds"
		# shellcheck disable=SC2086 # crash_opts: options or nothing
		timeout 900 crash -s ${crash_opts:-} "$vmlinux" "$vmcore" <"$dir/crash.cmds" >"$dir/crash.out" 2>&1
		return
	fi
	[ $trixie_ok = 1 ] || return 1
	st=e2e-$(basename "$dir")-$$
	in=$(bash "$trixie" stage "$st" "$vmcore" "$vmlinux" "$ko/pdtest.ko") || return 1
	for n in "$@"; do
		rm -f "$dir/crash-trixie.$n"
		echo "$(crash_cmd "$n" "$in") > $in/crash.$n"
	done >"$dir/crash-trixie.cmds"
	echo exit >>"$dir/crash-trixie.cmds"
	# shellcheck disable=SC2086 # crash_opts: options or nothing
	timeout 900 bash "$trixie" run crash -s ${crash_opts:-} "$in/vmlinux" "$in/$(basename "$vmcore")" \
		<"$dir/crash-trixie.cmds" >"$dir/crash-trixie.out" 2>&1 || rc=$?
	for n in "$@"; do
		[ ! -e "$trixie_root$in/crash.$n" ] || cp "$trixie_root$in/crash.$n" "$dir/crash-trixie.$n"
	done
	bash "$trixie" unstage "$st"
	return $rc
}

# The stack of CPU N in `bt -a` output (one "PID: … CPU: N" block).
cpu_block() {
	awk -v cpu="$2" '/^PID: / { on = ($0 ~ ("CPU: " cpu "[^0-9]")) } on' "$1"
}

# crash_checks S DIR VMCORE MARKER KEY: on 6.1 bookworm's crash for all but
# ps, trixie's for ps; on 6.12 trixie's for everything.
crash_checks() {
	local s=$1 dir=$2 vmcore=$3 marker=$4 key=$5 t=$SECONDS which=host f v
	local names=(sys bt log tasks bt-a)
	[ -z "$(expect_cpu1 "$s")" ] || names+=(mod)
	[ -z "$key" ] || { which=trixie names+=(ps); }
	if [ $which = host ]; then f=$dir/crash v=$crash_version; else f=$dir/crash-trixie v=$trixie_crash; fi
	if ! run_crash "$dir" "$vmcore" $which "${names[@]}"; then
		fail "$label: crash $v runs on the vmcore"
		excerpt "$f.out"
		return
	fi
	pass "$label: crash $v runs on the vmcore ($((SECONDS - t))s)"
	local func panicmsg cpu1 ncpu
	func=$(expect_bt "$s")
	panicmsg=$(expect_panic "$s")
	check "$label: crash $v sys shows a panic string" has "$f.sys" 'PANIC: "[^"]'
	check "$label: crash $v log has the panic \"$panicmsg\"" has "$f.log" "Kernel panic - not syncing: .*$panicmsg"
	if has "$f.bt" "$func"; then
		pass "$label: crash $v bt shows $func"
	else
		fail "$label: crash $v bt shows $func"
		excerpt "$f.bt" 40
	fi
	check "$label: crash $v log has the marker" has "$f.log" "PD-MARKER $marker"
	check "$label: crash $v task list has the marker process" has "$f.tasks" "comm = \"$marker\\\\000"
	ncpu=$(grep -cE '^PID: .*CPU: [0-9]+' "$f.bt-a" || true)
	check "$label: crash $v bt -a shows one stack per CPU ($ncpus, got $ncpu)" [ "$ncpu" = "$ncpus" ]
	cpu1=$(expect_cpu1 "$s")
	if [ -n "$cpu1" ]; then
		check "$label: crash $v mod -s loads pdtest.ko" has "$f.mod" "pdtest"
		if grep -q -- "$cpu1" <(cpu_block "$f.bt-a" 1); then
			pass "$label: crash $v bt -a shows $cpu1 on CPU 1"
		else
			fail "$label: crash $v bt -a shows $cpu1 on CPU 1"
			cpu_block "$f.bt-a" 1 | sed -n 's/^/    /; 1,30p'
		fi
	fi
	# ps: crash 8.0.2 cannot list the tasks of Debian's 6.1.0-5x (struct
	# pid's numbers[] became a flexible array, Linux b69f0aeb0689,
	# backported; fixed by crash commit 88580068, 8.0.4): trixie's crash.
	if [ -z "$key" ]; then
		t=$SECONDS
		if ! run_crash "$dir" "$vmcore" trixie ps; then
			fail "$label: crash $trixie_crash (trixie) runs for ps"
			excerpt "$dir/crash-trixie.out"
			return
		fi
	fi
	if has "$dir/crash-trixie.ps" " $marker\$"; then
		pass "$label: crash $trixie_crash ps lists the marker process"
	else
		fail "$label: crash $trixie_crash ps lists the marker process"
		excerpt "$dir/crash-trixie.ps"
	fi
}

# drgn_check.py with drgn WHICH (host: bookworm's, trixie: the chroot's);
# its lines come out as "LABEL: drgn VERSION: …".
drgn_run() {
	local dir=$1 which=$2 v line out st in a
	shift 2
	local args=("$@")
	if [ "$which" = host ]; then
		v=$drgn_version out=$dir/drgn.out
		timeout 600 /usr/bin/python3 "$top/tests/e2e/drgn_check.py" "${args[@]}" \
			>"$out" 2>&1 || true
	else
		v=$trixie_drgn out=$dir/drgn-trixie.out
		[ $trixie_ok = 1 ] || { fail "$label: drgn (trixie) runs: no chroot"; return; }
		st=e2e-drgn-$(basename "$dir")-$$
		# Host paths become the chroot's: every file argument is staged.
		local files=("$top/tests/e2e/drgn_check.py") cargs=()
		for a in "${args[@]}"; do
			if [ -f "$a" ]; then files+=("$a"); fi
		done
		in=$(bash "$trixie" stage "$st" "${files[@]}")
		for a in "${args[@]}"; do
			if [ -f "$a" ]; then cargs+=("$in/$(basename "$a")"); else cargs+=("$a"); fi
		done
		timeout 600 bash "$trixie" run python3 "$in/drgn_check.py" "${cargs[@]}" \
			>"$out" 2>&1 || true
		bash "$trixie" unstage "$st"
	fi
	while IFS= read -r line; do
		case $line in
		"PASS drgn: "*) pass "$label: drgn $v: ${line#PASS drgn: }" ;;
		"FAIL drgn: "*) fail "$label: drgn $v: ${line#FAIL drgn: }" ;;
		esac
	done <"$out"
	if ! has "$out" '^(PASS|FAIL) '; then
		fail "$label: drgn $v check ran"
		excerpt "$out"
	fi
}

drgn_checks() {
	local s=$1 dir=$2 vmcore=$3 marker=$4 key=$5 args cpu1 pcpu
	args=("$vmcore" "$vmlinux" --ko "$ko/pdtest.ko" --task "$marker")
	# The CPU that panicked, from the console's "CPU: N PID: …" line.
	pcpu=$(sed -n '/Kernel panic - not syncing/,$ s/.*\] CPU: \([0-9]*\) PID:.*/\1/p' "$dir/console.log" | sed -n 1p)
	if [ $ref = 1 ] && [ "$pcpu" != 0 ]; then
		# drgn 0.0.22 finds no registers for CPU > 0 in QEMU's ELF dump.
		skip "$label: drgn crashed thread (reference dump, panic on CPU $pcpu: drgn 0.0.22 cannot map QEMU's notes)"
	else
		args+=(--crashed "$(expect_drgn "$s")")
	fi
	[ ! -e "$ko/panicdump.ko" ] || args+=(--ko "$ko/panicdump.ko")
	cpu1=$(expect_cpu1_drgn "$s")
	# QEMU's own dump has no usable registers for a CPU stopped by IPI.
	[ -z "$cpu1" ] || [ $ref = 1 ] || args+=(--cpu "1:$cpu1")
	[ -n "$key" ] || drgn_run "$dir" host "${args[@]}"
	# drgn 0.0.31 too (on 6.12 only it); not on QEMU's reference dumps.
	[ $ref = 1 ] || drgn_run "$dir" trixie "${args[@]}"
}

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
	local dir=$1 vmcore=$2 log=$1/console-swapsave.log rc=0 before after guest host
	shift 2
	local clog=$dir/console.log
	check "$label: dumpadm -d on the active swap by its name is refused, naming -d swap" \
		has "$clog" 'is in use as swap \(to dump to the active swap partition: dumpadm -d swap\)'
	check "$label: dumpadm -d swap chose the dump disk" has "$clog" '^dumpadm: -d swap: /dev/[a-z0-9]* \(the active swap partition\)'
	check "$label: dumpadm shows the device as swap" has "$clog" 'Dump device: /dev/[a-z0-9]* \(swap\)'
	check "$label: memory was in swap when armed" grep -qE '^PD-SWAP used [1-9][0-9]* KiB' "$clog"
	before=$(awk '/^PD-SWAP header .* before arming/ { print $3 }' "$clog")
	after=$(awk '/^PD-SWAP header .* after arming/ { print $3 }' "$clog")
	check "$label: arming left the swap header (bytes 1024..4095) alone" [ "${before:-none}" = "${after:-other}" ]
	check "$label: the module wrote the header into the boot block" has "$clog" '^PD-SWAP magic PANICDMP'
	if grep -qx swap <(blkid -p -o value -s TYPE "$dir/dump.img" 2>/dev/null); then
		pass "$label: blkid -p still finds swap on the disk after the dump and savecore"
	else
		fail "$label: blkid -p still finds swap on the disk after the dump and savecore ($(blkid -p "$dir/dump.img" 2>&1))"
	fi
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
		if has "$log" "^PD-REFUSAL $name status 1 bytes unchanged" &&
			grep -qE -- "$want" <(sed -n "/^PD-BEGIN refusal $name\$/,/^PD-END refusal $name\$/p" "$log"); then
			pass "$label: $name: refused, nothing changed"
			sed -n "/^PD-BEGIN refusal $name\$/,/^PD-END refusal $name\$/p" "$log" | grep '^dumpadm:' |
				grep -v 'note:\|warning:' | sed -n 1p | cut -c1-200 | sed 's/^/    /'
		else
			fail "$label: $name: refused, nothing changed ($(grep -m1 "^PD-REFUSAL $name " "$log" || echo 'not tried'))"
			sed -n "/^PD-BEGIN refusal $name\$/,/^PD-END refusal $name\$/p" "$log" | sed 's/^/    /'
		fi
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

# rearm: two boots on the disk with the unsaved dump, each trying to arm
# it again; the dump must come out of savecore as it was right after the
# panic (a sparse copy of the disk, saved on the side, is the reference).
rearm_checks() {
	local dir=$1 n rc log
	shift
	cp --sparse=always "$dir/dump.img" "$dir/dump-after-panic.img"
	for n in 1 2; do
		log=$dir/console-rearm$n.log rc=0
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

# ps, dis -l, kmem and gdb, as in docs/tutorial.md.
# shellcheck source=tests/e2e/analysis.sh
. "$top/tests/e2e/analysis.sh"

# Per scenario: the guest's scenario, extra kernel arguments, the dump
# disk's size.
guest_of() { case $1 in partial | lzo | nocomp | fault | rearm) echo sysrq ;; content_*) echo content ;; *) echo "$1" ;; esac; }
guest_args() {
	case $1 in
	partial) echo "pd.content=all pd.fill=${PD_PARTIAL_FILL:-560}" ;;
	nocomp) echo "pd.compression=none" ;;
	# A NULL store after 20000 of about 30000 pages.
	fault) echo "panicdump.test_fault_after_pages=20000" ;;
	lzo) echo "pd.compression=lzo" ;;
	# SLUB red zones, poison and alloc/free owners (U) on the object's
	# cache; the poison check's TAINT_BAD_PAGE (bit 5) panics.
	uaf) echo "slub_debug=FZPU,kmalloc-256 panic_on_taint=0x20" ;;
	content_all) echo "pd.content=all pd.quickwd=1 pd.fill=256" ;;
	content_*) echo "pd.content=${1#content_} pd.quickwd=1" ;;
	esac
}
# partial: dumpadm refuses a disk smaller than its estimate (all RAM at an
# assumed 4:1 for kernel pages, 2:1 for the others: 497 MiB for the 1 GiB
# guest), so the disk is just above that and the guest fills 560 MiB of
# tmpfs with random data after arming: about 610 MB of dump that does not
# fit 512 MiB, the kernel's pages (written
# first, about 17 MB) do.
disk_size() { case $1 in partial) echo "${PD_PARTIAL_DISK:-512M}" ;; refusals) echo 64M ;; *) echo 2G ;; esac; }

run_scenario() {
	local spec=$1 s disk=virtio dir marker rc=0 t0=$SECONDS vmcore diskopt=() key='' gs size gargs
	local base=${spec%%+*} mods='' m
	part=0 ncpus=2 # globals: part_layout, area_of and crash_checks read them
	[ "$base" = "$spec" ] || mods=${spec#*+}
	s=${base%%:*}
	case $base in
	*:nvme) disk=nvme diskopt=(-N) ;;
	*:sata) disk=sata diskopt=(-A) ;;
	*:*) echo "unknown disk in $spec" >&2; exit 2 ;;
	esac
	case $s in
	*@*) key=${s#*@} s=${s%@*} ;;
	esac
	dir=$out_root/$s
	[ -z "$key" ] || dir+=-$key
	[ $disk = virtio ] || dir+=-$disk
	label=$spec # global: the check lines of this scenario start with it
	# Modifiers: options for every boot of the guest (diskopt).
	for m in ${mods//+/ }; do
		case $m in
		part) part=1 diskopt+=(-p 2) ;;
		cpu[1-9] | cpu[1-9][0-9]) ncpus=${m#cpu} diskopt+=(-c "$ncpus") ;;
		ovmf) diskopt+=(-U) ;;
		*) echo "unknown modifier +$m in $spec" >&2; exit 2 ;;
		esac
		dir+=-$m
	done
	if [ "$ncpus" = 1 ] && [ -n "$(expect_cpu1 "$s")" ]; then
		skip "$label: needs a second CPU (it spins one on CPU 1)"
		return 0
	fi
	use_kernel "$key" || return 0
	gs=$(guest_of "$s") size=$(disk_size "$s") gargs=$(guest_args "$s")
	marker=pdm$(od -An -N3 -tx1 /dev/urandom | tr -d ' \n')
	echo "== $s on $disk, kernel $PD_KVER (marker $marker)"
	rm -rf "$dir"
	mkdir -p "$dir"
	if [ $part = 1 ]; then
		part_layout "$dir/dump.img" "$size" || { fail "$label: partitioned dump disk made (sfdisk, mkfs.ext2)"; return 0; }
	else
		truncate -s "$size" "$dir/dump.img"
	fi
	if [ "$s" = refusals ]; then
		refusals_checks "$dir" "${diskopt[@]}"
		echo "== $label done in $((SECONDS - t0))s"
		return
	fi

	if [ $ref = 1 ]; then
		vmcore=$dir/vmcore.elf
		bash "$top/qemu/run-guest.sh" -q -D "${diskopt[@]}" -s "$gs" -m "$marker" \
			-d "$dir/dump.img" -l "$dir/console.log" -R "$vmcore" -t 240 \
			${gargs:+-a "$gargs"} >/dev/null 2>"$dir/run-guest.err" || rc=$?
	else
		vmcore=$dir/crash/vmcore.0
		bash "$top/qemu/run-guest.sh" -q "${diskopt[@]}" -s "$gs" -m "$marker" \
			-d "$dir/dump.img" -l "$dir/console.log" -t 240 \
			${gargs:+-a "$gargs"} >/dev/null 2>"$dir/run-guest.err" || rc=$?
	fi
	local log=$dir/console.log
	if [ $rc = 0 ]; then
		pass "$label: guest ran and exited ($((SECONDS - t0))s)"
	else
		fail "$label: guest ran and exited (status $rc, see $dir/run-guest.err)"
	fi
	if has "$log" '^PD-FAIL'; then
		fail "$label: guest steps ($(grep -m1 '^PD-FAIL' "$log"))"
		excerpt "$log" 40
	else
		pass "$label: guest steps"
	fi
	if [ $ref = 0 ]; then
		check "$label: guest armed the dump device" has "$log" '^PD-STEP armed'
	fi
	[ $part = 0 ] || part_checks "$dir" "$marker"
	case +$mods+ in
	*+ovmf+*) check "$label: the guest booted through UEFI (efi: EFI v… by EDK II)" \
		has "$log" 'efi: EFI v[0-9.]+ by EDK II' ;;
	esac
	if has "$log" "Kernel panic - not syncing: .*$(expect_panic "$gs")"; then
		pass "$label: console shows the panic"
	else
		fail "$label: console shows the panic"
		excerpt "$log" 40
	fi

	if [ $ref = 1 ]; then
		skip "$label: panicdump and savecore (reference mode: QEMU wrote the dump)"
		if [ -s "$vmcore" ]; then
			pass "$label: QEMU wrote a reference dump"
		else
			fail "$label: QEMU wrote a reference dump"
			excerpt "$dir/run-guest.err"
			return
		fi
	else
		# Only what panicdump printed after the panic counts (not its
		# load or arm messages).
		if grep -q 'panicdump:' <(sed -n '/Kernel panic - not syncing/,$p' "$log"); then
			pass "$label: console shows panicdump's report"
			sed -n '/Kernel panic - not syncing/,$p' "$log" | grep 'panicdump:' |
				tail -n 3 | sed 's/^/    /'
		else
			fail "$label: console shows panicdump's report"
			excerpt "$log" 30
		fi
		if [ "$s" = partial ]; then
			check "$label: console says the dump is INCOMPLETE ($size disk)" \
				has "$log" 'panicdump: dump INCOMPLETE'
		fi
		if [ "$s" = fault ]; then
			# The oops inside the dump, then panic() again and the
			# reboot (QEMU exits, no timeout: checked above).
			if grep -q 'BUG: kernel NULL pointer dereference' <(sed -n '/panicdump: dumping to/,$p' "$log") &&
				[ "$(grep -c 'Kernel panic - not syncing' "$log")" -ge 2 ]; then
				pass "$label: console shows the oops inside the dump and a second panic"
			else
				fail "$label: console shows the oops inside the dump and a second panic"
				excerpt "$log" 30
			fi
		fi
		[ "$s" != rearm ] || rearm_checks "$dir" "${diskopt[@]}"
		local t=$SECONDS
		if "$build/savecore" -f "$(area_of "$dir/dump.img")" "$dir/crash" >"$dir/savecore.out" 2>&1; then
			pass "$label: savecore extracts the dump ($((SECONDS - t))s)"
		else
			fail "$label: savecore extracts the dump"
			excerpt "$dir/savecore.out"
		fi
		if [ -s "$vmcore" ]; then
			pass "$label: savecore wrote vmcore.0 ($(du -h "$vmcore" | cut -f1))"
		else
			fail "$label: savecore wrote vmcore.0"
			return
		fi
		check "$label: vmcore.0 is kdump-compressed" \
			[ "$(head -c 8 "$vmcore")" = "KDUMP   " ]
		check "$label: dmesg.0 has the marker" has "$dir/crash/dmesg.0" "PD-MARKER $marker"
		check "$label: info.0 exists" [ -s "$dir/crash/info.0" ]
		case $s in
		sysrq) reboot_savecore "$dir" "$vmcore" "${diskopt[@]}" ;;
		swap) swap_checks "$dir" "$vmcore" "${diskopt[@]}" ;;
		partial | fault)
			check "$label: info.0 says incomplete: yes" has "$dir/crash/info.0" '^incomplete: *yes'
			sed 's/^/    /' "$dir/savecore.out" | grep -i 'incomplete\|cut short' | sed -n 1,3p || true
			;;
		lzo)
			check "$label: info.0 says compression lzo" has "$dir/crash/info.0" 'lzo'
			;;
		nocomp)
			check "$label: info.0 says compression none" has "$dir/crash/info.0" '^compression: *none'
			;;
		rearm)
			local m1 m2
			m1=$(md5sum <"$dir/ref/vmcore.0" | cut -d' ' -f1)
			m2=$(md5sum <"$vmcore" | cut -d' ' -f1)
			check "$label: vmcore.0 after two re-arm boots = right after the panic ($m2)" \
				[ "${m1:-none}" = "$m2" ]
			;;
		esac
	fi

	case $s in
	partial | fault)
		# The log section is always whole; crash warns that the dump is
		# incomplete ("This dumpfile is incomplete", expected). The module
		# writes the kernel image, then (content all) every kernel page,
		# then user memory: cut short for room, the partial dump lost
		# only user pages and crash opens it in full mode. The fault
		# scenario stops after 20000 of its ~28000 kernel pages, before
		# slab pages crash reads as it starts (the pid tree, tasks).
		if run_crash "$dir" "$vmcore" trixie sys log bt && has "$dir/crash-trixie.sys" 'PANIC:'; then
			pass "$label: crash $trixie_crash opens the incomplete vmcore (full mode: sys, bt)"
			check "$label: crash $trixie_crash bt shows sysrq_handle_crash" has "$dir/crash-trixie.bt" sysrq_handle_crash
		elif [ "$s" = partial ]; then
			fail "$label: crash $trixie_crash opens the incomplete vmcore (full mode: sys, bt)"
			excerpt "$dir/crash-trixie.out" 10
		else
			# Said loudly: a dump stopped part-way through the kernel's
			# own pages cannot start crash in full mode.
			skip "$label: crash $trixie_crash full mode on a dump stopped among the kernel pages (known limitation: the pages crash reads as it starts are not written first; $(grep -m1 -o 'page incomplete: .*' "$dir/crash-trixie.out" || echo 'see crash-trixie.out'))"
			excerpt "$dir/crash-trixie.out" 6
		fi
		[ "$s" != partial ] || crash_checks sysrq "$dir" "$vmcore" "$marker" "$key"
		mkdir -p "$dir/minimal"
		if crash_opts=--minimal run_crash "$dir/minimal" "$vmcore" trixie log; then
			pass "$label: crash $trixie_crash --minimal opens the incomplete vmcore"
		else
			fail "$label: crash $trixie_crash --minimal opens the incomplete vmcore"
			excerpt "$dir/minimal/crash-trixie.out"
		fi
		check "$label: crash $trixie_crash --minimal log has the marker" \
			has "$dir/minimal/crash-trixie.log" "PD-MARKER $marker"
		if has "$dir/minimal/crash-trixie.out" 'dumpfile is incomplete'; then
			echo "    (expected) crash: WARNING: This dumpfile is incomplete."
		fi
		;;
	lzo)
		crash_checks "$gs" "$dir" "$vmcore" "$marker" "$key"
		lzo_checks "$dir" "$vmcore" "$marker" "$gs"
		;;
	nocomp)
		crash_checks "$gs" "$dir" "$vmcore" "$marker" "$key"
		drgn_checks "$gs" "$dir" "$vmcore" "$marker" "$key"
		;;
	rearm) ;;
	swap)
		crash_checks sysrq "$dir" "$vmcore" "$marker" "$key"
		drgn_checks sysrq "$dir" "$vmcore" "$marker" "$key"
		;;
	content_*)
		crash_checks "$gs" "$dir" "$vmcore" "$marker" "$key"
		content_checks "${s#content_}" "$dir" "$vmcore"
		watchdog_checks "$dir/console.log"
		;;
	*)
		crash_checks "$s" "$dir" "$vmcore" "$marker" "$key"
		drgn_checks "$s" "$dir" "$vmcore" "$marker" "$key"
		if [ $ref = 0 ]; then
			analysis_checks "$s" "$dir" "$key"
			gdb_checks "$dir"
		fi
		;;
	esac

	if [ $keep = 0 ]; then
		rm -f "$dir/dump.img" "$dir/dump-after-panic.img" "$dir"/*.p2 "$dir/p1.img"
		[ $ref = 0 ] || rm -f "$vmcore"
	fi
	echo "== $label done in $((SECONDS - t0))s"
}

# +part: the dump disk is a GPT disk, 1 MiB of GPT, p1 an ext2 file system
# of 64 MiB, p2 the dump area (SIZE), p3 32 MiB of a known pattern, the
# backup GPT; part_layout IMG SIZE makes it and records the layout
# ($dir/part.layout: p1's, p2's and p3's start and length in sectors) and
# the checksums of what lies outside p1 and p2 (GPT, p3, backup GPT).
part_region() { # IMG START_SECTOR NR_SECTORS: the bytes on stdout
	dd if="$1" bs=1M skip=$(($2 * 512)) count=$(($3 * 512)) \
		iflag=skip_bytes,count_bytes status=none
}
part_outside_md5() { # IMG: checksums of [0, p1) and [end of p2, end of disk)
	local img=$1 end p1s p1n p2s p2n p3s p3n
	read -r p1s p1n p2s p2n p3s p3n <"$(dirname "$img")/part.layout"
	end=$(($(stat -c %s "$img") / 512))
	echo "head $(part_region "$img" 0 "$p1s" | md5sum | cut -d' ' -f1)"
	echo "tail $(part_region "$img" $((p2s + p2n)) $((end - p2s - p2n)) | md5sum | cut -d' ' -f1)"
}
part_layout() {
	local img=$1 size=$2 area_mib dir p1s p1n p2s p2n p3s p3n
	dir=$(dirname "$img")
	area_mib=$(($(numfmt --from=iec "$size") / 1048576))
	truncate -s $((1 + 64 + area_mib + 32 + 1))M "$img"
	sfdisk -q -X gpt "$img" >"$dir/sfdisk.out" 2>&1 <<-EOF || { cat "$dir/sfdisk.out"; return 1; }
		start=2048, size=64MiB, type=L, name=pdfs
		size=${area_mib}MiB, type=L, name=pddump
		size=32MiB, type=L, name=pdpattern
	EOF
	sfdisk -d "$img" | awk -F'[=,]' '/start=/ { printf "%d %d ", $2, $4 } END { print "" }' >"$dir/part.layout"
	read -r p1s p1n p2s p2n p3s p3n <"$dir/part.layout"
	if [ -z "$p3n" ] || [ $((p1s + p1n)) != "$p2s" ]; then
		echo "unexpected layout: $(cat "$dir/part.layout")"
		return 1
	fi
	truncate -s $((p1n * 512)) "$dir/p1.img"
	mkfs.ext2 -q -F -L pdfs "$dir/p1.img" || return 1
	dd if="$dir/p1.img" of="$img" bs=1M seek=$((p1s * 512)) oflag=seek_bytes conv=notrunc status=none || return 1
	rm -f "$dir/p1.img"
	head -c $((p3n * 512)) < <(yes 'panicdump p3: must survive the dump') |
		dd of="$img" bs=1M seek=$((p3s * 512)) oflag=seek_bytes iflag=fullblock conv=notrunc status=none || return 1
	part_outside_md5 "$img" >"$dir/part.before"
	echo "    GPT: p1 $p1s+$p1n (ext2), p2 $p2s+$p2n (dump), p3 $p3s+$p3n (pattern), sectors"
}
# After the guest: nothing outside p1 and p2 changed, p1 is what the guest
# wrote (its checksum as read back in the guest once synced) and holds the
# guest's file.
part_checks() {
	local dir=$1 marker=$2 img=$1/dump.img p1s p1n want got
	read -r p1s p1n _ <"$dir/part.layout"
	part_outside_md5 "$img" >"$dir/part.after"
	check "$label: GPT (sectors 0-$((p1s - 1))) unchanged by the guest and the dump" \
		[ "$(sed -n 1p "$dir/part.before")" = "$(sed -n 1p "$dir/part.after")" ]
	check "$label: p3 (pattern) and the backup GPT unchanged" \
		[ "$(sed -n 2p "$dir/part.before")" = "$(sed -n 2p "$dir/part.after")" ]
	want=$(awk '/^PD-P1MD5 / { print $2 }' "$dir/console.log" | tr -d '\r')
	got=$(part_region "$img" "$p1s" "$p1n" | md5sum | cut -d' ' -f1)
	check "$label: p1 (ext2, mounted in the guest) is exactly what the guest wrote (${want:-no PD-P1MD5 line})" \
		[ "${want:-none}" = "$got" ]
	part_region "$img" "$p1s" "$p1n" >"$dir/p1.img"
	if grep -q "before its panic: $marker" <(debugfs -R 'cat /written' "$dir/p1.img" 2>/dev/null); then
		pass "$label: p1 has the file the guest wrote before the panic"
	else
		fail "$label: p1 has the file the guest wrote before the panic"
	fi
}
# The dump area of a dump disk image: the image itself, or with +part a
# copy of p2's byte range (IMG.p2, sparse).
area_of() {
	local img=$1 p2s p2n
	if [ "$part" = 0 ]; then
		echo "$img"
		return
	fi
	read -r _ _ p2s p2n _ <"$(dirname "$img")/part.layout"
	dd if="$img" of="$img.p2" bs=1M skip=$((p2s * 512)) count=$((p2n * 512)) \
		iflag=skip_bytes,count_bytes conv=sparse status=none
	truncate -s $((p2n * 512)) "$img.p2"
	echo "$img.p2"
}

# makedumpfile on an LZO vmcore: the log, and a refiltered copy that crash
# opens.
lzo_checks() {
	local dir=$1 vmcore=$2 marker=$3 gs=$4 rc=0 v=$crash_version f
	rm -f "$dir/makedumpfile.dmesg" "$dir/refiltered"
	makedumpfile --dump-dmesg "$vmcore" "$dir/makedumpfile.dmesg" >"$dir/makedumpfile-dmesg.out" 2>&1 || rc=$?
	if [ $rc = 0 ] && has "$dir/makedumpfile.dmesg" "PD-MARKER $marker"; then
		pass "$label: makedumpfile --dump-dmesg has the marker"
	else
		fail "$label: makedumpfile --dump-dmesg has the marker (status $rc)"
		excerpt "$dir/makedumpfile-dmesg.out"
	fi
	# The same log as savecore's dmesg.0, up to the panic: every message
	# of dmesg.0's last 40 before it, in makedumpfile's text too.
	local missing
	missing=$(sed -n '1,/Kernel panic - not syncing/p' "$dir/crash/dmesg.0" | tail -n 40 |
		sed -E 's/^\[[ 0-9.]+\] //' | while IFS= read -r m; do
			[ -z "$m" ] || grep -qF -- "$m" "$dir/makedumpfile.dmesg" || echo "$m"
		done)
	if [ -z "$missing" ] && has "$dir/makedumpfile.dmesg" 'Kernel panic - not syncing'; then
		pass "$label: makedumpfile --dump-dmesg has dmesg.0's last 40 messages up to the panic"
	else
		fail "$label: makedumpfile --dump-dmesg has dmesg.0's last 40 messages up to the panic"
		echo "$missing" | sed -n 's/^/    missing: /; 1,5p'
	fi
	rc=0
	makedumpfile -d 31 -l "$vmcore" "$dir/refiltered" >"$dir/makedumpfile-refilter.out" 2>&1 || rc=$?
	if [ $rc = 0 ] && [ -s "$dir/refiltered" ]; then
		pass "$label: makedumpfile -d 31 -l refilters vmcore.0 ($(du -h "$dir/refiltered" | cut -f1))"
	else
		fail "$label: makedumpfile -d 31 -l refilters vmcore.0 (status $rc)"
		excerpt "$dir/makedumpfile-refilter.out"
		return
	fi
	local which=host
	case $PD_KVER in 6.1.*) ;; *) which=trixie v=$trixie_crash ;; esac
	if [ $which = host ]; then f=$dir/crash; else f=$dir/crash-trixie; fi
	mkdir -p "$dir/refilter"
	if run_crash "$dir/refilter" "$dir/refiltered" $which bt; then
		pass "$label: crash $v opens the refiltered dump"
	else
		fail "$label: crash $v opens the refiltered dump"
	fi
	f=$dir/refilter/$(basename "$f")
	if has "$f.bt" "$(expect_bt "$gs")"; then
		pass "$label: crash $v bt on the refiltered dump shows $(expect_bt "$gs")"
	else
		fail "$label: crash $v bt on the refiltered dump shows $(expect_bt "$gs")"
		excerpt "$f.out"
	fi
}

for s in "${scenarios[@]}"; do
	run_scenario "$s"
done

echo "== e2e artifacts in $out_root"
if [ $skipped -gt 0 ]; then
	echo "$passed passed, $failed failed, $skipped skipped"
else
	echo "$passed passed, $failed failed"
fi
[ $failed = 0 ]

# shellcheck shell=bash
# shellcheck disable=SC2154 # label, dim, ref, ko, vmlinux, top: run.sh's globals
# Sourced by tests/e2e/run.sh: what each panic leaves in its dump, and the
# checks of crash, drgn and makedumpfile on it.
#
# Readers: on 6.1, bookworm's crash 8.0.2 (bt, log, bt -a, …) and drgn
# 0.0.22, plus trixie's crash 8.0.6 for ps (8.0.2 cannot list this
# kernel's tasks) and drgn 0.0.31 (scripts/trixie-analyzers.sh, a cached
# Debian 13 chroot); on 6.12 the trixie ones only.

# What each panic (the scenario table's PANIC column) leaves behind: a
# function on the panicking task's stack, the panic message, and for the
# spinning ones a function on CPU 1.
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
	# nmi_panic() is inlined into unknown_nmi_error(), which crash names
	# (.cold part); drgn, by DWARF, names nmi_panic.
	nmi | nmi_irqoff) echo unknown_nmi_error ;;
	esac
}
expect_panic() {
	case $1 in
	sysrq) echo "sysrq triggered crash" ;;
	spin | panic | content) echo "pdtest: requested panic" ;;
	oops) echo "Fatal exception" ;;
	bug_softirq) echo "Fatal exception in interrupt" ;;
	uaf) echo "panic_on_taint set" ;;
	kthread_panic) echo "pdtest: requested panic from a kthread" ;;
	warn) echo "panic_on_warn set" ;;
	softlockup) echo "softlockup: hung tasks" ;;
	nmi | nmi_irqoff) echo "NMI: Not continuing" ;;
	esac
}
expect_cpu1() {
	case $1 in
	spin) echo pdtest_spin_here ;;
	nmi_irqoff) echo pdtest_irqoff_here ;;
	softlockup) echo pdtest_lockup_here ;;
	esac
}
# drgn names frames by DWARF function (pdtest_write, not .cold parts).
expect_drgn() {
	case $1 in
	spin | panic | content) echo pdtest_write ;;
	kthread_panic) echo pdtest_kthread_panic ;;
	nmi | nmi_irqoff) echo nmi_panic ;;
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

crash_version=$(crash --version 2>/dev/null | awk '/^crash/ { print $2; exit }')
drgn_version=$(/usr/bin/python3 -c 'import drgn; print(drgn.__version__)' 2>/dev/null || echo '?')
trixie=$top/scripts/trixie-analyzers.sh
trixie_ok=0 trixie_crash='' trixie_drgn=''
trixie_root=${PD_TRIXIE_ROOT:-/var/cache/panicdump/trixie/root}

# The trixie chroot, made once (debootstrap) and reused; without it its
# checks FAIL.
setup_trixie() {
	if bash "$trixie" setup >"$out_root/trixie.out" 2>&1; then
		trixie_ok=1
		trixie_crash=$(bash "$trixie" run crash --version | awk '/^crash/ { print $2; exit }')
		trixie_drgn=$(bash "$trixie" run python3 -c 'import drgn; print(drgn.__version__)')
		echo "== readers: crash $crash_version and drgn $drgn_version (host), crash $trixie_crash and drgn $trixie_drgn (trixie chroot)"
	else
		fail "trixie analyzers set up (scripts/trixie-analyzers.sh setup)"
		excerpt "$out_root/trixie.out"
	fi
}

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
	if [ "$3" = host ]; then run_crash_host "$@"; else run_crash_trixie "$@"; fi
}
run_crash_host() {
	local dir=$1 vmcore=$2 n
	shift 3
	for n in "$@"; do
		rm -f "$dir/crash.$n"
		echo "$(crash_cmd "$n" "$ko") > $dir/crash.$n"
	done >"$dir/crash.cmds"
	echo exit >>"$dir/crash.cmds"
	# shellcheck disable=SC2086 # crash_opts: options or nothing
	timeout 900 crash -s ${crash_opts:-} "$vmlinux" "$vmcore" <"$dir/crash.cmds" >"$dir/crash.out" 2>&1
}
run_crash_trixie() {
	local dir=$1 vmcore=$2 n st in rc=0
	shift 3
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

# crash_checks PANIC DIR VMCORE MARKER KEY: on 6.1 bookworm's crash for all
# but ps, trixie's for ps; on 6.12 (KEY) trixie's for everything.
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
	crash_output_checks "$s" "$f" "$v" "$marker"
	crash_ps_checks "$dir" "$vmcore" "$marker" "$key"
}
# crash_output_checks PANIC F V MARKER: what crash V's F.sys, F.log, F.bt,
# F.tasks, F.bt-a (and F.mod) must show.
crash_output_checks() {
	local s=$1 f=$2 v=$3 marker=$4 func panicmsg cpu1 ncpu
	func=$(expect_bt "$s")
	panicmsg=$(expect_panic "$s")
	check "$label: crash $v sys shows a panic string" has "$f.sys" 'PANIC: "[^"]'
	check "$label: crash $v log has the panic \"$panicmsg\"" has "$f.log" "Kernel panic - not syncing: .*$panicmsg"
	check_or_show "$label: crash $v bt shows $func" "$f.bt" "$func" 40
	check "$label: crash $v log has the marker" has "$f.log" "PD-MARKER $marker"
	check "$label: crash $v task list has the marker process" has "$f.tasks" "comm = \"$marker\\\\000"
	ncpu=$(grep -cE '^PID: .*CPU: [0-9]+' "$f.bt-a" || true)
	check "$label: crash $v bt -a shows one stack per CPU (${dim[vcpus]}, got $ncpu)" [ "$ncpu" = "${dim[vcpus]}" ]
	cpu1=$(expect_cpu1 "$s")
	[ -n "$cpu1" ] || return 0
	check "$label: crash $v mod -s loads pdtest.ko" has "$f.mod" "pdtest"
	if grep -q -- "$cpu1" <(cpu_block "$f.bt-a" 1); then
		pass "$label: crash $v bt -a shows $cpu1 on CPU 1"
	else
		fail "$label: crash $v bt -a shows $cpu1 on CPU 1"
		cpu_block "$f.bt-a" 1 | sed -n 's/^/    /; 1,30p'
	fi
}
# ps: crash 8.0.2 cannot list the tasks of Debian's 6.1.0-5x (struct
# pid's numbers[] became a flexible array, Linux b69f0aeb0689,
# backported; fixed by crash commit 88580068, 8.0.4): trixie's crash, which
# on 6.12 (KEY) crash_checks has run already.
crash_ps_checks() {
	local dir=$1 vmcore=$2 marker=$3 key=$4
	if [ -z "$key" ] && ! run_crash "$dir" "$vmcore" trixie ps; then
		fail "$label: crash $trixie_crash (trixie) runs for ps"
		excerpt "$dir/crash-trixie.out"
		return
	fi
	if has "$dir/crash-trixie.ps" " $marker\$"; then
		pass "$label: crash $trixie_crash ps lists the marker process"
	else
		fail "$label: crash $trixie_crash ps lists the marker process"
		excerpt "$dir/crash-trixie.ps"
	fi
}

# drgn_run DIR WHICH ARGS...: drgn_check.py with drgn WHICH (host:
# bookworm's, trixie: the chroot's); its lines come out as
# "LABEL: drgn VERSION: …".
drgn_run() {
	local dir=$1 which=$2 v out
	shift 2
	if [ "$which" = host ]; then
		v=$drgn_version out=$dir/drgn.out
		timeout 600 /usr/bin/python3 "$top/tests/e2e/drgn_check.py" "$@" >"$out" 2>&1 || true
	else
		v=$trixie_drgn out=$dir/drgn-trixie.out
		[ $trixie_ok = 1 ] || { fail "$label: drgn (trixie) runs: no chroot"; return; }
		drgn_run_trixie "$dir" "$out" "$@"
	fi
	drgn_report "$v" "$out"
}
# drgn_run_trixie DIR OUT ARGS...: host paths become the chroot's, every
# file argument staged.
drgn_run_trixie() {
	local dir=$1 out=$2 st in a files=("$top/tests/e2e/drgn_check.py") cargs=()
	shift 2
	st=e2e-drgn-$(basename "$dir")-$$
	for a in "$@"; do
		if [ -f "$a" ]; then files+=("$a"); fi
	done
	in=$(bash "$trixie" stage "$st" "${files[@]}")
	for a in "$@"; do
		if [ -f "$a" ]; then cargs+=("$in/$(basename "$a")"); else cargs+=("$a"); fi
	done
	timeout 600 bash "$trixie" run python3 "$in/drgn_check.py" "${cargs[@]}" >"$out" 2>&1 || true
	bash "$trixie" unstage "$st"
}
# drgn_report V OUT: drgn_check.py's PASS/FAIL lines as ours.
drgn_report() {
	local v=$1 out=$2 line
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

# drgn_checks PANIC DIR VMCORE MARKER KEY
drgn_checks() {
	local s=$1 dir=$2 vmcore=$3 marker=$4 key=$5 args cpu1 pcpu
	args=("$vmcore" "$vmlinux" --ko "$ko/pdtest.ko" --task "$marker")
	# The CPU that panicked, from the console's "CPU: N PID: …" line.
	pcpu=$(sed -n '/Kernel panic - not syncing/,$ s/.*\] CPU: \([0-9]*\) PID:.*/\1/p' "$dir/console.log" | sed -n 1p)
	if [ "$ref" = 1 ] && [ "$pcpu" != 0 ]; then
		# drgn 0.0.22 finds no registers for CPU > 0 in QEMU's ELF dump.
		skip "$label: drgn crashed thread (reference dump, panic on CPU $pcpu: drgn 0.0.22 cannot map QEMU's notes)"
	else
		args+=(--crashed "$(expect_drgn "$s")")
	fi
	[ ! -e "$ko/panicdump.ko" ] || args+=(--ko "$ko/panicdump.ko")
	cpu1=$(expect_cpu1_drgn "$s")
	# QEMU's own dump has no usable registers for a CPU stopped by IPI.
	[ -z "$cpu1" ] || [ "$ref" = 1 ] || args+=(--cpu "1:$cpu1")
	[ -n "$key" ] || drgn_run "$dir" host "${args[@]}"
	# drgn 0.0.31 too (on 6.12 only it); not on QEMU's reference dumps.
	[ "$ref" = 1 ] || drgn_run "$dir" trixie "${args[@]}"
}

# An incomplete dump (partial, fault): the log section is always whole;
# crash warns that the dump is incomplete ("This dumpfile is incomplete",
# expected). The module writes the kernel image, then (content all) every
# kernel page, then user memory: cut short for room, the partial dump lost
# only user pages and crash opens it in full mode. The fault scenario
# stops after 20000 of its ~28000 kernel pages, before slab pages crash
# reads as it starts (the pid tree, tasks).
# crash_full_mode_checks DIR VMCORE REQUIRED: REQUIRED=0 makes a failure to
# start a SKIP, said loudly as the known limitation it is.
crash_full_mode_checks() {
	local dir=$1 vmcore=$2 required=$3
	if run_crash "$dir" "$vmcore" trixie sys log bt && has "$dir/crash-trixie.sys" 'PANIC:'; then
		pass "$label: crash $trixie_crash opens the incomplete vmcore (full mode: sys, bt)"
		check "$label: crash $trixie_crash bt shows sysrq_handle_crash" has "$dir/crash-trixie.bt" sysrq_handle_crash
	elif [ "$required" = 1 ]; then
		fail "$label: crash $trixie_crash opens the incomplete vmcore (full mode: sys, bt)"
		excerpt "$dir/crash-trixie.out" 10
	else
		# A dump stopped part-way through the kernel's own pages cannot
		# start crash in full mode.
		skip "$label: crash $trixie_crash full mode on a dump stopped among the kernel pages (known limitation: the pages crash reads as it starts are not written first; $(grep -m1 -o 'page incomplete: .*' "$dir/crash-trixie.out" || echo 'see crash-trixie.out'))"
		excerpt "$dir/crash-trixie.out" 6
	fi
}
# crash_minimal_checks DIR VMCORE MARKER: crash --minimal reads the log of
# an incomplete dump.
crash_minimal_checks() {
	local dir=$1 vmcore=$2 marker=$3
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
}

# lzo_checks DIR VMCORE MARKER PANIC: makedumpfile on an LZO vmcore: the
# log, and a refiltered copy that crash opens.
lzo_checks() {
	lzo_dmesg_checks "$1" "$2" "$3"
	lzo_refilter_checks "$1" "$2" "$4"
}
lzo_dmesg_checks() {
	local dir=$1 vmcore=$2 marker=$3 rc=0 missing
	rm -f "$dir/makedumpfile.dmesg"
	makedumpfile --dump-dmesg "$vmcore" "$dir/makedumpfile.dmesg" >"$dir/makedumpfile-dmesg.out" 2>&1 || rc=$?
	if [ $rc = 0 ] && has "$dir/makedumpfile.dmesg" "PD-MARKER $marker"; then
		pass "$label: makedumpfile --dump-dmesg has the marker"
	else
		fail "$label: makedumpfile --dump-dmesg has the marker (status $rc)"
		excerpt "$dir/makedumpfile-dmesg.out"
	fi
	# The same log as savecore's dmesg.0, up to the panic: every message
	# of dmesg.0's last 40 before it, in makedumpfile's text too.
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
}
lzo_refilter_checks() {
	local dir=$1 vmcore=$2 s=$3 rc=0 which=host v=$crash_version f=crash func
	rm -f "$dir/refiltered"
	makedumpfile -d 31 -l "$vmcore" "$dir/refiltered" >"$dir/makedumpfile-refilter.out" 2>&1 || rc=$?
	if [ $rc = 0 ] && [ -s "$dir/refiltered" ]; then
		pass "$label: makedumpfile -d 31 -l refilters vmcore.0 ($(du -h "$dir/refiltered" | cut -f1))"
	else
		fail "$label: makedumpfile -d 31 -l refilters vmcore.0 (status $rc)"
		excerpt "$dir/makedumpfile-refilter.out"
		return
	fi
	case $PD_KVER in 6.1.*) ;; *) which=trixie v=$trixie_crash f=crash-trixie ;; esac
	mkdir -p "$dir/refilter"
	if run_crash "$dir/refilter" "$dir/refiltered" $which bt; then
		pass "$label: crash $v opens the refiltered dump"
	else
		fail "$label: crash $v opens the refiltered dump"
	fi
	f=$dir/refilter/$f func=$(expect_bt "$s")
	if has "$f.bt" "$func"; then
		pass "$label: crash $v bt on the refiltered dump shows $func"
	else
		fail "$label: crash $v bt on the refiltered dump shows $func"
		excerpt "$f.out"
	fi
}

# shellcheck shell=bash
# shellcheck disable=SC2154 # label, top, build, ko, vmlinux, keep, the readers: run.sh's globals
# The crash-analysis steps of docs/tutorial.md, checked on each scenario's
# dump (sourced by tests/e2e/run.sh, which provides pass/fail/check/has/
# excerpt, run_crash, $label, $top, $build, $vmlinux, $ko and the readers):
#
#   ps        the task that crashed is the active one crash marks ">"
#   dis -l    the faulting instruction's source file and line
#   kmem      the freed object of the use-after-free is a kmalloc-256 object
#   p         the spinlock the spinning CPU holds reads locked in the dump
#   gdb       on savecore's ELF output: symbols resolve with the KASLR offset
#             from info.N, and kernel variables read back right

# The task that crashed, as ps names it ([…] for kernel threads); empty:
# not checked (bug_softirq panics in whatever task the timer interrupted).
expect_ps_task() {
	case $1 in
	oops | panic | spin | warn | uaf) echo pd_trigger ;;
	kthread_panic) echo pdtest_panic ;;
	softlockup) echo pdtest_lockup/1 ;;
	sysrq) echo sh ;;
	esac
}

# The statement (a fixed string of tests/kmod/pdtest.c) dis -l must name
# for the faulting address, and where that address comes from: the
# exception frame's RIP, or the return address in the named frame.
expect_dis_source() {
	case $1 in
	oops) echo 'WRITE_ONCE(*p, 0x2a);' ;;
	bug_softirq) echo 'BUG();' ;;
	uaf) echo 'objs[n] = kmalloc(PDTEST_UAF_SIZE, GFP_KERNEL);' ;;
	esac
}
expect_dis_frame() { case $1 in uaf) echo pdtest_uaf_detect ;; esac; }

# The faulting address in bt output FILE: the RIP of the first exception
# frame, or with FRAME the address of that frame ("#8 […] FRAME at ADDR").
fault_address() {
	local file=$1 frame=${2:-}
	if [ -n "$frame" ]; then
		sed -nE "s/^ *#[0-9]+ \[[0-9a-f]+\] $frame at ([0-9a-f]+).*/\1/p" "$file" | sed -n 1p
	else
		sed -n '/\[exception RIP: /,$ s/^ *RIP: \([0-9a-f]\{16\}\).*/\1/p' "$file" | sed -n 1p
	fi
}

# analysis_checks S DIR KEY: on the dump DIR/crash/vmcore.0 whose crash
# outputs crash_checks left in DIR.
analysis_checks() {
	local s=$1 dir=$2 key=$3 vmcore=$2/crash/vmcore.0 f which=host v=$crash_version
	if [ -n "$key" ]; then which=trixie f=$dir/crash-trixie v=$trixie_crash; else f=$dir/crash; fi
	analysis_ps_check "$s" "$f" "$dir"
	analysis_plan "$s" "$f"
	[ ${#analysis_names[@]} -gt 0 ] || return 0
	mkdir -p "$dir/analysis"
	if ! run_crash "$dir/analysis" "$vmcore" $which "${analysis_names[@]}"; then
		fail "$label: crash $v runs ${analysis_names[*]}"
		excerpt "$dir/analysis/$(basename "$f").out"
		return
	fi
	analysis_results "$s" "$dir/analysis/$(basename "$f")" "$v"
	unset dis_addr kmem_addr
}

# analysis_ps_check S F DIR: ps (trixie's, in DIR) marks the task that
# crashed (the first PID of F.bt) as the active one.
analysis_ps_check() {
	local s=$1 f=$2 dir=$3 task pid
	task=$(expect_ps_task "$s")
	[ -n "$task" ] || return 0
	pid=$(sed -nE '1s/^PID: ([0-9]+) .*/\1/p' "$f.bt")
	if grep -qE "^> +${pid:-none} +.* \[?${task//\//\\/}\]?\$" "$dir/crash-trixie.ps" 2>/dev/null; then
		pass "$label: crash $trixie_crash ps marks the crashing task $task (pid $pid) active"
	else
		fail "$label: crash $trixie_crash ps marks the crashing task $task (pid ${pid:-?}) active"
		grep '^>' "$dir/crash-trixie.ps" 2>/dev/null | sed 's/^/    /'
	fi
}

# analysis_plan S F: the crash commands S's analysis needs (analysis_names)
# and their arguments, from crash_checks' outputs F.*: dis_addr, dis_line
# and dis_src for dis -l, kmem_addr for kmem.
analysis_plan() {
	local s=$1 f=$2 c addr frame obj
	analysis_names=()
	unset dis_addr kmem_addr # a failed run before left them
	dis_src=$(expect_dis_source "$s")
	if [ -n "$dis_src" ]; then
		# The copy the module was built from (out/ko/KVER for 6.12).
		c=$ko/tests/kmod/pdtest.c
		[ -e "$c" ] || c=$top/tests/kmod/pdtest.c
		dis_line=$(grep -m1 -nF -- "$dis_src" "$c" | cut -d: -f1)
		frame=$(expect_dis_frame "$s")
		addr=$(fault_address "$f.bt" "$frame")
		if [ -z "$addr" ]; then
			fail "$label: bt gives the faulting address (${frame:-exception RIP})"
			excerpt "$f.bt" 40
		else
			dis_addr=$addr analysis_names+=(mod dis)
		fi
	fi
	if [ "$s" = uaf ]; then
		obj=$(sed -nE 's/.*uaf: freeing 256-byte object at ([0-9a-f]+).*/\1/p' "$f.log" | sed -n 1p)
		if [ -z "$obj" ]; then
			fail "$label: crash log names the freed object"
		else
			kmem_addr=$obj analysis_names+=(kmem)
		fi
	fi
	# spin: CPU 1 spins in pdtest_spin_here holding pdtest_spin_lock.
	if [ "$s" = spin ]; then
		[ ${#analysis_names[@]} -gt 0 ] || analysis_names+=(mod)
		analysis_names+=(lock)
	fi
}

# analysis_results S F V: what crash V's outputs F.dis, F.kmem, F.lock say.
analysis_results() {
	local s=$1 f=$2 v=$3
	if [ -n "${dis_addr:-}" ]; then
		if has "$f.dis" "pdtest\\.c: $dis_line\$"; then
			pass "$label: crash $v dis -l $dis_addr names pdtest.c:$dis_line ($dis_src)"
		else
			fail "$label: crash $v dis -l $dis_addr names pdtest.c:$dis_line ($dis_src)"
			excerpt "$f.dis" 6
		fi
	fi
	if [ -n "${kmem_addr:-}" ]; then
		if has "$f.kmem" ' kmalloc-256$' && has "$f.kmem" 'FREE / \[ALLOCATED\]'; then
			pass "$label: crash $v kmem $kmem_addr: an object of slab cache kmalloc-256"
		else
			fail "$label: crash $v kmem $kmem_addr: an object of slab cache kmalloc-256"
			excerpt "$f.kmem" 12
		fi
	fi
	[ "$s" = spin ] || return 0
	if has "$f.lock" 'locked = 1'; then
		pass "$label: crash $v p pdtest_spin_lock: held (locked = 1) by the CPU spinning in pdtest_spin_here"
	else
		fail "$label: crash $v p pdtest_spin_lock: held (locked = 1)"
		excerpt "$f.lock" 20
	fi
}

# gdb_checks DIR: savecore --format elf of DIR/dump.img, then gdb with
# vmlinux relocated by info.N's kernel offset reads init_uts_ns.
gdb_checks() {
	local dir=$1 off out=$1/gdb.out
	rm -rf "$dir/elf"
	if ! "$build/savecore" -d --format elf -f "$(area_of "$dir/dump.img")" "$dir/elf" >"$dir/savecore-elf.out" 2>&1; then
		fail "$label: savecore --format elf"
		excerpt "$dir/savecore-elf.out"
		return
	fi
	off=$(sed -n 's/^kernel offset: //p' "$dir/elf/info.0")
	timeout 300 gdb -q -batch -nx -ex "symbol-file -o ${off:-0} $vmlinux" \
		-ex "core-file $dir/elf/vmcore.0" \
		-ex 'printf "PD-GDB release %s\n", init_uts_ns.name.release' \
		-ex 'printf "PD-GDB nodename %s\n", init_uts_ns.name.nodename' \
		-ex 'info symbol &init_uts_ns' >"$out" 2>&1 || true
	if grep -qxF "PD-GDB release $PD_KVER" "$out" && grep -qxF 'PD-GDB nodename pdguest' "$out"; then
		pass "$label: gdb on the ELF vmcore (symbol-file -o $off) reads init_uts_ns: $PD_KVER, pdguest"
	else
		fail "$label: gdb on the ELF vmcore (symbol-file -o ${off:-none}) reads init_uts_ns"
		excerpt "$out" 12
	fi
	[ "$keep" = 1 ] || rm -rf "$dir/elf"
}

#!/bin/bash
# panicdump benchmark: dump size and time under a reproducible workload.
#
#   bash bench/run.sh [--quick] [--only MEM:CONTENT:COMPRESSION]... [--out DIR]
#
# For each case it boots a TCG guest (qemu/run-guest.sh, PD_GUEST_MEM) with
# MEM GiB, arms panicdump with the content and compression, builds a
# realistic mix with tests/guest/pd_pattern.c (the same every run):
#
#   stale free   MEM/5 filled with the mixed pattern, then unmapped
#   slab         40000 empty tmpfs files per GiB (inodes, dentries)
#   page cache   MEM/4 of tmpfs files with the mixed pattern
#   anonymous    MEM/4 in the process that then panics (curproc keeps it)
#   free         the rest
#
# (the mixed pattern: per 64-byte line one in three pseudo-random, the rest
# text phrases; zstd -1 gives about 2.8:1 on it), panics from that process
# and records, from the console, the module's final summary (pages, MB
# written, ms from panic to the end of the dump) and, from savecore on the
# dump disk, vmcore.0's size and info.0's exact "image bytes". Then:
#
#   makedumpfile  for each MEM with an all:lzo case, `makedumpfile -d 31 -l`
#                 on that vmcore.0: the size makedumpfile's usual filtering
#                 gives on the same memory, next to panicdump's kernel:lzo
#   zstd -1       the 1 GiB kernel:zstd dump's pages as raw bytes (savecore
#                 --format elf), timed with `zstd -1 -T1` from tmpfs in the
#                 same kind of guest (scenario zstd, zstd added to the
#                 initramfs), against the capture's throughput on the same
#                 pages (pages × 4 KiB / dump ms)
#
# Cases: 1 GiB × {kernel, curproc, all} × {zstd, lzo, none}; 2 and 4 GiB
# only kernel:zstd, kernel:lzo, all:zstd and all:lzo (keeps the run near 25 minutes on
# 2 TCG cores; the output says so). --quick: 1 GiB kernel:zstd and
# all:lzo only. --only: just the cases named (e.g. --only 1:kernel:zstd).
#
# Needs what tests/e2e needs (make module tools, qemu/kernel.sh's cache),
# plus zstd and makedumpfile on the host. Set PD_QEMU_SLOTS on a shared
# machine. Writes DIR/results.md (default out/bench) and prints it; fails
# loudly (non-zero, "bench: FAILED: …") on any error.
set -Eeuo pipefail

top=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
out=$top/out/bench
build=${PD_BUILD:-$top/build}
quick=0 only=()
while [ $# -gt 0 ]; do
	case $1 in
	--quick) quick=1 ;;
	--only) only+=("$2"); shift ;;
	--out) out=$2; shift ;;
	*) sed -n '2,40s/^# \{0,1\}//p' "$0" >&2; exit 2 ;;
	esac
	shift
done

die() { echo "bench: FAILED: $*" >&2; exit 1; }
trap 'die "line $LINENO: $BASH_COMMAND"' ERR

for t in zstd makedumpfile "$build/savecore" "$build/dumpadm"; do
	command -v "$t" >/dev/null || die "missing $t"
done
eval "$(bash "$top/qemu/kernel.sh")"
export PD_KVER PD_VMLINUZ PD_VMLINUX PD_MODROOT
mkdir -p "$out"
out=$(realpath "$out")
initrd=$out/initramfs.cpio.zst
bash "$top/qemu/mkinitramfs.sh" "$initrd" >/dev/null || die "qemu/mkinitramfs.sh"

if [ ${#only[@]} -gt 0 ]; then
	cases=("${only[@]}")
	note="only the cases asked for (--only)"
elif [ $quick = 1 ]; then
	cases=(1:kernel:zstd 1:all:lzo)
	note="--quick: 1 GiB kernel:zstd and all:lzo only"
else
	cases=()
	for c in kernel curproc all; do
		for z in zstd lzo none; do cases+=("1:$c:$z"); done
	done
	for m in 2 4; do cases+=("$m:kernel:zstd" "$m:kernel:lzo" "$m:all:zstd" "$m:all:lzo"); done
	note="2 and 4 GiB: kernel:zstd, kernel:lzo, all:zstd and all:lzo only (run time)"
fi

# The workload's pd_pattern options for MEM GiB, commas for spaces.
workload() {
	local mib=$(($1 * 1024))
	echo "-s,$((mib / 5)),-f,$((40000 * $1)),-c,$((mib / 4)),-a,$((mib / 4)),-m,-d,/run/bench"
}

declare -A R_PAGES R_ZERO R_MBW R_MS R_VMCORE R_IMAGE R_WD
run_case() {
	local spec=$1 mem content comp dir line rc=0
	IFS=: read -r mem content comp <<<"$spec"
	dir=$out/$mem-$content-$comp
	rm -rf "$dir"
	mkdir -p "$dir"
	echo "bench: $spec: booting a ${mem} GiB guest ($(date -u +%H:%M:%S))" >&2
	# Disk: room for an uncompressed dump of all RAM.
	PD_GUEST_MEM=${mem}G bash "$top/qemu/run-guest.sh" -q -s bench -d "$dir/dump.img" \
		-S "$((mem + 1))G" -l "$dir/console.log" -i "$initrd" -t $((600 * mem)) \
		-a "pd.content=$content pd.compression=$comp pd.quickwd=1 pd.bench=$(workload "$mem")" \
		>/dev/null 2>"$dir/run-guest.err" || rc=$?
	[ $rc = 0 ] || die "$spec: guest status $rc (see $dir/run-guest.err, $dir/console.log)"
	! grep -a -m1 '^PD-FAIL' "$dir/console.log" || die "$spec: guest step failed ($dir/console.log)"
	grep -aq 'PD-PATTERN tag=mixed' "$dir/console.log" || die "$spec: workload did not start ($dir/console.log)"
	line=$(grep -a -m1 'panicdump: dump complete: ' "$dir/console.log") ||
		die "$spec: no 'panicdump: dump complete' line ($dir/console.log)"
	# panicdump: dump complete: P pages (Z zero, U unreadable), M MB written (R.Rx smaller), T ms
	R_PAGES[$spec]=$(sed -n 's/.*complete: \([0-9]*\) pages.*/\1/p' <<<"$line")
	R_ZERO[$spec]=$(sed -n 's/.*(\([0-9]*\) zero.*/\1/p' <<<"$line")
	R_MBW[$spec]=$(sed -n 's/.*, \([0-9]*\) MB written.*/\1/p' <<<"$line")
	R_MS[$spec]=$(sed -n 's/.*, \([0-9]*\) ms.*/\1/p' <<<"$line")
	# Watchdogs on short fuses (pd.quickwd): any message of theirs
	# between the panic and the end of the dump.
	R_WD[$spec]=$(sed -n '/Kernel panic - not syncing/,/panicdump: dump complete/p' "$dir/console.log" |
		grep -aciE 'soft lockup|hard LOCKUP|NMI watchdog|rcu.*(stall|self-detected)|blocked for more than' || true)
	"$build/savecore" -f "$dir/dump.img" "$dir/crash" >"$dir/savecore.out" 2>&1 ||
		die "$spec: savecore (see $dir/savecore.out)"
	R_VMCORE[$spec]=$(stat -c %s "$dir/crash/vmcore.0")
	R_IMAGE[$spec]=$(awk -F': *' '$1 == "image bytes" { print $2 }' "$dir/crash/info.0")
	[ -n "${R_IMAGE[$spec]}" ] || die "$spec: no 'image bytes' in info.0"
	if [ "$spec" = 1:kernel:zstd ]; then
		"$build/savecore" -d --format elf -f "$dir/dump.img" "$dir/elf" >"$dir/savecore-elf.out" 2>&1 ||
			die "$spec: savecore --format elf (see $dir/savecore-elf.out)"
	fi
	rm -f "$dir/dump.img"
	echo "bench: $spec: ${R_PAGES[$spec]} pages, vmcore ${R_VMCORE[$spec]} bytes, ${R_MS[$spec]} ms" >&2
}

# makedumpfile -d 31 -l on the all:lzo vmcore of MEM GiB.
declare -A R_MDF
makedumpfile_case() {
	local mem=$1 dir=$out/$1-all-lzo
	[ -e "$dir/crash/vmcore.0" ] || return 0
	rm -f "$dir/mdf31"
	makedumpfile -d 31 -l "$dir/crash/vmcore.0" "$dir/mdf31" >"$dir/makedumpfile.out" 2>&1 ||
		die "makedumpfile -d 31 -l on $dir/crash/vmcore.0 (see $dir/makedumpfile.out)"
	R_MDF[$mem]=$(stat -c %s "$dir/mdf31")
}

# zstd -1 in the guest on the 1 GiB kernel:zstd dump's pages.
zstd_ms='' zstd_bytes='' zstd_out=''
zstd_case() {
	local dir=$out/1-kernel-zstd elf raw=$out/zstd/raw.img extra=$out/zstd/extra rc=0
	elf=$dir/elf/vmcore.0
	[ -e "$elf" ] || return 0
	rm -rf "$out/zstd"
	mkdir -p "$extra/usr/bin"
	rm -f "$raw"
	# The pages the capture compressed: the dump's non-zero pages.
	/usr/bin/python3 "$top/bench/elf-pages.py" "$elf" "$raw" >"$out/zstd/pages" ||
		die "bench/elf-pages.py on $elf"
	# A whole number of MiB for the disk; the padding is zeros.
	truncate -s "$(( ($(stat -c %s "$raw") + (1 << 20) - 1) >> 20 << 20 ))" "$raw"
	# zstd and its libraries, appended to the guest's initramfs as a
	# second archive (the kernel unpacks both).
	(
		cd "$extra"
		install -m 755 "$(command -v zstd)" usr/bin/zstd
		for lib in $(ldd "$(command -v zstd)" | awk '/=> \// { print $3 } /^\t\// { print $1 }'); do
			[ -e ".$lib" ] || cp -L --parents "$lib" .
		done
		find . -mindepth 1 | LC_ALL=C sort | cpio -o -H newc --quiet -R 0:0 | gzip -1
	) >"$out/zstd/extra.cpio.gz"
	cat "$initrd" "$out/zstd/extra.cpio.gz" >"$out/zstd/initramfs.img"
	echo "bench: zstd -1 in the guest on $(stat -c %s "$raw") bytes ($(date -u +%H:%M:%S))" >&2
	bash "$top/qemu/run-guest.sh" -q -s zstd -d "$raw" -l "$out/zstd/console.log" \
		-i "$out/zstd/initramfs.img" -t 900 >/dev/null 2>"$out/zstd/run-guest.err" || rc=$?
	[ $rc = 0 ] || die "zstd guest status $rc (see $out/zstd/run-guest.err)"
	! grep -a -m1 '^PD-FAIL' "$out/zstd/console.log" || die "zstd guest step failed"
	zstd_bytes=$(sed -n 's/^PD-ZSTD bytes \([0-9]*\).*/\1/p' "$out/zstd/console.log")
	zstd_out=$(sed -n 's/^PD-ZSTD out \([0-9]*\).*/\1/p' "$out/zstd/console.log")
	zstd_ms=$(sed -n 's/^PD-ZSTD ms \([0-9]*\).*/\1/p' "$out/zstd/console.log")
	[ -n "$zstd_ms" ] || die "zstd guest printed no timing ($out/zstd/console.log)"
	rm -f "$raw"
}

t0=$SECONDS
for c in "${cases[@]}"; do run_case "$c"; done
for m in 1 2 4; do makedumpfile_case "$m"; done
zstd_case

mb() { awk -v b="$1" 'BEGIN { printf "%.1f", b / 1e6 }'; }
{
	echo "### panicdump benchmark, $(date -u +%Y-%m-%d) ($(git -C "$top" rev-parse --short HEAD 2>/dev/null || echo '?'))"
	echo
	echo "Guests: QEMU $(qemu-system-x86_64 --version | awk 'NR == 1 { print $4 }') TCG (no KVM), 2 vCPUs, kernel $PD_KVER;"
	echo "host: $(nproc) cores, $(awk -F': ' '/^model name/ { print $2; exit }' /proc/cpuinfo)."
	echo "Workload per GiB of RAM: 200 MiB stale free, 40000 tmpfs files, 256 MiB page cache, 256 MiB anonymous (bench/run.sh)."
	echo "Cases: $note. Time: from panicdump's start in the panic to the end of the dump (its summary line)."
	echo "Watchdog lines: soft/hard lockup, RCU stall or hung-task messages between the panic and the end of the dump, with the watchdogs set to fire after 2-3 s (pd.quickwd=1)."
	echo
	echo "| RAM | content | compression | pages dumped (zero) | vmcore.N | written (module) | image bytes (info.N) | ratio | time | MB/s in | watchdog lines |"
	echo "| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |"
	for c in "${cases[@]}"; do
		IFS=: read -r mem content comp <<<"$c"
		p=${R_PAGES[$c]} ms=${R_MS[$c]}
		echo "| $mem GiB | $content | $comp | $p (${R_ZERO[$c]}) | $(mb "${R_VMCORE[$c]}") MB | ${R_MBW[$c]} MiB | ${R_IMAGE[$c]} | $(awk -v p="$p" -v b="${R_IMAGE[$c]}" 'BEGIN { printf "%.1f:1", p * 4096 / b }') | $(awk -v m="$ms" 'BEGIN { printf "%.1f s", m / 1000 }') | $(awk -v p="$p" -v m="$ms" 'BEGIN { printf "%.0f", m ? p * 4096 / 1e6 / (m / 1000) : 0 }') | ${R_WD[$c]} |"
	done
	if [ ${#R_MDF[@]} -gt 0 ]; then
		echo
		echo "makedumpfile -d 31 -l on the same memory (its input: the all:lzo vmcore.N):"
		echo
		echo "| RAM | makedumpfile -d 31 -l | panicdump kernel:lzo |"
		echo "| --- | --- | --- |"
		for m in 1 2 4; do
			[ -n "${R_MDF[$m]:-}" ] || continue
			k=${R_VMCORE[$m:kernel:lzo]:-}
			echo "| $m GiB | $(mb "${R_MDF[$m]}") MB | $([ -n "$k" ] && echo "$(mb "$k") MB" || echo 'not run') |"
		done
		echo
		echo "(kernel:lzo and all:lzo are separate boots: same workload, not the same bytes.)"
	fi
	if [ -n "$zstd_ms" ]; then
		c=1:kernel:zstd
		# Both on the non-zero pages: the ones the capture compresses.
		cap=$(awk -v p="${R_PAGES[$c]}" -v zp="${R_ZERO[$c]}" -v m="${R_MS[$c]}" 'BEGIN { printf "%.1f", (p - zp) * 4096 / 1e6 / (m / 1000) }')
		z=$(awk -v b="$zstd_bytes" -v m="$zstd_ms" 'BEGIN { printf "%.1f", b / 1e6 / (m / 1000) }')
		echo
		echo "Throughput, 1 GiB kernel:zstd, on its $((R_PAGES[$c] - R_ZERO[$c])) non-zero pages: capture $cap MB/s (in ${R_MS[$c]} ms, with the page scan, zero-page checks and disk writes);"
		echo "\`zstd -1 -T1\` in the same kind of guest on the same pages (savecore --format elf, bench/elf-pages.py: $zstd_bytes bytes from tmpfs, to $zstd_out bytes): $z MB/s in $zstd_ms ms."
		echo "Goal (capture ≥ half of zstd -1): $(awk -v a="$cap" -v b="$z" 'BEGIN { print (a >= b / 2) ? "met" : "NOT met" }') ($(awk -v a="$cap" -v b="$z" 'BEGIN { printf "%.0f%%", 100 * a / b }') of zstd -1)."
	fi
	echo
	echo "Run time $((SECONDS - t0)) s. TCG timings vary with the host's load (other guests, other jobs) by tens of percent; sizes do not."
} >"$out/results.md"
cat "$out/results.md"

#!/bin/bash
# Regenerates docs/tutorial.md from a real run (make tutorial): boots the
# test guest twice under QEMU (a NULL store in an ioctl handler, then a
# use-after-free caught by slab poisoning), lets panicdump write each dump,
# saves it with savecore and runs the crash, drgn and gdb sessions the
# tutorial shows; every output in the tutorial is pasted from this run.
#
#   bash docs/tutorial.sh        (about 6 minutes under TCG, as root, after
#                                 make module tools; the e2e checks of both
#                                 scenarios must pass first)
#
# Work files: out/tutorial/. Readers: Debian 12's crash 8.0.2 and drgn,
# trixie's crash 8.0.6 for ps (scripts/trixie-analyzers.sh).
set -euo pipefail

top=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
out=$top/out/tutorial
md=$top/docs/tutorial.md
trixie=$top/scripts/trixie-analyzers.sh
die() { echo "tutorial.sh: $*" >&2; exit 1; }

mkdir -p "$out"
# PD_TUTORIAL_REUSE=1: the dumps of the previous run (for editing the text).
if [ "${PD_TUTORIAL_REUSE:-0}" = 1 ] && [ -e "$out/e2e/oops/dump.img" ] && [ -e "$out/e2e/uaf/dump.img" ]; then
	echo "tutorial.sh: reusing the dumps in $out/e2e" >&2
else
	echo "tutorial.sh: running the oops and uaf scenarios (log: $out/e2e.log)" >&2
	PD_E2E_OUT=$out/e2e bash "$top/tests/e2e/run.sh" --keep oops uaf >"$out/e2e.log" 2>&1 ||
		die "the e2e scenarios failed; see $out/e2e.log"
fi
eval "$(bash "$top/qemu/kernel.sh")"
ko=$top/pdtest.ko

# session DIR WHICH CMD...: run crash (WHICH: host = 8.0.2, trixie = 8.0.6)
# on DIR/vmcore.0 with the commands, print "crash> CMD" and its output.
session() {
	local dir=$1 which=$2 tmp i=0 c st in vmlinux=$PD_VMLINUX vmcore=$1/vmcore.0 mod=$ko
	shift 2
	tmp=$(mktemp -d "$out/session.XXXXXX")
	if [ "$which" = trixie ]; then
		st=tutorial-$$
		in=$(bash "$trixie" stage "$st" "$vmcore" "$PD_VMLINUX" "$ko")
		vmlinux=$in/vmlinux vmcore=$in/vmcore.0 mod=$in/pdtest.ko
	fi
	for c in "$@"; do
		c=${c//@KO@/$mod}
		if [ "$which" = trixie ]; then echo "$c > $in/out.$i"; else echo "$c > $tmp/out.$i"; fi
		i=$((i + 1))
	done >"$tmp/cmds"
	echo exit >>"$tmp/cmds"
	if [ "$which" = trixie ]; then
		bash "$trixie" run crash -s "$vmlinux" "$vmcore" <"$tmp/cmds" >"$tmp/crash.out" 2>&1 ||
			die "crash 8.0.6 failed: $(tail -n 3 "$tmp/crash.out")"
		cp "${PD_TRIXIE_ROOT:-/var/cache/panicdump/trixie/root}$in"/out.* "$tmp/"
		bash "$trixie" unstage "$st"
	else
		crash -s "$vmlinux" "$vmcore" <"$tmp/cmds" >"$tmp/crash.out" 2>&1 ||
			die "crash failed: $(tail -n 3 "$tmp/crash.out")"
	fi
	i=0
	for c in "$@"; do
		echo "crash> ${c//@KO@/pdtest.ko}"
		[ -s "$tmp/out.$i" ] || die "crash printed nothing for '$c' ($tmp/crash.out)"
		! grep -q '^crash: ' "$tmp/out.$i" || die "crash: '$c': $(grep -m1 '^crash: ' "$tmp/out.$i")"
		sed "s|$top/||g" "$tmp/out.$i"
		i=$((i + 1))
	done
	rm -rf "$tmp"
}

# The saved dumps, as savecore leaves them after the reboot.
for s in oops uaf; do
	d=$out/e2e/$s
	rm -rf "$d/var-crash"
	(cd "$d" && "$top/build/savecore" -d -f dump.img var-crash) >"$d/savecore.txt" 2>&1 ||
		die "savecore of $d/dump.img failed"
done
o=$out/e2e/oops/var-crash u=$out/e2e/uaf/var-crash
rip=$(sed -n '/\[exception RIP: /,$ s/^ *RIP: \([0-9a-f]\{16\}\).*/\1/p' "$out/e2e/oops/crash.bt" | sed -n 1p)
[ -n "$rip" ] || die "no exception RIP in the oops dump's bt"
obj=$(sed -nE 's/.*uaf: freeing 256-byte object at ([0-9a-f]+).*/\1/p' "$out/e2e/uaf/console.log" | sed -n 1p)
[ -n "$obj" ] || die "no freed object address in the uaf console log"
kver=$PD_KVER

echo "tutorial.sh: crash, drgn and gdb sessions" >&2
# Each session before the text, so that a failing one stops the script.
sess0=$(session "$o" host sys 'log | grep -A 12 "BUG: kernel NULL"' bt)
sess1=$(session "$o" host 'mod -s pdtest @KO@' "dis -l $rip 1" 'dis -l pdtest_null_store')
# (crash in the chroot cannot pipe, so the kernel threads are left out here)
sess2=$(session "$o" trixie ps | grep -vE '^[^>].*\]$')
sess3=$(session "$u" host 'log | grep -E "uaf:|Poison overwritten|First byte|Freed in|Allocated in|Kernel panic"' bt)
sess4=$(session "$u" host "kmem $obj")
sess5=$(session "$u" host 'mod -s pdtest @KO@' 'dis -l pdtest_uaf_store')
cat >"$out/stack.py" <<'PY'
print(prog.crashed_thread().stack_trace())
PY
drgn_out=$(/usr/bin/python3 -m drgn -c "$o/vmcore.0" -s "$PD_VMLINUX" -s "$ko" "$out/stack.py" 2>&1 |
	sed -n "s|$top/||g; 1,20p")
grep -q pdtest_null_store <<<"$drgn_out" || die "drgn: no pdtest_null_store in $drgn_out"
koff=$(sed -n 's/^kernel offset: //p' "$o/info.0")
rm -rf "$out/elf"
"$top/build/savecore" -d --format elf -f "$out/e2e/oops/dump.img" "$out/elf" >/dev/null 2>&1 ||
	die "savecore --format elf failed"
gdb_out=$(gdb -q -batch -nx -ex "symbol-file -o $koff $PD_VMLINUX" -ex "core-file $out/elf/vmcore.0" \
	-ex 'print init_uts_ns.name' -ex 'print jiffies_64' 2>&1 | grep -E '^\$[0-9]')
grep -q "$kver" <<<"$gdb_out" || die "gdb: no $kver in $gdb_out"
{
	cat <<EOF
# Crash analysis with panicdump: a tutorial

This is the classic crash-analysis walkthrough (a driver's NULL pointer
store, then a use-after-free found by slab poisoning; bt, log, ps, dis and
kmem in crash), done on dumps that panicdump wrote. Every output below is
pasted from a real run on $(date -u +%Y-%m-%d): Debian's $kver kernel in a
QEMU guest (2 vCPUs, 1 GiB), panicdump armed on a virtio disk. To regenerate
this file from a fresh run:

    bash docs/tutorial.sh

The crashes come from \`pdtest.ko\` (tests/kmod/pdtest.c), our stand-in for
a buggy driver; the guest's /init is qemu/guest-init.sh.

## 1. Arm panicdump

On the machine to debug, once (at boot \`dumpadm.service\` does it again from
/etc/dumpadm.conf):

    # dumpadm -d /dev/vdb
    # dumpadm
\`\`\`
$(tr -d '\r' <"$out/e2e/oops/console.log" | sed -n '/^PD-BEGIN dumpadm$/,/^PD-END dumpadm$/p' | sed '1d;$d')
\`\`\`

No \`crashkernel=\` memory and no second kernel: the module holds the few
hundred KiB printed above, allocated now, and writes the dump itself at
panic time.

## 2. The crash: a NULL pointer store in an ioctl handler

With \`kernel.panic_on_oops=1\`, the process \`pd_trigger\` calls the
driver's ioctl, which stores through a NULL pointer. The console at panic:

\`\`\`
$(tr -d '\r' <"$out/e2e/oops/console.log" | sed -n '/ioctl PDTEST_IOC_OOPS/,$p' | grep -E 'BUG:|#PF|Oops|RIP: 0010|Kernel panic|panicdump:|Comm: pd_trigger' | sed -n 1,14p)
\`\`\`

The progress lines and the summary are panicdump's: it wrote the kernel's
pages, compressed, to the dump disk, then the machine rebooted.

## 3. After the reboot: savecore

\`savecore.service\` runs \`savecore\` at boot; by hand (here on an image of
the dump disk, \`-f\`):

    # savecore -f dump.img var-crash
\`\`\`
$(cat "$out/e2e/oops/savecore.txt")
\`\`\`
    # ls var-crash
\`\`\`
$(ls "$o")
\`\`\`
    # cat var-crash/info.0
\`\`\`
$(sed "s|$out/e2e/oops/||" "$o/info.0")
\`\`\`

\`vmcore.0\` is kdump-compressed, the format crash, drgn and makedumpfile
read; \`dmesg.0\` is the kernel log, readable even if the rest were damaged.

## 4. crash: what happened

Open the dump with the kernel's debug vmlinux (Debian:
\`linux-image-$kver-dbg\`, /usr/lib/debug/boot/vmlinux-$kver):

    # crash /usr/lib/debug/boot/vmlinux-$kver var-crash/vmcore.0

\`\`\`
$sess0
\`\`\`

The panic task is \`pd_trigger\`, in \`pdtest_null_store\` called from the
driver's ioctl handler \`pdtest_ioctl\`. Which source line faulted? Load the
module's symbols and disassemble the exception RIP with line numbers:

\`\`\`
$sess1
\`\`\`

\`movl \$0x2a,(%rbx)\` with RBX zero (see \`bt\` above): the store through
the NULL pointer, at the line \`dis -l\` names.

### What was running

Debian 12's crash 8.0.2 cannot list the tasks of Debian's 6.1.19x kernels
(a backported change to \`struct pid\`; crash 8.0.4 and later handle it),
so \`ps\` here is crash 8.0.6 from Debian 13 (its output below without the
kernel threads, whose names are in brackets). The \`>\` marks the task
active on each CPU: \`pd_trigger\` on CPU 0, the idle task on CPU 1; the
marker process the test leaves running is there too:

\`\`\`
$sess2
\`\`\`

## 5. A use-after-free, found later by slab poisoning

The second bug frees a 256-byte kmalloc object and then writes into it.
Nothing fails at the write. The guest boots with
\`slub_debug=FZPU,kmalloc-256\` (red zones, poisoning, owner tracking on
that cache) and \`panic_on_taint=0x20\`: when SLUB hands the object out
again, it finds the poison overwritten, taints the kernel
(\`TAINT_BAD_PAGE\`) and the kernel panics. Same steps: savecore, crash.

\`\`\`
$sess3
\`\`\`

The panic is in the allocator (\`check_bytes_and_report\`), reached from a
later \`kmalloc()\` in \`pdtest_uaf_detect\`: the victim, not the culprit.
The log gives the object's address and the corrupted byte (offset 64 of the
object: 0x2a instead of the 0x6b poison). What does crash know about that
address?

\`\`\`
$sess4
\`\`\`

A kmalloc-256 slab object. crash lists the slot that holds it, which starts
with the 0x100-byte left red zone slub_debug puts before each object, and
shows it allocated (in brackets): SLUB had just handed the object out again
when its check fired. The free was \`pdtest_uaf_free\` (the
"Freed in" line above); who wrote 0x2a at offset 0x40 after that? The
driver's code that uses the pointer after the free:

\`\`\`
$sess5
\`\`\`

\`movb \$0x2a,0x40(%rdi)\`: the culprit.

## 6. The same dump in drgn

    # drgn -c var-crash/vmcore.0 -s /usr/lib/debug/boot/vmlinux-$kver -s pdtest.ko
    >>> print(prog.crashed_thread().stack_trace())
\`\`\`
EOF
	echo "$drgn_out"
	cat <<EOF
\`\`\`

(drgn 0.0.22 warns that it finds no module tree for the crashed kernel on
this machine; \`-s pdtest.ko\` gives it the one module the stack needs.)

## 7. gdb on an ELF vmcore

\`savecore --format elf\` (or \`dumpadm -z off\`) writes an ELF core
instead. gdb reads it with the vmlinux relocated by the KASLR offset that
info.N gives (\`kernel offset: $koff\`):

    # savecore --format elf -f dump.img elf
    # gdb -q -batch -ex 'symbol-file -o $koff vmlinux' -ex 'core-file elf/vmcore.0' \\
          -ex 'print init_uts_ns.name' -ex 'print jiffies_64'
\`\`\`
EOF
	echo "$gdb_out"
	cat <<EOF
\`\`\`

## What the tests check

\`tests/e2e/run.sh\` runs these steps on every scenario (oops, uaf,
bug_softirq, panic from a kthread, soft lockup, panic_on_warn, a CPU
spinning in a known function, sysrq): crash's \`bt\` names the expected
function, \`log\` holds the panic, \`ps\` marks the crashing task, \`dis -l\`
gives the faulting source line, \`kmem\` describes the freed object, the
spinlock a stopped CPU was holding reads locked (\`p pdtest_spin_lock\`), drgn's
crashed thread has the function, gdb reads \`init_uts_ns\` from the ELF
output, and makedumpfile reads and refilters an LZO dump.
EOF
} >"$md.tmp"
mv "$md.tmp" "$md"
rm -rf "$out/elf"
echo "tutorial.sh: wrote $md" >&2

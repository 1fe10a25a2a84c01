#!/bin/bash
# What `make install` puts on a machine, checked without installing it:
# stages it in a temporary DESTDIR, builds the module from the staged DKMS
# source the way dkms.conf does (make KDIR=... modules), and checks that
# the result is the module users run: it builds from the installed files
# alone, and the tests' fault injection (make module PD_TEST=1) is not in
# it, even with PD_TEST=1 in the environment.
#
#   tests/install/run.sh KDIR
#
# Prints a PASS/FAIL line per check and ends with "N passed, M failed".
set -uo pipefail

top=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
kdir=${1:?usage: tests/install/run.sh KDIR}
passed=0 failed=0
pass() { passed=$((passed + 1)); echo "PASS $*"; }
fail() { failed=$((failed + 1)); echo "FAIL $*"; }
stage=$(mktemp -d /tmp/pd-install.XXXXXX)
trap 'rm -rf "$stage"' EXIT

if make -C "$top" install DESTDIR="$stage" >"$stage.log" 2>&1; then
	pass "make install DESTDIR=… stages the tools, units and module source"
else
	fail "make install DESTDIR=…"
	tail -n 20 "$stage.log" | sed 's/^/    /'
	echo "$passed passed, $failed failed"
	exit 1
fi
src=$(ls -d "$stage"/usr/src/panicdump-* 2>/dev/null | head -n1)
for f in dumpadm savecore; do
	if [ -x "$stage/usr/local/sbin/$f" ]; then pass "installed $f"; else fail "installed $f"; fi
done

# dkms.conf's MAKE line, with the tests' switch set where make sees it.
if [ -n "$src" ] && PD_TEST=1 make -C "$src" KDIR="$kdir" modules >"$stage/dkms.log" 2>&1 &&
   [ -e "$src/panicdump.ko" ]; then
	pass "the installed source builds panicdump.ko by itself (dkms.conf's make)"
	parms=$(modinfo -F parm "$src/panicdump.ko")
	if grep -q test_fault "$src/panicdump.ko" || [ -n "$(modinfo -F build "$src/panicdump.ko")" ]; then
		fail "the installed module has no fault injection (parameters: ${parms:-none})"
	else
		pass "the installed module has no fault injection (parameters: ${parms:-none})"
	fi
	if [ -e "$src/pdtest.ko" ] || grep -q pdtest "$src/Kbuild"; then
		fail "the installed source leaves the test module out"
	else
		pass "the installed source leaves the test module out"
	fi
else
	fail "the installed source builds panicdump.ko by itself (dkms.conf's make)"
	tail -n 20 "$stage/dkms.log" | sed 's/^/    /'
fi
rm -f "$stage.log"
echo "$passed passed, $failed failed"
[ "$failed" = 0 ]

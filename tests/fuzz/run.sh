#!/bin/bash
# Fuzz savecore's parse and extract path with libFuzzer for a bounded time.
#
#   tests/fuzz/run.sh [SECONDS]        (default 60, or $PD_FUZZ_SECONDS)
#
# Builds tests/fuzz (clang, -fsanitize=fuzzer,address,undefined) in
# $PD_FUZZ_BUILD (default build/fuzz), writes a seed corpus of valid
# real-writer dump areas with pd_fuzz_seeds, replays it, then fuzzes from it
# (-max_total_time=SECONDS -timeout=10). The corpus grown in
# build/fuzz/corpus is kept for the next run; findings go to
# build/fuzz/artifacts/. Prints a PASS/FAIL line per step and ends with
# "N passed, M failed"; exits 1 on any crash, leak, sanitizer report or
# timeout. Needs clang and libclang-rt-14-dev (apt-get install clang
# libclang-rt-14-dev), libzstd-dev, liblzo2-dev.
set -uo pipefail

top=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
build=${PD_FUZZ_BUILD:-$top/build/fuzz}
secs=${1:-${PD_FUZZ_SECONDS:-60}}
work=$build/work
passed=0 failed=0
pass() { passed=$((passed + 1)); echo "PASS $*"; }
fail() { failed=$((failed + 1)); echo "FAIL $*"; }
finish() {
	echo "$passed passed, $failed failed"
	[ "$failed" = 0 ]
	exit $?
}
excerpt() {
	echo "---- $1 (last ${2:-30} lines) ----"
	tail -n "${2:-30}" "$1" | sed 's/^/    /'
	echo "----"
}

mkdir -p "$work" "$build/corpus" "$build/artifacts"
# The target writes a small sparse area and savecore's output per input.
if [ -d /dev/shm ] && [ -w /dev/shm ]; then
	export TMPDIR=/dev/shm
fi

if cmake -S "$top" -B "$build" -DCMAKE_C_COMPILER=clang -DCMAKE_CXX_COMPILER=clang++ \
	-DCMAKE_BUILD_TYPE=RelWithDebInfo -DPD_FUZZ=ON >"$work/build.log" 2>&1 &&
   cmake --build "$build" -j"$(nproc)" --target pd_fuzz_dump_area pd_fuzz_seeds \
	>>"$work/build.log" 2>&1; then
	pass "build pd_fuzz_dump_area (clang, fuzzer+address+undefined)"
else
	fail "build pd_fuzz_dump_area"
	excerpt "$work/build.log"
	finish
fi
fuzzer=$build/tests/fuzz/pd_fuzz_dump_area

rm -rf "$work/seeds"
mkdir -p "$work/seeds"
if "$build/tests/fuzz/pd_fuzz_seeds" "$work/seeds" && [ -n "$(ls -A "$work/seeds")" ]; then
	pass "seed corpus: $(ls "$work/seeds" | wc -l) real-writer dump areas"
else
	fail "seed corpus"
	finish
fi

# Every seed once: they are valid dumps and must go through cleanly.
if "$fuzzer" -runs=0 -timeout=10 "$work/seeds" >"$work/replay.log" 2>&1; then
	pass "seeds replay cleanly"
else
	fail "seeds replay cleanly"
	excerpt "$work/replay.log"
fi

rm -f "$build"/artifacts/crash-* "$build"/artifacts/leak-* "$build"/artifacts/timeout-* \
	"$build"/artifacts/oom-*
rc=0
"$fuzzer" -max_total_time="$secs" -timeout=10 -rss_limit_mb=2048 \
	-artifact_prefix="$build/artifacts/" -print_final_stats=1 \
	"$build/corpus" "$work/seeds" >"$work/fuzz.log" 2>&1 || rc=$?
execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$work/fuzz.log" | tail -n1)
found=$(ls "$build"/artifacts/ 2>/dev/null | grep -E '^(crash|leak|timeout|oom)-' || true)
if [ "$rc" = 0 ] && [ -z "$found" ]; then
	pass "fuzzed ${secs}s: ${execs:-?} inputs, corpus $(ls "$build/corpus" | wc -l), no crash, leak or timeout"
else
	fail "fuzzed ${secs}s (status $rc): ${found:-see log}"
	grep -m1 -B2 -A25 -E 'ERROR: (AddressSanitizer|LeakSanitizer|libFuzzer)|runtime error|==ERROR' \
		"$work/fuzz.log" | sed 's/^/    /' || excerpt "$work/fuzz.log"
fi
finish

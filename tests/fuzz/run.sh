#!/bin/bash
# Fuzz savecore's parse and extract path, then the dump writer's core, with
# libFuzzer for a bounded time each.
#
#   tests/fuzz/run.sh [SECONDS]        (default 60, or $PD_FUZZ_SECONDS)
#
# The writer's target (pd_fuzz_writer, fuzz_writer.cpp) runs the core on
# the simulated disk and RAM of tests/writer with a run and faults chosen
# by the input, and checks what it left (tests/writer/dump_checks.h): its
# seeds come from pd_fuzz_writer_seeds, it fuzzes for
# $PD_FUZZ_WRITER_SECONDS (default 60), its corpus is kept in
# build/fuzz/writer-corpus and its findings go to build/fuzz/writer-artifacts/.
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

# The dump writer: built, seeded, replayed and fuzzed the same way.
wsecs=${PD_FUZZ_WRITER_SECONDS:-60}
wcorpus=$build/writer-corpus wart=$build/writer-artifacts
mkdir -p "$wcorpus" "$wart"
if cmake --build "$build" -j"$(nproc)" --target pd_fuzz_writer pd_fuzz_writer_seeds \
	>"$work/build-writer.log" 2>&1; then
	pass "build pd_fuzz_writer (clang, fuzzer+address+undefined)"
else
	fail "build pd_fuzz_writer"
	excerpt "$work/build-writer.log"
	finish
fi
wfuzzer=$build/tests/fuzz/pd_fuzz_writer

rm -rf "$work/writer-seeds"
mkdir -p "$work/writer-seeds"
if "$build/tests/fuzz/pd_fuzz_writer_seeds" "$work/writer-seeds" &&
   [ -n "$(ls -A "$work/writer-seeds")" ]; then
	pass "writer seed corpus: $(ls "$work/writer-seeds" | wc -l) runs"
else
	fail "writer seed corpus"
	finish
fi

if "$wfuzzer" -runs=0 -timeout=10 "$work/writer-seeds" >"$work/writer-replay.log" 2>&1; then
	pass "writer seeds replay cleanly"
else
	fail "writer seeds replay cleanly"
	grep -m1 -B12 -A25 -E '^run: |ERROR: (AddressSanitizer|LeakSanitizer|libFuzzer)|runtime error' \
		"$work/writer-replay.log" | sed 's/^/    /' || excerpt "$work/writer-replay.log"
fi

rm -f "$wart"/crash-* "$wart"/leak-* "$wart"/timeout-* "$wart"/oom-*
rc=0
"$wfuzzer" -max_total_time="$wsecs" -timeout=10 -rss_limit_mb=2048 -max_len=512 \
	-artifact_prefix="$wart/" -print_final_stats=1 \
	"$wcorpus" "$work/writer-seeds" >"$work/writer-fuzz.log" 2>&1 || rc=$?
execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$work/writer-fuzz.log" | tail -n1)
found=$(ls "$wart"/ 2>/dev/null | grep -E '^(crash|leak|timeout|oom)-' || true)
if [ "$rc" = 0 ] && [ -z "$found" ]; then
	pass "fuzzed the writer ${wsecs}s: ${execs:-?} runs, corpus $(ls "$wcorpus" | wc -l), no violation, crash, leak or timeout"
else
	fail "fuzzed the writer ${wsecs}s (status $rc): ${found:-see log}"
	grep -m1 -B2 -A25 -E '^run: |ERROR: (AddressSanitizer|LeakSanitizer|libFuzzer)|runtime error|==ERROR' \
		"$work/writer-fuzz.log" | sed 's/^/    /' || excerpt "$work/writer-fuzz.log"
fi
finish

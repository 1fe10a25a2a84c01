#!/bin/bash
# Line coverage of the dump writer's core (capture/core/*.c) by its host
# tests: the writer's unit tests (GoogleTest suites named *Writer*) and
# the writer's fuzz inputs replayed by pd_writer_replay (the built-in
# seeds, and the corpus tests/fuzz/run.sh grew in build/fuzz/writer-corpus
# when there is one).
#
#   tests/coverage.sh [MIN]        (make coverage; MIN percent, default 90)
#
# Builds the unit tests with clang's source-based coverage
# (-fprofile-instr-generate -fcoverage-mapping, no sanitizers) in
# $PD_COVERAGE_BUILD (default build/coverage), runs them, prints the line
# coverage of each capture/core file and the total, writes an annotated
# HTML report to build/coverage/html, and exits 1 when the total is below
# MIN. Needs clang and llvm (llvm-profdata, llvm-cov) of the same version.
set -euo pipefail

top=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
build=${PD_COVERAGE_BUILD:-$top/build/coverage}
corpus=${PD_COVERAGE_CORPUS:-$top/build/fuzz/writer-corpus}
min=${1:-90}
prof=$build/profiles

# The llvm tools that read what this clang writes.
ver=$(clang -dumpversion | cut -d. -f1)
profdata=$(command -v "llvm-profdata-$ver" || command -v llvm-profdata)
cov=$(command -v "llvm-cov-$ver" || command -v llvm-cov)

flags="-fprofile-instr-generate -fcoverage-mapping"
mkdir -p "$build"
echo "coverage: building in $build" >&2
cmake -S "$top" -B "$build" -DCMAKE_C_COMPILER=clang -DCMAKE_CXX_COMPILER=clang++ \
	-DCMAKE_BUILD_TYPE=RelWithDebInfo -DPD_SANITIZE=OFF \
	-DCMAKE_C_FLAGS="$flags" -DCMAKE_CXX_FLAGS="$flags" >"$build/build.log" 2>&1 ||
	{ tail -n 30 "$build/build.log"; exit 1; }
cmake --build "$build" -j"$(nproc)" --target pd_unit_tests pd_writer_replay \
	>>"$build/build.log" 2>&1 || { tail -n 30 "$build/build.log"; exit 1; }

rm -rf "$prof"
mkdir -p "$prof"
units=$build/tests/unit/pd_unit_tests
replay=$build/tests/unit/pd_writer_replay
start=$SECONDS
LLVM_PROFILE_FILE="$prof/unit-%p.profraw" "$units" --gtest_filter='*Writer*' \
	--gtest_brief=1 >"$build/units.log" 2>&1 || { tail -n 40 "$build/units.log"; exit 1; }
inputs=(--seeds)
if [ -d "$corpus" ] && [ -n "$(ls -A "$corpus")" ]; then
	inputs+=("$corpus")
fi
LLVM_PROFILE_FILE="$prof/replay-%p.profraw" "$replay" "${inputs[@]}" \
	>"$build/replay.log" 2>&1 || { tail -n 40 "$build/replay.log"; exit 1; }
echo "coverage: tests ran in $((SECONDS - start))s; $(tail -n1 "$build/replay.log")" \
	"(${inputs[*]})" >&2

"$profdata" merge -sparse -o "$build/writer.profdata" "$prof"/*.profraw
sources=("$top"/capture/core/*.c)
"$cov" show "$units" -object "$replay" -instr-profile="$build/writer.profdata" \
	-format=html -output-dir="$build/html" "${sources[@]}" >/dev/null
"$cov" export "$units" -object "$replay" -instr-profile="$build/writer.profdata" \
	-summary-only "${sources[@]}" >"$build/summary.json"

python3 - "$build/summary.json" "$top/" "$min" <<'PY'
import json, sys

data = json.load(open(sys.argv[1]))["data"][0]
top, want = sys.argv[2], float(sys.argv[3])
print(f"{'file':<32} {'lines':>6} {'missed':>6} {'cover':>7}")
for f in sorted(data["files"], key=lambda f: f["filename"]):
    l = f["summary"]["lines"]
    print(f"{f['filename'].replace(top, ''):<32} {l['count']:>6} "
          f"{l['count'] - l['covered']:>6} {l['percent']:>6.1f}%")
t = data["totals"]["lines"]
print(f"{'TOTAL':<32} {t['count']:>6} {t['count'] - t['covered']:>6} {t['percent']:>6.1f}%")
if t["percent"] < want:
    print(f"line coverage {t['percent']:.1f}% is below {want:g}%")
    sys.exit(1)
PY

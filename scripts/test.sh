#!/bin/bash
# Everything CI runs (.ci/run), as root on Debian 12:
#   1. install the Debian packages (scripts/install-deps.sh)
#   2. fetch and cache the guest kernel (qemu/kernel.sh)
#   3. build panicdump.ko, pdtest.ko (against the guest kernel's headers),
#      dumpadm and savecore
#   4. unit tests (ctest); make install staged, and the module built from
#      its DKMS source (tests/install/run.sh); savecore's parser and the
#      dump writer's core under libFuzzer
#   5. end-to-end QEMU scenarios (tests/e2e/run.sh): panicdump's dumps, read
#      by crash and drgn; then one reference run where QEMU writes the dump,
#      which checks the harness and the readers independently of panicdump
#
# PD_E2E_SCENARIOS overrides the e2e list (default: the list below, which
# leaves some out and says so loudly; "full" is every scenario: make
# check-full). The trixie analyzers (crash 8.0.6, drgn 0.0.31) come from
# scripts/trixie-analyzers.sh, a Debian 13 chroot made once.
# Ends with "TOTAL: N passed, M failed, K skipped"; exits 1 on any failure.
set -euo pipefail

top=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$top"
start=$SECONDS
stage() { echo; echo "=== $* ($((SECONDS - start))s)"; }

if [ "$(id -u)" != 0 ]; then
	echo "scripts/test.sh must run as root (apt-get, QEMU disk images, crash)" >&2
	exit 1
fi

stage "dependencies"
bash scripts/install-deps.sh

stage "guest kernel"
eval "$(bash qemu/kernel.sh)"
pd_kver=$PD_KVER
echo "kernel $PD_KVER: $PD_VMLINUZ, $PD_VMLINUX"

stage "trixie analyzers (crash 8.0.6, drgn 0.0.31)"
# Not fatal here: without the chroot the e2e checks that need it FAIL.
bash scripts/trixie-analyzers.sh setup ||
	echo "WARNING: no trixie analyzers (scripts/trixie-analyzers.sh setup failed)"

stage "build"
make module KDIR="$PD_KDIR" PD_TEST=1
make tools

failed=0 passed=0 skipped=0 notes=()

mkdir -p out

stage "unit tests (ctest)"
unit_rc=0
(cd build && ctest --output-on-failure) 2>&1 | tee out/ctest.log || unit_rc=$?
summary=$(grep -E 'tests passed, [0-9]+ tests? failed out of [0-9]+' out/ctest.log | tail -n1 || true)
if [ -n "$summary" ]; then
	# "100% tests passed, 0 tests failed out of 12"
	total=$(sed -E 's/.* out of ([0-9]+).*/\1/' <<<"$summary")
	ufail=$(sed -E 's/.*passed, ([0-9]+) tests? failed.*/\1/' <<<"$summary")
	passed=$((passed + total - ufail))
	failed=$((failed + ufail))
	notes+=("unit: $summary")
	if [ "$unit_rc" != 0 ] && [ "$ufail" = 0 ]; then
		failed=$((failed + 1))
		notes+=("unit: ctest exited $unit_rc")
	fi
else
	failed=$((failed + 1))
	notes+=("unit: ctest gave no summary (status $unit_rc), see out/ctest.log")
fi

# A suite prints "N passed, M failed[, K skipped]" last.
suite() {
	local name=$1 rc=0 line
	shift
	"$@" 2>&1 | tee "out/$name.log" || rc=$?
	line=$(grep -E '^[0-9]+ passed, [0-9]+ failed' "out/$name.log" | tail -n1 || true)
	if [ -z "$line" ]; then
		failed=$((failed + 1))
		notes+=("$name: no result line (status $rc), see out/$name.log")
		return
	fi
	read -r p _ f _ k _ <<<"${line//,/}"
	passed=$((passed + p))
	failed=$((failed + f))
	skipped=$((skipped + ${k:-0}))
	notes+=("$name: $line")
	if [ "${k:-0}" != 0 ]; then
		while IFS= read -r l; do notes+=("  $l"); done < <(grep '^SKIP ' "out/$name.log")
	fi
	if [ "$rc" != 0 ] && [ "$f" = 0 ]; then
		failed=$((failed + 1))
		notes+=("$name: exited $rc")
	fi
}
e2e() {
	local name=$1
	shift
	suite "$name" env PD_KVER="$pd_kver" bash tests/e2e/run.sh "$@"
}

stage "install: what make install stages, and the module DKMS builds from it"
suite install bash tests/install/run.sh "$PD_KDIR"

stage "fuzz: savecore's parser and the dump writer under libFuzzer (${PD_FUZZ_SECONDS:-60} s + ${PD_FUZZ_WRITER_SECONDS:-60} s)"
suite fuzz bash tests/fuzz/run.sh
# The default list keeps this script under about 25 minutes on 2 cores
# under TCG; `make check-full` (PD_E2E_SCENARIOS=full) runs every scenario
# on virtio, NVMe and SATA, 6.1 and 6.12, and the device matrix
# (tests/e2e/run.sh "full"). Of the matrix, here: a dump partition next to
# a mounted file system on NVMe under UEFI, 4 vCPUs, 4096-byte blocks on
# NVMe and virtio, virtio behind Debian's default VT-d translation, and
# a hung machine dumped by an NMI.
default_scenarios="sysrq spin oops bug_softirq kthread_panic warn softlockup uaf lzo sysrq:nvme spin:nvme sysrq:sata rearm rearm_fail partial nocomp fault swap refusals sysrq:nvme+ovmf+part spin+cpu4 content_kernel content_curproc content_all sysrq@6.12 sysrq:nvme+4k sysrq+4k sysrq+vtd nmi_irqoff"
read -r -a scenarios <<<"${PD_E2E_SCENARIOS:-$default_scenarios}"
not_run=()
if [ "${scenarios[*]}" != full ]; then
	# What "full" runs (tests/e2e/run.sh --list full) less what runs here.
	while IFS= read -r x; do
		case " ${scenarios[*]} " in *" $x "*) ;; *) not_run+=("$x") ;; esac
	done < <(bash tests/e2e/run.sh --list full)
fi
not_run_banner() {
	[ ${#not_run[@]} -gt 0 ] || return 0
	echo "!!! NOT RUN here (${#not_run[@]} e2e scenarios; \`make check-full\` runs them all):"
	echo "!!!   ${not_run[*]}" | fold -s -w 100 | sed '2,$s/^/!!!   /'
}

stage "e2e: panicdump (${scenarios[*]})"
not_run_banner
e2e e2e "${scenarios[@]}"

stage "e2e: reference dump by QEMU (harness and readers, without panicdump)"
PD_E2E_OUT=$top/out/e2e-ref e2e e2e-ref --ref sysrq spin

stage "summary"
for n in "${notes[@]}"; do echo "$n"; done
not_run_banner
echo "took $((SECONDS - start))s"
echo "TOTAL: $passed passed, $failed failed, $skipped skipped"
[ "$failed" = 0 ]

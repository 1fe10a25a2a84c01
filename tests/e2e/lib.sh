# shellcheck shell=bash
# Sourced by tests/e2e/run.sh: the counters and the helpers every check
# uses. Each check prints one "PASS|FAIL|SKIP LABEL: what" line; scripts/
# test.sh and CI count them and read the closing summary line.

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
# check_or_show NAME FILE PATTERN [LINES]: has FILE PATTERN as a check, and
# on failure the end of FILE.
check_or_show() {
	if has "$2" "$3"; then
		pass "$1"
	else
		fail "$1"
		excerpt "$2" "${4:-25}"
	fi
}

# The closing line scripts/test.sh and CI read; the status: 1 if anything
# failed.
summary() {
	if [ "$skipped" -gt 0 ]; then
		echo "$passed passed, $failed failed, $skipped skipped"
	else
		echo "$passed passed, $failed failed"
	fi
	[ "$failed" = 0 ]
}

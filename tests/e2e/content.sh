# shellcheck shell=bash
# shellcheck disable=SC2154 # label, trixie_crash: run.sh's globals
# Sourced by tests/e2e/run.sh: the checks of the content_* scenarios.
#
# The guest (qemu/guest-init.sh scenario content) leaves two processes
# with buffers filled by pd_pattern (tests/guest/pd_pattern.c): PDHOLDER,
# a bystander, and PDPANICR, the process that panics the kernel. Each
# prints "PD-PATTERN tag=T pid=P addr=0xA bytes=N" on the console. With
# trixie's crash (8.0.6, which can `set` a 6.1.0-5x task) the host reads
# three pages of each buffer through the process's page tables:
#
#   content   PDHOLDER   PDPANICR
#   kernel    excluded   excluded
#   curproc   excluded   present
#   all       present    present
#
# "present" means rd shows the tag's bytes; "excluded" that crash says the
# page is not in the dump (and the tag is nowhere in rd's output).

declare -A crash_extra=()

# The 64-bit word crash's `rd -64` shows for 8 ASCII bytes (little endian).
tag_qword() { printf '%s' "$1" | od -An -tx8 | tr -d ' \n'; }

# content_checks CONTENT DIR VMCORE
content_checks() {
	local content=$1 dir=$2 vmcore=$3 tag want
	content_commands "$dir/console.log" || return 0
	mkdir -p "$dir/content"
	if ! run_crash "$dir/content" "$vmcore" trixie "${content_names[@]}"; then
		fail "$label: crash $trixie_crash runs set/rd -u on the vmcore"
		excerpt "$dir/content/crash-trixie.out"
		return
	fi
	for tag in PDHOLDER PDPANICR; do
		case $content:$tag in
		all:* | curproc:PDPANICR) want=present ;;
		*) want=excluded ;;
		esac
		content_tag_checks "$content" "$dir/content/crash-trixie" "$tag" "$want"
	done
}

# content_commands CONSOLE: from each pd_pattern line, the crash commands
# (content_names, crash_extra) that read its buffer's first, middle and
# last page in its process (content_pid[TAG]); 1 (said as a FAIL) when a
# line is missing or short.
declare -A content_pid=()
content_commands() {
	local tag line pid addr bytes i a
	content_names=()
	for tag in PDHOLDER PDPANICR; do
		line=$(grep -a -m1 -o "PD-PATTERN tag=$tag .*" "$1" || true)
		if [ -z "$line" ]; then
			fail "$label: console has pd_pattern's $tag line"
			return 1
		fi
		pid=$(sed -n 's/.* pid=\([0-9]*\).*/\1/p' <<<"$line")
		addr=$(sed -n 's/.* addr=0x\([0-9a-f]*\).*/\1/p' <<<"$line")
		bytes=$(sed -n 's/.* bytes=\([0-9]*\).*/\1/p' <<<"$line")
		if [ -z "$pid" ] || [ -z "$addr" ] || [ "${bytes:-0}" -lt 8192 ]; then
			fail "$label: pd_pattern's $tag line has pid, addr and bytes ($line)"
			return 1
		fi
		content_pid[$tag]=$pid
		crash_extra[x.set-$tag]="set $pid"
		content_names+=("x.set-$tag")
		# First, middle and last page of the buffer (2 words, one page).
		i=0
		for a in $((16#$addr)) $((16#$addr + bytes / 2)) $((16#$addr + bytes - 16)); do
			crash_extra[x.rd-$tag-$i]=$(printf 'rd -u -64 %x 2' "$a")
			content_names+=("x.rd-$tag-$i")
			i=$((i + 1))
		done
	done
}

# content_tag_checks CONTENT F TAG WANT: each of TAG's three pages is WANT
# (present or excluded) in crash's outputs F.*.
content_tag_checks() {
	local content=$1 f=$2 tag=$3 want=$4 pid=${content_pid[$3]} q i a verdict
	q=$(tag_qword "$tag")
	if ! has "$f.x.set-$tag" "PID: *$pid\$"; then
		fail "$label: crash set $pid (the $tag process)"
		excerpt "$f.x.set-$tag" 5
		excerpt "$f.out" 10
		return
	fi
	for i in 0 1 2; do
		a=${crash_extra[x.rd-$tag-$i]#rd -u -64 }
		a=${a% 2}
		if has "$f.x.rd-$tag-$i" "^ *0*$a: +$q +$q"; then
			verdict=present
		elif ! grep -qi "$q" "$f.x.rd-$tag-$i" 2>/dev/null &&
			grep -qsi "page excluded.*$a" "$f.x.rd-$tag-$i" "$f.out"; then
			verdict=excluded
		else
			verdict="neither present nor excluded"
		fi
		if [ "$verdict" = "$want" ]; then
			pass "$label: $tag page $i (pid $pid, ${a}) is $want (content $content)"
		else
			fail "$label: $tag page $i (pid $pid, ${a}) is $want (content $content): crash says $verdict"
			excerpt "$f.x.rd-$tag-$i" 5
			grep -m3 -i "$a" "$f.out" | sed 's/^/    /' || true
		fi
	done
}

# What the kernel's watchdogs print when a CPU or task is stuck.
watchdog_re='soft lockup|hard LOCKUP|NMI watchdog|rcu.*(stall|self-detected)|blocked for more than'

# watchdog_checks CONSOLE: nothing of the above between the panic and
# panicdump's final summary line (which must be there).
watchdog_checks() {
	local log=$1 span ms
	span=$(sed -n '/Kernel panic - not syncing/,/panicdump: dump \(complete\|INCOMPLETE\)/p' "$log")
	if ! grep -q 'panicdump: dump \(complete\|INCOMPLETE\)' <<<"$span"; then
		fail "$label: console has panicdump's final summary after the panic (watchdog check)"
		return
	fi
	ms=$(grep -o '[0-9]* ms' <<<"$span" | tail -n1 || true)
	if grep -qEi "$watchdog_re" <<<"$span"; then
		fail "$label: no watchdog message between the panic and the end of the dump ($ms)"
		grep -m5 -Ei "$watchdog_re" <<<"$span" | sed 's/^/    /'
	else
		pass "$label: no watchdog message between the panic and the end of the dump ($ms)"
	fi
}

#!/bin/bash
# The boot test's driver inside the guest (tests/boot/run.sh installs it as
# /usr/local/sbin/pdboot-step, run by pdboot.service after savecore.service
# and dumpadm.service at every boot). The step it is at survives reboots in
# /var/lib/pdboot/step:
#
#   0  first boot, nothing configured: the units are quiet; panicdump is
#      loaded before pvpanic; dumpadm -e; pvpanic reloaded first on
#      purpose: dumpadm -d warns, and its fix works; dumpadm -d /dev/vdb
#      -m 64m; reboot
#   1  armed by dumpadm.service alone; crash (sysrq c)
#   2  savecore.service saved vmcore.0 by itself, dumpadm.service armed
#      again after it; crash
#   3  vmcore.1; dumpadm -n; crash
#   4  savecore.service skipped, the dump is still on the device and
#      dumpadm.service refused to arm over it; savecore by hand saves
#      vmcore.2; dumpadm -u arms again; dumpadm -y; power off
#
# Every check prints "PDBOOT PASS <what>" or "PDBOOT FAIL <what>" on the
# console; the host counts them. "PDBOOT DONE" ends the test.
set -u
export PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin

state=/var/lib/pdboot
host=$(hostname)
crashdir=/var/crash/$host
mkdir -p "$state"
step=$(cat "$state/step" 2>/dev/null || echo 0)

say() { echo "PDBOOT $*"; }
pass() { say "PASS step $step: $*"; }
fail() { say "FAIL step $step: $*"; }
check() { # check WHAT COMMAND...
	local what=$1
	shift
	if "$@"; then pass "$what"; else fail "$what"; fi
}
has() { grep -qE -- "$2" "$1" 2>/dev/null; }
# show NAME COMMAND...: runs the command, keeps its output in /tmp/NAME
# and copies it to the console, framed; returns its status.
show() {
	local name=$1 rc=0
	shift
	"$@" >"/tmp/$name" 2>&1 || rc=$?
	echo "PDBOOT-BEGIN $name"
	cat "/tmp/$name"
	echo "PDBOOT-END $name (status $rc)"
	return $rc
}
unit_prop() { systemctl show -p "$2" --value "$1"; }
journal() { journalctl -b -o cat --no-pager -u "$1"; }
mode_of() { stat -c %a "$1" 2>/dev/null; }
next() {
	echo $(($1)) >"$state/step"
	sync
}
crash_now() {
	echo "PDBOOT-MARKER-$1" >/dev/kmsg
	next "$step + 1"
	say "crashing (step $step)"
	sleep 1
	echo c >/proc/sysrq-trigger
	sleep 30
	fail "still running after sysrq c"
}
saved_files_ok() { # N
	local f ok=0
	for f in vmcore dmesg info System.map; do
		if [ ! -s "$crashdir/$f.$1" ]; then
			echo "missing $crashdir/$f.$1"
			ok=1
		elif [ "$(mode_of "$crashdir/$f.$1")" != 600 ]; then
			echo "$crashdir/$f.$1 has mode $(mode_of "$crashdir/$f.$1"), expected 600"
			ok=1
		fi
	done
	return $ok
}
savecore_before_dumpadm() {
	local done_at start_at
	done_at=$(unit_prop savecore.service ExecMainExitTimestampMonotonic)
	start_at=$(unit_prop dumpadm.service ExecMainStartTimestampMonotonic)
	[ -n "$done_at" ] && [ -n "$start_at" ] && [ "$done_at" -le "$start_at" ]
}
armed() { dumpadm | grep -q 'Capture module: armed'; }
# /proc/modules lists the newest first: panicdump after pvpanic = older.
panicdump_before_pvpanic() {
	awk '$1 == "pvpanic" { pv = NR } $1 == "panicdump" { pd = NR }
	     END { exit !(pd && pv && pd > pv) }' /proc/modules
}
export -f panicdump_before_pvpanic

say "step $step on $(uname -r), boot $(cat /proc/sys/kernel/random/boot_id)"
show units systemctl --no-pager status savecore.service dumpadm.service
case $step in
0)
	check "savecore.service and dumpadm.service are enabled" \
		test "$(systemctl is-enabled savecore.service dumpadm.service | sort -u)" = enabled
	check "savecore.service skipped quietly without a configuration" \
		test "$(unit_prop savecore.service ConditionResult)" = no
	check "dumpadm.service succeeded with no device configured" \
		test "$(unit_prop dumpadm.service Result)/$(unit_prop dumpadm.service ExecMainStatus)" = success/0
	journal dumpadm.service >/tmp/j
	check "dumpadm -u said no device is configured" has /tmp/j "no dump device configured"
	check "panicdump loaded at boot (modules-load.d)" test -d /sys/module/panicdump
	show modules grep -E '^(panicdump|pvpanic|pvpanic_pci) ' /proc/modules
	check "panicdump loaded before pvpanic" panicdump_before_pvpanic
	modprobe -D pvpanic_pci >/tmp/softdep 2>&1
	check "modprobe.d softdep loads panicdump before pvpanic_pci" has /tmp/softdep 'panicdump\.ko'
	show estimate dumpadm -e
	check "dumpadm -e estimates" has /tmp/estimate '^Estimated dump size: '
	check "dumpadm -e names the fixed ratio" has /tmp/estimate 'assuming 3:1 for zstd'
	check "serial of /dev/vdb is pddump" test "$(cat /sys/block/vdb/serial)" = pddump
	show pvpanic-events grep . /sys/bus/pci/drivers/pvpanic-pci/*/events
	# The pvpanic preflight for real: pvpanic first (insmod, past the
	# softdep), then panicdump; dumpadm warns and still arms.
	rmmod pvpanic_pci pvpanic panicdump &&
		insmod "$(modinfo -n pvpanic)" && insmod "$(modinfo -n pvpanic_pci)" &&
		modprobe panicdump
	show misordered grep -E '^(panicdump|pvpanic|pvpanic_pci) ' /proc/modules
	check "pvpanic loaded before panicdump (on purpose)" bash -c '! panicdump_before_pvpanic'
	show warn dumpadm -d /dev/vdb
	check "dumpadm -d warns that pvpanic was loaded first" \
		has /tmp/warn 'warning: pvpanic was loaded before panicdump'
	check "the warning names the fix and the events file" \
		has /tmp/warn 'now: rmmod pvpanic_pci pvpanic && modprobe pvpanic_pci\).*/events'
	check "dumpadm -d armed anyway (a warning, not a refusal)" has /tmp/warn 'Capture module: armed'
	# The fix the warning gives: panicdump stays loaded and armed.
	rmmod pvpanic_pci pvpanic && modprobe pvpanic_pci
	check "after the fix panicdump is before pvpanic" panicdump_before_pvpanic
	check "and still armed" armed
	show arm dumpadm -d /dev/vdb -m 64m
	rc=$?
	check "dumpadm -d /dev/vdb -m 64m succeeded" test "$rc" = 0
	check "no pvpanic warning when arming" bash -c '! grep -q "warning: pvpanic" /tmp/arm'
	check "the listing says armed" has /tmp/arm 'Capture module: armed'
	check "dumpadm.conf records the device" has /etc/dumpadm.conf '^DUMPADM_DEVICE=/dev/vdb$'
	check "dumpadm.conf records minfree" has /etc/dumpadm.conf '^DUMPADM_MINFREE=64m$'
	check "minfree file in the savecore directory" test "$(cat "$crashdir/minfree" 2>/dev/null)" = 64m
	check "savecore directory is 0700" test "$(mode_of "$crashdir")" = 700
	show conf cat /etc/dumpadm.conf
	next 1
	say "rebooting"
	systemctl --no-block reboot
	;;
1)
	check "dumpadm.service succeeded" \
		test "$(unit_prop dumpadm.service Result)/$(unit_prop dumpadm.service ExecMainStatus)" = success/0
	journal dumpadm.service >/tmp/j
	check "dumpadm -u armed /dev/vdb at boot" has /tmp/j 'dumpadm: armed /dev/vdb'
	check "savecore.service ran and found no dump (status 1 = success)" \
		test "$(unit_prop savecore.service Result)/$(unit_prop savecore.service ExecMainStatus)" = success/1
	show status dumpadm
	check "dumpadm shows the module armed after the reboot" has /tmp/status 'Capture module: armed'
	crash_now 1
	;;
2)
	show j journal savecore.service
	check "savecore.service saved the dump by itself (status 0)" \
		test "$(unit_prop savecore.service Result)/$(unit_prop savecore.service ExecMainStatus)" = success/0
	check "vmcore.0, dmesg.0, info.0, System.map.0 (mode 600)" saved_files_ok 0
	check "bounds is 1" test "$(cat "$crashdir/bounds" 2>/dev/null)" = 1
	check "savecore directory is 0700" test "$(mode_of "$crashdir")" = 700
	check "dmesg.0 has this test's marker" has "$crashdir/dmesg.0" 'PDBOOT-MARKER-1'
	check "dmesg.0 has the sysrq crash" has "$crashdir/dmesg.0" 'sysrq triggered crash'
	check "savecore.service finished before dumpadm.service started" savecore_before_dumpadm
	check "dumpadm.service armed again" \
		test "$(unit_prop dumpadm.service Result)/$(unit_prop dumpadm.service ExecMainStatus)" = success/0
	check "dumpadm shows the module armed" armed
	show ls ls -la "$crashdir"
	crash_now 2
	;;
3)
	check "savecore.service saved the second dump" \
		test "$(unit_prop savecore.service ExecMainStatus)" = 0
	check "vmcore.1 and the rest (mode 600)" saved_files_ok 1
	check "bounds is 2" test "$(cat "$crashdir/bounds" 2>/dev/null)" = 2
	check "dmesg.1 has the second marker" has "$crashdir/dmesg.1" 'PDBOOT-MARKER-2'
	check "dumpadm shows the module armed" armed
	show disable dumpadm -n
	check "dumpadm -n records DUMPADM_ENABLE=no" has /etc/dumpadm.conf '^DUMPADM_ENABLE=no$'
	check "the listing says savecore is disabled" has /tmp/disable 'Savecore enabled: no'
	crash_now 3
	;;
4)
	show savecore-status systemctl --no-pager status savecore.service
	check "savecore.service was skipped (DUMPADM_ENABLE=no)" \
		test "$(unit_prop savecore.service ExecMainStartTimestampMonotonic)" = 0
	check "no vmcore.2 saved automatically" test ! -e "$crashdir/vmcore.2"
	show check savecore -C
	check "savecore -C finds the dump left on the device" test $? = 0
	show j journal dumpadm.service
	check "dumpadm.service refused to arm over the unsaved dump" has /tmp/j 'holds an unsaved dump'
	check "dumpadm.service failed visibly" test "$(unit_prop dumpadm.service Result)" != success
	show savecore savecore -v
	check "savecore by hand saved it" test $? = 0
	check "vmcore.2 and the rest (mode 600)" saved_files_ok 2
	check "dmesg.2 has the third marker" has "$crashdir/dmesg.2" 'PDBOOT-MARKER-3'
	show rearm dumpadm -u
	check "dumpadm -u arms again after savecore" armed
	show enable dumpadm -y
	check "dumpadm -y records DUMPADM_ENABLE=yes" has /etc/dumpadm.conf '^DUMPADM_ENABLE=yes$'
	show ls ls -la "$crashdir"
	next 5
	say DONE
	systemctl --no-block poweroff
	;;
*)
	say DONE
	systemctl --no-block poweroff
	;;
esac
exit 0

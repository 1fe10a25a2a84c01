# shellcheck shell=bash
# shellcheck disable=SC2034 # the tables are read by run.sh
# Sourced by tests/e2e/run.sh: the test matrix as data. A scenario spec is
#
#   SCENARIO[@KERNEL][:CONTROLLER][+MODIFIER...]     e.g. sysrq@6.12:nvme+part
#
# that is a scenario of the table below and at most one token per
# dimension, each spelled as its dimension's row says ("%" is the value).
# Every token adds "-TOKEN" (its sigil made a dash) to the artifact
# directory, in the order written: out/e2e/sysrq-6.12-nvme-part.
#
# Adding a dimension: one `dimension` line here, and the run-guest.sh
# options its values stand for in dimension_guest_opts (run.sh); a check
# of what the guest saw, if any, in dimension_checks (run.sh).

declare -a dimensions=()
declare -A dim_default=() dim_values=() dim_spelling=() token_dim=() token_value=()
# dimension NAME SPELLING DEFAULT VALUE...
dimension() {
	local name=$1 spelling=$2 v
	dimensions+=("$name")
	dim_default[$name]=$3 dim_spelling[$name]=$spelling
	shift 3
	dim_values[$name]="$*"
	for v in "$@"; do
		token_dim[${spelling//%/$v}]=$name
		token_value[${spelling//%/$v}]=$v
	done
}
#         name        spelling  default  values
dimension kernel      @%        6.1      6.1 6.12
dimension controller  :%        virtio   virtio nvme sata
dimension layout      +%        whole    whole part
dimension firmware    +%        seabios  seabios ovmf
dimension vcpus       +cpu%     2        1 2 4
dimension blocksize   +%        512      512 4k
dimension iommu       +%        none     none vtd vtd-ap amdvi

# The scenarios: what qemu/guest-init.sh runs in the guest (GUEST), which
# panic it ends in (PANIC: the key of the expect_* tables in readers.sh and
# analysis.sh), the dump disk's size (or its dump partition's with +part),
# the check groups in the order they run (run.sh's group_* functions) and
# more kernel command line.
declare -a scenario_names=()
declare -A sc_guest=() sc_panic=() sc_disk=() sc_checks=() sc_args=()
# scenario NAME GUEST PANIC DISK 'GROUP...' ['KERNEL ARGS']
scenario() {
	scenario_names+=("$1")
	sc_guest[$1]=$2 sc_panic[$1]=$3 sc_disk[$1]=$4 sc_checks[$1]=$5 sc_args[$1]=${6:-}
}
# More run-guest.sh options a scenario's boots need (the NMI button).
declare -A sc_qemu=()
# The groups every panic runs, from the boot to panicdump's report.
booted='boot console panic dump'
# The nine panics, and what the tutorial's analysis adds to their readers.
panic_checks="$booted savecore crash drgn analysis gdb"
#        name            guest          panic          disk check groups
scenario sysrq           sysrq          sysrq          2G   "$booted savecore reboot crash drgn analysis gdb"
scenario spin            spin           spin           2G   "$panic_checks"
scenario oops            oops           oops           2G   "$panic_checks"
scenario bug_softirq     bug_softirq    bug_softirq    2G   "$panic_checks"
scenario panic           panic          panic          2G   "$panic_checks"
scenario kthread_panic   kthread_panic  kthread_panic  2G   "$panic_checks"
scenario warn            warn           warn           2G   "$panic_checks"
scenario softlockup      softlockup     softlockup     2G   "$panic_checks"
# SLUB red zones, poison and alloc/free owners (U) on the object's cache;
# the poison check's TAINT_BAD_PAGE (bit 5) panics.
scenario uaf             uaf            uaf            2G   "$panic_checks" \
	"slub_debug=FZPU,kmalloc-256 panic_on_taint=0x20"
# partial: dumpadm refuses a disk smaller than its estimate (all RAM at an
# assumed 4:1 for kernel pages, 2:1 for the others: 497 MiB for the 1 GiB
# guest), so the disk is just above that and the guest fills 560 MiB of
# tmpfs with random data after arming: about 610 MB of dump that does not
# fit 512 MiB, the kernel's pages (written first, about 17 MB) do.
scenario partial         sysrq          sysrq "${PD_PARTIAL_DISK:-512M}" \
	"$booted incomplete savecore saved_incomplete saved_nospc crash_full crash crash_minimal" \
	"pd.content=all pd.fill=${PD_PARTIAL_FILL:-560}"
scenario lzo             sysrq          sysrq          2G   "$booted savecore saved_lzo crash lzo" \
	"pd.compression=lzo"
scenario nocomp          sysrq          sysrq          2G   "$booted savecore saved_nocomp crash drgn" \
	"pd.compression=none"
# A NULL store after 20000 of about 30000 pages.
scenario fault           sysrq          sysrq          2G \
	"$booted fault_oops savecore saved_incomplete saved_fault crash_full_or_limit crash_minimal" \
	"panicdump.test_fault_after_pages=20000"
scenario rearm           sysrq          sysrq          2G   "$booted rearm savecore saved_as_before"
# A hung machine dumped by the hypervisor's NMI (kernel.unknown_nmi_panic),
# idle, and with CPU 1 spinning with interrupts off.
scenario nmi             nmi            nmi            2G   "$booted savecore crash drgn"
scenario nmi_irqoff      nmi_irqoff     nmi_irqoff     2G   "$booted savecore crash drgn"
sc_qemu[nmi]=-M sc_qemu[nmi_irqoff]=-M
# Two re-arms the module fails (a test build's test_fail_arm: after every
# allocation, then at the header write): the first arm must stay and dump.
scenario rearm_fail      rearm_fail     sysrq          2G   "$booted rearm_fail savecore saved_first_arm crash"
scenario swap            swap           sysrq          2G   "$booted savecore swap crash drgn"
scenario refusals        refusals       -              64M  "refusals"
scenario content_kernel  content        content        2G   "$booted savecore crash content watchdog" \
	"pd.content=kernel pd.quickwd=1"
scenario content_all     content        content        2G   "$booted savecore crash content watchdog" \
	"pd.content=all pd.quickwd=1 pd.fill=256"
scenario content_curproc content        content        2G   "$booted savecore crash content watchdog" \
	"pd.content=curproc pd.quickwd=1"

# The named lists of scenarios (run.sh's arguments "all", "extra",
# "content", "full").
list_all=(sysrq spin oops bug_softirq panic kthread_panic warn softlockup uaf)
list_extra=(partial lzo nocomp fault rearm rearm_fail nmi nmi_irqoff swap refusals)
list_content=(content_kernel content_all content_curproc)
# named_list NAME: its specs, one a line; 1 if NAME names no list.
named_list() {
	case $1 in
	all) printf '%s\n' "${list_all[@]}" ;;
	extra) printf '%s\n' "${list_extra[@]}" ;;
	content) printf '%s\n' "${list_content[@]}" ;;
	full) full_list ;;
	*) return 1 ;;
	esac
}
# Every scenario on virtio, NVMe and SATA, 6.1 and 6.12, then the device
# matrix (make check-full; scripts/test.sh names what it leaves out).
full_list() {
	local k d x
	for k in '' @6.12; do
		for d in '' :nvme :sata; do
			for x in "${list_all[@]}" partial lzo nocomp fault rearm; do echo "$x$k$d"; done
		done
	done
	printf '%s\n' swap refusals swap@6.12 "${list_content[@]}"
	# Partitions (every controller on 6.1, virtio and NVMe on 6.12),
	# UEFI, 1 and 4 vCPUs.
	for d in '' :nvme :sata; do
		for x in sysrq spin panic rearm; do echo "$x$d+part"; done
	done
	for d in '' :nvme; do
		printf '%s\n' "sysrq@6.12$d+part" "spin@6.12$d+part"
		for k in '' @6.12; do printf '%s\n' "sysrq$k$d+ovmf" "spin$k$d+ovmf"; done
		echo "sysrq$d+ovmf+part"
		for x in sysrq spin softlockup; do echo "$x$d+cpu4"; done
	done
	for x in sysrq oops bug_softirq panic kthread_panic warn; do echo "$x+cpu1"; done
	echo "sysrq:nvme+cpu1"
	# 4096-byte blocks; IOMMU translation on every controller, and a
	# virtio disk that goes through it (ACCESS_PLATFORM).
	for d in '' :nvme; do
		for k in '' @6.12; do printf '%s\n' "sysrq$k$d+4k" "spin$k$d+4k"; done
		echo "sysrq$d+part+4k"
	done
	for d in '' :nvme :sata; do
		for k in '' @6.12; do echo "sysrq$k$d+vtd"; done
		echo "spin$d+vtd"
	done
	printf '%s\n' sysrq+vtd-ap sysrq@6.12+vtd-ap spin+vtd-ap sysrq:nvme+4k+vtd rearm_fail rearm_fail@6.12
	# AMD-Vi, which Linux runs in strict mode under a hypervisor.
	printf '%s\n' sysrq+amdvi sysrq:nvme+amdvi sysrq:sata+amdvi sysrq@6.12+amdvi
	for k in '' @6.12; do
		for d in '' :nvme :sata; do printf '%s\n' "nmi$k$d" "nmi_irqoff$k$d"; done
	done
}

# Every dimension's tokens, for a message.
dimension_tokens() {
	local d v out=''
	for d in "${dimensions[@]}"; do
		out+="$d"
		for v in ${dim_values[$d]}; do out+=" ${dim_spelling[$d]//%/$v}"; done
		out+='; '
	done
	echo "${out%; }"
}

# parse_spec SPEC: sets sc (the scenario's name), dim[DIMENSION] (every
# dimension, the default where SPEC names none) and sc_suffix (the
# artifact directory's); 1 with a message on a token no row spells.
declare -A dim=()
parse_spec() {
	local spec=$1 rest tok body d
	local -A named=()
	sc=${spec%%[@:+]*} rest=${spec#"${spec%%[@:+]*}"} sc_suffix=''
	[ -n "${sc_checks[$sc]:-}" ] || { echo "unknown scenario '$sc' in $spec (one of: ${scenario_names[*]})" >&2; return 1; }
	for d in "${dimensions[@]}"; do dim[$d]=${dim_default[$d]}; done
	while [ -n "$rest" ]; do
		body=${rest:1} body=${body%%[@:+]*} tok=${rest:0:1}$body rest=${rest:${#tok}}
		d=${token_dim[$tok]:-}
		if [ -z "$d" ]; then
			echo "unknown $tok in $spec (known: $(dimension_tokens))" >&2
			return 1
		fi
		[ -z "${named[$d]:-}" ] || { echo "two ${d}s in $spec" >&2; return 1; }
		named[$d]=1 dim[$d]=${token_value[$tok]} sc_suffix+=-$body
	done
}

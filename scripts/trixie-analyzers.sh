#!/bin/bash
# Newer dump readers from Debian 13 (trixie) for the tests: crash 8.0.6 and
# drgn 0.0.31, in a cached minbase chroot. Bookworm's crash 8.0.2 cannot
# read 6.12 kernels (nor list all tasks of Debian's 6.1.0-5x, see README)
# and its drgn 0.0.22 is old; the host's own tools stay what users run.
#
#   scripts/trixie-analyzers.sh setup            create the chroot once
#                                                (debootstrap), print its path
#   scripts/trixie-analyzers.sh stage NAME FILE… make host files visible in
#                                                the chroot: hard links (copies
#                                                across file systems) in
#                                                ROOT/mnt/pd/NAME/; prints
#                                                /mnt/pd/NAME
#   scripts/trixie-analyzers.sh unstage NAME     remove ROOT/mnt/pd/NAME
#   scripts/trixie-analyzers.sh run CMD ARG…     chroot ROOT CMD ARG…, e.g.
#                                                run crash -s /mnt/pd/x/vmlinux
#                                                /mnt/pd/x/vmcore.0
#                                                run python3 /mnt/pd/x/check.py
#
# Paths given to CMD are the chroot's (/mnt/pd/NAME/…). A Python script must
# not be named drgn.py (it would shadow the drgn module).
#
# PD_TRIXIE_ROOT  the chroot (default /var/cache/panicdump/trixie/root)
# PD_TRIXIE_MIRROR  Debian mirror (default http://deb.debian.org/debian)
# The chroot is complete when ROOT/../.root-ok exists; without it the
# directory is checked (a chroot made by hand is adopted) or made again.
set -euo pipefail

root=${PD_TRIXIE_ROOT:-/var/cache/panicdump/trixie/root}
mirror=${PD_TRIXIE_MIRROR:-http://deb.debian.org/debian}
stamp=$(dirname "$root")/.root-ok
log() { echo "trixie-analyzers.sh: $*" >&2; }

usable() {
	[ -x "$root/usr/bin/crash" ] &&
		chroot "$root" crash --version >/dev/null 2>&1 &&
		chroot "$root" python3 -c 'import drgn' >/dev/null 2>&1
}

setup() {
	if [ -e "$stamp" ] && [ -x "$root/usr/bin/crash" ]; then
		echo "$root"
		return
	fi
	if [ -d "$root" ] && usable; then
		log "adopting the existing chroot $root"
	else
		if ! command -v debootstrap >/dev/null; then
			log "installing debootstrap"
			DEBIAN_FRONTEND=noninteractive apt-get install -y -q debootstrap >&2 || {
				apt-get update -qq >&2
				DEBIAN_FRONTEND=noninteractive apt-get install -y -q debootstrap >&2
			}
		fi
		log "debootstrap trixie into $root (crash, python3-drgn; a few minutes)"
		rm -rf "$root"
		mkdir -p "$(dirname "$root")"
		debootstrap --variant=minbase --include=crash,python3-drgn \
			trixie "$root" "$mirror" >&2
		usable || { log "the new chroot has no working crash or drgn"; exit 1; }
		# Downloaded .debs are of no further use.
		rm -f "$root"/var/cache/apt/archives/*.deb
	fi
	touch "$stamp"
	log "$(chroot "$root" crash --version | awk '/^crash/ { print "crash " $2; exit }'), drgn $(chroot "$root" python3 -c 'import drgn; print(drgn.__version__)')"
	echo "$root"
}

stage() {
	local name=$1 f dst
	shift
	case $name in */* | .* | '') log "bad stage name '$name'"; exit 2 ;; esac
	dst=$root/mnt/pd/$name
	mkdir -p "$dst"
	for f in "$@"; do
		rm -f "$dst/$(basename "$f")"
		ln "$f" "$dst/" 2>/dev/null || cp "$f" "$dst/"
	done
	echo "/mnt/pd/$name"
}

case ${1:-} in
setup) setup ;;
stage) shift; [ -e "$stamp" ] || setup >/dev/null; stage "$@" ;;
unstage)
	case ${2:-} in */* | .* | '') log "bad stage name '${2:-}'"; exit 2 ;; esac
	rm -rf "$root/mnt/pd/$2"
	;;
run)
	shift
	[ -e "$stamp" ] || setup >/dev/null
	exec chroot "$root" /usr/bin/env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin \
		HOME=/root LANG=C.UTF-8 TERM=dumb "$@"
	;;
*) sed -n '2,26s/^# \{0,1\}//p' "$0" >&2; exit 2 ;;
esac

# shellcheck shell=bash
# shellcheck disable=SC2154 # label, dim: run.sh's globals
# Sourced by tests/e2e/run.sh: the dump disk image on the host, whole or
# (layout "part", +part) a GPT disk whose p2 is the dump area.

# make_dump_disk IMG SIZE: the image for the scenario's layout; 1 (said as
# a FAIL) if it could not be made.
make_dump_disk() {
	case ${dim[layout]} in
	whole) truncate -s "$2" "$1" || { fail "$label: dump disk made (truncate -s $2)"; return 1; } ;;
	part) part_layout "$1" "$2" || { fail "$label: partitioned dump disk made (sfdisk, mkfs.ext2)"; return 1; } ;;
	esac
}

# +part: the dump disk is a GPT disk, 1 MiB of GPT, p1 an ext2 file system
# of 64 MiB, p2 the dump area (SIZE), p3 32 MiB of a known pattern, the
# backup GPT; part_layout IMG SIZE makes it and records the layout
# ($dir/part.layout: p1's, p2's and p3's start and length in sectors) and
# the checksums of what lies outside p1 and p2 (GPT, p3, backup GPT).
part_region() { # IMG START_SECTOR NR_SECTORS: the bytes on stdout
	dd if="$1" bs=1M skip=$(($2 * 512)) count=$(($3 * 512)) \
		iflag=skip_bytes,count_bytes status=none
}
part_outside_md5() { # IMG: checksums of [0, p1) and [end of p2, end of disk)
	local img=$1 end p1s p1n p2s p2n p3s p3n
	read -r p1s p1n p2s p2n p3s p3n <"$(dirname "$img")/part.layout"
	end=$(($(stat -c %s "$img") / 512))
	echo "head $(part_region "$img" 0 "$p1s" | md5sum | cut -d' ' -f1)"
	echo "tail $(part_region "$img" $((p2s + p2n)) $((end - p2s - p2n)) | md5sum | cut -d' ' -f1)"
}
part_layout() {
	local img=$1 size=$2 dir p1s p1n p2s p2n p3s p3n
	dir=$(dirname "$img")
	part_table "$img" "$size" || return 1
	read -r p1s p1n p2s p2n p3s p3n <"$dir/part.layout"
	truncate -s $((p1n * 512)) "$dir/p1.img"
	mkfs.ext2 -q -F -L pdfs "$dir/p1.img" || return 1
	dd if="$dir/p1.img" of="$img" bs=1M seek=$((p1s * 512)) oflag=seek_bytes conv=notrunc status=none || return 1
	rm -f "$dir/p1.img"
	head -c $((p3n * 512)) < <(yes 'panicdump p3: must survive the dump') |
		dd of="$img" bs=1M seek=$((p3s * 512)) oflag=seek_bytes iflag=fullblock conv=notrunc status=none || return 1
	part_outside_md5 "$img" >"$dir/part.before"
	echo "    GPT: p1 $p1s+$p1n (ext2), p2 $p2s+$p2n (dump), p3 $p3s+$p3n (pattern), sectors"
}
# part_table IMG SIZE: the image, its GPT and $dir/part.layout.
part_table() {
	local img=$1 size=$2 area_mib dir p1s p1n p2s p2n p3s p3n
	dir=$(dirname "$img")
	area_mib=$(($(numfmt --from=iec "$size") / 1048576))
	truncate -s $((1 + 64 + area_mib + 32 + 1))M "$img"
	sfdisk -q -X gpt "$img" >"$dir/sfdisk.out" 2>&1 <<-EOT || { cat "$dir/sfdisk.out"; return 1; }
		start=2048, size=64MiB, type=L, name=pdfs
		size=${area_mib}MiB, type=L, name=pddump
		size=32MiB, type=L, name=pdpattern
	EOT
	sfdisk -d "$img" | awk -F'[=,]' '/start=/ { printf "%d %d ", $2, $4 } END { print "" }' >"$dir/part.layout"
	read -r p1s p1n p2s p2n p3s p3n <"$dir/part.layout"
	if [ -z "$p3n" ] || [ $((p1s + p1n)) != "$p2s" ]; then
		echo "unexpected layout: $(cat "$dir/part.layout")"
		return 1
	fi
}
# After the guest: nothing outside p1 and p2 changed, p1 is what the guest
# wrote (its checksum as read back in the guest once synced) and holds the
# guest's file.
part_checks() {
	local dir=$1 marker=$2 img=$1/dump.img p1s p1n want got
	read -r p1s p1n _ <"$dir/part.layout"
	part_outside_md5 "$img" >"$dir/part.after"
	check "$label: GPT (sectors 0-$((p1s - 1))) unchanged by the guest and the dump" \
		[ "$(sed -n 1p "$dir/part.before")" = "$(sed -n 1p "$dir/part.after")" ]
	check "$label: p3 (pattern) and the backup GPT unchanged" \
		[ "$(sed -n 2p "$dir/part.before")" = "$(sed -n 2p "$dir/part.after")" ]
	want=$(awk '/^PD-P1MD5 / { print $2 }' "$dir/console.log" | tr -d '\r')
	got=$(part_region "$img" "$p1s" "$p1n" | md5sum | cut -d' ' -f1)
	check "$label: p1 (ext2, mounted in the guest) is exactly what the guest wrote (${want:-no PD-P1MD5 line})" \
		[ "${want:-none}" = "$got" ]
	part_region "$img" "$p1s" "$p1n" >"$dir/p1.img"
	if grep -q "before its panic: $marker" <(debugfs -R 'cat /written' "$dir/p1.img" 2>/dev/null); then
		pass "$label: p1 has the file the guest wrote before the panic"
	else
		fail "$label: p1 has the file the guest wrote before the panic"
	fi
}
# The dump area of a dump disk image: the image itself, or with +part a
# copy of p2's byte range (IMG.p2, sparse).
area_of() {
	local img=$1 p2s p2n
	if [ "${dim[layout]}" != part ]; then
		echo "$img"
		return
	fi
	read -r _ _ p2s p2n _ <"$(dirname "$img")/part.layout"
	dd if="$img" of="$img.p2" bs=1M skip=$((p2s * 512)) count=$((p2n * 512)) \
		iflag=skip_bytes,count_bytes conv=sparse status=none
	truncate -s $((p2n * 512)) "$img.p2"
	echo "$img.p2"
}


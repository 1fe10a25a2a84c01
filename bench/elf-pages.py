#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""elf-pages.py ELF OUT: the non-zero 4 KiB pages of an ELF core's PT_LOAD
segments (each file byte once), concatenated into OUT (raw bytes for bench/run.sh's zstd -1
comparison). Prints the number of pages written."""
import struct
import sys


def main():
    src, dst = sys.argv[1], sys.argv[2]
    zero = bytes(4096)
    n = 0
    with open(src, 'rb') as f, open(dst, 'wb') as out:
        eh = f.read(64)
        if eh[:4] != b'\x7fELF' or eh[4] != 2:
            sys.exit(f'{src}: not an ELF64 file')
        phoff, = struct.unpack_from('<Q', eh, 32)
        phentsize, phnum = struct.unpack_from('<HH', eh, 54)
        # PT_LOADs may share file bytes (the kernel image's mapping is
        # part of the direct map's): each file byte once.
        spans = []
        for i in range(phnum):
            f.seek(phoff + i * phentsize)
            p_type, _, p_offset, _, _, p_filesz = struct.unpack('<IIQQQQ', f.read(40))
            if p_type == 1 and p_filesz:  # PT_LOAD
                spans.append([p_offset, p_offset + p_filesz])
        spans.sort()
        merged = []
        for a, b in spans:
            if merged and a <= merged[-1][1]:
                merged[-1][1] = max(merged[-1][1], b)
            else:
                merged.append([a, b])
        for a, b in merged:
            f.seek(a)
            left = b - a
            while left > 0:
                page = f.read(min(4096, left))
                if not page:
                    sys.exit(f'{src}: a PT_LOAD ends past the end of the file')
                left -= len(page)
                if page != zero[:len(page)]:
                    out.write(page)
                    n += 1
    print(n)


main()

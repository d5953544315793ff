#!/usr/bin/env python3
"""The ELF seeds of the benches: the regular 64-bit little-endian ELF files directly in DIR (links left
out) with a PT_DYNAMIC segment, sorted by name; one line each, "PATH<TAB>interp|nointerp" (whether the
file has PT_INTERP).   python3 bench/elf_seeds.py DIR"""
import os
import struct
import sys

PT_DYNAMIC, PT_INTERP = 2, 3

d = sys.argv[1]
for n in sorted(os.listdir(d)):
    p = os.path.join(d, n)
    if os.path.islink(p) or not os.path.isfile(p):
        continue
    with open(p, 'rb') as f:
        h = f.read(64)
        if len(h) < 64 or h[:4] != b'\x7fELF' or h[4] != 2 or h[5] != 1:
            continue
        phoff, = struct.unpack_from('<Q', h, 32)
        phentsize, phnum = struct.unpack_from('<HH', h, 54)
        f.seek(phoff)
        ph = f.read(phentsize * phnum)
        types = {struct.unpack_from('<I', ph, i * phentsize)[0] for i in range(phnum) if len(ph) >= (i + 1) * phentsize}
        if PT_DYNAMIC in types:
            print(p, 'interp' if PT_INTERP in types else 'nointerp', sep='\t')

#!/usr/bin/env bash
# Writes the fuzzing seed corpora into OUT/<harness>/: the small seeds committed in fuzz/corpus/ plus
# real files of this machine, made or copied at run time (too large or too machine-specific to commit):
# ELF files from /usr/bin and /usr/lib and one compiled here for 32-bit x86, /etc/ld.so.cache,
# Python stdlib sources, strace logs of real commands, a path list from find.
set -euo pipefail
out=${1:?usage: seeds.sh OUT_DIR}
here=$(cd "$(dirname "$0")" && pwd)
mkdir -p "$out"
for h in elf_direct elf_lief ldcache dlopen_note python_scan strace path_list rules; do
  mkdir -p "$out/$h"
  [ -d "$here/corpus/$h" ] && cp "$here/corpus/$h"/* "$out/$h/" 2>/dev/null || true
done
# ELF: small real files (libFuzzer's -max_len follows the largest seed, so keep them small).
for f in /usr/bin/true /usr/lib/x86_64-linux-gnu/libdl.so.2 /usr/lib/x86_64-linux-gnu/libpthread.so.0; do
  [ -f "$f" ] && cp "$f" "$out/elf_direct/$(basename "$f")"
done
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
printf '#include <stdio.h>\nint main(void){puts("hi");return 0;}\n' > "$tmp/hi.c"
gcc -m32 -Os -o "$out/elf_direct/hi32" "$tmp/hi.c" 2>/dev/null || true
gcc -Os -shared -fPIC -Wl,-soname,libhi.so.1 -Wl,-rpath,'$ORIGIN/../lib' -Wl,--enable-new-dtags \
  -o "$out/elf_direct/libhi.so.1" "$tmp/hi.c" 2>/dev/null || true
cp "$out/elf_direct"/* "$out/elf_lief/"
[ -f /etc/ld.so.cache ] && cp /etc/ld.so.cache "$out/ldcache/ld.so.cache"
for f in keyword.py this.py colorsys.py bisect.py __future__.py; do
  [ -f "/usr/lib/python3.11/$f" ] && cp "/usr/lib/python3.11/$f" "$out/python_scan/$f"
done
# strace logs of real commands, in the forms raison reads: -f, -y/-yy, timestamps, -T.
if command -v strace >/dev/null; then
  strace -f -o "$tmp/a.log" sh -c 'cat /etc/hostname >/dev/null; ls /nonexistent' >/dev/null 2>&1 || true
  strace -f -yy -tt -T -o "$tmp/b.log" sh -c 'cd /usr && ls lib >/dev/null' >/dev/null 2>&1 || true
  strace -ttt -o "$tmp/c.log" true >/dev/null 2>&1 || true
  for l in a b c; do [ -s "$tmp/$l.log" ] && cp "$tmp/$l.log" "$out/strace/$l.log"; done
fi
find /etc -maxdepth 1 -name '*.conf' 2>/dev/null | head -20 > "$out/path_list/find_etc.txt"

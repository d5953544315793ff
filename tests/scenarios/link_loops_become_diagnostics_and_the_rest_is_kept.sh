#!/usr/bin/env bash
# One error policy: a file of the root behind a loop of symbolic links is one "raison: error:" line
# naming it, and the analysis goes on with the rest (exit 1, not 3). Four loops in a real Debian root,
# each met by another analyzer: /etc/ld.so.cache (the elf analyzer's cache lookup; glibc then searches
# without it), a Python module a script imports (python), a script's #! interpreter (script) and a
# library a program needs (elf, glibc's search).
source "$(dirname "$0")/lib.sh"
py_private_mounts "$0" "$@"
py_overlay

app=/opt/loops
mkdir -p "$ROOT$app/bin"
loop() { ln -s "$(basename "$1").b" "$ROOT$1"; ln -s "$(basename "$1")" "$ROOT$1.b"; }
# 1. The loader's cache.
rm -f "$ROOT/etc/ld.so.cache"; loop /etc/ld.so.cache
# 2. A module the script imports, beside a good one.
loop "$app/loopmod.py"
echo 'VALUE = 1' >"$ROOT$app/goodmod.py"
printf 'import json\nimport goodmod\nimport loopmod\n' >"$ROOT$app/main.py"
# 3. A script's interpreter.
loop "$app/bin/interp"
printf '#!%s\necho hi\n' "$app/bin/interp" >"$ROOT$app/run.sh"; chmod +x "$ROOT$app/run.sh"
# 4. A library a program needs, first in the default directories.
cc_so "$B/libloopy.so" libloopy.so.1 "$(lib_src loopy x)"
cc_exe "$ROOT$app/bin/prog" "$(main_src loopy)" "$B/libloopy.so"
loop /usr/lib/$TRIPLET/libloopy.so.1

rz closure "$ROOT" --seed "$app/main.py" --seed "$app/run.sh" --seed "$app/bin/prog" --list
expect_rc 1 "closure of a root with four loops"
grep '^raison: error:' "$T/err" >"$T/errors" || true
[ "$(wc -l <"$T/errors")" = 4 ] || { show loops; fail "expected four error lines, one per loop"; }
# (The loader meets the library first in /lib/TRIPLET, the first default directory; /lib links to usr/lib.)
for p in /etc/ld.so.cache "$app/loopmod.py" "$app/bin/interp" "/lib/$TRIPLET/libloopy.so.1"; do
  grep -qF "raison: error: $p: " "$T/errors" || { show loops; fail "no error line names $p"; }
done
for a in elf python script; do grep -q " \[$a\]$" "$T/errors" || { show loops; fail "no error line names the $a analyzer"; }; done
# The rest of the closure is there: the interpreter, the standard library the script imports, its good
# module, the program and libc (found in the default directories once the cache is out of the way).
for p in /usr/bin/python3.11 /usr/lib/python3.11/json/__init__.py "$app/goodmod.py" "$app/bin/prog" "/usr/lib/$TRIPLET/libc.so.6"; do
  assert_has "$T/out" "$p"
done
echo PASS

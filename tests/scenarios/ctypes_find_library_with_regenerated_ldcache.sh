#!/usr/bin/env bash
# ctypes.util.find_library runs `ldconfig -p` and reads /etc/ld.so.cache: the python-ctypes rule keeps
# ldconfig, and --ldcache regenerate writes a cache listing only the kept libraries, so in a root
# shrunk for python3 + ctypes.util, find_library("c") answers libc.so.6 and the root's own ldconfig -p
# lists nothing that is not in the output.
source "$(dirname "$0")/lib.sh"
need_root
py_cached_root
R=$PY_ROOT_CACHE
rz closure "$R" --seed /usr/bin/python3 --python-import ctypes.util --ldcache regenerate -o "$T/small"
expect_rc 0 "closure of python3 + ctypes.util with --ldcache regenerate"
S=$T/small
[ -f "$S/etc/ld.so.cache" ] || { show closure; fail "no /etc/ld.so.cache in the output"; }
[ -e "$S/sbin/ldconfig" ] || [ -e "$S/usr/sbin/ldconfig" ] || { show closure; fail "ldconfig not kept"; }
cmp -s "$R/etc/ld.so.cache" "$S/etc/ld.so.cache" && fail "the cache was kept as it is, not regenerated"

# Under bwrap (a /dev, as a container runtime gives): find_library runs ldconfig with stdin /dev/null.
py_run "$S" /usr/bin/python3 -c 'import ctypes.util; print(ctypes.util.find_library("c"))'
[ "$RUN_RC" = 0 ] || { cat "$T/run" "$T/run.err"; fail "python3 ctypes.util failed in the shrunk root"; }
assert_eq "libc.so.6" "$(cat "$T/run")" "ctypes.util.find_library(\"c\") in the shrunk root"

run_in "$S" /sbin/ldconfig -p
[ "$RUN_RC" = 0 ] || { cat "$T/run"; fail "ldconfig -p failed in the shrunk root"; }
cp "$T/run" "$T/ldconfig-p"
# "	libc.so.6 (libc6,x86-64) => /lib/x86_64-linux-gnu/libc.so.6": every target exists in the output.
grep -E '=> /' "$T/ldconfig-p" | sed 's/.* => //' >"$T/targets"
[ -s "$T/targets" ] || { cat "$T/ldconfig-p"; fail "ldconfig -p lists no library"; }
grep -q '/libc\.so\.6$' "$T/targets" || { cat "$T/ldconfig-p"; fail "ldconfig -p does not list libc.so.6"; }
while read -r p; do
  [ -e "$S$(root_realpath "$S" "$p")" ] || { cat "$T/ldconfig-p"; fail "ldconfig -p lists $p, absent from the output"; }
done <"$T/targets"
# The original cache lists more (it is regenerated, not copied): the shrunk one is smaller.
run_in "$R" /sbin/ldconfig -p
n_all=$(grep -c '=> /' "$T/run"); n_kept=$(wc -l <"$T/targets")
note "ldconfig -p: $n_kept entries in the output, $n_all in the original root"
[ "$n_kept" -lt "$n_all" ] || fail "the regenerated cache lists as many entries ($n_kept) as the original ($n_all)"
echo PASS

#!/usr/bin/env bash
# musl's loader is its libc: a DT_NEEDED of libc.so, libpthread.so.0, libm.so.6, ... (lib + one of
# c, pthread, rt, m, dl, util, xnet + '.') is answered by the loader itself and never searched
# (ldso/dynlink.c, load_library: "Catch and block attempts to reload the implementation itself").
# Decoys with those names lie in the search path; a constructor in each would announce its loading.
source "$(dirname "$0")/lib.sh"
need_root; need_tool musl-gcc
CC=musl-gcc
R=$T/root; make_musl_root "$R"
decoy='#include <stdio.h>
__attribute__((constructor)) static void hello(void) { puts("DECOY LOADED"); }'
for n in libpthread.so.0 libm.so.6 libdl.so.2 libc.so; do
  cc_so "$B/$n" "$n" "$decoy"
  cp "$B/$n" "$R/usr/lib/$n"
done
cc_so "$B/libcmath.so" libcmath.so 'const char *cm(void) { return "cmath"; }' "$B/libm.so.6" "$B/libdl.so.2"
cp "$B/libcmath.so" "$R/usr/lib/libcmath.so"
cc_exe "$R/usr/bin/prog" "$(main_src cm)" "$B/libcmath.so" "$B/libpthread.so.0" -Wl,--no-as-needed
readelf -d "$R/usr/bin/prog" | grep -q 'NEEDED.*libpthread.so.0' || fail "fixture: no DT_NEEDED libpthread.so.0"
readelf -d "$R/usr/lib/libcmath.so" | grep -q 'NEEDED.*libm.so.6' || fail "fixture: no DT_NEEDED libm.so.6"
MUSL=/usr/lib/x86_64-linux-musl/libc.so

rz closure "$R" --seed /usr/bin/prog --analyzers elf --list-loaded --list -o "$T/o"
expect_rc 0 "closure"
expect_loaded /usr/bin/prog /usr/bin/prog $MUSL /usr/lib/libcmath.so
for n in libpthread.so.0 libm.so.6 libdl.so.2 libc.so; do assert_lacks "$T/out" /usr/lib/$n; done
assert_has "$T/out" /usr/lib/ld-musl-x86_64.so.1  # the PT_INTERP link, reached through /lib
assert_has "$T/out" /lib
assert_grep "$T/o.manifest.json" "provided by musl's loader"
expect_run "$R" cmath /usr/bin/prog
expect_run "$T/o" cmath /usr/bin/prog
echo PASS

#!/usr/bin/env bash
# glibc answers a DT_NEEDED name from the objects already loaded before searching: a name matches an
# object it was loaded as, or its DT_SONAME (elf/dl-load.c, _dl_map_object: "Look for this name
# among those already loaded", _dl_name_match_p, then the l_info[DT_SONAME] comparison).
# The program needs "libfirst.so", a file whose SONAME is libdup.so.1; liba then needs libdup.so.1,
# which also exists, as another file, in the default directory: that copy must not be loaded.
source "$(dirname "$0")/lib.sh"
need_root
R=$T/root; make_root "$R"
cc_so "$B/libfirst.so" libfirst.so "$(lib_src dup unused)"
cc_so "$B/libdup.so" libdup.so.1 "$(lib_src dup unused)"
cc_so "$R/opt/a/libfirst.so" libdup.so.1 "$(lib_src dup "dup from /opt/a/libfirst.so")"
cc_so "$R/usr/lib/$TRIPLET/libdup.so.1" libdup.so.1 "$(lib_src dup "WRONG: searched again")"
cc_so "$R/opt/a/liba.so.1" liba.so.1 'const char *dup(void); const char *a(void) { return dup(); }' "$B/libdup.so"
cp "$R/opt/a/liba.so.1" "$B/liba.so"
cc_exe "$R/usr/bin/prog" "$(main_src a)" "$B/libfirst.so" "$B/liba.so" -Wl,--enable-new-dtags,-rpath,/opt/a
readelf -d "$R/usr/bin/prog" | grep -qF '[libfirst.so]' || fail "fixture: DT_NEEDED libfirst.so"

rz closure "$R" --seed /usr/bin/prog --analyzers elf --list-loaded --list
expect_rc 0 "closure"
expect_loaded /usr/bin/prog /usr/bin/prog $LDSO /opt/a/libfirst.so /opt/a/liba.so.1 $LIBC
assert_lacks "$T/out" /usr/lib/$TRIPLET/libdup.so.1
agree_with_loader "$R" /usr/bin/prog
expect_run "$R" "dup from /opt/a/libfirst.so" /usr/bin/prog

# The interpreter answers to its SONAME the same way: libc.so.6's DT_NEEDED ld-linux-x86-64.so.2 is
# the PT_INTERP object, even with another file of that name first in LD_LIBRARY_PATH.
mkdir -p "$R/opt/decoy"; cp "$R$LIBC" "$R/opt/decoy/ld-linux-x86-64.so.2"
rz closure "$R" --seed /usr/bin/prog --analyzers elf --env LD_LIBRARY_PATH=/opt/decoy --list-loaded --list
expect_rc 0 "closure"
assert_lacks "$T/out" /opt/decoy/ld-linux-x86-64.so.2
expect_loaded /usr/bin/prog /usr/bin/prog $LDSO /opt/a/libfirst.so /opt/a/liba.so.1 $LIBC
agree_with_loader "$R" /usr/bin/prog --library-path /opt/decoy
echo PASS

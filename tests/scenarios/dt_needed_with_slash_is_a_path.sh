#!/usr/bin/env bash
# A DT_NEEDED name containing '/' is opened as a path, without any search (elf/dl-load.c,
# _dl_map_object: "if (strchr (name, '/') == NULL) ... search ... else ..."; musl likewise). A
# relative one is relative to the working directory, which is / for a program started by chroot.
# Copies of the same basename in the search path must not be taken.
source "$(dirname "$0")/lib.sh"
need_root
R=$T/root; make_root "$R"
cc_so "$B/stub-abs.so" /opt/p/libabs.so "$(lib_src absf unused)"
cc_so "$B/stub-rel.so" opt/p/librel.so "$(lib_src rel unused)"
cc_so "$R/opt/p/libabs.so" libabs.so "$(lib_src absf "abs from /opt/p")"
cc_so "$R/opt/p/librel.so" librel.so "$(lib_src rel "rel from /opt/p")"
cc_so "$R/usr/lib/$TRIPLET/libabs.so" libabs.so "$(lib_src absf "WRONG: searched")"
cc_so "$R/usr/lib/$TRIPLET/librel.so" librel.so "$(lib_src rel "WRONG: searched")"
cc_exe "$R/usr/bin/prog" "$(main_src absf rel)" "$B/stub-abs.so" "$B/stub-rel.so"
readelf -d "$R/usr/bin/prog" | grep -q 'NEEDED.*\[/opt/p/libabs.so\]' || fail "fixture: no DT_NEEDED /opt/p/libabs.so"
readelf -d "$R/usr/bin/prog" | grep -q 'NEEDED.*\[opt/p/librel.so\]' || fail "fixture: no DT_NEEDED opt/p/librel.so"

rz closure "$R" --seed /usr/bin/prog --analyzers elf --list-loaded --list -o "$T/o"
expect_rc 0 "closure"
expect_loaded /usr/bin/prog /usr/bin/prog $LDSO /opt/p/libabs.so /opt/p/librel.so $LIBC
assert_lacks "$T/out" /usr/lib/$TRIPLET/libabs.so
agree_with_loader "$R" /usr/bin/prog
expect_run "$R" "$(lines "abs from /opt/p" "rel from /opt/p")" /usr/bin/prog
expect_run "$T/o" "$(lines "abs from /opt/p" "rel from /opt/p")" /usr/bin/prog

# A path that does not exist is not searched for by its basename.
rm "$R/opt/p/libabs.so"
rz closure "$R" --seed /usr/bin/prog --analyzers elf --list-loaded
expect_rc 1 "missing path"
assert_grep "$T/err" '^raison: incomplete: /usr/bin/prog: DT_NEEDED /opt/p/libabs\.so not found'
run_in "$R" /usr/bin/prog
[ "$RUN_RC" != 0 ] || fail "the real loader searched for the basename: the test's premise is wrong"
echo PASS

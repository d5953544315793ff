#!/usr/bin/env bash
# A DT_RUNPATH serves only the object's own DT_NEEDED entries (elf/dl-load.c: "Look at the RUNPATH
# information for this binary" uses the loading object alone). The program's RUNPATH /opt/app/lib
# finds liba, but liba's own libb is searched without it: in the default directories, else nowhere.
source "$(dirname "$0")/lib.sh"
need_root
R=$T/root; make_root "$R"
cc_so "$B/libb.so" libb.so.1 "$(lib_src b unused)"
cc_so "$R/opt/app/lib/libb.so.1" libb.so.1 "$(lib_src b "b from the program's RUNPATH")"
cc_so "$R/usr/lib/$TRIPLET/libb.so.1" libb.so.1 "$(lib_src b "b from the default directory")"
cc_so "$R/opt/app/lib/liba.so.1" liba.so.1 \
  'const char *b(void); const char *a(void) { return b(); }' "$B/libb.so"
cp "$R/opt/app/lib/liba.so.1" "$B/liba.so"
cc_exe "$R/usr/bin/prog" "$(main_src a)" "$B/liba.so" -Wl,--enable-new-dtags,-rpath,/opt/app/lib
has_tag "$R/usr/bin/prog" RUNPATH

rz closure "$R" --seed /usr/bin/prog --analyzers elf --list-loaded
expect_rc 0 "libb in the default directory"
expect_loaded /usr/bin/prog /usr/bin/prog $LDSO /opt/app/lib/liba.so.1 $LIBC /usr/lib/$TRIPLET/libb.so.1
agree_with_loader "$R" /usr/bin/prog
expect_run "$R" "b from the default directory" /usr/bin/prog

# Only in the program's RUNPATH directory: not found, for glibc and for raison.
rm "$R/usr/lib/$TRIPLET/libb.so.1"
rz closure "$R" --seed /usr/bin/prog --analyzers elf --list-loaded
expect_rc 1 "libb only in the program's RUNPATH"
assert_grep "$T/err" '^raison: incomplete: /opt/app/lib/liba\.so\.1: DT_NEEDED libb\.so\.1 not found; tried: '
if grep -E '^raison: incomplete:.*libb\.so\.1.*/opt/app/lib \[' "$T/err"; then
  fail "the program's RUNPATH was searched for liba's dependency"
fi
assert_grep <(real_loaded "$R" /usr/bin/prog) '^libb\.so\.1 => not found$'
run_in "$R" /usr/bin/prog
[ "$RUN_RC" != 0 ] || fail "the real loader found libb.so.1: the test's premise is wrong"
echo PASS

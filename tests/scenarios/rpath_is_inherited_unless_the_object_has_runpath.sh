#!/usr/bin/env bash
# DT_RPATH is searched for the loading object, then for the object that loaded it, up to the program
# (elf/dl-load.c: "First try the DT_RPATH of the dependent object that caused NAME to be loaded. Then
# that object's dependent, and on up."), but not at all when the loading object has DT_RUNPATH
# ("When the object has the RUNPATH information we don't use any RPATHs").
source "$(dirname "$0")/lib.sh"
need_root
R=$T/root; make_root "$R"
cc_so "$B/libdeep.so" libdeep.so.1 "$(lib_src deep unused)"
cc_so "$R/opt/p/lib/libdeep.so.1" libdeep.so.1 "$(lib_src deep "deep via the program's RPATH")"
# liba has neither: it inherits the program's RPATH.
cc_so "$R/opt/p/lib/liba.so.1" liba.so.1 'const char *deep(void); const char *a(void) { return deep(); }' "$B/libdeep.so"
# libr has its own RPATH (searched first, empty here), then the program's.
cc_so "$R/opt/p/lib/libr.so.1" libr.so.1 'const char *deep(void); const char *r(void) { return deep(); }' \
  "$B/libdeep.so" -Wl,--disable-new-dtags,-rpath,/opt/empty
# libq has a RUNPATH: no RPATH at all is searched for its DT_NEEDED.
cc_so "$B/libdeep2.so" libdeep2.so.1 "$(lib_src deep2 unused)"
cc_so "$R/opt/p/lib/libdeep2.so.1" libdeep2.so.1 "$(lib_src deep2 "deep2 via the program's RPATH")"
cc_so "$R/opt/p/lib/libq.so.1" libq.so.1 'const char *deep2(void); const char *q(void) { return deep2(); }' \
  "$B/libdeep2.so" -Wl,--enable-new-dtags,-rpath,/opt/empty
mkdir -p "$R/opt/empty"
for l in liba libr libq; do cp "$R/opt/p/lib/$l.so.1" "$B/$l.so"; done
cc_exe "$R/usr/bin/inherits" "$(main_src a r)" "$B/liba.so" "$B/libr.so" -Wl,--disable-new-dtags,-rpath,/opt/p/lib
cc_exe "$R/usr/bin/blocked" "$(main_src q)" "$B/libq.so" -Wl,--disable-new-dtags,-rpath,/opt/p/lib
has_tag "$R/usr/bin/inherits" RPATH; has_tag "$R/opt/p/lib/libq.so.1" RUNPATH; has_tag "$R/opt/p/lib/libr.so.1" RPATH

rz closure "$R" --seed /usr/bin/inherits --analyzers elf --list-loaded
expect_rc 0 "inherited RPATH"
expect_loaded /usr/bin/inherits /usr/bin/inherits $LDSO /opt/p/lib/liba.so.1 /opt/p/lib/libr.so.1 $LIBC /opt/p/lib/libdeep.so.1
agree_with_loader "$R" /usr/bin/inherits
expect_run "$R" "$(lines "deep via the program's RPATH" "deep via the program's RPATH")" /usr/bin/inherits

rz closure "$R" --seed /usr/bin/blocked --analyzers elf --list-loaded
expect_rc 1 "RPATH not inherited by an object with RUNPATH"
assert_grep "$T/err" '^raison: incomplete: /opt/p/lib/libq\.so\.1: DT_NEEDED libdeep2\.so\.1 not found; tried: /opt/empty \[RUNPATH'
assert_grep <(real_loaded "$R" /usr/bin/blocked) '^libdeep2\.so\.1 => not found$'
echo PASS

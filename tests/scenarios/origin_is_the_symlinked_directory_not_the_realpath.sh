#!/usr/bin/env bash
# $ORIGIN is the directory of the path a library was opened by, not of its real path (elf/dl-object.c,
# _dl_new_object: l_origin is cut from the name open_path built). The expanded path is then resolved
# by the kernel, so ".." after a symlinked directory climbs from the link's target.
#   A: /opt/app/lib -> ../store/pkg-1.0/lib (a symlinked directory); libplug's RUNPATH $ORIGIN/../deps
#      = /opt/app/lib/../deps, which the kernel resolves to /opt/store/pkg-1.0/deps (not /opt/app/deps).
#   B: /opt/app2/lib/libplug2.so.1 -> the real file in /opt/store/pkg-2.0/lib (a symlinked file);
#      $ORIGIN is /opt/app2/lib, so $ORIGIN/../deps is /opt/app2/deps (not /opt/store/pkg-2.0/deps).
source "$(dirname "$0")/lib.sh"
need_root
R=$T/root; make_root "$R"
cc_so "$B/libdep.so" libdep.so.1 "$(lib_src dep unused)"
for d in app/deps store/pkg-1.0/deps app2/deps store/pkg-2.0/deps; do
  cc_so "$R/opt/$d/libdep.so.1" libdep.so.1 "$(lib_src dep "/opt/$d")"
done
cc_so "$R/opt/store/pkg-1.0/lib/libplug.so.1" libplug.so.1 'const char *dep(void); const char *plug(void) { return dep(); }' \
  "$B/libdep.so" '-Wl,--enable-new-dtags,-rpath,$ORIGIN/../deps'
cc_so "$R/opt/store/pkg-2.0/lib/libplug2.so.1" libplug2.so.1 'const char *dep(void); const char *plug2(void) { return dep(); }' \
  "$B/libdep.so" '-Wl,--enable-new-dtags,-rpath,$ORIGIN/../deps'
ln -s ../store/pkg-1.0/lib "$R/opt/app/lib"
mkdir -p "$R/opt/app2/lib"
ln -s ../../store/pkg-2.0/lib/libplug2.so.1 "$R/opt/app2/lib/libplug2.so.1"
cp "$R/opt/store/pkg-1.0/lib/libplug.so.1" "$B/libplug.so"; cp "$R/opt/store/pkg-2.0/lib/libplug2.so.1" "$B/libplug2.so"
cc_exe "$R/usr/bin/a" "$(main_src plug)" "$B/libplug.so" -Wl,--enable-new-dtags,-rpath,/opt/app/lib
cc_exe "$R/usr/bin/b" "$(main_src plug2)" "$B/libplug2.so" -Wl,--enable-new-dtags,-rpath,/opt/app2/lib

rz closure "$R" --seed /usr/bin/a --seed /usr/bin/b --analyzers elf --list-loaded -o "$T/o"
expect_rc 0 "closure"
expect_loaded /usr/bin/a /usr/bin/a $LDSO /opt/store/pkg-1.0/lib/libplug.so.1 $LIBC /opt/store/pkg-1.0/deps/libdep.so.1
expect_loaded /usr/bin/b /usr/bin/b $LDSO /opt/store/pkg-2.0/lib/libplug2.so.1 $LIBC /opt/app2/deps/libdep.so.1
agree_with_loader "$R" /usr/bin/a
agree_with_loader "$R" /usr/bin/b
expect_run "$R" /opt/store/pkg-1.0/deps /usr/bin/a
expect_run "$R" /opt/app2/deps /usr/bin/b
# The emitted root keeps the links the loader went through, so $ORIGIN means the same there.
[ -L "$T/o/opt/app/lib" ] && [ -L "$T/o/opt/app2/lib/libplug2.so.1" ] || fail "links not kept in the output"
expect_run "$T/o" /opt/store/pkg-1.0/deps /usr/bin/a
expect_run "$T/o" /opt/app2/deps /usr/bin/b
echo PASS

#!/usr/bin/env bash
# glibc searches the loading object's DT_RPATH before LD_LIBRARY_PATH, and LD_LIBRARY_PATH before its
# DT_RUNPATH (elf/dl-load.c, _dl_map_object). Three copies of libx.so.1 tell which one was found.
source "$(dirname "$0")/lib.sh"
need_root
R=$T/root; make_root "$R"
for d in rpath env runpath; do cc_so "$R/opt/$d/libx.so.1" libx.so.1 "$(lib_src x "$d")"; done
cp "$R/opt/rpath/libx.so.1" "$B/libx.so"
cc_exe "$R/usr/bin/with-rpath" "$(main_src x)" "$B/libx.so" -Wl,--disable-new-dtags,-rpath,/opt/rpath
cc_exe "$R/usr/bin/with-runpath" "$(main_src x)" "$B/libx.so" -Wl,--enable-new-dtags,-rpath,/opt/runpath
has_tag "$R/usr/bin/with-rpath" RPATH; has_tag "$R/usr/bin/with-runpath" RUNPATH

# RPATH beats LD_LIBRARY_PATH.
rz closure "$R" --seed /bin/with-rpath --analyzers elf --env LD_LIBRARY_PATH=/opt/env --list-loaded
expect_rc 0 "rpath + LD_LIBRARY_PATH"
expect_loaded /usr/bin/with-rpath /usr/bin/with-rpath $LDSO /opt/rpath/libx.so.1 $LIBC
agree_with_loader "$R" /bin/with-rpath --library-path /opt/env
expect_run "$R" rpath /lib64/ld-linux-x86-64.so.2 --library-path /opt/env /bin/with-rpath

# LD_LIBRARY_PATH beats RUNPATH.
rz closure "$R" --seed /bin/with-runpath --analyzers elf --env LD_LIBRARY_PATH=/opt/env --list-loaded
expect_rc 0 "runpath + LD_LIBRARY_PATH"
expect_loaded /usr/bin/with-runpath /usr/bin/with-runpath $LDSO /opt/env/libx.so.1 $LIBC
agree_with_loader "$R" /bin/with-runpath --library-path /opt/env
expect_run "$R" env /lib64/ld-linux-x86-64.so.2 --library-path /opt/env /bin/with-runpath

# Without LD_LIBRARY_PATH, RUNPATH; and the emitted root runs the same program.
rz closure "$R" --seed /bin/with-runpath --analyzers elf --list-loaded -o "$T/out-root"
expect_rc 0 "runpath alone"
expect_loaded /usr/bin/with-runpath /usr/bin/with-runpath $LDSO /opt/runpath/libx.so.1 $LIBC
agree_with_loader "$R" /bin/with-runpath
expect_run "$R" runpath /bin/with-runpath
expect_run "$T/out-root" runpath /bin/with-runpath
[ ! -e "$T/out-root/opt/env" ] || fail "the output root holds /opt/env, which nothing loads"
echo PASS

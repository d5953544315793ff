#!/usr/bin/env bash
# musl's loader (ldso/dynlink.c, load_library): LD_LIBRARY_PATH first, then the rpath of the loading
# object and of each object up the chain that loaded it (DT_RUNPATH and DT_RPATH alike, and
# inherited, unlike glibc), then the lines of /etc/ld-musl-x86_64.path (the loader's prefix + etc),
# else /lib:/usr/local/lib:/usr/lib.
source "$(dirname "$0")/lib.sh"
need_root; need_tool musl-gcc
CC=musl-gcc
R=$T/root; make_musl_root "$R"
for d in env rp sys; do cc_so "$R/opt/$d/libm1.so" libm1.so "$(lib_src m1 "$d")"; done
cp "$R/opt/rp/libm1.so" "$B/libm1.so"
cc_so "$R/opt/rp/libdeep.so" libdeep.so "$(lib_src deep "deep via the program's RUNPATH")"
cp "$R/opt/rp/libdeep.so" "$B/libdeep.so"
cc_so "$R/opt/sys/libmid.so" libmid.so 'const char *deep(void); const char *mid(void) { return deep(); }' "$B/libdeep.so"
cp "$R/opt/sys/libmid.so" "$B/libmid.so"
cc_exe "$R/usr/bin/rp" "$(main_src m1)" "$B/libm1.so" -Wl,--enable-new-dtags,-rpath,/opt/rp
cc_exe "$R/usr/bin/norp" "$(main_src m1)" "$B/libm1.so"
cc_exe "$R/usr/bin/chain" "$(main_src mid)" "$B/libmid.so" -Wl,--enable-new-dtags,-rpath,/opt/rp
printf '/opt/nothing\n/opt/sys\n' >"$R/etc/ld-musl-x86_64.path"
MUSL=/usr/lib/x86_64-linux-musl/libc.so
LD=/lib/ld-musl-x86_64.so.1

rz closure "$R" --seed /usr/bin/rp --analyzers elf --env LD_LIBRARY_PATH=/opt/env --list-loaded
expect_rc 0 "LD_LIBRARY_PATH"
expect_loaded /usr/bin/rp /usr/bin/rp $MUSL /opt/env/libm1.so
expect_run "$R" env $LD --library-path /opt/env /usr/bin/rp

rz closure "$R" --seed /usr/bin/rp --analyzers elf --list-loaded
expect_rc 0 "RUNPATH"
expect_loaded /usr/bin/rp /usr/bin/rp $MUSL /opt/rp/libm1.so
expect_run "$R" rp /usr/bin/rp

rz closure "$R" --seed /usr/bin/norp --analyzers elf --list-loaded --list -o "$T/o"
expect_rc 0 "path file"
expect_loaded /usr/bin/norp /usr/bin/norp $MUSL /opt/sys/libm1.so
assert_has "$T/out" /etc/ld-musl-x86_64.path
expect_run "$R" sys /usr/bin/norp
expect_run "$T/o" sys /usr/bin/norp

# The program's RUNPATH serves its dependency's DT_NEEDED too (musl inherits it).
rz closure "$R" --seed /usr/bin/chain --analyzers elf --list-loaded
expect_rc 0 "inherited RUNPATH"
expect_loaded /usr/bin/chain /usr/bin/chain $MUSL /opt/sys/libmid.so /opt/rp/libdeep.so
expect_run "$R" "deep via the program's RUNPATH" /usr/bin/chain

# Without the path file: /lib:/usr/local/lib:/usr/lib, so /opt/sys is not searched.
rm "$R/etc/ld-musl-x86_64.path"
cp "$R/opt/sys/libm1.so" "$R/usr/lib/libm1.so"
rz closure "$R" --seed /usr/bin/norp --analyzers elf --list-loaded --list
expect_rc 0 "default path"
expect_loaded /usr/bin/norp /usr/bin/norp $MUSL /usr/lib/libm1.so
assert_lacks "$T/out" /etc/ld-musl-x86_64.path
run_in "$R" $LD --list /usr/bin/norp
grep -q 'libm1.so => /lib/libm1.so' "$T/run" || { cat "$T/run"; fail "musl's ldd disagrees"; }
echo PASS

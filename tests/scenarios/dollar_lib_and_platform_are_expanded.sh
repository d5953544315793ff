#!/usr/bin/env bash
# $LIB and $PLATFORM (and ${LIB}, ${PLATFORM}) in a RUNPATH are expanded (elf/dl-load.c,
# _dl_dst_substitute): $LIB is the loader's library directory, "lib/x86_64-linux-gnu" for Debian's
# glibc; $PLATFORM is AT_PLATFORM as glibc reports it, given with --at-platform for a fixed answer.
source "$(dirname "$0")/lib.sh"
need_root
R=$T/root; make_root "$R"
cc_so "$B/libl.so" libl.so.1 "$(lib_src l unused)"
cc_so "$B/libp.so" libp.so.1 "$(lib_src p unused)"
for d in lib lib64 lib/x86_64-linux-gnu x86_64-linux-gnu; do cc_so "$R/opt/l/$d/libl.so.1" libl.so.1 "$(lib_src l "/opt/l/$d")"; done
for p in x86_64 haswell xeon_phi testplat; do cc_so "$R/opt/p/$p/libp.so.1" libp.so.1 "$(lib_src p "/opt/p/$p")"; done
cc_exe "$R/usr/bin/prog" "$(main_src l p)" "$B/libl.so" "$B/libp.so" '-Wl,--enable-new-dtags,-rpath,/opt/l/$LIB:/opt/p/${PLATFORM}'
readelf -d "$R/usr/bin/prog" | grep -qF '[/opt/l/$LIB:/opt/p/${PLATFORM}]' || fail "fixture: RUNPATH"

rz closure "$R" --seed /usr/bin/prog --analyzers elf --at-platform testplat --list-loaded
expect_rc 0 "--at-platform testplat"
expect_loaded /usr/bin/prog /usr/bin/prog $LDSO /opt/l/lib/$TRIPLET/libl.so.1 /opt/p/testplat/libp.so.1 $LIBC

# The real loader, with this machine's platform (ld.so --help names it) given to raison.
plat=$(/lib64/ld-linux-x86-64.so.2 --help | sed -n 's/^ *\([a-z0-9_]*\) (AT_PLATFORM.*/\1/p')
[ -n "$plat" ] || fail "ld.so --help names no AT_PLATFORM"
[ -d "$R/opt/p/$plat" ] || cc_so "$R/opt/p/$plat/libp.so.1" libp.so.1 "$(lib_src p "/opt/p/$plat")"
expect_run "$R" "$(lines /opt/l/lib/$TRIPLET "/opt/p/$plat")" /usr/bin/prog
rz closure "$R" --seed /usr/bin/prog --analyzers elf --at-platform "$plat" --list-loaded
expect_rc 0 "--at-platform $plat"
agree_with_loader "$R" /usr/bin/prog
# And raison's default platform for this machine is that one.
rz closure "$R" --seed /usr/bin/prog --analyzers elf --list-loaded
expect_loaded /usr/bin/prog /usr/bin/prog $LDSO /opt/l/lib/$TRIPLET/libl.so.1 /opt/p/$plat/libp.so.1 $LIBC
echo PASS

#!/usr/bin/env bash
# glibc's loader never reads /etc/ld.so.conf: `ldconfig -r ROOT` follows its "include" lines into
# /etc/ld.so.conf.d/*.conf and writes their directories' libraries into /etc/ld.so.cache, which the
# loader consults after the RUNPATH and before the default directories (elf/dl-load.c,
# _dl_load_cache_lookup). raison must find /opt/x/lib/libx.so.1 through the cache and keep the cache.
source "$(dirname "$0")/lib.sh"
need_root; need_tool ldconfig
R=$T/root; make_root "$R"
cc_so "$R/opt/x/lib/libx.so.1.0" libx.so.1 "$(lib_src x "x from /opt/x/lib")"
cp "$R/opt/x/lib/libx.so.1.0" "$B/libx.so"
cc_exe "$R/usr/bin/prog" "$(main_src x)" "$B/libx.so"
mkdir -p "$R/etc/ld.so.conf.d" "$R/var/cache/ldconfig"
echo 'include /etc/ld.so.conf.d/*.conf' >"$R/etc/ld.so.conf"
echo /opt/x/lib >"$R/etc/ld.so.conf.d/x.conf"
ldconfig -r "$R"  # also makes the soname link libx.so.1 -> libx.so.1.0
[ -L "$R/opt/x/lib/libx.so.1" ] || fail "ldconfig made no soname link"

rz closure "$R" --seed /usr/bin/prog --analyzers elf --list --list-loaded -o "$T/o"
expect_rc 0 "closure through the cache"
expect_loaded /usr/bin/prog /usr/bin/prog $LDSO /opt/x/lib/libx.so.1.0 $LIBC
assert_has "$T/out" /etc/ld.so.cache
assert_has "$T/out" /opt/x/lib/libx.so.1
agree_with_loader "$R" /usr/bin/prog
expect_run "$R" "x from /opt/x/lib" /usr/bin/prog
expect_run "$T/o" "x from /opt/x/lib" /usr/bin/prog
assert_grep "$T/o.manifest.json" 'DT_NEEDED libx\.so\.1 via ld\.so\.cache'

# Without the cache neither glibc nor raison finds it.
rm "$R/etc/ld.so.cache"
rz closure "$R" --seed /usr/bin/prog --analyzers elf --list
expect_rc 1 "no cache"
assert_grep "$T/err" '^raison: incomplete: /usr/bin/prog: DT_NEEDED libx\.so\.1 not found'
assert_lacks "$T/out" /etc/ld.so.cache
assert_grep <(real_loaded "$R" /usr/bin/prog) '^libx\.so\.1 => not found$'
echo PASS

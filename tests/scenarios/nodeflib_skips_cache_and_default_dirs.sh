#!/usr/bin/env bash
# DF_1_NODEFLIB on the loading object (ld -z nodeflib) skips the default directories and every
# ld.so.cache entry that lies in one of them; a cache entry in another directory (from ld.so.conf)
# is still used. glibc 2.36 elf/dl-load.c, _dl_map_object: "If the loader has the DF_1_NODEFLIB flag
# set we must not use a cache entry from any of these directories" (a prefix match against
# system_dirs), and "Finally, try the default path" only without DF_1_NODEFLIB.
source "$(dirname "$0")/lib.sh"
need_root; need_tool ldconfig
R=$T/root; make_root "$R"
cc_so "$R/usr/lib/$TRIPLET/libsys.so.1" libsys.so.1 "$(lib_src sys "sys from the default directory")"
cc_so "$R/opt/conf/lib/libconf.so.1" libconf.so.1 "$(lib_src conf "conf via ld.so.conf")"
cp "$R/usr/lib/$TRIPLET/libsys.so.1" "$B/libsys.so"; cp "$R/opt/conf/lib/libconf.so.1" "$B/libconf.so"
# The loading objects: libn and libnc (DF_1_NODEFLIB) and libd (the same without the flag).
cc_so "$R/opt/n/libn.so.1" libn.so.1 'const char *sys(void); const char *n(void) { return sys(); }' "$B/libsys.so" -Wl,-z,now
cc_so "$R/opt/n/libnc.so.1" libnc.so.1 'const char *conf(void); const char *nc(void) { return conf(); }' "$B/libconf.so" -Wl,-z,now
add_flags_1 "$R/opt/n/libn.so.1" 0x800; add_flags_1 "$R/opt/n/libnc.so.1" 0x800  # DF_1_NODEFLIB
cc_so "$R/opt/n/libd.so.1" libd.so.1 'const char *sys(void); const char *d(void) { return sys(); }' "$B/libsys.so"
for l in libn libnc libd; do cp "$R/opt/n/$l.so.1" "$B/$l.so"; done
for l in libn libnc; do readelf -d "$R/opt/n/$l.so.1" | grep -q 'Flags:.*NODEFLIB' || fail "fixture: no DF_1_NODEFLIB in $l"; done
for p in n nc d; do
  cc_exe "$R/usr/bin/prog-$p" "$(main_src $p)" "$B/lib$p.so" -Wl,--enable-new-dtags,-rpath,/opt/n
done
mkdir -p "$R/var/cache/ldconfig"; echo /opt/conf/lib >"$R/etc/ld.so.conf"
ldconfig -r "$R"

# Control: without the flag, libsys is found (through the cache).
rz closure "$R" --seed /usr/bin/prog-d --analyzers elf --list-loaded
expect_rc 0 "no nodeflib"
expect_loaded /usr/bin/prog-d /usr/bin/prog-d $LDSO /opt/n/libd.so.1 $LIBC /usr/lib/$TRIPLET/libsys.so.1
agree_with_loader "$R" /usr/bin/prog-d
expect_run "$R" "sys from the default directory" /usr/bin/prog-d

# nodeflib: the default directory's library is not found, neither by the cache nor by the default path.
rz closure "$R" --seed /usr/bin/prog-n --analyzers elf --list-loaded
expect_rc 1 "nodeflib, library in a default directory"
assert_grep "$T/err" '^raison: incomplete: /opt/n/libn\.so\.1: DT_NEEDED libsys\.so\.1 not found'
assert_grep <(real_loaded "$R" /usr/bin/prog-n) '^libsys\.so\.1 => not found$'

# nodeflib: a cache entry outside the default directories is still used.
assert_grep <(real_loaded "$R" /usr/bin/prog-nc) '^/opt/conf/lib/libconf\.so\.1$'
expect_run "$R" "conf via ld.so.conf" /usr/bin/prog-nc
rz closure "$R" --seed /usr/bin/prog-nc --analyzers elf --list-loaded
expect_rc 0 "nodeflib, library in an ld.so.conf directory"
expect_loaded /usr/bin/prog-nc /usr/bin/prog-nc $LDSO /opt/n/libnc.so.1 $LIBC /opt/conf/lib/libconf.so.1
agree_with_loader "$R" /usr/bin/prog-nc
echo PASS

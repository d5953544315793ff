#!/usr/bin/env bash
# A DT_NEEDED path may hold dynamic string tokens: glibc expands $ORIGIN (and $LIB, $PLATFORM) in it
# before opening it (elf/dl-load.c, _dl_map_object: "The path may contain dynamic string tokens.",
# realname = expand_dynamic_string_token (loader, name)). Here a library's DT_NEEDED is
# "$ORIGIN/sub/libq.so", i.e. /opt/p/sub/libq.so beside /opt/p/libmid.so.
source "$(dirname "$0")/lib.sh"
need_root
R=$T/root; make_root "$R"
cc_so "$B/stub-q.so" '$ORIGIN/sub/libq.so' "$(lib_src q unused)"
cc_so "$R/opt/p/sub/libq.so" libq.so "$(lib_src q "q from \$ORIGIN/sub")"
cc_so "$R/opt/p/libmid.so" libmid.so 'const char *q(void); const char *mid(void) { return q(); }' "$B/stub-q.so"
readelf -d "$R/opt/p/libmid.so" | grep -qF '[$ORIGIN/sub/libq.so]' || fail "fixture: DT_NEEDED"
cp "$R/opt/p/libmid.so" "$B/libmid.so"
cc_exe "$R/usr/bin/prog" "$(main_src mid)" "$B/libmid.so" -Wl,--enable-new-dtags,-rpath,/opt/p

expect_run "$R" 'q from $ORIGIN/sub' /usr/bin/prog
rz closure "$R" --seed /usr/bin/prog --analyzers elf --list-loaded
expect_rc 0 "closure"
expect_loaded /usr/bin/prog /usr/bin/prog $LDSO /opt/p/libmid.so $LIBC /opt/p/sub/libq.so
agree_with_loader "$R" /usr/bin/prog
echo PASS

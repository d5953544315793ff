#!/usr/bin/env bash
# Every search directory is tried with its glibc-hwcaps/<level> subdirectories first, highest
# priority first, then itself (elf/dl-load.c open_path over the r_search_path_elem list that
# _dl_important_hwcaps builds). The levels are given with --hwcaps so the answer is the same on
# every machine; the real loader is asked with --glibc-hwcaps-mask for the levels this CPU has.
# The ld.so.cache's glibc-hwcaps extension (ldconfig records those subdirectories) is checked too.
source "$(dirname "$0")/lib.sh"
need_root; need_tool ldconfig
R=$T/root; make_root "$R"
H=/opt/h/lib
cc_so "$R$H/libh.so.1" libh.so.1 "$(lib_src h base)"
for v in x86-64-v2 x86-64-v3; do cc_so "$R$H/glibc-hwcaps/$v/libh.so.1" libh.so.1 "$(lib_src h "$v")"; done
cp "$R$H/libh.so.1" "$B/libh.so"
cc_exe "$R/usr/bin/prog" "$(main_src h)" "$B/libh.so" -Wl,--enable-new-dtags,-rpath,$H
# The same library in the default directory, reached through ld.so.cache.
cc_so "$R/usr/lib/$TRIPLET/libk.so.1" libk.so.1 "$(lib_src k base)"
cc_so "$R/usr/lib/$TRIPLET/glibc-hwcaps/x86-64-v2/libk.so.1" libk.so.1 "$(lib_src k x86-64-v2)"
cp "$R/usr/lib/$TRIPLET/libk.so.1" "$B/libk.so"
cc_exe "$R/usr/bin/cached" "$(main_src k)" "$B/libk.so"
mkdir -p "$R/var/cache/ldconfig"; touch "$R/etc/ld.so.conf"
ldconfig -r "$R"

check() {  # check HWCAPS EXPECTED_DIR
  rz closure "$R" --seed /usr/bin/prog --analyzers elf --hwcaps "$1" --list-loaded
  expect_rc 0 "--hwcaps $1"
  expect_loaded /usr/bin/prog /usr/bin/prog $LDSO "$2/libh.so.1" $LIBC
}
check x86-64-v3,x86-64-v2 $H/glibc-hwcaps/x86-64-v3
check x86-64-v2 $H/glibc-hwcaps/x86-64-v2
check x86-64-v4 $H
check none $H

rz closure "$R" --seed /usr/bin/cached --analyzers elf --hwcaps x86-64-v3,x86-64-v2 --list-loaded --list
expect_rc 0 "cache with hwcaps"
expect_loaded /usr/bin/cached /usr/bin/cached $LDSO /usr/lib/$TRIPLET/glibc-hwcaps/x86-64-v2/libk.so.1 $LIBC
assert_has "$T/out" /etc/ld.so.cache
rz closure "$R" --seed /usr/bin/cached --analyzers elf --hwcaps none --list-loaded
expect_rc 0 "cache without hwcaps"
expect_loaded /usr/bin/cached /usr/bin/cached $LDSO /usr/lib/$TRIPLET/libk.so.1 $LIBC

# The real loader, restricted to each level this CPU supports, agrees.
supported=$(/lib64/ld-linux-x86-64.so.2 --help | sed -n 's/^ *\(x86-64-v[234]\) (supported, searched)$/\1/p')
for v in x86-64-v3 x86-64-v2; do
  if grep -qx "$v" <<<"$supported"; then
    expect_run "$R" "$v" /lib64/ld-linux-x86-64.so.2 --glibc-hwcaps-mask "$v" /usr/bin/prog
    rz closure "$R" --seed /usr/bin/prog --analyzers elf --hwcaps "$v" --list-loaded
    agree_with_loader "$R" /usr/bin/prog --glibc-hwcaps-mask "$v"
  else
    note "this CPU lacks $v: the real loader was not asked about it"
  fi
done
if grep -qx x86-64-v2 <<<"$supported"; then
  expect_run "$R" x86-64-v2 /lib64/ld-linux-x86-64.so.2 --glibc-hwcaps-mask x86-64-v2 /usr/bin/cached
fi
echo PASS

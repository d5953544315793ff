#!/usr/bin/env bash
# The minimal roots raison writes for real programs of this machine run: openssl (libssl, libcrypto,
# libz...) and ls (libselinux, libpcre2...), each seeded from the machine's own /, emitted, and run
# under chroot with nothing else in the root.
source "$(dirname "$0")/lib.sh"
need_root
for p in /usr/bin/openssl /bin/ls; do [ -x "$p" ] || skip "$p is not installed"; done

rz closure / --seed /usr/bin/openssl --analyzers elf -o "$T/openssl"
expect_rc 0 "closure of openssl"
want=$(/usr/bin/openssl version)
expect_run "$T/openssl" "$want" /usr/bin/openssl version
[ ! -e "$T/openssl/bin/ls" ] || fail "ls in openssl's root"

rz closure / --seed /bin/ls --analyzers elf -o "$T/ls"
expect_rc 0 "closure of ls"
run_in "$T/ls" /bin/ls /
[ "$RUN_RC" = 0 ] || { cat "$T/run"; fail "chroot ls / exited $RUN_RC"; }
assert_eq "$(cd "$T/ls" && ls -A | sort)" "$(sort "$T/run")" "ls / inside the emitted root lists its top"
# Every regular file in the emitted root is an ELF object the loader maps, or the loader's cache.
rz closure / --seed /bin/ls --analyzers elf --list-loaded --list
expect_rc 0 "list ls"
(cd "$T/ls" && find . -type f | sed 's/^\.//' | sort) >"$T/emitted"
{ awk -F'\t' 'NF == 2 { print $2 }' "$T/out"; [ ! -f /etc/ld.so.cache ] || echo /etc/ld.so.cache; } | sort -u >"$T/expected"
assert_eq "$(cat "$T/expected")" "$(cat "$T/emitted")" "regular files in the emitted root of ls"
echo PASS

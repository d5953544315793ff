#!/usr/bin/env bash
# The minimal roots raison writes for real programs of this machine run: openssl (libssl, libcrypto,
# libz...) and ls (libselinux, libpcre2...), each seeded from the machine's own /, emitted, and run
# under chroot with nothing else in the root; what they hold is what the real loader maps there (no
# package database: --package-db drop).
source "$(dirname "$0")/lib.sh"
need_root
for p in /usr/bin/openssl /bin/ls; do [ -x "$p" ] || skip "$p is not installed"; done

rz closure / --seed /usr/bin/openssl --analyzers elf --package-db drop -o "$T/openssl"
expect_rc 0 "closure of openssl"
want=$(/usr/bin/openssl version)
expect_run "$T/openssl" "$want" /usr/bin/openssl version
[ ! -e "$T/openssl/bin/ls" ] || fail "ls in openssl's root"

rz closure / --seed /bin/ls --analyzers elf --package-db drop -o "$T/ls"
expect_rc 0 "closure of ls"
run_in "$T/ls" /bin/ls /
[ "$RUN_RC" = 0 ] || { cat "$T/run"; fail "chroot ls / exited $RUN_RC"; }
assert_eq "$(cd "$T/ls" && ls -A | sort)" "$(sort "$T/run")" "ls / inside the emitted root lists its top"
# Every regular file in each emitted root is an object glibc's own loader maps for the program inside
# that root (LD_TRACE_LOADED_OBJECTS, what ldd prints; nothing "not found"), or the loader's cache.
for p in openssl:/usr/bin/openssl ls:/bin/ls; do
  out=$T/${p%%:*} prog=${p#*:}
  real_loaded "$out" "$prog" >"$T/loaded"
  ! grep -q 'not found' "$T/loaded" || { cat "$T/loaded"; fail "the loader misses libraries of $prog in its emitted root"; }
  (cd "$out" && find . -type f | sed 's/^\.//' | sort) >"$T/emitted"
  { cat "$T/loaded"; [ ! -f "$out/etc/ld.so.cache" ] || echo /etc/ld.so.cache; } | sort -u >"$T/expected"
  assert_eq "$(cat "$T/expected")" "$(cat "$T/emitted")" "regular files in the emitted root of $prog"
done
echo PASS

#!/usr/bin/env bash
# subprojects/*.wrap: with --wrap-mode=forcefallback, fmt, CLI11, doctest and nlohmann_json are built from
# Debian's source tarballs placed in subprojects/packagecache, with no network (a fresh network
# namespace with loopback only), and the unit tests of that build pass. Oracles: meson's summary of the
# subprojects it configured, the compile commands (the subprojects' include directories), the linked
# binary (no libfmt.so.9 from the system), and the unit tests. (An empty packagecache fails offline, as
# it must, but only after meson's download retries, ~1 min: not repeated here.)
source "$(dirname "$0")/lib.sh"
need_root  # unshare --net
need_tool meson; need_tool ninja; need_tool unshare; need_tool readelf
SRC=$(cd "$TESTS_DIR/.." && pwd)
DEBSRC=$TESTS_DIR/.debian-sources
ls "$DEBSRC"/*.orig.tar.* >/dev/null 2>&1 || skip "no Debian source tarballs in $DEBSRC: run tests/install-deps.sh"

# A copy of the source tree (tracked and new files, not build directories), as a fresh checkout.
mkdir -p "$T/src"
if git -C "$SRC" rev-parse --show-toplevel >/dev/null 2>&1; then
  git -C "$SRC" ls-files -z --cached --others --exclude-standard | (cd "$SRC" && tar --null -T - -cf -) | tar -C "$T/src" -xf -
else
  tar -C "$SRC" --exclude='./build*' --exclude=./tests/.node --exclude=./tests/.debian-sources \
      --exclude='./subprojects/*/' -cf - . | tar -C "$T/src" -xf -
  cp -r "$SRC/subprojects/packagefiles" "$T/src/subprojects/"
fi
[ ! -e "$T/src/subprojects/packagecache" ] || fail "the copied tree already has a packagecache"

offline() { unshare --net -- "$@"; }

# The namespace has no interface but loopback (down): nothing can be downloaded from it.
ifaces=$(offline awk -F: 'NR > 2 { gsub(/ /, "", $1); print $1 }' /proc/net/dev | tr '\n' ' ')
[ "$ifaces" = "lo " ] || fail "the build namespace has network interfaces: $ifaces"

# Each wrap's tarball, by the name the wrap gives; meson checks it against the wrap's source_hash.
mkdir -p "$T/src/subprojects/packagecache"
wraps=0
for w in "$T"/src/subprojects/*.wrap; do
  f=$(sed -n 's/^source_filename = //p' "$w")
  [ -f "$DEBSRC/$f" ] || fail "$DEBSRC has no $f (named by $(basename "$w")): run tests/install-deps.sh"
  cp "$DEBSRC/$f" "$T/src/subprojects/packagecache/"
  wraps=$((wraps + 1))
done
[ "$wraps" -ge 4 ] || fail "expected at least 4 wraps, found $wraps"

# buildtype=plain: no -g, so ccache (when installed) hits across runs in different temp dirs.
start=$(date +%s)
offline meson setup "$T/build" "$T/src" --wrap-mode=forcefallback -Dbuildtype=plain >"$T/setup.log" 2>&1 \
  || { cat "$T/setup.log" >&2; fail "offline forcefallback setup failed"; }
# meson's summary lists each subproject it configured.
for dep in fmt CLI11 doctest nlohmann_json; do
  grep -qE "^ +$dep *: YES" "$T/setup.log" || { cat "$T/setup.log" >&2; fail "$dep was not built from its subproject"; }
done
offline ninja -C "$T/build" tests/unit/unit_tests >"$T/ninja.log" 2>&1 || { tail -50 "$T/ninja.log" >&2; fail "the build failed"; }
note "offline forcefallback setup and build of the unit tests: $(( $(date +%s) - start )) s"

# The compile commands use the subprojects' headers; the binary does not load the system's libfmt.
cc=$T/build/compile_commands.json
for inc in subprojects/fmtlib-9.1.0+ds1/include subprojects/CLI11-2.1.2/include subprojects/doctest-2.4.9 subprojects/json-3.11.2/single_include; do
  grep -qF "$inc" "$cc" || fail "no compile command uses $inc"
done
if readelf -d "$T/build/tests/unit/unit_tests" | grep -q 'libfmt'; then fail "unit_tests links the system's libfmt"; fi

# The unit tests of that build, from the copied source root (they read tests/optional-tests.txt there).
(cd "$T/src" && "$T/build/tests/unit/unit_tests" >"$T/unit.log" 2>&1) || { tail -40 "$T/unit.log" >&2; fail "unit tests failed"; }
grep -E '^\[doctest\] (test cases|assertions)' "$T/unit.log" >&2
grep -qE '^\[doctest\] Status: SUCCESS' "$T/unit.log" || fail "doctest did not report SUCCESS"
echo "PASS: $TEST_NAME"

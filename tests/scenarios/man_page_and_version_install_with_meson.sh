#!/usr/bin/env bash
# `raison --version` names meson's project() version; every command's --help ends with examples; the
# build makes a man page from the help (help2man) and `meson install` puts it in man1, where `man -l`
# renders the commands and their options.
source "$(dirname "$0")/lib.sh"
need_tool help2man
need_tool man
# The build directory: the one above $RAISON that has build.ninja.
build=$(dirname "$RAISON")
while [ "$build" != / ] && [ ! -f "$build/build.ninja" ]; do build=$(dirname "$build"); done
[ -f "$build/build.ninja" ] || fail "no meson build directory above $RAISON"
src=$(cd "$TESTS_DIR/.." && pwd)
version=$(sed -n "s/^  version : '\(.*\)',$/\1/p" "$src/meson.build")
[ -n "$version" ] || fail "no version in meson.build"

rz --version
expect_rc 0 "--version"
assert_grep "$T/out" "^raison $version( \(git [0-9a-zA-Z.-]+\))?\$"
commands=$("$RAISON" --help | sed -n '/^Subcommands:/,$p' | awk 'NR > 1 && /^  [a-z]/ {print $1}')
[ "$(echo "$commands" | wc -l)" -ge 10 ] || fail "raison --help lists too few commands: $commands"
for c in $commands; do
  rz "$c" --help
  expect_rc 0 "$c --help"
  assert_grep "$T/out" "^ *raison $c "  # an example of the command itself
done

DESTDIR=$T/dest meson install -C "$build" --no-rebuild --quiet >"$T/install.log" 2>&1 || { cat "$T/install.log" >&2; fail "meson install"; }
page=$(find "$T/dest" -path '*/share/man/man1/raison.1' | head -1)
[ -n "$page" ] || { find "$T/dest" >&2; fail "meson install put no man1/raison.1"; }
find "$T/dest" -path '*/bin/raison' | grep -q . || fail "meson install put no bin/raison"
MANWIDTH=100 man -P cat -l "$page" >"$T/man.txt" 2>"$T/man.err"
grep -q "raison $version" "$T/man.txt" || fail "the man page does not name version $version"
for c in $commands; do
  grep -qE "^ {3,}$c\$" "$T/man.txt" || { head -60 "$T/man.txt" >&2; fail "the man page has no section for the command $c"; }
done
grep -q -- '--fail-on-growth' "$T/man.txt" || fail "the man page lacks diff's options"
grep -q 'raison why out.manifest.json' "$T/man.txt" || fail "the man page lacks why's examples"
note "man -l $page: $(wc -l <"$T/man.txt") lines, commands: $(echo $commands)"
echo PASS

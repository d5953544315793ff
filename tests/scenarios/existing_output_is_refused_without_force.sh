#!/usr/bin/env bash
# An existing non-empty output directory is never overwritten without --force: exit 3, one line
# naming it, its content untouched. An empty directory is taken; --force replaces the content whole.
source "$(dirname "$0")/lib.sh"
R=$T/root; make_root "$R"
cc_exe "$R/usr/bin/prog" "$(main_src)"
O=$T/o
mkdir -p "$O/keep"; echo precious >"$O/keep/me"

rz closure "$R" --seed /usr/bin/prog --analyzers elf -o "$O"
expect_rc 3 "non-empty output without --force"
assert_grep "$T/err" "^raison: .*$O.*(exists|not empty)"
[ "$(cat "$O/keep/me")" = precious ] || fail "existing content changed"
[ ! -e "$O/usr" ] || fail "something was written into the existing output"
[ ! -e "$O.manifest.json" ] || fail "a manifest was written for a refused output"

rz closure "$R" --seed /usr/bin/prog --analyzers elf -o "$O" --force
expect_rc 0 "--force"
[ ! -e "$O/keep" ] || fail "--force kept the old content"
[ -f "$O/usr/bin/prog" ] && [ -f "$O.manifest.json" ] || fail "--force wrote no root"

rm -rf "$O" "$O.manifest.json"; mkdir "$O"
rz closure "$R" --seed /usr/bin/prog --analyzers elf -o "$O"
expect_rc 0 "empty existing output"
[ -f "$O/usr/bin/prog" ] || fail "empty output directory not filled"
# No temporary directories are left beside the output.
left=$(cd "$T" && ls -A | grep -vxE 'o|o\.manifest\.json|root|build|out|err' || true)
[ -z "$left" ] || fail "left beside the output: $left"
if [ "$(id -u)" = 0 ]; then expect_run "$O" "" /usr/bin/prog; fi
echo PASS

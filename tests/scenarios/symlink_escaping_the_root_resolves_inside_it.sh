#!/usr/bin/env bash
# A link in the root whose target leaves it (absolute, or with more ".." than there are directories)
# is resolved inside the root, as chroot and openat2(RESOLVE_IN_ROOT) do. Decoys with the same names
# wait outside the root: raison must neither read nor copy them, and where only the outside file
# exists, the library is missing.
source "$(dirname "$0")/lib.sh"
need_root
R=$T/root; make_root "$R"
EVIL=$(mktemp -d /tmp/raison-evil.XXXXXX)
trap 'rm -rf "$T" "$EVIL"' EXIT
for l in x y z; do
  cc_so "$B/lib$l.so" lib$l.so.1 "$(lib_src $l "$l inside")"
  cc_so "$EVIL/lib$l.so.1" lib$l.so.1 "$(lib_src $l "$l OUTSIDE THE ROOT")"
done
mkdir -p "$R$EVIL"
cp "$B/libx.so" "$R$EVIL/libx.so.1"; cp "$B/liby.so" "$R$EVIL/liby.so.1"
L=$R/usr/lib/$TRIPLET
ln -s "/../../../../..$EVIL/libx.so.1" "$L/libx.so.1"
ln -s "../../../../../../../../../../..$EVIL/liby.so.1" "$L/liby.so.1"
ln -s "$EVIL/libz.so.1" "$L/libz.so.1"  # only outside the root
cc_exe "$R/usr/bin/prog" "$(main_src x y)" "$B/libx.so" "$B/liby.so"
cc_exe "$R/usr/bin/prog-z" "$(main_src z)" "$B/libz.so"

rz closure "$R" --seed /usr/bin/prog --analyzers elf --list-loaded --list -o "$T/o"
expect_rc 0 "links leaving the root"
expect_loaded /usr/bin/prog /usr/bin/prog $LDSO "$EVIL/libx.so.1" "$EVIL/liby.so.1" $LIBC
assert_has "$T/out" /usr/lib/$TRIPLET/libx.so.1
cmp -s "$T/o$EVIL/libx.so.1" "$R$EVIL/libx.so.1" || fail "the output's libx is not the one inside the root"
cmp -s "$T/o$EVIL/liby.so.1" "$R$EVIL/liby.so.1" || fail "the output's liby is not the one inside the root"
agree_with_loader "$R" /usr/bin/prog
expect_run "$R" "$(lines "x inside" "y inside")" /usr/bin/prog
expect_run "$T/o" "$(lines "x inside" "y inside")" /usr/bin/prog

rz closure "$R" --seed /usr/bin/prog-z --analyzers elf --list-loaded --list
expect_rc 1 "target only outside the root"
assert_grep "$T/err" '^raison: incomplete: /usr/bin/prog-z: DT_NEEDED libz\.so\.1 not found'
if grep -q "OUTSIDE" "$T/out"; then fail "read outside the root"; fi
assert_lacks "$T/out" "$EVIL/libz.so.1"
assert_grep <(real_loaded "$R" /usr/bin/prog-z) '^libz\.so\.1 => not found$'
echo PASS

#!/usr/bin/env bash
# `raison why` prints the chain of reasons from a seed to a kept path, one hop per entry, computed
# afresh from a root or read back from a manifest (both give the same chain); for a path that is not
# kept it says "is not in the closure" and exits 4.
source "$(dirname "$0")/lib.sh"
R=$T/root; make_root "$R"
L=/usr/lib/$TRIPLET
cc_so "$R$L/libb.so.1" libb.so.1 "$(lib_src b b)"
cp "$R$L/libb.so.1" "$B/libb.so"
cc_so "$R$L/liba.so.1" liba.so.1 'const char *b(void); const char *a(void) { return b(); }' "$B/libb.so"
cp "$R$L/liba.so.1" "$B/liba.so"
cc_exe "$R/usr/bin/prog" "$(main_src a)" "$B/liba.so"
echo 'not needed' >"$R/usr/bin/other"

# in_order FILE WORD...: each word appears in FILE on a later line than the previous one.
in_order() {
  local f=$1 last=0 n; shift
  for w in "$@"; do
    n=$(grep -nF -- "$w" "$f" | cut -d: -f1 | awk -v l="$last" '$1 > l { print; exit }')
    [ -n "$n" ] || { cat "$f"; fail "'$w' not found after line $last"; }
    last=$n
  done
}

rz why "$R" $L/libb.so.1 --seed /usr/bin/prog --analyzers elf
expect_rc 0 "why libb (root)"
in_order "$T/out" /usr/bin/prog "$L/liba.so.1" "DT_NEEDED liba.so.1" "$L/libb.so.1" "DT_NEEDED libb.so.1"
cp "$T/out" "$T/why-root"

rz closure "$R" --seed /usr/bin/prog --analyzers elf --manifest "$T/m.json"
expect_rc 0 "closure"
rz why "$T/m.json" $L/libb.so.1
expect_rc 0 "why libb (manifest)"
assert_eq "$(cat "$T/why-root")" "$(cat "$T/out")" "why from the root and from the manifest"

# A path written through the usr-merge link names the same file.
rz why "$R" /lib/x86_64-linux-gnu/libb.so.1 --seed /usr/bin/prog --analyzers elf
expect_rc 0 "why through /lib"
in_order "$T/out" /usr/bin/prog "$L/liba.so.1" "$L/libb.so.1"

# The interpreter's reason is PT_INTERP.
rz why "$T/m.json" $LDSO
expect_rc 0 "why ld.so"
assert_grep "$T/out" 'PT_INTERP /lib64/ld-linux-x86-64\.so\.2'

for src in "$R" "$T/m.json"; do
  if [ "$src" = "$R" ]; then rz why "$R" /usr/bin/other --seed /usr/bin/prog --analyzers elf
  else rz why "$src" /usr/bin/other; fi
  expect_rc 4 "why other ($src)"
  assert_grep "$T/out" 'is not in the closure'
done
rz why "$R" /usr/bin/nonexistent --seed /usr/bin/prog --analyzers elf
expect_rc 4 "why of a path that does not exist"
echo PASS

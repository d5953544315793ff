#!/usr/bin/env bash
# LIEF, the second ELF reader (--elf-reader lief), is a module raison loads by dlopen only when asked:
# raison does not link libLIEF, a run with the direct reader never maps it, one with --elf-reader lief
# does and gives the same closure. Without the module, --elf-reader lief is one line naming it, and the
# direct reader still works. raison's own .note.dlopen names the module: a closure of raison finds it
# through raison's RUNPATH with --dlopen-priority suggested, in the build tree and as `meson install`
# lays it out.
source "$(dirname "$0")/lib.sh"
build=$(dirname "$RAISON")
while [ "$build" != / ] && [ ! -f "$build/build.ninja" ]; do build=$(dirname "$build"); done
[ -f "$build/build.ninja" ] || fail "no meson build directory above $RAISON"
module=$(dirname "$RAISON")/raison-elf-lief.so
[ -f "$module" ] || fail "no $module beside raison"

# Linked against nothing of LIEF; mapped only with --elf-reader lief.
! readelf -d "$RAISON" | grep -q 'NEEDED.*LIEF' || fail "raison links libLIEF"
seeds=(--seed /usr/bin/python3 --seed /usr/bin/ls --seed /usr/bin/openssl)
LD_DEBUG=files "$RAISON" closure / "${seeds[@]}" --list -q >"$T/direct" 2>"$T/direct.debug" || fail "closure with the direct reader"
! grep -q 'file=libLIEF\|raison-elf-lief' "$T/direct.debug" || fail "the direct reader's run mapped LIEF"
LD_DEBUG=files "$RAISON" closure / "${seeds[@]}" --list -q --elf-reader lief >"$T/lief" 2>"$T/lief.debug" || fail "closure with --elf-reader lief"
grep -q 'file=raison-elf-lief.so .*dynamically loaded by' "$T/lief.debug" || fail "--elf-reader lief did not dlopen the module"
grep -q 'file=libLIEF.so' "$T/lief.debug" || fail "--elf-reader lief did not map libLIEF"
[ "$(wc -l <"$T/direct")" -gt 50 ] || fail "the closure of python3, ls and openssl lists only $(wc -l <"$T/direct") files"
diff "$T/direct" "$T/lief" >&2 || fail "the two readers give different closures"

# Without the module: one line naming it (exit 3, a file raison needs it cannot read); the direct
# reader runs. (meson test puts the module's directory in LD_LIBRARY_PATH, where dlopen would find it.)
unset LD_LIBRARY_PATH
mkdir -p "$T/bin"
cp "$RAISON" "$T/bin/raison"
RAISON=$T/bin/raison rz closure / --seed /usr/bin/ls --list -q --elf-reader lief
expect_rc 3 "--elf-reader lief without the module"
[ "$(error_lines | wc -l)" = 1 ] || { cat "$T/err"; fail "not one error line without the module"; }
assert_grep "$T/err" '^raison: .*raison-elf-lief\.so.*cannot be loaded'
RAISON=$T/bin/raison rz closure / --seed /usr/bin/ls --list -q
expect_rc 0 "the direct reader without the module"

# raison's own note: the module is a suggested dlopen of raison, found where dlopen finds it.
rz closure / --seed "$RAISON" --list -q
expect_rc 0 "closure of raison"
assert_lacks "$T/out" "$module"
rz why / "$module" --seed "$RAISON" --dlopen-priority suggested
expect_rc 0 "why of the module"
assert_grep "$T/out" "\[dlopen, elf\] \.note\.dlopen feature elf-reader-lief \(suggested\): dlopen raison-elf-lief\.so via RUNPATH"

# Installed: the module in libdir/raison, which the installed raison's RUNPATH names (read inside the
# installed tree as a root, where raison resolves that RUNPATH).
DESTDIR=$T/dest meson install -C "$build" --no-rebuild --quiet >"$T/install.log" 2>&1 || { cat "$T/install.log" >&2; fail "meson install"; }
inst=$(cd "$T/dest" && find . -path '*/bin/raison' | head -1 | cut -c2-)
[ -n "$inst" ] || fail "meson install put no bin/raison"
inst_module=$(cd "$T/dest" && find . -path '*/raison/raison-elf-lief.so' | head -1 | cut -c2-)
[ -n "$inst_module" ] || { find "$T/dest" >&2; fail "meson install put no raison/raison-elf-lief.so"; }
readelf -d "$T/dest$inst" | grep -F '(RUNPATH)' | grep -qF "[$(dirname "$inst_module")]" ||
  { readelf -d "$T/dest$inst" >&2; fail "the installed raison's RUNPATH is not $(dirname "$inst_module")"; }
rz why "$T/dest" "$inst_module" --seed "$inst" --dlopen-priority suggested
assert_grep "$T/out" "dlopen raison-elf-lief\.so via RUNPATH of $inst"
note "module $(stat -c %s "$module") bytes; installed as $inst_module"
echo PASS

#!/usr/bin/env bash
# libarchive, libcrypto and ISA-L are loaded by dlopen at their first use (util/lazy_lib.hpp): raison
# links none of them, a closure of a directory maps none of them, a closure of a gzip tar maps all
# three and gives the same closure as the directory. When one cannot be loaded, the job that needs it
# fails in one line naming the library, and the others run. raison's own .note.dlopen names them as
# required: a closure of raison keeps them and what they link.
source "$(dirname "$0")/lib.sh"
libs='libarchive\.so|libcrypto\.so|libisal\.so'

# Linked against none of them; a closure of a directory maps none of them. (Writing the closure out
# does: the manifest holds each file's SHA-256.)
! readelf -d "$RAISON" | grep -E 'NEEDED' | grep -qE "$libs" || { readelf -d "$RAISON" >&2; fail "raison links one of them"; }
LD_DEBUG=files "$RAISON" closure / --seed /usr/bin/ls --list -q 2>"$T/dir.debug" >/dev/null || fail "closure of /"
! grep -E 'file=' "$T/dir.debug" | grep -qE "file=($libs)" || { grep -E "$libs" "$T/dir.debug" >&2; fail "a closure of a directory mapped one"; }
"$RAISON" closure / --seed /usr/bin/ls -o "$T/ls" -q || fail "closure of / to a directory"
"$RAISON" closure "$T/ls" --seed /usr/bin/ls --list -q | sort >"$T/dir.list" || fail "closure of the output directory"
[ "$(wc -l <"$T/dir.list")" -gt 10 ] || fail "the closure of ls lists only $(wc -l <"$T/dir.list") files"

# A gzip tar of the same tree: all three loaded by dlopen, the same closure.
tar -C "$T/ls" -cf "$T/ls.tar" . && gzip -k "$T/ls.tar" || fail "tar and gzip"
LD_DEBUG=files "$RAISON" closure "$T/ls.tar.gz" --seed /usr/bin/ls --list -q 2>"$T/tgz.debug" | sort >"$T/tgz.list" || fail "closure of the gzip tar"
for lib in libarchive.so libcrypto.so libisal.so; do
  grep -qE "file=$lib[.0-9]* .*dynamically loaded by" "$T/tgz.debug" || fail "the closure of a gzip tar did not dlopen $lib"
done
diff "$T/dir.list" "$T/tgz.list" >&2 || fail "the gzip tar and the directory give different closures"

# A library that cannot be loaded (here an empty file found first, through LD_LIBRARY_PATH): the job
# that needs it fails in one line naming it (exit 3, as for any input raison cannot read); a closure of
# a directory runs.
mkdir -p "$T/bogus"
: >"$T/bogus/libarchive.so.13"
LD_LIBRARY_PATH=$T/bogus rz closure "$T/ls.tar" --seed /usr/bin/ls --list -q
expect_rc 3 "closure of a tar without a loadable libarchive"
[ "$(error_lines | wc -l)" = 1 ] || { cat "$T/err"; fail "not one error line"; }
assert_grep "$T/err" '^raison: .*ls\.tar: .*libarchive\.so\.13 \(needed for images, tar inputs and tar outputs\) cannot be loaded: .*file too short'
LD_LIBRARY_PATH=$T/bogus rz closure / --seed /usr/bin/ls --list -q
expect_rc 0 "closure of a directory without a loadable libarchive"

# raison's own note: a closure of raison keeps each, as a required dlopen of raison, and what it links.
rz why / "$(realpath /usr/lib/x86_64-linux-gnu/libarchive.so.13)" --seed "$RAISON"
expect_rc 0 "why of libarchive"
assert_grep "$T/out" '\[dlopen, elf\] \.note\.dlopen feature archive \(required\): dlopen libarchive\.so\.13 via'
rz closure / --seed "$RAISON" --list -q
expect_rc 0 "closure of raison"
for lib in libarchive.so.13 libcrypto.so.3 libisal.so.2 libxml2.so.2; do
  grep -q "/$lib\$" "$T/out" || { cat "$T/out"; fail "the closure of raison lacks $lib"; }
done
echo PASS

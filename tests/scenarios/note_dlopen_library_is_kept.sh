#!/usr/bin/env bash
# A program's .note.dlopen (the FDO ELF dlopen metadata: type 0x407c0c0a, owner "FDO", a JSON list of
# {"soname": [alternatives...], "priority": ...}) names libraries it dlopens by name: raison keeps the
# first present alternative of each entry up to --priority (default recommended), so the output runs
# a program that dlopens libz.so.1; a "suggested" entry is kept only with --priority suggested.
source "$(dirname "$0")/lib.sh"
need_root
for f in libz.so.1 libbz2.so.1.0; do [ -e /lib/$TRIPLET/$f ] || skip "the host has no $f"; done
R=$T/root
make_root "$R"
cp -L /lib/$TRIPLET/libz.so.1 "$R/usr/lib/$TRIPLET/libz.so.1"
cp -L /lib/$TRIPLET/libbz2.so.1.0 "$R/usr/lib/$TRIPLET/libbz2.so.1.0"
cc_exe "$R/usr/bin/zv" '
#include <dlfcn.h>
#include <stdio.h>
#define JSON "[{\"soname\":[\"libmissing.so.9\",\"libz.so.1\"],\"priority\":\"required\"},"\
             "{\"soname\":[\"libbz2.so.1.0\"],\"priority\":\"suggested\"}]"
__attribute__((section(".note.dlopen"), used, aligned(4)))
static const struct { unsigned namesz, descsz, type; char name[4]; char desc[(sizeof JSON + 3) & ~3]; }
  note = { 4, sizeof JSON, 0x407c0c0a, "FDO", JSON };
int main(void) {
  void *h = dlopen("libz.so.1", RTLD_NOW);
  if (!h) { fprintf(stderr, "%s\n", dlerror()); return 1; }
  const char *(*version)(void) = (const char *(*)(void))dlsym(h, "zlibVersion");
  printf("zlib %s\n", version ? "loaded" : "without zlibVersion");
  return 0;
}'
readelf -n "$R/usr/bin/zv" >"$T/notes" 2>&1 || true  # readelf exits 1 on the unknown note type
grep -q "0x407c0c0a" "$T/notes" || { cat "$T/notes"; fail "fixture has no .note.dlopen note"; }
readelf -d "$R/usr/bin/zv" >"$T/dyn"
! grep -q 'libz' "$T/dyn" || fail "fixture must not link libz"

# Default priority (recommended): the required entry's present alternative, not the suggested one.
rz closure "$R" --seed /usr/bin/zv -o "$T/out1"
expect_rc 0 "closure of zv"
[ -f "$T/out1/usr/lib/$TRIPLET/libz.so.1" ] || { show closure; fail "libz.so.1 not kept"; }
[ ! -e "$T/out1/usr/lib/$TRIPLET/libbz2.so.1.0" ] || fail "a suggested .note.dlopen entry kept by default"
python3 - "$T/out1.manifest.json" <<'PY' || fail "reason of libz.so.1"
import json, sys
files = {f["path"]: f for f in json.load(open(sys.argv[1]))["files"]}
rs = files["/usr/lib/x86_64-linux-gnu/libz.so.1"]["reasons"]
assert any(r["kind"] == "dlopen" and ".note.dlopen" in r["detail"] and "libz.so.1" in r["detail"] for r in rs), rs
PY
expect_run "$T/out1" "zlib loaded" /usr/bin/zv

# --priority suggested keeps the suggested entry too.
rz closure "$R" --seed /usr/bin/zv --priority suggested -o "$T/out2"
expect_rc 0 "closure of zv --priority suggested"
[ -f "$T/out2/usr/lib/$TRIPLET/libbz2.so.1.0" ] || { show closure; fail "suggested libbz2.so.1.0 not kept with --priority suggested"; }
[ -f "$T/out2/usr/lib/$TRIPLET/libz.so.1" ] || fail "libz.so.1 not kept with --priority suggested"

# --priority required still keeps the required entry.
rz closure "$R" --seed /usr/bin/zv --priority required --list
expect_rc 0 "closure of zv --priority required"
assert_has "$T/out" "/usr/lib/$TRIPLET/libz.so.1"
assert_lacks "$T/out" "/usr/lib/$TRIPLET/libbz2.so.1.0"
echo PASS

#!/usr/bin/env bash
# Writes the fuzzing seed corpora into OUT/<harness>/: the small seeds committed in fuzz/corpus/ plus
# real files of this machine, made or copied at run time (too large or too machine-specific to commit):
# ELF files from /usr/bin and /usr/lib and one compiled here for 32-bit x86, /etc/ld.so.cache,
# Python stdlib sources, strace logs of real commands, a path list from find; for the image harnesses,
# layer tars made by GNU tar (hardlinks, symlinks with "..", whiteouts, an opaque directory, xattrs;
# plain, gzip, zstd) and an OCI layout written by umoci and copied to a docker-archive by skopeo, their
# documents with digests turned into the harnesses' placeholders (fuzz/image_harness.hpp).
set -euo pipefail
out=${1:?usage: seeds.sh OUT_DIR}
here=$(cd "$(dirname "$0")" && pwd)
mkdir -p "$out"
for h in elf_direct elf_lief ldcache dlopen_note python_scan strace path_list rules oci_layout docker_archive layers; do
  mkdir -p "$out/$h"
  [ -d "$here/corpus/$h" ] && cp "$here/corpus/$h"/* "$out/$h/" 2>/dev/null || true
done
# ELF: small real files (libFuzzer's -max_len follows the largest seed, so keep them small).
for f in /usr/bin/true /usr/lib/x86_64-linux-gnu/libdl.so.2 /usr/lib/x86_64-linux-gnu/libpthread.so.0; do
  [ -f "$f" ] && cp "$f" "$out/elf_direct/$(basename "$f")"
done
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
printf '#include <stdio.h>\nint main(void){puts("hi");return 0;}\n' > "$tmp/hi.c"
gcc -m32 -Os -o "$out/elf_direct/hi32" "$tmp/hi.c" 2>/dev/null || true
gcc -Os -shared -fPIC -Wl,-soname,libhi.so.1 -Wl,-rpath,'$ORIGIN/../lib' -Wl,--enable-new-dtags \
  -o "$out/elf_direct/libhi.so.1" "$tmp/hi.c" 2>/dev/null || true
cp "$out/elf_direct"/* "$out/elf_lief/"
[ -f /etc/ld.so.cache ] && cp /etc/ld.so.cache "$out/ldcache/ld.so.cache"
for f in keyword.py this.py colorsys.py bisect.py __future__.py; do
  [ -f "/usr/lib/python3.11/$f" ] && cp "/usr/lib/python3.11/$f" "$out/python_scan/$f"
done
# strace logs of real commands, in the forms raison reads: -f, -y/-yy, timestamps, -T.
if command -v strace >/dev/null; then
  strace -f -o "$tmp/a.log" sh -c 'cat /etc/hostname >/dev/null; ls /nonexistent' >/dev/null 2>&1 || true
  strace -f -yy -tt -T -o "$tmp/b.log" sh -c 'cd /usr && ls lib >/dev/null' >/dev/null 2>&1 || true
  strace -ttt -o "$tmp/c.log" true >/dev/null 2>&1 || true
  for l in a b c; do [ -s "$tmp/$l.log" ] && cp "$tmp/$l.log" "$out/strace/$l.log"; done
fi
find /etc -maxdepth 1 -name '*.conf' 2>/dev/null | head -20 > "$out/path_list/find_etc.txt"

# Layers: two real layers, the second whiting out and replacing parts of the first.
sep=$'\n--8<--\n'
r1=$tmp/l1 r2=$tmp/l2
mkdir -p "$r1/etc/app" "$r1/usr/bin" "$r1/usr/lib" "$r1/opt/d/sub" "$r2/etc" "$r2/opt/d" "$r2/usr/bin"
echo conf > "$r1/etc/app/a.conf"; echo data > "$r1/opt/d/sub/f"; printf '#!/bin/sh\n' > "$r1/usr/bin/tool"
chmod 4755 "$r1/usr/bin/tool"
ln "$r1/etc/app/a.conf" "$r1/etc/app/hard.conf"
ln -s ../lib "$r1/usr/bin/up"; ln -s /etc/app/a.conf "$r1/usr/lib/abs"; ln -s ../../../../etc "$r1/opt/d/sub/out"
python3 -c 'import os,sys; os.setxattr(sys.argv[1], "user.fuzz", b"seed")' "$r1/opt/d/sub/f" 2>/dev/null || true
touch "$r2/etc/.wh.app" "$r2/opt/d/.wh..wh..opq"; echo new > "$r2/opt/d/g"; ln -s g "$r2/opt/d/link"
ln -s ../../opt/d/../d/g "$r2/usr/bin/dots"
tar_opts=(--format=pax --xattrs --numeric-owner --owner=0 --group=0 --sort=name --mtime=@0)
tar -C "$r1" "${tar_opts[@]}" -cf "$tmp/l1.tar" .
tar -C "$r2" "${tar_opts[@]}" -cf "$tmp/l2.tar" .
cp "$tmp/l1.tar" "$out/layers/one.tar"
gzip -9n < "$tmp/l1.tar" > "$out/layers/one.tar.gz"
command -v zstd >/dev/null && zstd -q -19 < "$tmp/l1.tar" > "$out/layers/one.tar.zst"
{ cat "$tmp/l1.tar"; printf '%s' "$sep"; cat "$tmp/l2.tar"; } > "$out/layers/two_whiteouts"
# An OCI layout by umoci (its gzip layer of l1), and skopeo's docker-archive of it.
if command -v umoci >/dev/null && command -v skopeo >/dev/null; then
  umoci init --layout "$tmp/oci" && umoci new --image "$tmp/oci:t" &&
    umoci unpack --rootless --image "$tmp/oci:t" "$tmp/bundle" >/dev/null &&
    cp -a "$r1/." "$tmp/bundle/rootfs/" && umoci repack --image "$tmp/oci:t" "$tmp/bundle" &&
    umoci config --image "$tmp/oci:t" --config.entrypoint /usr/bin/tool --config.env A=1 &&
    skopeo copy -q "oci:$tmp/oci:t" "docker-archive:$tmp/d.tar:img:t" || true
  if [ -f "$tmp/d.tar" ]; then
    cp "$tmp/d.tar" "$out/docker_archive/skopeo.tar"
    mkdir -p "$tmp/d" && tar -C "$tmp/d" -xf "$tmp/d.tar"
    python3 - "$tmp/oci" "$tmp/d" "$out" <<'PY'
import hashlib, json, os, sys
oci, d, out = sys.argv[1:4]
SEP = "\n--8<--\n"
blob = lambda digest: open(os.path.join(oci, "blobs", *digest.split(":")), "rb").read().decode("latin-1")
index = json.load(open(os.path.join(oci, "index.json")))
m = index["manifests"][0]
manifest = json.loads(blob(m["digest"]))
config = blob(manifest["config"]["digest"])
layer = blob(manifest["layers"][0]["digest"])
m["digest"], m["size"] = "@MANIFEST@", "@MANIFEST_SIZE@"
manifest["config"]["digest"], manifest["config"]["size"] = "@CONFIG@", "@CONFIG_SIZE@"
manifest["layers"][0]["digest"], manifest["layers"][0]["size"] = "@LAYER@", "@LAYER_SIZE@"
unq = lambda doc: json.dumps(doc).replace('"@MANIFEST_SIZE@"', "@MANIFEST_SIZE@").replace(
    '"@CONFIG_SIZE@"', "@CONFIG_SIZE@").replace('"@LAYER_SIZE@"', "@LAYER_SIZE@")
docs = [unq(index), unq(manifest), config, layer]
open(os.path.join(out, "oci_layout", "umoci"), "wb").write(SEP.join(docs).encode("latin-1"))
# A nested index: the top index names an index (document 5, @NESTED@), which names the manifest.
nested = {"schemaVersion": 2, "mediaType": "application/vnd.oci.image.index.v1+json", "manifests": [m]}
top = {"schemaVersion": 2, "manifests": [{"mediaType": "application/vnd.oci.image.index.v1+json",
       "digest": "@NESTED@", "size": "@NESTED_SIZE@"}]}
docs = [unq(top).replace('"@NESTED_SIZE@"', "@NESTED_SIZE@"), unq(manifest), config, layer, unq(nested)]
open(os.path.join(out, "oci_layout", "nested_index"), "wb").write(SEP.join(docs).encode("latin-1"))
# docker-archive documents: manifest.json naming the harness's members, the config, the plain layer.
dm = json.load(open(os.path.join(d, "manifest.json")))
dconfig = open(os.path.join(d, dm[0]["Config"]), "rb").read().decode("latin-1")
dlayer = open(os.path.join(d, dm[0]["Layers"][0]), "rb").read().decode("latin-1")
dm[0]["Config"] = "@CONFIG_HEX@.json"
dm[0]["Layers"] = ["@LAYER_HEX@/layer.tar"]
repos = open(os.path.join(d, "repositories")).read()
open(os.path.join(out, "docker_archive", "documents"), "wb").write(
    SEP.join([json.dumps(dm), dconfig, dlayer, repos]).encode("latin-1"))
PY
  fi
fi

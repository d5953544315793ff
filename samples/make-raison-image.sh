#!/usr/bin/env bash
# Makes raison's own container image, shrunk by raison: a Debian bookworm image with raison installed
# (its runtime libraries as Debian packages, the program by `meson install`), then `raison shrink` of
# that image, whose Entrypoint is raison, to the files raison needs:
#   bash samples/make-raison-image.sh OCI_DIR [ROOT_CACHE] [BUILD_DIR]
# OCI_DIR gets the tag "latest" (Entrypoint /usr/local/bin/raison, Cmd --help), OCI_DIR.manifest.json its
# manifest. ROOT_CACHE is a bookworm root from samples/make-debian-root.sh (made in a temp dir if not
# given); BUILD_DIR a configured meson build of raison (default build-dev). Needs root (chroot, dpkg),
# umoci, and apt's access to a Debian mirror for the libraries' packages. Run as:
#   podman run --rm -v "$PWD/in:/in:ro" -v "$PWD/out:/out" IMAGE shrink oci:/in:bookworm -o oci:/out/min
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
out=${1:?usage: make-raison-image.sh OCI_DIR [ROOT_CACHE] [BUILD_DIR]}
cache=${2:-}
build=$(cd "${3:-$here/../build-dev}" && pwd)
raison=$build/src/cli/raison
[ -x "$raison" ] || { echo "make-raison-image: no raison in $build (build it first: ninja -C $build)" >&2; exit 1; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
if [ -n "$cache" ] && [ -d "$cache" ]; then
  root=$cache
else
  root=${cache:-$work/root}
  bash "$here/make-debian-root.sh" "$root" >/dev/null
fi
rootfs=$work/rootfs
cp -a "$root" "$rootfs"

# The Debian packages that hold the libraries raison needs, as raison itself finds them here: those it
# links, those its .note.dlopen names (libarchive, libcrypto and ISA-L, loaded at their first use; its LIEF
# reader module, raison-elf-lief.so, for --elf-reader lief) and what they link. Those the root lacks are
# installed into it with dpkg, their dependencies too.
# (dpkg -S knows a library by the path its package ships; under merged /usr that may be either name.)
libs=$("$raison" closure / --seed "$raison" --dlopen-priority suggested --analyzers elf --list -q |
  while read -r f; do if [ -f "$f" ] && [ ! -L "$f" ]; then echo "$f"; fi; done)
grep -q '/raison-elf-lief\.so$' <<<"$libs" || { echo "make-raison-image: raison's closure lacks its LIEF module" >&2; exit 1; }
pkgs=$(for lib in $libs; do
  dpkg -S "$lib" 2>/dev/null || dpkg -S "$(readlink -f "$lib")" 2>/dev/null || dpkg -S "${lib#/usr}" 2>/dev/null || true
done | cut -d: -f1 | sort -u)
mkdir -p "$work/debs"
chmod 755 "$work"; chown _apt "$work/debs" 2>/dev/null || true  # apt downloads as _apt where it can
want=()
for p in $pkgs; do
  chroot "$rootfs" dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || want+=("$p")
done
# Their dependencies that the root lacks (one level at a time until none is missing).
while [ ${#want[@]} -gt 0 ]; do
  (cd "$work/debs" && apt-get download -q "${want[@]}" >/dev/null)
  deps=$(for d in "$work"/debs/*.deb; do dpkg-deb -f "$d" Depends; done | tr ',' '\n' | sed 's/[|(].*//; s/:any//; s/ //g' | sort -u)
  want=()
  for p in $deps; do
    [ -n "$p" ] || continue
    ls "$work/debs/${p}_"*.deb >/dev/null 2>&1 && continue
    chroot "$rootfs" dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || want+=("$p")
  done
done
if ls "$work"/debs/*.deb >/dev/null 2>&1; then
  mkdir -p "$rootfs/tmp/debs"
  cp "$work"/debs/*.deb "$rootfs/tmp/debs/"
  chroot "$rootfs" sh -c 'dpkg -i /tmp/debs/*.deb' >/dev/null
  rm -rf "$rootfs/tmp/debs"
fi
# raison itself, as `meson install --strip` lays it out (/usr/local/bin/raison without debug info, its man page).
DESTDIR=$rootfs meson install -C "$build" --no-rebuild --strip --quiet >/dev/null
# It runs there: in a mount namespace of its own with /proc mounted in the root (a build with ASan, as
# CI's, reads /proc/self/maps at start; without it the sanitizer misjudges the stack and reports falsely).
unshare -m --propagation private sh -c 'mount -t proc proc "$1/proc" && chroot "$1" /usr/local/bin/raison --version' sh "$rootfs"

# The image with raison installed: one layer (umoci), raison its Entrypoint.
full=$work/full
umoci init --layout "$full"
umoci new --image "$full:raison"
umoci insert --image "$full:raison" "$rootfs" / >/dev/null
umoci config --image "$full:raison" --config.entrypoint /usr/local/bin/raison --config.cmd --help \
  --config.workingdir / --config.env PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
umoci gc --layout "$full"

# Shrunk by raison: the seeds are the image's Entrypoint (raison) and Cmd.
rm -rf "$out" "$out.manifest.json"
"$raison" shrink "oci:$full:raison" -o "oci:$out:latest" --quiet
layer_bytes() { python3 - "$1" "$2" <<'PY'
import json, sys
d, tag = sys.argv[1:]
idx = json.load(open(d + '/index.json'))
m = [m for m in idx['manifests'] if m.get('annotations', {}).get('org.opencontainers.image.ref.name') == tag][0]
man = json.load(open(d + '/blobs/' + m['digest'].replace(':', '/')))
print(sum(l['size'] for l in man['layers']))
PY
}
echo "the image with raison installed: $(layer_bytes "$full" raison) bytes of layers (gzip)"
echo "$out:latest, shrunk by raison: $(layer_bytes "$out" latest) bytes of layers (gzip), $(du -sh "$out" | cut -f1) on disk"

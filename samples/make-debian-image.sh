#!/usr/bin/env bash
# Makes a Debian bookworm OCI image with Python and a small app, as a user would, for raison to shrink:
#   bash samples/make-debian-image.sh OCI_DIR [ROOT_CACHE]
# The rootfs comes from samples/make-debian-root.sh (debootstrap; cached in ROOT_CACHE when given),
# packed as one gzip layer with umoci; the app (samples/app/fetch.py) is the entrypoint.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
out=${1:?usage: make-debian-image.sh OCI_DIR [ROOT_CACHE]}
cache=${2:-}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
if [ -n "$cache" ] && [ -d "$cache" ]; then
  root=$cache
else
  root=${cache:-$work/root}
  bash "$here/make-debian-root.sh" "$root" >/dev/null
fi
rm -rf "$out"
# The app goes into a copy of the rootfs: umoci 0.4.7 writes a truncated layer for a small tree
# inserted on its own (raison refuses it: "Truncated input file").
cp -a "$root" "$work/rootfs"
mkdir -p "$work/rootfs/app"
cp "$here/app/fetch.py" "$work/rootfs/app/fetch.py"
umoci init --layout "$out"
umoci new --image "$out:bookworm"
# umoci insert adds a directory tree as one new layer (numeric owners, modes and xattrs kept).
umoci insert --image "$out:bookworm" "$work/rootfs" /
umoci config --image "$out:bookworm" --config.entrypoint /usr/bin/python3 --config.cmd /app/fetch.py \
  --config.workingdir /app --config.env PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
umoci gc --layout "$out"
echo "$out:bookworm: $(du -sh "$out" | cut -f1)"

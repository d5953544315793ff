#!/usr/bin/env bash
# Makes a real Debian bookworm root with Python, as a user would, for raison to shrink:
#   bash samples/make-debian-root.sh DIR [extra packages...]
# Uses debootstrap (minbase) with the mirror apt is already configured with. About a minute.
# RAISON_DEB_CACHE=DIR (optional) is passed as debootstrap's --cache-dir, so that several roots share
# the .deb files they download (the directory is created when missing).
set -euo pipefail
dir=${1:?usage: make-debian-root.sh DIR [packages...]}
shift
mirror=$(sed -n 's/^URIs: *\([^ ]*\).*/\1/p' /etc/apt/sources.list.d/*.sources 2>/dev/null | grep -v security | head -1)
[ -n "$mirror" ] || mirror=$(awk '/^deb / && $2 !~ /security/ {print $2; exit}' /etc/apt/sources.list 2>/dev/null)
[ -n "$mirror" ] || { echo "make-debian-root: no Debian mirror found in apt's configuration" >&2; exit 1; }
include="python3,ca-certificates,tzdata"
for p in "$@"; do include="$include,$p"; done
mkdir -p "$(dirname "$dir")"
cache=()
if [ -n "${RAISON_DEB_CACHE:-}" ]; then mkdir -p "$RAISON_DEB_CACHE"; cache=(--cache-dir="$RAISON_DEB_CACHE"); fi
tmp="$dir.tmp-$$"
rm -rf "$tmp"
debootstrap --variant=minbase "${cache[@]}" --include="$include" bookworm "$tmp" "$mirror" >"$tmp.log" 2>&1 \
  || { tail -20 "$tmp.log" >&2; rm -rf "$tmp"; exit 1; }
rm -f "$tmp.log"
# Container runtimes supply /etc/hosts; a chroot needs one to resolve localhost.
printf '127.0.0.1\tlocalhost\n::1\tlocalhost ip6-localhost ip6-loopback\n' > "$tmp/etc/hosts"
rm -rf "$dir"
mv "$tmp" "$dir"
echo "$dir: $(du -sh "$dir" | cut -f1), $(find "$dir" -xdev | wc -l) paths"

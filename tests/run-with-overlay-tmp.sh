#!/usr/bin/env bash
# Runs the suite as most CI runners' containers see it: /tmp on overlayfs. In a private mount namespace
# an overlay (empty lower layer, upper and work directories under /var/tmp) is mounted on /tmp, then
# tests/run.sh runs with the arguments given. Needs root; the host's /tmp is untouched.
set -euo pipefail
cd "$(dirname "$0")/.."
if [ -z "${RAISON_OVERLAY_TMP:-}" ]; then
  RAISON_OVERLAY_TMP=1 exec unshare -m --propagation private bash "$0" "$@"
fi
base=$(mktemp -d /var/tmp/raison-overlay-tmp.XXXXXX)
trap 'umount -l /tmp 2>/dev/null; rm -rf --one-file-system "$base"' EXIT
mkdir -p "$base/lower" "$base/upper" "$base/work"
chmod 1777 "$base/upper"
mount -t overlay overlay -o "lowerdir=$base/lower,upperdir=$base/upper,workdir=$base/work" /tmp
echo "/tmp is now: $(findmnt -n -o FSTYPE /tmp)" >&2
bash tests/run.sh "$@"

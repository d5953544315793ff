#!/usr/bin/env bash
# Makes a Debian bookworm root with real third-party Python applications' packages and one daemon, the
# test bed for raison on code that is not the standard library (tests/scenarios/apps/):
#   bash samples/make-debian-apps-root.sh [DIR]     (default /var/cache/raison-tests/bookworm-apps)
# Packages, all from Debian (debootstrap resolves their dependencies; it takes the first of
# alternatives, so BLAS/LAPACK are the reference libblas3/liblapack3 behind Debian's alternatives links):
#   python3-flask (Jinja2, Werkzeug, MarkupSafe's C speedups), python3-requests, python3-numpy,
#   python3-yaml (LibYAML's C loader), python3-lxml (libxslt), python3-cryptography (cffi, Rust
#   bindings), python3-pil (PNG, JPEG), libpython3.11-testsuite (CPython's regression tests), and
#   nginx-light: a daemon that checks its configuration (`nginx -t`), writes /run/nginx.pid and logs
#   under /var/log/nginx, and needs no init system, so it starts under chroot or bwrap.
# python3-cffi-backend is named because python3-cryptography depends on it through virtual packages
# (python3-cffi-backend-api-min/max), which debootstrap's resolver does not follow.
# The .deb files go to RAISON_DEB_CACHE (default /var/cache/raison-tests/debs), debootstrap's
# --cache-dir, so a rebuild downloads nothing. About two minutes.
set -euo pipefail
dir=${1:-/var/cache/raison-tests/bookworm-apps}
here=$(cd "$(dirname "$0")" && pwd)
export RAISON_DEB_CACHE=${RAISON_DEB_CACHE:-/var/cache/raison-tests/debs}
packages=(python3-flask python3-requests python3-numpy python3-yaml python3-lxml python3-cryptography
          python3-pil python3-cffi-backend libpython3.11-testsuite nginx-light)
start=$(date +%s)
bash "$here/make-debian-root.sh" "$dir" "${packages[@]}"
echo "$dir: built in $(( $(date +%s) - start )) s"

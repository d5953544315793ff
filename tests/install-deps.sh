#!/usr/bin/env bash
# Installs every Debian package raison's build, tests and benchmarks use (Debian 12, as root).
# Idempotent: does nothing when all are present. Why each is here is in the README ("Dependencies").
set -euo pipefail
build=(g++ meson ninja-build pkg-config liblief-dev libarchive-dev libboost-graph-dev libfmt-dev libcli11-dev
       doctest-dev nlohmann-json3-dev)
tests=(gcc gcc-multilib libcap2-bin libc6-dev musl-tools python3 strace bubblewrap pax-utils libtree python3-pyelftools file binutils zstd xz-utils tar
       skopeo umoci podman runc uidmap debootstrap libpython3.11-testsuite chromium docker.io)
missing=()
for p in "${build[@]}" "${tests[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  if [ "$(id -u)" != 0 ]; then
    echo "raison: these Debian packages are missing and installing them needs root: ${missing[*]}" >&2
    exit 1
  fi
  echo "raison: installing ${missing[*]}" >&2
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

#!/usr/bin/env bash
# Installs every Debian package raison's build, tests and benchmarks use (Debian 12, as root).
# Idempotent: does nothing when all are present. Why each is here is in the README ("Dependencies").
set -euo pipefail
build=(g++ meson ninja-build pkg-config liblief-dev libarchive-dev libboost-graph-dev libfmt-dev libcli11-dev help2man
       doctest-dev nlohmann-json3-dev libssl-dev libisal-dev libmimalloc-dev)
tests=(gcc gcc-multilib libcap2-bin libc6-dev musl-tools python3 strace bubblewrap pax-utils libtree python3-pyelftools file binutils zstd xz-utils tar
       skopeo umoci podman runc uidmap debootstrap libpython3.11-testsuite chromium docker.io
       clang libfuzzer-14-dev docker-registry tmux jq man-db)
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
# SBOM tests: Debian's JSON schema validator, and a consumer of CycloneDX documents (the CycloneDX
# JavaScript library with the ajv validator it uses, and packageurl-js) from npm, pinned, into
# tests/.node (not committed; the schemas themselves are test data in tests/data/sbom).
missing=()
dpkg-query -W -f='${Status}' python3-jsonschema 2>/dev/null | grep -q "install ok installed" || missing+=(python3-jsonschema)
# The machine's own Node.js (with its npm) when it has one; Debian's otherwise.
command -v npm >/dev/null || missing+=(nodejs npm)
if [ ${#missing[@]} -gt 0 ]; then
  echo "raison: installing ${missing[*]}" >&2
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
node_dir=$(cd "$(dirname "$0")" && pwd)/.node
if [ ! -d "$node_dir/node_modules/@cyclonedx/cyclonedx-library" ] || [ ! -d "$node_dir/node_modules/packageurl-js" ]; then
  echo "raison: installing the CycloneDX JavaScript library into $node_dir" >&2
  mkdir -p "$node_dir"
  npm install --prefix "$node_dir" --no-audit --no-fund --no-save --loglevel=error \
    @cyclonedx/cyclonedx-library@10.3.0 ajv@8.20.0 ajv-formats@3.0.1 ajv-formats-draft2019@1.6.1 packageurl-js@2.0.1 >&2
fi
# The forcefallback build test (tests/scenarios/wrap_fallbacks_build_offline_from_debian_sources.sh): the
# Debian source packages whose .orig tarballs subprojects/*.wrap name, fetched by apt itself (Release
# signature and Sources hashes checked) through a private deb-src configuration made from this machine's
# own apt sources (the system's configuration is left as it is), into tests/.debian-sources (not committed).
debsrc_dir=$(cd "$(dirname "$0")" && pwd)/.debian-sources
debsrc_pkgs=(fmtlib cli11 doctest nlohmann-json3)
if [ "$(ls "$debsrc_dir"/*.orig.tar.* 2>/dev/null | wc -l)" -lt ${#debsrc_pkgs[@]} ]; then
  echo "raison: fetching Debian's source packages ${debsrc_pkgs[*]} into $debsrc_dir" >&2
  apt_tmp=$(mktemp -d)
  mkdir -p "$apt_tmp/parts" "$apt_tmp/lists/partial" "$debsrc_dir"
  for f in /etc/apt/sources.list.d/*.sources; do
    [ -e "$f" ] && sed 's/^Types:.*/Types: deb-src/' "$f" > "$apt_tmp/parts/$(basename "$f")"
  done
  for f in /etc/apt/sources.list /etc/apt/sources.list.d/*.list; do
    [ -e "$f" ] && sed -n 's/^deb /deb-src /p' "$f" >> "$apt_tmp/parts/deb-src.list"
  done
  apt_src=(apt-get -q -o Dir::Etc::SourceList=/dev/null -o "Dir::Etc::SourceParts=$apt_tmp/parts"
           -o "Dir::State::Lists=$apt_tmp/lists" -o APT::Sandbox::User=root)
  "${apt_src[@]}" update >/dev/null
  (cd "$debsrc_dir" && "${apt_src[@]}" source --download-only "${debsrc_pkgs[@]}" >/dev/null)
  rm -rf "$apt_tmp"
fi

#!/usr/bin/env bash
# Quick start: install what raison needs, build it, and run its main job on this machine's own root
# with /usr/bin/python3 as the seed: the minimal root goes to /tmp/raison-python3, its manifest beside it.
set -euo pipefail
cd "$(dirname "$0")/.."
bash tests/install-deps.sh
[ -f build/build.ninja ] || meson setup build --buildtype=release >/dev/null
ninja -C build >/dev/null
./build/src/cli/raison closure / --seed /usr/bin/python3 -o /tmp/raison-python3 --force || [ $? = 1 ]
echo "--- why is libc kept?"
./build/src/cli/raison why /tmp/raison-python3.manifest.json /usr/lib/x86_64-linux-gnu/libc.so.6
echo "--- run the result:"
chroot /tmp/raison-python3 /usr/bin/python3 -c 'import sys; print("python", sys.version.split()[0], "runs in the minimal root")'
echo "--- kept: $(du -sh /tmp/raison-python3 | cut -f1) of the whole root"

#!/usr/bin/env bash
# The whole test suite: installs what is missing, builds, runs every unit and scenario test, and ends
# with the line "N passed, N failed, N skipped" (what CI reads). A skip is never a pass: it is counted
# as skipped, and under $CI as failed unless tests/optional-tests.txt declares the test optional.
# Arguments go to `meson test` (a test name runs that test alone).
set -uo pipefail
# RAISON_SANITIZE=address,undefined (what .ci/run sets) builds everything with ASan and UBSan in
# build-sanitize/ instead of build/, and runs the whole suite against that build (the first sanitizer
# report fails the test it happens in: meson.build's test setup).
cd "$(dirname "$0")/.."
bash tests/install-deps.sh || { echo "0 passed, 1 failed, 0 skipped"; exit 1; }
build=build
setup=(--buildtype=debugoptimized)
if [ -n "${RAISON_SANITIZE:-}" ]; then
  build=build-sanitize
  setup+=(-Db_sanitize="$RAISON_SANITIZE" -Db_lundef=false)
fi
if [ ! -f "$build/build.ninja" ]; then
  meson setup "$build" "${setup[@]}" >/dev/null || { echo "0 passed, 1 failed, 0 skipped"; exit 1; }
fi
ninja -C "$build" >/dev/null || { ninja -C "$build"; echo "0 passed, 1 failed, 0 skipped"; exit 1; }
rm -f "$build/meson-logs/testlog.json"
meson test -C "$build" --print-errorlogs --num-processes 2 "$@"
python3 tests/summarize.py "$build/meson-logs/testlog.json" tests/optional-tests.txt

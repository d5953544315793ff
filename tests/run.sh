#!/usr/bin/env bash
# The whole test suite: installs what is missing, builds, runs every unit and scenario test, and ends
# with the line "N passed, N failed" (what CI reads).
set -uo pipefail
cd "$(dirname "$0")/.."
bash tests/install-deps.sh || { echo "0 passed, 1 failed"; exit 1; }
if [ ! -f build/build.ninja ]; then
  meson setup build --buildtype=debugoptimized >/dev/null || { echo "0 passed, 1 failed"; exit 1; }
fi
ninja -C build >/dev/null || { ninja -C build; echo "0 passed, 1 failed"; exit 1; }
log=$(mktemp)
meson test -C build --print-errorlogs --num-processes 2 "$@" 2>&1 | tee "$log"
passed=$(sed -n 's/^Ok: *\([0-9]*\).*/\1/p' "$log" | tail -1)
failed=$(sed -n 's/^Fail: *\([0-9]*\).*/\1/p' "$log" | tail -1)
timeout=$(sed -n 's/^Timeout: *\([0-9]*\).*/\1/p' "$log" | tail -1)
skipped=$(sed -n 's/^Skipped: *\([0-9]*\).*/\1/p' "$log" | tail -1)
rm -f "$log"
passed=${passed:-0}; failed=$(( ${failed:-0} + ${timeout:-0} )); skipped=${skipped:-0}
if [ "$passed" = 0 ] && [ "$failed" = 0 ]; then failed=1; fi  # no test ran: that is a failure
echo "$passed passed, $failed failed, $skipped skipped"
[ "$failed" = 0 ]

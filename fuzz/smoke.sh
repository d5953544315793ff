#!/usr/bin/env bash
# The bounded fuzzing smoke run (CI): builds the libFuzzer harnesses with clang in a build directory
# of its own, then runs each on its seed corpus (fuzz/seeds.sh) for FUZZ_SECONDS seconds (default 10)
# or FUZZ_RUNS executions (default 2000000), whichever comes first. Exits non-zero on any crash, leak,
# hang (an input running over FUZZ_TIMEOUT seconds, default 30: -timeout), sanitizer report or unexpected
# exception, leaving the reproducer in the work dir.
# Prints one line per harness: name, executions, seconds, corpus files at the end.
#   fuzz/smoke.sh [BUILD_DIR]   (default: build-fuzz-smoke beside fuzz/)
# FUZZ_HARNESSES="elf_direct layers ..." runs only those; FUZZ_CORPUS=DIR keeps the grown corpus there
# (one subdirectory per harness) across runs. A long run, as the README's fuzzing table was measured:
#   FUZZ_SECONDS=3600 FUZZ_RUNS=10000000 FUZZ_CORPUS=/var/tmp/raison-fuzz fuzz/smoke.sh
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
src=$(dirname "$here")
build=${1:-$src/build-fuzz-smoke}
seconds=${FUZZ_SECONDS:-10}
runs=${FUZZ_RUNS:-2000000}
timeout=${FUZZ_TIMEOUT:-30}
jobs=${FUZZ_BUILD_JOBS:-2}
if [ ! -f "$build/build.ninja" ]; then
  setup_log=$(mktemp)
  CC=clang CXX=clang++ meson setup "$build" "$src" -Dfuzz=true -Dbuildtype=debugoptimized >"$setup_log" 2>&1 \
    || { cat "$setup_log" >&2; rm -f "$setup_log"; exit 1; }
  rm -f "$setup_log"
fi
ninja -C "$build" -j "$jobs" fuzz >&2
work=$(mktemp -d "${TMPDIR:-/tmp}/raison-fuzz.XXXXXX")
"$here/seeds.sh" "$work/seeds"
corpus=${FUZZ_CORPUS:-$work/corpus}
status=0
for h in ${FUZZ_HARNESSES:-elf_direct elf_lief ldcache dlopen_note python_scan strace path_list rules oci_layout docker_archive layers}; do
  mkdir -p "$corpus/$h"
  log=$work/$h.log
  # New inputs go to the work corpus; the seeds are read only.
  if "$build/fuzz/fuzz_$h" -runs="$runs" -max_total_time="$seconds" -timeout="$timeout" -rss_limit_mb=2048 \
       -artifact_prefix="$work/$h-" -print_final_stats=1 "$corpus/$h" "$work/seeds/$h" >"$log" 2>&1; then
    execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
    secs=$(sed -n 's/^Done [0-9]* runs in \([0-9]*\) second.*/\1/p' "$log" | tail -1)
    files=$(( $(ls "$corpus/$h" | wc -l) + $(ls "$work/seeds/$h" | wc -l) ))
    printf 'fuzz %-12s %10s executions %4ss corpus %5s files  clean\n' "$h" "$execs" "$secs" "$files"
  else
    printf 'fuzz %-12s FAILED (log and reproducer in %s)\n' "$h" "$work" >&2
    grep -E 'ERROR|SUMMARY|runtime error|terminate|Test unit written' "$log" | head -20 >&2 || true
    status=1
  fi
done
[ "$status" = 0 ] && rm -rf "$work"
exit "$status"

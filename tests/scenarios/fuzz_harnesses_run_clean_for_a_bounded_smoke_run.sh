#!/usr/bin/env bash
# Issue 14: every libFuzzer harness of a parser of untrusted bytes (fuzz/) builds with clang, ASan and
# UBSan and runs for a bounded smoke run on its seed corpus without a crash, leak, hang, sanitizer
# report or exception other than raison::Error. A failure names the harness and keeps the reproducer.
source "$(dirname "$0")/lib.sh"
need_tool clang++
compgen -G '/usr/lib/llvm-*/lib/clang/*/lib/linux/libclang_rt.fuzzer-x86_64.a' >/dev/null || skip "needs libfuzzer-14-dev"
src=$(cd "$TESTS_DIR/.." && pwd)
# A build directory of its own, kept between runs (beside the other build directories).
build=${RAISON_FUZZ_BUILD:-$src/build-fuzz-smoke}
out=$T/smoke.out
if ! FUZZ_SECONDS=${FUZZ_SECONDS:-10} "$src/fuzz/smoke.sh" "$build" >"$out" 2>"$T/smoke.err"; then
  cat "$out" >&2; tail -40 "$T/smoke.err" >&2
  fail "a fuzz harness failed its smoke run"
fi
cat "$out" >&2
# Every harness ran, and ran something: a harness that exits at once would pass vacuously.
for h in elf_direct elf_lief ldcache dlopen_note python_scan strace path_list rules oci_layout docker_archive layers; do
  line=$(grep "^fuzz $h " "$out") || fail "harness $h did not report"
  execs=$(awk '{print $3}' <<<"$line")
  [ "${execs:-0}" -gt 10 ] || fail "harness $h ran only ${execs:-0} inputs: $line"
done
echo "PASS: $TEST_NAME"

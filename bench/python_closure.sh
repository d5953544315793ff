#!/usr/bin/env bash
# Benchmark: raison's Python closure against CPython's modulefinder, on the fixture scripts of
# tests/scenarios/python/ in the cached Debian bookworm root (an overlay of it, in a private mount
# namespace: the root is never written). For each script: raison's whole closure (Python and ELF,
# `closure ROOT --seed SCRIPT --list`, wall time of the process, best of 3) and modulefinder's
# (`ModuleFinder().run_script(SCRIPT)` run by the root's python3 under chroot, time of run_script alone,
# best of 3); the modules each finds; and the misses of each against the run-time truth (every module
# of sys.modules loaded from a file, recorded by tests/scenarios/python/_probe.py). Also raison for
# /usr/bin/python3 with --python-stdlib-full. Prints a markdown table (also in $OUT/table.md).
# Usage (as root): bench/python_closure.sh [RAISON]   (default: build/src/cli/raison)
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
RAISON=$(realpath "${1:-${RAISON:-$here/../build/src/cli/raison}}")
OUT=${OUT:-/tmp/raison-bench-python}
CACHE=${RAISON_DEBIAN_ROOT:-/var/cache/raison-tests/bookworm}
FIX=$(cd "$here/../tests/scenarios/python" && pwd)
[ "$(id -u)" = 0 ] || { echo "needs root (overlay, chroot)" >&2; exit 2; }
for t in "$RAISON" /usr/bin/bwrap /usr/bin/unshare; do [ -x "$t" ] || { echo "missing: $t" >&2; exit 2; }; done
if [ -z "${RAISON_BENCH_NS:-}" ]; then
  [ -x "$CACHE/usr/bin/python3" ] && [ -d "$CACHE/usr/lib/python3.11/test/test_json" ] \
    || bash "$here/../samples/make-debian-root.sh" "$CACHE" libpython3.11-testsuite
  rm -rf "$OUT"; mkdir -p "$OUT"
  RAISON_BENCH_NS=1 exec unshare -m --propagation private bash "$0" "$RAISON"
fi
R=$OUT/root
CHROOT=$(command -v chroot || echo /usr/sbin/chroot)
mkdir -p "$OUT/up" "$OUT/work" "$R"
mount -t overlay overlay -o "lowerdir=$CACHE,upperdir=$OUT/up,workdir=$OUT/work" "$R"
trap 'umount -l "$R"' EXIT
D=/opt/raison-py
mkdir -p "$R$D"; cp -r "$FIX"/. "$R$D/"
scripts=$(cd "$FIX" && ls -- *.py | grep -v '^_' | sed 's/\.py$//')

# The modulefinder run: modules it finds (name and file), then the time of run_script alone. 3.11's
# modulefinder raises AttributeError on a namespace package (its spec has no loader): such a name is
# made a miss (ImportError) so that the run completes, and counted.
cat >"$R$D/_modulefinder.py" <<'PY'
import sys, time
import modulefinder

ns = []
orig = modulefinder._find_module
def find(name, path=None):
    try:
        return orig(name, path)
    except AttributeError:
        ns.append(name)
        raise ImportError(name)
modulefinder._find_module = find
best = cpu = None
for _ in range(3):
    t, c = time.perf_counter(), time.process_time()
    f = modulefinder.ModuleFinder()
    f.run_script(sys.argv[1])
    dt, dc = time.perf_counter() - t, time.process_time() - c
    best = dt if best is None else min(best, dt)
    cpu = dc if cpu is None else min(cpu, dc)
for name, m in sorted(f.modules.items()):
    print("module\t%s\t%s" % (name, m.__file__ or ""))
print("namespace_failures\t%d" % len(set(ns)))
print("seconds\t%.3f\t%.3f" % (best, cpu))
PY

real() { python3 -c '
import os, sys
root = sys.argv[1]
for line in sys.stdin:
    p = line.rstrip("\n")
    print(os.path.normpath(root + "/" + os.path.realpath(root + p)[len(root):]) [len(root):] if os.path.exists(root + p) else p)' "$R"; }
timed() {  # timed N CMD...: "WALL CPU" in seconds, the best of N runs each (CPU: user + system)
  local n=$1; shift
  for _ in $(seq "$n"); do
    /usr/bin/time -f '%e %U %S' -o "$OUT/time" "$@" >/dev/null 2>&1 || true
    tail -1 "$OUT/time"
  done | awk 'NR == 1 || $1 < w { w = $1 } NR == 1 || $2 + $3 < c { c = $2 + $3 } END { printf "%.3f %.3f\n", w, c }'
}

{
echo "| script | run time: modules from files | raison: wall / CPU (s) | raison: paths kept | raison: .py/.so modules | raison: misses | modulefinder run_script: wall / CPU (s) | modulefinder: modules (with a file) | modulefinder: misses | modulefinder / raison: wall, CPU |"
echo "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |"
for s in $scripts; do
  env -i PATH=/usr/bin:/bin bwrap --bind "$R" / --proc /proc --dev /dev --tmpfs /tmp --chdir /tmp \
    /usr/bin/python3 "$D/_probe.py" 3 "$D/$s.py" 3>"$OUT/$s.probe" >/dev/null 2>&1
  awk -F'\t' '$1 == "module" && $3 !~ /_probe.py$/ { print $3 }' "$OUT/$s.probe" | real | sort -u >"$OUT/$s.truth"
  read -r rt rc < <(timed 3 "$RAISON" closure "$R" --seed "$D/$s.py" --list -q)
  "$RAISON" closure "$R" --seed "$D/$s.py" --list -q 2>/dev/null | real | sort -u >"$OUT/$s.raison" || true
  rmods=$(grep -cE '^/usr/(local/)?lib/python3[^/]*/.*\.(py|so)$' "$OUT/$s.raison" || true)
  rmiss=$(comm -23 "$OUT/$s.truth" "$OUT/$s.raison" | tee "$OUT/$s.raison.misses" | grep -c . || true)
  env -i PATH=/usr/bin:/bin "$CHROOT" "$R" /usr/bin/python3 "$D/_modulefinder.py" "$D/$s.py" >"$OUT/$s.mf" 2>"$OUT/$s.mf.err" || true
  read -r mt mc < <(awk -F'\t' '$1 == "seconds" { print $2, $3 }' "$OUT/$s.mf")
  mmods=$(awk -F'\t' '$1 == "module"' "$OUT/$s.mf" | wc -l)
  mfiles=$(awk -F'\t' '$1 == "module" && $3 != "" { print $3 }' "$OUT/$s.mf" | real | sort -u | tee "$OUT/$s.mf.files" | wc -l)
  mmiss=$(comm -23 "$OUT/$s.truth" "$OUT/$s.mf.files" | tee "$OUT/$s.mf.misses" | grep -c . || true)
  printf '| %s | %d | %s / %s | %d | %d | %d | %s / %s | %d (%d) | %d | %s |\n' "$s.py" "$(wc -l <"$OUT/$s.truth")" "$rt" "$rc" \
    "$(wc -l <"$OUT/$s.raison")" "$rmods" "$rmiss" "${mt:-failed}" "${mc:-}" "$mmods" "$mfiles" "$mmiss" \
    "$(awk -v a="${mt:-0}" -v b="$rt" -v c="${mc:-0}" -v d="$rc" 'BEGIN { printf "%.1fx, %.1fx", (b > 0 ? a / b : 0), (d > 0 ? c / d : 0) }')"
done
read -r ft fc < <(timed 3 "$RAISON" closure "$R" --seed /usr/bin/python3 --python-stdlib-full --list -q)
ff=$("$RAISON" closure "$R" --seed /usr/bin/python3 --python-stdlib-full --list -q 2>/dev/null | wc -l || true)
echo
echo "raison closure of /usr/bin/python3 --python-stdlib-full: $ft s wall, $fc s CPU, $ff paths"
} | tee "$OUT/table.md"
echo "misses per tool and script: $OUT/*.misses" >&2

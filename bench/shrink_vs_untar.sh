#!/usr/bin/env bash
# Shrink against unpacking: `raison shrink IMAGE -o DIR --seed /usr/bin/python3` (the issue's row: a Debian image
# with Python, seed python3, written to a directory) against `tar -xf` of the same layers, in order, into
# an empty directory. Each command runs RUNS times, alternating, both reading the layers from the page
# cache; each run is timed by /usr/bin/time (wall, user+sys CPU, peak RSS). Prints the medians and the
# ratios raison / tar, one markdown table, and one line for a driver to parse:
#   shrink_vs_untar raison_wall=S raison_cpu=S raison_rss_kib=K tar_wall=S tar_cpu=S tar_rss_kib=K wall_ratio=R cpu_ratio=R
#   bash bench/shrink_vs_untar.sh RAISON [IMAGE]   # IMAGE=oci:DIR:TAG, the cached Debian image by default
# Env: RUNS (5), SEED (/usr/bin/python3), OUT (/tmp/raison-shrink-vs-untar; its tmp/ is the staging TMPDIR),
# RAISON_TEST_CACHE (/var/cache/raison-tests; the image is made there as the scenario tests make it).
set -euo pipefail
RAISON=$(realpath "${1:?usage: shrink_vs_untar.sh RAISON [oci:DIR:TAG]}")
RUNS=${RUNS:-5}
SEED=${SEED:-/usr/bin/python3}
OUT=${OUT:-/tmp/raison-shrink-vs-untar}
here=$(cd "$(dirname "$0")/.." && pwd)
CACHE=${RAISON_TEST_CACHE:-/var/cache/raison-tests}
IMAGE=${2:-}
if [ -z "$IMAGE" ]; then
  root=$CACHE/bookworm
  [ -x "$root/usr/bin/python3" ] || flock "$root.lock" bash "$here/samples/make-debian-root.sh" "$root" libpython3.11-testsuite
  [ -f "$CACHE/bookworm-oci/index.json" ] ||
    flock "$CACHE/bookworm-oci.lock" bash "$here/samples/make-debian-image.sh" "$CACHE/bookworm-oci" "$root" >/dev/null
  IMAGE=oci:$CACHE/bookworm-oci:bookworm
fi
case $IMAGE in oci:*) ;; *) echo "shrink_vs_untar.sh: IMAGE must be oci:DIR[:TAG]" >&2; exit 2 ;; esac
rm -rf "$OUT"; mkdir -p "$OUT/tmp"
export TMPDIR=$OUT/tmp

# The layer blobs of the image, in order (the manifest the tag names, else the only one).
spec=${IMAGE#oci:}; dir=${spec%:*}; tag=${spec##*:}; [ "$dir" != "$spec" ] || tag=
mapfile -t layers < <(python3 - "$dir" "$tag" <<'PY'
import json, sys
d, tag = sys.argv[1], sys.argv[2]
ms = json.load(open(d + '/index.json'))['manifests']
m = [x for x in ms if not tag or x.get('annotations', {}).get('org.opencontainers.image.ref.name') == tag] or ms
man = json.load(open(d + '/blobs/' + m[0]['digest'].replace(':', '/')))
for l in man['layers']:
    print(d + '/blobs/' + l['digest'].replace(':', '/'))
PY
)
untar() {  # unpacks every layer in order into $1, as GNU tar recognises its compression
  for l in "${layers[@]}"; do tar -xf "$l" -C "$1"; done
}

# run NAME CMD...: appends "NAME wall cpu rss_kib" to $OUT/runs.
run() {
  local name=$1; shift
  /usr/bin/time -f '%e %U %S %M' -o "$OUT/time" "$@" >/dev/null 2>"$OUT/err" || { cat "$OUT/err" >&2; exit 1; }
  read -r wall user sys rss <"$OUT/time"
  awk -v n="$name" -v w="$wall" -v u="$user" -v s="$sys" -v m="$rss" 'BEGIN { print n, w, u + s, m }' >>"$OUT/runs"
}

cat "${layers[@]}" >/dev/null  # both read the layers from the page cache
: >"$OUT/runs"
for ((i = 1; i <= RUNS; i++)); do
  rm -rf "$OUT/x"; mkdir "$OUT/x"; sync
  run tar bash -c "$(declare -p layers); $(declare -f untar); untar $OUT/x"
  rm -rf "$OUT/x" "$OUT/shrunk"; sync
  run raison "$RAISON" shrink "$IMAGE" --seed "$SEED" -o "$OUT/shrunk" -q
  [ -z "$(ls -A "$TMPDIR")" ] || { echo "shrink_vs_untar.sh: staging left in $TMPDIR" >&2; exit 1; }
done
rm -rf "$OUT/x" "$OUT/shrunk"

python3 - "$OUT/runs" "$RUNS" "${#layers[@]}" <<'PY'
import statistics, sys
rows = {}
for line in open(sys.argv[1]):
    tool, wall, cpu, rss = line.split()
    rows.setdefault(tool, []).append((float(wall), float(cpu), int(rss)))
med = {t: (statistics.median(r[0] for r in rs), statistics.median(r[1] for r in rs), max(r[2] for r in rs),
           min(r[0] for r in rs), max(r[0] for r in rs)) for t, rs in rows.items()}
r, t = med['raison'], med['tar']
print(f'| command | wall, median (s) | wall, range (s) | CPU, median (s) | peak RSS (MiB) |')
print('| --- | ---: | ---: | ---: | ---: |')
print(f'| raison shrink (to a directory) | {r[0]:.2f} | {r[3]:.2f}-{r[4]:.2f} | {r[1]:.2f} | {r[2] / 1024:.0f} |')
print(f'| tar -xf of the {sys.argv[3]} layer(s) | {t[0]:.2f} | {t[3]:.2f}-{t[4]:.2f} | {t[1]:.2f} | {t[2] / 1024:.0f} |')
print(f'\nraison / tar: wall {r[0] / t[0]:.2f}, CPU {r[1] / t[1]:.2f} (median of {sys.argv[2]} runs; target: wall <= 0.5)')
print(f'shrink_vs_untar raison_wall={r[0]:.2f} raison_cpu={r[1]:.2f} raison_rss_kib={r[2]} '
      f'tar_wall={t[0]:.2f} tar_cpu={t[1]:.2f} tar_rss_kib={t[2]} wall_ratio={r[0] / t[0]:.2f} cpu_ratio={r[1] / t[1]:.2f}')
PY

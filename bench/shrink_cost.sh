#!/usr/bin/env bash
# What a shrink costs, against the floor of unpacking the image at all: `raison shrink` of the Debian
# image (one ~140 MB gzip layer) is timed against `tar -xzf` of that layer, and again on an image about
# twice as big (the same root plus ~300 MB of this machine's libraries under /opt/extra), to see that
# the time stays within twice tar's and peak memory does not grow with the image.
#   bash bench/shrink_cost.sh RAISON [OUT]      # OUT=/tmp/raison-shrink-bench; RUNS=3 runs each
# Needs root (debootstrap, umoci); the root and image are cached in /var/cache/raison-tests as the
# scenario tests cache them. Writes $OUT/table.md.
set -euo pipefail
RAISON=$(realpath "${1:?usage: shrink_cost.sh RAISON [OUT]}")
OUT=${2:-/tmp/raison-shrink-bench}
RUNS=${RUNS:-3}
here=$(cd "$(dirname "$0")/.." && pwd)
CACHE=${RAISON_TEST_CACHE:-/var/cache/raison-tests}
mkdir -p "$OUT" "$CACHE"
export TMPDIR=$OUT/tmp
mkdir -p "$TMPDIR"

# The images: the cached Debian one (as tests/scenarios/lib.sh makes it), and the big one made here.
root=$CACHE/bookworm
[ -x "$root/usr/bin/python3" ] || flock "$root.lock" bash "$here/samples/make-debian-root.sh" "$root" libpython3.11-testsuite
small=$CACHE/bookworm-oci
[ -f "$small/index.json" ] || flock "$small.lock" bash "$here/samples/make-debian-image.sh" "$small" "$root" >/dev/null
big=$OUT/big-oci
if [ ! -f "$big/index.json" ]; then
  rm -rf "$OUT/big-root"
  cp -a "$root" "$OUT/big-root"
  want=$(du -sb "$root" | cut -f1)
  # Regular files of this machine's library directory, in name order, one name per inode (tar would
  # store the others as hardlinks), until they weigh as much as the root.
  find /usr/lib/x86_64-linux-gnu -type f -printf '%s %i %P\n' | sort -k3 >"$OUT/all.list"
  awk -v want="$want" 'sum < want && !seen[$2]++ { sum += $1; print $3 }' "$OUT/all.list" >"$OUT/extra.list"
  mkdir -p "$OUT/big-root/opt/extra"
  tar -C /usr/lib/x86_64-linux-gnu -cf - -T "$OUT/extra.list" | tar -C "$OUT/big-root/opt/extra" -xf -
  bash "$here/samples/make-debian-image.sh" "$big" "$OUT/big-root" >/dev/null
  rm -rf "$OUT/big-root"
fi

layer_of() {  # the one layer blob of IMAGE:bookworm
  python3 - "$1" <<'PY'
import json, sys
d = sys.argv[1]
m = json.load(open(d + '/index.json'))['manifests'][0]
man = json.load(open(d + '/blobs/' + m['digest'].replace(':', '/')))
assert len(man['layers']) == 1, 'one layer expected'
print(d + '/blobs/' + man['layers'][0]['digest'].replace(':', '/'))
PY
}

# measure NAME CMD...: runs CMD under /usr/bin/time -v; appends "NAME wall_s cpu_s rss_kib" to $OUT/runs.
measure() {
  local name=$1; shift
  /usr/bin/time -v -o "$OUT/time.txt" "$@" >/dev/null 2>"$OUT/cmd.err" || { cat "$OUT/cmd.err" "$OUT/time.txt" >&2; exit 1; }
  awk -v n="$name" -F': ' '
    /Elapsed/ { k = split($2, t, ":"); wall = (k == 3) ? t[1] * 3600 + t[2] * 60 + t[3] : t[1] * 60 + t[2] }
    /User time/ { cpu += $2 } /System time/ { cpu += $2 }
    /Maximum resident/ { rss = $2 }
    END { printf "%s %.2f %.2f %d\n", n, wall, cpu, rss }' "$OUT/time.txt" >>"$OUT/runs"
}

: >"$OUT/runs"
for img in small big; do
  dir=${!img}
  layer=$(layer_of "$dir")
  cat "$layer" >/dev/null  # both commands read the layer from the page cache
  for ((i = 1; i <= RUNS; i++)); do
    rm -rf "$OUT/x"; mkdir "$OUT/x"
    measure "$img tar" tar -xzf "$layer" -C "$OUT/x"
    rm -rf "$OUT/x"; sync
    measure "$img raison" "$RAISON" shrink "oci:$dir:bookworm" -o "oci:$OUT/shrunk-$img:small" -f -q
    sync
    [ -z "$(ls -A "$TMPDIR")" ] || { echo "staging left in $TMPDIR" >&2; exit 1; }
  done
done

# The table: best and median wall time of the runs (the machine is shared: the best run is the one
# least disturbed), median CPU, largest peak RSS; then the two criteria, on the best runs and on CPU.
python3 - "$OUT/runs" "$small" "$big" "$RUNS" <<'PY' | tee "$OUT/table.md"
import json, os, statistics, subprocess, sys
runs, dirs, n = sys.argv[1], {'small': sys.argv[2], 'big': sys.argv[3]}, sys.argv[4]
rows = {}
for line in open(runs):
    img, tool, wall, cpu, rss = line.split()
    rows.setdefault((img, tool), []).append((float(wall), float(cpu), int(rss)))
def layer_facts(d):
    m = json.load(open(d + '/index.json'))['manifests'][0]
    man = json.load(open(d + '/blobs/' + m['digest'].replace(':', '/')))
    blob = d + '/blobs/' + man['layers'][0]['digest'].replace(':', '/')
    listing = subprocess.run(['tar', '-tvzf', blob], capture_output=True, text=True).stdout.splitlines()
    files = sum(1 for l in listing if l.startswith('-'))
    size = sum(int(l.split()[2]) for l in listing if l.startswith('-'))
    return os.path.getsize(blob), size, files
print(f'| image | layer (gzip) | unpacked | files | command | wall, best (s) | wall, median (s) | CPU, median (s) | peak RSS (MiB) |')
print('| --- | ---: | ---: | ---: | --- | ---: | ---: | ---: | ---: |')
med = {}
for img in ('small', 'big'):
    stored, size, files = layer_facts(dirs[img])
    for tool in ('tar', 'raison'):
        r = rows[(img, tool)]
        best, wall = min(x[0] for x in r), statistics.median(x[0] for x in r)
        cpu, rss = statistics.median(x[1] for x in r), max(x[2] for x in r)
        med[(img, tool)] = (best, cpu, rss)
        cmd = 'tar -xzf LAYER' if tool == 'tar' else 'raison shrink'
        print(f'| {img} | {stored / 2**20:.0f} MiB | {size / 2**20:.0f} MiB | {files} | {cmd} | {best:.1f} | {wall:.1f} | {cpu:.1f} | {rss / 1024:.0f} |')
print()
for img in ('small', 'big'):
    ratio = med[(img, 'raison')][0] / med[(img, 'tar')][0]
    cpu = med[(img, 'raison')][1] / med[(img, 'tar')][1]
    print(f'- {img}: raison / tar wall time (best of {n}) = {ratio:.2f}, CPU = {cpu:.2f} '
          f'({"within" if max(ratio, cpu) <= 2 else "OVER"} 2x)')
g = med[('big', 'raison')][2] / med[('small', 'raison')][2]
print(f'- raison peak RSS, big / small image = {g:.2f} ({"flat" if g <= 1.25 else "GROWS"}: at most 1.25 expected)')
PY

#!/usr/bin/env bash
# The ratios of issue 9 in one run: raison and each peer on the same input, side by side, each command
# run RUNS times in turn (A B A B ...) after one warm-up, each run timed as a whole process by
# /usr/bin/time (wall, user+sys CPU, peak RSS). Prints one markdown table: the median wall and CPU
# time and the largest peak RSS of each command, and the ratio raison / peer of the medians.
#
#   ELF: the closure of every regular, dynamically linked ELF file directly in /usr/bin, all in one call,
#        against libtree (one call), lddtree (one call) and ldd (one call per file, in one shell). Files
#        that libtree cannot finish alone (a library it does not find) are left out for every tool:
#        libtree stops at the first such file. Target: raison <= 0.5x libtree.
#   Python: `raison closure ROOT --seed SCRIPT --list` of a script importing json, ssl, urllib.request,
#        sqlite3 and email, against CPython's modulefinder (ModuleFinder().run_script(SCRIPT)) run by the
#        root's python3 under chroot; both whole processes. Target: raison >= 15x faster. And the
#        `--python-stdlib-full` closure of the root's /usr/bin/python3 (no peer: its figures alone).
#        ROOT is an overlay of the cached Debian bookworm root in a private mount namespace (never written).
#   Shrink: bench/shrink_vs_untar.sh (raison shrink of the cached Debian image against tar -xf of its
#        layers) when it is there; its parse line gives the row. "not measured" otherwise.
#
# Usage (as root): bash bench/ratios.sh [RAISON]    (default: build/src/cli/raison)
# Env: RUNS (5), OUT (/tmp/raison-ratios), RAISON_TEST_CACHE (/var/cache/raison-tests), SHRINK=0 skips
# the shrink row.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
RAISON=$(realpath "${1:-${RAISON:-$here/../build/src/cli/raison}}")
RUNS=${RUNS:-5}
OUT=${OUT:-/tmp/raison-ratios}
CACHE=${RAISON_TEST_CACHE:-/var/cache/raison-tests}
PY=/usr/bin/python3  # lddtree needs Debian's python3 with python3-pyelftools
[ "$(id -u)" = 0 ] || { echo "needs root (overlay, chroot)" >&2; exit 2; }
for t in "$RAISON" /usr/bin/time /usr/bin/lddtree /usr/bin/libtree /usr/bin/ldd /usr/bin/unshare; do
  [ -x "$t" ] || { echo "missing: $t" >&2; exit 2; }
done
if [ -z "${RAISON_RATIOS_NS:-}" ]; then
  root=$CACHE/bookworm
  [ -x "$root/usr/bin/python3" ] || flock "$root.lock" bash "$here/../samples/make-debian-root.sh" "$root" libpython3.11-testsuite
  rm -rf "$OUT"; mkdir -p "$OUT"
  RAISON_RATIOS_NS=1 exec unshare -m --propagation private bash "$0" "$RAISON"
fi

# timed NAME CMD...: one run of CMD, "wall cpu rss_kib" appended to $OUT/NAME.runs.
timed() {
  local name=$1; shift
  /usr/bin/time -f '%e %U %S %M' -o "$OUT/time" "$@" >/dev/null 2>"$OUT/$name.err" || true
  awk '{ print $1, $2 + $3, $4 }' "$OUT/time" >>"$OUT/$name.runs"
}
# side_by_side NAME_A 'CMD A' NAME_B 'CMD B' ...: a warm-up of each, then RUNS rounds of each in turn.
side_by_side() {
  local -a names=() cmds=()
  while [ $# -gt 0 ]; do names+=("$1"); cmds+=("$2"); shift 2; done
  for i in "${!names[@]}"; do eval "${cmds[$i]}" >/dev/null 2>&1 || true; : >"$OUT/${names[$i]}.runs"; done
  for ((r = 0; r < RUNS; r++)); do
    for i in "${!names[@]}"; do timed "${names[$i]}" bash -c "${cmds[$i]}"; done
  done
}
# stats NAME: "median_wall median_cpu max_rss_mib" of NAME's runs.
median() { sort -g | awk '{ a[NR] = $1 } END { printf "%.3f", NR % 2 ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2 }'; }
stats() {
  echo "$(cut -d' ' -f1 "$OUT/$1.runs" | median) $(cut -d' ' -f2 "$OUT/$1.runs" | median)" \
    "$(cut -d' ' -f3 "$OUT/$1.runs" | sort -g | tail -1 | awk '{ printf "%.1f", $1 / 1024 }')"
}
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf (b > 0 ? "%.2fx" : "-"), (b > 0 ? a / b : 0) }'; }
# row WORK NAME PEER_NAME PEER_LABEL TARGET: one table row, raison's figures against the peer's.
row() {
  local work=$1 a=$2 b=$3 label=$4 target=$5 aw ac am bw bc bm
  read -r aw ac am < <(stats "$a")
  read -r bw bc bm < <(stats "$b")
  echo "| $work | $aw / $ac | $am | $label | $bw / $bc | $bm | $(ratio "$aw" "$bw") | $(ratio "$ac" "$bc") | $target |"
}

echo "| work | raison: wall / CPU (s) | raison: peak RSS (MiB) | peer | peer: wall / CPU (s) | peer: peak RSS (MiB) | raison / peer: wall | raison / peer: CPU | target |" >"$OUT/table.md"
echo "| --- | ---: | ---: | --- | ---: | ---: | ---: | ---: | --- |" >>"$OUT/table.md"

# ELF: the seeds, those libtree finishes alone.
"$PY" "$here/elf_seeds.py" /usr/bin | cut -f1 >"$OUT/elf.all"
while read -r f; do libtree "$f" >/dev/null 2>&1 && echo "$f"; done <"$OUT/elf.all" >"$OUT/elf.seeds"
n_all=$(wc -l <"$OUT/elf.all"); n=$(wc -l <"$OUT/elf.seeds")
sed 's/^/--seed /' "$OUT/elf.seeds" | tr '\n' ' ' >"$OUT/elf.args"
files=$(tr '\n' ' ' <"$OUT/elf.seeds")
side_by_side \
  elf-raison "$RAISON closure / --analyzers elf --list -q $(cat "$OUT/elf.args")" \
  elf-libtree "libtree $files" \
  elf-lddtree "$PY /usr/bin/lddtree -l $files" \
  elf-ldd "for f in $files; do ldd \$f; done"
elf_work="ELF closure of the $n dynamic ELF files of /usr/bin libtree finishes ($n_all in all), one call"
row "$elf_work" elf-raison elf-libtree "libtree, one call" "<= 0.5x libtree" >>"$OUT/table.md"
row "$elf_work" elf-raison elf-lddtree "lddtree, one call" "" >>"$OUT/table.md"
row "$elf_work" elf-raison elf-ldd "ldd, one call per file" "" >>"$OUT/table.md"

# Python: an overlay of the cached root with the script in /opt/raison-bench.
R=$OUT/root
mkdir -p "$OUT/up" "$OUT/work" "$R"
mount -t overlay overlay -o "lowerdir=$CACHE/bookworm,upperdir=$OUT/up,workdir=$OUT/work" "$R"
trap 'umount -l "$R"' EXIT
D=/opt/raison-bench
mkdir -p "$R$D"
printf 'import json, ssl, urllib.request, sqlite3, email\nprint("ok")\n' >"$R$D/five.py"
# 3.11's modulefinder raises AttributeError on a namespace package (its spec has no loader): made an
# ImportError so that the run completes, as bench/python_closure.sh does.
cat >"$R$D/modulefinder_run.py" <<'PY'
import sys, modulefinder
orig = modulefinder._find_module
def find(name, path=None):
    try:
        return orig(name, path)
    except AttributeError:
        raise ImportError(name)
modulefinder._find_module = find
f = modulefinder.ModuleFinder()
f.run_script(sys.argv[1])
print(len(f.modules), "modules")
PY
CHROOT=$(command -v chroot || echo /usr/sbin/chroot)
side_by_side \
  py-raison "$RAISON closure $R --seed $D/five.py --list -q" \
  py-modulefinder "env -i PATH=/usr/bin:/bin $CHROOT $R /usr/bin/python3 $D/modulefinder_run.py $D/five.py" \
  py-full "$RAISON closure $R --seed /usr/bin/python3 --python-stdlib-full --list -q"
row "Python closure of a script importing json, ssl, urllib.request, sqlite3, email (--list, whole process)" \
  py-raison py-modulefinder "CPython modulefinder run_script, whole process" "<= 0.067x (15x faster)" >>"$OUT/table.md"
read -r fw fc fm < <(stats py-full)
echo "| --python-stdlib-full closure of /usr/bin/python3 (--list) | $fw / $fc | $fm | (none) | | | | | |" >>"$OUT/table.md"

# Shrink: the other bench, when it is there.
if [ "${SHRINK:-1}" = 1 ] && [ -f "$here/shrink_vs_untar.sh" ]; then
  # Its own work directory inside ours: it empties its OUT first, which an inherited OUT would make ours.
  RUNS=$RUNS RAISON_TEST_CACHE=$CACHE OUT=$OUT/shrink bash "$here/shrink_vs_untar.sh" "$RAISON" >"$OUT/shrink.out" 2>"$OUT/shrink.err" || true
  line=$(grep '^shrink_vs_untar ' "$OUT/shrink.out" | tail -1 || true)
  if [ -n "$line" ]; then
    v() { tr ' ' '\n' <<<"$line" | sed -n "s/^$1=//p"; }
    echo "| raison shrink of the cached Debian image to a directory, seed python3 | $(v raison_wall) / $(v raison_cpu) | $(awk -v k="$(v raison_rss_kib)" 'BEGIN { printf "%.1f", k / 1024 }') | tar -xf of its layers | $(v tar_wall) / $(v tar_cpu) | $(awk -v k="$(v tar_rss_kib)" 'BEGIN { printf "%.1f", k / 1024 }') | $(v wall_ratio)x | $(v cpu_ratio)x | <= 0.5x tar |" >>"$OUT/table.md"
  else
    echo "| raison shrink against tar -xf | not measured: bench/shrink_vs_untar.sh failed (see $OUT/shrink.err) | | | | | | | |" >>"$OUT/table.md"
  fi
elif [ "${SHRINK:-1}" != 1 ]; then
  echo "| raison shrink against tar -xf | not measured (SHRINK=0) | | | | | | | |" >>"$OUT/table.md"
else
  echo "| raison shrink against tar -xf | not measured (bench/shrink_vs_untar.sh absent) | | | | | | | |" >>"$OUT/table.md"
fi

echo "(median of $RUNS runs each, after one warm-up; peak RSS: the largest of the runs; $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg) at the end)" >>"$OUT/table.md"
cat "$OUT/table.md"

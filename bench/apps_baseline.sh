#!/usr/bin/env bash
# Measures how raison's roots fare with real applications: for each script of tests/scenarios/apps/,
# in an overlay of the apps root (samples/make-debian-apps-root.sh; never written), it
#   1. runs the script in the full root under bwrap (stdout, stderr, exit code), and again under
#      `strace -f` to list the files it opened (open/openat/execve) and touched (stat, access, readlink)
#      after python3 started;
#   2. shrinks a root for it alone: `raison closure ROOT --seed /opt/apps/X.py -o OUT` (no hints);
#   3. runs it there the same way and compares; when it differs, lists the paths the full run opened or
#      touched that are missing from OUT (the files to blame), and checks that the shrunk root works
#      once raison is also given that run's paths (`--trace PATHS`, a plain list).
# Sizes are bytes of regular files, each inode counted once. Prints a markdown table (also in
# $OUT/table.md); per-script details under $OUT/NAME/.
# Usage (as root): bench/apps_baseline.sh [RAISON] [SCRIPT.py...]   (default: build/src/cli/raison)
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
RAISON=$(realpath "${1:-${RAISON:-$here/../build/src/cli/raison}}")
[ $# -gt 0 ] && shift
OUT=${OUT:-/tmp/raison-bench-apps}
CACHE=${RAISON_APPS_ROOT:-/var/cache/raison-tests/bookworm-apps}
APPS=$(cd "$here/../tests/scenarios/apps" && pwd)
[ "$(id -u)" = 0 ] || { echo "needs root (overlay, bwrap as root, strace)" >&2; exit 2; }
for t in "$RAISON" /usr/bin/bwrap /usr/bin/unshare /usr/bin/strace; do [ -x "$t" ] || { echo "missing: $t" >&2; exit 2; }; done
if [ -z "${RAISON_BENCH_NS:-}" ]; then
  [ -x "$CACHE/usr/sbin/nginx" ] || bash "$here/../samples/make-debian-apps-root.sh" "$CACHE"
  rm -rf "$OUT"; mkdir -p "$OUT"
  RAISON_BENCH_NS=1 exec unshare -m --propagation private bash "$0" "$RAISON" "$@"
fi
# The overlay's upper layer on a tmpfs: overlayfs refuses an upper directory on overlayfs.
mkdir -p "$OUT/ov"
mount -t tmpfs tmpfs "$OUT/ov"
R=$OUT/ov/root
mkdir -p "$OUT/ov/up" "$OUT/ov/work" "$R"
mount -t overlay overlay -o "lowerdir=$CACHE,upperdir=$OUT/ov/up,workdir=$OUT/ov/work" "$R"
trap 'umount -R -l "$OUT/ov"' EXIT
D=/opt/apps
mkdir -p "$R$D"; cp "$APPS"/*.py "$R$D/"
if [ $# -gt 0 ]; then scripts=("$@"); else scripts=($(cd "$APPS" && ls -- *.py)); fi

# run ROOT PREFIX SCRIPT [wrapper...]: the script under bwrap as the tests run it; PREFIX.{out,err,rc}.
run() {
  local root=$1 p=$2 s=$3; shift 3
  local rc=0
  env -i PATH=/usr/bin:/bin HOME=/root timeout 120 "$@" bwrap --bind "$root" / --proc /proc --dev /dev \
    --tmpfs /tmp --chdir /tmp --die-with-parent -- /usr/bin/python3 "$D/$s" >"$p.out" 2>"$p.err" || rc=$?
  echo "$rc" >"$p.rc"
}

# paths LOG: "KIND PATH" for every successful file syscall after python3's execve (KIND: open for
# open/openat/execve, touch for the rest), absolute paths only, /proc /dev /sys /tmp left out.
paths() {
  python3 - "$1" <<'PY'
import re, sys
done, pending, started = set(), {}, False
full = re.compile(r"^(\d+)\s+(\w+)\((.*)\) += (-?\d+)")
unfinished = re.compile(r"^(\d+)\s+(\w+)\((.*) <unfinished \.\.\.>$")
resumed = re.compile(r"^(\d+)\s+<\.\.\. (\w+) resumed>(.*)\) += (-?\d+)")
first = re.compile(r"^(?:AT_FDCWD, |\d+, )?\"([^\"]*)\"")
for line in open(sys.argv[1], errors="replace"):
    line = line.rstrip("\n")
    m = unfinished.match(line)
    if m:
        pending[m.group(1)] = (m.group(2), m.group(3))
        continue
    m = resumed.match(line)
    if m and m.group(1) in pending:
        name, args = pending.pop(m.group(1))
        ret = int(m.group(4))
    else:
        m = full.match(line)
        if not m:
            continue
        name, args, ret = m.group(2), m.group(3), int(m.group(4))
    a = first.match(args)
    if name == "execve" and ret == 0 and a and a.group(1) == "/usr/bin/python3":
        started = True
    if not started or ret < 0 or not a or not a.group(1).startswith("/"):
        continue
    path = a.group(1)
    if path.split("/")[1] in ("proc", "dev", "sys", "tmp") or name in ("chdir", "mkdir", "unlink", "rename", "rmdir"):
        continue
    done.add(("open" if name in ("open", "openat", "execve") else "touch", path))
for kind, path in sorted(done):
    print(kind, path)
PY
}

# bytes ROOT: reads paths (as named inside ROOT) on stdin, resolves them inside ROOT, prints
# "FILES BYTES" of the regular files among them, each inode once.
bytes() {
  python3 -c '
import os, stat, sys
root = sys.argv[1]
def real(path):
    todo, stack, hops = [c for c in path.split("/") if c], [], 0
    while todo:
        c = todo.pop(0)
        if c == ".":
            continue
        if c == "..":
            if stack: stack.pop()
            continue
        stack.append(c)
        full = root + "/" + "/".join(stack)
        if os.path.islink(full):
            hops += 1
            if hops > 40: return path
            t = os.readlink(full); stack.pop()
            if t.startswith("/"): stack = []
            todo = [x for x in t.split("/") if x] + todo
    return "/" + "/".join(stack)
seen, total = set(), 0
for line in sys.stdin:
    try:
        st = os.lstat(root + real(line.rstrip("\n")))
    except OSError:
        continue
    if stat.S_ISREG(st.st_mode) and (st.st_dev, st.st_ino) not in seen:
        seen.add((st.st_dev, st.st_ino))
        total += st.st_size
print(len(seen), total)
' "$1"
}
tree_bytes() { (cd "$1" && find . -xdev -type f -printf '%i %s\n' | sort -u | awk '{n++; b+=$2} END {print n, b}'); }
mb() { awk -v b="$1" 'BEGIN {printf "%.1f MB", b / 1e6}'; }

read -r full_files full_bytes < <(tree_bytes "$R")
echo "# full root $CACHE (+ the scripts): $full_files files, $(mb "$full_bytes")" | tee "$OUT/table.md"
{
  echo
  echo "| script | full root | shrunk root: same run? | raison exit | shrunk: files, size | opened at run time (full root): files, size | paths of the full run missing from the shrunk root | with --trace of the full run |"
  echo "| --- | --- | --- | ---: | ---: | ---: | ---: | --- |"
} | tee -a "$OUT/table.md"
for s in "${scripts[@]}"; do
  n=${s%.py}; W=$OUT/$n; mkdir -p "$W"
  run "$R" "$W/full" "$s"
  run "$R" "$W/strace" "$s" strace -f -qq -e trace=%file,execve -o "$W/strace.log"
  paths "$W/strace.log" >"$W/paths"
  read -r op_files op_bytes < <(grep '^open ' "$W/paths" | cut -d' ' -f2- | bytes "$R")
  cut -d' ' -f2- "$W/paths" | sort -u >"$W/paths.list"

  rc=0; "$RAISON" closure "$R" --seed "$D/$s" -o "$W/shrunk" >"$W/closure.out" 2>"$W/closure.err" || rc=$?
  read -r sh_files sh_bytes < <(tree_bytes "$W/shrunk")
  run "$W/shrunk" "$W/shrunk" "$s"
  if cmp -s "$W/full.out" "$W/shrunk.out" && cmp -s "$W/full.err" "$W/shrunk.err" && cmp -s "$W/full.rc" "$W/shrunk.rc"; then
    same=yes
  else
    same="no: exit $(cat "$W/shrunk.rc"), \`$(grep -v '^\s*$' "$W/shrunk.err" | tail -1 | cut -c1-160)\`"
  fi
  # The full run's paths that exist in the full root but not in the shrunk one (links count as present).
  while read -r p; do
    if [ -e "$R$p" ] || [ -L "$R$p" ]; then [ -e "$W/shrunk$p" ] || [ -L "$W/shrunk$p" ] || echo "$p"; fi
  done <"$W/paths.list" >"$W/missing"
  # The table shows up to three of them, shortened (dist-packages/..., x86_64-linux-gnu/...).
  missing=$(sed -e 's|^/usr/lib/python3/dist-packages/|dist-packages/|' -e 's|^/usr/lib/x86_64-linux-gnu/|x86_64-linux-gnu/|' \
    "$W/missing" | awk '{ n++; if (n <= 3) l = l (n > 1 ? ", " : "") "`" $0 "`" } END { printf "%d%s%s", n, (n ? ": " l : ""), (n > 3 ? ", +" n - 3 " more" : "") }')
  with_trace="-"
  if [ "$same" != yes ]; then
    rc2=0; "$RAISON" closure "$R" --seed "$D/$s" --trace "$W/paths.list" -o "$W/traced" >"$W/traced.closure.out" 2>"$W/traced.closure.err" || rc2=$?
    run "$W/traced" "$W/traced" "$s"
    if cmp -s "$W/full.out" "$W/traced.out" && cmp -s "$W/full.err" "$W/traced.err" && cmp -s "$W/full.rc" "$W/traced.rc"; then
      read -r tr_files tr_bytes < <(tree_bytes "$W/traced")
      with_trace="same run ($tr_files files, $(mb "$tr_bytes"))"
    else
      with_trace="still differs: \`$(grep -v '^\s*$' "$W/traced.err" | tail -1 | cut -c1-120)\`"
    fi
  fi
  full_run="exit $(cat "$W/full.rc"), $(wc -l <"$W/full.out") lines"
  echo "| $s | $full_run | $same | $rc | $sh_files, $(mb "$sh_bytes") | $op_files, $(mb "$op_bytes") | $missing | $with_trace |" | tee -a "$OUT/table.md"
done

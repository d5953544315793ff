#!/usr/bin/env bash
# SIGKILL at random moments while raison writes each output kind (directory, tar, tar.gz, tar.zst,
# oci:, docker-archive:, and the manifest beside each) leaves that output whole — the same bytes as
# an undisturbed reference run — or absent (issue 14, Deliver 4). The root is the cached bookworm
# root with python3 seeded (about 40 MB kept, a run of a second or two). The temporaries a killed run
# leaves beside the output (.NAME.raison-tmp-PID…) are reclaimed by the next run to that destination.
source "$(dirname "$0")/lib.sh"
need_root
py_cached_root
private_tmpdir
R=$PY_ROOT_CACHE
run() { "$RAISON" closure "$R" --seed /usr/bin/python3 -o "$1" >/dev/null 2>&1; }
same() {  # same A B: the same tree or file, bytes, modes and links
  if [ -d "$1" ]; then diff -r --no-dereference "$1" "$2" >/dev/null && [ "$(tree_digest "$1")" = "$(tree_digest "$2")" ]
  else cmp -s "$1" "$2"; fi
}
mkdir -p "$T/ref" "$T/k"
whole=0 absent=0
for kind in dir out.tar out.tar.gz out.tar.zst oci:img docker-archive:da.tar; do
  path=${kind#*:}
  (cd "$T/ref" && run "$kind") || fail "reference run -o $kind"
  start=$(date +%s%N); (cd "$T/k" && run "$kind"); ms=$(( ($(date +%s%N) - start) / 1000000 ))
  rm -rf "$T/k/$path" "$T/k/$path.manifest.json"
  for attempt in 1 2 3 4; do
    delay=$(( RANDOM % (ms + 1) ))
    (cd "$T/k" && exec "$RAISON" closure "$R" --seed /usr/bin/python3 -o "$kind" >/dev/null 2>&1) &
    pid=$!
    sleep "$(printf '%d.%03d' $((delay / 1000)) $((delay % 1000)))"
    kill -KILL "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true
    for f in "$path" "$path.manifest.json"; do
      if [ -e "$T/k/$f" ]; then
        same "$T/ref/$f" "$T/k/$f" || fail "-o $kind killed after ${delay} ms: $f is there but not whole"
        whole=$((whole + 1))
      else
        absent=$((absent + 1))
      fi
    done
    rm -rf "$T/k/$path" "$T/k/$path.manifest.json"
  done
  # What the killed runs left beside the output (their temporaries) goes with the next run there.
  note "-o $kind: $(ls -A "$T/k" | grep -c raison- || true) temporaries left by the killed runs"
  (cd "$T/k" && run "$kind") || fail "a run -o $kind after the killed ones"
  same "$T/ref/$path" "$T/k/$path" || fail "-o $kind after the killed runs differs"
  left=$(ls -A "$T/k" | grep raison- || true)
  [ -z "$left" ] || fail "-o $kind: the killed runs' temporaries were not reclaimed: $left"
  rm -rf "$T/k/$path" "$T/k/$path.manifest.json"
done
note "outputs whole: $whole, absent: $absent"
echo "PASS: SIGKILL leaves every output kind whole or absent"

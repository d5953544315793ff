#!/usr/bin/env bash
# The docker half of observed_container_shrinks_to_an_image_that_answers_the_same: a private dockerd
# (vfs, no bridge, its own socket and data root) runs the HTTP service from the bookworm test image;
# `raison shrink NAME --observe` finds the container through `docker inspect` (DOCKER_HOST), observes
# it while requests come in, saves its image with `docker save` and shrinks it. The shrunk image, run by
# the same dockerd with the same command, answers with the same status and body; the container keeps
# its PID and runs on.
source "$(dirname "$0")/lib.sh"
need_root
need_tool dockerd
need_tool docker
need_tool skopeo
need_tool strace
need_tool nsenter
private_tmpdir
IMG=$(debian_image)
D=$T/docker
mkdir -p "$D/tmp"
# dockerd and its containerd get a TMPDIR of their own: containerd may drop a stacks log in its TMPDIR
# (containerd.PID.stacks.log, seen once in CI), and the test's TMPDIR is checked for raison's leftovers.
TMPDIR=$D/tmp dockerd --data-root "$D/data" -H "unix://$D/sock" --exec-root "$D/exec" --pidfile "$D/pid" --iptables=false \
  --ip6tables=false --bridge=none --storage-driver=vfs >"$D/log" 2>&1 &
DOCKERD=$!
trap 'docker rm -f web small >/dev/null 2>&1 || true; kill $DOCKERD 2>/dev/null || true; wait $DOCKERD 2>/dev/null || true; rm -rf "$T"' EXIT
export DOCKER_HOST=unix://$D/sock
for i in $(seq 60); do docker version >/dev/null 2>&1 && break; sleep 1; done
docker version >/dev/null 2>&1 || { cat "$D/log"; fail "dockerd did not start"; }

skopeo copy -q "oci:$IMG:bookworm" "docker-archive:$D/img.tar:raison/bookworm:v1" || fail "skopeo copy to a docker-archive"
docker load -q -i "$D/img.tar" >/dev/null || fail "docker load"
rm -f "$D/img.tar"
run_service() {  # NAME IMAGE
  docker run -d --name "$1" --network none --entrypoint python3 "$2" -m http.server 8000 --bind 127.0.0.1 \
    --directory /usr/share/doc/python3 >/dev/null || fail "docker run $1"
  local i
  for i in $(seq 60); do fetch "$1" / >/dev/null 2>&1 && return; sleep 1; done
  docker logs "$1"; fail "$1 does not answer on port 8000"
}
fetch() {  # NAME PATH: status and body, from inside the container's network namespace
  nsenter -n -t "$(docker inspect --format '{{.State.Pid}}' "$1")" python3 -c '
import sys, urllib.request, urllib.error
try:
    r = urllib.request.urlopen("http://127.0.0.1:8000" + sys.argv[1], timeout=20); code, body = r.status, r.read()
except urllib.error.HTTPError as e:
    code, body = e.code, e.read()
sys.stdout.write("%d\n" % code); sys.stdout.flush(); sys.stdout.buffer.write(body)' "$2"
}
answers() { local p; for p in /copyright /no-such-file; do echo "== $p"; fetch "$1" "$p"; echo; done; }

run_service web raison/bookworm:v1
PID=$(docker inspect --format '{{.State.Pid}}' web)
answers web >"$T/before"
grep -q '^200$' "$T/before" && grep -q '^404$' "$T/before" || { cat "$T/before"; fail "no 200 and 404 answers"; }

timeout "$HANG_GUARD" "$RAISON" shrink web --observe 6 -o "docker-archive:$T/small.tar:raison/web:v1" >"$T/sh.out" 2>"$T/sh.err" & sh=$!
for i in $(seq 100); do grep -q 'watching' "$T/sh.err" && break; sleep 0.1; done
answers web >"$T/during"
rc=0; wait $sh || rc=$?
[ "$rc" = 0 ] || { cat "$T/sh.err"; fail "raison shrink --observe: exit $rc"; }
cat "$T/sh.err" >&2
assert_grep "$T/sh.err" '^raison: docker container web: 1 process, first pid [0-9]+'
assert_grep "$T/sh.out" '^only observed: /usr/share/doc/python3/copyright$'
[ -z "$(ls -A "$TMPDIR")" ] || fail "left in TMPDIR: $(ls -A "$TMPDIR")"
assert_eq "$PID true" "$(docker inspect --format '{{.State.Pid}} {{.State.Running}}' web)" "web's pid and state after shrink --observe"
cmp -s "$T/before" "$T/during" || fail "web answered differently while observed"

docker load -q -i "$T/small.tar" >/dev/null || fail "docker load of the shrunk image"
run_service small raison/web:v1
answers small >"$T/small"
cmp -s "$T/before" "$T/small" || { diff <(cat -v "$T/before") <(cat -v "$T/small") | head; fail "the shrunk image answers differently"; }
note "docker image sizes: $(docker image ls --format '{{.Repository}}:{{.Tag}} {{.Size}}' | tr '\n' ' ')"

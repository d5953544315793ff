#!/usr/bin/env bash
# Transports through skopeo, against real services started here on loopback with temp storage:
# Debian's docker-registry (distribution) on 127.0.0.1 and podman's containers-storage (vfs, a temp
# --root). `raison shrink docker://… -o docker://…` pulls, shrinks and pushes; podman pulls the pushed
# image back and its entrypoint prints what the original's prints. The same from and to podman's
# store through containers-storage:. No transfer directory is left behind.
source "$(dirname "$0")/lib.sh"
need_root
need_tool skopeo
need_tool docker-registry
private_tmpdir
IMG=$(debian_image)
WANT="fetched /hello ok=True tls_verify=True at 2024-01-01T12:00:00+01:00"

# The registry: plain HTTP on a free loopback port, its storage under $T.
PORT=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
cat >"$T/registry.yml" <<YML
version: 0.1
log: {level: error}
storage: {filesystem: {rootdirectory: $T/registry}, delete: {enabled: true}}
http: {addr: 127.0.0.1:$PORT}
YML
docker-registry serve "$T/registry.yml" >"$T/registry.log" 2>&1 & REG=$!
trap 'kill $REG 2>/dev/null || true; wait $REG 2>/dev/null || true; rm -rf "$T"' EXIT
for _ in $(seq 100); do
  python3 -c "import urllib.request; urllib.request.urlopen('http://127.0.0.1:$PORT/v2/')" 2>/dev/null && break
  sleep 0.1
done
python3 -c "import urllib.request; urllib.request.urlopen('http://127.0.0.1:$PORT/v2/')" || { cat "$T/registry.log"; fail "the registry did not start"; }
R=127.0.0.1:$PORT
skopeo copy -q --dest-tls-verify=false "oci:$IMG:bookworm" "docker://$R/app:1" 2>"$T/sk.err" || { cat "$T/sk.err"; fail "pushing the test image"; }

# Registry to registry.
rz shrink "docker://$R/app:1" -o "docker://$R/app:1-min" --tls-verify=false
expect_rc 0 "shrink docker:// -o docker://"
assert_grep "$T/err" '^raison: kept [0-9]+ of [0-9]+ files'
[ -z "$(ls -A "$TMPDIR")" ] || fail "left in TMPDIR: $(ls -A "$TMPDIR")"

# podman pulls both back into its own store and runs them: the shrunk image answers as the original.
pod pull -q --tls-verify=false "$R/app:1" >/dev/null 2>"$T/pod.err" || { cat "$T/pod.err"; fail "podman pull app:1"; }
pod pull -q --tls-verify=false "$R/app:1-min" >/dev/null 2>"$T/pod.err" || { cat "$T/pod.err"; fail "podman pull app:1-min"; }
pod run --rm "$R/app:1" >"$T/orig.out" 2>&1 || { cat "$T/orig.out"; fail "podman run app:1"; }
assert_eq "$WANT" "$(cat "$T/orig.out")" "the original's output"
pod run --rm "$R/app:1-min" >"$T/min.out" 2>&1 || { cat "$T/min.out"; fail "podman run app:1-min"; }
assert_eq "$(cat "$T/orig.out")" "$(cat "$T/min.out")" "podman run of the pushed image against the original"
# The config keeps its meaning: entrypoint, cmd, env and working directory as the source had them.
cfg() { skopeo inspect --config --tls-verify=false "docker://$R/$1" | python3 -c 'import json,sys; c=json.load(sys.stdin)["config"]; print(json.dumps([c.get(k) for k in ("Entrypoint","Cmd","Env","WorkingDir")]))'; }
assert_eq "$(cfg app:1)" "$(cfg app:1-min)" "Entrypoint, Cmd, Env, WorkingDir of the pushed image"
size() { skopeo inspect --raw --tls-verify=false "docker://$R/$1" | python3 -c 'import json,sys; print(sum(l["size"] for l in json.load(sys.stdin)["layers"]))'; }
note "layer bytes in the registry: app:1 $(size app:1), app:1-min $(size app:1-min)"
[ $(( $(size app:1-min) * 3 )) -lt "$(size app:1)" ] || fail "the pushed image is not under a third of the original"

# podman's store (vfs, the temp --root the pod helper uses) to the same store.
CS="containers-storage:[vfs@$T/podman/root+$T/podman/run]"
rz shrink "${CS}$R/app:1" -o "${CS}localhost/app:cs-min"
expect_rc 0 "shrink containers-storage: -o containers-storage:"
[ -z "$(ls -A "$TMPDIR")" ] || fail "left in TMPDIR: $(ls -A "$TMPDIR")"
pod run --rm localhost/app:cs-min >"$T/cs.out" 2>&1 || { cat "$T/cs.out"; fail "podman run localhost/app:cs-min"; }
assert_eq "$(cat "$T/orig.out")" "$(cat "$T/cs.out")" "podman run of the image raison put in its store"

# A registry that is not there: one line naming the reference, exit 3, nothing left.
rz shrink "docker://127.0.0.1:1/nothing:1" -o "oci:$T/x" --tls-verify=false
expect_rc 3 "shrink from a registry that does not answer"
[ "$(wc -l <"$T/err")" = 1 ] || { cat "$T/err"; fail "more than one line"; }
assert_grep "$T/err" "^raison: docker://127.0.0.1:1/nothing:1: skopeo copy failed: .*127.0.0.1:1"
[ -z "$(ls -A "$TMPDIR")" ] || fail "left in TMPDIR after a failure: $(ls -A "$TMPDIR")"
echo PASS

#!/usr/bin/env bash
# Transports through skopeo, the file and daemon kinds: an `oci-archive:` in, an `oci-archive:` out
# (re-read by skopeo, unpacked by umoci, its entrypoint run: it answers as the original), and the same
# against a private dockerd (its own data root and socket under $T, no network, vfs): `docker-daemon:`
# in and out, the shrunk image read back from the daemon and run. The config keeps its meaning.
source "$(dirname "$0")/lib.sh"
need_root
need_tool skopeo
need_tool dockerd
private_tmpdir
IMG=$(debian_image)
WANT="fetched /hello ok=True tls_verify=True at 2024-01-01T12:00:00+01:00"

# run_oci LAYOUT TAG: unpack with umoci (every digest checked) and run the entrypoint chrooted.
run_oci() {
  rm -rf "$T/bundle"
  umoci unpack --image "$1:$2" "$T/bundle" >/dev/null 2>"$T/umoci.err" || { cat "$T/umoci.err"; fail "umoci unpack $1:$2"; }
  run_bundle "$T/bundle"
  [ "$RUN_RC" = 0 ] || { cat "$T/run"; fail "the entrypoint of $1:$2 exited $RUN_RC"; }
}
cfg() { python3 -c 'import json,sys; c=json.load(sys.stdin)["config"]; print(json.dumps([c.get(k) for k in ("Entrypoint","Cmd","Env","WorkingDir")]))'; }
orig_cfg=$(cfg <"$(oci_blob "$IMG" bookworm config)")

# oci-archive: in and out.
skopeo copy -q "oci:$IMG:bookworm" "oci-archive:$T/in.tar:app" 2>"$T/sk.err" || { cat "$T/sk.err"; fail "making the oci-archive"; }
rz shrink "oci-archive:$T/in.tar" -o "oci-archive:$T/out.tar:app-min"
expect_rc 0 "shrink oci-archive: -o oci-archive:"
[ -z "$(ls -A "$TMPDIR")" ] || fail "left in TMPDIR: $(ls -A "$TMPDIR")"
[ -f "$T/out.tar.manifest.json" ] || fail "no manifest beside the oci-archive"
skopeo copy -q "oci-archive:$T/out.tar:app-min" "oci:$T/back:x" 2>"$T/sk.err" || { cat "$T/sk.err"; fail "skopeo reading the output archive"; }
run_oci "$T/back" x
assert_eq "$WANT" "$(cat "$T/run")" "the oci-archive output's entrypoint"
assert_eq "$orig_cfg" "$(cfg <"$(oci_blob "$T/back" x config)")" "Entrypoint, Cmd, Env, WorkingDir of the oci-archive output"
# An existing archive is not replaced without --force.
rz shrink "oci-archive:$T/in.tar" -o "oci-archive:$T/out.tar:app-min"
expect_rc 3 "shrink onto an existing oci-archive"
assert_grep "$T/err" "out.tar: exists \(use --force to replace it\)"

# A private dockerd: its data root and socket under $T, no iptables, no bridge, vfs.
# Its own TMPDIR: containerd may drop a stacks log there, and the test's TMPDIR is checked for raison's.
SOCK=$T/docker.sock
mkdir -p "$T/docker-tmp"
TMPDIR=$T/docker-tmp dockerd --data-root "$T/docker" --exec-root "$T/docker-exec" --pidfile "$T/docker.pid" -H "unix://$SOCK" \
  --iptables=false --ip6tables=false --bridge=none --storage-driver=vfs >"$T/dockerd.log" 2>&1 & DOCKERD=$!
trap 'kill $DOCKERD 2>/dev/null || true; wait $DOCKERD 2>/dev/null || true; rm -rf "$T"' EXIT
for _ in $(seq 150); do [ -S "$SOCK" ] && docker -H "unix://$SOCK" version >/dev/null 2>&1 && break; sleep 0.1; done
docker -H "unix://$SOCK" version >/dev/null 2>&1 || { tail -20 "$T/dockerd.log"; fail "the private dockerd did not start"; }
skopeo copy -q --dest-daemon-host "unix://$SOCK" "oci:$IMG:bookworm" docker-daemon:app:1 2>"$T/sk.err" || { cat "$T/sk.err"; fail "loading the image into dockerd"; }
rz shrink docker-daemon:app:1 -o docker-daemon:app:1-min --daemon-host "unix://$SOCK"
expect_rc 0 "shrink docker-daemon: -o docker-daemon:"
[ -z "$(ls -A "$TMPDIR")" ] || fail "left in TMPDIR: $(ls -A "$TMPDIR")"
docker -H "unix://$SOCK" image inspect app:1-min >/dev/null || fail "app:1-min is not in the daemon"
skopeo copy -q --src-daemon-host "unix://$SOCK" docker-daemon:app:1-min "oci:$T/fromd:x" 2>"$T/sk.err" || { cat "$T/sk.err"; fail "reading app:1-min back from dockerd"; }
run_oci "$T/fromd" x
assert_eq "$WANT" "$(cat "$T/run")" "the docker-daemon output's entrypoint"
assert_eq "$orig_cfg" "$(cfg <"$(oci_blob "$T/fromd" x config)")" "Entrypoint, Cmd, Env, WorkingDir of the docker-daemon output"
echo PASS

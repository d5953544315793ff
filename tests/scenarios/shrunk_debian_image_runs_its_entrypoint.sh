#!/usr/bin/env bash
# A real Debian image (python3 app as its entrypoint) shrunk by `raison shrink` to an OCI layout and to a
# docker-archive still runs its entrypoint: unpacked by umoci (the strictest validator) and chrooted,
# re-read by skopeo, and run by podman from the archive. The result is a fraction of the original,
# every file of the manifest names the layer it came from, and the archive's config is named by its hash.
source "$(dirname "$0")/lib.sh"
need_root
need_tool skopeo
private_tmpdir
IMG=$(debian_image)
WANT="fetched /hello ok=True tls_verify=True at 2024-01-01T12:00:00+01:00"

# The two shrinks run side by side (two cores): each unpacks the image into its own staging directory.
"$RAISON" shrink "oci:$IMG:bookworm" -o "oci:$T/small:small" -v >"$T/oci.out" 2>"$T/oci.err" & p1=$!
"$RAISON" shrink "oci:$IMG:bookworm" -o "docker-archive:$T/small.tar:raison/small:v1" >"$T/da.out" 2>"$T/da.err" & p2=$!
rc1=0; wait $p1 || rc1=$?
rc2=0; wait $p2 || rc2=$?
[ "$rc1" = 0 ] || { cat "$T/oci.err"; fail "shrink to oci: exit $rc1"; }
[ "$rc2" = 0 ] || { cat "$T/da.err"; fail "shrink to docker-archive: exit $rc2"; }
assert_grep "$T/oci.err" '^raison: kept [0-9]+ of [0-9]+ files'
# Lazy unpacking: most files never reached the staging directory, and the kept ones among them were
# read again in one pass over the one layer (not one pass per file).
line=$(grep '^raison: unpacking: ' "$T/oci.err") || fail "no unpacking line"
note "$line"
[[ $line =~ ^raison:\ unpacking:\ ([0-9]+)\ files.*\;\ ([0-9]+)\ read\ again,\ in\ 1\ pass\ over ]] || fail "not one pass: $line"
[ "${BASH_REMATCH[1]}" -gt 3000 ] || fail "only ${BASH_REMATCH[1]} files stayed in the layer"
[ "${BASH_REMATCH[2]}" -gt 0 ] || fail "no kept file was read from the layer again"
[ -z "$(ls -A "$TMPDIR")" ] || fail "staging left in TMPDIR: $(ls -A "$TMPDIR")"

# umoci unpack checks every digest, size, media type and diff_id; the entrypoint runs in the rootfs.
umoci unpack --image "$T/small:small" "$T/b1" >/dev/null 2>"$T/umoci.err" || { cat "$T/umoci.err"; fail "umoci unpack of the OCI output"; }
run_bundle "$T/b1"
[ "$RUN_RC" = 0 ] || { cat "$T/run"; fail "the OCI output's entrypoint exited $RUN_RC"; }
assert_eq "$WANT" "$(cat "$T/run")" "output of the OCI output's entrypoint"
assert_eq '["/usr/bin/python3","/app/fetch.py"]' "$(python3 -c 'import json,sys; print(json.dumps(json.load(open(sys.argv[1]))["process"]["args"], separators=(",", ":")))' "$T/b1/config.json")" \
  "entrypoint + cmd kept in the config"

# skopeo re-reads every blob of both outputs; the copy of the archive must unpack and run too.
skopeo copy -q "oci:$T/small:small" "oci:$T/copy1:x" 2>"$T/sk.err" || { cat "$T/sk.err"; fail "skopeo copy of the OCI output"; }
skopeo copy -q "docker-archive:$T/small.tar" "oci:$T/copy2:x" 2>"$T/sk.err" || { cat "$T/sk.err"; fail "skopeo copy from the docker-archive"; }
umoci unpack --image "$T/copy2:x" "$T/b2" >/dev/null 2>"$T/umoci.err" || { cat "$T/umoci.err"; fail "umoci unpack of the docker-archive (via skopeo)"; }
run_bundle "$T/b2"
[ "$RUN_RC" = 0 ] || { cat "$T/run"; fail "the docker-archive's entrypoint exited $RUN_RC"; }
assert_eq "$WANT" "$(cat "$T/run")" "output of the docker-archive's entrypoint (chroot)"

# Nobody checks that a docker-archive's config member is named by its own sha256: check it here.
cfg=$(tar -xOf "$T/small.tar" manifest.json | python3 -c 'import json,sys; m=json.load(sys.stdin); assert len(m) == 1; print(m[0]["Config"]); print(" ".join(m[0]["RepoTags"]))')
name=$(sed -n 1p <<<"$cfg")
assert_eq "raison/small:v1" "$(sed -n 2p <<<"$cfg")" "RepoTags of the docker-archive"
hash=$(tar -xOf "$T/small.tar" "$name" | sha256sum | cut -c1-64)
case "$name" in "$hash.json"|"blobs/sha256/$hash"|"$hash") ;; *) fail "docker-archive config $name hashes to $hash";; esac

# A real engine loads the archive and runs its entrypoint.
pod load -q -i "$T/small.tar" >"$T/pod.out" 2>&1 || { cat "$T/pod.out"; fail "podman load"; }
pod run --rm raison/small:v1 >"$T/pod.out" 2>&1 || { cat "$T/pod.out"; fail "podman run raison/small:v1"; }
assert_eq "$WANT" "$(cat "$T/pod.out")" "output of podman run raison/small:v1"

# Much smaller: regular-file bytes of the shrunk layer against the original's (read by tar, not raison).
layer_bytes() { tar -tvzf "$1" | awk '$1 ~ /^-/ { s += $3 } END { print s + 0 }'; }
orig=$(layer_bytes "$(oci_blob "$IMG" bookworm 0)")
small=$(layer_bytes "$(oci_blob "$T/small" small 0)")
note "regular-file bytes: original $orig, shrunk $small"
[ "$orig" -gt 100000000 ] || fail "the original image holds only $orig bytes"
[ $((small * 4)) -lt "$orig" ] || fail "shrunk to $small of $orig bytes, not under 25%"

# The manifest gives every path the diff_id of the layer it came from, one of the source image's.
python3 - "$T/small.manifest.json" "$(oci_blob "$IMG" bookworm config)" <<'PY' || fail "manifest layers"
import json, sys
m, cfg = json.load(open(sys.argv[1])), json.load(open(sys.argv[2]))
diff_ids = set(cfg['rootfs']['diff_ids'])
files = m['files']
assert len(files) > 1000, len(files)
bad = [f['path'] for f in files if f.get('layer') not in diff_ids]
assert not bad, f'{len(bad)} paths without a layer of the source, e.g. {bad[:5]}'
paths = {f['path'] for f in files}
assert {'/usr/bin/python3', '/app/fetch.py'} <= paths, 'entrypoint and app in the manifest'
PY
[ -f "$T/small.tar.manifest.json" ] || fail "no manifest beside the docker-archive"
echo PASS

#!/usr/bin/env bash
# raison's own image (samples/make-raison-image.sh: a bookworm image with raison installed, shrunk by
# raison with raison as its Entrypoint) runs under podman: `podman run IMAGE shrink oci:/in:bookworm -o
# oci:/out/min` on the bookworm test image mounted read-only writes an image that umoci unpacks (the
# strictest validator: digests, sizes, diff_ids) and whose app runs as the original's does. The shrunk
# raison image is much smaller than the image it was shrunk from, and its size is printed.
source "$(dirname "$0")/lib.sh"
need_root
need_tool umoci
need_tool podman
private_tmpdir
IMG=$(debian_image)
build=$(dirname "$RAISON")
while [ "$build" != / ] && [ ! -f "$build/build.ninja" ]; do build=$(dirname "$build"); done

timeout 900 bash "$TESTS_DIR/../samples/make-raison-image.sh" "$T/raison-img" "$PY_ROOT_CACHE" "$build" >"$T/make.log" 2>&1 ||
  { cat "$T/make.log" >&2; fail "make-raison-image.sh"; }
cat "$T/make.log" >&2
full=$(sed -n 's/^the image with raison installed: \([0-9]*\) bytes.*/\1/p' "$T/make.log")
small=$(sed -n 's/.*shrunk by raison: \([0-9]*\) bytes.*/\1/p' "$T/make.log")
[ -n "$full" ] && [ -n "$small" ] || fail "make-raison-image.sh printed no sizes"
# Both images hold raison itself (as meson install --strip lays it out, gzipped in the layer): what the
# shrink dropped is measured without it. (3 MB for a plain build; CI's, with ASan and UBSan, is ~40 MB.)
strip -o "$T/raison.stripped" "$RAISON"
own=$(gzip -c "$T/raison.stripped" | wc -c)
note "layers: $full bytes with raison installed, $small shrunk; raison itself about $own"
[ $((small - own)) -lt $(((full - own) / 4)) ] \
  || fail "raison's image is $small bytes, not under a quarter of the $full bytes it was shrunk from (raison's own $own bytes left out of both)"

# Under podman (private store, vfs, runc): raison --version, then a shrink of the test image.
# podman names an oci: image after its path, which must be lowercase: a link with such a name.
link=/tmp/raison-own-image.$$
ln -sfn "$T/raison-img" "$link"
trap 'rm -f "$link"; rm -rf "$T"' EXIT
pod pull -q "oci:$link:latest" >"$T/id" 2>"$T/pull.err" || { cat "$T/pull.err" >&2; fail "podman pull of raison's image"; }
id=$(tail -1 "$T/id")
pod run --rm "$id" --version >"$T/version" 2>&1 || { cat "$T/version" >&2; fail "podman run raison --version"; }
grep -q '^raison [0-9]' "$T/version" || fail "raison --version in its image: $(cat "$T/version")"
mkdir -p "$T/podout"
pod run --rm -v "$IMG:/in:ro" -v "$T/podout:/out" "$id" shrink oci:/in:bookworm -o oci:/out/min >"$T/run" 2>&1 ||
  { cat "$T/run" >&2; fail "podman run raison shrink oci:/in:bookworm -o oci:/out/min"; }
cat "$T/run" >&2
grep -q '^raison: kept [0-9]* of [0-9]* files' "$T/run" || fail "no footprint line from the shrink in the container"
[ -f "$T/podout/min.manifest.json" ] || fail "no manifest beside the output"
umoci unpack --image "$T/podout/min:latest" "$T/bundle" >"$T/umoci.log" 2>&1 || { cat "$T/umoci.log" >&2; fail "umoci unpack of the image raison's container wrote"; }
# The shrunk app runs as the original does (it serves a page on 127.0.0.1 and fetches it).
run_bundle "$T/bundle"
[ "$RUN_RC" = 0 ] && grep -q 'fetched /hello ok=True' "$T/run" || { cat "$T/run" >&2; fail "the app of the image shrunk in the container does not run"; }
# The same closure as raison outside the container computes.
rz shrink "oci:$IMG:bookworm" -o "oci:$T/host:latest"
expect_rc 0 "shrink on the host"
diff <(jq -r '.files[].path' "$T/host.manifest.json") <(jq -r '.files[].path' "$T/podout/min.manifest.json") >&2 ||
  fail "the image shrunk in the container keeps other paths than the host's shrink"
note "raison's own image: $small bytes of layers (shrunk from $full)"
echo PASS

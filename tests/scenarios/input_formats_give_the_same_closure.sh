#!/usr/bin/env bash
# One small root given in every input format raison reads gives the same closure: the directory, a
# plain tar, a tar.gz, a tar.zst, an OCI layout of two layers whose second one removes libraries of
# the first (a whiteout and an opaque directory), and a docker-archive skopeo made from that layout.
# The whiteouts decide which library the loader finds, so a layout read without them lists others.
source "$(dirname "$0")/lib.sh"
need_tool zstd
private_tmpdir
# /usr/bin/x needs libdep.so.1 and libdep2.so.1 through RUNPATH $ORIGIN/../lib:/opt/lib:/srv/lib.
# Flat root: libdep in /opt/lib, libdep2 in /srv/lib, nothing in /usr/lib.
cc_so "$B/libdep.so.1" libdep.so.1 "$(lib_src dep good)"
cc_so "$B/libdep2.so.1" libdep2.so.1 "$(lib_src dep2 good2)"
cc_so "$B/shadow/libdep.so.1" libdep.so.1 "$(lib_src dep shadow)"
cc_so "$B/shadow/libdep2.so.1" libdep2.so.1 "$(lib_src dep2 shadow2)"
R=$T/root; make_root "$R"
cc_exe "$R/usr/bin/x" "$(main_src dep dep2)" "$B/libdep.so.1" "$B/libdep2.so.1" -Wl,--enable-new-dtags \
  -Wl,-rpath,'$ORIGIN/../lib:/opt/lib:/srv/lib'
has_tag "$R/usr/bin/x" RUNPATH
mkdir -p "$R/opt/lib" "$R/srv/lib"
cp "$B/libdep.so.1" "$R/opt/lib/"; cp "$B/libdep2.so.1" "$R/srv/lib/"
if [ "$(id -u)" = 0 ]; then expect_run "$R" "$(lines good good2)" /bin/x; fi

# Layer 1: the root with shadowing copies in /usr/lib and /opt/lib (which the loader would find first);
# layer 2: a whiteout of /usr/lib/libdep.so.1, /opt/lib made opaque, the right libraries.
L1=$T/l1; L2=$T/l2
cp -a "$R" "$L1"; rm -rf "$L1/opt" "$L1/srv"
mkdir -p "$L1/opt/lib"
cp "$B/shadow/libdep.so.1" "$L1/usr/lib/libdep.so.1"; cp "$B/shadow/libdep2.so.1" "$L1/opt/lib/libdep2.so.1"
mkdir -p "$L2/usr/lib" "$L2/opt/lib" "$L2/srv/lib"
: >"$L2/usr/lib/.wh.libdep.so.1"; : >"$L2/opt/lib/.wh..wh..opq"
cp "$B/libdep.so.1" "$L2/opt/lib/"; cp "$B/libdep2.so.1" "$L2/srv/lib/"
if [ "$(id -u)" = 0 ]; then expect_run "$L1" "$(lines shadow shadow2)" /bin/x; fi  # the shadows do shadow
tar -C "$L1" -cf "$T/l1.tar" . && tar -C "$L2" -cf "$T/l2.tar" . || fail "cannot pack the layers"
make_oci "$T/oci" v1 '{"Entrypoint": ["/bin/x"]}' "$T/l1.tar" "$T/l2.tar"

tar -C "$R" -cf "$T/root.tar" . || fail "cannot pack the root"
gzip -c "$T/root.tar" >"$T/root.tar.gz"
zstd -q -c "$T/root.tar" >"$T/root.tar.zst"
inputs=("$R" "$T/root.tar" "$T/root.tar.gz" "$T/root.tar.zst" "oci:$T/oci:v1")
if command -v skopeo >/dev/null; then
  skopeo copy -q "oci:$T/oci:v1" "docker-archive:$T/image.tar:raison/layers:v1" 2>"$T/sk.err" \
    || { cat "$T/sk.err"; fail "skopeo copy to a docker-archive"; }
  inputs+=("docker-archive:$T/image.tar" "$T/image.tar")
elif [ -n "${CI:-}" ]; then
  fail "skopeo is missing"
fi

rz closure "$R" --seed /bin/x --list
expect_rc 0 "closure of the directory"
want=$(cat "$T/out")
for p in /opt/lib/libdep.so.1 /srv/lib/libdep2.so.1 /usr/bin/x "$LIBC" "$LDSO"; do
  assert_has "$T/out" "$p"
done
# Without its second layer, the image's closure takes the shadows: the whiteouts matter.
rz closure "$L1" --seed /bin/x --list
assert_has "$T/out" /usr/lib/libdep.so.1
assert_has "$T/out" /opt/lib/libdep2.so.1
for input in "${inputs[@]:1}"; do
  rz closure "$input" --seed /bin/x --list
  expect_rc 0 "closure of $input"
  assert_eq "$want" "$(cat "$T/out")" "closure of $input against the directory's"
done
[ -z "$(ls -A "$TMPDIR")" ] || fail "staging left in TMPDIR: $(ls -A "$TMPDIR")"
echo PASS

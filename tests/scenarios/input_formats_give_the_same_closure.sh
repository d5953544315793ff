#!/usr/bin/env bash
# One small root given in every input format raison reads gives the closure glibc's own loader gives:
# the directory, a plain tar, a tar.gz and a tar.zst of it; an OCI layout of two layers whose second
# one removes libraries of the first (a whiteout and an opaque directory), and a docker-archive skopeo
# made from that layout. The expected answers come from outside raison: the objects the loader maps
# (ld.so under chroot) in the directory, and in the tree umoci unpacks from the layout; and the whole
# tree raison extracts from each input (closure --keep / -o) is the directory's own tree (for the
# tars) or umoci's (for the images): types, modes, owners, sizes, sha256, link targets, hardlinks;
# and `why` and `cost` of each image (opened lazily) say what they say of umoci's tree.
source "$(dirname "$0")/lib.sh"
need_root  # the loader runs under chroot, and umoci unpacks with the image's owners only as root
need_tool zstd
need_tool xz
need_tool umoci
need_tool skopeo
private_tmpdir

# tree_meta DIR: one line per path below DIR: type, mode, owner, then the size and sha256 of a file
# and the first of its names (sorted) when it has several, or a link's target.
tree_meta() {
  /usr/bin/python3 - "$1" <<'PY'
import hashlib, os, stat, sys
top, first, paths = sys.argv[1], {}, []
for d, dirs, files in os.walk(top):
    paths += [os.path.join(d, n) for n in dirs + files]
for p in sorted(paths):
    st, rel = os.lstat(p), os.path.relpath(p, top)
    head = f"{rel} {stat.S_IMODE(st.st_mode):o} {st.st_uid}:{st.st_gid}"
    if stat.S_ISREG(st.st_mode):
        digest = hashlib.sha256(open(p, 'rb').read()).hexdigest()
        print(f"f {head} {st.st_size} {digest} first-name {first.setdefault((st.st_dev, st.st_ino), rel)}")
    elif stat.S_ISDIR(st.st_mode):
        print(f"d {head}")
    elif stat.S_ISLNK(st.st_mode):
        print(f"l {head} -> {os.readlink(p)}")
    else:
        print(f"? {head}")
PY
}

# expect_tree INPUT TREE: raison's extraction of INPUT, every path kept, has tree_meta TREE.
n_out=0
expect_tree() {
  n_out=$((n_out + 1))
  rz closure "$1" --seed /bin/x --keep / -o "$T/tree$n_out"
  expect_rc 0 "closure --keep / of $1"
  assert_eq "$2" "$(tree_meta "$T/tree$n_out")" "the tree raison extracts from $1"
}

# expect_loader INPUT DIR: raison's --list-loaded for /bin/x in INPUT is what ld.so maps for it in DIR.
expect_loader() {
  rz closure "$1" --seed /bin/x --list-loaded
  expect_rc 0 "closure of $1"
  agree_with_loader "$2" /bin/x
}

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
# Modes, owners and a hardlink, for the trees to compare.
chown 1000:1000 "$R/srv/lib"; chmod 0750 "$R/srv/lib"; chmod 0700 "$R/opt"
ln "$R/opt/lib/libdep.so.1" "$R/opt/lib/libdep-hard.so.1"
expect_run "$R" "$(lines good good2)" /bin/x

# Layer 1: the root with shadowing copies in /usr/lib and /opt/lib (which the loader would find first);
# layer 2: a whiteout of /usr/lib/libdep.so.1, /opt/lib made opaque, the right libraries.
L1=$T/l1; L2=$T/l2
cp -a "$R" "$L1"; rm -rf "$L1/opt" "$L1/srv"
mkdir -p "$L1/opt/lib"
cp "$B/shadow/libdep.so.1" "$L1/usr/lib/libdep.so.1"; cp "$B/shadow/libdep2.so.1" "$L1/opt/lib/libdep2.so.1"
mkdir -p "$L2/usr/lib" "$L2/opt/lib" "$L2/srv/lib"
: >"$L2/usr/lib/.wh.libdep.so.1"; : >"$L2/opt/lib/.wh..wh..opq"
cp "$B/libdep.so.1" "$L2/opt/lib/"; cp "$B/libdep2.so.1" "$L2/srv/lib/"
chown 1000:1000 "$L2/srv/lib"; chmod 0750 "$L2/srv/lib"; ln "$L2/opt/lib/libdep.so.1" "$L2/opt/lib/libdep-hard.so.1"
expect_run "$L1" "$(lines shadow shadow2)" /bin/x  # the shadows do shadow
tar -C "$L1" -cf "$T/l1.tar" . && tar -C "$L2" -cf "$T/l2.tar" . || fail "cannot pack the layers"
make_oci "$T/oci" v1 '{"Entrypoint": ["/bin/x"]}' "$T/l1.tar" "$T/l2.tar"

# The layout as umoci unpacks it: the whiteouts decide, and the loader in it finds the right copies.
umoci unpack --image "$T/oci:v1" "$T/bundle" >"$T/umoci.log" 2>&1 || { cat "$T/umoci.log"; fail "umoci unpack"; }
U=$T/bundle/rootfs
expect_run "$U" "$(lines good good2)" /bin/x
skopeo copy -q "oci:$T/oci:v1" "docker-archive:$T/image.tar:raison/layers:v1" 2>"$T/sk.err" \
  || { cat "$T/sk.err"; fail "skopeo copy to a docker-archive"; }

tar -C "$R" -cf "$T/root.tar" . || fail "cannot pack the root"
gzip -c "$T/root.tar" >"$T/root.tar.gz"
zstd -q -c "$T/root.tar" >"$T/root.tar.zst"
xz -c "$T/root.tar" >"$T/root.tar.xz"
xz --format=lzma -c "$T/root.tar" >"$T/root.tar.lzma"
xz --format=lzma -c "$T/image.tar" >"$T/image.tar.lzma"  # `docker save | lzma`: decompressed whole first

want_root=$(tree_meta "$R"); want_image=$(tree_meta "$U")
for input in "$R" "$T/root.tar" "$T/root.tar.gz" "$T/root.tar.zst" "$T/root.tar.xz" "$T/root.tar.lzma"; do
  expect_loader "$input" "$R"
  [ "$input" = "$R" ] || expect_tree "$input" "$want_root"
done
# why_and_cost INPUT: what `why` says of a kept library, a dropped hardlink and a removed file, and
# what `cost` gives, as JSON without the source's name (why and cost open images lazily: files no
# analyzer reads stay in their layers).
why_and_cost() {
  local p
  for p in /opt/lib/libdep.so.1 /opt/lib/libdep-hard.so.1 /usr/lib/libdep.so.1; do
    rz why "$1" "$p" --seed /bin/x --json
    [ "$RC" = 0 ] || [ "$RC" = 4 ] || { show "why $p"; fail "why $1 $p: exit $RC"; }
    jq -cS 'del(.source)' "$T/out"
  done
  rz cost "$1" --seed /bin/x --json --top 0
  expect_rc 0 "cost $1"
  jq -cS 'del(.source)' "$T/out"
}
want_why=$(why_and_cost "$U")
for input in "oci:$T/oci:v1" "docker-archive:$T/image.tar" "$T/image.tar" "$T/image.tar.lzma"; do
  expect_loader "$input" "$U"
  expect_tree "$input" "$want_image"
  assert_eq "$want_why" "$(why_and_cost "$input")" "why and cost of $input as of the tree umoci unpacks"
done
# The answers compared are answers: the library is kept, the hardlink dropped, the removed file absent.
assert_eq 'true false false' "$(head -3 <<<"$want_why" | jq -rs 'map(.kept | tostring) | join(" ")')" "kept, as why says"
assert_eq 'true true false' "$(head -3 <<<"$want_why" | jq -rs 'map(.exists | tostring) | join(" ")')" "exists, as why says"
# Without its second layer the image's closure takes the shadows, as the loader does there.
expect_loader "$L1" "$L1"
assert_has "$T/out" "$(printf '/usr/bin/x\t/usr/lib/libdep.so.1')"
[ -z "$(ls -A "$TMPDIR")" ] || fail "staging left in TMPDIR: $(ls -A "$TMPDIR")"
echo PASS

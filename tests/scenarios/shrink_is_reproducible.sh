#!/usr/bin/env bash
# Two shrinks of the same image give byte-identical outputs, an OCI layout tree and a docker-archive,
# also with SOURCE_DATE_EPOCH set (which stamps every entry, config and history); another
# SOURCE_DATE_EPOCH gives other bytes. Input: a small two-layer image (hardlinks, symlinks, modes, a
# whiteout) made here, and the real Debian image for one pair of runs side by side.
source "$(dirname "$0")/lib.sh"
private_tmpdir
R=$T/root; make_root "$R"
cc_exe "$R/usr/bin/prog" "$(main_src)"
ln "$R/usr/bin/prog" "$R/usr/bin/prog-again"
mkdir -p "$R/usr/share/app/conf.d"
echo one >"$R/usr/share/app/conf.d/a.conf"; echo two >"$R/usr/share/app/conf.d/b.conf"
chmod 0640 "$R/usr/share/app/conf.d/b.conf"
ln -s conf.d/a.conf "$R/usr/share/app/default.conf"
echo old >"$R/usr/share/app/stale.conf"
# Files created in an order other than their names' (readdir order must not leak into the output).
for f in m z a q; do echo "$f" >"$R/usr/share/app/$f.dat"; done
touch -d '2001-02-03 04:05:06' "$R/usr/share/app/a.dat"
tar -C "$R" -cf "$T/l1.tar" .
python3 - "$T/l2.tar" <<'PY'
import io, sys, tarfile
with tarfile.open(sys.argv[1], 'w', format=tarfile.PAX_FORMAT) as t:
    for name, data in [('usr/share/app/.wh.stale.conf', b''), ('usr/share/app/late.conf', b'late\n')]:
        i = tarfile.TarInfo(name); i.size = len(data); i.mtime = 1234567890; i.uid = 1000; i.gid = 1000
        t.addfile(i, io.BytesIO(data))
PY
make_oci "$T/img" v1 '{"Entrypoint": ["/usr/bin/prog"], "Cmd": ["/usr/bin/prog-again", "/usr/share/app/default.conf", "/usr/share/app/late.conf", "/usr/share/app/m.dat", "/usr/share/app/a.dat", "/usr/share/app/z.dat"], "Env": ["PATH=/usr/bin:/bin"]}' "$T/l1.tar" "$T/l2.tar"

# shrink_to NAME [VAR=VALUE...]: shrinks the image to $T/NAME (an OCI layout) and $T/NAME.tar (a
# docker-archive), each in its own run, with the environment given.
shrink_to() {
  local name=$1; shift
  env "$@" "$RAISON" shrink "oci:$T/img:v1" -o "oci:$T/$name:small" -q >"$T/out" 2>"$T/err" || { cat "$T/err"; fail "shrink to oci ($name)"; }
  env "$@" "$RAISON" shrink "oci:$T/img:v1" -o "docker-archive:$T/$name.tar:raison/small:v1" -q >"$T/out" 2>"$T/err" \
    || { cat "$T/err"; fail "shrink to docker-archive ($name)"; }
}
# same A B WHAT: the OCI trees, the docker-archives and the manifests of runs A and B are identical.
same() {
  assert_eq "$(tree_digest "$T/$1")" "$(tree_digest "$T/$2")" "OCI layouts of $3"
  cmp "$T/$1.tar" "$T/$2.tar" || fail "docker-archives of $3 differ"
  cmp "$T/$1.manifest.json" "$T/$2.manifest.json" || fail "manifests of $3 differ"
}
shrink_to a SOURCE_DATE_EPOCH=
shrink_to b SOURCE_DATE_EPOCH=
same a b "two runs"
# The output holds what the check is about: the hardlink, the symlink, the whiteout applied.
tar -tvf "$T/a.tar" >/dev/null || fail "the docker-archive is not a tar"
layer=$(oci_blob "$T/a" small 0)
TZ=UTC tar -tvzf "$layer" >"$T/layer.list" 2>/dev/null
assert_grep "$T/layer.list" '^h.* usr/bin/prog(-again)? link to usr/bin/prog(-again)?$'
assert_grep "$T/layer.list" '^l.* usr/share/app/default.conf -> conf.d/a.conf$'
assert_grep "$T/layer.list" ' usr/share/app/late.conf$'
! grep -q stale "$T/layer.list" || fail "the whited-out file is in the output"
assert_grep "$T/layer.list" ' 1970-01-01 00:00 usr/bin/prog$'

shrink_to c SOURCE_DATE_EPOCH=1700000000
shrink_to d SOURCE_DATE_EPOCH=1700000000
same c d "two runs with SOURCE_DATE_EPOCH=1700000000"
TZ=UTC tar -tvzf "$(oci_blob "$T/c" small 0)" >"$T/layer.list" 2>/dev/null
assert_grep "$T/layer.list" ' 2023-11-14 22:13 usr/bin/prog$'  # 1700000000
shrink_to e SOURCE_DATE_EPOCH=1700000001
cmp -s "$T/c.tar" "$T/e.tar" && fail "another SOURCE_DATE_EPOCH gave the same docker-archive"
[ "$(tree_digest "$T/c")" != "$(tree_digest "$T/e")" ] || fail "another SOURCE_DATE_EPOCH gave the same OCI layout"
cmp -s "$T/a.tar" "$T/c.tar" && fail "SOURCE_DATE_EPOCH changed nothing"

# The real Debian image (thousands of files, hardlinks, one big layer): two runs side by side.
IMG=$(debian_image)
for n in 1 2; do
  SOURCE_DATE_EPOCH=1700000000 "$RAISON" shrink "oci:$IMG:bookworm" -o "oci:$T/deb$n:small" -q >/dev/null 2>"$T/deb$n.err" &
done
rc=0; wait -n || rc=$?; wait -n || rc=$?
[ "$rc" = 0 ] || { cat "$T"/deb*.err; fail "shrink of the Debian image"; }
assert_eq "$(tree_digest "$T/deb1")" "$(tree_digest "$T/deb2")" "OCI layouts of two shrinks of the Debian image"
cmp "$T/deb1.manifest.json" "$T/deb2.manifest.json" || fail "manifests of two shrinks of the Debian image differ"
[ -z "$(ls -A "$TMPDIR")" ] || fail "staging left in TMPDIR: $(ls -A "$TMPDIR")"
echo PASS

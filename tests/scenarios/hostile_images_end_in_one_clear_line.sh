#!/usr/bin/env bash
# Hostile archives end in one clear line, and nothing escapes: each archive below (crafted here with
# python's tarfile) is given to raison as a rootfs tar (`closure`) and as the layer of an OCI image
# (`shrink`), and damaged OCI layouts are given to `shrink`. A refused input exits 3 with exactly one
# "raison: " line naming the entry or blob and the cause, and leaves no output; a link that points
# outside is resolved inside the root (exit 0, the file lands inside); a device node is a note.
# Always: the sentinel directory beside the image stays empty and TMPDIR holds no staging directory.
source "$(dirname "$0")/lib.sh"
private_tmpdir
W=$T/w               # the images, and the outputs
S=$W/sentinel        # what a hostile entry would reach
mkdir -p "$W" "$S"

python3 - "$W" "$S" <<'PY' || fail "cannot craft the archives"
import gzip, io, sys, tarfile
out, sentinel = sys.argv[1], sys.argv[2]
def tar(name, entries):
    with tarfile.open(f'{out}/{name}.tar', 'w', format=tarfile.GNU_FORMAT) as t:
        for path, kind, arg in [('x', 'file', b'seed\n')] + entries:
            i = tarfile.TarInfo(path)
            if kind == 'file':
                i.size = len(arg); t.addfile(i, io.BytesIO(arg)); continue
            if kind == 'sym': i.type, i.linkname = tarfile.SYMTYPE, arg
            if kind == 'hard': i.type, i.linkname = tarfile.LNKTYPE, arg
            if kind == 'chr': i.type, i.devmajor, i.devminor = tarfile.CHRTYPE, 1, 3
            t.addfile(i)
tar('dotdot', [('../escaped', 'file', b'pwned\n')])
tar('abs-symlink', [('link', 'sym', sentinel), ('link/pwned', 'file', b'pwned\n')])
tar('rel-symlink', [('up', 'sym', '../' * 40 + sentinel.lstrip('/')), ('up/pwned2', 'file', b'pwned\n')])
tar('hardlink-out', [('h', 'hard', '../outside')])
tar('whiteout-up', [('../.wh.x', 'file', b'')])
tar('whiteout-dotdot', [('.wh...', 'file', b'')])
tar('device', [('dev/null', 'chr', None)])
# A gzip bomb: a tar of one 1 GiB file of zeros, as 1,024 identical gzip members of 1 MiB each (a
# valid gzip file; ~1 MB stored), so that making it takes milliseconds.
h = tarfile.TarInfo('zeros'); h.size = 1 << 30
mib = gzip.compress(bytes(1 << 20), 9, mtime=0)
with open(f'{out}/bomb.tar.gz', 'wb') as f:
    f.write(gzip.compress(h.tobuf(format=tarfile.GNU_FORMAT), mtime=0) + mib * 1024 + gzip.compress(bytes(10240), mtime=0))
PY

# check_clean WHAT: nothing outside the outputs: the sentinel is empty, TMPDIR holds nothing, and the
# image directory holds only the inputs (and outputs where raison succeeded).
check_clean() {
  [ -z "$(ls -A "$S")" ] || fail "$1: written into the sentinel directory: $(ls -A "$S")"
  [ -z "$(ls -A "$TMPDIR")" ] || fail "$1: left in TMPDIR: $(ls -A "$TMPDIR")"
  [ ! -e "$W/escaped" ] && [ ! -e "$T/escaped" ] && [ ! -e "$W/outside" ] || fail "$1: an entry escaped"
}
# refused WHAT REGEX: the last run exited 3 with exactly one stderr line, a "raison: " line matching
# REGEX, and left no output.
refused() {
  expect_rc 3 "$1"
  [ "$(wc -l <"$T/err")" = 1 ] || { show "$1"; fail "$1: not exactly one line on stderr"; }
  assert_grep "$T/err" "^raison: .*$2"
  [ ! -e "$W/out" ] && [ ! -e "$W/out.manifest.json" ] || fail "$1: an output was left"
  check_clean "$1"
}
# as_tar NAME / as_oci NAME: raison on the archive as a rootfs tar, then as an OCI image's only layer.
as_tar() { rz closure "$W/$1" --seed /x -o "$W/out" -v; }
as_oci() {
  rm -rf "$W/img"
  make_oci "$W/img" v1 '{"Entrypoint": ["/x"]}' "$W/$1"
  rz shrink "oci:$W/img:v1" -o "oci:$W/out:v1" -v
}
clear_out() { rm -rf "$W/out" "$W/out.manifest.json" "$W/img"; }

for run in as_tar as_oci; do
  $run dotdot.tar;          refused "$run ..: " "entry \.\./escaped: '\.\.' component"
  $run hardlink-out.tar;    refused "$run hardlink to ../outside" "entry h: hardlink target \.\./outside: '\.\.' component"
  $run whiteout-up.tar;     refused "$run whiteout ../.wh.x" "entry \.\./\.wh\.x: '\.\.' component"
  $run whiteout-dotdot.tar; refused "$run whiteout of .." "entry \.wh\.\.\.: whiteout of '\.\.'"
  $run bomb.tar.gz;         refused "$run gzip bomb" "entry zeros: decompresses to more than [0-9]+ times its stored size .*bomb"
  clear_out

  # Links that point outside are followed inside the root: the file lands under the output.
  for name in abs-symlink rel-symlink; do
    $run $name.tar
    expect_rc 0 "$run $name"
    [ -z "$(error_lines)" ] || { show "$run $name"; fail "$run $name: error lines"; }
    check_clean "$run $name"
    clear_out
  done
  rz closure "$W/abs-symlink.tar" --seed /x --seed /link/pwned --list
  expect_rc 0 "closure through the absolute link"
  assert_has "$T/out" "$S/pwned"
  rz closure "$W/rel-symlink.tar" --seed /x --seed /up/pwned2 --list
  expect_rc 0 "closure through the climbing link"
  assert_has "$T/out" "$S/pwned2"
  check_clean "the links' closures"

  # A device node is not extracted: one note naming it, and the rest is shrunk.
  $run device.tar
  expect_rc 0 "$run device node"
  [ "$(grep -c '^raison: note: ' "$T/err")" = 1 ] || { show "$run device"; fail "$run device: not one note"; }
  assert_grep "$T/err" "^raison: note: .*dev/null: character device not extracted"
  [ -z "$(error_lines)" ] || { show "$run device"; fail "$run device: error lines"; }
  check_clean "$run device"
  clear_out
done

# A layout whose layer blob does not match its digest: a byte of the gzip header (still valid gzip,
# so only the digest can tell), then a byte of the compressed data.
make_oci "$W/img" v1 '{"Entrypoint": ["/x"]}' "$W/device.tar"
layer=$(oci_blob "$W/img" v1 0); digest=sha256:$(basename "$layer")
cp "$layer" "$T/layer.orig"
printf '\x07' | dd of="$layer" bs=1 seek=9 conv=notrunc 2>/dev/null
rz shrink "oci:$W/img:v1" -o "oci:$W/out:v1"
refused "tampered gzip header" "$digest.*hashes to sha256:[0-9a-f]{64}"
cp "$T/layer.orig" "$layer"
python3 -c 'import sys; p = sys.argv[1]; b = bytearray(open(p, "rb").read()); b[40] ^= 1; open(p, "wb").write(b)' "$layer"
rz shrink "oci:$W/img:v1" -o "oci:$W/out:v1"
# The root cause is the digest; raison stops at the first error the stream shows (decompression).
refused "tampered compressed data" "$digest.*(hashes to sha256:[0-9a-f]{64}|decompression failed)"
rm -f "$layer"
rz shrink "oci:$W/img:v1" -o "oci:$W/out:v1"
refused "missing layer blob" "blob $digest named by layer 1 is missing"
clear_out
make_oci "$W/img" v1 '{"Entrypoint": ["/x"]}' "$W/device.tar"
config=$(oci_blob "$W/img" v1 config); rm -f "$config"
rz shrink "oci:$W/img:v1" -o "oci:$W/out:v1"
refused "missing config blob" "blob sha256:$(basename "$config") named by .* is missing"
echo PASS

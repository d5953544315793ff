#!/usr/bin/env bash
# An output raison cannot write leaves nothing half-written: for every output kind (directory, OCI
# layout, docker-archive, tar, tar.gz, tar.zst), a missing parent directory, a parent that is a file,
# and an existing non-empty output without --force each end in exit 3 and one line naming the path
# and the cause, with no output, no manifest, no temporary file beside it, the existing one untouched.
# A manifest that cannot be written (--manifest in a missing directory) leaves no image either.
source "$(dirname "$0")/lib.sh"
private_tmpdir
R=$T/root; make_root "$R"
cc_exe "$R/usr/bin/prog" "$(main_src)"
tar -C "$R" -cf "$T/l1.tar" .
make_oci "$T/img" v1 '{"Entrypoint": ["/usr/bin/prog"]}' "$T/l1.tar"
W=$T/w; mkdir -p "$W"
echo "not a directory" >"$W/file"

# refused WHAT REGEX: exit 3, one error line matching REGEX, and the work directory as it was.
refused() {
  expect_rc 3 "$1"
  [ "$(error_lines | wc -l)" = 1 ] || { show "$1"; fail "$1: not exactly one error line"; }
  assert_grep "$T/err" "^raison: .*$2"
  assert_eq "$before" "$(tree_digest "$W")" "$1: the work directory after the failed run"
  [ -z "$(ls -A "$TMPDIR")" ] || fail "$1: left in TMPDIR: $(ls -A "$TMPDIR")"
}
outputs() {  # every output kind, for the path stem $1
  echo "$1"; echo "oci:$1:v1"; echo "docker-archive:$1.tar:raison/x:v1"; echo "$1.tar"; echo "$1.tar.gz"; echo "$1.tar.zst"
}

before=$(tree_digest "$W")
while read -r out; do
  rz shrink "oci:$T/img:v1" -o "$out"
  refused "shrink -o $out (missing parent)" "$W/missing/.*No such file or directory"
  rz shrink "oci:$T/img:v1" -o "${out/missing/file}"
  refused "shrink -o ${out/missing/file} (parent is a file)" "$W/file/.*Not a directory"
done < <(outputs "$W/missing/out")
rz closure "$R" --seed /usr/bin/prog -o "$W/missing/out"
refused "closure -o (missing parent)" "$W/missing/.*No such file or directory"

# Existing outputs: a directory with a file, an OCI layout (another image), files.
mkdir -p "$W/ex" && echo precious >"$W/ex/keep"
rz shrink "oci:$T/img:v1" -o "oci:$W/ex-oci:old" -q
expect_rc 0 "first image into ex-oci"
rm -f "$W/ex-oci.manifest.json"
for f in ex.tar ex.tar.gz ex.tar.zst; do echo precious >"$W/$f"; done
before=$(tree_digest "$W")
for out in "$W/ex" "oci:$W/ex:v1" "oci:$W/ex-oci:v1" "docker-archive:$W/ex.tar:raison/x:v1" "$W/ex.tar" "$W/ex.tar.gz" "$W/ex.tar.zst"; do
  rz shrink "oci:$T/img:v1" -o "$out"
  refused "shrink -o $out (exists)" "$W/ex[^ ]*: exists"
done
rz closure "$R" --seed /usr/bin/prog -o "$W/ex"
refused "closure -o (exists)" "$W/ex: exists"

# --force replaces an existing output whole.
rz shrink "oci:$T/img:v1" -o "docker-archive:$W/ex.tar:raison/x:v1" -f -q
expect_rc 0 "shrink -f onto an existing file"
tar -xOf "$W/ex.tar" manifest.json >/dev/null || fail "--force did not write a docker-archive"

# The manifest is written after the image: when it cannot be, the image must not stay behind.
before=$(tree_digest "$W")
rz shrink "oci:$T/img:v1" -o "oci:$W/new:v1" --manifest "$W/missing/m.json" -q
refused "--manifest in a missing directory" "$W/missing/.*No such file or directory"
[ ! -e "$W/new" ] || fail "an image was left whose manifest could not be written"
echo PASS

#!/usr/bin/env bash
# A transport spec (docker://, containers-storage:, ...) with no skopeo on PATH: one line naming the
# image and the Debian package, exit 3, for an input and for an output; no transfer directory left.
source "$(dirname "$0")/lib.sh"
need_root
private_tmpdir
make_root "$T/r"
cc_exe "$T/r/usr/bin/hello" "$(main_src)"

for spec in docker://127.0.0.1:5000/app:1 containers-storage:app:1 docker-daemon:app:1 "oci-archive:$T/in.tar"; do
  RC=0; timeout "$HANG_GUARD" env PATH=/nonexistent "$RAISON" shrink "$spec" -o "oci:$T/out" >"$T/out" 2>"$T/err" || RC=$?
  expect_rc 3 "shrink $spec without skopeo"
  assert_eq "raison: $spec: skopeo not found on PATH (Debian package skopeo)" "$(cat "$T/err")" "the error of shrink $spec"
done
RC=0; timeout "$HANG_GUARD" env PATH=/nonexistent "$RAISON" closure "$T/r" -s /usr/bin/hello -o docker://127.0.0.1:5000/app:1 -q >"$T/out" 2>"$T/err" || RC=$?
expect_rc 3 "closure -o docker:// without skopeo"
assert_eq "raison: docker://127.0.0.1:5000/app:1: skopeo not found on PATH (Debian package skopeo)" "$(cat "$T/err")" "the error of -o docker://"
[ -z "$(ls -A "$TMPDIR")" ] || fail "left in TMPDIR: $(ls -A "$TMPDIR")"
echo PASS

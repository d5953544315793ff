#!/usr/bin/env bash
# Input is never followed out of its place, and nothing from an image reaches the terminal raw
# (issue 14, reproducers 8, 9, 10): an OCI blob that is a symlink (to a host tar, to a secret) or a
# device node is refused before it is read; a glob or a rules file naming ".." lists only the root
# ("/.." is "/"), never the host, and strace sees no lookup above the root; a name with a newline or
# an escape sequence, in --list, in a message or as a digest, is printed escaped on its one line.
source "$(dirname "$0")/lib.sh"
private_tmpdir
need_tool strace
W=$T/w S=$W/sentinel
mkdir -p "$W" "$S"
echo secret >"$S/host-secret"

check_clean() {
  [ "$(ls -A "$S")" = host-secret ] || fail "$1: the sentinel directory changed: $(ls -A "$S")"
  [ -z "$(ls -A "$TMPDIR")" ] || fail "$1: left in TMPDIR: $(ls -A "$TMPDIR")"
}
refused() {
  expect_rc 3 "$1"
  [ "$(wc -l <"$T/err")" = 1 ] || { show "$1"; fail "$1: not exactly one line on stderr"; }
  assert_grep "$T/err" "^raison: .*$2"
  [ ! -e "$W/out" ] || fail "$1: an output was left"
  check_clean "$1"
}

# 8. Blobs that are not files of the layout.
python3 - "$W/layer.tar" <<'PY'
import io, sys, tarfile
with tarfile.open(sys.argv[1], 'w') as t:
    i = tarfile.TarInfo('x'); i.size = 5; t.addfile(i, io.BytesIO(b'seed\n'))
PY
make_oci "$W/img" v1 '{"Entrypoint": ["/x"]}' "$W/layer.tar"
layer=$(oci_blob "$W/img" v1 0)
mv "$layer" "$S/host.tar.gz"; ln -s "$S/host.tar.gz" "$layer"
rz shrink "oci:$W/img:v1" -o "oci:$W/out:v1"
expect_rc 3 "layer blob linked to a host tar"
assert_grep "$T/err" "^raison: .*blob sha256:[0-9a-f]+ named by layer 1: [0-9a-f]+: a symlink, not a regular file"
[ "$(wc -l <"$T/err")" = 1 ] || fail "a linked blob: not one line"
rm "$layer"; mv "$S/host.tar.gz" "$layer"
config=$(oci_blob "$W/img" v1 config)
mv "$config" "$T/config.orig"; ln -s "$S/host-secret" "$config"
rz shrink "oci:$W/img:v1" -o "oci:$W/out:v1"
expect_rc 3 "config blob linked to a host secret"
assert_grep "$T/err" "a symlink, not a regular file"
grep -q "is [0-9]* bytes" "$T/err" && fail "the linked secret's size leaked: $(cat "$T/err")"
rm "$config"
if [ "$(id -u)" = 0 ]; then
  mknod "$config" c 1 3  # /dev/null where the config should be
  ASAN_OPTIONS=$ASAN_UNDER_PTRACE strace -f -qq -e trace=openat -o "$T/strace" "$RAISON" shrink "oci:$W/img:v1" -o "oci:$W/out:v1" >"$T/out" 2>"$T/err" && RC=0 || RC=$?
  expect_rc 3 "config blob a device node"
  assert_grep "$T/err" "not a regular file"
  ! grep -q "$(basename "$config")" "$T/strace" || fail "the device node was opened: $(grep "$(basename "$config")" "$T/strace")"
  rm "$config"
fi
mv "$T/config.orig" "$config"
check_clean "blobs"

# 9. Globs and rules naming "..": a directory root beside the sentinel.
R=$W/root
mkdir -p "$R/etc" "$R/bin"; echo x >"$R/bin/x"; echo conf >"$R/etc/app.conf"
for pattern in '/../*' '/../../*' '/etc/../../*' '/etc/../../w/*' '../sentinel/*'; do
  ASAN_OPTIONS=$ASAN_UNDER_PTRACE strace -f -qq -e trace=%file -o "$T/strace" "$RAISON" closure "$R" --seed /bin/x --keep "$pattern" --list >"$T/out" 2>"$T/err" && RC=0 || RC=$?
  case $pattern in
    */w/*|*/sentinel/*)  # "/w/*", "/sentinel/*": the root has neither
      expect_rc 1 "--keep '$pattern'"
      assert_grep "$T/err" "^raison: error: .*--keep matches nothing in the root";;
    *)  # "/*"
      expect_rc 0 "--keep '$pattern'"
      assert_has "$T/out" /etc/app.conf;;
  esac
  ! grep -q "host-secret\|sentinel" "$T/out" || fail "--keep '$pattern' listed the host: $(cat "$T/out")"
  # No lookup relative to the root's descriptor climbs: no "..", no name of the host beside it.
  grep -v execve "$T/strace" | grep -E '"(\.\./|\.\.")' >"$T/up" || true
  [ ! -s "$T/up" ] || fail "--keep '$pattern' looked above the root: $(head -3 "$T/up")"
  ! grep -q host-secret "$T/strace" || fail "--keep '$pattern' reached the sentinel"
done
printf '{"schema": "raison-rules/1", "rules": [{"name": "up", "when": ["/bin/x"], "keep": ["/../sentinel/*", "/../../*"]}]}\n' >"$W/up.json"
rz closure "$R" --seed /bin/x --rules "$W/up.json" --list
expect_rc 0 "a rules file keeping '/../sentinel/*'"
assert_has "$T/out" /etc/app.conf
! grep -q "host-secret\|sentinel" "$T/out" || fail "a rules file listed the host: $(cat "$T/out")"
check_clean "globs"

# 10. Escaped output: names with a newline and an escape sequence, kept and listed; a digest that
#     carries a forged summary line.
python3 - "$W/evil.tar" <<'PY'
import io, sys, tarfile
with tarfile.open(sys.argv[1], 'w', format=tarfile.PAX_FORMAT) as t:
    for name, data in [('x', b'seed\n'), ('etc/a\nraison: 1 seed: kept 1 paths', b'forged\n'), ('etc/b\x1b[2J\x1b[31m', b'ansi\n')]:
        i = tarfile.TarInfo(name); i.size = len(data); t.addfile(i, io.BytesIO(data))
    i = tarfile.TarInfo('etc/link'); i.type = tarfile.SYMTYPE; i.linkname = 'a\n/etc/shadow'; t.addfile(i)
PY
rz closure "$W/evil.tar" --seed /x --keep '/etc/*' --list -q
expect_rc 0 "names with control bytes"
assert_eq 4 "$(wc -l <"$T/out")" "one line per kept file in --list"
assert_has "$T/out" '/etc/a\x0araison: 1 seed: kept 1 paths'
assert_has "$T/out" '/etc/b\x1b[2J\x1b[31m'
! grep -q $'\x1b' "$T/out" "$T/err" || fail "an escape byte reached the terminal"
rz why "$W/evil.tar" "/etc/link" --seed /x --keep '/etc/*'
! grep -q $'\x1b' "$T/out" "$T/err" || fail "why printed an escape byte"
! grep -qx '/etc/shadow.*' "$T/out" || fail "why printed the link's target as its own line"
make_oci "$W/img2" v1 '{"Entrypoint": ["/x"]}' "$W/layer.tar"
python3 - "$W/img2/index.json" <<'PY'
import json, sys
idx = json.load(open(sys.argv[1]))
idx['manifests'][0]['digest'] = 'sha256:\n\x1b[2Jraison: 1 seed: kept 1 paths, 1 regular files, 5 B'
json.dump(idx, open(sys.argv[1], 'w'))
PY
rz shrink "oci:$W/img2:v1" -o "oci:$W/out:v1"
refused "a forged digest" "malformed digest 'sha256:\\\\x0a\\\\x1b\[2Jraison: 1 seed"
! grep -q $'\x1b' "$T/err" || fail "the digest's escape reached the terminal"
echo PASS

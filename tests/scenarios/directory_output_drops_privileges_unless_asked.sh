#!/usr/bin/env bash
# A directory output is files on this machine (issue 14, reproducer 5): an image's setuid-root program
# and its file capabilities are not recreated there unless --preserve-privileges, so that nobody gets
# root through it (setpriv --reuid=65534 OUT/usr/bin/evil runs as 65534); its top directory has the
# user's mode (umask) and owner, not the image's "./" 0777. Tar outputs keep the image's bits and
# capabilities (running them in a container is their job).
source "$(dirname "$0")/lib.sh"
need_root
need_tool setcap
need_tool setpriv
umask 022
R=$T/root; make_root "$R"
cc_exe "$R/usr/bin/evil" '#include <stdio.h>
#include <unistd.h>
int main(void) { printf("euid=%d\n", (int)geteuid()); return 0; }'
cp "$R/usr/bin/evil" "$R/usr/bin/capped"
chown 0:0 "$R/usr/bin/evil"; chmod 4755 "$R/usr/bin/evil"
chmod 2755 "$R/usr/bin/capped"; setcap cap_net_raw+ep "$R/usr/bin/capped"
chmod 0777 "$R"  # the image's "./"
tar -C "$R" --numeric-owner --xattrs --xattrs-include='security.capability' -cf "$T/img.tar" .
[ "$(tar -tvf "$T/img.tar" | awk '$NF == "./" { print $1 }')" = drwxrwxrwx ] || fail "the image's ./ is not 0777"

# Without --preserve-privileges: no setuid, no setgid, no capability; the top directory is the user's.
for src in "$T/img.tar" "$R"; do
  rm -rf "$T/o" "$T/o.manifest.json"
  rz closure "$src" --seed /usr/bin/evil --seed /usr/bin/capped -o "$T/o"
  expect_rc 0 "closure of $src"
  assert_eq "755 0" "$(stat -c '%a %u' "$T/o")" "mode and owner of the output's top directory ($src)"
  assert_eq 755 "$(stat -c %a "$T/o/usr/bin/evil")" "evil's mode ($src)"
  assert_eq 755 "$(stat -c %a "$T/o/usr/bin/capped")" "capped's mode ($src)"
  [ -z "$(getcap "$T/o/usr/bin/capped")" ] || fail "capped kept its capability: $(getcap "$T/o/usr/bin/capped")"
  assert_eq euid=65534 "$(setpriv --reuid=65534 --regid=65534 --clear-groups "$T/o/usr/bin/evil")" "evil run by 65534 ($src)"
  # The manifest still says what the image declared.
  python3 - "$T/o.manifest.json" <<'PY' || fail "manifest modes"
import json, sys
files = {f["path"]: f for f in json.load(open(sys.argv[1]))["files"]}
assert files["/usr/bin/evil"]["mode"] == "4755", files["/usr/bin/evil"]
assert files["/usr/bin/capped"]["mode"] == "2755", files["/usr/bin/capped"]
PY
done

# With --preserve-privileges: the image's bits and capability, a working setuid-root program.
rm -rf "$T/o" "$T/o.manifest.json"
rz closure "$T/img.tar" --seed /usr/bin/evil --seed /usr/bin/capped -o "$T/o" --preserve-privileges
expect_rc 0 "closure --preserve-privileges"
assert_eq 4755 "$(stat -c %a "$T/o/usr/bin/evil")" "evil's mode with --preserve-privileges"
assert_eq 2755 "$(stat -c %a "$T/o/usr/bin/capped")" "capped's mode with --preserve-privileges"
[[ "$(getcap "$T/o/usr/bin/capped")" == *cap_net_raw* ]] || fail "capped lost its capability with --preserve-privileges"
assert_eq euid=0 "$(setpriv --reuid=65534 --regid=65534 --clear-groups "$T/o/usr/bin/evil")" "evil with --preserve-privileges"
assert_eq 755 "$(stat -c %a "$T/o")" "the top directory with --preserve-privileges is still the user's"

# A tar output keeps the image's bits and the capability.
rz closure "$T/img.tar" --seed /usr/bin/evil --seed /usr/bin/capped -o "$T/o.tar"
expect_rc 0 "closure to a tar"
python3 - "$T/o.tar" <<'PY' || fail "the tar output lost the image's bits"
import sys, tarfile
t = tarfile.open(sys.argv[1])
members = {m.name.lstrip('./'): m for m in t.getmembers()}
evil, capped = members['usr/bin/evil'], members['usr/bin/capped']
assert evil.mode == 0o4755, oct(evil.mode)
assert capped.mode == 0o2755, oct(capped.mode)
assert any('security.capability' in k for k in capped.pax_headers), capped.pax_headers
PY
echo PASS

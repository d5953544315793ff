#!/usr/bin/env bash
# The emitted root is the input's subset, file for file: symlinks stay symlinks with their targets
# (including the usr-merge links and the absolute /lib64 loader link), permission bits (setuid too)
# and owners are kept (setuid with --preserve-privileges; without it the bit goes, see
# directory_output_drops_privileges_unless_asked), and two kept names of one file are one hardlinked file.
source "$(dirname "$0")/lib.sh"
need_root
R=$T/root; make_root "$R"
L=$R/usr/lib/$TRIPLET
cc_so "$L/libv.so.1.2.3" libv.so.1 "$(lib_src v "v")"
ln -s libv.so.1.2.3 "$L/libv.so.1"
cp "$L/libv.so.1.2.3" "$B/libv.so"
cc_exe "$R/usr/bin/prog" "$(main_src v)" "$B/libv.so"
ln "$R/usr/bin/prog" "$R/usr/bin/prog-alias"
chown 1234:2345 "$R/usr/bin/prog"; chmod 4750 "$R/usr/bin/prog"  # chown clears setuid: chmod last
chown 7:8 "$L/libv.so.1.2.3"; chmod 0444 "$L/libv.so.1.2.3"
echo unrelated >"$R/usr/bin/not-needed"

rz closure "$R" --seed /bin/prog --seed /bin/prog-alias --analyzers elf --list -o "$T/o" --preserve-privileges
expect_rc 0 "closure"
O=$T/o
expect_run "$O" v /bin/prog
[ ! -e "$O/usr/bin/not-needed" ] || fail "an unneeded file was copied"
for l in /bin /lib /lib64 /usr/lib64/ld-linux-x86-64.so.2 /usr/lib/$TRIPLET/libv.so.1; do
  [ -L "$O$l" ] || fail "$l is not a symlink in the output"
  assert_eq "$(readlink "$R$l")" "$(readlink "$O$l")" "target of $l"
done
assert_eq "$(stat -c '%a %u %g' "$R/usr/bin/prog")" "$(stat -c '%a %u %g' "$O/usr/bin/prog")" "mode and owner of prog"
assert_eq "4750 1234 2345" "$(stat -c '%a %u %g' "$O/usr/bin/prog")" "mode and owner of prog"
assert_eq "444 7 8" "$(stat -c '%a %u %g' "$O/usr/lib/$TRIPLET/libv.so.1.2.3")" "mode and owner of libv"
assert_eq "$(stat -c %i "$O/usr/bin/prog")" "$(stat -c %i "$O/usr/bin/prog-alias")" "prog-alias is a hardlink of prog"
assert_eq 2 "$(stat -c %h "$O/usr/bin/prog")" "link count of prog"
cmp -s "$R/usr/bin/prog" "$O/usr/bin/prog" || fail "prog's content differs"
cmp -s "$R$LIBC" "$O$LIBC" || fail "libc's content differs"
rz closure "$R" --seed /bin/prog --analyzers elf -o "$T/plain"
expect_rc 0 "closure without --preserve-privileges"
assert_eq "750 1234 2345" "$(stat -c '%a %u %g' "$T/plain/usr/bin/prog")" "prog without --preserve-privileges: setuid dropped"
python3 - "$O.manifest.json" <<'PY' || fail "manifest entries"
import json, sys
files = {f["path"]: f for f in json.load(open(sys.argv[1]))["files"]}
assert files["/lib64"]["type"] == "symlink" and files["/lib64"]["target"] == "usr/lib64", files["/lib64"]
link = files["/usr/lib/x86_64-linux-gnu/libv.so.1"]
assert link["type"] == "symlink" and link["target"] == "libv.so.1.2.3", link
p, a = files["/usr/bin/prog"], files["/usr/bin/prog-alias"]
assert {p["type"], a["type"]} == {"file", "hardlink"}, (p, a)
h = p if p["type"] == "hardlink" else a
assert h["link_to"] in ("/usr/bin/prog", "/usr/bin/prog-alias") and h["link_to"] != h["path"], h
f = p if p["type"] == "file" else a
assert f["mode"] == "4750" and f["uid"] == 1234 and f["gid"] == 2345, f
for x in files.values():
    assert x["reasons"], ("no reason", x)
PY
echo PASS

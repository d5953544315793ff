#!/usr/bin/env bash
# glibc loads NSS modules and gconv converters by name, never through DT_NEEDED: the rules keep
# nsswitch.conf and the databases (passwd, group) for libc, and the converters for the iconv program,
# so `getent passwd root` and an iconv conversion work in a root shrunk for getent and iconv.
source "$(dirname "$0")/lib.sh"
need_root
py_cached_root
R=$PY_ROOT_CACHE
rz closure "$R" --seed /usr/bin/getent --seed /usr/bin/iconv -o "$T/small"
expect_rc 0 "closure of getent and iconv"
[ -f "$T/small/etc/nsswitch.conf" ] || fail "nsswitch.conf not kept"
[ -f "$T/small/etc/passwd" ] || fail "/etc/passwd not kept"
ls "$T/small/usr/lib/$TRIPLET/gconv/"ISO8859-1.so >/dev/null || fail "gconv converters not kept"
python3 - "$T/small.manifest.json" <<'PY' || fail "reasons of nsswitch.conf and ISO8859-1.so"
import json, sys
files = {f["path"]: f for f in json.load(open(sys.argv[1]))["files"]}
assert any("glibc-nss" in r["detail"] for r in files["/etc/nsswitch.conf"]["reasons"])
conv = files["/usr/lib/x86_64-linux-gnu/gconv/ISO8859-1.so"]
assert any(r["kind"] == "dlopen" and "gconv" in r["detail"] for r in conv["reasons"]), conv["reasons"]
PY
run_in "$T/small" /usr/bin/getent passwd root
[ "$RUN_RC" = 0 ] || { cat "$T/run"; fail "getent failed in the shrunk root"; }
assert_eq "root:x:0:0:root:/root:/bin/bash" "$(cat "$T/run")" "getent passwd root"
printf 'h\303\251llo\n' > "$T/small/in.txt"
run_in "$T/small" /usr/bin/iconv -f UTF-8 -t ISO-8859-1 /in.txt
[ "$RUN_RC" = 0 ] || { cat "$T/run"; fail "iconv failed in the shrunk root"; }
assert_eq "68e96c6c6f0a" "$(od -An -tx1 "$T/run" | tr -d ' \n')" "iconv UTF-8 -> ISO-8859-1 bytes"
echo PASS

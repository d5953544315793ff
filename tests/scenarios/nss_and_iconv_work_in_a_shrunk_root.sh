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

# A service that is not built into libc (compat; files and dns are, since 2.34) names a module that
# glibc dlopens: in a small root whose nsswitch.conf says "passwd: compat", libnss_compat.so.2 is kept
# (reason: the rule's NSS service) and getent answers through it. The host's glibc is bookworm's, so
# the host's getent and module match the libc make_root copies.
[ -f /lib/$TRIPLET/libnss_compat.so.2 ] || skip "the host has no libnss_compat.so.2"
S=$T/svc
make_root "$S"
cp -L /usr/bin/getent "$S/usr/bin/getent"
cp -L /lib/$TRIPLET/libnss_compat.so.2 "$S/usr/lib/$TRIPLET/libnss_compat.so.2"
printf 'passwd: compat\ngroup: files\n' >"$S/etc/nsswitch.conf"
printf 'root:x:0:0:root:/root:/bin/sh\n' >"$S/etc/passwd"
rz closure "$S" --seed /usr/bin/getent -o "$T/svc-out"
expect_rc 0 "closure of getent with passwd: compat"
[ -f "$T/svc-out/usr/lib/$TRIPLET/libnss_compat.so.2" ] || { show closure; fail "libnss_compat.so.2 not kept"; }
python3 - "$T/svc-out.manifest.json" <<'PY' || fail "reason of libnss_compat.so.2"
import json, sys
files = {f["path"]: f for f in json.load(open(sys.argv[1]))["files"]}
rs = files["/usr/lib/x86_64-linux-gnu/libnss_compat.so.2"]["reasons"]
assert any(r["kind"] == "dlopen" and r["detail"].startswith("dlopen libnss_compat.so.2: NSS service 'compat'") for r in rs), rs
PY
run_in "$T/svc-out" /usr/bin/getent passwd root
[ "$RUN_RC" = 0 ] || { cat "$T/run"; fail "getent (compat) failed in the shrunk root"; }
assert_eq "root:x:0:0:root:/root:/bin/sh" "$(cat "$T/run")" "getent passwd root through compat"
echo PASS

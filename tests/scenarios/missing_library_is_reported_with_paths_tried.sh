#!/usr/bin/env bash
# A DT_NEEDED name found nowhere makes the closure incomplete: exit 1, one stderr line naming the
# object, the library and every directory tried in the loader's order (RPATH, LD_LIBRARY_PATH, the
# default directories), and the outputs are still written, with "complete": false in the manifest.
source "$(dirname "$0")/lib.sh"
need_root
R=$T/root; make_root "$R"
cc_so "$B/libgone.so" libgone.so.1 "$(lib_src gone unused)"
cc_exe "$R/usr/bin/prog" "$(main_src gone)" "$B/libgone.so" -Wl,--disable-new-dtags,-rpath,/opt/rp
mkdir -p "$R/opt/rp" "$R/opt/env"

rz closure "$R" --seed /bin/prog --analyzers elf --env LD_LIBRARY_PATH=/opt/env -o "$T/o" --list
expect_rc 1 "missing library"
[ "$(grep -c '^raison: incomplete:' "$T/err")" = 1 ] || { cat "$T/err"; fail "expected one incomplete line"; }
line=$(grep '^raison: incomplete:' "$T/err")
case "$line" in
  "raison: incomplete: /usr/bin/prog: DT_NEEDED libgone.so.1 not found; tried: "*) ;;
  *) fail "unexpected diagnostic: $line" ;;
esac
# Every directory, in the loader's order.
tried=${line#*tried: }
order=$(sed 's/, /\n/g' <<<"$tried" | awk '{print $1}')
assert_eq "$(lines /opt/rp /opt/env /lib/$TRIPLET /usr/lib/$TRIPLET /lib /usr/lib)" "$order" "directories tried, in order"
grep -q '/opt/rp \[RPATH of /usr/bin/prog\]' <<<"$tried" || fail "RPATH not named: $tried"
grep -q '/opt/env \[LD_LIBRARY_PATH\]' <<<"$tried" || fail "LD_LIBRARY_PATH not named: $tried"
# The outputs are written all the same.
[ -f "$T/o/usr/bin/prog" ] && [ -f "$T/o$LIBC" ] || fail "output root not written"
python3 - "$T/o.manifest.json" <<'PY' || fail "manifest does not say incomplete"
import json, sys
m = json.load(open(sys.argv[1]))
assert m["complete"] is False, m["complete"]
d = [x for x in m["diagnostics"] if x["severity"] == "incomplete"]
assert len(d) == 1 and d[0]["file"] == "/usr/bin/prog" and "libgone.so.1" in d[0]["message"], d
PY
# The real loader agrees that it is missing.
run_in "$R" /lib64/ld-linux-x86-64.so.2 --library-path /opt/env /bin/prog
[ "$RUN_RC" != 0 ] && grep -q 'libgone.so.1: cannot open shared object file' "$T/run" || { cat "$T/run"; fail "ld.so found it"; }
echo PASS

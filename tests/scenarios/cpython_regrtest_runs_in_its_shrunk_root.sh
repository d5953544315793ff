#!/usr/bin/env bash
# CPython's own regression tests (Debian's libpython3.11-testsuite) run in a root shrunk for them with
# only what the test runner's user names: the seed /usr/bin/python3, the runner (test.libregrtest,
# test.__main__) and each test module (--python-import test.test_X, or test.test_X.* for a package).
# Everything else comes from raison's own analysis: the workers started as `-m test.regrtest`, the
# tests' own `-m json.tool`, import_module / import_fresh_module calls and loops over literal names,
# the test data beside the modules (package data of the named test package). `python3 -m test -j2`
# must give the same per-module results (tests run, skipped, failed, errors) as in the full root.
source "$(dirname "$0")/lib.sh"
py_private_mounts "$0" "$@"
need_tool bwrap
apps_overlay

MODULES=(test_base64 test_binascii test_bisect test_calendar test_cmath test_collections test_configparser
  test_contextlib test_copy test_csv test_difflib test_email test_enum test_fnmatch test_fractions
  test_functools test_getopt test_glob test_graphlib test_gzip test_hashlib test_heapq test_hmac
  test_htmlparser test_ipaddress test_json test_keyword test_math test_minidom test_operator test_plistlib
  test_pprint test_re test_sax test_secrets test_shlex test_string test_struct test_tarfile test_tempfile
  test_textwrap test_unicodedata test_urlparse test_xml_etree test_zlib test_zoneinfo)
T_DIR=/usr/lib/python3.11/test
flags=(--seed /usr/bin/python3 --python-import 'test.libregrtest.*' --python-import test.__main__)
for m in "${MODULES[@]}"; do
  if [ -d "$ROOT$T_DIR/$m" ]; then flags+=(--python-import "test.$m.*"); else flags+=(--python-import "test.$m"); fi
done
rz closure "$ROOT" "${flags[@]}" -o "$T/shrunk"
expect_rc 0 "closure for the test runner and ${#MODULES[@]} test modules"
# Evidence the runner's user never gave: each is found by raison itself.
for m in test/regrtest.py json/tool.py sre_compile.py sre_parse.py; do
  assert_grep "$T/shrunk.manifest.json" "\"path\": \"/usr/lib/python3.11/$m\""
done

# regrtest ROOT NAME: python3 -m test -j2 in ROOT (bwrap), its junit XML in $T/NAME.
regrtest() {
  mkdir -p "$T/$2"
  RUN_RC=0
  env -i PATH=/usr/bin:/bin HOME=/root timeout 600 bwrap --bind "$1" / --proc /proc --dev /dev --tmpfs /tmp --chdir /tmp \
    --bind "$T/$2" /opt/res --die-with-parent -- /usr/bin/python3 -m test -j2 --junit-xml /opt/res/junit.xml \
    "${MODULES[@]}" >"$T/$2/out" 2>&1 || RUN_RC=$?
}
# per_module NAME: "MODULE TESTS SKIPPED FAILURES ERRORS" for each module, from the junit XML.
per_module() {
  python3 - "$T/$1/junit.xml" "${MODULES[@]}" <<'PY'
import collections, sys
import xml.etree.ElementTree as ET
counts = collections.defaultdict(lambda: [0, 0, 0, 0])
for tc in ET.parse(sys.argv[1]).getroot().iter("testcase"):
    parts = (tc.get("name") or "").split(".")
    if len(parts) < 2 or parts[0] != "test":
        continue
    k = counts[parts[1]]
    k[0] += 1
    for i, tag in ((1, "skipped"), (2, "failure"), (3, "error")):
        k[i] += tc.find(tag) is not None
for m in sys.argv[2:]:
    print(m, *counts[m])
PY
}
mkdir -p "$ROOT/opt/res" "$T/shrunk/opt/res"
regrtest "$ROOT" full
[ "$RUN_RC" = 0 ] || { tail -30 "$T/full/out"; fail "the tests fail in the full root"; }
per_module full >"$T/full.txt"
! grep -q ' 0 0 0 0$' "$T/full.txt" || { cat "$T/full.txt"; fail "a module ran no test in the full root"; }
regrtest "$T/shrunk" shrunk
[ "$RUN_RC" = 0 ] || { grep -E -A12 '^(ERROR|FAIL):|Traceback|Error' "$T/shrunk/out" | head -60; fail "the tests fail in the shrunk root: $(grep -E '^Tests result' "$T/shrunk/out")"; }
per_module shrunk >"$T/shrunk.txt"
assert_eq "$(cat "$T/full.txt")" "$(cat "$T/shrunk.txt")" "per-module results (tests, skipped, failures, errors)"
echo "PASS: ${#MODULES[@]} CPython test modules, $(awk '{n += $2} END {print n}' "$T/full.txt") tests, same results in the shrunk root ($(tail -1 "$T/err" | sed 's/^raison: //'))"

#!/usr/bin/env bash
# CPython's own regression tests (Debian's libpython3.11-testsuite) in a root raison shrinks for them:
# `python3 -m test -j2 --junit-xml ... MODULES` runs under bwrap in the apps root (an overlay, never
# written) and in a root shrunk from it with seed /usr/bin/python3 and
#   target:  --python-import test.libregrtest.* and test.__main__, and test.test_X (test.test_X.* for a
#            package) per module: what the test runner names itself; the rest should come from
#            raison's own analysis;
#   today:   the target plus what today's raison must also be told (module names given as data, data
#            files found by name, programs run by name; see tests/scenarios/apps/BASELINE.md).
# Prints, per module, the verdict and the counts (tests, skipped, failures, errors) in each root, and
# whether they are the same. Usage (as root): bench/cpython_regrtest_shrunk.sh [RAISON] [target|today]
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
RAISON=$(realpath "${1:-${RAISON:-$here/../build/src/cli/raison}}")
MODE=${2:-today}
OUT=${OUT:-/tmp/raison-bench-regrtest}
CACHE=${RAISON_APPS_ROOT:-/var/cache/raison-tests/bookworm-apps}
MODULES=(test_base64 test_binascii test_bisect test_calendar test_cmath test_collections test_configparser
  test_contextlib test_copy test_csv test_difflib test_email test_enum test_fnmatch test_fractions
  test_functools test_getopt test_glob test_graphlib test_gzip test_hashlib test_heapq test_hmac
  test_htmlparser test_ipaddress test_json test_keyword test_math test_minidom test_operator test_plistlib
  test_pprint test_re test_sax test_secrets test_shlex test_string test_struct test_tarfile test_tempfile
  test_textwrap test_tokenize test_unicodedata test_urlparse test_uuid test_xml_etree test_zlib test_zoneinfo)
[ "$(id -u)" = 0 ] || { echo "needs root (overlay, bwrap as root)" >&2; exit 2; }
for t in "$RAISON" /usr/bin/bwrap /usr/bin/unshare; do [ -x "$t" ] || { echo "missing: $t" >&2; exit 2; }; done
if [ -z "${RAISON_BENCH_NS:-}" ]; then
  [ -x "$CACHE/usr/sbin/nginx" ] || bash "$here/../samples/make-debian-apps-root.sh" "$CACHE"
  rm -rf "$OUT"; mkdir -p "$OUT"
  RAISON_BENCH_NS=1 exec unshare -m --propagation private bash "$0" "$RAISON" "$MODE"
fi
mkdir -p "$OUT/ov"; mount -t tmpfs tmpfs "$OUT/ov"
trap 'umount -R -l "$OUT/ov"' EXIT

T=/usr/lib/python3.11/test
flags=(--seed /usr/bin/python3 --python-import 'test.libregrtest.*' --python-import test.__main__)
for m in "${MODULES[@]}"; do
  if [ -d "$CACHE$T/$m" ]; then flags+=(--python-import "test.$m.*"); else flags+=(--python-import "test.$m"); fi
done
if [ "$MODE" = today ]; then
  # Module names given as data: the runner's workers (`-m test.regrtest`), test_json's `-m json.tool`,
  # test_re's loop over the deprecated sre_* names. (test_uuid's import_fresh_module('uuid') is
  # covered by test_os.py below, which imports uuid and is analysed like a seed.)
  flags+=(--python-import test.regrtest --python-import json.tool --python-import sre_compile
          --python-import sre_constants --python-import sre_parse)
  # Data files and directories the tests find by name (support.findfile, __file__-relative paths).
  for k in cmath_testcases.txt math_testcases.txt ieee754.txt 'cfgparser.*' data ziptestdata \
           test_difflib_expect.html xmltestdata testtar.tar testtar.tar.xz recursion.tar zipdir.zip \
           'tokenize_tests*.txt' bad_coding.py bad_coding2.py tf_inherit_check.py \
           test_unicode_identifiers.py test_buffer.py test_builtin.py test_fileio.py test_inspect.py \
           test_os.py test_platform.py test_sys.py; do
    flags+=(--keep "$T/$k")
  done
  # Programs uuid's getnode() runs by name (found on /sbin:/usr/sbin and PATH); without them two of
  # test_uuid's tests skip instead of running.
  flags+=(--keep /usr/sbin/ifconfig --keep /usr/bin/ip)
fi
echo "raison closure $CACHE ${flags[*]} -o $OUT/shrunk" >"$OUT/closure.cmd"
rc=0; "$RAISON" closure "$CACHE" "${flags[@]}" -o "$OUT/shrunk" 2>"$OUT/closure.err" || rc=$?
echo "# mode $MODE: raison exit $rc; $(tail -1 "$OUT/closure.err" | sed 's/^raison: //')"

# regrtest ROOT NAME: the tests in an overlay of ROOT; results in $OUT/NAME/{out,junit.xml}.
regrtest() {
  local root=$1 n=$2 w=$OUT/ov/$2
  mkdir -p "$w/up" "$w/work" "$w/root" "$OUT/$n"
  mount -t overlay overlay -o "lowerdir=$root,upperdir=$w/up,workdir=$w/work" "$w/root"
  mkdir -p "$w/root/opt/res"
  local start; start=$(date +%s)
  env -i PATH=/usr/bin:/bin HOME=/root timeout 900 bwrap --bind "$w/root" / --proc /proc --dev /dev --tmpfs /tmp \
    --chdir /tmp --bind "$OUT/$n" /opt/res --die-with-parent -- /usr/bin/python3 -m test -j2 \
    --junit-xml /opt/res/junit.xml "${MODULES[@]}" >"$OUT/$n/out" 2>&1 || true
  echo "# $n: $(( $(date +%s) - start )) s, $(grep -E '^Tests result:' "$OUT/$n/out" | tail -1)"
}
# summary NAME: "MODULE VERDICT TESTS SKIPPED FAILURES ERRORS" per module (one <testsuite> per module).
summary() {
  python3 -c '
import collections, re, sys
import xml.etree.ElementTree as ET
d = sys.argv[1]
counts = {}
try:
    suites = ET.parse(d + "/junit.xml").getroot().iter("testsuite")
except (OSError, ET.ParseError):
    suites = []
for ts in suites:
    names, k = collections.Counter(), [0, 0, 0, 0]
    for tc in ts.iter("testcase"):
        parts = (tc.get("name") or "").split(".")
        if len(parts) > 1 and parts[0] == "test" and parts[1].startswith("test_"):
            names[parts[1]] += 1
        k[0] += 1
        for i, tag in ((1, "skipped"), (2, "failure"), (3, "error")):
            k[i] += tc.find(tag) is not None
    if names:
        counts[names.most_common(1)[0][0]] = k
verdict = {}
for line in open(d + "/out", errors="replace"):
    m = re.search(r"\] (test_\w+) (.*)$", line)
    if m:
        verdict[m.group(1)] = re.sub(r" \(.*\)$|\s+$", "", m.group(2)).replace(" ", "_")
for m in sys.argv[2:]:
    print(m, verdict.get(m, "?"), *counts.get(m, [0, 0, 0, 0]))
' "$OUT/$1" "${MODULES[@]}"
}
regrtest "$CACHE" full
regrtest "$OUT/shrunk" shrunk
summary full >"$OUT/full.tsv"; summary shrunk >"$OUT/shrunk.tsv"
echo
echo "| module | full root: verdict, tests/skipped/failures/errors | shrunk root ($MODE) | same |"
echo "| --- | --- | --- | --- |"
paste -d' ' "$OUT/full.tsv" "$OUT/shrunk.tsv" | while read -r m v t s f e _ v2 t2 s2 f2 e2; do
  same=yes; [ "$v $t $s $f $e" = "$v2 $t2 $s2 $f2 $e2" ] || same=NO
  echo "| $m | $v $t/$s/$f/$e | $v2 $t2/$s2/$f2/$e2 | $same |"
done | tee "$OUT/table.md"
echo "# $(grep -c '| yes |$' "$OUT/table.md") of ${#MODULES[@]} modules give the same results in the shrunk root"

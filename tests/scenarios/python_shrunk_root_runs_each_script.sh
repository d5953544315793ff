#!/usr/bin/env bash
# The roots raison writes for real Python programs run them as the full Debian root does: each fixture
# script of python/ gets its own root (`raison closure ROOT --seed SCRIPT -o OUT`), run under bwrap
# with nothing else in it; its exit code, stdout and stderr must equal those of the run in the full
# root. Then CPython's own regression tests for json, zoneinfo and tarfile (Debian's
# libpython3.11-testsuite) run in a root shrunk for them and must give the full root's counts (ran,
# failures, errors, skipped: a test skipped for a missing module would change them). Those tests find
# modules and data by computed names, so raison is told: --python-import for the test packages and
# for json.tool (run as `python -m json.tool` in a subprocess), --keep for the data files that
# test_tarfile finds with support.findfile().
source "$(dirname "$0")/lib.sh"
py_private_mounts "$0" "$@"
py_overlay

# same_run WHAT: the run in $T/run* equals the one saved in $T/full.*
save_run() { cp "$T/run" "$T/full.out"; cp "$T/run.err" "$T/full.err"; FULL_RC=$RUN_RC; }
same_run() {
  [ "$RUN_RC" = "$FULL_RC" ] || { cat "$T/run" "$T/run.err"; fail "$1: exit $RUN_RC in the shrunk root, $FULL_RC in the full one"; }
  assert_eq "$(cat "$T/full.out")" "$(cat "$T/run")" "$1: stdout in the shrunk root"
  assert_eq "$(cat "$T/full.err")" "$(cat "$T/run.err")" "$1: stderr in the shrunk root"
}

for s in $(py_scripts); do
  py_run "$ROOT" /usr/bin/python3 "$PY_DIR/$s.py"
  [ "$RUN_RC" = 0 ] || { cat "$T/run" "$T/run.err"; fail "$s.py exited $RUN_RC in the full root"; }
  [ -s "$T/run" ] || fail "$s.py printed nothing in the full root"
  save_run
  rz closure "$ROOT" --seed "$PY_DIR/$s.py" -o "$T/shrunk"
  expect_rc 0 "closure of $s.py"
  py_run "$T/shrunk" /usr/bin/python3 "$PY_DIR/$s.py"
  same_run "$s.py"
  note "$s.py: same output in its shrunk root ($(tail -1 "$T/err" | sed 's/^raison: //'))"
  rm -rf "$T/shrunk" "$T/shrunk.manifest.json"
done

tests=(test.test_json test.test_zoneinfo test.test_tarfile)
lib=/usr/lib/python3.11
rz closure "$ROOT" --seed "$PY_DIR/_cpython_tests.py" \
  --python-import 'test.test_json.*' --python-import json.tool --python-import 'test.test_zoneinfo.*' \
  --python-import test.test_tarfile --keep "$lib/test/testtar.tar*" --keep "$lib/test/recursion.tar" \
  --keep "$lib/test/tokenize_tests*.txt" --keep "$lib/test/zipdir.zip" -o "$T/shrunk"
expect_rc 0 "closure of the CPython test driver"
for t in "${tests[@]}"; do
  py_run "$ROOT" /usr/bin/python3 "$PY_DIR/_cpython_tests.py" "$t"
  [ "$RUN_RC" = 0 ] || { tail -30 "$T/run.err"; fail "$t fails in the full root"; }
  grep -qE '^ran [1-9]' "$T/run" || fail "$t ran no test in the full root"
  FULL_RC=$RUN_RC; full=$(cat "$T/run")
  py_run "$T/shrunk" /usr/bin/python3 "$PY_DIR/_cpython_tests.py" "$t"
  [ "$RUN_RC" = 0 ] || { grep -E -A15 '^(ERROR|FAIL):' "$T/run.err" | head -60; fail "$t fails in the shrunk root: $(cat "$T/run")"; }
  assert_eq "$full" "$(cat "$T/run")" "$t: counts in the shrunk root"
  note "$t: $full, in the full root and in the shrunk one"
done
echo "PASS: $(py_scripts | wc -l) scripts and ${#tests[@]} CPython test modules run in their shrunk roots as in the full root"

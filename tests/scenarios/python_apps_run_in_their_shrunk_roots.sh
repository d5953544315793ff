#!/usr/bin/env bash
# Real applications run in the roots raison writes for them: each script of apps/ (Flask, requests,
# numpy, PyYAML, lxml, cryptography, Pillow, on Debian's own packages of them) is seeded ALONE, with no
# --python-import and no --keep (`raison closure ROOT --seed /opt/apps/X.py -o OUT`), and must give in
# OUT, under bwrap, the same exit code, stdout and stderr as in the full root. The root is the cached
# apps root of samples/make-debian-apps-root.sh, seen through an overlay (never written). What made
# them fail before (distribution metadata read by importlib.metadata, modules imported by compiled
# extensions, OpenSSL's legacy provider loaded by cryptography) is in tests/scenarios/apps/BASELINE.md.
source "$(dirname "$0")/lib.sh"
py_private_mounts "$0" "$@"
need_tool bwrap

# differs WHAT: empty when the run in $T/run* equals the full root's ($T/full.*), else one line saying how.
differs() {
  if [ "$RUN_RC" != "$FULL_RC" ]; then
    echo "exit $RUN_RC (full root: $FULL_RC): $(grep -v '^[[:space:]]*$' "$T/run.err" | tail -1)"
  elif ! cmp -s "$T/full.out" "$T/run"; then
    echo "stdout differs: $(diff "$T/full.out" "$T/run" | grep -m1 '^[<>]')"
  elif ! cmp -s "$T/full.err" "$T/run.err"; then
    echo "stderr differs: $(diff "$T/full.err" "$T/run.err" | grep -m1 '^[<>]')"
  fi
}

apps_overlay
scripts=$(cd "$APPS_FIXTURES" && ls -- *.py | sed 's/\.py$//')
failed=()
for s in $scripts; do
  py_run "$ROOT" /usr/bin/python3 "$APPS_DIR/$s.py"
  [ "$RUN_RC" = 0 ] || { cat "$T/run" "$T/run.err"; fail "$s.py exited $RUN_RC in the full root"; }
  [ -s "$T/run" ] || fail "$s.py printed nothing in the full root"
  cp "$T/run" "$T/full.out"; cp "$T/run.err" "$T/full.err"; FULL_RC=$RUN_RC
  rz closure "$ROOT" --seed "$APPS_DIR/$s.py" -o "$T/shrunk"
  expect_rc 0 "closure of $s.py"
  kept=$(grep -E '^raison: 1 seed' "$T/err" | sed 's/^raison: //')
  # What a compiled module imports through the C API is kept with that evidence.
  case $s in
    lxml_xslt) compiled="lxml/_elementpath.cpython-311-x86_64-linux-gnu.so" ;;
    crypto_fernet) compiled="_cffi_backend.cpython-311-x86_64-linux-gnu.so" ;;
    *) compiled= ;;
  esac
  if [ -n "$compiled" ]; then
    "$RAISON" why "$T/shrunk.manifest.json" "/usr/lib/python3/dist-packages/$compiled" >"$T/why" \
      || { cat "$T/why"; fail "$s.py: $compiled is not kept"; }
    assert_grep "$T/why" 'imported by compiled code: string "[^"]*" in [^ ]*\.so'
    note "$s.py: $(grep -m1 'imported by compiled code' "$T/why" | sed 's/^ *//')"
  fi
  py_run "$T/shrunk" /usr/bin/python3 "$APPS_DIR/$s.py"
  why=$(differs)
  if [ -z "$why" ]; then
    note "$s.py: same run in its shrunk root ($kept)"
  else
    note "$s.py: DIFFERS in its shrunk root: $why"
    failed+=("$s.py")
  fi
  rm -rf "$T/shrunk" "$T/shrunk.manifest.json"
done
[ ${#failed[@]} = 0 ] || fail "${#failed[@]} of $(echo "$scripts" | wc -w) scripts do not run in their shrunk roots as in the full root: ${failed[*]}"
echo "PASS: $(echo "$scripts" | wc -w) application scripts run in their shrunk roots as in the full root"

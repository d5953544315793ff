#!/usr/bin/env bash
# Imports under `if __name__ == "__main__":` run only when the file is the program (python3 FILE or
# python3 -m MOD), never when it is imported: they must be followed in a seed script and not in a
# module the program imports (the `else:` branch runs on import and is followed). The standard
# library has this guard in ~100 modules (heapq, base64, tokenize... run doctest or a demo from it).
# The interpreter's own answer is checked first.
source "$(dirname "$0")/lib.sh"
py_private_mounts "$0" "$@"
py_overlay

app=/opt/guard
mkdir -p "$ROOT$app"
cat >"$ROOT$app/lib_a.py" <<'PY'
def f():
    return "lib_a.f"


if __name__ == "__main__":
    import lib_main_only
    print(lib_main_only.__name__)
else:
    import lib_on_import
if '__main__' == __name__:
    from lib_main_only2 import x
PY
echo 'x = 1' >"$ROOT$app/lib_main_only.py"
echo 'x = 2' >"$ROOT$app/lib_main_only2.py"
echo 'y = 3' >"$ROOT$app/lib_on_import.py"
printf 'import lib_a\nprint(lib_a.f())\n' >"$ROOT$app/app.py"

# The interpreter's own answer first, so the test cannot encode a wrong belief.
py_run "$ROOT" /usr/bin/python3 "$app/app.py"
[ "$RUN_RC" = 0 ] && [ "$(cat "$T/run")" = lib_a.f ] || { cat "$T/run" "$T/run.err"; fail "app.py in the full root"; }
py_run "$ROOT" /usr/bin/python3 -c "import sys; sys.path.insert(0, '$app'); import lib_a; print(sorted(m for m in sys.modules if m.startswith('lib_')))"
assert_eq "['lib_a', 'lib_on_import']" "$(cat "$T/run")" "modules python loads when lib_a is imported"
py_run "$ROOT" /usr/bin/python3 "$app/lib_a.py"
assert_eq lib_main_only "$(cat "$T/run")" "lib_a.py run as the program"

rz closure "$ROOT" --seed "$app/lib_a.py" --list
expect_rc 0 "closure of lib_a.py run as the program"
assert_has "$T/out" "$app/lib_main_only.py"
assert_has "$T/out" "$app/lib_main_only2.py"

rz closure "$ROOT" --seed "$app/app.py" --list
expect_rc 0 "closure of app.py"
assert_has "$T/out" "$app/lib_a.py"
assert_has "$T/out" "$app/lib_on_import.py"
for f in lib_main_only.py lib_main_only2.py; do
  if grep -qxF "$app/$f" "$T/out"; then
    "$RAISON" why "$ROOT" "$app/$f" --seed "$app/app.py" || true
    fail "$app/$f is kept for app.py: only lib_a's \`if __name__ == \"__main__\":\` block imports it, and it never runs on import"
  fi
done

echo PASS

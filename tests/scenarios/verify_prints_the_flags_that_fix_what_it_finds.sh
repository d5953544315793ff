#!/usr/bin/env bash
# `raison verify OUT -- CMD` says how to fix each failure it finds: the flags it prints, added to the
# command that made OUT, make that failure go away. A program that loads a module by a computed name
# (ModuleNotFoundError in its output: --python-import), reads a file by a computed name (a failed open
# of a file the original has: --keep FILE) and writes its pid file into a directory of its own under
# /run (a failed creation in a directory the original has: --keep DIR). Each failure stops the program,
# so verify is asked again after each fix, as a user would, until it passes.
source "$(dirname "$0")/lib.sh"
py_private_mounts "$0" "$@"
py_overlay

echo 'print("plugin alpha loaded")' >"$ROOT/usr/lib/python3/dist-packages/plugin_alpha.py"
echo 'conf=1' >"$ROOT/etc/fx.conf"
mkdir -p "$ROOT/run/fx" "$ROOT/opt/fx"
cat >"$ROOT/opt/fx/app.py" <<'PY'
import importlib
import os
importlib.import_module("plugin" + "_alpha")
print(open(os.path.join("/etc", "fx" + ".conf")).read().strip())
with open(os.path.join("/run/fx", "app.pid"), "w") as f:
    f.write(str(os.getpid()))
print("pid file written")
PY
py_run "$ROOT" /usr/bin/python3 /opt/fx/app.py
[ "$RUN_RC" = 0 ] || { cat "$T/run" "$T/run.err"; fail "app.py in the full root"; }
rm "$ROOT/run/fx/app.pid"  # the image has the directory, not what the program writes in it

flags=()
want=("--python-import plugin_alpha" "--keep /etc/fx.conf" "--keep /run/fx")
for round in 1 2 3 4; do
  rz closure "$ROOT" --seed /opt/fx/app.py "${flags[@]}" -o "$T/s" --force
  expect_rc 0 "closure, round $round"
  rz verify "$T/s" -- /usr/bin/python3 /opt/fx/app.py
  [ "$RC" = 0 ] && break
  expect_rc 1 "verify, round $round"
  line=$(grep '^raison: verify: to fix, add to the command that made ' "$T/err") || { show verify; fail "verify found a problem but printed no fix"; }
  fixes=${line#*: --}
  # One fix a round here: each failure stops the program.
  new="--${fixes}"
  [ "$round" -le 3 ] && [ "$new" = "${want[$((round - 1))]}" ] || { show verify; fail "round $round: fix '$new', expected '${want[$((round - 1))]}'"; }
  note "round $round: verify says: $new"
  read -ra more <<<"$new"
  flags+=("${more[@]}")
done
[ "$RC" = 0 ] || { show verify; fail "verify still fails after the flags it printed: ${flags[*]}"; }
assert_eq 3 "$((round - 1))" "rounds of fixes"
assert_grep "$T/err" '^raison: verify: /usr/bin/python3 exited with 0; 0 missing files$'
echo "PASS: verify's fixes (${flags[*]}) make the program run in its shrunk root"

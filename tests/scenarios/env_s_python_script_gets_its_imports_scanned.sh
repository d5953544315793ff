#!/usr/bin/env bash
# "#!/usr/bin/env -S python3 -u": env splits its argument and runs python3 from PATH; the script's
# imports are scanned as for "#!/usr/bin/python3" (one reader of #! lines serves every analyzer), and
# the shrunk root runs the script as the full one does.
source "$(dirname "$0")/lib.sh"
py_private_mounts "$0" "$@"
py_overlay

app=/opt/envs
mkdir -p "$ROOT$app"
echo 'GREETING = "hello from helper"' >"$ROOT$app/helper.py"
cat >"$ROOT$app/tool" <<'PY'
#!/usr/bin/env -S python3 -u
import json
import helper
print(json.dumps({"greeting": helper.GREETING}))
PY
chmod +x "$ROOT$app/tool"
py_run "$ROOT" "$app/tool"
[ "$RUN_RC" = 0 ] || { cat "$T/run" "$T/run.err"; fail "the script does not run in the full root"; }
want=$(cat "$T/run")

rz closure "$ROOT" --seed "$app/tool" --list -o "$T/shrunk"
expect_rc 0 "closure of the env -S script"
for p in /usr/bin/env /usr/bin/python3 "$app/helper.py" /usr/lib/python3.11/json/__init__.py /usr/lib/python3.11/json/encoder.py; do
  assert_has "$T/out" "$p"
done
py_run "$T/shrunk" "$app/tool"
[ "$RUN_RC" = 0 ] || { cat "$T/run" "$T/run.err"; fail "the script does not run in its shrunk root"; }
assert_eq "$want" "$(cat "$T/run")" "output in the shrunk root"
echo PASS

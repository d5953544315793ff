#!/usr/bin/env bash
# A daemon traced while it starts runs in the root shrunk with that trace: nginx (Debian's nginx-light)
# checks its configuration, starts, writes /run/nginx.pid, logs under /var/log/nginx, and stops. The
# trace shows what it creates at run time (the pid file in /run, its body directory under
# /var/lib/nginx, which the image does not have): the directories those go into are kept, with their
# modes and owners, and the shrunk root does the same as the full one. Each run is in a network
# namespace of its own (nginx listens on port 80).
source "$(dirname "$0")/lib.sh"
py_private_mounts "$0" "$@"
need_tool unshare
apps_overlay

CMD='(nginx -t && nginx && sleep 1 && test -s /run/nginx.pid && echo "pid file /run/nginx.pid written" &&
      ls /var/log/nginx && nginx -s quit && sleep 1 && echo stopped) 2>&1'
traced_run() {  # traced_run ROOT LOG OUT: the command under `raison trace`, its output in OUT
  RUN_RC=0
  timeout 120 unshare -n "$RAISON" trace "$1" -o "$2" -- /bin/sh -c "$CMD" >"$3" 2>"$3.err" || RUN_RC=$?
}
traced_run "$ROOT" "$T/full.trace" "$T/full.out"
[ "$RUN_RC" = 0 ] || { cat "$T/full.out" "$T/full.out.err"; fail "nginx does not start in the full root"; }
grep -q 'pid file /run/nginx.pid written' "$T/full.out" || { cat "$T/full.out"; fail "no pid file in the full root"; }

rz closure "$ROOT" --seed /usr/sbin/nginx --trace "$T/full.trace" -o "$T/shrunk"
expect_rc 0 "closure of nginx with its trace"
for d in /run /var/lib/nginx /var/log/nginx; do
  [ -d "$T/shrunk$d" ] || { show closure; fail "$d is not in the shrunk root"; }
  assert_eq "$(stat -c '%a %u %g' "$ROOT$d")" "$(stat -c '%a %u %g' "$T/shrunk$d")" "mode and owners of $d"
done
assert_grep "$T/err" 'raison: .*created something in them: .*/run'
"$RAISON" why "$T/shrunk.manifest.json" /var/lib/nginx >"$T/why" || { cat "$T/why"; fail "why /var/lib/nginx"; }
assert_grep "$T/why" 'created at run time: mkdir /var/lib/nginx/body'
# /run is also one of the directories every image has (rule base-directories); the trace's reason is there too.
python3 - "$T/shrunk.manifest.json" <<'PY' || fail "/run lacks the trace's reason"
import json, sys
run = [f for f in json.load(open(sys.argv[1]))["files"] if f["path"] == "/run"][0]
assert any("created at run time" in r["detail"] and "/run/nginx.pid" in r["detail"] for r in run["reasons"]), run
PY

traced_run "$T/shrunk" "$T/shrunk.trace" "$T/shrunk.out"
[ "$RUN_RC" = 0 ] || { cat "$T/shrunk.out" "$T/shrunk.out.err"; fail "nginx does not start in its shrunk root"; }
# nginx's notice lines carry the time and pids: the rest must be the same.
same_run() { sed -E 's|^[0-9/]{10} [0-9:]{8} \[notice\] [0-9]+#[0-9]+: |[notice] |' "$1"; }
assert_eq "$(same_run "$T/full.out")" "$(same_run "$T/shrunk.out")" "output in the shrunk root"
echo "PASS: nginx starts, writes its pid file and stops in its shrunk root"

#!/usr/bin/env bash
# A daemon traced while it starts, then shrunk with that trace: nginx-light of the apps root
# (samples/make-debian-apps-root.sh) checks its configuration, starts (master and workers), writes
# /run/nginx.pid, logs under /var/log/nginx, and is stopped; `raison trace` records it, `raison closure
# --seed /usr/sbin/nginx --trace LOG` shrinks, and the same command runs again in the shrunk root (under
# `raison trace`, the same sandbox). Then the --keep paths that make it work, one at a time.
# nginx listens on port 80 of the host's network namespace (the sandbox shares it): it must be free.
# Usage (as root): bench/nginx_trace_then_shrink.sh [RAISON]   (default: build/src/cli/raison)
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
RAISON=$(realpath "${1:-${RAISON:-$here/../build/src/cli/raison}}")
OUT=${OUT:-/tmp/raison-bench-nginx}
ROOT=${RAISON_APPS_ROOT:-/var/cache/raison-tests/bookworm-apps}
[ "$(id -u)" = 0 ] || { echo "needs root" >&2; exit 2; }
[ -x "$ROOT/usr/sbin/nginx" ] || bash "$here/../samples/make-debian-apps-root.sh" "$ROOT"
rm -rf "$OUT"; mkdir -p "$OUT"; cd "$OUT" || exit 2
CMD='nginx -t && nginx && sleep 1 && test -s /run/nginx.pid && echo "pid file /run/nginx.pid written" && ls /var/log/nginx && nginx -s quit && sleep 1 && echo stopped'

echo "\$ raison trace $ROOT -o nginx.trace -- /bin/sh -c '$CMD'"
"$RAISON" trace "$ROOT" -o nginx.trace -- /bin/sh -c "$CMD"; echo "exit $?"
# try ARGS...: shrink with the trace and ARGS, run CMD in the result.
try() {
  rm -rf shrunk shrunk.manifest.json
  echo; echo "\$ raison closure $ROOT --seed /usr/sbin/nginx --trace nginx.trace $* -o shrunk"
  "$RAISON" closure "$ROOT" --seed /usr/sbin/nginx --trace nginx.trace "$@" -o shrunk 2>&1 | grep -E '^raison: [0-9]+ seed'
  echo "\$ raison trace shrunk -o shrunk.trace -- /bin/sh -c '...same...'"
  "$RAISON" trace shrunk -o shrunk.trace -- /bin/sh -c "$CMD" 2>&1 | grep -v '^raison: '
  echo "exit ${PIPESTATUS[0]}"
}
try
try --keep /run
try --keep /run --keep /var/lib/nginx

#!/usr/bin/env bash
# Precision report for the Python analyzer (figures, not assertions about them): for each fixture
# script, the bytes of regular files in its closure, against the bytes the script opened at run time
# in the full root (strace -f, open/openat/execve, children included) and against the closure with
# --python-stdlib-full; also the closure of the bare interpreter (/usr/bin/python3, the startup
# set). It asserts only that the figures exist (each run worked) and lists, as notes, files the
# program opened that the closure lacks (data found at run time by name; the shrunk-root test shows
# whether the program needs them).
source "$(dirname "$0")/../tests/scenarios/lib.sh"
py_private_mounts "$0" "$@"
py_overlay

# closure_bytes ARGS...: "FILES BYTES" of raison's --list for ARGS.
closure_bytes() {
  rz closure "$ROOT" --list "$@"
  [ "$RC" = 0 ] || { show "closure $*"; fail "raison closure $* exited $RC"; }
  py_real "$ROOT" <"$T/out" | sort -u >"$T/kept"
  py_bytes "$ROOT" <"$T/kept"
}
mib() { awk -v b="$1" 'BEGIN { printf "%.1f", b / 1048576 }'; }

read -r bare_files bare_bytes < <(closure_bytes --seed /usr/bin/python3)
printf '| script | opened at run time: files | MiB | raison closure: files | MiB | x opened | --python-stdlib-full: files | MiB | opened, not kept |\n'
printf '| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |\n'
rows=0
for s in $(py_scripts); do
  py_strace "$ROOT" "$T/$s.strace" /usr/bin/python3 "$PY_DIR/$s.py"
  [ "$RUN_RC" = 0 ] || { cat "$T/run.err"; fail "$s.py exited $RUN_RC under strace"; }
  py_opened "$T/$s.strace" >"$T/$s.reached"
  awk '$1 == "open" { print $2 }' "$T/$s.reached" | grep -vxF "$PY_DIR/$s.py" | py_real "$ROOT" | sort -u >"$T/$s.opened"
  read -r of ob < <(py_bytes "$ROOT" <"$T/$s.opened")
  [ "$of" -gt 5 ] || fail "strace saw only $of files opened by $s.py"
  read -r kf kb < <(closure_bytes --seed "$PY_DIR/$s.py")
  missing=$(comm -23 "$T/$s.opened" "$T/kept" | while read -r p; do if [ -f "$ROOT$p" ]; then echo "$p"; fi; done)
  read -r ff fb < <(closure_bytes --seed "$PY_DIR/$s.py" --python-stdlib-full)
  [ "$fb" -ge "$kb" ] || fail "$s.py: the --python-stdlib-full closure ($fb bytes) is smaller than the plain one ($kb)"
  printf '| %s | %d | %s | %d | %s | %.1f | %d | %s | %d |\n' "$s.py" "$of" "$(mib "$ob")" "$kf" "$(mib "$kb")" \
    "$(awk -v a="$kb" -v b="$ob" 'BEGIN { print a / b }')" "$ff" "$(mib "$fb")" "$(printf '%s' "$missing" | grep -c . || true)"
  printf '%s\n' "$missing" | grep . | sed "s|^|# $s.py opened, not in the closure: |" >>"$T/notes" || true
  rows=$((rows + 1))
done
printf '| /usr/bin/python3 alone (startup set) | | | %d | %s | | | | |\n' "$bare_files" "$(mib "$bare_bytes")"
[ ! -s "$T/notes" ] || cat "$T/notes"
echo "PASS: precision report for $rows scripts (the Debian root: $(du -sm "$PY_ROOT_CACHE" | cut -f1) MiB)"

#!/usr/bin/env bash
# How raison's roots fare with real applications, in figures: for each script of tests/scenarios/apps/,
# in an overlay of the apps root (samples/make-debian-apps-root.sh; never written), the script runs in
# the full root (bwrap) and under `strace -f` (the files it opened), then in a root shrunk for it alone
# (`raison closure ROOT --seed /opt/apps/X.py -o OUT`, no hints). Prints a markdown table: whether the
# shrunk run is the same, the shrunk root's files and bytes against the full root's and against the
# bytes the script opened at run time, and how many files it opened that the shrunk root lacks.
# The pass/fail of the same comparison is the scenario test python_apps_run_in_their_shrunk_roots.
# Usage (as root): RAISON=build/src/cli/raison bash bench/apps_baseline.sh
source "$(dirname "$0")/../tests/scenarios/lib.sh"
py_private_mounts "$0" "$@"
apps_overlay
mib() { awk -v b="$1" 'BEGIN { printf "%.1f", b / 1048576 }'; }
read -r full_files full_bytes < <(cd "$ROOT" && find . -xdev -type f -printf '/%P\n' | py_bytes "$ROOT")
echo "| script | same run in the shrunk root | shrunk: files | MiB | opened at run time: files | MiB | opened, not in the shrunk root |"
echo "| --- | --- | ---: | ---: | ---: | ---: | ---: |"
for s in $(cd "$APPS_FIXTURES" && ls -- *.py | sed 's/\.py$//'); do
  py_run "$ROOT" /usr/bin/python3 "$APPS_DIR/$s.py"
  cp "$T/run" "$T/full.out"; cp "$T/run.err" "$T/full.err"; full_rc=$RUN_RC
  py_strace "$ROOT" "$T/$s.strace" /usr/bin/python3 "$APPS_DIR/$s.py"
  py_opened "$T/$s.strace" | awk '$1 == "open" { print $2 }' | py_real "$ROOT" | sort -u >"$T/$s.opened"
  read -r of ob < <(py_bytes "$ROOT" <"$T/$s.opened")
  rz closure "$ROOT" --seed "$APPS_DIR/$s.py" -o "$T/shrunk"
  read -r sf sb < <(cd "$T/shrunk" && find . -type f -printf '/%P\n' | py_bytes "$T/shrunk")
  missing=$(while read -r p; do [ -e "$T/shrunk$p" ] || echo "$p"; done <"$T/$s.opened" | grep -c . || true)
  py_run "$T/shrunk" /usr/bin/python3 "$APPS_DIR/$s.py"
  same=yes
  [ "$RUN_RC" = "$full_rc" ] && cmp -s "$T/run" "$T/full.out" && cmp -s "$T/run.err" "$T/full.err" || same="no: $(tail -1 "$T/run.err")"
  echo "| $s.py | $same | $sf | $(mib "$sb") | $of | $(mib "$ob") | $missing |"
  umount "$ROOT/proc" 2>/dev/null || true
  rm -rf "$T/shrunk" "$T/shrunk.manifest.json"
done
echo "(the full root: $full_files files, $(mib "$full_bytes") MiB)"

#!/usr/bin/env bash
# Soundness of the Python analyzer on real programs: each fixture script of python/ runs in the full
# Debian root (an overlay of the cached one) under a probe that records, at exit, every module of
# sys.modules loaded from a file and every file mapped in the process (extension modules, the
# libraries they need or dlopen, and data files such as glibc's gconv-modules.cache and locale files).
# Each must be in raison's closure of the script (`--list`, links resolved in the root); a miss names
# the script, the module and the file.
source "$(dirname "$0")/lib.sh"
py_private_mounts "$0" "$@"
py_overlay

misses=0 checked=0
for s in $(py_scripts); do
  py_run "$ROOT" /usr/bin/python3 "$PY_DIR/_probe.py" 3 "$PY_DIR/$s.py" 3>"$T/$s.probe"
  [ "$RUN_RC" = 0 ] || { cat "$T/run" "$T/run.err"; fail "$s.py exited $RUN_RC in the full root"; }
  grep -q '^module' "$T/$s.probe" && grep -q '^map' "$T/$s.probe" || { cat "$T/$s.probe"; fail "the probe of $s.py reported nothing"; }
  ! grep -q '^error' "$T/$s.probe" || { cat "$T/$s.probe"; fail "the probe of $s.py could not read /proc/self/maps"; }

  rz closure "$ROOT" --seed "$PY_DIR/$s.py" --list
  [ "$RC" = 0 ] || [ "$RC" = 1 ] || { show "closure $s"; fail "raison closure of $s.py exited $RC"; }
  py_real "$ROOT" <"$T/out" | sort -u >"$T/$s.kept"
  cut -f3 "$T/$s.probe" | py_real "$ROOT" >"$T/$s.real"
  paste "$T/$s.probe" "$T/$s.real" >"$T/$s.both"
  while IFS=$'\t' read -r kind module file real; do
    case "$file" in "$PY_DIR"/_probe.py) continue ;; esac
    checked=$((checked + 1))
    if ! grep -qxF -- "$real" "$T/$s.kept"; then
      misses=$((misses + 1))
      if [ "$kind" = module ]; then
        echo "MISS: $s.py: module $module, file $file ($real) is loaded at run time but not in the closure"
      else
        echo "MISS: $s.py: $file ($real) is mapped at run time but not in the closure"
      fi
    fi
  done <"$T/$s.both"
  note "$s.py: $(grep -c '^module' "$T/$s.probe") modules from files, $(grep -c '^map' "$T/$s.probe") mapped files at run time; closure $(wc -l <"$T/$s.kept") paths"
done
[ "$misses" = 0 ] || fail "$misses of $checked run-time files are not in raison's closures"
echo "PASS: $checked run-time files; every module and mapped file is in the closures"

#!/usr/bin/env bash
# Cleanup on every path (issue 14, reproducer 7): SIGTERM and SIGINT in the middle of a shrink (while it
# stages, and while its output is under construction) remove the staging directory and the output under
# construction, and the run ends with 128+N; a run killed by SIGKILL leaves its staging directory, which
# the next run that stages an image reclaims (marked as raison's, its owner's lock gone), and no output;
# a full disk (a small tmpfs as TMPDIR and as the output's directory) is one clear line, exit 3, and
# nothing left on it.
source "$(dirname "$0")/lib.sh"
py_private_mounts "$0" "$@"
private_tmpdir
IMG=$(debian_image)
OUTS=$T/outs
mkdir -p "$OUTS"
nothing_left() {  # nothing_left WHAT: TMPDIR and the outputs' directory are empty
  [ -z "$(ls -A "$TMPDIR")" ] || { ls -la "$TMPDIR"; fail "$1: left in TMPDIR"; }
  [ -z "$(ls -A "$OUTS")" ] || { ls -la "$OUTS"; fail "$1: left beside the output"; }
}

# signal_when SIG OUT WHAT GLOB: a shrink to OUT gets SIG as soon as GLOB names something (its staging
# directory, or its output under construction), so the signal lands in the middle on any machine speed.
signal_when() {
  local sig=$1 out=$2 what=$3 glob=$4 rc=0 i
  "$RAISON" shrink "oci:$IMG:bookworm" -o "$out" >"$T/out" 2>"$T/err" &
  local pid=$!
  for ((i = 0; i < HANG_GUARD * 50; i++)); do
    compgen -G "$glob" >/dev/null && break
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.02
  done
  compgen -G "$glob" >/dev/null || { kill -KILL "$pid"; fail "SIG$sig: $what never appeared (run ended or hung)"; }
  kill -"$sig" "$pid"
  wait "$pid" || rc=$?
  local want=$((128 + $(kill -l "$sig")))
  [ "$rc" = "$want" ] || { cat "$T/err"; fail "SIG$sig while $what exists, shrink -o $out: exit $rc, expected $want"; }
  nothing_left "SIG$sig while $what exists, shrink -o $out"
}
signal_when TERM "$OUTS/dir" "the staging directory" "$TMPDIR/raison-*"
signal_when INT "$OUTS/img.tar.gz" "the staging directory" "$TMPDIR/raison-*"
signal_when TERM "$OUTS/dir" "the output under construction" "$OUTS/.dir.raison-tmp-*"
signal_when INT "$OUTS/img.tar.gz" "the output under construction" "$OUTS/.img.tar.gz.raison-tmp-*"

# SIGKILL: nothing can run; the staging directory stays, the output does not appear.
"$RAISON" shrink "oci:$IMG:bookworm" -o "$OUTS/killed.tar" >/dev/null 2>&1 &
pid=$!
for _ in $(seq 100); do [ -n "$(ls -A "$TMPDIR")" ] && break; sleep 0.1; done
sleep 0.5  # past the mark and the lock, long before the output (a run takes seconds)
kill -KILL "$pid"; wait "$pid" 2>/dev/null || true
left=$(ls -A "$TMPDIR")
[[ "$left" =~ ^raison-[A-Za-z0-9]{6}$ ]] || fail "after SIGKILL, TMPDIR holds '$left', not one staging directory"
[ ! -e "$OUTS/killed.tar" ] || fail "a SIGKILLed run left an output"
# A directory of the same kind of name that raison did not make (no mark) stays, and so does a link.
mkdir "$TMPDIR/raison-notour"; ln -s / "$TMPDIR/raison-alink1"
rz closure "oci:$IMG:bookworm" --seed /bin/true --list
expect_rc 0 "closure after a SIGKILLed run"
[ ! -e "$TMPDIR/$left" ] || fail "the next run did not reclaim $left"
[ -d "$TMPDIR/raison-notour" ] && [ -L "$TMPDIR/raison-alink1" ] || fail "a directory raison did not make was removed"
rm -rf "$TMPDIR"/* "$OUTS"/.killed.tar.raison-tmp-*

# A full disk: 8 MiB for the staging directory and the output.
FULL=$T/full
mkdir -p "$FULL"
mount -t tmpfs -o size=8m tmpfs "$FULL" || fail "cannot mount a small tmpfs"
trap 'umount -l "$FULL" 2>/dev/null || true; rm -rf "$T"' EXIT
# The one line names the disk that is full: the write that failed, or the free-space check raison makes
# before writing a directory output (whichever comes first).
FULL_DISK='No space left on device|bytes free there'
mkdir "$FULL/tmp" "$FULL/out"
for out in "$FULL/out/dir" "$FULL/out/img.tar"; do
  TMPDIR=$FULL/tmp rz shrink "oci:$IMG:bookworm" -o "$out"
  expect_rc 3 "shrink on a full disk"
  [ "$(grep -c '^raison: ' "$T/err")" = 1 ] || { cat "$T/err"; fail "not one line for a full disk"; }
  assert_grep "$T/err" "$FULL_DISK"
  [ -z "$(ls -A "$FULL/tmp" "$FULL/out" | grep -v ':$' | grep .)" ] || { ls -laR "$FULL"; fail "a full disk left something"; }
done
# The staging fits, the output does not: TMPDIR elsewhere.
rz shrink "oci:$IMG:bookworm" -o "$FULL/out/dir"
expect_rc 3 "output on a full disk"
assert_grep "$T/err" "$FULL_DISK"
[ -z "$(ls -A "$FULL/out")" ] || { ls -la "$FULL/out"; fail "a full output disk kept a partial output"; }
umount "$FULL"
echo "PASS: signals clean up, SIGKILL leftovers are reclaimed, a full disk leaves nothing"

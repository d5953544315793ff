#!/usr/bin/env bash
# While `raison shrink` reads an image's layers and writes its output, a progress line ("raison:
# reading layers: … done, … MiB at … MiB/s", "raison: writing: N of M paths done, …") is drawn on
# stderr when stderr is a terminal: a shrink run inside tmux shows it (tmux capture-pane, polled while
# the run lasts) and it is gone from the pane at the end. With stderr a file, or with --quiet on the
# terminal, not one byte of it is printed (no "\r", no escape).
source "$(dirname "$0")/lib.sh"
need_root
need_tool tmux
private_tmpdir
IMG=$(debian_image)

# Not a terminal: the same shrink, stderr to a file.
rz shrink "oci:$IMG:bookworm" -o "oci:$T/piped:x"
expect_rc 0 "shrink, stderr a file"
! grep -q 'done, ' "$T/err" || fail "progress text in a non-terminal stderr: $(grep 'done, ' "$T/err" | head -1)"
! grep -q $'[\r\x1b]' "$T/err" || fail "carriage return or escape in a non-terminal stderr"

# A terminal: tmux runs the shrink in a pane 200 columns wide; the pane is captured until it ends.
sock=$T/tmux.sock
run_in_tmux() {  # run_in_tmux OUT ARGS...: raison ARGS in a fresh pane; the panes seen every 50 ms into $T/panes
  local out=$1; shift
  rm -f "$T/done" "$T/panes"
  printf '%q ' "$RAISON" "$@" >"$T/cmd"
  printf '; echo $? >%q; sleep 30\n' "$T/done" >>"$T/cmd"
  tmux -S "$sock" new-session -d -x 200 -y 20 "bash $T/cmd"
  for _ in $(seq 1 6000); do
    tmux -S "$sock" capture-pane -p >>"$T/panes" 2>/dev/null || true
    [ -f "$T/done" ] && break
    sleep 0.05
  done
  [ -f "$T/done" ] || fail "raison $* did not finish in the tmux pane"
  sleep 0.2
  tmux -S "$sock" capture-pane -p >"$out"
  tmux -S "$sock" kill-server 2>/dev/null || true
}
trap 'tmux -S "$sock" kill-server 2>/dev/null || true; rm -rf "$T"' EXIT
run_in_tmux "$T/final" shrink "oci:$IMG:bookworm" -o "oci:$T/tty:x"
[ "$(cat "$T/done")" = 0 ] || { cat "$T/final" >&2; fail "shrink in tmux exited with $(cat "$T/done")"; }
grep -E '^raison: (reading layers: [0-9]+ of 1 layers|writing: [0-9]+ of [0-9]+ paths) done, [0-9.]+ (B|KiB|MiB)( at [0-9.]+ (B|KiB|MiB)/s)?' "$T/panes" |
  sort -u >"$T/lines" || true
[ -s "$T/lines" ] || { tail -40 "$T/panes" >&2; fail "no progress line seen in the pane during the shrink"; }
note "progress lines captured from the pane (first and last):"
head -1 "$T/lines" >&2; tail -1 "$T/lines" >&2
# Erased at the end: the final pane has the summary and no progress text.
grep -q '^raison: kept [0-9]* of [0-9]* files' "$T/final" || { cat "$T/final" >&2; fail "no footprint line in the final pane"; }
! grep -q ' done, ' "$T/final" || { cat "$T/final" >&2; fail "a progress line is left in the final pane"; }

# --quiet on the terminal: nothing.
run_in_tmux "$T/final-quiet" shrink "oci:$IMG:bookworm" -o "oci:$T/quiet:x" --quiet
[ "$(cat "$T/done")" = 0 ] || fail "shrink --quiet in tmux exited with $(cat "$T/done")"
! grep -q ' done, ' "$T/panes" || fail "progress text with --quiet: $(grep ' done, ' "$T/panes" | head -1)"
echo PASS

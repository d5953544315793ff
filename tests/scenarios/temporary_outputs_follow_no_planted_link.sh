#!/usr/bin/env bash
# Temporary output files follow no link planted at their name (issue 14, reproducer 11): the manifest's
# temporary (write_file_atomically) is created O_CREAT|O_EXCL|O_NOFOLLOW under a random name in the
# directory held open, and the strace log of `raison trace` goes to a file with no name at all. Links
# planted at every name the old scheme could use (NAME.raison-tmp-PID, LOG.raw-PID for the next pids)
# point at a victim file, which must stay as it was; strace is the oracle for the flags.
source "$(dirname "$0")/lib.sh"
need_root
need_tool strace
private_tmpdir
R=$T/root; make_root "$R"
cc_exe "$R/usr/bin/prog" 'int main(void) { return 0; }'
echo 'victim, untouched' >"$T/victim"
OUT=$T/o/out
mkdir -p "$T/o"
next=$(cat /proc/sys/kernel/ns_last_pid 2>/dev/null || echo $$)
for pid in $(seq "$next" $((next + 300))); do
  ln -s "$T/victim" "$OUT.manifest.json.raison-tmp-$pid"
  ln -s "$T/victim" "$T/o/.out.manifest.json.raison-tmp-$pid"
  ln -s "$T/victim" "$T/o/trace.log.raw-$pid"
done

ASAN_OPTIONS=$ASAN_UNDER_PTRACE strace -f -o "$T/strace" -e trace=openat,open "$RAISON" closure "$R" --seed /usr/bin/prog -o "$OUT" >"$T/out" 2>"$T/err" \
  || { cat "$T/err"; fail "closure -o with planted links"; }
assert_eq 'victim, untouched' "$(cat "$T/victim")" "the victim after closure -o"
python3 - "$OUT.manifest.json" <<'PY' || fail "the manifest is not whole"
import json, sys
assert json.load(open(sys.argv[1]))["files"]
PY
grep -E 'openat\(.*\.out\.manifest\.json\.raison-tmp-[0-9]+-[A-Za-z0-9]{6}".*O_CREAT' "$T/strace" >"$T/creat" \
  || { grep manifest "$T/strace"; fail "no temporary of the manifest in the trace"; }
grep -q 'O_EXCL' "$T/creat" && grep -q 'O_NOFOLLOW' "$T/creat" || { cat "$T/creat"; fail "the temporary is not O_EXCL|O_NOFOLLOW"; }

rz trace "$R" -o "$T/o/trace.log" -- /usr/bin/prog
expect_rc 0 "trace with planted links"
assert_eq 'victim, untouched' "$(cat "$T/victim")" "the victim after trace -o"
assert_grep "$T/o/trace.log" 'execve\("/usr/bin/prog"'
[ -z "$(ls -A "$TMPDIR")" ] || { ls -la "$TMPDIR"; fail "trace left something in TMPDIR"; }
echo "PASS: no temporary output follows a planted link"

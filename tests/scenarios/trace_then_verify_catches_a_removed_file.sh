#!/usr/bin/env bash
# A trace taken by `raison trace` of the image's own app (it serves a page on 127.0.0.1 and fetches it
# with urllib) feeds `raison shrink --trace`; `raison verify` passes on the result with the same
# command, and fails naming the file when one is removed by hand: a CA bundle the run opens (caught
# at run time) or a Python module (caught statically: importlib lists directories, no failed open).
source "$(dirname "$0")/lib.sh"
need_root
need_tool strace
private_tmpdir
IMG=$(debian_image)
rz trace "oci:$IMG:bookworm" -o "$T/fetch.log" -- /usr/bin/python3 /app/fetch.py
expect_rc 0 "raison trace"
grep -q 'fetched /hello ok=True' "$T/out" || { show trace; fail "the traced app did not run"; }
grep -q 'openat(.*"/etc/ssl/certs/ca-certificates.crt"' "$T/fetch.log" || fail "the trace lacks the CA bundle"
rz shrink "oci:$IMG:bookworm" --trace "$T/fetch.log" -o "$T/small"
expect_rc 0 "shrink --trace"
python3 - "$T/small.manifest.json" <<'PY' || fail "manifest evidence"
import json, sys
m = json.load(open(sys.argv[1]))
ev = {f["path"]: f.get("evidence") for f in m["files"]}
assert ev["/etc/ssl/certs/ca-certificates.crt"] == "both", ev["/etc/ssl/certs/ca-certificates.crt"]
assert "only_traced" in m["trace_report"] and "never_traced" in m["trace_report"]
PY
rz verify "$T/small" -- /usr/bin/python3 /app/fetch.py
expect_rc 0 "verify of the untouched output"
assert_grep "$T/err" '^raison: verify: /usr/bin/python3 exited with 0; 0 missing files$'

cp -a "$T/small" "$T/small2"; cp "$T/small.manifest.json" "$T/small2.manifest.json"
rm "$T/small/etc/ssl/certs/ca-certificates.crt"
rz verify "$T/small" -- /usr/bin/python3 /app/fetch.py
expect_rc 1 "verify after removing the CA bundle"
assert_grep "$T/err" '^raison: verify: missing: openat /etc/ssl/certs/ca-certificates.crt failed'

rm -f "$T/small2/usr/lib/python3.11/json/decoder.py" "$T/small2/usr/lib/python3.11/json/__pycache__/decoder."*.pyc
rz verify "$T/small2" -- /usr/bin/python3 /app/fetch.py
expect_rc 1 "verify after removing json/decoder.py"
assert_grep "$T/err" 'does not resolve in .*json/__init__.py: module json.decoder not found'
echo PASS

#!/usr/bin/env bash
# `raison cost` charges each kept file, module and seed the bytes that would leave the closure without
# it and its edges (its dominator subtree). Checked on the bookworm Python root against the closure
# computed again: a script that imports ssl and sqlite3 is shrunk, then the same script without
# `import ssl` in the same root without the ssl module (so that no other module's import of ssl keeps
# it: sqlite3 -> warnings -> ... -> http.client imports ssl too); the bytes `cost --by module` gives for
# ssl are exactly the bytes of the files the second closure no longer keeps (by `raison diff` of the
# two manifests, and by summing the manifests' sizes in Python). The diff of the manifests lists the
# added files with their reasons.
source "$(dirname "$0")/lib.sh"
py_private_mounts "$0" "$@"
py_overlay
app=/opt/cost/app.py
mkdir -p "$ROOT/opt/cost"
cat >"$ROOT$app" <<'PY'
import sqlite3
import ssl

db = sqlite3.connect(":memory:")
print(ssl.OPENSSL_VERSION, db.execute("select sqlite_version()").fetchone()[0])
PY
rz closure "$ROOT" --seed "$app" --manifest "$T/with.json"
expect_rc 0 "closure with import ssl"
# ssl's cost computed afresh from the root equals the one read from the manifest.
ssl_of() { python3 -c 'import json,sys; print(next(r["bytes"] for r in json.load(open(sys.argv[1]))["rows"] if r["name"] == "ssl"))' "$1"; }
rz cost "$ROOT" --seed "$app" --by module --top 0 --json
expect_rc 0 "cost of the root"
ssl_root=$(ssl_of "$T/out")
sed -i -e '/^import ssl$/d' -e 's/ssl.OPENSSL_VERSION, //' "$ROOT$app"
grep -q ssl "$ROOT$app" && fail "the script still names ssl"
rm "$ROOT/usr/lib/python3.11/ssl.py"  # in the overlay: the module is gone, with every import of it
rz closure "$ROOT" --seed "$app" --manifest "$T/without.json"
[ "$RC" = 0 ] || [ "$RC" = 1 ] || { show "closure without ssl"; fail "closure without ssl: exit $RC"; }

# The cost of ssl, from the first manifest and from the root (same closure, same figure).
rz cost "$T/with.json" --by module --top 0 --json
expect_rc 0 "cost --by module"
cp "$T/out" "$T/cost.json"
ssl=$(ssl_of "$T/cost.json")
assert_eq "$ssl_root" "$ssl" "the cost of ssl from the root and from the manifest"

# What the closure lost: paths of the first manifest missing from the second, regular files' sizes.
lost=$(python3 - "$T/with.json" "$T/without.json" <<'PY'
import json, sys
a, b = (json.load(open(p)) for p in sys.argv[1:3])
kept = {f["path"] for f in b["files"]}
print(sum(f.get("size", 0) for f in a["files"] if f["path"] not in kept and f["type"] == "file"))
PY
)
[ "$lost" -gt 500000 ] || fail "the closure without ssl lost only $lost bytes"
assert_eq "$lost" "$ssl" "bytes charged to ssl vs bytes the closure loses without import ssl"
rz diff "$T/with.json" "$T/without.json" --json
expect_rc 0 "diff of the manifests"
assert_eq "$lost" "$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["removed_bytes"])' "$T/out")" "diff's removed bytes"
note "ssl costs $ssl bytes; the closure without import ssl loses $lost bytes"

# The files ssl keeps alone are ssl's: _ssl and libssl are among the removed; libcrypto too unless
# another module (_hashlib) also needs it.
python3 - "$T/out" <<'PY' || fail "the removed files"
import json, sys
removed = [c["path"] for c in json.load(open(sys.argv[1]))["removed"]]
assert any("/_ssl." in p for p in removed), removed
assert any(p.endswith("/libssl.so.3") for p in removed), removed
PY

# The other way round, the added files come with their reasons: _ssl is imported by ssl.
rz diff "$T/without.json" "$T/with.json"
expect_rc 0 "diff, the other way"
assert_grep "$T/out" '^added \([0-9]+, largest first\):'
assert_grep "$T/out" 'because import from /usr/lib/python3\.11/ssl\.py'

# By seed: one seed, charged the whole closure but what the closure's own rules keep.
rz cost "$T/with.json" --by seed
expect_rc 0 "cost --by seed"
assert_grep "$T/out" "  $app\$"
# By file and by package: the total heads the table and the rows are sorted by bytes.
for by in file package; do
  rz cost "$T/with.json" --by $by --top 5
  expect_rc 0 "cost --by $by"
  [ "$(grep -c '%' "$T/out")" = 5 ] || { cat "$T/out"; fail "--top 5 printed other than 5 rows"; }
done
# By package: the owners come from the root's dpkg database (the manifest records them); each library
# is charged to the package dpkg -S names for it, and the script, which no package lists, to none.
rz cost "$T/with.json" --by package --top 0 --json
expect_rc 0 "cost --by package --json"
for lib in /usr/lib/x86_64-linux-gnu/libssl.so.3 /usr/lib/x86_64-linux-gnu/libsqlite3.so.0; do
  owner=$(dpkg --admindir="$ROOT/var/lib/dpkg" -S "$lib" | cut -d: -f1)
  got=$(python3 -c 'import json,os,sys
rows = json.load(open(sys.argv[1]))["rows"]
print(",".join(r["name"] for r in rows if any(os.path.basename(p) == os.path.basename(sys.argv[2]) for p in r["paths"])))' "$T/out" "$lib")
  assert_eq "$owner" "$got" "the package cost charges $lib to"
done
python3 -c 'import json,sys
rows = json.load(open(sys.argv[1]))["rows"]
assert any(r["name"] == "(no package)" and sys.argv[2] in r["paths"] for r in rows), "the script is not under (no package)"' \
  "$T/out" "$app" || fail "cost --by package: $app is not charged to (no package)"

rz cost "$T/with.json" --by nothing
expect_rc 2 "an unknown --by"
echo PASS

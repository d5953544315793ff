#!/usr/bin/env bash
# `raison diff A B` between the bookworm root and the root shrunk from it gives the paths and bytes
# that find and du give: B's files are all A's (nothing added; changed only the package database raison
# trims, as cmp finds), the removed paths are A's
# paths (all but directories) that B lacks, and every byte total is du's over the same regular files
# (a hardlinked file counted once). --fail-on-growth exits 1 exactly when B grew by more than the
# limit, 0 otherwise; a limit that is not one is a usage error (2).
source "$(dirname "$0")/lib.sh"
need_root
py_cached_root
A=$PY_ROOT_CACHE
B=$T/shrunk
rz closure "$A" --seed /usr/bin/python3 --python-import ssl --python-import sqlite3 -o "$B"
expect_rc 0 "closure"
rz diff "$A" "$B" --json
expect_rc 0 "diff"
cp "$T/out" "$T/diff.json"
field() { python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); print(eval(sys.argv[2], {}, d))' "$T/diff.json" "$1"; }

# du's bytes over a list of paths (NUL-separated on stdin): regular files only, hardlinks once.
du_bytes() { du -cb --apparent-size --files0-from=- 2>/dev/null | tail -1 | cut -f1; }
paths() { (cd "$1" && find . ! -type d -printf '%P\n' | sort); }
regular0() { (cd "$1" && find . -type f -print0); }

assert_eq "$(regular0 "$A" | (cd "$A" && du_bytes))" "$(field 'a["bytes"]')" "A's bytes vs du"
assert_eq "$(regular0 "$B" | (cd "$B" && du_bytes))" "$(field 'b["bytes"]')" "B's bytes vs du"
assert_eq "$(comm -13 <(paths "$A") <(paths "$B") | wc -l)" "$(field 'len(added)')" "added paths vs find"
# Changed: the files of both whose bytes differ (cmp), which are the package database raison trims to
# the kept files (/var/lib/dpkg: status and the kept packages' lists); every other file is a copy.
comm -12 <(paths "$A") <(paths "$B") | while IFS= read -r p; do
  if [ -f "$A/$p" ] && [ ! -L "$A/$p" ] && ! cmp -s "$A/$p" "$B/$p"; then echo "/$p"; fi
done | LC_ALL=C sort >"$T/changed.cmp"
assert_eq "$(cat "$T/changed.cmp")" "$(field '"\n".join(sorted(c["path"] for c in changed))')" "the changed paths vs cmp"
[ -s "$T/changed.cmp" ] || fail "no changed file: the trimmed package database should differ"
if grep -v '^/var/lib/dpkg/' "$T/changed.cmp"; then fail "files changed outside the trimmed package database"; fi
comm -23 <(paths "$A") <(paths "$B") >"$T/removed.find"
assert_eq "$(wc -l <"$T/removed.find")" "$(field 'len(removed)')" "removed paths vs find"
assert_eq "$(sed 's,^,/,' "$T/removed.find")" "$(field '"\n".join(sorted(c["path"] for c in removed))')" "the removed paths"
removed_du=$(cd "$A" && while IFS= read -r p; do if [ -f "$p" ] && [ ! -L "$p" ]; then printf '%s\0' "$p"; fi; done <"$T/removed.find" | du_bytes)
assert_eq "$removed_du" "$(field 'removed_bytes')" "removed bytes vs du"
growth=$(field 'growth')
assert_eq "$(( $(field 'b["bytes"]') - $(field 'a["bytes"]') ))" "$growth" "growth"
note "diff: $(field 'len(removed)') paths removed, $(field 'removed_bytes') bytes; growth $growth"

# The threshold: A -> B shrinks, so no limit is passed; B -> A grows by -growth bytes.
rz diff "$A" "$B" --fail-on-growth 0
expect_rc 0 "a shrinking diff with --fail-on-growth 0"
assert_grep "$T/out" '^growth: -'
up=$(( -growth ))
rz diff "$B" "$A" --fail-on-growth "$up"
expect_rc 0 "growth equal to the limit"
rz diff "$B" "$A" --fail-on-growth "$(( up - 1 ))"
expect_rc 1 "growth one byte past the limit"
assert_grep "$T/err" 'past --fail-on-growth'
pct=$(python3 -c "print(int(100 * $up / $(field 'b["bytes"]')))")
rz diff "$B" "$A" --fail-on-growth "$(( pct + 1 ))%"
expect_rc 0 "growth under the percent limit"
rz diff "$B" "$A" --fail-on-growth "${pct}%"
expect_rc 1 "growth past the percent limit"
rz diff "$B" "$A" --fail-on-growth lots
expect_rc 2 "a limit that is not one"
echo PASS

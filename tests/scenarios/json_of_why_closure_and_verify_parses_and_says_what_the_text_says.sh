#!/usr/bin/env bash
# `--json` of why, closure and verify is one JSON object on stdout that jq parses, with its "schema",
# and it says what the text output says: closure's paths are --list's lines, why's chain has the
# text's hops (read back from the manifest and computed from the root), a dropped file's package is
# dpkg's and the files that need it are the scripts whose #! names it (grep the oracle), and verify's
# "ok" flips, naming the file, when a kept library is removed (with exit codes as without --json).
source "$(dirname "$0")/lib.sh"
need_root
need_tool jq
py_cached_root
ROOT=$PY_ROOT_CACHE

# closure --list --json: the same paths as --list, and the summary line's counts.
rz closure "$ROOT" --seed /usr/bin/python3 --list
expect_rc 0 "closure --list"
cp "$T/out" "$T/list.txt"
kept_line=$(grep -E '^raison: 1 seed: kept [0-9]+ paths, [0-9]+ regular files' "$T/err") || { show closure; fail "no summary line"; }
rz closure "$ROOT" --seed /usr/bin/python3 --list --list-loaded --json
expect_rc 0 "closure --list --json"
jq -e '.schema == "raison-closure/1" and .complete == true and .seeds == ["/usr/bin/python3"]' "$T/out" >/dev/null ||
  fail "closure --json: schema, complete, seeds: $(head -c 300 "$T/out")"
jq -r '.paths[]' "$T/out" | diff "$T/list.txt" - >&2 || fail "closure --json paths differ from --list"
[ "$(jq -r '"kept \(.kept.paths) paths, \(.kept.regular_files) regular files"' "$T/out")" = \
  "$(echo "$kept_line" | grep -oE 'kept [0-9]+ paths, [0-9]+ regular files')" ] || fail "closure --json counts differ from: $kept_line"
jq -e '.loaded["/usr/bin/python3.11"] | index("/usr/lib/x86_64-linux-gnu/libc.so.6") != null' "$T/out" >/dev/null ||
  fail "closure --json: python3.11 does not load libc.so.6: $(jq -c '.loaded' "$T/out" | head -c 300)"

# A minimal root and its manifest, for why and verify.
rz closure "$ROOT" --seed /usr/bin/python3 -o "$T/small"
expect_rc 0 "closure -o"

# why MANIFEST PATH --json: the chain of the text, hop by hop.
LIBZ=/usr/lib/x86_64-linux-gnu/libz.so.1.2.13
rz why "$T/small.manifest.json" "$LIBZ"
expect_rc 0 "why libz (text)"
grep -oE '^  (-> )?/[^ ]+' "$T/out" | sed 's/^  \(-> \)\{0,1\}//' >"$T/text-hops"
rz why "$T/small.manifest.json" "$LIBZ" --json
expect_rc 0 "why libz --json"
jq -e --arg p "$LIBZ" '.schema == "raison-why/1" and .kept == true and .path == $p and .chain[0].from == "" and .chain[-1].path == $p' \
  "$T/out" >/dev/null || fail "why --json from the manifest: $(cat "$T/out")"
jq -r '.chain[].path' "$T/out" | diff "$T/text-hops" - >&2 || fail "why --json chain differs from the text's hops"
# Each hop starts where the one before ended.
jq -e '[range(1; .chain | length) as $i | .chain[$i].from == .chain[$i - 1].path] | all' "$T/out" >/dev/null ||
  fail "why --json: a hop's from is not the previous hop's path"

# why ROOT PATH --json on a dropped file: dpkg's package, the perl scripts as needing it, exit 4.
rz why "$ROOT" /usr/bin/perl --seed /usr/bin/python3 --json
expect_rc 4 "why perl --json"
version=$(dpkg-query --admindir="$ROOT/var/lib/dpkg" -W -f '${Version}' perl-base)
jq -e --arg v "$version" '.kept == false and .exists == true and .type == "file" and .chain == []
  and .packages == [{"name": "perl-base", "version": $v, "ecosystem": "deb", "arch": "amd64", "via": ""}]' "$T/out" >/dev/null ||
  fail "why perl --json: $(jq -c 'del(.needed_by)' "$T/out")"
jq -r '.needed_by[].from' "$T/out" | sort -u >"$T/needers"
n=0
while IFS= read -r f; do
  [ -x "$f" ] && [ ! -L "$f" ] || continue
  real=$(root_realpath "$ROOT" "${f#"$ROOT"}")
  grep -qxF "$real" "$T/needers" || fail "$real starts with #!/usr/bin/perl but needed_by lacks it"
  n=$((n + 1))
done < <(grep -lr -m1 '^#! */usr/bin/perl' "$ROOT/usr/bin" "$ROOT/usr/sbin" 2>/dev/null | sort -u)
[ "$n" -gt 3 ] || fail "only $n perl scripts: the oracle found nothing to check"
jq -e '.needed_by | all(.kind == "shebang" and .from_kept == false)' "$T/out" >/dev/null || fail "needed_by kinds: $(jq -c '.needed_by[:3]' "$T/out")"

# verify --json: ok on the untouched output; not ok, naming what no longer resolves, without libz.
rz verify "$T/small" --json
expect_rc 0 "verify --json"
jq -e '.schema == "raison-verify/1" and .ok == true and .unresolved == []' "$T/out" >/dev/null || fail "verify --json: $(cat "$T/out")"
rm "$T/small$LIBZ"
rz verify "$T/small" --json
expect_rc 1 "verify --json without libz"
jq -e '.ok == false and (.unresolved | any(.message | test("libz.so.1")))' "$T/out" >/dev/null || fail "verify --json without libz: $(cat "$T/out")"
echo PASS

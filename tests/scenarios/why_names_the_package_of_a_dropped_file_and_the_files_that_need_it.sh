#!/usr/bin/env bash
# `raison why ROOT PATH` on a file the closure drops names its package (from the root's dpkg
# database) and the files of the root that would need it — the analyzers run over every program of
# the root, reasons read backwards: on a Debian root seeded with python3, /usr/bin/perl is perl-base's
# and every script whose #! line names it needs it (grep is the oracle). A file nothing needs says so.
source "$(dirname "$0")/lib.sh"
need_root
py_cached_root
ROOT=$PY_ROOT_CACHE

RC=0
timeout 300 "$RAISON" why "$ROOT" /usr/bin/perl --seed /usr/bin/python3 >"$T/out" 2>"$T/err" || RC=$?
expect_rc 4 "why /usr/bin/perl"
cat "$T/out" >&2
assert_has "$T/out" "/usr/bin/perl is not in the closure: no seed reaches it."
version=$(dpkg-query --admindir="$ROOT/var/lib/dpkg" -W -f '${Version}' perl-base)
assert_has "$T/out" "Package: perl-base $version (deb, amd64)"
assert_grep "$T/out" '^Needed by [0-9]+ files of the root, none reached from the seeds:$'
# The oracle: the executable files of the root whose first line is "#!/usr/bin/perl ...".
n=0
while IFS= read -r f; do
  rel=${f#"$ROOT"}
  [ -x "$f" ] && [ ! -L "$f" ] || continue
  real=$(root_realpath "$ROOT" "$rel")
  grep -qxF "  $real" "$T/out" || fail "$real starts with #!/usr/bin/perl but is not named as needing perl"
  n=$((n + 1))
done < <(grep -lr --include='*' -m1 '^#! */usr/bin/perl' "$ROOT/usr/bin" "$ROOT/usr/sbin" 2>/dev/null | sort -u)
[ "$n" -gt 3 ] || fail "only $n perl scripts in the root: the oracle found nothing to check"
note "$n perl scripts named as needing /usr/bin/perl"

# A file no program needs.
RC=0
timeout 300 "$RAISON" why "$ROOT" /usr/share/doc/dash/copyright --seed /usr/bin/python3 >"$T/out" 2>"$T/err" || RC=$?
expect_rc 4 "why a copyright file"
assert_has "$T/out" "Package: dash $(dpkg-query --admindir="$ROOT/var/lib/dpkg" -W -f '${Version}' dash) (deb, amd64)"
assert_grep "$T/out" '^Nothing in the root needs it \([0-9]+ programs analysed'

#!/usr/bin/env bash
# Every kept file of a real Debian root (debootstrap, cached) names the packages dpkg says own it:
# `dpkg -S` on the full root, with its diversions applied (dash diverts /bin/sh) and /usr-merge links
# resolved (coreutils lists /bin/ls, the file is /usr/bin/ls); the links update-alternatives made
# (/usr/bin/awk -> /etc/alternatives/awk -> /usr/bin/mawk) name the package of the chosen alternative.
# The output's trimmed database answers dpkg-query: -W lists exactly the packages with kept files,
# -S answers for every kept path and only those, a package with no kept file is gone, and a partly
# kept one carries Raison-Trimmed.
source "$(dirname "$0")/lib.sh"
need_root
need_tool dpkg-query
py_cached_root
ROOT=$PY_ROOT_CACHE
OUT=$T/outroot

rz closure "$ROOT" --seed /usr/bin/python3 --seed /bin/sh --seed /usr/bin/awk -o "$OUT"
expect_rc 0 "closure of python3, sh and awk"
assert_grep "$T/err" '^raison: files of [0-9]+ packages kept \([0-9]+ in part\); by bytes:$'
assert_grep "$T/err" '^raison:   libpython3.11-stdlib [^ ]+ \(deb\): [0-9]+ files'

# The oracle: dpkg -S over the whole root, each listed path resolved inside the root (but its last
# component) with the diversions dpkg-divert lists applied, keyed by the file's (dev, inode).
dpkg --admindir="$ROOT/var/lib/dpkg" -S '*' >"$T/dpkg-S" 2>/dev/null || fail "dpkg -S '*' on $ROOT"
dpkg-divert --admindir "$ROOT/var/lib/dpkg" --list >"$T/divert" || fail "dpkg-divert --list"
python3 - "$ROOT" "$T/dpkg-S" "$T/divert" "$OUT.manifest.json" <<'PY' || fail "ownership differs from dpkg -S"
import json, os, re, sys
root, dpkg_s, divert, manifest = sys.argv[1:]

def resolve(path, follow_last=False):
    todo, stack, hops = [c for c in path.split('/') if c], [], 0
    while todo:
        c = todo.pop(0)
        if c in ('.', ''): continue
        if c == '..':
            if stack: stack.pop()
            continue
        stack.append(c)
        full = root + '/' + '/'.join(stack)
        if os.path.islink(full) and (todo or follow_last):
            hops += 1
            assert hops < 40
            t = os.readlink(full); stack.pop()
            if t.startswith('/'): stack = []
            todo = [x for x in t.split('/') if x] + todo
    return '/' + '/'.join(stack)

diversions = {}  # from -> (to, by)
for line in open(divert):
    m = re.match(r'^(?:local )?diversion of (\S+) to (\S+)(?: by (\S+))?$', line.strip())
    assert m, line
    diversions[m.group(1)] = (m.group(2), m.group(3) or ':')

def key(canon):
    st = os.lstat(root + canon)
    return None if os.path.isdir(root + canon) and not os.path.islink(root + canon) else (st.st_dev, st.st_ino)

# Paths a package ships as directories (they hold other paths) are not owned, even where the root has
# a link ("/lib" on a /usr-merged root).
listed = [l.rstrip('\n').split(': ', 1)[1] for l in open(dpkg_s) if not l.startswith('diversion by')]
as_dirs = set()
for p in listed:
    while True:
        p = os.path.dirname(p)
        if p in as_dirs or p == '/': break
        as_dirs.add(p)
expected = {}
for line in open(dpkg_s):
    line = line.rstrip('\n')
    if line.startswith('diversion by') or line.startswith('local diversion'): continue
    pkgs, path = line.split(': ', 1)
    if path in as_dirs: continue
    for pkg in pkgs.split(', '):
        name = pkg.split(':')[0]
        where = path
        if path in diversions and diversions[path][1] != name: where = diversions[path][0]
        canon = resolve(where)
        if not os.path.lexists(root + canon): continue
        k = key(canon)
        if k: expected.setdefault(k, set()).add(name)

m = json.load(open(manifest))
checked = alternatives = 0
bad = []
for f in m['files']:
    if f['type'] == 'dir': continue
    path = f['link_to'] if f['type'] == 'hardlink' else f['path']
    got = {p['name'] for p in f['packages'] if 'via' not in p}
    alt = {p['name'] for p in f['packages'] if p.get('via', '').startswith('alternative ')}
    if not os.path.lexists(root + path): continue  # made by raison (the trimmed database)
    want = expected.get(key(path), set())
    if got != want: bad.append(f"{f['path']}: raison {sorted(got)}, dpkg -S {sorted(want)}")
    if alt:
        alternatives += 1
        target = resolve(f['path'], True)
        want_alt = expected.get(key(target), set())
        if alt != want_alt: bad.append(f"{f['path']} (alternative): raison {sorted(alt)}, dpkg -S of {target} {sorted(want_alt)}")
    checked += 1
if bad: sys.exit('\n'.join(bad[:20]))
sh = [f for f in m['files'] if f['path'] == '/usr/bin/sh']
assert sh and [p['name'] for p in sh[0]['packages']] == ['dash'], sh
assert alternatives >= 2, f'{alternatives} alternative links checked'
assert checked > 300, checked
print(f'# {checked} kept files agree with dpkg -S ({alternatives} alternative links)', file=sys.stderr)
PY

# The trimmed database: dpkg-query -W lists the packages the manifest names, no other.
ADMIN=$OUT/var/lib/dpkg
dpkg-query --admindir="$ADMIN" -W -f '${Package}\n' 2>"$T/dq.err" | sort >"$T/W" || { cat "$T/dq.err"; fail "dpkg-query -W on the output"; }
[ ! -s "$T/dq.err" ] || { cat "$T/dq.err"; fail "dpkg-query warned"; }
python3 -c 'import json,sys; print("\n".join(sorted(p["name"] for p in json.load(open(sys.argv[1]))["packages"] if p["ecosystem"] == "deb")))' \
  "$OUT.manifest.json" >"$T/M"
assert_eq "$(cat "$T/M")" "$(cat "$T/W")" "dpkg-query -W on the output vs the manifest's deb packages"
grep -qx perl-base "$T/W" && fail "perl-base has no kept file but is listed"
dpkg-query --admindir="$ADMIN" -W perl-base >/dev/null 2>&1 && fail "dpkg-query -W perl-base answers on the output"
dpkg-query --admindir="$ADMIN" -S /usr/bin/perl >/dev/null 2>&1 && fail "dpkg-query -S /usr/bin/perl answers on the output"
assert_eq "dash" "$(dpkg-query --admindir="$ADMIN" -S /bin/sh 2>/dev/null | grep -v "^diversion by" | sed 's/: .*//')" "dpkg-query -S /bin/sh on the output"
assert_eq "libpython3.11-minimal:amd64" "$(dpkg-query --admindir="$ADMIN" -S /usr/lib/python3.11/os.py 2>/dev/null | sed 's/: .*//')" \
  "dpkg-query -S os.py on the output"
partial=$(dpkg-query --admindir="$ADMIN" -W -f '${Package} ${Raison-Trimmed}\n' libpython3.11-stdlib)
[[ "$partial" =~ ^libpython3.11-stdlib\ [0-9]+\ of\ [0-9]+\ files\ kept$ ]] || fail "no Raison-Trimmed field: $partial"

# -S on the output answers exactly the paths of the original's -S whose file was kept, each with the
# packages still there (lines normalised: packages sorted, architecture qualifiers dropped).
dpkg-query --admindir="$ADMIN" -S '*' >"$T/out-S" 2>/dev/null
python3 - "$ROOT" "$OUT" "$T/dpkg-S" "$T/out-S" "$T/W" <<'PY' || fail "dpkg-query -S on the output differs from the kept part of the original's"
import os, sys
root, out, orig_s, out_s, listed = sys.argv[1:]
kept_pkgs = set(open(listed).read().split())
def resolve(path):
    todo, stack = [c for c in path.split('/') if c], []
    while todo:
        c = todo.pop(0)
        if c in ('.', ''): continue
        if c == '..':
            if stack: stack.pop()
            continue
        stack.append(c)
        full = root + '/' + '/'.join(stack)
        if os.path.islink(full) and todo:
            t = os.readlink(full); stack.pop()
            if t.startswith('/'): stack = []
            todo = [x for x in t.split('/') if x] + todo
    return '/' + '/'.join(stack)
def parse(f, keep):
    out = set()
    for line in open(f):
        line = line.rstrip('\n')
        if line.startswith('diversion by'): continue
        pkgs, path = line.split(': ', 1)
        names = sorted({p.split(':')[0] for p in pkgs.split(', ')} & keep)
        if names: out.add(', '.join(names) + ': ' + path)
    return out
want = {l for l in parse(orig_s, kept_pkgs) if os.path.lexists(out + resolve(l.split(': ', 1)[1]))}
got = parse(out_s, kept_pkgs | {'*'} | set(p.split(':')[0] for l in open(out_s) for p in l.split(': ', 1)[0].split(', ')))
if want != got:
    sys.exit('\n'.join(['only in the original: ' + l for l in sorted(want - got)][:10] + ['only in the output: ' + l for l in sorted(got - want)][:10]))
print(f'# dpkg-query -S on the output: {len(got)} paths, as the original answers for the kept ones', file=sys.stderr)
PY
note "$(wc -l <"$T/W") packages in the output's database"

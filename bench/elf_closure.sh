#!/usr/bin/env bash
# Benchmark: the ELF closure of every dynamically linked ELF file in this machine's /usr/bin, computed
# by raison (direct and LIEF readers), lddtree (pax-utils) and libtree, each in ONE call with every
# file as an argument; ldd (once per file) is the reference. Measures wall time and peak RSS with
# /usr/bin/time -v, and counts the files whose set of objects equals ldd's. Prints a markdown table
# (also written to $OUT/table.md). Usage: bench/elf_closure.sh [RAISON]   (default: build/src/cli/raison)
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
RAISON=${1:-${RAISON:-$here/../build/src/cli/raison}}
OUT=${OUT:-/tmp/raison-bench}
DIR=${DIR:-/usr/bin}
rm -rf "$OUT"; mkdir -p "$OUT"
# lddtree is a python3 script needing python3-pyelftools: run it with Debian's python, not a pyenv one.
PY=/usr/bin/python3
for t in "$RAISON" /usr/bin/time /usr/bin/lddtree "$(command -v libtree)" "$(command -v ldd)"; do
  [ -x "$t" ] || { echo "missing: $t" >&2; exit 2; }
done
"$PY" -c 'import elftools' 2>/dev/null || { echo "lddtree needs python3-pyelftools" >&2; exit 2; }

# The seeds: regular ELF files with a PT_DYNAMIC segment (links left out), and whether they have PT_INTERP.
"$PY" "$here/elf_seeds.py" "$DIR" >"$OUT/seeds.tsv"
cut -f1 "$OUT/seeds.tsv" >"$OUT/seeds"
n=$(wc -l <"$OUT/seeds")
echo "# $n dynamic ELF files in $DIR" >&2

# timed NAME CMD...: runs CMD once under /usr/bin/time -v; stdout to $OUT/NAME.out.
timed() {
  local name=$1; shift
  /usr/bin/time -v -o "$OUT/$name.time" "$@" >"$OUT/$name.out" 2>"$OUT/$name.err" || true
}
seeds_args=(); while read -r f; do seeds_args+=(--seed "$f"); done <"$OUT/seeds"
mapfile -t files <"$OUT/seeds"
timed raison "$RAISON" closure / --analyzers elf --list-loaded -q "${seeds_args[@]}"
timed raison-lief "$RAISON" closure / --analyzers elf --list-loaded -q --elf-reader lief "${seeds_args[@]}"
timed lddtree "$PY" /usr/bin/lddtree -l "${files[@]}"
# ldd and libtree take a loop, one file per call (ldd takes one file; libtree stops at the first file
# with a missing library), two at a time; each batch writes its own file so outputs do not interleave.
loop() {  # loop NAME 'COMMAND "$f"': runs COMMAND for each seed, "@@ FILE" / "@@rc N" around its output
  mkdir -p "$OUT/$1.parts"
  xargs -d '\n' -P2 -n50 sh -c 'o=$(mktemp -p "$0"); for f; do echo "@@ $f"; '"$2"' 2>&1; echo "@@rc $?"; done >"$o"' \
    "$OUT/$1.parts" <"$OUT/seeds"
  cat "$OUT/$1.parts"/*
}
export -f loop; export OUT
timed libtree bash -c 'loop libtree "libtree -p -vvv \"\$f\""'
timed ldd bash -c 'loop ldd "ldd \"\$f\""'

"$PY" - "$OUT" <<'PY' | tee "$OUT/table.md"
import collections, os, re, sys
out = sys.argv[1]
seeds = dict(l.rstrip('\n').split('\t') for l in open(f'{out}/seeds.tsv'))
order = list(seeds)
LOADER = os.path.realpath('/lib64/ld-linux-x86-64.so.2')
rp = os.path.realpath

def ldd_sets():
    sets, cur, lines = {}, None, []
    for l in open(f'{out}/ldd.out'):
        l = l.rstrip('\n')
        if l.startswith('@@ '):
            cur, lines = l[3:], []
        elif l.startswith('@@rc '):
            text = '\n'.join(lines)
            if l != '@@rc 0' or 'not a dynamic executable' in text or 'statically linked' in text:
                continue
            s = set()
            for x in lines:
                x = x.strip()
                m = re.match(r'(\S+) => (\S+)', x)
                if x.startswith('linux-vdso') or not x:
                    continue
                if m:
                    s.add('missing:' + m.group(1) if m.group(2) == 'not' else rp(m.group(2)))
                elif x.startswith('/'):
                    s.add(rp(x.split()[0]))
            sets[cur] = s
        else:
            lines.append(l)
    return sets

def raison_sets(name):
    sets = collections.defaultdict(set)
    for l in open(f'{out}/{name}.out'):
        e, o = l.rstrip('\n').split('\t')
        if o != e:
            sets[e].add(o)
    return sets

def lddtree_sets():
    sets, cur, i = {}, None, 0
    for l in open(f'{out}/lddtree.out'):
        l = l.rstrip('\n')
        # Each file's list starts with the file itself, in argument order.
        j = order.index(l, i) if l in seeds and l in order[i:] else -1
        if j >= 0:
            cur, i = l, j + 1
            sets[cur] = set()
        elif cur:
            sets[cur].add(rp(l) if l.startswith('/') else 'missing:' + l)
    return sets

def libtree_sets():
    sets, cur = {}, None
    for l in open(f'{out}/libtree.out'):
        l = l.rstrip('\n')
        if l.startswith('@@ '):
            cur = l[3:]
            sets[cur] = set()
            continue
        if l.startswith('@@rc ') or not l or l[0] not in ' │├└' or '┊' in l:
            continue  # the file's own line, an error line, or a "paths considered" note
        n = re.search(r'[─ ](\S+) not found', l)
        m = re.search(r'[─ ](/\S+)', l)
        if n:
            sets[cur].add('missing:' + n.group(1))
        elif m:
            sets[cur].add(rp(m.group(1)))
    return sets

def timing(name):
    t = open(f'{out}/{name}.time').read()
    wall = re.search(r'Elapsed \(wall clock\) time.*: (\S+)', t).group(1)
    parts = [float(x) for x in wall.split(':')]
    secs = sum(v * 60 ** k for k, v in enumerate(reversed(parts)))
    rss = int(re.search(r'Maximum resident set size \(kbytes\): (\d+)', t).group(1))
    status = re.search(r'Exit status: (\d+)', t)
    return secs, rss / 1024, status.group(1) if status else '?'

ref = ldd_sets()
def ident(p):
    st = os.stat(p)
    return (st.st_dev, st.st_ino)
def agree(sets, name):
    ok, bad = 0, []
    # raison lists one entry per file (device, inode): a hardlinked seed appears under one of its names.
    by_id = {ident(e): e for e in sets}
    for f, want in ref.items():
        entry = f if f in sets else by_id.get(ident(f))
        got = set(sets.get(entry, set())) - {entry}
        want = {w for w in want if w != rp(f)}
        got = {g for g in got if g != rp(f)}
        if seeds[f] == 'nointerp':
            want.discard(LOADER); got.discard(LOADER)
        # raison lists only what it found; compare found objects.
        want_found = {w for w in want if not w.startswith('missing:')}
        got_found = {g for g in got if not g.startswith('missing:')}
        if got_found == want_found:
            ok += 1
        else:
            bad.append(f'{f}: only {name}: {sorted(got_found - want_found)}; only ldd: {sorted(want_found - got_found)}')
    with open(f'{out}/{name}.diff', 'w') as d:
        d.write('\n'.join(bad) + '\n')
    return ok

rows = [('raison (direct reader)', 'raison', raison_sets('raison'), '1 call'),
        ('raison --elf-reader lief', 'raison-lief', raison_sets('raison-lief'), '1 call'),
        ('lddtree (pax-utils 1.3)', 'lddtree', lddtree_sets(), '1 call'),
        ('libtree 3.1', 'libtree', libtree_sets(), 'loop, 1 file per call, 2 at a time'),
        ('ldd (reference)', 'ldd', {f: s for f, s in ref.items()}, 'loop, 1 file per call, 2 at a time')]
print(f'{len(seeds)} dynamic ELF files in /usr/bin; ldd answered for {len(ref)}.\n')
print('| tool | how | wall time (s) | peak RSS (MiB) | exit | files whose set equals ldd\'s |')
print('| --- | --- | ---: | ---: | ---: | ---: |')
for label, name, sets, how in rows:
    secs, rss, status = timing(name)
    ok = agree(sets, name)
    print(f'| {label} | {how} | {secs:.2f} | {rss:.0f} | {status} | {ok} / {len(ref)} |')
PY
echo "details: $OUT/*.diff (one line per file that differs from ldd)" >&2

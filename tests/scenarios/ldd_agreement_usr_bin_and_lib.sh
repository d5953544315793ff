#!/usr/bin/env bash
# On this machine's own /, for every dynamically linked ELF file directly in /usr/bin and
# /usr/lib/x86_64-linux-gnu, raison's loader simulation maps the same set of objects as glibc's
# loader reports through ldd (real paths; linux-vdso left out). One raison call with every file as a
# seed; ldd once per file. Hardlinked names are one file to raison, listed under one of its names. Files ldd refuses (static, another loader, not loadable) are left out.
# A seed without PT_INTERP (a library) is compared without the dynamic loader: ldd lists ld.so
# because ld.so is the program running, not because the library needs it.
source "$(dirname "$0")/lib.sh"
need_tool ldd; need_tool python3
python3 - /usr/bin /usr/lib/$TRIPLET >"$T/seeds" <<'PY'
# Regular ELF files with a PT_DYNAMIC segment, one per line (symlinks left out: their targets are listed).
import os, struct, sys
for d in sys.argv[1:]:
    for n in sorted(os.listdir(d)):
        p = os.path.join(d, n)
        if os.path.islink(p) or not os.path.isfile(p):
            continue
        try:
            with open(p, 'rb') as f:
                h = f.read(64)
                if len(h) < 64 or h[:4] != b'\x7fELF' or h[4] not in (1, 2):
                    continue
                le = '<' if h[5] == 1 else '>'
                if h[4] == 2:
                    phoff, phentsize, phnum = struct.unpack(le + 'Q', h[32:40])[0], *struct.unpack(le + 'HH', h[54:58])
                else:
                    phoff, phentsize, phnum = struct.unpack(le + 'I', h[28:32])[0], *struct.unpack(le + 'HH', h[42:46])
                f.seek(phoff)
                ph = f.read(phentsize * phnum)
                types = {struct.unpack(le + 'I', ph[i * phentsize:i * phentsize + 4])[0] for i in range(phnum)
                         if len(ph) >= (i + 1) * phentsize}
                if 2 in types:  # PT_DYNAMIC
                    print(p, 'interp' if 3 in types else 'nointerp', sep='\t')
        except OSError:
            pass
PY
n_seeds=$(wc -l <"$T/seeds")
note "$n_seeds dynamic ELF files"
[ "$n_seeds" -gt 100 ] || fail "too few ELF files found: $n_seeds"

start=$(date +%s%N)
# One call, every seed in one argument list (about 60 KB, far below ARG_MAX): raison's own exit code.
seeds=()
while IFS=$'\t' read -r f _; do seeds+=(--seed "$f"); done <"$T/seeds"
RC=0
"$RAISON" closure / --analyzers elf --list-loaded -q "${seeds[@]}" >"$T/raison.tsv" 2>"$T/raison.err" || RC=$?
note "raison: exit $RC in $(( ($(date +%s%N) - start) / 1000000 )) ms, $(grep -c '^raison: incomplete' "$T/raison.err" || true) incomplete lines"
[ "$RC" = 0 ] || [ "$RC" = 1 ] || { head -20 "$T/raison.err"; fail "raison exited $RC"; }

start=$(date +%s%N)
# Each batch writes its own file: two parallel writers to one file would interleave their lines.
mkdir -p "$T/ldd"
cut -f1 "$T/seeds" | xargs -d '\n' -P2 -n100 sh -c 'o=$(mktemp -p "$0"); for f; do echo "@@ $f"; ldd "$f" 2>&1; echo "@@rc $?"; done >"$o"' "$T/ldd"
cat "$T/ldd"/* >"$T/ldd.txt"
note "ldd: $(( ($(date +%s%N) - start) / 1000000 )) ms"

python3 - "$T/seeds" "$T/raison.tsv" "$T/ldd.txt" "$T/raison.err" "$RC" <<'PY'
import collections, os, re, sys
seeds = dict(l.rstrip('\n').split('\t') for l in open(sys.argv[1]))
raison = collections.defaultdict(set)
for l in open(sys.argv[2]):
    e, o = l.rstrip('\n').split('\t')
    raison[e].add(o)
ldd, cur, out = {}, None, []
for l in open(sys.argv[3]):
    l = l.rstrip('\n')
    if l.startswith('@@ '):
        cur, out = l[3:], []
    elif l.startswith('@@rc '):
        ldd[cur] = (int(l[5:]), out)
    else:
        out.append(l)
LOADER = os.path.realpath('/lib64/ld-linux-x86-64.so.2')
def ident(p):
    st = os.stat(p)
    return (st.st_dev, st.st_ino)
by_id = {ident(e): e for e in raison}
compared, refused, diffs = 0, 0, []
for f, kind in seeds.items():
    rc, lines = ldd.get(f, (1, []))
    text = '\n'.join(lines)
    if rc != 0 or 'not a dynamic executable' in text or 'statically linked' in text:
        refused += 1
        continue
    want = {os.path.realpath(f)}
    for l in lines:
        l = l.strip()
        if l.startswith('linux-vdso') or not l:
            continue
        m = re.match(r'(\S+) => (\S+)', l)
        if m:
            if m.group(2) == 'not':
                want.add('missing:' + m.group(1))
            else:
                want.add(os.path.realpath(m.group(2)))
        elif l.startswith('/'):
            want.add(os.path.realpath(l.split()[0]))
    # A file is its (device, inode): of two hardlinked seeds raison lists one entry, under one name.
    entry = os.path.realpath(f) if os.path.realpath(f) in raison else by_id.get(ident(f))
    got = set(raison.get(entry, set())) - {entry}
    want.discard(os.path.realpath(f))
    if kind == 'nointerp':
        want.discard(LOADER); got.discard(LOADER)
    compared += 1
    # A library ldd cannot find is one raison must not have found either.
    missing = {w for w in want if w.startswith('missing:')}
    want -= missing
    if got != want:
        diffs.append(f"{f}: only raison: {sorted(got - want)}; only ldd: {sorted(want - got)}"
                     + (f"; ldd: not found {sorted(m[8:] for m in missing)}" if missing else ''))
# What ldd cannot find, raison reports as incomplete (exit 1, a "DT_NEEDED NAME not found" line), and
# nothing else.
ldd_missing = {m.group(1) for rc, lines in ldd.values() for l in lines
               for m in [re.match(r'\s*(\S+) => not found', l)] if m}
raison_missing = {m.group(1) for l in open(sys.argv[4])
                  for m in [re.search(r': DT_NEEDED (\S+) not found', l)] if m}
if ldd_missing != raison_missing:
    diffs.append(f"not found: only ldd {sorted(ldd_missing - raison_missing)}, only raison {sorted(raison_missing - ldd_missing)}")
if (sys.argv[5] == '1') != bool(raison_missing):
    diffs.append(f"raison exited {sys.argv[5]} with {len(raison_missing)} names not found")
print(f"# compared {compared} files ({refused} refused by ldd): {len(diffs)} differences; {len(ldd_missing)} names ldd cannot find")
for d in diffs:
    print('DIFF ' + d)
sys.exit(1 if diffs or compared < 100 else 0)
PY
echo PASS

#!/usr/bin/env bash
# apk's installed database (/lib/apk/db/installed, in the format apk-tools documents: P:, V:, A:, then
# F: directories each followed by the R: files in it) gives each file its package, and the output keeps
# it trimmed: only the packages with kept files, each with only its kept F:/R: entries. Alpine roots
# cannot be fetched on these machines (and Debian 12 has no apk-tools to read the result), so the
# root is a musl root built here, with a database written by hand in that format.
source "$(dirname "$0")/lib.sh"
R=$T/root; make_musl_root "$R"
printf '#include <stdio.h>\nint main(void) { puts("hi"); return 0; }\n' | musl-gcc -o "$R/usr/bin/hello" -x c - || fail "musl-gcc"
echo tool >"$R/usr/bin/unused-tool"
mkdir -p "$R/usr/share/doc/docs" "$R/lib/apk/db" "$R/etc"
echo docs >"$R/usr/share/doc/docs/README"
printf 'ID=alpine\n' >"$R/etc/os-release"
cat >"$R/lib/apk/db/installed" <<'DB'
C:Q1hqF9IfV1Tk6kIXZrdl4TnYT6hjY=
P:musl
V:1.2.4-r2
A:x86_64
S:383152
I:622592
T:the musl c library (libc) implementation
F:usr/lib
R:ld-musl-x86_64.so.1
a:0:0:777
Z:Q1ZDzoGUp+8mSUMlNkcHHUfJPf4Ss=
F:usr/lib/x86_64-linux-musl
R:libc.so
Z:Q1lCJGYmBW0AkaR3Is1Ukbwwz8RDM=

C:Q1aaaaaaaaaaaaaaaaaaaaaaaaaaa=
P:hello
V:1.0-r0
A:x86_64
T:says hi
F:usr/bin
R:hello
Z:Q1bbbbbbbbbbbbbbbbbbbbbbbbbbb=
R:unused-tool
Z:Q1ccccccccccccccccccccccccccc=

C:Q1ddddddddddddddddddddddddddd=
P:docs
V:2-r1
A:noarch
F:usr/share/doc/docs
R:README
DB

rz closure "$R" --seed /usr/bin/hello -o "$T/out.d"
expect_rc 0 "closure of hello"
python3 - "$T/out.d.manifest.json" <<'PY' || fail "owners in the manifest"
import json, sys
m = json.load(open(sys.argv[1]))
owner = {f['path']: [(p['ecosystem'], p['name'], p['version'], p['arch']) for p in f.get('packages', [])] for f in m['files']}
assert owner['/usr/bin/hello'] == [('apk', 'hello', '1.0-r0', 'x86_64')], owner['/usr/bin/hello']
assert owner['/usr/lib/x86_64-linux-musl/libc.so'] == [('apk', 'musl', '1.2.4-r2', 'x86_64')], owner
assert owner['/usr/lib/ld-musl-x86_64.so.1'] == [('apk', 'musl', '1.2.4-r2', 'x86_64')], owner
pk = {p['name']: p for p in m['packages']}
assert sorted(pk) == ['hello', 'musl'], sorted(pk)
assert pk['hello']['purl'] == 'pkg:apk/alpine/hello@1.0-r0?arch=x86_64', pk['hello']['purl']
assert pk['hello']['partial'] and pk['hello']['kept_files'] == 1 and pk['hello']['listed_files'] == 2, pk['hello']
PY
db=$T/out.d/usr/lib/apk/db/installed
[ -f "$db" ] || fail "no apk database in the output"
cat >"$T/want" <<'DB'
C:Q1hqF9IfV1Tk6kIXZrdl4TnYT6hjY=
P:musl
V:1.2.4-r2
A:x86_64
S:383152
I:622592
T:the musl c library (libc) implementation
F:usr/lib
R:ld-musl-x86_64.so.1
a:0:0:777
Z:Q1ZDzoGUp+8mSUMlNkcHHUfJPf4Ss=
F:usr/lib/x86_64-linux-musl
R:libc.so
Z:Q1lCJGYmBW0AkaR3Is1Ukbwwz8RDM=

C:Q1aaaaaaaaaaaaaaaaaaaaaaaaaaa=
P:hello
V:1.0-r0
A:x86_64
T:says hi
F:usr/bin
R:hello
Z:Q1bbbbbbbbbbbbbbbbbbbbbbbbbbb=

DB
diff "$T/want" "$db" || fail "the trimmed apk database"

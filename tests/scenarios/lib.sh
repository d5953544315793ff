# Shared helpers of the scenario tests: build a small Debian-like root in a temp dir, compile tiny
# programs and libraries into it, run raison, and check both raison's answer and the real loader's
# (chroot), so that a test cannot encode a wrong belief about the loader. Sourced by every scenario.
# Exit codes follow meson: 0 pass, 1 fail, 77 skip (only when not root and $CI is unset).
set -euo pipefail

RAISON=${RAISON:?set RAISON to the raison executable}
TRIPLET=x86_64-linux-gnu
T=$(mktemp -d /tmp/raison-scenario.XXXXXX)
B=$T/build  # compiler outputs before they are placed in a root
mkdir -p "$B"
trap 'rm -rf "$T"' EXIT

fail() { echo "FAIL: $*" >&2; exit 1; }
note() { echo "# $*"; }

# A missing tool or missing root is a skip on a developer's machine, a failure under CI.
skip() {
  if [ -n "${CI:-}" ]; then fail "cannot run under CI: $*"; fi
  echo "SKIP: $*"
  exit 77
}
need_root() { [ "$(id -u)" = 0 ] || skip "needs root (chroot)"; }
need_tool() { command -v "$1" >/dev/null 2>&1 || skip "needs $1"; }
CHROOT=$(command -v chroot || echo /usr/sbin/chroot)

# make_root DIR: the usr-merged Debian layout, with the host's glibc (libc.so.6 and the loader) and
# the /lib64 link to the loader as Debian ships it (an absolute link, resolved inside the root).
make_root() {
  local r=$1
  mkdir -p "$r"/usr/{bin,sbin,lib/$TRIPLET,lib64} "$r"/etc "$r"/tmp "$r"/opt
  ln -s usr/bin "$r/bin"; ln -s usr/sbin "$r/sbin"; ln -s usr/lib "$r/lib"; ln -s usr/lib64 "$r/lib64"
  cp -L /lib/$TRIPLET/libc.so.6 "$r/usr/lib/$TRIPLET/libc.so.6"
  cp -L /lib64/ld-linux-x86-64.so.2 "$r/usr/lib/$TRIPLET/ld-linux-x86-64.so.2"
  ln -s /lib/$TRIPLET/ld-linux-x86-64.so.2 "$r/usr/lib64/ld-linux-x86-64.so.2"
}

# make_musl_root DIR: musl's loader (which is its libc) at /lib/ld-musl-x86_64.so.1 as Debian lays it out.
make_musl_root() {
  local r=$1
  need_tool musl-gcc
  mkdir -p "$r"/usr/{bin,lib/x86_64-linux-musl} "$r"/etc "$r"/opt
  ln -s usr/bin "$r/bin"; ln -s usr/lib "$r/lib"
  cp -L /usr/lib/x86_64-linux-musl/libc.so "$r/usr/lib/x86_64-linux-musl/libc.so"
  ln -s x86_64-linux-musl/libc.so "$r/usr/lib/ld-musl-x86_64.so.1"
}

# cc_so OUT SONAME 'C source' [gcc args...]: a shared library; the args may name other .so files to
# link against (their SONAME becomes a DT_NEEDED) and -Wl,... flags (rpath, dtags, nodeflib).
CC=${CC:-gcc}
cc_so() {
  local out=$1 soname=$2 src=$3; shift 3
  mkdir -p "$(dirname "$out")"
  printf '%s\n' "$src" | $CC -shared -fPIC -o "$out" -Wl,-soname,"$soname" -Wl,-rpath-link,"$B" -Wl,--no-as-needed \
    -x c - -x none "$@" || fail "cannot compile $out"
}
# cc_exe OUT 'C source' [gcc args...]
cc_exe() {
  local out=$1 src=$2; shift 2
  mkdir -p "$(dirname "$out")"
  printf '%s\n' "$src" | $CC -o "$out" -Wl,-rpath-link,"$B" -Wl,--no-as-needed -Wl,--allow-shlib-undefined -x c - -x none "$@" || fail "cannot compile $out"
}
# add_flags_1 FILE BITS: ORs BITS into the DT_FLAGS_1 entry of FILE (linked with -z now, so it has
# one). GNU ld 2.40 ignores "-z nodeflib", so DF_1_NODEFLIB (0x800) fixtures are made this way.
add_flags_1() {
  python3 - "$1" "$2" <<'PY' || fail "cannot set DT_FLAGS_1 in $1"
import struct, sys
path, bits = sys.argv[1], int(sys.argv[2], 0)
b = bytearray(open(path, 'rb').read())
assert b[:4] == b'\x7fELF' and b[4] == 2 and b[5] == 1, 'a 64-bit little-endian ELF file'
phoff, = struct.unpack_from('<Q', b, 32)
phentsize, phnum = struct.unpack_from('<HH', b, 54)
for i in range(phnum):
    p_type, _, p_offset, _, _, p_filesz = struct.unpack_from('<IIQQQQ', b, phoff + i * phentsize)
    if p_type == 2:  # PT_DYNAMIC
        for off in range(p_offset, p_offset + p_filesz, 16):
            tag, val = struct.unpack_from('<qQ', b, off)
            if tag == 0x6ffffffb:  # DT_FLAGS_1
                struct.pack_into('<Q', b, off + 8, val | bits)
                open(path, 'wb').write(b)
                sys.exit(0)
sys.exit('no DT_FLAGS_1')
PY
}
# lib_src FUNC TEXT: a library whose FUNC() returns TEXT (which copy was loaded is then visible).
lib_src() { printf '%s\n' "const char *$1(void) { return \"$2\"; }"; }
# main_src FUNC...: a program printing what each FUNC() returns, one per line.
main_src() {
  local f decl="#include <stdio.h>" body=""
  for f in "$@"; do decl+=$'\n'"const char *$f(void);"; body+="puts($f());"; done
  printf '%s\nint main(void) { %s return 0; }\n' "$decl" "$body"
}

# rz ARGS...: runs raison; stdout in $T/out, stderr in $T/err, exit code in $RC.
rz() {
  RC=0
  timeout 60 "$RAISON" "$@" >"$T/out" 2>"$T/err" || RC=$?
  [ "$RC" != 124 ] || fail "raison $* did not finish in 60 s"
}
show() { echo "--- raison $1 (exit $RC) stdout:"; cat "$T/out"; echo "--- stderr:"; cat "$T/err"; }
expect_rc() { [ "$RC" = "$1" ] || { show "$2"; fail "$2: exit $RC, expected $1"; }; }

# loaded ENTRY: the objects raison's --list-loaded output (in $T/out) gives for ENTRY, in order.
loaded() { awk -F'\t' -v e="$1" 'NF == 2 && $1 == e { print $2 }' "$T/out"; }
# assert_eq EXPECTED ACTUAL WHAT
assert_eq() {
  [ "$1" = "$2" ] || { printf 'expected:\n%s\nactual:\n%s\n' "$1" "$2"; fail "$3"; }
}
# assert_has FILE LINE / assert_lacks FILE LINE: a whole line of FILE.
assert_has() { grep -qxF -- "$2" "$1" || { cat "$1"; fail "missing line: $2"; }; }
assert_lacks() { ! grep -qxF -- "$2" "$1" || { cat "$1"; fail "unexpected line: $2"; }; }
# assert_grep FILE REGEX: some line of FILE matches the extended regex.
assert_grep() { grep -qE -- "$2" "$1" || { cat "$1"; fail "no line matches: $2"; }; }
lines() { printf '%s\n' "$@"; }

# root_realpath ROOT PATH: PATH with every link resolved inside ROOT (absolute targets from ROOT's
# top, ".." stopping there): what chroot and raison see, independent of raison's code.
root_realpath() {
  python3 - "$1" "$2" <<'EOF'
import os, sys
root, path = sys.argv[1], sys.argv[2]
todo, stack, hops = [c for c in path.split('/') if c], [], 0
while todo:
    c = todo.pop(0)
    if c == '.':
        continue
    if c == '..':
        if stack: stack.pop()
        continue
    stack.append(c)
    full = root + '/' + '/'.join(stack)
    if os.path.islink(full):
        hops += 1
        if hops > 40: sys.exit('loop: ' + path)
        target = os.readlink(full)
        stack.pop()
        if target.startswith('/'): stack = []
        todo = [x for x in target.split('/') if x] + todo
print('/' + '/'.join(stack))
EOF
}

# real_loaded ROOT PROG [ld.so options...]: the objects glibc's loader maps for PROG inside ROOT, as
# ldd lists them (the loader run with LD_TRACE_LOADED_OBJECTS=1, here under chroot; python sets that
# variable for the process inside only), as real paths inside ROOT, sorted, "NAME => not found" kept.
real_loaded() {
  local root=$1 prog=$2; shift 2
  python3 -c 'import os, sys
os.chroot(sys.argv[1]); os.chdir("/")
os.execve(sys.argv[2], sys.argv[2:], {"LD_TRACE_LOADED_OBJECTS": "1", "PATH": "/usr/bin:/bin"})' \
    "$root" /lib64/ld-linux-x86-64.so.2 "$@" "$prog" 2>&1 | while read -r a b c _; do
    case "$a $b $c" in
      linux-vdso*) ;;
      *" => not") echo "$a => not found" ;;
      *" => /"*) root_realpath "$root" "$c" ;;
      /*) root_realpath "$root" "$a" ;;
      */*" (0x"*) root_realpath "$root" "/$a" ;;  # a relative DT_NEEDED path, from the cwd /
      *) echo "unexpected: $a $b $c" ;;
    esac
  done | sort
  echo "$(root_realpath "$root" "$prog")"
}
# raison_set ENTRY: raison's objects for ENTRY (from $T/out), sorted, the entry itself last.
raison_set() { loaded "$1" | grep -vxF "$1" | sort; echo "$1"; }

# run_in ROOT CMD...: runs CMD inside ROOT under chroot; output in $T/run, exit code in $RUN_RC.
run_in() {
  need_root
  local root=$1; shift
  RUN_RC=0
  env -i PATH=/usr/bin:/bin timeout 30 "$CHROOT" "$root" "$@" >"$T/run" 2>&1 || RUN_RC=$?
}
# expect_run ROOT 'EXPECTED OUTPUT' CMD...: CMD must run in ROOT and print exactly EXPECTED.
expect_run() {
  local root=$1 want=$2; shift 2
  run_in "$root" "$@"
  [ "$RUN_RC" = 0 ] || { cat "$T/run"; fail "chroot $root $* exited $RUN_RC"; }
  assert_eq "$want" "$(cat "$T/run")" "output of chroot $root $*"
}

# Canonical paths of the glibc objects make_root installs.
LDSO=/usr/lib/$TRIPLET/ld-linux-x86-64.so.2
LIBC=/usr/lib/$TRIPLET/libc.so.6
# expect_loaded ENTRY OBJECT...: raison's --list-loaded gives exactly these objects for ENTRY, in order.
expect_loaded() {
  local e=$1; shift
  assert_eq "$(lines "$@")" "$(loaded "$e")" "objects raison maps for $e"
}
# agree_with_loader ROOT PROG [ld.so options...]: raison's set for PROG (from the last --list-loaded
# in $T/out) is the set glibc's own loader maps in ROOT (names it cannot find are checked by the
# callers against raison's "incomplete" lines).
agree_with_loader() {
  local root=$1 prog=$2; shift 2
  local entry; entry=$(root_realpath "$root" "$prog")
  assert_eq "$(real_loaded "$root" "$prog" "$@" | grep -v ' => not found$')" "$(raison_set "$entry")" "raison vs ld.so --list for $prog"
}
# has_tag FILE TAG: readelf -d shows the dynamic tag (RPATH, RUNPATH, FLAGS_1 ...); checks the fixture.
has_tag() { readelf -d "$1" | grep -q "($2)" || fail "fixture $1 has no $2"; }

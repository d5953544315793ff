# Shared helpers of the scenario tests: build a small Debian-like root in a temp dir, compile tiny
# programs and libraries into it, run raison, and check both raison's answer and the real loader's
# (chroot), so that a test cannot encode a wrong belief about the loader. Sourced by every scenario.
# Exit codes follow meson: 0 pass, 1 fail, 77 skip. Under $CI a skip is a failure unless the test is
# declared optional in tests/optional-tests.txt. Notes and skips go to stderr, never into a value a
# helper returns on stdout.
set -euo pipefail

RAISON=${RAISON:?set RAISON to the raison executable}
# Tools the install step (tests/install-deps.sh) puts in sbin (chroot, ldconfig, setcap, debootstrap)
# are found even with a non-root user's PATH.
PATH=$PATH:/usr/sbin:/sbin
TESTS_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
TEST_NAME=$(basename "$0" .sh)
# Where the cached Debian root and image live: .ci/run gives a fresh directory each run.
TEST_CACHE=${RAISON_TEST_CACHE:-/var/cache/raison-tests}
TRIPLET=x86_64-linux-gnu
# LeakSanitizer cannot work under ptrace: a sanitized raison (CI's build) that a test runs under strace
# is run with ASAN_OPTIONS=$ASAN_UNDER_PTRACE (no leak check; every other check stays).
ASAN_UNDER_PTRACE=${ASAN_OPTIONS:-}:detect_leaks=0
T=$(mktemp -d /tmp/raison-scenario.XXXXXX)
B=$T/build  # compiler outputs before they are placed in a root
mkdir -p "$B"
trap 'rm -rf "$T"' EXIT

fail() { echo "FAIL: $*" >&2; exit 1; }
note() { echo "# $*" >&2; }

# optional_test NAME: the reason NAME is declared optional in tests/optional-tests.txt, if it is.
optional_test() { sed -n "s/^$1 — //p" "$TESTS_DIR/optional-tests.txt" 2>/dev/null | head -1; }
# A missing tool or missing root is a skip on a developer's machine; under CI a failure, unless the
# test is declared optional (with its reason) in tests/optional-tests.txt.
skip() {
  if [ -n "${CI:-}" ] && [ -z "$(optional_test "$TEST_NAME")" ]; then fail "skipped under CI, and not declared optional: $*"; fi
  echo "SKIP: $*" >&2
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

# HANG_GUARD: seconds after which a command the tests run is taken to hang. It is a guard against hangs,
# not a speed check: a loaded machine (parallel tests on 2 cores) runs a traced Python program many
# times slower than an idle one, and a tight guard failed there.
HANG_GUARD=${RAISON_TEST_HANG_GUARD:-300}

# rz ARGS...: runs raison; stdout in $T/out, stderr in $T/err, exit code in $RC.
rz() {
  RC=0
  timeout "$HANG_GUARD" "$RAISON" "$@" >"$T/out" 2>"$T/err" || RC=$?
  [ "$RC" != 124 ] || fail "raison $* did not finish in $HANG_GUARD s"
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
  env -i PATH=/usr/bin:/bin timeout "$HANG_GUARD" "$CHROOT" "$root" "$@" >"$T/run" 2>&1 || RUN_RC=$?
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

# ---- Python scenarios on a real Debian root (python_*.sh) ----
# The cached bookworm root (python3, ca-certificates, tzdata, libpython3.11-testsuite) is built once
# by samples/make-debian-root.sh and never written to: each test mounts an overlay of it (upper layer
# in $T) inside a private mount namespace, puts the fixture scripts there, and runs Python with
# bwrap (a private /proc and /dev, as container runtimes give) or under strace with chroot.
PY_ROOT_CACHE=$TEST_CACHE/bookworm
PY_ROOT_PACKAGES=(libpython3.11-testsuite)
# The roots share downloaded .deb files (debootstrap --cache-dir), kept with the cache.
export RAISON_DEB_CACHE=${RAISON_DEB_CACHE:-$TEST_CACHE/debs}
# The apps root (samples/make-debian-apps-root.sh): third-party Python packages from Debian and a daemon.
APPS_ROOT_CACHE=$TEST_CACHE/bookworm-apps
APPS_FIXTURES=$(cd "$(dirname "${BASH_SOURCE[0]}")/apps" && pwd)
APPS_DIR=/opt/apps  # where the application scripts go inside the root
PY_FIXTURES=$(cd "$(dirname "${BASH_SOURCE[0]}")/python" && pwd)
PY_SAMPLES=$(cd "$(dirname "${BASH_SOURCE[0]}")/../../samples" && pwd)
PY_DIR=/opt/raison-py  # where the fixtures go inside the root

# py_private_mounts "$0" "$@": re-runs the test in its own mount namespace (the overlay and proc
# mounts vanish with it, whatever happens); call it first, after sourcing lib.sh.
py_private_mounts() {
  need_root
  need_tool unshare
  if [ -z "${RAISON_PY_MOUNT_NS:-}" ]; then
    rm -rf "$T"; trap - EXIT
    RAISON_PY_MOUNT_NS=1 exec unshare -m --propagation private bash "$@"
  fi
}

# cached_build DIR STAMP COMMAND...: DIR is built by COMMAND (which must create DIR) once per STAMP,
# under a lock, so that parallel tests wait for one build; a changed STAMP (the script or what it is
# given changed) rebuilds it. COMMAND's output goes to stderr.
cached_build() {
  local dir=$1 stamp=$2; shift 2
  [ "$(cat "$dir.stamp" 2>/dev/null)" = "$stamp" ] && [ -e "$dir" ] && return 0
  mkdir -p "$(dirname "$dir")"
  note "building $dir"
  flock "$dir.lock" bash -c '
    dir=$1 stamp=$2; shift 2
    [ "$(cat "$dir.stamp" 2>/dev/null)" = "$stamp" ] && [ -e "$dir" ] && exit 0
    rm -rf "$dir" "$dir.stamp" && "$@" >&2 && [ -e "$dir" ] && echo "$stamp" >"$dir.stamp"' _ "$dir" "$stamp" "$@" \
    || fail "cannot build $dir"
}

# py_cached_root: makes sure the cached bookworm root exists (debootstrap, about a minute).
py_cached_root() {
  need_tool debootstrap
  local stamp
  stamp=$( { cat "$PY_SAMPLES/make-debian-root.sh"; echo "${PY_ROOT_PACKAGES[*]}"; } | sha256sum | cut -c1-64)
  cached_build "$PY_ROOT_CACHE" "$stamp" bash "$PY_SAMPLES/make-debian-root.sh" "$PY_ROOT_CACHE" "${PY_ROOT_PACKAGES[@]}"
  [ -f "$PY_ROOT_CACHE/usr/lib/python3.11/test/test_json/__init__.py" ] || fail "$PY_ROOT_CACHE has no libpython3.11-testsuite"
}

# apps_cached_root: makes sure the cached apps root exists (debootstrap, a few minutes from cold).
apps_cached_root() {
  need_tool debootstrap
  local stamp
  stamp=$(cat "$PY_SAMPLES/make-debian-root.sh" "$PY_SAMPLES/make-debian-apps-root.sh" | sha256sum | cut -c1-64)
  cached_build "$APPS_ROOT_CACHE" "$stamp" bash "$PY_SAMPLES/make-debian-apps-root.sh" "$APPS_ROOT_CACHE"
  [ -x "$APPS_ROOT_CACHE/usr/sbin/nginx" ] || fail "$APPS_ROOT_CACHE has no nginx"
}

# overlay_root CACHE: $ROOT, an overlay of the cached root CACHE; the trap unmounts everything before
# removing $T, so that nothing is ever deleted through a mount. The upper and work directories are on
# a tmpfs of their own: overlayfs refuses them on overlayfs (a container's /tmp).
overlay_root() {
  mkdir -p "$T/ov" "$T/root"
  ROOT=$T/root
  trap 'umount -R -l "$T/root" 2>/dev/null; umount -l "$T/ov" 2>/dev/null; rm -rf "$T"' EXIT
  mount -t tmpfs -o mode=0700 tmpfs "$T/ov" || fail "cannot mount a tmpfs for the overlay's upper layer"
  mkdir -p "$T/ov/up" "$T/ov/work"
  mount -t overlay overlay -o "lowerdir=$1,upperdir=$T/ov/up,workdir=$T/ov/work" "$ROOT" \
    || fail "cannot mount an overlay of $1"
}

# py_overlay: $ROOT, an overlay of the cached bookworm root with the fixtures in $PY_DIR.
py_overlay() {
  py_cached_root
  overlay_root "$PY_ROOT_CACHE"
  mkdir -p "$ROOT$PY_DIR"
  cp -r "$PY_FIXTURES"/. "$ROOT$PY_DIR/"
}

# apps_overlay: $ROOT, an overlay of the cached apps root with the application scripts in $APPS_DIR.
apps_overlay() {
  apps_cached_root
  overlay_root "$APPS_ROOT_CACHE"
  mkdir -p "$ROOT$APPS_DIR"
  cp "$APPS_FIXTURES"/*.py "$ROOT$APPS_DIR/"
}

# py_scripts: the fixture scripts (base names, helpers starting with _ left out).
py_scripts() { (cd "$PY_FIXTURES" && ls -- *.py | grep -v '^_' | sed 's/\.py$//'); }

# py_run ROOT CMD...: CMD in ROOT under bwrap with a private /proc and /dev, a clean environment
# and 60 s; stdout in $T/run, stderr in $T/run.err, exit code in $RUN_RC.
py_run() {
  need_tool bwrap
  local root=$1; shift
  RUN_RC=0
  env -i PATH=/usr/bin:/bin HOME=/root timeout "$HANG_GUARD" bwrap --bind "$root" / --proc /proc --dev /dev --tmpfs /tmp --chdir /tmp \
    --die-with-parent -- "$@" >"$T/run" 2>"$T/run.err" || RUN_RC=$?
}

# py_strace ROOT LOG CMD...: CMD in ROOT under chroot and strace -f (file syscalls); ROOT gets a
# /proc mount first (the overlay's own, in this private namespace). Exit code in $RUN_RC.
py_strace() {
  need_tool strace
  local root=$1 log=$2; shift 2
  mountpoint -q "$root/proc" || mount -t proc proc "$root/proc"
  RUN_RC=0
  env -i PATH=/usr/bin:/bin HOME=/root timeout "$HANG_GUARD" strace -f -qq -e trace=%file,execve -o "$log" \
    "$CHROOT" "$root" "$@" >"$T/run" 2>"$T/run.err" || RUN_RC=$?
}

# py_opened LOG: what the traced program reached successfully after the chroot, one "KIND PATH" a line
# (KIND: open for open/openat/execve, touch for stat, access, readlink and the like), paths as the
# program named them inside the root, /proc, /dev, /sys and /tmp left out, sorted and unique.
py_opened() {
  python3 -c '
import re, sys
done, pending, started = set(), {}, False
full = re.compile(r"^(\d+)\s+(\w+)\((.*)\) += (-?\d+)")
unfinished = re.compile(r"^(\d+)\s+(\w+)\((.*) <unfinished \.\.\.>$")
resumed = re.compile(r"^(\d+)\s+<\.\.\. (\w+) resumed>(.*)\) += (-?\d+)")
first = re.compile(r"^(?:AT_FDCWD, )?\"([^\"]*)\"")
for line in open(sys.argv[1], errors="replace"):
    line = line.rstrip("\n")
    m = unfinished.match(line)
    if m:
        pending[m.group(1)] = (m.group(2), m.group(3))
        continue
    m = resumed.match(line)
    if m and m.group(1) in pending:
        name, args = pending.pop(m.group(1))
        ret = int(m.group(4))
    else:
        m = full.match(line)
        if not m:
            continue
        name, args, ret = m.group(2), m.group(3), int(m.group(4))
    if name == "chroot" and ret == 0:
        started = True
        continue
    a = first.match(args)
    if not started or ret < 0 or not a or not a.group(1).startswith("/"):
        continue
    path = a.group(1)
    if path.split("/")[1] in ("proc", "dev", "sys", "tmp") or name in ("chdir", "mkdir", "unlink", "rename", "rmdir"):
        continue
    done.add(("open" if name in ("open", "openat", "execve") else "touch", path))
for kind, path in sorted(done):
    print(kind, path)
' "$1"
}

# py_real ROOT: reads paths on stdin and prints each one's real path inside ROOT (links resolved
# there), one per line, in order; a path that does not exist is printed as is.
py_real() {
  python3 -c '
import os, sys
root = sys.argv[1]
def real(path):
    todo, stack, hops = [c for c in path.split("/") if c], [], 0
    while todo:
        c = todo.pop(0)
        if c == ".":
            continue
        if c == "..":
            if stack: stack.pop()
            continue
        stack.append(c)
        full = root + "/" + "/".join(stack)
        if os.path.islink(full):
            hops += 1
            if hops > 40: return path
            t = os.readlink(full); stack.pop()
            if t.startswith("/"): stack = []
            todo = [x for x in t.split("/") if x] + todo
    return "/" + "/".join(stack)
for line in sys.stdin:
    print(real(line.rstrip("\n")))
' "$1"
}

# ---- Image scenarios (shrink, image inputs and outputs): the cached Debian image, crafted layouts ----

# private_tmpdir: raison's staging directories (and other tools' temp files) go to $T/tmp, so that a
# test can check what is left behind.
private_tmpdir() { mkdir -p "$T/tmp"; export TMPDIR=$T/tmp; }

# debian_image: prints the path of an OCI layout (tag bookworm) made by samples/make-debian-image.sh
# from the cached root of py_cached_root, once; rebuilt when that script or the app changes (the stamp).
debian_image() {
  need_root
  need_tool umoci
  py_cached_root
  local img=${PY_ROOT_CACHE}-oci stamp
  stamp=$( { cat "$PY_SAMPLES/make-debian-image.sh" "$PY_SAMPLES/app/fetch.py" "$PY_ROOT_CACHE.stamp"; } | sha256sum | cut -c1-64)
  cached_build "$img" "$stamp" bash "$PY_SAMPLES/make-debian-image.sh" "$img" "$PY_ROOT_CACHE"
  echo "$img"
}

# make_oci DIR TAG CONFIG_JSON LAYER.tar...: an OCI image layout built by hand (gzip layers, the config
# given as its "config" object plus rootfs/diff_ids), so that tests control every byte of it. A layer
# named *.gz is stored as it is (its diff_id computed by streaming it).
make_oci() {
  python3 - "$@" <<'PY' || fail "cannot make the OCI layout $1"
import gzip, hashlib, json, os, sys
out, tag, config, layers = sys.argv[1], sys.argv[2], json.loads(sys.argv[3]), sys.argv[4:]
os.makedirs(out + '/blobs/sha256', exist_ok=True)
def blob(data, media):
    d = hashlib.sha256(data).hexdigest()
    with open(f'{out}/blobs/sha256/{d}', 'wb') as f: f.write(data)
    return {'mediaType': media, 'digest': 'sha256:' + d, 'size': len(data)}
descs, diff_ids = [], []
for path in layers:
    if path.endswith('.gz'):
        h = hashlib.sha256()
        with gzip.open(path) as f:
            while chunk := f.read(1 << 20): h.update(chunk)
        diff_ids.append('sha256:' + h.hexdigest())
        descs.append(blob(open(path, 'rb').read(), 'application/vnd.oci.image.layer.v1.tar+gzip'))
        continue
    raw = open(path, 'rb').read()
    diff_ids.append('sha256:' + hashlib.sha256(raw).hexdigest())
    descs.append(blob(gzip.compress(raw, mtime=0), 'application/vnd.oci.image.layer.v1.tar+gzip'))
cfg = {'architecture': 'amd64', 'os': 'linux', 'config': config,
       'rootfs': {'type': 'layers', 'diff_ids': diff_ids}}
cdesc = blob(json.dumps(cfg).encode(), 'application/vnd.oci.image.config.v1+json')
manifest = {'schemaVersion': 2, 'mediaType': 'application/vnd.oci.image.manifest.v1+json',
            'config': cdesc, 'layers': descs}
mdesc = blob(json.dumps(manifest).encode(), 'application/vnd.oci.image.manifest.v1+json')
mdesc['annotations'] = {'org.opencontainers.image.ref.name': tag}
json.dump({'schemaVersion': 2, 'manifests': [mdesc]}, open(out + '/index.json', 'w'))
json.dump({'imageLayoutVersion': '1.0.0'}, open(out + '/oci-layout', 'w'))
PY
}

# oci_blob DIR TAG WHAT: the path of a blob of the image TAG in the layout DIR: "manifest", "config",
# or a layer's index (0-based).
oci_blob() {
  python3 - "$@" <<'PY'
import json, sys
d, tag, what = sys.argv[1:]
idx = json.load(open(d + '/index.json'))
m = [m for m in idx['manifests'] if m.get('annotations', {}).get('org.opencontainers.image.ref.name') == tag][0]
blob = lambda desc: d + '/blobs/' + desc['digest'].replace(':', '/')
if what == 'manifest':
    print(blob(m)); sys.exit()
man = json.load(open(blob(m)))
print(blob(man['config']) if what == 'config' else blob(man['layers'][int(what)]))
PY
}

# run_bundle BUNDLE: runs the process a runtime bundle's config.json names (as umoci unpack writes it:
# args, env, cwd) chrooted into its rootfs; output in $T/run, exit code in $RUN_RC.
run_bundle() {
  need_root
  RUN_RC=0
  timeout "$HANG_GUARD" python3 - "$1" >"$T/run" 2>&1 <<'PY' || RUN_RC=$?
import json, os, sys
b = sys.argv[1]
p = json.load(open(b + '/config.json'))['process']
env = dict(e.split('=', 1) for e in p.get('env', []))
os.chroot(b + '/rootfs'); os.chdir(p.get('cwd') or '/')
os.execve(p['args'][0], p['args'], env)
PY
}

# pod ARGS...: podman with a private store under $T (podman skips layers it already has, so a shared
# store would hide a broken one), vfs, runc and no network, as works on this machine.
pod() {
  need_tool podman
  mkdir -p "$T/podman"
  [ -f "$T/podman/containers.conf" ] || printf '%s\n' '[containers]' \
    'default_ulimits=["nofile=1024:1024","nproc=1024:1024"]' 'netns="none"' \
    '[engine]' 'runtime="runc"' 'cgroup_manager="cgroupfs"' >"$T/podman/containers.conf"
  CONTAINERS_CONF=$T/podman/containers.conf timeout 120 podman --root "$T/podman/root" \
    --runroot "$T/podman/run" --storage-driver vfs "$@"
}

# tree_digest DIR: one line per path of DIR (type, size, sha256 of files, link targets), to compare
# two output trees byte for byte and say where they differ.
tree_digest() {
  (cd "$1" && find . -printf '%y %p %s %l\n' | sort | while read -r y p s l; do
    if [ "$y" = f ]; then echo "f $p $s $(sha256sum <"$p" | cut -c1-64)"; else echo "$y $p $l"; fi
  done)
}

# error_lines: raison's stderr lines ($T/err) other than notes and summaries.
error_lines() { grep -E '^raison: ' "$T/err" | grep -vE '^raison: (note: |unpacking: |[0-9]+ seeds?: |kept |largest dropped)' || true; }

# py_bytes ROOT: reads real paths inside ROOT on stdin; prints "FILES BYTES" for the regular files
# among them (each inode counted once).
py_bytes() {
  python3 -c '
import os, stat, sys
root, seen, total = sys.argv[1], set(), 0
for line in sys.stdin:
    try:
        st = os.lstat(root + line.rstrip("\n"))
    except OSError:
        continue
    if stat.S_ISREG(st.st_mode) and (st.st_dev, st.st_ino) not in seen:
        seen.add((st.st_dev, st.st_ino))
        total += st.st_size
print(len(seen), total)
' "$1"
}

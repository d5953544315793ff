#!/usr/bin/env bash
# The program `raison trace` runs cannot reach the host (issue 14, reproducer 1): it is root in its own
# PID, mount, IPC, UTS and network namespaces, inside an overlay of the root it was pivot_root'ed into,
# with a container runtime's capabilities less CAP_MKNOD, no_new_privs, a private /dev and /proc. Each
# escape a hostile image would try is made from inside, as root: through /proc/PID/root and
# /proc/PID/cwd of every process it can see (its parent among them), /proc/1, a chroot break-out, a
# symlink out, mount, mknod, /dev nodes beyond the minimal set, ptrace of its parent and of pid 1,
# the host-wide /proc knobs. Each must fail; the host's sentinel files and the root stay as they were.
source "$(dirname "$0")/lib.sh"
py_private_mounts "$0" "$@"
need_tool strace
need_tool gcc
py_overlay
private_tmpdir

# The host's sentinels: a file to overwrite, a secret to read, outside the root.
HOST=$T/host-sentinel
mkdir -p "$HOST"
echo untouched >"$HOST/victim"
echo 'host secret 7f3a' >"$HOST/secret"
host_state() { (cd "$HOST" && find . -printf '%p %s %T@ %m\n' | sort && cat victim secret); }
BEFORE_HOST=$(host_state)

# A static program (the root needs nothing for it): ptrace of its parent and of pid 1, a chroot
# break-out (chroot into a subdirectory, walk up, chroot there), mknod of a disk and of /dev/mem.
cat >"$T/escape.c" <<'EOF'
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/ptrace.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>
static void report(const char* what, int rc) {
  printf("%s: %s\n", what, rc == 0 ? "SUCCEEDED" : strerror(errno));
}
int main(int argc, char** argv) {
  printf("pid %d ppid %d\n", (int)getpid(), (int)getppid());
  report("ptrace-attach-ppid", ptrace(PTRACE_ATTACH, getppid(), 0, 0) == -1 ? -1 : 0);
  report("ptrace-attach-1", ptrace(PTRACE_ATTACH, 1, 0, 0) == -1 ? -1 : 0);
  report("mknod-disk", mknod("/tmp/vda", S_IFBLK | 0600, makedev(253, 0)));
  report("mknod-mem", mknod("/tmp/mem", S_IFCHR | 0600, makedev(1, 1)));
  mkdir("/tmp/jail", 0755);
  int rc = chroot("/tmp/jail");
  for (int i = 0; i < 64; ++i) chdir("..");
  if (rc == 0) rc = chroot(".");
  char path[4096];
  snprintf(path, sizeof path, "%s/secret", argv[1]);
  int fd = open(path, O_RDONLY);
  report("chroot-breakout-read", fd >= 0 ? 0 : -1);
  return 0;
}
EOF
gcc -static -O1 -o "$ROOT/opt/escape" "$T/escape.c" || fail "cannot build the static escape program"

# The shell's attempts: each prints "NAME: SUCCEEDED" if it got through.
cat >"$ROOT/opt/escape.sh" <<EOF
H='$HOST'
try() { name=\$1; shift; if ( eval "\$@" ) >/dev/null 2>&1; then echo "\$name: SUCCEEDED"; else echo "\$name: refused"; fi; }
try ppid-root-write "echo pwned > /proc/\$PPID/root\$H/victim"
try ppid-root-read "grep -q 'host secret' /proc/\$PPID/root\$H/secret"
try pid1-root-read "grep -q 'host secret' /proc/1/root\$H/secret"
try pid1-root-write "echo pwned > /proc/1/root\$H/victim"
for p in /proc/[0-9]*; do
  try "\$p-root-read" "grep -q 'host secret' \$p/root\$H/secret"
  try "\$p-cwd-read" "grep -q 'host secret' \$p/cwd/\$H/secret"
  try "\$p-cwd-up-read" "grep -q 'host secret' \$p/cwd/../../../../..\$H/secret"
done
try self-root-read "grep -q 'host secret' /proc/self/root\$H/secret"
ln -s "\$H/secret" /tmp/out-link
try symlink-out-read "grep -q 'host secret' /tmp/out-link"
ln -s "\$H/victim" /tmp/out-link2
try symlink-out-write "echo pwned > /tmp/out-link2"
try mount-tmpfs "mount -t tmpfs none /mnt"
try mount-proc "mount -t proc proc /mnt"
try mount-bind "mount --bind / /mnt"
try remount-root-rw "mount -o remount,rw /"
try dev-new-node "echo x > /dev/vda"
try dev-mem "head -c1 /dev/mem"
try dev-kmsg "echo x > /dev/kmsg"
try sysrq "echo h > /proc/sysrq-trigger"
try core-pattern "echo '|/bin/sh' > /proc/sys/kernel/core_pattern"
try unmount-proc "umount /proc"
try see-strace "grep -lE '^(strace|raison)\$' /proc/[0-9]*/comm"
try host-dev-disk "ls /dev/vda /dev/sda /dev/nvme0n1 2>/dev/null | grep -q ."
echo "dev: \$(ls /dev | tr '\n' ' ')"
echo "caps: \$(grep CapEff /proc/self/status | cut -f2)"
echo "nnp: \$(grep NoNewPrivs /proc/self/status | cut -f2)"
echo "comms: \$(cat /proc/[0-9]*/comm 2>/dev/null | sort -u | tr '\n' ' ')"
echo "mounts: \$(awk '{print \$5}' /proc/self/mountinfo | sort | tr '\n' ' ')"
echo pwned > /etc/raison-was-here
echo done
EOF

BEFORE_ROOT=$(tree_digest "$T/ov/up")  # every change to the overlay $ROOT lands there
rz trace "$ROOT" -o "$T/sh.log" -- /bin/sh /opt/escape.sh
expect_rc 0 "raison trace of the shell's escapes"
cat "$T/out" >"$T/sh.out"
grep -q '^done$' "$T/sh.out" || { show trace; fail "the escape script did not run to its end"; }
if grep ': SUCCEEDED$' "$T/sh.out"; then show trace; fail "an escape got through"; fi
[ "$(grep -c ': refused$' "$T/sh.out")" -ge 20 ] || { cat "$T/sh.out"; fail "too few attempts were made"; }
# Its own pid namespace: pid 1 (the sandbox's init), the shell and what it runs; nothing of the host.
for c in $(sed -n 's/^comms: //p' "$T/sh.out"); do
  case $c in sandbox-init|sh|cat|sort|tr) ;; *) cat "$T/sh.out"; fail "a process not the sandbox's own is visible: $c" ;; esac
done
assert_eq "dev: fd full null ptmx pts random shm stderr stdin stdout tty urandom zero " \
  "$(grep "^dev: " "$T/sh.out")" "the private /dev"
# Docker's default capabilities less mknod and audit_write: chown dac_override fowner fsetid kill
# setgid setuid setpcap net_bind_service net_raw sys_chroot setfcap.
assert_eq "caps: 00000000800425fb" "$(grep '^caps: ' "$T/sh.out")" "the command's capabilities"
assert_eq "nnp: 1" "$(grep '^nnp: ' "$T/sh.out")" "no_new_privs"
mounts=$(sed -n 's/^mounts: //p' "$T/sh.out")
for m in $mounts; do
  case $m in /|/dev|/dev/*|/proc|/proc/*|/tmp) ;; *) fail "a mount not the sandbox's own: $m ($mounts)" ;; esac
done

rz trace "$ROOT" -o "$T/c.log" -- /opt/escape "$HOST"
expect_rc 0 "raison trace of the static escape program"
cat "$T/out" >"$T/c.out"
assert_grep "$T/c.out" '^pid 2 ppid 1$'
for what in ptrace-attach-ppid ptrace-attach-1 mknod-disk mknod-mem chroot-breakout-read; do
  grep -qE "^$what: (Operation not permitted|No such file or directory|Permission denied)$" "$T/c.out" \
    || { cat "$T/c.out"; fail "$what was not refused"; }
done
# The trace still sees everything the program did.
grep -qE 'mknod(at)?\(.*"/tmp/vda"' "$T/c.log" || { cat "$T/c.log"; fail "the trace misses the program's mknod"; }
grep -q 'chroot("/tmp/jail")' "$T/c.log" || { cat "$T/c.log"; fail "the trace misses the chroot"; }

assert_eq "$BEFORE_HOST" "$(host_state)" "the host's sentinel files"
assert_eq "$BEFORE_ROOT" "$(tree_digest "$T/ov/up")" "the root"
[ ! -e "$ROOT/etc/raison-was-here" ] || fail "the command wrote into the root"
[ -z "$(ls -A "$TMPDIR")" ] || { ls -la "$TMPDIR"; fail "the sandbox left something in TMPDIR"; }
echo "PASS: every escape from raison trace is refused; the host and the root are untouched"

#!/usr/bin/env bash
# The program `raison trace` runs cannot reach the host (issue 14, reproducer 1): it is root in its own
# PID, mount, IPC, UTS and network namespaces, inside an overlay of the root it was pivot_root'ed into,
# with a container runtime's capabilities less CAP_MKNOD, no_new_privs, a private /dev and /proc. Each
# escape a hostile image would try is made from inside, as root: through /proc/PID/root and
# /proc/PID/cwd of every process it can see (its parent among them), /proc/1, a chroot break-out, a
# symlink out, mount, mknod, /dev nodes beyond the minimal set, ptrace of its parent and of pid 1,
# the host-wide /proc knobs. Each must fail; the host's sentinel files and the root stay as they were.
# Then what the seccomp filter refuses (src/cli/seccomp.hpp), by a 64-bit and a 32-bit static program
# and by unshare(1): a user or mount namespace (unshare, clone with CLONE_NEW*, clone3), setns, mount,
# fsopen, bpf, keyctl, add_key, perf_event_open, userfaultfd, file handles, personality, the clock and
# the x32 ABI. Each must get EPERM (clone3 ENOSYS) inside; the same program run outside, as root, gets
# through (the control: without the filter this part of the test fails).
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

# The kernel's surfaces a container runtime's seccomp profile closes, each tried in a child of its own.
cat >"$T/kernel-escape.c" <<'EOF'
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <linux/bpf.h>
#include <linux/keyctl.h>
#include <linux/perf_event.h>
#include <linux/sched.h>
#include <sched.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/personality.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
/* Each attempt prints "NAME: SUCCEEDED" or "NAME: ERRNO-NAME". */
static void report(const char* what, long rc) {
  if (rc >= 0) printf("%s: SUCCEEDED\n", what);
  else printf("%s: %s\n", what, strerrorname_np(errno));
  fflush(stdout);
}
/* Each attempt runs in a child of its own, so that none changes what the next one meets. */
#define TRY(what, expr)                          \
  do {                                           \
    pid_t p_ = fork();                           \
    if (p_ == 0) {                               \
      report(what, (expr));                      \
      _exit(0);                                  \
    }                                            \
    if (p_ > 0) waitpid(p_, 0, 0);               \
    else report("fork", -1);                     \
  } while (0)
/* A child in new namespaces (raw clone: no stack, like fork) exits at once. */
static long clone_raw(unsigned long flags) {
  long pid = syscall(SYS_clone, flags | SIGCHLD, 0, 0, 0, 0);
  if (pid == 0) _exit(0);
  if (pid > 0) waitpid((pid_t)pid, 0, 0);
  return pid < 0 ? -1 : 0;
}
static long clone3_raw(unsigned long long flags) {
  struct clone_args args;
  memset(&args, 0, sizeof args);
  args.flags = flags;
  args.exit_signal = SIGCHLD;
  long pid = syscall(SYS_clone3, &args, sizeof args);
  if (pid == 0) _exit(0);
  if (pid > 0) waitpid((pid_t)pid, 0, 0);
  return pid < 0 ? -1 : 0;
}
int main(void) {
  /* What must keep working: fork (TRY's own, a clone without CLONE_NEW*), reading the personality. */
  /* personality by syscall(2): glibc's wrapper returns a refusal as the value -EPERM, errno untouched. */
  TRY("personality-query", syscall(SYS_personality, 0xffffffff));
  TRY("getpid", syscall(SYS_getpid));
  /* Namespaces. */
  TRY("unshare-user", unshare(CLONE_NEWUSER));
  TRY("unshare-mount", unshare(CLONE_NEWNS));
  TRY("clone-newuser", clone_raw(CLONE_NEWUSER));
  TRY("clone-newns", clone_raw(CLONE_NEWNS));
  TRY("clone3", clone3_raw(0));
  TRY("clone3-newuser", clone3_raw(CLONE_NEWUSER));
  int ns = open("/proc/self/ns/net", O_RDONLY | O_CLOEXEC);
  TRY("setns", setns(ns, CLONE_NEWNET));
  /* Mounts, old and new API. */
  TRY("mount", mount("none", "/mnt", "tmpfs", 0, 0));
  TRY("fsopen", syscall(SYS_fsopen, "tmpfs", 0));
  /* The kernel's surfaces. */
  union bpf_attr attr;
  memset(&attr, 0, sizeof attr);
  attr.map_type = BPF_MAP_TYPE_ARRAY;
  attr.key_size = 4;
  attr.value_size = 4;
  attr.max_entries = 1;
  TRY("bpf", syscall(SYS_bpf, BPF_MAP_CREATE, &attr, sizeof attr));
  TRY("keyctl", syscall(SYS_keyctl, KEYCTL_GET_KEYRING_ID, KEY_SPEC_SESSION_KEYRING, 1));
  TRY("add_key", syscall(SYS_add_key, "user", "raison-test", "x", 1, KEY_SPEC_PROCESS_KEYRING));
  struct perf_event_attr pe;
  memset(&pe, 0, sizeof pe);
  pe.type = PERF_TYPE_SOFTWARE;
  pe.size = sizeof pe;
  pe.config = PERF_COUNT_SW_TASK_CLOCK;
  pe.exclude_kernel = 1;
  pe.exclude_hv = 1;
  TRY("perf_event_open", syscall(SYS_perf_event_open, &pe, 0, -1, -1, 0));
  TRY("userfaultfd", syscall(SYS_userfaultfd, O_CLOEXEC | 1 /* UFFD_USER_MODE_ONLY */));
  unsigned char uring_params[120];  /* struct io_uring_params, zeroed: the kernel's defaults */
  memset(uring_params, 0, sizeof uring_params);
  TRY("io_uring_setup", syscall(SYS_io_uring_setup, 4, uring_params));
  struct { struct file_handle h; unsigned char bytes[128]; } fh;
  fh.h.handle_bytes = 128;
  int mount_id;
  TRY("name_to_handle_at", name_to_handle_at(AT_FDCWD, "/", &fh.h, &mount_id, 0));
  fh.h.handle_bytes = 8;
  fh.h.handle_type = 1;
  memset(fh.h.f_handle, 0, 8);
  TRY("open_by_handle_at", open_by_handle_at(open("/", O_RDONLY | O_DIRECTORY), &fh.h, O_RDONLY));
  TRY("personality-addr-no-randomize", syscall(SYS_personality, ADDR_NO_RANDOMIZE));
  struct timespec now = {0, 0};
  TRY("clock_settime", clock_settime(CLOCK_MONOTONIC, &now)); /* EINVAL without the filter: harmless */
#if defined(__x86_64__)
  /* getpid by its x32 number. */
  TRY("x32-getpid", syscall(__X32_SYSCALL_BIT | SYS_getpid));
#endif
  return 0;
}
EOF
gcc -static -O1 -o "$ROOT/opt/kernel-escape" "$T/kernel-escape.c" || fail "cannot build the kernel escape program"
gcc -m32 -static -O1 -o "$ROOT/opt/kernel-escape32" "$T/kernel-escape.c" \
  || fail "cannot build the 32-bit kernel escape program (gcc -m32: gcc-multilib, tests/install-deps.sh)"
# A kernel without IA32 emulation (CONFIG_IA32_EMULATION off, or ia32_emulation=0) refuses to exec
# i386 programs (ENOEXEC): no 32-bit system call can enter it, so the 32-bit leg has nothing to hold.
escape_progs="kernel-escape kernel-escape32"
gcc -m32 -static -O1 -o "$T/true32" -x c - <<<'int main(void) { return 0; }' || fail "cannot build a 32-bit program"
if ! "$T/true32" 2>"$T/true32.err"; then
  grep -q 'Exec format error' "$T/true32.err" || { cat "$T/true32.err"; fail "a 32-bit program fails, not for its format"; }
  echo "note: this kernel does not run i386 programs (no IA32 emulation); the 32-bit escape program is not run"
  escape_progs="kernel-escape"
fi

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
# unshare(1) of the root's util-linux: a user namespace (-U, and -r which maps root in it), a mount one.
tryerr() { name=\$1; shift; if out=\$( ( eval "\$@" ) 2>&1 >/dev/null); then echo "\$name: SUCCEEDED"; else echo "\$name: refused: \$out"; fi; }
tryerr unshare-U "unshare -U true"
tryerr unshare-r "unshare -r true"
tryerr unshare-m "unshare -m true"
try see-strace "grep -lE '^(strace|raison)\$' /proc/[0-9]*/comm"
try host-dev-disk "ls /dev/vda /dev/sda /dev/nvme0n1 2>/dev/null | grep -q ."
echo "dev: \$(ls /dev | tr '\n' ' ')"
echo "caps: \$(grep CapEff /proc/self/status | cut -f2)"
echo "nnp: \$(grep NoNewPrivs /proc/self/status | cut -f2)"
echo "seccomp: \$(grep '^Seccomp:' /proc/self/status | cut -f2)"
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
assert_eq "seccomp: 2" "$(grep '^seccomp: ' "$T/sh.out")" "a seccomp filter (mode 2)"
for what in unshare-U unshare-r unshare-m; do
  grep -qE "^$what: refused: unshare: .*Operation not permitted$" "$T/sh.out" \
    || { cat "$T/sh.out"; fail "$what was not refused with EPERM"; }
  grep "^$what: " "$T/sh.out"
done
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

# The control: outside the sandbox (as root, in this test's own mount namespace) the calls that need
# no capability the sandbox drops get through (mount goes to /mnt of this test's private mount
# namespace), and the refusals of those below are the filter's (mount and the others the dropped
# capabilities refuse as well).
"$ROOT/opt/kernel-escape" >"$T/k-outside.out" || fail "the kernel escape program failed outside"
sed 's/^/outside: /' "$T/k-outside.out"
for what in unshare-user clone-newuser clone3-newuser keyctl add_key userfaultfd io_uring_setup \
            personality-addr-no-randomize; do
  assert_has "$T/k-outside.out" "$what: SUCCEEDED"
done
# joined_calls LOG: strace's lines with each call cut by another process's ("PID call(... <unfinished
# ...>" then "PID <... call resumed>...") whole again.
joined_calls() {
  awk '/ <unfinished \.\.\.>$/ { sub(/ <unfinished \.\.\.>$/, ""); cut[$1] = $0; next }
       $2 == "<..." { rest = $0; sub(/^[0-9]+ +<\.\.\. [a-z0-9_]+ resumed>/, "", rest); print cut[$1] rest; next }
       { print }' "$1"
}
# Refused, by the 64-bit and the 32-bit (i386 numbers) program alike; what must keep working works.
kernel_refused="unshare-user unshare-mount clone-newuser clone-newns setns mount fsopen bpf keyctl add_key
  perf_event_open userfaultfd io_uring_setup name_to_handle_at open_by_handle_at personality-addr-no-randomize clock_settime"
for prog in $escape_progs; do
  rz trace "$ROOT" -o "$T/$prog.log" -- /opt/$prog
  expect_rc 0 "raison trace of /opt/$prog"
  cat "$T/out" >"$T/$prog.out"
  sed "s/^/inside $prog: /" "$T/$prog.out"
  for what in $kernel_refused; do assert_has "$T/$prog.out" "$what: EPERM"; done
  for what in clone3 clone3-newuser; do assert_has "$T/$prog.out" "$what: ENOSYS"; done
  for what in getpid personality-query; do assert_has "$T/$prog.out" "$what: SUCCEEDED"; done
  # The trace logs the refused calls of its set (%process: clone, clone3) as failed calls, and
  # --trace reads the log (failed calls ignored; the program is kept as seen at run time).
  joined_calls "$T/$prog.log" >"$T/$prog.joined"
  assert_grep "$T/$prog.joined" '^[0-9]+ +clone\(child_stack=NULL, flags=CLONE_NEWUSER\|SIGCHLD\) += -1 EPERM \(Operation not permitted\)$'
  assert_grep "$T/$prog.joined" '^[0-9]+ +clone3\(\{flags=CLONE_NEWUSER, .*\) += -1 ENOSYS \(Function not implemented\)$'
  rz closure "$ROOT" --seed /opt/$prog --trace "$T/$prog.log" -o "$T/$prog.closure"
  expect_rc 0 "closure --trace of $prog's log"
  [ -f "$T/$prog.closure/opt/$prog" ] || { show closure; fail "the closure of $prog's trace lacks it"; }
done
# x32: getpid by its x32 number is refused (outside: ENOSYS without CONFIG_X86_X32_ABI, else it runs).
assert_has "$T/kernel-escape.out" "x32-getpid: EPERM"

assert_eq "$BEFORE_HOST" "$(host_state)" "the host's sentinel files"
assert_eq "$BEFORE_ROOT" "$(tree_digest "$T/ov/up")" "the root"
[ ! -e "$ROOT/etc/raison-was-here" ] || fail "the command wrote into the root"
[ -z "$(ls -A "$TMPDIR")" ] || { ls -la "$TMPDIR"; fail "the sandbox left something in TMPDIR"; }
echo "PASS: every escape from raison trace is refused; the host and the root are untouched"

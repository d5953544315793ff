// The seccomp filter of the sandbox's command (README, "The sandbox of trace and verify"): the system
// calls a container runtime's default profile refuses to a container without CAP_SYS_ADMIN — new
// namespaces (a user namespace above all), mounts, the kernel's key, BPF, tracing and module surfaces,
// the clock — answered with EPERM (clone3 with ENOSYS), the process going on. The list is
// RAISON_REFUSED_SYSCALLS below, one comment per group saying why.
#pragma once

#include <cstdint>
#include <span>

namespace raison::cli {

// Installs the filter on the calling process (its children inherit it; no_new_privs must be set).
// Returns false with errno set on failure. On a host that is not x86-64 it installs nothing and
// returns true: the filter is x86-64 only (README); the sandbox says so on stderr.
bool install_syscall_filter();
// True when install_syscall_filter installs a filter on this host's architecture.
bool syscall_filter_supported();

namespace seccomp {

// What the filter does with a call of the list.
enum class Rule : std::uint8_t {
  refuse,           // EPERM
  refuse_enosys,    // ENOSYS: "not implemented here", so that the C library falls back (clone3 -> clone)
  refuse_new_namespaces,  // EPERM when the flags (argument 0) ask for a new namespace (CLONE_NEW*)
  refuse_personality,     // EPERM unless argument 0 is one of the values Docker's profile allows
};

// One refused call by its number on one ABI.
struct Refused {
  const char* name;
  int nr;
  Rule rule;
};

// The list by the numbers of each ABI: x86-64 (seccomp.cpp) and i386 (seccomp_i386.cpp, 32-bit
// programs of an image).
std::span<const Refused> refused_x86_64();
std::span<const Refused> refused_i386();

}  // namespace seccomp

}  // namespace raison::cli

// X(name, rule, where): where is `both`, `x86_64_only` or `i386_only` (the call does not exist on the
// other ABI). Each translation unit expands it with its ABI's __NR_ numbers.
#define RAISON_REFUSED_SYSCALLS(X)                                                                     \
  /* Namespaces. A new user namespace makes its creator root with every capability inside it, which  \
     opens the kernel code that otherwise needs CAP_SYS_ADMIN or CAP_NET_ADMIN (file system mounts,    \
     nftables, ...): the usual first step of a container escape. The command already has its own       \
     namespaces; it gets no new ones and enters none. clone is refused only with a CLONE_NEW* flag (a \
     fork or a thread goes through); clone3 passes its flags in memory, which a filter cannot read,    \
     so it is "not implemented": glibc then falls back to clone (as under Docker). */                  \
  X(unshare, refuse, both)                                                                             \
  X(setns, refuse, both)                                                                               \
  X(clone, refuse_new_namespaces, both)                                                                \
  X(clone3, refuse_enosys, both)                                                                       \
  /* Mounts, old and new API. Without CAP_SYS_ADMIN the kernel refuses them already; refused before  \
     the kernel parses anything (the new mount API's file system contexts are recent, much-patched    \
     code). */                                                                                         \
  X(mount, refuse, both)                                                                               \
  X(umount, refuse, i386_only)                                                                         \
  X(umount2, refuse, both)                                                                             \
  X(pivot_root, refuse, both)                                                                          \
  X(fsopen, refuse, both)                                                                              \
  X(fsconfig, refuse, both)                                                                            \
  X(fsmount, refuse, both)                                                                             \
  X(fspick, refuse, both)                                                                              \
  X(move_mount, refuse, both)                                                                          \
  X(open_tree, refuse, both)                                                                           \
  X(mount_setattr, refuse, both)                                                                       \
  /* The kernel keyring: keys are not namespaced (a key of the host's could be found or filled). */    \
  X(keyctl, refuse, both)                                                                              \
  X(add_key, refuse, both)                                                                             \
  X(request_key, refuse, both)                                                                         \
  /* BPF programs, perf events, userfaultfd: large kernel surfaces, the tools of most kernel exploits \
     (userfaultfd stalls the kernel mid-copy to win a race); lookup_dcookie (profiling) and           \
     fanotify_init watch the whole system. Nothing an image's program needs to run. */                 \
  X(bpf, refuse, both)                                                                                 \
  X(perf_event_open, refuse, both)                                                                     \
  X(userfaultfd, refuse, both)                                                                         \
  X(lookup_dcookie, refuse, both)                                                                      \
  X(fanotify_init, refuse, both)                                                                       \
  /* io_uring: opens, reads and connects done by the kernel from a shared ring, never as system calls \
     of the process, so strace (the trace) would not see the files they name; refused as by Docker   \
     25 and later, programs fall back to plain calls. */                                              \
  X(io_uring_setup, refuse, both)                                                                      \
  X(io_uring_enter, refuse, both)                                                                      \
  X(io_uring_register, refuse, both)                                                                   \
  /* Kernels and modules: loading, replacing, removing. */                                            \
  X(kexec_load, refuse, both)                                                                          \
  X(kexec_file_load, refuse, x86_64_only)                                                              \
  X(init_module, refuse, both)                                                                         \
  X(finit_module, refuse, both)                                                                        \
  X(delete_module, refuse, both)                                                                       \
  /* File handles: open_by_handle_at opens any inode of a file system by its handle, past the root    \
     (the "shocker" escape from Docker 0.x); name_to_handle_at makes the handles. */                   \
  X(open_by_handle_at, refuse, both)                                                                   \
  X(name_to_handle_at, refuse, both)                                                                   \
  /* The machine itself: accounting, swap, reboot, the kernel log, port I/O, disk quotas, 16-bit      \
     virtual 8086 mode. */                                                                             \
  X(acct, refuse, both)                                                                                \
  X(swapon, refuse, both)                                                                              \
  X(swapoff, refuse, both)                                                                             \
  X(reboot, refuse, both)                                                                              \
  X(syslog, refuse, both)                                                                              \
  X(iopl, refuse, both)                                                                                \
  X(ioperm, refuse, both)                                                                              \
  X(quotactl, refuse, both)                                                                            \
  X(quotactl_fd, refuse, both)                                                                         \
  X(vm86, refuse, i386_only)                                                                           \
  X(vm86old, refuse, i386_only)                                                                        \
  /* The clock is the host's (there is no time namespace here). */                                    \
  X(settimeofday, refuse, both)                                                                        \
  X(stime, refuse, i386_only)                                                                          \
  X(clock_settime, refuse, both)                                                                       \
  X(clock_settime64, refuse, i386_only)                                                                \
  X(clock_adjtime, refuse, both)                                                                       \
  X(clock_adjtime64, refuse, i386_only)                                                                \
  X(adjtimex, refuse, both)                                                                            \
  /* Execution domains: only the values Docker allows (0 PER_LINUX, 8 PER_LINUX32, 0x20000 UNAME26,   \
     0x20008, 0xffffffff the query); the others (ADDR_NO_RANDOMIZE, READ_IMPLIES_EXEC, ...) weaken the \
     protections of the programs the command then execs. */                                          \
  X(personality, refuse_personality, both)

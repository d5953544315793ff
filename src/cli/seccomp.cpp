// The seccomp filter of the sandbox's command (seccomp.hpp): a classic BPF program built here from
// RAISON_REFUSED_SYSCALLS, installed with prctl(PR_SET_SECCOMP). No libseccomp: the program is short,
// and each instruction is below.
//
// The program (A is BPF's accumulator; seccomp_data is what the kernel gives the filter):
//   A = arch
//   x86-64: A = nr; nr with __X32_SYSCALL_BIT (the x32 ABI: the same calls by other numbers, which
//           the list does not name) -> EPERM; then the list by x86-64 numbers; else allow
//   i386 (a 32-bit program of the image, run through the compat entry): the list by i386 numbers;
//           else allow
//   any other arch -> EPERM for every call
// A call of the list: refuse -> EPERM; refuse_enosys -> ENOSYS; refuse_new_namespaces -> EPERM when
// the low word of argument 0 holds a CLONE_NEW* flag (all of them are there), else allow;
// refuse_personality -> allow only Docker's five values, EPERM otherwise. A refused call returns
// -1 with errno set, and strace, which sees each call before the filter does, logs it as
// "= -1 EPERM (Operation not permitted)".
#include "cli/seccomp.hpp"

#if defined(__x86_64__)

#include <linux/audit.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <sched.h>
#include <sys/prctl.h>
#include <sys/syscall.h>

#include <cerrno>
#include <cstddef>
#include <vector>

namespace raison::cli {

namespace seccomp {

namespace {
#define RAISON_ENTRY_both(name, rule) {#name, __NR_##name, Rule::rule},
#define RAISON_ENTRY_x86_64_only(name, rule) {#name, __NR_##name, Rule::rule},
#define RAISON_ENTRY_i386_only(name, rule)
#define RAISON_ENTRY(name, rule, where) RAISON_ENTRY_##where(name, rule)
constexpr Refused kRefused[] = {RAISON_REFUSED_SYSCALLS(RAISON_ENTRY)};
static_assert(__NR_unshare == 272, "the x86-64 numbers");
}  // namespace

std::span<const Refused> refused_x86_64() { return kRefused; }

}  // namespace seccomp

namespace {

using seccomp::Refused;
using seccomp::Rule;

constexpr std::uint32_t kNamespaceFlags = CLONE_NEWNS | CLONE_NEWUTS | CLONE_NEWIPC | CLONE_NEWUSER | CLONE_NEWPID |
                                          CLONE_NEWNET | CLONE_NEWCGROUP;
// personality(2) values Docker's default profile allows: PER_LINUX, PER_LINUX32, UNAME26,
// UNAME26|PER_LINUX32, and 0xffffffff (which only reads the current one).
constexpr std::uint32_t kAllowedPersonalities[] = {0x0, 0x8, 0x20000, 0x20008, 0xffffffff};

constexpr std::uint32_t kNr = offsetof(seccomp_data, nr);
constexpr std::uint32_t kArch = offsetof(seccomp_data, arch);
// x86 is little-endian: the low word of a 64-bit argument comes first.
constexpr std::uint32_t kArg0Low = offsetof(seccomp_data, args[0]);
constexpr std::uint32_t kArg0High = offsetof(seccomp_data, args[0]) + 4;

constexpr std::uint32_t kEperm = SECCOMP_RET_ERRNO | (EPERM & SECCOMP_RET_DATA);
constexpr std::uint32_t kEnosys = SECCOMP_RET_ERRNO | (ENOSYS & SECCOMP_RET_DATA);
constexpr std::uint32_t kAllow = SECCOMP_RET_ALLOW;

struct Program {
  std::vector<sock_filter> code;
  void stmt(std::uint16_t op, std::uint32_t k) { code.push_back(sock_filter{op, 0, 0, k}); }
  void jump(std::uint16_t op, std::uint32_t k, std::uint8_t jt, std::uint8_t jf) {
    code.push_back(sock_filter{op, jt, jf, k});
  }
  void load(std::uint32_t offset) { stmt(BPF_LD | BPF_W | BPF_ABS, offset); }
  void ret(std::uint32_t action) { stmt(BPF_RET | BPF_K, action); }
  // if A == k, fall through to the next instruction, else skip `skip` instructions.
  void if_equal(std::uint32_t k, std::uint8_t skip) { jump(BPF_JMP | BPF_JEQ | BPF_K, k, 0, skip); }
};

// The checks of one ABI, with the call's number in A: each call of the list answered in place (every
// jump is short and forward), everything else allowed.
Program abi_block(std::span<const Refused> refused, bool x86_64) {
  Program p;
  p.load(kNr);
  if (x86_64) {
    p.jump(BPF_JMP | BPF_JGE | BPF_K, __X32_SYSCALL_BIT, 0, 1);
    p.ret(kEperm);
  }
  for (const Refused& r : refused) {
    const auto nr = std::uint32_t(r.nr);
    switch (r.rule) {
      case Rule::refuse:
      case Rule::refuse_enosys:
        p.if_equal(nr, 1);
        p.ret(r.rule == Rule::refuse ? kEperm : kEnosys);
        break;
      case Rule::refuse_new_namespaces:
        p.if_equal(nr, 4);
        p.load(kArg0Low);
        p.jump(BPF_JMP | BPF_JSET | BPF_K, kNamespaceFlags, 0, 1);
        p.ret(kEperm);
        p.ret(kAllow);
        break;
      case Rule::refuse_personality: {
        constexpr std::uint8_t n = std::size(kAllowedPersonalities);
        p.if_equal(nr, 4 + n + 1);
        p.load(kArg0High);  // 0 for every allowed value
        p.if_equal(0, 1 + n);  // else to the EPERM below
        p.load(kArg0Low);
        for (std::uint8_t i = 0; i < n; ++i) p.jump(BPF_JMP | BPF_JEQ | BPF_K, kAllowedPersonalities[i], n - i, 0);
        p.ret(kEperm);
        p.ret(kAllow);
        break;
      }
    }
  }
  p.ret(kAllow);
  return p;
}

std::vector<sock_filter> build_filter() {
  const Program x64 = abi_block(seccomp::refused_x86_64(), true);
  const Program i386 = abi_block(seccomp::refused_i386(), false);
  Program p;
  p.load(kArch);
  p.if_equal(AUDIT_ARCH_X86_64, 1);
  p.stmt(BPF_JMP | BPF_JA, 3);  // to x64's block, after the three below
  p.if_equal(AUDIT_ARCH_I386, 1);
  p.stmt(BPF_JMP | BPF_JA, 1 + std::uint32_t(x64.code.size()));  // over the EPERM and x64's block
  p.ret(kEperm);
  p.code.insert(p.code.end(), x64.code.begin(), x64.code.end());
  p.code.insert(p.code.end(), i386.code.begin(), i386.code.end());
  return p.code;
}

}  // namespace

bool syscall_filter_supported() { return true; }

bool install_syscall_filter() {
  std::vector<sock_filter> code = build_filter();
  sock_fprog prog{static_cast<unsigned short>(code.size()), code.data()};
  return ::prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &prog, 0, 0) == 0;
}

}  // namespace raison::cli

#else  // not x86-64

// The filter names calls by their x86-64 and i386 numbers only. On another architecture nothing is
// installed; the README says the filter is x86-64 only, and the sandbox says so when it runs.
namespace raison::cli {
bool syscall_filter_supported() { return false; }
bool install_syscall_filter() { return true; }
namespace seccomp {
std::span<const Refused> refused_x86_64() { return {}; }
std::span<const Refused> refused_i386() { return {}; }
}  // namespace seccomp
}  // namespace raison::cli

#endif

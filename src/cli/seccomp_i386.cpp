// The seccomp filter's list (seccomp.hpp) by the numbers of the i386 ABI, which 32-bit programs of an
// image use on an x86-64 kernel. In a file of its own: <asm/unistd_32.h> defines the same __NR_ names
// as the x86-64 header <sys/syscall.h> brings in, with other numbers; nothing here includes the latter.
#if defined(__x86_64__)

#include <asm/unistd_32.h>

#include "cli/seccomp.hpp"

static_assert(__NR_unshare == 310, "the i386 numbers (asm/unistd_32.h), not the x86-64 ones");

namespace raison::cli::seccomp {

namespace {
#define RAISON_ENTRY_both(name, rule) {#name, __NR_##name, Rule::rule},
#define RAISON_ENTRY_x86_64_only(name, rule)
#define RAISON_ENTRY_i386_only(name, rule) {#name, __NR_##name, Rule::rule},
#define RAISON_ENTRY(name, rule, where) RAISON_ENTRY_##where(name, rule)
constexpr Refused kRefused[] = {RAISON_REFUSED_SYSCALLS(RAISON_ENTRY)};
}  // namespace

std::span<const Refused> refused_i386() { return kRefused; }

}  // namespace raison::cli::seccomp

#endif

// LazyLib (see lazy_lib.hpp).
#include "util/lazy_lib.hpp"

#include <dlfcn.h>

#include "raison/error.hpp"

namespace raison {

LazyLib::LazyLib(const char* soname, const char* needed_for) : soname_(soname), needed_for_(needed_for) {
  // RTLD_LOCAL: its symbols stay its own. Never closed: the process keeps using the table.
  handle_ = ::dlopen(soname, RTLD_NOW | RTLD_LOCAL);
  if (handle_ == nullptr) {
    const char* why = ::dlerror();
    throw Error(soname_ + " (needed for " + needed_for_ + ") cannot be loaded: " + (why ? why : "unknown error"));
  }
}

void* LazyLib::address(const char* name) const {
  ::dlerror();
  void* p = ::dlsym(handle_, name);
  if (p == nullptr) {
    const char* why = ::dlerror();
    throw Error(soname_ + " (needed for " + needed_for_ + ") has no " + name + (why ? std::string(": ") + why : ""));
  }
  return p;
}

}  // namespace raison

// Libraries raison needs for some jobs only, loaded by dlopen the first time a job uses them: libarchive
// (images, tar inputs and outputs), libcrypto (SHA-256 digests) and ISA-L (gzip layers). A closure of a
// directory, the most common job, then maps none of them nor what they link (libarchive alone brings ten
// libraries, libxml2 and ICU among them): raison starts in about 2 ms less. raison's own .note.dlopen
// (cli/own_dlopen_note.cpp) names them, so a closure of raison keeps them as a required dependency.
//
// Each library's functions are a table of pointers, typed from the library's own header and filled by
// dlsym all at once; the code calls through the table (`la().archive_read_new()`), and a function left
// out of the table is a compile error, not a link to the library.
#pragma once

#include <string>

namespace raison {

class LazyLib {
 public:
  // `soname`: the name dlopen is given (util/sonames.hpp, read from the libraries the build found);
  // `needed_for`: what raison needs it for, for the error.
  LazyLib(const char* soname, const char* needed_for);

  // The address of the function `name`, as F. Throws Error, one line naming the library, what it is
  // needed for and dlerror's cause, when the library cannot be loaded or lacks the function.
  template <class F>
  F function(const char* name) const {
    return reinterpret_cast<F>(address(name));
  }

 private:
  void* address(const char* name) const;

  std::string soname_;
  std::string needed_for_;
  void* handle_;
};

}  // namespace raison

// lib.function() of the function `f`, typed from its declaration in the library's header and looked up by
// its own name: RAISON_LAZY_FUNCTION(lib, isal_inflate).
#define RAISON_LAZY_FUNCTION(lib, f) (lib).function<decltype(&::f)>(#f)

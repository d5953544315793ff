// Directory listing through a descriptor (see dir.hpp).
#include "util/dir.hpp"

#include <dirent.h>
#include <fcntl.h>

#include <memory>
#include <string_view>

#include "raison/error.hpp"
#include "util/fd.hpp"

namespace raison {

std::vector<std::string> dir_entry_names(int dirfd, const std::string& what) {
  Fd copy(::fcntl(dirfd, F_DUPFD_CLOEXEC, 0));
  if (!copy.valid()) throw_errno(what);
  // fdopendir() owns the descriptor it is given from here on; closedir() closes it.
  std::unique_ptr<DIR, int (*)(DIR*)> d(::fdopendir(copy.get()), ::closedir);
  if (!d) throw_errno(what);
  copy.release();
  // A duplicate shares the file offset of `dirfd`: start from the first entry whatever was read before.
  ::rewinddir(d.get());
  std::vector<std::string> names;
  while (dirent* e = ::readdir(d.get())) {
    std::string_view n = e->d_name;
    if (n != "." && n != "..") names.emplace_back(n);
  }
  return names;
}

}  // namespace raison

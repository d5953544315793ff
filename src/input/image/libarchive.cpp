// la(): libarchive's table (see libarchive.hpp).
#include "input/image/libarchive.hpp"

#include "util/lazy_lib.hpp"
#include "util/sonames.hpp"

namespace raison {

const Libarchive& la() {
  // A throw leaves the static uninitialised: the next call tries again and says the same.
  static const Libarchive table = [] {
    LazyLib lib(kLibarchiveSoname, "images, tar inputs and tar outputs");
    Libarchive t;
#define RAISON_LIBARCHIVE_FILL(f) t.f = RAISON_LAZY_FUNCTION(lib, f);
    RAISON_LIBARCHIVE_FUNCTIONS(RAISON_LIBARCHIVE_FILL)
#undef RAISON_LIBARCHIVE_FILL
    return t;
  }();
  return table;
}

void read_compressed(archive* a) {
  la().archive_read_support_filter_gzip(a);
  la().archive_read_support_filter_zstd(a);
  la().archive_read_support_filter_xz(a);
  la().archive_read_support_filter_lzma(a);
  la().archive_read_support_filter_bzip2(a);
}

}  // namespace raison

// libarchive read handles for the image readers: one owner type, and libarchive's last error as
// text. Both the layer stream and the docker-archive reader open archives through these.
#pragma once

#include <archive.h>

#include <memory>
#include <string>

namespace raison {

struct ArchiveFree {
  void operator()(archive* a) const { archive_read_free(a); }
};
// A read handle from archive_read_new(), freed with the owner.
using ArchivePtr = std::unique_ptr<archive, ArchiveFree>;

// libarchive's message for its last error, never empty.
inline std::string archive_message(archive* a) {
  const char* m = archive_error_string(a);
  return m ? m : "unreadable archive";
}

}  // namespace raison

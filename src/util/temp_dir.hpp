// Where raison puts the temporary files of a run on the host: $TMPDIR when set and not empty, else
// /tmp (as mkstemp(3) callers and POSIX's TMPDIR convention expect).
#pragma once

#include <string>
#include <string_view>

namespace raison {

// $TMPDIR if set and not empty, else "/tmp".
std::string temp_dir();

// A new empty file, mode 0600, named PREFIX-XXXXXX in temp_dir(); removed when the object goes.
class TempFile {
 public:
  explicit TempFile(std::string_view prefix);
  ~TempFile();
  TempFile(const TempFile&) = delete;
  TempFile& operator=(const TempFile&) = delete;

  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

}  // namespace raison

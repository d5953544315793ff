// Where raison puts the temporary files of a run on the host: $TMPDIR when set and not empty, else
// /tmp (as mkstemp(3) callers and POSIX's TMPDIR convention expect).
#pragma once

#include <string>
#include <string_view>

namespace raison {

// $TMPDIR if set and not empty, else "/tmp".
std::string temp_dir();

// A new private directory (mkdtemp: mode 0700) named raison-XXXXXX in BASE (empty: temp_dir()), for a
// run's staging or transfer, marked (mark_staging) before any signal can end the run; first, what runs
// killed by SIGKILL left there is reclaimed. The caller unmarks it (unmark_staging) when it goes. WHAT
// names it in the error: "creating a WHAT directory in BASE".
std::string make_run_dir(const std::string& base, std::string_view what);

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

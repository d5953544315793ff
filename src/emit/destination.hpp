// Where outputs go, and how they get there whole: the directory an output goes into is checked before
// the run (check_output_dir, raison/emit.hpp); an output is built under a temporary name beside its
// destination (".NAME.raison-tmp-PID") and renamed into place only when complete, so a failed run
// leaves nothing half-written; write_file_atomically (raison/emit.hpp) does the same for one file.
#pragma once

#include <memory>
#include <string>

#include "util/cleanup.hpp"
#include "util/fd.hpp"

namespace raison {

// An output under construction. The caller creates tmp() (a file or a directory) and fills it;
// commit() puts it in the destination's place. Destroyed uncommitted, it removes tmp().
class StagedOutput {
 public:
  // `dest` as the user gave it (used in messages); a trailing '/' is ignored. A leftover temporary of
  // a killed run with the same pid is removed.
  explicit StagedOutput(const std::string& dest);
  ~StagedOutput();
  StagedOutput(const StagedOutput&) = delete;
  StagedOutput& operator=(const StagedOutput&) = delete;

  const std::string& dest() const { return dest_; }  // absolute, normalised
  const std::string& tmp() const { return tmp_; }
  bool dest_exists() const { return dest_exists_; }  // when constructed (lstat: a link counts)

  // Renames tmp() to dest(). An existing destination is moved aside first (rename(2) cannot put a
  // file over a directory, or a directory over a non-empty one), put back if the rename fails, and
  // removed once the new output is in place.
  void commit();

 private:
  std::string dest_, tmp_;
  bool dest_exists_ = false;
  bool committed_ = false;
  std::unique_ptr<CleanupOnSignal> cleanup_;  // tmp() is removed if a signal ends the run
};

// Closes a file written as an output. Throws Error ("closing WHAT: ...") if close(2) fails: some
// filesystems (NFS, quotas) report a failed write only then.
void close_output(Fd& fd, const std::string& what);

}  // namespace raison

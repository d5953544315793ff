// Reading and scanning Python files ahead of need, on a second core: the analyzer walks imports
// depth first, one file at a time, and says which files it expects to scan next (hint); a worker
// thread reads and scans them meanwhile. What the analyzer does, and in which order, does not
// change: take() gives the same answer a read and a scan made there would (a scan depends on the
// file's bytes only), so the output stays the same byte for byte whatever the worker managed.
#pragma once

#include <condition_variable>
#include <deque>
#include <exception>
#include <map>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <thread>

#include "analyzers/python/scanner.hpp"
#include "raison/root.hpp"

namespace raison::python {

// A file read and scanned: its text, or the raison::Error message read_file gave.
struct Scanned {
  std::optional<std::string> text;  // nullopt when reading failed
  std::string error;                // read_file's message then
  ScanResult result;
};

class ScanAhead {
 public:
  // `limit`: the size above which read_file refuses a file, as the analyzer asks it.
  ScanAhead(const Root& root, std::size_t limit);
  ~ScanAhead();
  ScanAhead(const ScanAhead&) = delete;
  ScanAhead& operator=(const ScanAhead&) = delete;

  // False on one core: hints are then not worth finding.
  bool parallel() const { return worker_.joinable(); }
  // The canonical path of a file take() will probably be asked for; each path is queued once.
  void hint(const std::string& canonical);
  // The file read and scanned: by the worker if it got to it (waiting for it to finish when it is
  // on it), else here and now.
  Scanned take(const std::string& canonical);

 private:
  Scanned read_and_scan(const std::string& canonical) const;
  void work();

  const Root& root_;
  const std::size_t limit_;
  std::mutex mutex_;
  std::condition_variable changed_;
  std::deque<std::string> queue_;           // hinted, not started
  std::set<std::string> hinted_;            // every path ever hinted
  std::string busy_;                        // the path the worker is on, "" for none
  std::map<std::string, Scanned> done_;     // scanned, not taken yet
  std::map<std::string, std::exception_ptr> failed_;  // anything but a raison::Error, rethrown by take()
  bool stop_ = false;
  std::thread worker_;
};

}  // namespace raison::python

// The progress line of long work on a terminal: "raison: reading layers: 1 of 3 done, 45.2 MiB at
// 120.3 MiB/s", redrawn in place on stderr at most ten times a second and erased when the work ends.
// Only the CLI knows about terminals; the core calls a plain ProgressObserver (raison/progress.hpp).
#pragma once

#include <chrono>
#include <string>

#include "raison/progress.hpp"

namespace raison::cli {

class TerminalProgress {
 public:
  // Draws only when `enabled`; see stderr_wants_progress().
  explicit TerminalProgress(bool enabled) : enabled_(enabled) {}
  ~TerminalProgress() { erase(); }
  TerminalProgress(const TerminalProgress&) = delete;
  TerminalProgress& operator=(const TerminalProgress&) = delete;

  // What the core calls; empty (nobody watching) when not enabled.
  ProgressObserver observer();

  // Removes the line (if one is drawn), so that what follows starts at the left margin.
  void erase();

 private:
  void report(const ProgressReport& r);

  bool enabled_;
  bool drawn_ = false;
  std::string what_;
  std::chrono::steady_clock::time_point start_, last_;
};

// True when stderr is a terminal and `quiet` is off.
bool stderr_wants_progress(bool quiet);

}  // namespace raison::cli

// Progress of long work (reading an image's layers, writing an output), for whoever wants to show it.
// The core only calls the observer, often (once per chunk read or path written) and cheaply; it knows
// nothing of terminals: the CLI decides whether and how often to draw (README, "Progress").
#pragma once

#include <cstdint>
#include <functional>

namespace raison {

struct ProgressReport {
  const char* what = "";     // "reading layers", "writing": the same text for every report of one piece of work
  std::uint64_t done = 0;    // items finished: layers read, paths written
  std::uint64_t total = 0;   // items in all (0: unknown)
  const char* unit = "";     // what the items are: "layers", "paths"
  std::uint64_t bytes = 0;   // bytes so far: layers' stored bytes read, or file bytes written
  bool finished = false;     // the last report of this piece of work
};

// Empty: nobody is watching (the default everywhere).
using ProgressObserver = std::function<void(const ProgressReport&)>;

}  // namespace raison

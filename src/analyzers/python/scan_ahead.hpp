// Reading and scanning Python files ahead of need, on a second core (util/ahead.hpp): the analyzer
// walks imports depth first, one file at a time, and hints the files it expects to scan next; a
// worker reads and scans them meanwhile. A scan depends on the file's bytes only, so what the analyzer
// does, and in which order, does not change.
#pragma once

#include <optional>
#include <string>

#include "analyzers/python/scanner.hpp"
#include "raison/root.hpp"
#include "util/ahead.hpp"

namespace raison::python {

// A file read and scanned: its text, or the raison::Error message read_file gave.
struct Scanned {
  std::optional<std::string> text;  // nullopt when reading failed
  std::string error;                // read_file's message then
  ScanResult result;
};

// Reads the file at `canonical` (read_file, refusing one larger than `limit`) and scans it. The root
// is only read through open_read, fstat and read, which share no state between threads.
Scanned read_and_scan(const Root& root, const std::string& canonical, std::size_t limit);

using ScanAhead = Ahead<Scanned>;

}  // namespace raison::python

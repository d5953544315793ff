// read_and_scan (see scan_ahead.hpp).
#include "analyzers/python/scan_ahead.hpp"

#include "raison/error.hpp"

namespace raison::python {

Scanned read_and_scan(const Root& root, const std::string& canonical, std::size_t limit) {
  Scanned s;
  try {
    s.text = read_file(root, canonical, limit);
  } catch (const Error& e) {
    s.error = e.what();
    return s;
  }
  s.result = scan(*s.text);
  return s;
}

}  // namespace raison::python

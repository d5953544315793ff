// The `why` report: the shortest chain of reasons from the seeds to one path, one hop a line with the
// reason's kind, analyzer and detail. The same text whether the graph was computed or read back from
// a manifest.
#include <fmt/format.h>

#include "raison/closure.hpp"
#include "util/printable.hpp"

namespace raison {

bool explain(const Graph& g, const std::string& path, std::string& out) {
  auto v = g.find(path);
  auto chain = v ? g.why(*v) : std::vector<Graph::Hop>{};
  if (chain.empty()) {
    out = printable(path) + " is not in the closure: no seed reaches it.\n";
    return false;
  }
  out = printable(path) + " is kept because:\n";
  for (const auto& hop : chain) {
    const std::string& to = g.node(hop.to).path;
    out += fmt::format("  {}{}\n      [{}, {}] {}\n", hop.from == g.source() ? "" : "-> ", printable(to), to_string(hop.reason.kind),
                       printable(hop.reason.analyzer), printable(hop.reason.detail));
  }
  return true;
}

}  // namespace raison

// The HTML report (`raison report`): one self-contained page, its data inlined as JSON: the dominator
// tree of kept bytes as a treemap, the dropped bytes by directory, and every kept file with its chain
// of reasons. The page (report_page.html) is compiled in.
#pragma once

#include <nlohmann/json.hpp>

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "raison/closure.hpp"
#include "raison/cost.hpp"

namespace raison {

struct ReportInput {
  std::string title;                        // what the closure is of
  const Graph* graph = nullptr;
  const std::vector<std::uint64_t>* bytes = nullptr;  // vertex_bytes()
  const Footprint* footprint = nullptr;     // the whole root's, when it could be opened again
  std::string footprint_note;               // why there is none
  // Dropped bytes by package (name, bytes; most first), when the root has a package database.
  std::vector<std::pair<std::string, std::uint64_t>> dropped_by_package{};
};

// The report's data as JSON (the page's "nodes", "why", "dropped"...).
nlohmann::json report_data(const ReportInput& input);
// The page with the data inlined.
std::string make_report_html(const ReportInput& input);

}  // namespace raison

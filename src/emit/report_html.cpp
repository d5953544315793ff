// Filling the report page: the nodes of the closure (source first) with their own bytes, dominator-tree
// cost and parent, the last hop of each one's shortest why-chain (the page walks them back to a seed),
// and the dropped bytes; inlined where the page holds its data, "</" escaped so no string can end the
// script element.
#include <nlohmann/json.hpp>

#include <map>

#include "emit/report_html.hpp"
#include "raison/emit.hpp"

namespace raison {

extern const char* const kReportPage;


nlohmann::json report_data(const ReportInput& in) {
  const Graph& g = *in.graph;
  const CostTree tree = dominator_costs(g, *in.bytes);
  std::map<Graph::Vertex, int> index{{g.source(), 0}};
  std::vector<Graph::Vertex> order{g.source()};
  for (auto v : g.closure()) {
    index[v] = int(order.size());
    order.push_back(v);
  }
  nlohmann::json nodes = nlohmann::json::array(), why = nlohmann::json::array();
  for (auto v : order) {
    const int parent = tree.idom[v] == CostTree::kNone ? -1 : index.at(tree.idom[v]);
    nodes.push_back({v == g.source() ? "(seeds)" : g.node(v).path, tree.own[v], tree.cost[v], parent, manifest_type_name(g.node(v).stat.type)});
    const auto chain = v == g.source() ? std::vector<Graph::Hop>{} : g.why(v);
    if (chain.empty()) why.push_back(nullptr);
    else why.push_back({index.at(chain.back().from), std::string(to_string(chain.back().reason.kind)), chain.back().reason.detail});
  }
  nlohmann::json data{{"title", in.title}, {"nodes", nodes}, {"why", why}, {"files", tree.files[g.source()]}, {"dropped", nullptr}};
  if (in.footprint) {
    nlohmann::json dirs = nlohmann::json::array();
    for (const auto& d : in.footprint->dropped) dirs.push_back({d.dir, d.bytes});
    data["dropped"] = {{"total", in.footprint->total_bytes}, {"kept", in.footprint->kept_bytes}, {"by_directory", dirs}, {"by_package", nullptr}};
    if (!in.dropped_by_package.empty()) {
      nlohmann::json packages = nlohmann::json::array();
      for (const auto& [name, bytes] : in.dropped_by_package) packages.push_back({name, bytes});
      data["dropped"]["by_package"] = std::move(packages);
    }
  } else {
    data["dropped_note"] = in.footprint_note;
  }
  return data;
}

std::string make_report_html(const ReportInput& in) {
  std::string json = report_data(in).dump();
  for (std::size_t i = 0; (i = json.find("</", i)) != std::string::npos; i += 3) json.replace(i, 2, "<\\/");
  std::string page = kReportPage;
  const std::string mark = std::string("@") + "REPORT_DATA@";
  page.replace(page.find(mark), mark.size(), json);
  return page;
}

}  // namespace raison

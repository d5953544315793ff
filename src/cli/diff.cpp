// `raison diff A B`: what changed between two manifests, roots or images (a root and its shrunk output,
// two releases): added, removed and changed paths and bytes, by directory and by package, the reasons of
// added paths when B is a manifest; exit 1 when B grew past --fail-on-growth (for CI).
#include <fmt/format.h>

#include <memory>

#include "cli/commands.hpp"
#include "cli/report.hpp"
#include "input/image.hpp"
#include "raison/diff.hpp"
#include "raison/emit.hpp"
#include "raison/error.hpp"

namespace raison::cli {

namespace {

// One side: a manifest's inventory, or a root's (the root kept open: hashes are read on demand).
struct Side {
  std::unique_ptr<Root> root;
  Inventory inventory;
};

Side open_side(const std::string& source, const std::string& platform, const TransportOptions& transport) {
  Side s;
  if (looks_like_manifest(source)) {
    const Manifest m = read_manifest(source);
    try {
      s.inventory = inventory_of_manifest(m.json, source);
    } catch (const Error& e) {
      throw e.context(source);
    }
    return s;
  }
  s.root = open_root(source, {.temp_dir = {}, .platform = platform, .transport = transport});
  print_image_notes(*s.root, false);
  s.inventory = inventory_of_root(*s.root, source);
  return s;
}

std::string signed_bytes(std::int64_t b) { return (b < 0 ? "-" : b > 0 ? "+" : "") + human_bytes(std::uint64_t(std::llabs(b))); }

std::string reason_text(const Reason& r) {
  return fmt::format("{}{}: {}", to_string(r.kind), r.from.empty() ? "" : " from " + r.from, r.detail);
}

nlohmann::json changes_json(const std::vector<DiffChange>& changes) {
  nlohmann::json out = nlohmann::json::array();
  for (const auto& c : changes) {
    nlohmann::json j{{"path", c.path}, {"a_bytes", c.a_bytes}, {"b_bytes", c.b_bytes}};
    if (!c.package.empty()) j["package"] = c.package;
    if (!c.reasons.empty()) {
      j["reasons"] = nlohmann::json::array();
      for (const auto& r : c.reasons)
        j["reasons"].push_back({{"kind", to_string(r.kind)}, {"analyzer", r.analyzer}, {"from", r.from}, {"detail", r.detail}});
    }
    out.push_back(std::move(j));
  }
  return out;
}

nlohmann::json buckets_json(const std::vector<DiffBucket>& buckets) {
  nlohmann::json out = nlohmann::json::array();
  for (const auto& b : buckets)
    out.push_back({{"name", b.name}, {"added", b.added}, {"removed", b.removed}, {"changed", b.changed}, {"net", b.net()}});
  return out;
}

std::string buckets_text(const char* what, const std::vector<DiffBucket>& buckets) {
  std::string text = fmt::format("{:>11} {:>11} {:>11} {:>11}  {}\n", "NET", "ADDED", "REMOVED", "CHANGED", what);
  for (std::size_t i = 0; i < buckets.size() && i < 15; ++i) {
    const auto& b = buckets[i];
    text += fmt::format("{:>11} {:>11} {:>11} {:>11}  {}\n", signed_bytes(b.net()), human_bytes(b.added), human_bytes(b.removed),
                        signed_bytes(b.changed), b.name);
  }
  if (buckets.size() > 15) text += fmt::format("  ... and {} more (--json lists all)\n", buckets.size() - 15);
  return text;
}

std::string changes_text(const char* what, const std::vector<DiffChange>& changes, bool with_reasons) {
  std::string text;
  if (changes.empty()) return text;
  text += fmt::format("{} ({}, largest first):\n", what, changes.size());
  for (std::size_t i = 0; i < changes.size() && i < 20; ++i) {
    const auto& c = changes[i];
    text += fmt::format("  {:>10}  {}\n", c.a_bytes && c.b_bytes ? human_bytes(c.a_bytes) + " -> " + human_bytes(c.b_bytes)
                                                                  : human_bytes(std::max(c.a_bytes, c.b_bytes)),
                        c.path);
    if (with_reasons)
      for (const auto& r : c.reasons) text += fmt::format("              because {}\n", reason_text(r));
  }
  if (changes.size() > 20) text += fmt::format("  ... and {} more (--json lists all)\n", changes.size() - 20);
  return text;
}

}  // namespace

int run_diff(const DiffArgs& args) {
  const std::optional<GrowthLimit> limit = parse_growth_limit(args.fail_on_growth);
  if (!args.fail_on_growth.empty() && !limit)
    throw Error("--fail-on-growth: " + args.fail_on_growth + " is not BYTES (1000, 5M, 2GiB) or PERCENT (10%)");

  // Both sides as inventories, then what changed.
  const Side a = open_side(args.a, args.platform, args.transport);
  const Side b = open_side(args.b, args.platform, args.transport);
  const Diff d = diff_inventories(a.inventory, b.inventory);
  const bool failed = limit && grew_past(d, *limit);

  if (args.json) {
    nlohmann::json out{
        {"a", {{"source", args.a}, {"files", d.a_files}, {"bytes", d.a_bytes}}},
        {"b", {{"source", args.b}, {"files", d.b_files}, {"bytes", d.b_bytes}}},
        {"growth", d.growth()},
        {"added_bytes", d.added_bytes},
        {"removed_bytes", d.removed_bytes},
        {"changed_bytes", d.changed_bytes},
        {"added", changes_json(d.added)},
        {"removed", changes_json(d.removed)},
        {"changed", changes_json(d.changed)},
        {"by_directory", buckets_json(d.by_directory)},
        {"by_package", buckets_json(d.by_package)},
        {"grew_past_limit", failed},
    };
    print_stdout(out.dump(1) + "\n");
  } else {
    const double pct = d.a_bytes ? 100.0 * double(d.growth()) / double(d.a_bytes) : 0.0;
    std::string text = fmt::format("A: {}: {} regular files, {}\nB: {}: {} regular files, {}\n", args.a, d.a_files, human_bytes(d.a_bytes),
                                   args.b, d.b_files, human_bytes(d.b_bytes));
    text += fmt::format("growth: {} ({} B, {:+.1f}%)\n", signed_bytes(d.growth()), d.growth(), pct);
    text += fmt::format("added: {} paths, {}; removed: {} paths, {}; changed: {} paths, {}\n\n", d.added.size(), human_bytes(d.added_bytes),
                        d.removed.size(), human_bytes(d.removed_bytes), d.changed.size(), signed_bytes(d.changed_bytes));
    text += buckets_text("DIRECTORY", d.by_directory);
    if (!d.by_package.empty()) text += "\n" + buckets_text("PACKAGE", d.by_package);
    text += "\n" + changes_text("added", d.added, b.inventory.is_manifest);
    text += changes_text("changed", d.changed, false);
    text += changes_text("removed", d.removed, false);
    print_stdout(text);
  }
  if (failed) {
    fmt::print(stderr, "raison: B grew by {} ({} B), past --fail-on-growth {}\n", signed_bytes(d.growth()), d.growth(), args.fail_on_growth);
    return kIncomplete;  // 1: grew past the limit
  }
  return kOk;
}

}  // namespace raison::cli

// Distributions (see distributions.hpp): the metadata entries of a directory read once, their
// top-level names from the files setuptools and wheel installers write.
#include "analyzers/python/distributions.hpp"

#include "raison/error.hpp"
#include "util/text.hpp"

#include <set>
#include <sstream>

namespace raison::python {

namespace {

bool ends_with(std::string_view s, std::string_view suffix) {
  return s.size() >= suffix.size() && s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> out;
  for (const auto& line : split_lines(text))
    if (auto t = trim(line); !t.empty()) out.emplace_back(t);
  return out;
}

// The first path component of an installed file, as a module name: "flask/app.py" -> "flask",
// "six.py" -> "six", "_yaml.cpython-311-x86_64-linux-gnu.so" -> "_yaml". Metadata, scripts and
// parent-relative paths name no module.
std::string top_level_of(std::string_view path) {
  auto slash = path.find('/');
  std::string first(path.substr(0, slash));
  if (first.empty() || first == ".." || ends_with(first, ".dist-info") || ends_with(first, ".egg-info") ||
      first == "__pycache__")
    return "";
  if (slash == std::string_view::npos) {
    if (!ends_with(first, ".py") && first.find(".cpython-") == std::string::npos && !ends_with(first, ".so") &&
        !ends_with(first, ".pyc"))
      return "";
  }
  return first.substr(0, first.find('.'));
}

}  // namespace

std::string normalize_distribution_name(std::string_view name) {
  std::string out;
  bool sep = false;
  for (char c : name) {
    if (c == '-' || c == '_' || c == '.') {
      sep = true;
      continue;
    }
    if (sep && !out.empty()) out += '_';
    sep = false;
    out += static_cast<char>(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
  }
  return out;
}

const std::vector<Distribution>& Distributions::in(Context& ctx, const std::string& dir) {
  if (auto it = by_dir_.find(dir); it != by_dir_.end()) return it->second;
  std::vector<Distribution> out;
  auto d = ctx.lookup(dir);
  std::vector<std::string> entries;
  if (d && d->exists && d->stat.type == FileType::Directory) {
    try {
      entries = ctx.root.list_dir(d->path);
    } catch (const Error& e) {
      ctx.diagnose(Diagnostic::Severity::Error, Diagnostic::Code::Unreadable, d->path, e.what());
    }
  }
  for (const auto& entry : entries) {
    const bool dist_info = ends_with(entry, ".dist-info"), egg_info = ends_with(entry, ".egg-info");
    if (!dist_info && !egg_info) continue;
    auto meta = ctx.lookup(join_path(d->path, entry));
    if (!meta || !meta->exists) continue;
    Distribution dist;
    // "Flask-2.2.2.egg-info" -> "Flask"; "cryptography.egg-info" -> "cryptography".
    std::string stem = entry.substr(0, entry.size() - 9);
    dist.name = stem.substr(0, stem.find('-'));
    dist.metadata = meta->path;
    if (meta->stat.type == FileType::Directory) {
      auto read = [&](const char* file) -> std::string {
        auto f = ctx.lookup_file(join_path(meta->path, file));
        if (!f) return "";
        return ctx.read(f->path, 16u << 20).value_or("");
      };
      std::set<std::string> tops;
      for (const auto& line : lines_of(read("top_level.txt"))) tops.insert(line.substr(0, line.find('/')));
      if (tops.empty()) {
        // RECORD: "path,hash,size" relative to the directory holding the .dist-info.
        for (const auto& line : lines_of(read("RECORD")))
          if (auto t = top_level_of(line.substr(0, line.find(','))); !t.empty()) tops.insert(t);
        // installed-files.txt: paths relative to the .egg-info directory ("../flask/__init__.py").
        for (const auto& line : lines_of(read("installed-files.txt")))
          if (line.rfind("../", 0) == 0)
            if (auto t = top_level_of(line.substr(3)); !t.empty()) tops.insert(t);
      }
      dist.top_level.assign(tops.begin(), tops.end());
    }
    if (dist.top_level.empty()) dist.top_level.push_back(normalize_distribution_name(dist.name));
    out.push_back(std::move(dist));
  }
  return by_dir_.emplace(dir, std::move(out)).first->second;
}

std::vector<const Distribution*> Distributions::providing(Context& ctx, const std::string& site_dir, const std::string& top) {
  std::vector<const Distribution*> out;
  for (const auto& dist : in(ctx, site_dir))
    for (const auto& t : dist.top_level)
      if (t == top) {
        out.push_back(&dist);
        break;
      }
  return out;
}

const Distribution* Distributions::named(Context& ctx, const std::vector<std::string>& dirs, const std::string& name) {
  const std::string want = normalize_distribution_name(name);
  for (const auto& dir : dirs)
    for (const auto& dist : in(ctx, dir))
      if (normalize_distribution_name(dist.name) == want) return &dist;
  return nullptr;
}

std::optional<EntryPoint> Distributions::entry_point(Context& ctx, const Distribution& dist, const std::string& group,
                                                     const std::string& name) {
  auto f = ctx.lookup_file(join_path(dist.metadata, "entry_points.txt"));
  if (!f) return std::nullopt;
  auto text = ctx.read(f->path, 16u << 20);
  if (!text) return std::nullopt;
  // An ini file: [group] sections of "name = module:object [extras]" lines.
  std::string section;
  for (const auto& line : lines_of(*text)) {
    if (line[0] == '#' || line[0] == ';') continue;
    if (line.front() == '[' && line.back() == ']') {
      section = std::string(trim(std::string_view(line).substr(1, line.size() - 2)));
      continue;
    }
    auto eq = line.find('=');
    if (section != group || eq == std::string::npos || trim(std::string_view(line).substr(0, eq)) != name) continue;
    std::string_view value = trim(std::string_view(line).substr(eq + 1));
    value = trim(value.substr(0, value.find('[')));
    auto colon = value.find(':');
    return EntryPoint{std::string(trim(value.substr(0, colon))),
                      colon == std::string_view::npos ? "" : std::string(trim(value.substr(colon + 1)))};
  }
  return std::nullopt;
}

}  // namespace raison::python

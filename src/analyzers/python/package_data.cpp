// package_data(): a walk of one package directory that keeps what is not code (see package_data.hpp).
#include "analyzers/python/package_data.hpp"

#include "analyzers/python/finder.hpp"
#include "raison/error.hpp"

namespace raison::python {

namespace {

constexpr int kMaxDepth = 32;  // data directories nested deeper are not data a package reads

bool is_package_dir(Context& ctx, const Layout& layout, const std::string& dir) {
  std::vector<std::string> inits = {"__init__.py", "__init__.pyc"};
  for (const auto& suffix : layout.extension_suffixes) inits.push_back("__init__" + suffix);
  for (const auto& init : inits)
    if (ctx.lookup_file(join_path(dir, init))) return true;
  return false;
}

void walk(Context& ctx, const Layout& layout, const std::string& dir, int depth, std::vector<std::string>& out) {
  if (depth > kMaxDepth) return;
  std::vector<std::string> names;
  try {
    names = ctx.root.list_dir(dir);
  } catch (const Error& e) {
    ctx.diagnose(Diagnostic::Severity::Error, Diagnostic::Code::Unreadable, dir, e.what());
    return;
  }
  for (const auto& name : names) {
    if (name == "__pycache__") continue;
    const std::string path = join_path(dir, name);
    auto r = ctx.lookup(path, false);
    if (!r || !r->exists) continue;
    if (r->stat.type == FileType::Directory) {
      if (name == "test" || name == "tests" || name == "testing" || is_package_dir(ctx, layout, path)) continue;
      walk(ctx, layout, path, depth + 1, out);
    } else if (!is_module_file(layout, name)) {
      out.push_back(path);
    }
  }
}

}  // namespace

std::vector<std::string> package_data(Context& ctx, const Layout& layout, const std::string& package_dir) {
  std::vector<std::string> out;
  auto d = ctx.lookup(package_dir);
  if (!d || !d->exists || d->stat.type != FileType::Directory) return out;
  walk(ctx, layout, d->path, 0, out);
  return out;
}

}  // namespace raison::python

// ModuleFinder: importlib's PathFinder and FileFinder in the order CPython tries them (see finder.hpp).
#include "analyzers/python/finder.hpp"

#include "raison/error.hpp"

namespace raison::python {

namespace {

bool ends_with(std::string_view s, std::string_view suffix) {
  return s.size() >= suffix.size() && s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

}  // namespace

bool is_module_file(const Layout& layout, const std::string& name) {
  if (ends_with(name, ".py") || ends_with(name, ".pyc")) return true;
  for (const auto& suffix : layout.extension_suffixes)
    if (ends_with(name, suffix)) return true;
  return false;
}

std::optional<Found> ModuleFinder::find(Context& ctx, const Layout& layout, const std::vector<std::string>& script_dirs,
                                        const std::string& fullname) {
  Answers& answers = answers_for(layout, script_dirs);
  if (auto it = answers.find(fullname); it != answers.end()) return it->second;
  auto found = search(ctx, layout, script_dirs, fullname);
  if (!missed_) answers.emplace(fullname, found);  // a std::map's elements stay where they are
  return found;
}

ModuleFinder::Answers& ModuleFinder::answers_for(const Layout& layout, const std::vector<std::string>& script_dirs) {
  // Nearly every call comes with the same layout and directories as the one before: compared, not
  // copied into a key and looked up.
  if (last_ && last_layout_ == &layout && last_dirs_ == script_dirs) return *last_;
  last_ = &found_[{&layout, script_dirs}];
  last_layout_ = &layout;
  last_dirs_ = script_dirs;
  return *last_;
}

std::optional<Found> ModuleFinder::peek(Context& ctx, const Layout& layout, const std::vector<std::string>& script_dirs,
                                        const std::string& fullname) {
  quiet_ = true;
  missed_ = false;
  auto found = find(ctx, layout, script_dirs, fullname);
  quiet_ = missed_ = false;
  return found;
}

std::optional<Resolved> ModuleFinder::lookup(Context& ctx, const std::string& path) {
  if (!quiet_) return ctx.lookup(path);
  try {
    return ctx.root.resolve(path);
  } catch (const Error&) {
    missed_ = true;
    return std::nullopt;
  }
}

std::optional<Found> ModuleFinder::search(Context& ctx, const Layout& layout, const std::vector<std::string>& script_dirs,
                                          const std::string& fullname) {
  if (layout.builtin_modules.count(fullname)) return Found{Found::Builtin, "", {}};
  for (const auto& f : layout.frozen_modules)
    if (f == fullname && fullname != "os") return Found{Found::Frozen, "", {}};  // os.py is read as a landmark
  auto dot = fullname.rfind('.');
  if (dot == std::string::npos) {
    std::vector<std::string> path = script_dirs;
    path.insert(path.end(), layout.sys_path.begin(), layout.sys_path.end());
    return find_on(ctx, layout, path, fullname);
  }
  auto parent = find(ctx, layout, script_dirs, fullname.substr(0, dot));
  if (!parent || (parent->kind != Found::Package && parent->kind != Found::Namespace)) return std::nullopt;
  return find_on(ctx, layout, parent->path, fullname.substr(dot + 1));
}

std::optional<Found> ModuleFinder::find_on(Context& ctx, const Layout& layout, const std::vector<std::string>& path,
                                           const std::string& tail) {
  // A file of one of the loaders' suffixes; a path that cannot be resolved (a loop of links) is
  // diagnosed and passed over, as importlib passes over what it cannot stat.
  auto file = [&](const std::string& p) {
    auto r = lookup(ctx, p);
    return r && r->exists && r->stat.type == FileType::Regular;
  };
  std::vector<std::string> portions;
  for (const auto& entry : path) {
    auto d = lookup(ctx, entry);
    if (!d || !d->exists || d->stat.type != FileType::Directory) continue;
    // As FileFinder does, a name is looked at only when the directory's listing holds it (a directory
    // that cannot be listed is probed name by name, whose errors are then diagnosed).
    const std::unordered_set<std::string>* listed = entries_of(ctx, d->path);
    auto listed_has = [&](const std::string& name) { return listed == nullptr || listed->count(name) > 0; };
    std::string base = join_path(d->path, tail);
    bool is_dir = false;
    if (listed_has(tail)) {
      auto bd = lookup(ctx, base);
      is_dir = bd && bd->exists && bd->stat.type == FileType::Directory;
    }
    if (is_dir) {
      // A regular package: __init__ with any loader's suffix (extension, source, bytecode).
      for (const auto& suffix : layout.extension_suffixes)
        if (file(base + "/__init__" + suffix)) return Found{Found::Package, base + "/__init__" + suffix, {base}};
      for (const char* suffix : {".py", ".pyc"})
        if (file(base + "/__init__" + suffix)) return Found{Found::Package, base + "/__init__" + suffix, {base}};
    }
    // A module: extension suffixes first, then source, then sourceless bytecode.
    for (const auto& suffix : layout.extension_suffixes)
      if (listed_has(tail + suffix) && file(base + suffix)) return Found{Found::Extension, base + suffix, {}};
    for (const char* suffix : {".py", ".pyc"})
      if (listed_has(tail + suffix) && file(base + suffix)) return Found{Found::Source, base + suffix, {}};
    if (is_dir) portions.push_back(base);  // a portion of a namespace package
  }
  if (!portions.empty()) return Found{Found::Namespace, "", portions};
  return std::nullopt;
}

const ModuleFinder::Listing& ModuleFinder::listing(Context& ctx, const std::string& canonical) {
  if (auto it = listings_.find(canonical); it != listings_.end()) return it->second;
  Listing l;
  try {
    auto entries = ctx.root.list_dir(canonical);
    l.entries.emplace(std::make_move_iterator(entries.begin()), std::make_move_iterator(entries.end()));
    for (const auto& entry : *l.entries) l.stems.insert(entry.substr(0, entry.find('.')));
  } catch (const Error& e) {
    l.error = e.what();
  }
  return listings_.emplace(canonical, std::move(l)).first->second;
}

const std::unordered_set<std::string>* ModuleFinder::entries_of(Context& ctx, const std::string& canonical) {
  const Listing& l = listing(ctx, canonical);
  return l.entries ? &*l.entries : nullptr;  // unlistable: left to the probes of each name, which say why
}

const std::set<std::string>& ModuleFinder::names_in(Context& ctx, const std::string& dir) {
  static const std::set<std::string> kNone;
  // Asked for every candidate name in every directory of a search: each directory is resolved once.
  auto [it, added] = listing_of_dir_.try_emplace(dir, nullptr);
  if (added) {
    if (auto d = ctx.lookup(dir); d && d->exists && d->stat.type == FileType::Directory) {
      const Listing& l = listing(ctx, d->path);
      if (!l.entries && reported_.insert(d->path).second)
        ctx.diagnose(Diagnostic::Severity::Error, Diagnostic::Code::Unreadable, d->path, l.error);
      it->second = &l;
    }
  }
  return it->second ? it->second->stems : kNone;
}

bool ModuleFinder::may_exist(Context& ctx, const Layout& layout, const std::vector<std::string>& dirs,
                             const std::string& name) {
  const std::string first = name.substr(0, name.find('.'));
  if (layout.builtin_modules.count(first)) return true;
  for (const auto& f : layout.frozen_modules)
    if (f == first) return true;
  for (const auto& dir : dirs)
    if (names_in(ctx, dir).count(first)) return true;
  return false;
}

std::string ModuleFinder::module_name_of(Context& ctx, const Layout& layout, const std::string& file) {
  std::string best;
  for (const auto& dir : layout.sys_path) {
    auto r = ctx.lookup(dir);
    std::string d = r && r->exists ? r->path : dir;
    if (file.rfind(d + "/", 0) == 0 && d.size() > best.size()) best = d;
  }
  if (best.empty()) return "";
  std::string rel = file.substr(best.size() + 1);
  std::string leaf = base_name(rel);
  std::string stem = leaf.substr(0, leaf.find('.'));  // "etree" of etree.cpython-311-x86_64-linux-gnu.so
  rel = rel.substr(0, rel.size() - leaf.size()) + stem;
  if (stem == "__init__") rel = rel.size() > 9 ? rel.substr(0, rel.size() - 9) : "";
  for (auto& c : rel)
    if (c == '/') c = '.';
  return rel;
}

}  // namespace raison::python

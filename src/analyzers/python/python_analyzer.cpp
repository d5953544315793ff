// The Python analyzer: an interpreter brings its startup set (getpath's landmarks, site, encodings,
// sitecustomize, .pth imports); a script brings its interpreter's startup set and every module its
// imports reach, resolved on the interpreter's sys.path as importlib's path finder would (packages,
// namespace packages, extension modules before source, built-in and frozen modules needing no file).
// Imports inside functions are followed too (they run when the function is called); imports under
// `if TYPE_CHECKING:` are not (they never run).
#include <map>
#include <set>

#include "analyzers/python/layout.hpp"
#include "analyzers/python/python_analyzer.hpp"
#include "analyzers/python/scanner.hpp"
#include "analyzers/script/shebang.hpp"
#include "input/glob.hpp"
#include "raison/error.hpp"

namespace raison::python {

namespace {

bool ends_with(std::string_view s, std::string_view suffix) {
  return s.size() >= suffix.size() && s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

const char* context_name(Import::Context c) {
  switch (c) {
    case Import::Context::TopLevel: return "top-level";
    case Import::Context::Delayed: return "delayed";
    case Import::Context::Optional: return "optional";
  }
  return "";
}

// Modules `python3 -c pass` imports before any user code (Python/pylifecycle.c, Lib/site.py), in
// addition to what their own imports reach. encodings is taken whole: its search_function imports
// codec modules by name at run time, for whatever encoding a program names.
const char* const kStartup[] = {"encodings", "codecs", "io", "abc", "site", "os", "stat", "posixpath",
                                "genericpath", "_collections_abc", "_sitebuiltins"};

// Where a module was found.
struct Found {
  enum Kind { Builtin, Frozen, Source, Extension, Package, Namespace } kind;
  std::string file;               // the file to keep (the module, or a package's __init__.py)
  std::vector<std::string> path;  // a package's __path__
};

// A module being scanned, and what its imports inherit.
struct Module {
  std::string name;  // __name__: "__main__" for a script, "" for the interpreter's own imports
  bool is_package = false;
  const Layout* layout = nullptr;
  std::vector<std::string> script_dirs;  // sys.path[0] of a script, inherited by what it imports
  bool from_seed = false;                // a seed script: its missing top-level imports are problems
  // Follow imports inside functions. A program's own code and what it imports: yes, they run when
  // the function is called. The interpreter's bare startup set (`python3 -c pass`): no.
  bool follow_delayed = true;
};

class PythonAnalyzer final : public Analyzer {
 public:
  explicit PythonAnalyzer(std::shared_ptr<elf::ElfCache> elf_files) : elf_files_(std::move(elf_files)) {}
  std::string_view name() const override { return "python"; }

  void on_entry(Context& ctx, Graph::Vertex v) override {
    const FileNode& n = ctx.graph().node(v);
    if (n.stat.type != FileType::Regular) return;
    const std::string path = n.path;
    if (const Layout* layout = interpreter_layout(ctx, v)) {
      startup(ctx, *layout, path);
      return;
    }
    if (!ctx.is_run(v)) return;  // an imported module is scanned when imported, not run as a script
    // A script: a file whose #! runs python (directly or through env), or a .py file.
    std::string interp;
    if (auto runner = script::read_script_runner(ctx, path)) {
      const std::string named = runner->program.empty() ? runner->shebang.interpreter : runner->program;
      if (base_name(named).rfind("python", 0) != 0) return;  // a script for another interpreter
      interp = runner->runs();  // empty when env finds no such program (the script analyzer says so)
    } else if (ends_with(path, ".py")) {
      interp = default_interpreter(ctx);
      if (interp.empty()) {
        ctx.diagnose(Diagnostic::Severity::Incomplete, Diagnostic::Code::NotFound, path,
                     "a Python script, but the root has no python3 to run it");
        return;
      }
      ctx.reach(interp, Reason{ReasonKind::Shebang, "python", path, "a .py script is run by " + interp});
    } else {
      return;
    }
    if (interp.empty() || !ctx.lookup_file(interp)) return;
    const Layout* layout = layout_for(ctx, interp);
    if (!layout) return;
    Module m{.name = "__main__", .is_package = false, .layout = layout, .script_dirs = {parent_path(path)},
             .from_seed = true, .follow_delayed = true};
    modules_[v] = m;
    scan_module(ctx, v, m);
  }

 private:
  // The layout of the interpreter at v, if v is one: an ELF named python3.X / python3 or linking
  // libpython3.X.
  const Layout* interpreter_layout(Context& ctx, Graph::Vertex v) {
    const std::string path = ctx.graph().node(v).path;
    std::string base = base_name(path);
    bool named = base.rfind("python", 0) == 0 && base.find_first_not_of("python0123456789.") == std::string::npos;
    const elf::ElfInfo* e = elf_files_->get(ctx, v);
    if (!e) return nullptr;
    bool links_libpython = false;
    for (const auto& lib : e->needed) links_libpython |= lib.rfind("libpython3", 0) == 0;
    if (!named && !links_libpython) return nullptr;
    return layout_for(ctx, path);
  }

  // The layout of the interpreter at `interp`, computed once; nullptr when it is not a usable one
  // (diagnosed the first time).
  const Layout* layout_for(Context& ctx, const std::string& interp) {
    auto r = ctx.lookup(interp);
    std::string key = r && r->exists ? r->path : interp;
    if (auto it = layouts_.find(key); it != layouts_.end()) return it->second.get();
    auto& slot = layouts_[key];  // nullptr until computed: a failure is not retried
    LayoutOptions lo;
    if (const ImageConfig* c = ctx.root.image_config()) lo.env = c->env;
    for (const auto& [k, val] : ctx.options.env) lo.env.push_back(k + "=" + val);
    try {
      slot = std::make_unique<Layout>(find_layout(ctx.root, interp, lo));
    } catch (const Error& e) {
      throw e.context("not a usable Python interpreter");
    }
    for (const auto& note : slot->notes) ctx.diagnose(Diagnostic::Severity::Note, Diagnostic::Code::Remark, interp, note);
    return slot.get();
  }

  std::string default_interpreter(Context& ctx) {
    for (const char* p : {"/usr/bin/python3", "/usr/local/bin/python3", "/bin/python3"})
      if (ctx.lookup_file(p)) return p;
    return "";
  }

  // What `python3 -c pass` needs: getpath's landmarks, the startup modules, sitecustomize and the
  // .pth files with their import lines, and what --python-import names.
  void startup(Context& ctx, const Layout& layout, const std::string& interp) {
    if (!started_.insert(&layout).second) return;
    for (const auto& landmark : layout.landmarks)
      ctx.reach(landmark, Reason{ReasonKind::Data, "python", interp, "getpath looks at this landmark to find sys.prefix"}, false);
    // sys.path's directories themselves: importlib lists each one as it searches.
    for (const auto& dir : layout.sys_path) {
      auto r = ctx.lookup(dir);
      if (r && r->exists && r->stat.type == FileType::Directory)
        ctx.reach(dir, Reason{ReasonKind::Data, "python", interp, "on sys.path: importlib lists it"});
    }
    const Module root_module{.name = "", .layout = &layout, .follow_delayed = false};
    for (const char* name : kStartup) import(ctx, interp, root_module, name, "startup module", Import::Context::TopLevel);
    keep_package_tree(ctx, interp, layout, "encodings", "encodings.search_function imports codecs by name at run time", false);
    for (const auto& c : layout.customize) {
      std::string mod = base_name(c);
      mod = mod.substr(0, mod.find('.'));
      import(ctx, interp, root_module, mod, "site imports " + mod, Import::Context::Optional);
    }
    for (const auto& pth : layout.pth_files) {
      ctx.reach(pth.path, Reason{ReasonKind::Data, "python", interp, "site.py reads .pth files"}, false);
      for (const auto& line : pth.import_lines) {
        ScanResult r = scan(line + "\n");
        for (const auto& imp : r.imports)
          import(ctx, pth.path, root_module, imp.module, "import line of " + pth.path, Import::Context::Optional);
      }
    }
    for (const auto& name : ctx.options.python_imports) {
      if (ends_with(name, ".*"))
        keep_package_tree(ctx, interp, layout, name.substr(0, name.size() - 2), "--python-import " + name, true);
      else
        import(ctx, interp, Module{.name = "", .layout = &layout, .follow_delayed = true}, name, "--python-import " + name,
               Import::Context::TopLevel, true);
    }
    if (ctx.options.python_stdlib_full) keep_stdlib(ctx, interp, layout);
  }

  // Keeps every file under a package's directory (code that discovers its submodules or reads data
  // files beside __file__ needs them all), and imports the package itself.
  void keep_package_tree(Context& ctx, const std::string& from, const Layout& layout, const std::string& package,
                         const std::string& why, bool follow_delayed) {
    const Module root_module{.name = "", .layout = &layout, .follow_delayed = follow_delayed};
    auto found = find_module(ctx, layout, {}, package);
    if (!found) {
      ctx.diagnose(Diagnostic::Severity::Incomplete, Diagnostic::Code::NotFound, from,
                   "package " + package + " not found on sys.path (" + why + ")");
      return;
    }
    import(ctx, from, root_module, package, why, Import::Context::TopLevel);
    for (const auto& dir : found->path)
      glob_root(ctx.root, dir, [&](const std::string& p) {
        if (p.find("/__pycache__/") != std::string::npos && !ctx.options.python_bytecode) return;
        auto v = ctx.reach(p, Reason{ReasonKind::Import, "python", from, why + ": keeps the whole package " + package}, false);
        if (v && ends_with(p, ".py")) enqueue_module(ctx, *v, layout, module_name_for(ctx, layout, p), ends_with(p, "/__init__.py"), follow_delayed);
      }, [&](const std::string& p, const std::string& e) { ctx.diagnose(Diagnostic::Severity::Error, Diagnostic::Code::Unreadable, p, e); });
  }

  // --python-stdlib full: the whole standard library but what distroless leaves out too.
  void keep_stdlib(Context& ctx, const std::string& interp, const Layout& layout) {
    static const std::set<std::string> skip = {"test", "idlelib", "tkinter", "ensurepip", "lib2to3", "turtledemo",
                                               "turtle.py", "site-packages", "dist-packages"};
    for (const auto& dir : {layout.stdlib_dir, layout.platstdlib_dir}) {
      auto r = ctx.lookup(dir);
      if (!r || !r->exists || r->stat.type != FileType::Directory) continue;
      for (const auto& name : ctx.root.list_dir(r->path)) {
        if (skip.count(name)) continue;
        glob_root(ctx.root, join_path(r->path, name), [&](const std::string& p) {
          if (p.find("/__pycache__/") != std::string::npos && !ctx.options.python_bytecode) return;
          if (p.find("/test/") != std::string::npos || p.find("/tests/") != std::string::npos) return;
          ctx.reach(p, Reason{ReasonKind::Import, "python", interp, "--python-stdlib full"}, false);
        }, [&](const std::string& p, const std::string& e) { ctx.diagnose(Diagnostic::Severity::Error, Diagnostic::Code::Unreadable, p, e); });
      }
    }
  }

  // The dotted name of a source file under one of the layout's sys.path directories.
  std::string module_name_for(Context& ctx, const Layout& layout, const std::string& file) {
    std::string best;
    for (const auto& dir : layout.sys_path) {
      auto r = ctx.lookup(dir);
      std::string d = r && r->exists ? r->path : dir;
      if (file.rfind(d + "/", 0) == 0 && d.size() > best.size()) best = d;
    }
    if (best.empty()) return "";
    std::string rel = file.substr(best.size() + 1);
    if (ends_with(rel, "/__init__.py")) rel = rel.substr(0, rel.size() - 12);
    else if (ends_with(rel, ".py")) rel = rel.substr(0, rel.size() - 3);
    for (auto& c : rel)
      if (c == '/') c = '.';
    return rel;
  }

  void enqueue_module(Context& ctx, Graph::Vertex v, const Layout& layout, const std::string& name, bool package,
                      bool follow_delayed) {
    if (modules_.count(v)) return;
    Module m{.name = name, .is_package = package, .layout = &layout, .follow_delayed = follow_delayed};
    modules_[v] = m;
    scan_module(ctx, v, m);
  }

  // importlib's PathFinder/FileFinder for one name on one path list.
  std::optional<Found> find_on(Context& ctx, const Layout& layout, const std::vector<std::string>& path,
                               const std::string& tail) {
    // A file of one of the loaders' suffixes; a path that cannot be resolved (a loop of links) is
    // diagnosed and passed over, as importlib passes over what it cannot stat.
    auto file = [&](const std::string& p) { return ctx.lookup_file(p).has_value(); };
    std::vector<std::string> portions;
    for (const auto& entry : path) {
      auto d = ctx.lookup(entry);
      if (!d || !d->exists || d->stat.type != FileType::Directory) continue;
      std::string base = join_path(d->path, tail);
      auto bd = ctx.lookup(base);
      bool is_dir = bd && bd->exists && bd->stat.type == FileType::Directory;
      if (is_dir) {
        // A regular package: __init__ with any loader's suffix (extension, source, bytecode).
        for (const auto& suffix : layout.extension_suffixes)
          if (file(base + "/__init__" + suffix)) return Found{Found::Package, base + "/__init__" + suffix, {base}};
        for (const char* suffix : {".py", ".pyc"})
          if (file(base + "/__init__" + suffix)) return Found{Found::Package, base + "/__init__" + suffix, {base}};
      }
      // A module: extension suffixes first, then source, then sourceless bytecode.
      for (const auto& suffix : layout.extension_suffixes)
        if (file(base + suffix)) return Found{Found::Extension, base + suffix, {}};
      for (const char* suffix : {".py", ".pyc"})
        if (file(base + suffix)) return Found{Found::Source, base + suffix, {}};
      if (is_dir) portions.push_back(base);  // a portion of a namespace package
    }
    if (!portions.empty()) return Found{Found::Namespace, "", portions};
    return std::nullopt;
  }

  std::optional<Found> find_module(Context& ctx, const Layout& layout, const std::vector<std::string>& script_dirs,
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
    auto parent = find_module(ctx, layout, script_dirs, fullname.substr(0, dot));
    if (!parent || (parent->kind != Found::Package && parent->kind != Found::Namespace)) return std::nullopt;
    return find_on(ctx, layout, parent->path, fullname.substr(dot + 1));
  }

  // Imports `fullname` (and, first, each package above it) for the file `from`.
  bool import(Context& ctx, const std::string& from, const Module& importer, const std::string& fullname,
              const std::string& why, Import::Context context, bool mandatory = false) {
    if (fullname.empty()) return false;
    const Layout& layout = *importer.layout;
    bool ok = true;
    size_t pos = 0;
    while (ok) {
      size_t dot = fullname.find('.', pos);
      std::string name = fullname.substr(0, dot);
      ok = import_one(ctx, from, importer, name, why, context, mandatory && dot == std::string::npos, layout);
      if (dot == std::string::npos) break;
      pos = dot + 1;
    }
    return ok;
  }

  bool import_one(Context& ctx, const std::string& from, const Module& importer, const std::string& name,
                  const std::string& why, Import::Context context, bool mandatory, const Layout& layout) {
    auto found = find_module(ctx, layout, importer.script_dirs, name);
    if (!found) {
      bool problem = mandatory || (importer.from_seed && context == Import::Context::TopLevel);
      ctx.diagnose(problem ? Diagnostic::Severity::Incomplete : Diagnostic::Severity::Note, Diagnostic::Code::NotFound, from,
                   "module " + name + " not found on sys.path (" + why + ", " + context_name(context) + ")");
      return false;
    }
    if (found->kind == Found::Builtin || found->kind == Found::Frozen || found->file.empty()) {
      for (const auto& dir : found->path)  // a namespace package's directories
        ctx.reach(dir, Reason{ReasonKind::Import, "python", from, why + ": namespace package " + name}, false);
      return true;
    }
    Reason r{ReasonKind::Import, "python", from,
             why + " (" + context_name(context) + "): " + name + (found->kind == Found::Extension ? " is an extension module" : "")};
    auto v = ctx.reach(found->file, r);
    if (!v) return false;
    if (ctx.options.python_bytecode && ends_with(found->file, ".py")) {
      std::string dir = parent_path(found->file), base = base_name(found->file);
      std::string pyc = dir + "/__pycache__/" + base.substr(0, base.size() - 3) + ".cpython-" +
                        std::to_string(layout.major) + std::to_string(layout.minor) + ".pyc";
      ctx.reach(pyc, Reason{ReasonKind::Data, "python", found->file, "bytecode cached for " + base + " (--python-bytecode keep)"});
    }
    if (found->kind == Found::Source || found->kind == Found::Package)
      if (ends_with(found->file, ".py")) {
        auto it = modules_.find(*v);
        if (it == modules_.end()) {
          Module m{.name = name, .is_package = found->kind == Found::Package, .layout = &layout,
                   .script_dirs = importer.script_dirs, .from_seed = false, .follow_delayed = importer.follow_delayed};
          modules_[*v] = m;
          scan_module(ctx, *v, m);
        } else if (importer.follow_delayed && !it->second.follow_delayed) {
          // Scanned for the startup set only; now a program imports it: its delayed imports count too.
          it->second.follow_delayed = true;
          Module m = it->second;
          scan_module(ctx, *v, m);
        }
      }
    return true;
  }

  void scan_module(Context& ctx, Graph::Vertex v, const Module& m) {
    const std::string path = ctx.graph().node(v).path;
    auto text = ctx.read(path, 64u << 20);
    if (!text) return;
    ScanResult r = scan(*text);
    for (const auto& d : r.diagnostics) ctx.diagnose(Diagnostic::Severity::Note, Diagnostic::Code::Unreadable, path, d);
    for (const auto& imp : r.imports) {
      if (imp.type_checking) continue;  // never runs
      if (imp.main_guard && m.name != "__main__") continue;  // runs only when this file is the program
      if (imp.context == Import::Context::Delayed && !m.follow_delayed) continue;
      std::string base = imp.module;
      if (imp.level > 0) {
        try {
          base = resolve_relative(m.name, m.is_package, imp.level, imp.module);
        } catch (const Error& e) {
          ctx.diagnose(Diagnostic::Severity::Note, Diagnostic::Code::NotFound, path, "line " + std::to_string(imp.line) + ": " + e.what());
          continue;
        }
      }
      std::string why = imp.how + " " + (imp.level ? std::string(size_t(imp.level), '.') + imp.module : imp.module) +
                        " at line " + std::to_string(imp.line);
      if (imp.how == "from") {
        if (!import(ctx, path, m, base, why, imp.context)) continue;
        for (const auto& n : imp.names) {
          if (n == "*") continue;
          // `from pkg import name`: name may be a submodule; if it is not, it is an attribute.
          auto sub = find_module(ctx, *m.layout, m.script_dirs, base.empty() ? n : base + "." + n);
          if (sub) import(ctx, path, m, base.empty() ? n : base + "." + n, why, imp.context);
        }
      } else {
        import(ctx, path, m, base, why, imp.context);
      }
    }
  }

  std::shared_ptr<elf::ElfCache> elf_files_;
  std::map<std::string, std::unique_ptr<Layout>> layouts_;
  std::set<const Layout*> started_;
  std::map<Graph::Vertex, Module> modules_;
};

}  // namespace

std::unique_ptr<Analyzer> make_python_analyzer(std::shared_ptr<elf::ElfCache> elf_files) {
  return std::make_unique<PythonAnalyzer>(std::move(elf_files));
}

}  // namespace raison::python

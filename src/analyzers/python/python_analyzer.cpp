// The Python analyzer: an interpreter brings its startup set (getpath's landmarks, site, encodings,
// sitecustomize, .pth imports); a script brings its interpreter's startup set and every module its
// imports reach, resolved on the interpreter's sys.path as importlib's path finder would. Evidence, each
// with its reason: import statements (inside functions too: they run when the function is called; not
// under `if TYPE_CHECKING:`), module names given as literal data (`-m NAME`, import_module("NAME")...),
// names in the read-only strings of compiled extension modules (imports made through the C API), a
// console script's entry point; and what a kept module needs beside code: its distribution's metadata
// (importlib.metadata), its package data, and the files beside it that it names in a string.
#include <map>
#include <regex>
#include <set>

#include "analyzers/python/distributions.hpp"
#include "analyzers/python/finder.hpp"
#include "analyzers/python/layout.hpp"
#include "analyzers/python/package_data.hpp"
#include "analyzers/python/python_analyzer.hpp"
#include "analyzers/python/scan_ahead.hpp"
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

// The largest source file read.
constexpr std::size_t kMaxSource = 64u << 20;

// Modules `python3 -c pass` imports before any user code (Python/pylifecycle.c, Lib/site.py), in
// addition to what their own imports reach. encodings is taken whole: its search_function imports
// codec modules by name at run time, for whatever encoding a program names.
const char* const kStartup[] = {"encodings", "codecs", "io", "abc", "site", "os", "stat", "posixpath",
                                "genericpath", "_collections_abc", "_sitebuiltins"};

// A module being scanned, and what its imports inherit.
struct Module {
  std::string name;  // __name__: "__main__" for a script, "" for the interpreter's own imports
  bool is_package = false;
  const Layout* layout = nullptr;
  std::vector<std::string> script_dirs{};  // sys.path[0] of a script, inherited by what it imports
  bool from_seed = false;                // a seed script: its missing top-level imports are problems
  // Follow imports inside functions. A program's own code and what it imports: yes, they run when
  // the function is called. The interpreter's bare startup set (`python3 -c pass`): no.
  bool follow_delayed = true;
};

// One import to make, and why.
struct Request {
  std::string from;  // the file that imports
  std::string why{};  // the evidence, as words
  Import::Context context = Import::Context::TopLevel;
  bool mandatory = false;  // not found is a problem (an import statement of a seed, --python-import)
  bool named_by_user = false;  // --python-import: the user asks for it (a test package's data included)
};

// An easy_install / setuptools console script names its entry point as data:
// "# EASY-INSTALL-ENTRY-SCRIPT: 'Flask==2.2.2','console_scripts','flask'" or load_entry_point('Flask==2.2.2',
// 'console_scripts', 'flask').
struct EntryPointRef {
  std::string distribution, group, name;
  std::string evidence;
};
std::optional<EntryPointRef> console_script_entry_point(const std::string& text) {
  static const std::regex pattern(
      R"((EASY-INSTALL-ENTRY-SCRIPT:\s*|load_entry_point\(\s*)'([^'=]+)(?:==[^']*)?'\s*,\s*'([^']+)'\s*,\s*'([^']+)')");
  std::smatch m;
  const std::string head = text.substr(0, 8192);
  if (!std::regex_search(head, m, pattern)) return std::nullopt;
  return EntryPointRef{m[2], m[3], m[4], m[0]};
}

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
    for (const char* name : kStartup) import(ctx, root_module, name, Request{.from = interp, .why = "startup module"});
    keep_package_tree(ctx, interp, layout, "encodings", "encodings.search_function imports codecs by name at run time", false);
    for (const auto& c : layout.customize) {
      std::string mod = base_name(c);
      mod = mod.substr(0, mod.find('.'));
      import(ctx, root_module, mod, Request{.from = interp, .why = "site imports " + mod, .context = Import::Context::Optional});
    }
    for (const auto& pth : layout.pth_files) {
      ctx.reach(pth.path, Reason{ReasonKind::Data, "python", interp, "site.py reads .pth files"}, false);
      for (const auto& line : pth.import_lines) {
        ScanResult r = scan(line + "\n");
        for (const auto& imp : r.imports)
          import(ctx, root_module, imp.module,
                 Request{.from = pth.path, .why = "import line of " + pth.path, .context = Import::Context::Optional});
      }
    }
    for (const auto& name : ctx.options.python_imports) {
      if (ends_with(name, ".*"))
        keep_package_tree(ctx, interp, layout, name.substr(0, name.size() - 2), "--python-import " + name, true);
      else
        import(ctx, Module{.name = "", .layout = &layout, .follow_delayed = true}, name,
               Request{.from = interp, .why = "--python-import " + name, .mandatory = true, .named_by_user = true});
    }
    if (ctx.options.python_stdlib_full) keep_stdlib(ctx, interp, layout);
  }

  // Keeps every file under a package's directory (code that discovers its submodules or reads data
  // files beside __file__ needs them all), and imports the package itself.
  void keep_package_tree(Context& ctx, const std::string& from, const Layout& layout, const std::string& package,
                         const std::string& why, bool follow_delayed) {
    const Module root_module{.name = "", .layout = &layout, .follow_delayed = follow_delayed};
    auto found = finder_.find(ctx, layout, {}, package);
    if (!found) {
      ctx.diagnose(Diagnostic::Severity::Incomplete, Diagnostic::Code::NotFound, from,
                   "package " + package + " not found on sys.path (" + why + ")");
      return;
    }
    import(ctx, root_module, package, Request{.from = from, .why = why, .named_by_user = true});
    for (const auto& dir : found->path) hint_tree(ctx, dir);
    for (const auto& dir : found->path)
      glob_root(ctx.root, dir, [&](const std::string& p) {
        if (p.find("/__pycache__/") != std::string::npos && !ctx.options.python_bytecode) return;
        auto v = ctx.reach(p, Reason{ReasonKind::Import, "python", from, why + ": keeps the whole package " + package}, false);
        if (!v || !is_module_file(layout, base_name(p)) || ends_with(p, ".pyc")) return;
        const std::string name = finder_.module_name_of(ctx, layout, p);
        const bool is_package = base_name(p).rfind("__init__.", 0) == 0;
        if (ends_with(p, ".py"))
          enqueue_module(ctx, *v, Module{.name = name, .is_package = is_package, .layout = &layout, .follow_delayed = follow_delayed});
        else
          compiled_imports(ctx, *v, Module{.name = name, .is_package = is_package, .layout = &layout, .follow_delayed = follow_delayed});
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

  void enqueue_module(Context& ctx, Graph::Vertex v, const Module& m) {
    if (modules_.count(v)) return;
    modules_[v] = m;
    scan_module(ctx, v, m);
  }

  // Imports `fullname` (and, first, each package above it) for `importer`.
  bool import(Context& ctx, const Module& importer, const std::string& fullname, const Request& req) {
    if (fullname.empty()) return false;
    bool ok = true;
    for (size_t pos = 0; ok;) {
      size_t dot = fullname.find('.', pos);
      Request step = req;
      step.mandatory = req.mandatory && dot == std::string::npos;
      ok = import_one(ctx, importer, fullname.substr(0, dot), step);
      if (dot == std::string::npos) break;
      pos = dot + 1;
    }
    return ok;
  }

  bool import_one(Context& ctx, const Module& importer, const std::string& name, const Request& req) {
    const Layout& layout = *importer.layout;
    auto found = finder_.find(ctx, layout, importer.script_dirs, name);
    if (!found) {
      bool problem = req.mandatory || (importer.from_seed && req.context == Import::Context::TopLevel);
      ctx.diagnose(problem ? Diagnostic::Severity::Incomplete : Diagnostic::Severity::Note, Diagnostic::Code::NotFound, req.from,
                   "module " + name + " not found on sys.path (" + req.why + ", " + context_name(req.context) + ")");
      return false;
    }
    if (found->kind == Found::Builtin || found->kind == Found::Frozen || found->file.empty()) {
      for (const auto& dir : found->path)  // a namespace package's directories
        ctx.reach(dir, Reason{ReasonKind::Import, "python", req.from, req.why + ": namespace package " + name}, false);
      if (!found->path.empty() && name.find('.') == std::string::npos) distribution_metadata(ctx, layout, name, found->path.front());
      return true;
    }
    Reason r{ReasonKind::Import, "python", req.from,
             req.why + " (" + context_name(req.context) + "): " + name + (found->kind == Found::Extension ? " is an extension module" : "")};
    auto v = ctx.reach(found->file, r);
    if (!v) return false;
    if (ctx.options.python_bytecode && ends_with(found->file, ".py")) {
      std::string dir = parent_path(found->file), base = base_name(found->file);
      std::string pyc = dir + "/__pycache__/" + base.substr(0, base.size() - 3) + ".cpython-" +
                        std::to_string(layout.major) + std::to_string(layout.minor) + ".pyc";
      ctx.reach(pyc, Reason{ReasonKind::Data, "python", found->file, "bytecode cached for " + base + " (--python-bytecode keep)"});
    }
    // What importlib.metadata and the package itself read beside the code.
    if (name.find('.') == std::string::npos)
      distribution_metadata(ctx, layout, name, found->kind == Found::Package ? found->path.front() : found->file);
    if (found->kind == Found::Package) keep_package_data(ctx, layout, name, found->file, found->path.front(), req.named_by_user);
    const bool is_package = found->kind == Found::Package;
    Module m{.name = name, .is_package = is_package, .layout = &layout, .script_dirs = importer.script_dirs,
             .from_seed = false, .follow_delayed = importer.follow_delayed};
    if (!ends_with(found->file, ".py")) {
      if (ends_with(found->file, ".pyc")) return true;  // sourceless bytecode: nothing to scan
      compiled_imports(ctx, *v, m);
      return true;
    }
    auto it = modules_.find(*v);
    if (it == modules_.end()) {
      modules_[*v] = m;
      scan_module(ctx, *v, m);
    } else if (importer.follow_delayed && !it->second.follow_delayed) {
      // Scanned for the startup set only; now a program imports it: its delayed imports count too.
      it->second.follow_delayed = true;
      Module again = it->second;
      scan_module(ctx, *v, again);
    }
    return true;
  }

  void scan_module(Context& ctx, Graph::Vertex v, const Module& m) {
    const std::string path = ctx.graph().node(v).path;
    Scanned scanned = ahead(ctx).take(path);
    if (!scanned.text) {
      ctx.diagnose(Diagnostic::Severity::Error, Diagnostic::Code::Unreadable, path, scanned.error);  // as ctx.read() does
      return;
    }
    const std::string& text = *scanned.text;
    const ScanResult& r = scanned.result;
    hint_imports(ctx, m, r);
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
      const bool statement = imp.how == "import" || imp.how == "from";
      Request req{.from = path, .context = imp.context};
      if (statement) {
        req.why = imp.how + " " + (imp.level ? std::string(size_t(imp.level), '.') + imp.module : imp.module) +
                  " at line " + std::to_string(imp.line);
      } else {
        // A name given as data: literal evidence, but the name may belong to another program (a
        // `-m` of a tool that is not python): a miss is a note, never a problem.
        req.why = imp.evidence.empty() ? imp.how + " " + imp.module + " at line " + std::to_string(imp.line) : imp.evidence;
        if (req.context == Import::Context::TopLevel) req.context = Import::Context::Optional;
      }
      if (imp.how == "from") {
        if (!import(ctx, m, base, req)) continue;
        for (const auto& n : imp.names) {
          if (n == "*") continue;
          // `from pkg import name`: name may be a submodule; if it is not, it is an attribute.
          const std::string sub = base.empty() ? n : base + "." + n;
          if (finder_.find(ctx, *m.layout, m.script_dirs, sub)) import(ctx, m, sub, req);
        }
        continue;
      }
      if (!import(ctx, m, base, req)) continue;
      // `python -m PKG` and runpy.run_module("PKG") run the package's __main__.
      if (imp.how == "-m" || imp.how == "run_module")
        if (auto f = finder_.find(ctx, *m.layout, m.script_dirs, base); f && (f->kind == Found::Package || f->kind == Found::Namespace))
          if (finder_.find(ctx, *m.layout, m.script_dirs, base + ".__main__")) import(ctx, m, base + ".__main__", req);
    }
    // Files the module names beside itself: data or a helper script it opens or runs by that name.
    const std::string dir = parent_path(path);
    for (const auto& f : r.file_names)
      if (auto file = ctx.lookup_file(join_path(dir, f.name)); file && file->path != path)
        ctx.reach(*file, Reason{ReasonKind::Data, "python", path,
                                "named by the string \"" + f.name + "\" at line " + std::to_string(f.line) + ", a file beside the module"});
    if (m.name == "__main__") console_script(ctx, m, path, text);
  }

  // The source files this module's imports will scan, guessed now (finder_.peek: no diagnostic, and
  // the same answers find() will give) so that ahead_ reads and scans them while this thread goes
  // on with the imports one by one. A wrong guess costs a scan on the other core, nothing else.
  ScanAhead& ahead(Context& ctx) {
    if (!ahead_) {
      const Root& root = ctx.root;
      ahead_ = std::make_unique<ScanAhead>([&root](const std::string& path) { return read_and_scan(root, path, kMaxSource); });
    }
    return *ahead_;
  }

  void hint_imports(Context& ctx, const Module& m, const ScanResult& r) {
    if (!ahead(ctx).parallel()) return;
    for (const auto& imp : r.imports) {
      if (imp.type_checking || (imp.main_guard && m.name != "__main__") ||
          (imp.context == Import::Context::Delayed && !m.follow_delayed))
        continue;
      std::string base = imp.module;
      if (imp.level > 0) {
        try {
          base = resolve_relative(m.name, m.is_package, imp.level, imp.module);
        } catch (const Error&) {
          continue;
        }
      }
      if (base.empty()) continue;
      for (size_t dot = base.find('.'); dot != std::string::npos; dot = base.find('.', dot + 1))
        hint_module(ctx, m, base.substr(0, dot));
      hint_module(ctx, m, base);
      if (imp.how == "from")
        for (const auto& n : imp.names)
          if (n != "*") hint_module(ctx, m, base + "." + n);
    }
  }

  void hint_module(Context& ctx, const Module& m, const std::string& name) {
    auto found = finder_.peek(ctx, *m.layout, m.script_dirs, name);
    if (!found || !ends_with(found->file, ".py")) return;
    try {
      Resolved file = ctx.root.resolve(found->file);
      if (file.exists) hint_file(ctx, file.path);
    } catch (const Error&) {
      // find() will say why when the import is made.
    }
  }

  void hint_file(Context& ctx, const std::string& canonical) {
    if (auto v = ctx.graph().find(canonical); v && modules_.count(*v)) return;  // scanned already
    ahead(ctx).hint(canonical);
  }

  // The source files of a package kept whole (keep_package_tree), in the order its walk scans them;
  // real directories only, and silently: the walk itself reports what it cannot read.
  void hint_tree(Context& ctx, const std::string& dir) {
    if (!ahead(ctx).parallel()) return;
    try {
      Resolved d = ctx.root.resolve(dir);
      if (d.exists && d.stat.type == FileType::Directory) hint_dir(ctx, d.path);
    } catch (const Error&) {
    }
  }

  void hint_dir(Context& ctx, const std::string& canonical) {
    for (const auto& name : ctx.root.list_dir(canonical)) {
      const std::string p = join_path(canonical, name);
      auto st = ctx.root.lstat(p);
      if (!st) continue;
      if (st->type == FileType::Directory && name != "__pycache__") hint_dir(ctx, p);
      else if (st->type == FileType::Regular && ends_with(name, ".py")) hint_file(ctx, p);
    }
  }

  // A console script generated by setuptools names its entry point as data; the distribution's
  // entry_points.txt says which module that is.
  void console_script(Context& ctx, const Module& m, const std::string& path, const std::string& text) {
    auto ref = console_script_entry_point(text);
    if (!ref) return;
    const Distribution* dist = distributions_.named(ctx, m.layout->site_dirs, ref->distribution);
    if (!dist) {
      ctx.diagnose(Diagnostic::Severity::Note, Diagnostic::Code::NotFound, path,
                   "distribution " + ref->distribution + " of the console script is not installed (" + ref->evidence + ")");
      return;
    }
    ctx.reach(dist->metadata, Reason{ReasonKind::Data, "python", path, "metadata of " + dist->name + ", which the console script reads its entry point from"});
    keep_metadata_tree(ctx, *dist, path);
    auto ep = distributions_.entry_point(ctx, *dist, ref->group, ref->name);
    if (!ep) {
      ctx.diagnose(Diagnostic::Severity::Incomplete, Diagnostic::Code::NotFound, path,
                   "entry point " + ref->group + " " + ref->name + " not found in " + dist->metadata + "/entry_points.txt");
      return;
    }
    import(ctx, m, ep->module,
           Request{.from = path, .why = "entry point " + ref->group + " " + ref->name + " = " + ep->module +
                                       (ep->object.empty() ? "" : ":" + ep->object) + " of " + dist->name + " (" + ref->evidence + ")",
                   .mandatory = true});
  }

  // importlib.metadata (version(), entry_points(), files()) finds a distribution by its metadata
  // directory beside the modules: keep the metadata of every distribution that provides a kept
  // top-level module of a site directory.
  void distribution_metadata(Context& ctx, const Layout& layout, const std::string& top, const std::string& found_at) {
    for (const auto& site : layout.site_dirs) {
      auto s = ctx.lookup(site);
      if (!s || !s->exists || found_at.rfind(s->path + "/", 0) != 0) continue;
      for (const Distribution* dist : distributions_.providing(ctx, s->path, top)) {
        if (!metadata_kept_.insert(dist->metadata).second) continue;
        keep_metadata_tree(ctx, *dist, found_at);
      }
    }
  }

  void keep_metadata_tree(Context& ctx, const Distribution& dist, const std::string& from) {
    const std::string why = "distribution metadata of " + dist.name + " (importlib.metadata reads it): provides " +
                            (dist.top_level.empty() ? dist.name : dist.top_level.front());
    glob_root(ctx.root, dist.metadata,
              [&](const std::string& p) { ctx.reach(p, Reason{ReasonKind::Data, "python", from, why}, false); },
              [&](const std::string& p, const std::string& e) { ctx.diagnose(Diagnostic::Severity::Error, Diagnostic::Code::Unreadable, p, e); });
  }

  // Package data, kept by the rule python-package-data (recommended; --python-package-data drop). A
  // test package's data (the standard library's `test`: 6 MB of test files) only when the user names
  // the package or one of its modules (--python-import): imported on the way, it runs no test.
  void keep_package_data(Context& ctx, const Layout& layout, const std::string& package, const std::string& init,
                         const std::string& dir, bool named_by_user) {
    if (!ctx.options.python_package_data || int(Priority::Recommended) > int(ctx.options.priority)) return;
    const std::string last = package.substr(package.rfind('.') == std::string::npos ? 0 : package.rfind('.') + 1);
    if ((last == "test" || last == "tests" || last == "testing") && !named_by_user) return;
    if (!package_data_kept_.insert(dir).second) return;
    for (const auto& p : package_data(ctx, layout, dir))
      ctx.reach(p, Reason{ReasonKind::Data, "python", init,
                          "package data of " + package + " (rule python-package-data, recommended): read through __file__ or importlib.resources"});
  }

  // A compiled module imports through the C API by name (PyImport_ImportModule("lxml._elementpath"),
  // Cython's relative "_elementpath" from inside lxml, cffi's "_cffi_backend"): every string of its
  // read-only data that names a module on the interpreter's path, absolute or relative to the module's
  // package, is an import. Strings that name nothing are passed over silently.
  void compiled_imports(Context& ctx, Graph::Vertex v, const Module& m) {
    if (!extensions_scanned_.insert(v).second) return;
    const std::string path = ctx.graph().node(v).path;
    const std::string file = base_name(path);
    const Layout& layout = *m.layout;
    const std::string package = m.is_package ? m.name : m.name.substr(0, m.name.rfind('.') == std::string::npos ? 0 : m.name.rfind('.'));
    std::vector<std::string> search = m.script_dirs;
    search.insert(search.end(), layout.sys_path.begin(), layout.sys_path.end());
    std::vector<std::string> package_dirs;
    if (!package.empty())
      if (auto p = finder_.find(ctx, layout, m.script_dirs, package)) package_dirs = p->path;
    for (const auto& s : elf_files_->rodata_identifiers(ctx, v)) {
      std::vector<std::string> candidates;
      if (!package.empty() && finder_.may_exist(ctx, layout, package_dirs, s)) candidates.push_back(package + "." + s);
      if (finder_.may_exist(ctx, layout, search, s)) candidates.push_back(s);
      for (const auto& name : candidates) {
        if (name == m.name || !finder_.find(ctx, layout, m.script_dirs, name)) continue;
        import(ctx, m, name, Request{.from = path, .why = "imported by compiled code: string \"" + s + "\" in " + file,
                                     .context = Import::Context::Optional});
        break;
      }
    }
  }

  std::shared_ptr<elf::ElfCache> elf_files_;
  ModuleFinder finder_;
  std::unique_ptr<ScanAhead> ahead_;  // made at the first scan, with the root
  Distributions distributions_;
  std::map<std::string, std::unique_ptr<Layout>> layouts_;
  std::set<const Layout*> started_;
  std::map<Graph::Vertex, Module> modules_;
  std::set<Graph::Vertex> extensions_scanned_;
  std::set<std::string> metadata_kept_, package_data_kept_;
};

}  // namespace

std::unique_ptr<Analyzer> make_python_analyzer(std::shared_ptr<elf::ElfCache> elf_files) {
  return std::make_unique<PythonAnalyzer>(std::move(elf_files));
}

}  // namespace raison::python

// The ELF analyzer: an ELF entry point with a PT_INTERP or PT_DYNAMIC gets its loader simulated, by
// glibc's rules unless its interpreter is musl's (ld-musl-*.so.1) or, for a library without one, it
// links musl's libc.so.
#include "analyzers/elf/elf_analyzer.hpp"

#include "analyzers/elf/dlopen_note.hpp"
#include "analyzers/elf/loader.hpp"
#include "raison/error.hpp"

namespace raison::elf {

namespace {

bool is_musl(const ElfInfo& e) {
  if (!e.interp.empty()) return base_name(e.interp).rfind("ld-musl-", 0) == 0;
  for (const auto& n : e.needed)
    if (n == "libc.so") return true;
  return false;
}

class ElfAnalyzer final : public Analyzer, public LibraryLoader {
 public:
  explicit ElfAnalyzer(ElfReaderKind reader) : state_(reader) {}
  std::string_view name() const override { return "elf"; }

  void on_entry(Context& ctx, Graph::Vertex v) override {
    const FileNode& n = ctx.graph().node(v);
    if (n.stat.type != FileType::Regular) return;
    const ElfInfo* info = state_.elf.get(ctx, n.path, n.stat);
    if (!info || (!info->has_dynamic && info->interp.empty())) return;  // not ELF, or static
    Session s(ctx, state_, v, *info);
    if (is_musl(*info))
      run_musl_loader(s);
    else
      run_glibc_loader(s);
  }

  LibraryLoader* library_loader() override { return this; }

  // .note.dlopen: the libraries an ELF file says it may dlopen(), each with alternatives (the first
  // present is loaded) and a priority; kept up to --priority.
  void on_file(Context& ctx, Graph::Vertex v) override {
    if (ctx.graph().node(v).stat.type != FileType::Regular) return;
    const std::string path = ctx.graph().node(v).path;
    const ElfInfo* info = state_.elf.get(ctx, path, ctx.graph().node(v).stat);
    if (!info || info->notes.empty()) return;
    std::vector<DlopenDependency> deps;
    try {
      deps = dlopen_dependencies(info->notes);
    } catch (const Error& e) {
      ctx.diagnose(Diagnostic::Severity::Error, path, std::string(".note.dlopen: ") + e.what());
      return;
    }
    for (const auto& dep : deps) {
      if (int(dep.priority) > int(ctx.options.priority)) continue;
      std::string what = ".note.dlopen" + (dep.feature.empty() ? "" : " feature " + dep.feature) + " (" +
                         std::string(dep.priority == Priority::Required ? "required" : dep.priority == Priority::Recommended ? "recommended" : "suggested") + ")";
      std::vector<std::string> all_tried;
      bool found = false;
      for (const auto& soname : dep.sonames) {
        std::string how;
        std::vector<std::string> tried;
        if (auto r = find_library(ctx, v, soname, how, tried)) {
          ctx.reach(*r, Reason{ReasonKind::Dlopen, "elf", path, what + ": dlopen " + soname + " via " + how});
          found = true;
          break;
        }
        all_tried.push_back(soname);
      }
      if (!found) {
        std::string names;
        for (const auto& n : all_tried) names += (names.empty() ? "" : " or ") + n;
        ctx.diagnose(dep.priority == Priority::Required ? Diagnostic::Severity::Incomplete : Diagnostic::Severity::Note, path,
                     what + ": " + names + " not found");
      }
    }
  }

  // --ldcache regenerate: the kept cache lists only the kept libraries (entries of the root's cache
  // whose path, and every link on it, is kept), so the output's `ldconfig -p` and
  // ctypes.util.find_library see what is really there.
  void on_finish(Context& ctx) override {
    if (ctx.options.ldcache != LdCachePolicy::Regenerate || !state_.ld_cache || !state_.ld_cache_file) return;
    if (!ctx.graph().find(state_.ld_cache_file->path)) return;
    std::vector<LdCacheEntry> kept;
    for (const auto& e : state_.ld_cache->entries) {
      Resolved r;
      try {
        r = ctx.root.resolve(e.path);
      } catch (const Error&) {
        continue;
      }
      bool all_kept = r.exists && ctx.graph().find(r.path);
      for (const auto& link : r.links) all_kept = all_kept && ctx.graph().find(link);
      if (all_kept) kept.push_back(e);
    }
    ctx.analysis.generated[state_.ld_cache_file->path] = write_ld_cache(std::move(kept));
  }

  // dlopen(NAME) from FROM searches as FROM's own DT_NEEDED would, minus the names already loaded.
  std::optional<Resolved> find_library(Context& ctx, Graph::Vertex from, const std::string& name, std::string& how,
                                       std::vector<std::string>& tried) override {
    const FileNode& n = ctx.graph().node(from);
    const ElfInfo* info = n.stat.type == FileType::Regular ? state_.elf.get(ctx, n.path, n.stat) : nullptr;
    if (!info) {
      tried.push_back("(" + n.path + " is not an ELF file)");
      return std::nullopt;
    }
    Session s(ctx, state_, from, *info);
    auto found = is_musl(*info) ? musl_dlopen_search(s, name) : glibc_dlopen_search(s, name);
    tried = s.tried;
    if (!found) return std::nullopt;
    how = found->how;
    return found->file;
  }

 private:
  ElfState state_;
};

}  // namespace

std::unique_ptr<Analyzer> make_elf_analyzer(ElfReaderKind reader) {
  return std::make_unique<ElfAnalyzer>(reader);
}

}  // namespace raison::elf

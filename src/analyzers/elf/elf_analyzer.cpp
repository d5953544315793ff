// The ELF analyzer: an ELF entry point with a PT_INTERP or PT_DYNAMIC gets its loader simulated, by
// glibc's rules unless its interpreter is musl's (ld-musl-*.so.1) or, for a library without one, it
// links musl's libc.so; every kept ELF file's .note.dlopen is followed; --ldcache regenerate writes
// the output's cache.
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

std::string_view priority_name(Priority p) {
  switch (p) {
    case Priority::Required: return "required";
    case Priority::Recommended: return "recommended";
    case Priority::Suggested: return "suggested";
  }
  return "required";
}

class ElfAnalyzer final : public Analyzer, public LibraryLoader {
 public:
  explicit ElfAnalyzer(std::shared_ptr<ElfCache> cache) : state_(std::move(cache)) {}
  std::string_view name() const override { return "elf"; }

  // Every file is read (on_file) to know whether it is ELF: each is read ahead on a second core from the
  // moment it is added, while this thread goes on (the seeds' loaders, a Python import graph).
  void on_added(Context& ctx, Graph::Vertex v) override {
    const FileNode& n = ctx.graph().node(v);
    if (n.stat.type == FileType::Regular) state_.elf->hint(ctx, n.path, n.stat);
  }

  void on_entry(Context& ctx, Graph::Vertex v) override {
    const ElfInfo* info = state_.elf->get(ctx, v);
    if (!info || (!info->has_dynamic && info->interp.empty())) return;  // not ELF, or static
    LoaderRun run(ctx, state_, v, *info);
    if (is_musl(*info))
      run_musl_loader(run);
    else
      run_glibc_loader(run);
  }

  LibraryLoader* library_loader() override { return this; }

  // .note.dlopen: the libraries an ELF file says it may dlopen(), each with alternatives (the first
  // present is loaded) and a priority; kept up to --priority.
  void on_file(Context& ctx, Graph::Vertex v) override {
    const ElfInfo* info = state_.elf->get(ctx, v);
    if (!info || info->notes.empty()) return;
    const std::string path = ctx.graph().node(v).path;
    std::vector<DlopenDependency> deps;
    try {
      deps = dlopen_dependencies(info->notes);
    } catch (const Error& e) {
      throw e.context(".note.dlopen");
    }
    for (const auto& dep : deps) {
      if (int(dep.priority) > int(ctx.options.priority)) continue;
      std::string what = ".note.dlopen" + (dep.feature.empty() ? "" : " feature " + dep.feature) + " (" +
                         std::string(priority_name(dep.priority)) + ")";
      bool found = false;
      for (const auto& soname : dep.sonames) {
        LibrarySearch search = find_library(ctx, v, soname);
        if (search.file) {
          ctx.reach(*search.file, Reason{ReasonKind::Dlopen, "elf", path, what + ": dlopen " + soname + " via " + to_string(search.via)});
          found = true;
          break;
        }
      }
      if (!found) {
        std::string names;
        for (const auto& n : dep.sonames) names += (names.empty() ? "" : " or ") + n;
        ctx.diagnose(dep.priority == Priority::Required ? Diagnostic::Severity::Incomplete : Diagnostic::Severity::Note,
                     Diagnostic::Code::NotFound, path, what + ": " + names + " not found");
      }
    }
  }

  void on_finish(Context& ctx) override {
    record_machine(ctx);
    regenerate_ld_cache(ctx);
  }

  // dlopen(NAME) from FROM searches as FROM's own DT_NEEDED would, minus the names already loaded.
  LibrarySearch find_library(Context& ctx, Graph::Vertex from, const std::string& name) override {
    LibrarySearch out;
    const ElfInfo* info = state_.elf->get(ctx, from);
    if (!info) {
      out.tried.push_back("(" + ctx.graph().node(from).path + " is not an ELF file)");
      return out;
    }
    LoaderRun run(ctx, state_, from, *info);
    std::optional<Found> found = is_musl(*info) ? musl_dlopen_search(run, name) : glibc_dlopen_search(run, name);
    out.tried = std::move(run.tried);
    if (found) {
      out.file = std::move(found->file);
      out.via = std::move(found->via);
    }
    return out;
  }

 private:
  // The machine of the first seed that is an ELF file: what an image written from the closure runs on.
  void record_machine(Context& ctx) {
    for (const auto& seed : ctx.options.seeds) {
      auto r = ctx.lookup_file(seed);
      auto v = r ? ctx.graph().find(r->path) : std::nullopt;
      const ElfInfo* info = v ? state_.elf->get(ctx, *v) : nullptr;
      if (!info) continue;
      ctx.analysis.elf_machine = info->machine;
      ctx.analysis.elf_class = info->elf_class;
      ctx.analysis.elf_data = info->data;
      return;
    }
  }

  // --ldcache regenerate: the kept cache lists only the kept libraries (entries of the root's cache
  // whose path, and every link on it, is kept), so the output's `ldconfig -p` and
  // ctypes.util.find_library see what is really there.
  void regenerate_ld_cache(Context& ctx) {
    if (ctx.options.ldcache != LdCachePolicy::Regenerate || !state_.ld_cache || !state_.ld_cache_file) return;
    if (!ctx.graph().find(state_.ld_cache_file->path)) return;
    std::vector<LdCacheEntry> kept;
    for (const auto& e : state_.ld_cache->entries) {
      auto r = ctx.lookup(e.path);
      bool all_kept = r && r->exists && ctx.graph().find(r->path);
      for (const auto& link : r ? r->links : std::vector<std::string>{}) all_kept = all_kept && ctx.graph().find(link);
      if (all_kept) kept.push_back(e);
    }
    ctx.analysis.generated[state_.ld_cache_file->path] = write_ld_cache(std::move(kept));
  }

  ElfState state_;
};

}  // namespace

std::unique_ptr<Analyzer> make_elf_analyzer(std::shared_ptr<ElfCache> cache) {
  return std::make_unique<ElfAnalyzer>(std::move(cache));
}

}  // namespace raison::elf

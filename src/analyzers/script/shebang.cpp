// The script analyzer: a script that is run (an entry point) needs the interpreter its "#!" line
// names, as the kernel's binfmt_script finds it; "#!/usr/bin/env NAME" also needs NAME as env finds
// it through PATH (the image's, else --env PATH, else the usual default).
#include "analyzers/script/shebang.hpp"

#include <unistd.h>

#include "raison/error.hpp"

namespace raison::script {

std::optional<Shebang> parse_shebang(std::string_view head) {
  if (head.substr(0, 2) != "#!") return std::nullopt;
  head.remove_prefix(2);
  // The kernel reads the first line (at most 256 bytes in Linux >= 5.1), splits off the
  // interpreter at the first blank, and passes the rest, trimmed, as one argument.
  size_t nl = head.find('\n');
  std::string_view line = head.substr(0, nl);
  auto blank = [](char c) { return c == ' ' || c == '\t'; };
  while (!line.empty() && blank(line.front())) line.remove_prefix(1);
  while (!line.empty() && (blank(line.back()) || line.back() == '\r')) line.remove_suffix(1);
  if (line.empty()) return std::nullopt;
  Shebang s;
  size_t i = 0;
  while (i < line.size() && !blank(line[i])) ++i;
  s.interpreter = std::string(line.substr(0, i));
  while (i < line.size() && blank(line[i])) ++i;
  s.argument = std::string(line.substr(i));
  return s;
}

namespace {

class ScriptAnalyzer final : public Analyzer {
 public:
  std::string_view name() const override { return "script"; }

  void on_entry(Context& ctx, Graph::Vertex v) override {
    const FileNode& n = ctx.graph().node(v);
    if (n.stat.type != FileType::Regular || !ctx.is_run(v)) return;  // an imported module's #! is never used
    std::string head(256, '\0');
    try {
      int fd = ctx.root.open_read(n.path);
      ssize_t got = ::pread(fd, head.data(), head.size(), 0);
      ::close(fd);
      if (got < 0) throw_errno(n.path);
      head.resize(size_t(got));
    } catch (const Error& e) {
      ctx.diagnose(Diagnostic::Severity::Error, n.path, e.what());
      return;
    }
    auto sb = parse_shebang(head);
    if (!sb) return;
    const std::string path = n.path;
    Reason r{ReasonKind::Shebang, "script", path, "#!" + sb->interpreter + (sb->argument.empty() ? "" : " " + sb->argument)};
    if (!ctx.reach(sb->interpreter, r)) {
      ctx.diagnose(Diagnostic::Severity::Incomplete, path, "interpreter " + sb->interpreter + " does not exist in the root");
      return;
    }
    // env runs the program named by its first argument through PATH ("env -S" splits the rest).
    if (base_name(sb->interpreter) == "env" && !sb->argument.empty()) {
      std::string arg = sb->argument;
      if (arg.rfind("-S", 0) == 0) arg = arg.substr(2);
      while (!arg.empty() && (arg[0] == ' ' || arg[0] == '\t')) arg.erase(0, 1);
      std::string program = arg.substr(0, arg.find_first_of(" \t"));
      if (program.empty() || program[0] == '-') return;
      if (program.find('/') != std::string::npos) {
        ctx.reach(program, Reason{ReasonKind::Shebang, "script", path, "#!" + sb->interpreter + " " + sb->argument});
        return;
      }
      auto env_path = ctx.options.env.find("PATH");
      std::vector<std::string> candidates;
      std::string found = find_in_path(ctx.root, program, program_path(ctx.root, env_path == ctx.options.env.end() ? "" : env_path->second),
                                       &candidates);
      if (!found.empty()) {
        ctx.reach(found, Reason{ReasonKind::Shebang, "script", path,
                                "#!" + sb->interpreter + " " + sb->argument + ": " + program + " found in PATH at " + found});
        return;
      }
      std::string tried;
      for (const auto& c : candidates) tried += (tried.empty() ? "" : ", ") + c;
      ctx.diagnose(Diagnostic::Severity::Incomplete, path, "#!" + sb->interpreter + " " + program + ": " + program +
                                                              " not found in PATH; tried: " + tried);
    }
  }
};

}  // namespace

std::unique_ptr<Analyzer> make_script_analyzer() { return std::make_unique<ScriptAnalyzer>(); }

}  // namespace raison::script

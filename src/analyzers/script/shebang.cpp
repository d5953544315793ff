// The script analyzer: a script that is run (an entry point) needs the interpreter its "#!" line
// names, as the kernel's binfmt_script finds it; "#!/usr/bin/env NAME" also needs NAME as env finds
// it through PATH (--env PATH, else the image's, else the usual default).
#include "analyzers/script/shebang.hpp"

#include <unistd.h>

#include "raison/error.hpp"
#include "util/fd.hpp"

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

std::optional<ScriptRunner> read_script_runner(Context& ctx, const std::string& canonical) {
  // An image's file still in its layer: its recorded first bytes say whether it has a #! line.
  if (const auto known = ctx.root.known_head(canonical); known && !known->starts_with("#!")) return std::nullopt;
  std::string head(256, '\0');
  Fd fd(ctx.root.open_read(canonical));
  ssize_t got = ::pread(fd.get(), head.data(), head.size(), 0);
  if (got < 0) throw_errno(canonical);
  head.resize(size_t(got));
  auto sb = parse_shebang(head);
  if (!sb) return std::nullopt;
  ScriptRunner runner{.shebang = *sb, .program = {}, .program_path = {}, .tried = {}};
  if (base_name(sb->interpreter) != "env" || sb->argument.empty()) return runner;
  // env runs the program named by its first argument through PATH; "env -S" splits the rest first.
  // (Without -S the kernel's one argument "NAME ARGS" reaches env whole; its first word is taken.)
  std::string arg = sb->argument;
  if (arg.rfind("-S", 0) == 0) arg = arg.substr(2);
  while (!arg.empty() && (arg[0] == ' ' || arg[0] == '\t')) arg.erase(0, 1);
  std::string program = arg.substr(0, arg.find_first_of(" \t"));
  if (program.empty() || program[0] == '-') return runner;  // another env option: not followed
  runner.program = program;
  if (program.find('/') != std::string::npos) {
    runner.program_path = program;
    return runner;
  }
  auto env_path = ctx.options.env.find("PATH");
  runner.program_path = find_in_path(ctx.root, program,
                                     program_path(ctx.root, env_path == ctx.options.env.end() ? "" : env_path->second),
                                     &runner.tried);
  return runner;
}

namespace {

class ScriptAnalyzer final : public Analyzer {
 public:
  std::string_view name() const override { return "script"; }

  void on_entry(Context& ctx, Graph::Vertex v) override {
    const FileNode& n = ctx.graph().node(v);
    if (n.stat.type != FileType::Regular || !ctx.is_run(v)) return;  // an imported module's #! is never used
    const std::string path = n.path;
    auto runner = read_script_runner(ctx, path);
    if (!runner) return;
    const Shebang& sb = runner->shebang;
    const std::string line = "#!" + sb.interpreter + (sb.argument.empty() ? "" : " " + sb.argument);
    auto interpreter = ctx.lookup(sb.interpreter);
    if (!interpreter) return;  // it cannot be resolved (a loop of links): diagnosed
    if (!interpreter->exists) {
      ctx.diagnose(Diagnostic::Severity::Incomplete, Diagnostic::Code::NotFound, path,
                   "interpreter " + sb.interpreter + " does not exist in the root");
      return;
    }
    ctx.reach(*interpreter, Reason{ReasonKind::Shebang, "script", path, line});
    if (runner->program.empty()) return;
    if (runner->program.find('/') != std::string::npos) {
      ctx.reach(runner->program, Reason{ReasonKind::Shebang, "script", path, line});
      return;
    }
    if (!runner->program_path.empty()) {
      ctx.reach(runner->program_path, Reason{ReasonKind::Shebang, "script", path,
                                             line + ": " + runner->program + " found in PATH at " + runner->program_path});
      return;
    }
    std::string tried;
    for (const auto& c : runner->tried) tried += (tried.empty() ? "" : ", ") + c;
    ctx.diagnose(Diagnostic::Severity::Incomplete, Diagnostic::Code::NotFound, path,
                 "#!" + sb.interpreter + " " + runner->program + ": " + runner->program + " not found in PATH; tried: " + tried);
  }
};

}  // namespace

std::unique_ptr<Analyzer> make_script_analyzer() { return std::make_unique<ScriptAnalyzer>(); }

}  // namespace raison::script

// `raison verify`: check a shrunk root against the root it was made from, two ways. Statically: the
// manifest's analysis run on both, so every DT_NEEDED, interpreter, #! and import that resolves in
// the original must resolve in the output. At run time: CMD run in the output under the sandbox and
// strace; every path it failed to open that the original has is missing, and so is every directory the
// original has that CMD failed to create something in. Each finding comes with the flag that, added to
// the command that made the output, brings what is missing: --keep for a file or a directory,
// --python-import for a module CMD could not import (its own words: ModuleNotFoundError, ImportError).
#include <fmt/format.h>

#include <fstream>
#include <regex>
#include <set>
#include <sstream>

#include <nlohmann/json.hpp>

#include "analyzers/trace/strace.hpp"
#include "cli/commands.hpp"
#include "cli/report.hpp"
#include "cli/sandbox.hpp"
#include "input/image.hpp"
#include "raison/analysis.hpp"
#include "raison/emit.hpp"
#include "raison/error.hpp"
#include "util/printable.hpp"
#include "util/temp_dir.hpp"

namespace raison::cli {

namespace {

// What the output lacks statically: the diagnostics of its analysis that the original's has not
// (notes only when something is not found).
std::vector<Diagnostic> unresolved_in_output(const Analysis& original, const Analysis& output) {
  std::set<std::pair<std::string, std::string>> known;
  for (const auto& d : original.diagnostics) known.insert({d.file, d.message});
  std::vector<Diagnostic> out;
  for (const auto& d : output.diagnostics) {
    if (known.count({d.file, d.message})) continue;
    if (d.severity == Diagnostic::Severity::Note && d.code != Diagnostic::Code::NotFound) continue;
    out.push_back(d);
  }
  return out;
}

// A path the command failed to use in the output that exists in the original root.
struct Missing {
  const trace::PathUse* use;
  bool directory;  // a directory is reported as a note, not counted as missing
};

// The failed calls of `log`, once per path, whose path the output lacks and the original has (what
// the sandbox provides, /proc /sys /dev /tmp, left out).
std::vector<Missing> missing_at_run_time(const trace::TraceLog& log, const Root& output, const Root& original) {
  std::vector<Missing> out;
  std::set<std::string> reported;
  for (const auto& use : log.uses) {
    if (use.ok || reported.count(use.path)) continue;
    if (use.path.starts_with("/proc") || use.path.starts_with("/sys") || use.path.starts_with("/dev") ||
        use.path.starts_with("/tmp"))
      continue;
    Resolved in_out, in_orig;
    try {
      in_out = output.resolve(use.path);
      in_orig = original.resolve(use.path);
    } catch (const Error&) {
      continue;  // a loop of links: nothing to compare
    }
    if (in_out.exists || !in_orig.exists) continue;
    reported.insert(use.path);
    out.push_back({.use = &use, .directory = in_orig.stat.type == FileType::Directory});
  }
  return out;
}

// A directory the original has and the output lacks, in which CMD failed to create something (a pid
// file in /run/NAME, a socket): the first such ancestor of each failed creation, once each.
std::vector<std::pair<std::string, const trace::PathUse*>> missing_directories(const trace::TraceLog& log, const Root& output,
                                                                               const Root& original) {
  std::vector<std::pair<std::string, const trace::PathUse*>> out;
  std::set<std::string> reported;
  for (const auto& use : log.uses) {
    if (use.ok || !use.creates) continue;
    for (std::string dir = parent_path(use.path); dir != "/"; dir = parent_path(dir)) {
      try {
        if (output.resolve(dir).exists) break;
        Resolved in_orig = original.resolve(dir);
        if (!in_orig.exists || in_orig.stat.type != FileType::Directory) continue;
      } catch (const Error&) {
        break;
      }
      // The deepest directory on the way that the original has: keeping it keeps those above it.
      if (reported.insert(dir).second) out.push_back({dir, &use});
      break;
    }
  }
  return out;
}

// Modules the command could not import, in Python's own words: "No module named 'a.b'" names the
// module; "cannot import name 'x' from 'a'" names an attribute that may be a submodule a.x.
std::vector<std::pair<std::string, std::string>> failed_imports(const std::string& output) {
  static const std::regex no_module(R"(ModuleNotFoundError: No module named '([A-Za-z_][A-Za-z0-9_.]*)')");
  static const std::regex cannot_import(R"(ImportError: cannot import name '([A-Za-z_][A-Za-z0-9_]*)' from '([A-Za-z_][A-Za-z0-9_.]*)')");
  std::vector<std::pair<std::string, std::string>> out;  // module, the line that says so
  std::set<std::string> seen;
  std::istringstream in(output);
  for (std::string line; std::getline(in, line);) {
    std::smatch m;
    std::string module;
    if (std::regex_search(line, m, no_module))
      module = m[1];
    else if (std::regex_search(line, m, cannot_import))
      module = std::string(m[2]) + "." + std::string(m[1]);
    if (!module.empty() && seen.insert(module).second) out.push_back({module, line});
  }
  return out;
}

std::string read_log(const std::string& path) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

}  // namespace

int run_verify(const VerifyArgs& args) {
  // The manifest says what OUT was made from, and with which seeds and options.
  const Manifest made = read_manifest(args.manifest.empty() ? args.out + ".manifest.json" : args.manifest);
  Options options = made.options;
  options.analyzers.erase("trace");  // a trace names the original run, not this root
  const std::string original = args.original.empty() ? made.source : args.original;
  if (original.empty()) throw Error(made.file + " names no source root: give --original");

  // Open both roots.
  const auto orig_root = open_root(original, {.temp_dir = {}, .platform = {}, .transport = args.transport});
  print_image_notes(*orig_root, false);
  const auto out_root = open_directory_root(args.out);

  // 1. Statically: the same analysis on both; what only the output's reports is missing from it.
  const Analysis before = analyze(*orig_root, options);
  const Analysis again = analyze(*out_root, options);
  const std::vector<Diagnostic> unresolved = unresolved_in_output(before, again);
  // --json: the same findings as one object on stdout (README, "verify --json"); the lines stay on stderr.
  nlohmann::json j{{"schema", "raison-verify/1"}, {"output", args.out}, {"original", original}, {"unresolved", nlohmann::json::array()}};
  auto print_json = [&](bool ok) {
    j["ok"] = ok;
    if (args.json) print_stdout(j.dump(2, ' ', false, nlohmann::json::error_handler_t::replace) + "\n");
  };
  for (const auto& d : unresolved) {
    fmt::print(stderr, "{}\n", printable(fmt::format("raison: verify: does not resolve in {}: {}: {}", args.out, d.file, d.message)));
    j["unresolved"].push_back({{"file", d.file}, {"message", d.message}, {"analyzer", d.analyzer}});
  }
  if (args.cmd.empty()) {
    print_json(unresolved.empty());
    return unresolved.empty() ? kOk : kIncomplete;
  }

  // 2. At run time: the command in OUT under strace, its log in a private temporary file, what it
  // prints collected too.
  const TempFile log("raison-verify");
  std::string output;
  const int status = trace_in_root(args.self_exe, args.out, args.cmd, log.path(), &output);
  const trace::TraceLog trace = trace::parse_strace(read_log(log.path()));
  std::size_t missing_files = 0, missing_dirs = 0, missing_modules = 0;
  std::vector<std::string> fixes;  // the flags to add, in the order found
  auto fix = [&](const std::string& flag) {
    if (std::find(fixes.begin(), fixes.end(), flag) == fixes.end()) fixes.push_back(flag);
    return flag;
  };
  j["command"] = args.cmd;
  j["missing"] = nlohmann::json::array();
  for (const auto& m : missing_at_run_time(trace, *out_root, *orig_root)) {
    missing_files += !m.directory;
    j["missing"].push_back({{"what", m.directory ? "directory-used" : "file"}, {"path", m.use->path}, {"syscall", m.use->syscall},
                            {"pid", m.use->pid}, {"fix", m.directory ? "" : "--keep " + m.use->path}});
    fmt::print(stderr, "{}\n", printable(fmt::format("raison: verify: {}: {} {} failed{}, and {} has it{}{}", m.directory ? "note" : "missing",
               m.use->syscall, m.use->path, m.use->pid ? fmt::format(" (pid {})", m.use->pid) : "", original,
               m.directory ? " (a directory)" : "", m.directory ? "" : "; fix: " + fix("--keep " + m.use->path))));
  }
  for (const auto& [dir, use] : missing_directories(trace, *out_root, *orig_root)) {
    ++missing_dirs;
    j["missing"].push_back({{"what", "directory"}, {"path", dir}, {"syscall", use->syscall}, {"pid", use->pid},
                            {"created", use->path}, {"fix", "--keep " + dir}});
    fmt::print(stderr, "{}\n", printable(fmt::format("raison: verify: missing: the directory {}: {} {} failed in it{}, and {} has it; fix: {}", dir,
               use->syscall, use->path, use->pid ? fmt::format(" (pid {})", use->pid) : "", original, fix("--keep " + dir))));
  }
  for (const auto& [module, line] : failed_imports(output)) {
    ++missing_modules;
    j["missing"].push_back({{"what", "python-module"}, {"module", module}, {"line", line}, {"fix", "--python-import " + module}});
    fmt::print(stderr, "{}\n", printable(fmt::format("raison: verify: missing: the Python module {} ({}); fix: {}", module, line,
               fix("--python-import " + module))));
  }
  fmt::print(stderr, "{}\n", printable(fmt::format("raison: verify: {} exited with {}; {} missing file{}{}{}", args.cmd[0], status, missing_files,
             missing_files == 1 ? "" : "s", missing_dirs ? fmt::format(", {} missing director{}", missing_dirs, missing_dirs == 1 ? "y" : "ies") : "",
             missing_modules ? fmt::format(", {} missing Python module{}", missing_modules, missing_modules == 1 ? "" : "s") : "")));
  if (!fixes.empty()) {
    std::string flags;
    for (const auto& f : fixes) flags += " " + f;
    fmt::print(stderr, "{}\n", printable(fmt::format("raison: verify: to fix, add to the command that made {}:{}", args.out, flags)));
  }
  const bool missing = missing_files || missing_dirs || missing_modules;
  j["exit_status"] = status;
  j["fixes"] = fixes;
  print_json(unresolved.empty() && !missing && status == 0);
  return !unresolved.empty() || missing || status != 0 ? kIncomplete : kOk;
}

}  // namespace raison::cli

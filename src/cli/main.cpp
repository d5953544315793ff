// raison's command line: parse, run the subcommand, turn errors into one line and an exit code.
#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include "cli/commands.hpp"
#include "cli/sandbox.hpp"
#include "raison/error.hpp"

namespace {

// The options that decide a closure, shared by `closure` and `why`.
void add_analysis_options(CLI::App* cmd, raison::Options& o, std::vector<std::string>& env,
                          std::vector<std::string>& analyzers, std::string& hwcaps, std::string& legacy,
                          std::string& reader) {
  cmd->add_option("-s,--seed", o.seeds, "A program or file inside the root that starts the closure (repeatable)");
  cmd->add_option("--keep", o.keep, "A path or glob inside the root to keep as it is; a directory keeps its tree (repeatable)");
  cmd->add_option("--analyzers", analyzers, "Analyzers to run, comma-separated (default: all; 'elf': ELF and loader only)")
      ->delimiter(',');
  cmd->add_option("--env", env, "KEY=VALUE of the program's environment (LD_LIBRARY_PATH) (repeatable)");
  cmd->add_option("--hwcaps", hwcaps, "glibc-hwcaps subdirectories, highest priority first, comma-separated, or 'none' "
                                      "(default: this CPU's for a root of this architecture)");
  cmd->add_option("--legacy-hwcaps", legacy, "legacy hwcap subdirectory names (glibc < 2.37), comma-separated, or 'none'");
  cmd->add_option("--at-platform", o.platform, "AT_PLATFORM, substituted for $PLATFORM (default: this CPU's for its architecture)");
  cmd->add_option("--python-import", o.python_imports,
                  "A Python module loaded by name at run time, or PKG.* to keep a package whole (repeatable)");
  cmd->add_flag("--python-stdlib-full{true}", o.python_stdlib_full,
                "Keep the whole Python standard library (minus tests, idlelib, tkinter, ensurepip, lib2to3, turtledemo)");
  cmd->add_option("--python-bytecode", o.python_bytecode, "keep (default) or drop the __pycache__ bytecode of kept modules")
      ->transform(CLI::CheckedTransformer(std::map<std::string, bool>{{"keep", true}, {"drop", false}}));
  cmd->add_option("--trace", o.traces, "A runtime trace (strace -f log, or a list of paths) whose files are kept (repeatable)");
  cmd->add_option("--rules", o.rules_files, "A rules file (JSON, schema in the README) added to the built-in rules (repeatable)");
  cmd->add_option("--priority,--dlopen-priority", o.priority,
                  "Keep optional loads (rules, .note.dlopen) up to this level: required, recommended (default) or suggested")
      ->transform(CLI::CheckedTransformer(std::map<std::string, raison::Priority>{
          {"required", raison::Priority::Required},
          {"recommended", raison::Priority::Recommended},
          {"suggested", raison::Priority::Suggested}}));
  cmd->add_option("--ldcache", o.ldcache,
                  "/etc/ld.so.cache: keep (as it is, when the loader uses it), regenerate (list only kept libraries) "
                  "or drop (resolve without it)")
      ->transform(CLI::CheckedTransformer(std::map<std::string, raison::LdCachePolicy>{
          {"keep", raison::LdCachePolicy::Keep},
          {"regenerate", raison::LdCachePolicy::Regenerate},
          {"drop", raison::LdCachePolicy::Drop}}));
  cmd->add_option("--elf-reader", reader, "How ELF files are read: direct (default) or lief")
      ->check(CLI::IsMember({"direct", "lief"}));
}

// The options `closure` and `shrink` share: where images unpack and which one, the outputs, verbosity.
void add_output_options(CLI::App* cmd, raison::cli::ClosureArgs& a) {
  cmd->add_option("--platform", a.platform, "os/arch[/variant] to pick from an image index");
  cmd->add_option("--tmpdir", a.temp_dir, "Where images are unpacked (default: $TMPDIR, else /tmp)");
  cmd->add_option("--manifest", a.manifest, "Write the manifest here (default with -o: OUT.manifest.json)");
  cmd->add_flag("-f,--force", a.force, "Replace an existing non-empty output");
  cmd->add_flag("-q,--quiet", a.quiet, "No summary line");
  cmd->add_flag("-v,--verbose", a.verbose, "Print notes too (optional loads not found, entries not extracted)");
}

std::vector<std::string> split_list(const std::string& s) {
  std::vector<std::string> out;
  if (s == "none") return out;
  size_t i = 0;
  while (i <= s.size()) {
    size_t j = s.find(',', i);
    if (j == std::string::npos) j = s.size();
    if (j > i) out.push_back(s.substr(i, j - i));
    i = j + 1;
  }
  return out;
}

void finish_options(raison::Options& o, const std::vector<std::string>& env, const std::vector<std::string>& analyzers,
                    const std::string& hwcaps, const std::string& legacy, const std::string& reader) {
  for (const auto& kv : env) {
    auto eq = kv.find('=');
    if (eq == std::string::npos) throw CLI::ValidationError("--env", "expected KEY=VALUE, got '" + kv + "'");
    o.env[kv.substr(0, eq)] = kv.substr(eq + 1);
  }
  o.analyzers.insert(analyzers.begin(), analyzers.end());
  if (!hwcaps.empty()) o.hwcaps = split_list(hwcaps);
  if (!legacy.empty()) o.legacy_hwcaps = split_list(legacy);
  o.elf_reader = reader == "lief" ? raison::ElfReaderKind::Lief : raison::ElfReaderKind::Direct;
}

}  // namespace

int main(int argc, char** argv) {
  using namespace raison::cli;
  // Internal: the process strace follows into the root (see sandbox.cpp).
  if (argc >= 5 && std::string_view(argv[1]) == "__exec-in-root" && std::string_view(argv[3]) == "--") {
    std::string err = exec_in_root(argv[2], std::vector<std::string>(argv + 4, argv + argc));
    fmt::print(stderr, "raison: {}\n", err);
    return 127;
  }
  CLI::App app{"raison: explain every file of a root, and build roots that hold only what they need"};
  app.require_subcommand(1);
  std::vector<std::string> env, analyzers;
  std::string hwcaps, legacy, reader = "direct";

  ClosureArgs c;
  auto* closure = app.add_subcommand("closure", "Compute what the seeds need; list it, or write it as a minimal root");
  closure->add_option("ROOT", c.root, "The root: a directory, a tar, docker-archive:FILE[:NAME:TAG] or oci:DIR[:TAG]")->required();
  add_output_options(closure, c);
  add_analysis_options(closure, c.options, env, analyzers, hwcaps, legacy, reader);
  closure->add_flag("--list", c.list, "Print the kept paths (files and symlinks), sorted, one per line");
  closure->add_flag("--list-loaded", c.list_loaded, "Print ENTRY<TAB>OBJECT for every object the loader maps for each ELF entry point");
  closure->add_option("-o,--output", c.out, "Write the minimal root to this directory (and OUT.manifest.json)");

  ClosureArgs sh;
  sh.image_seeds = true;
  auto* shrink = app.add_subcommand("shrink", "Shrink an image to what its Entrypoint and Cmd (and --seed) need");
  shrink->add_option("IMAGE", sh.root, "docker-archive:FILE[:NAME:TAG], oci:DIR[:TAG], a docker save tar, or a directory")->required();
  shrink->add_option("-o,--output", sh.out, "oci:DIR[:TAG], docker-archive:FILE[:NAME:TAG], X.tar[.gz|.zst] or a directory")->required();
  add_output_options(shrink, sh);
  add_analysis_options(shrink, sh.options, env, analyzers, hwcaps, legacy, reader);

  WhyArgs w;
  auto* why = app.add_subcommand("why", "Print the chain of reasons from a seed to PATH");
  why->add_option("SOURCE", w.source, "A root (with the closure's --seed options) or a manifest")->required();
  why->add_option("PATH", w.path, "The path inside the root")->required();
  why->add_option("--platform", w.platform, "os/arch[/variant] to pick from an image index");
  add_analysis_options(why, w.options, env, analyzers, hwcaps, legacy, reader);

  TraceArgs t;
  auto* trace = app.add_subcommand("trace", "Run a command inside a root under strace and write the log (as root)");
  trace->add_option("ROOT", t.root, "The root: a directory or an image (unpacked for the run)")->required();
  trace->add_option("-o,--output", t.log, "Where to write the strace log")->required();
  trace->add_option("CMD", t.cmd, "The command and its arguments, after --")->required();

  VerifyArgs vf;
  auto* verify = app.add_subcommand("verify", "Check a shrunk root: everything resolves inside it, and CMD finds what it looks for");
  verify->add_option("OUT", vf.out, "The shrunk root (a directory)")->required();
  verify->add_option("--manifest", vf.manifest, "Its manifest (default OUT.manifest.json)");
  verify->add_option("--original", vf.original, "The root it was shrunk from (default: the manifest's source)");
  verify->add_option("CMD", vf.cmd, "A command to run inside OUT under strace, after --");

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    int rc = app.exit(e);
    return rc == 0 ? kOk : kUsage;
  }
  try {
    if (verify->parsed()) {
      vf.self_exe = "/proc/self/exe";
      return run_verify(vf);
    }
    if (trace->parsed()) {
      t.self_exe = "/proc/self/exe";
      return run_trace(t);
    }
    if (shrink->parsed()) {
      finish_options(sh.options, env, analyzers, hwcaps, legacy, reader);
      return run_closure(sh);
    }
    if (closure->parsed()) {
      finish_options(c.options, env, analyzers, hwcaps, legacy, reader);
      if (c.options.seeds.empty()) {
        fmt::print(stderr, "raison: closure needs at least one --seed\n");
        return kUsage;
      }
      return run_closure(c);
    }
    finish_options(w.options, env, analyzers, hwcaps, legacy, reader);
    return run_why(w);
  } catch (const CLI::Error& e) {
    fmt::print(stderr, "raison: {}\n", e.what());
    return kUsage;
  } catch (const raison::Error& e) {
    fmt::print(stderr, "raison: {}\n", e.what());
    return kInputError;
  } catch (const std::exception& e) {
    fmt::print(stderr, "raison: {}\n", e.what());
    return kInputError;
  }
}

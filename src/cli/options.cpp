// The shared option groups of the command line (CLI11), each option's help text the one the user
// sees, and the step from their text to a raison::Options.
#include "cli/options.hpp"

#include <map>

#include "util/path.hpp"

namespace raison::cli {

namespace {

// "a,b" -> {"a", "b"}; "none" -> {}; empty names dropped.
std::vector<std::string> name_list(const std::string& text) {
  if (text == "none") return {};
  std::vector<std::string> names = split_list(text, ",");
  std::erase(names, std::string());
  return names;
}

}  // namespace

void add_analysis_options(CLI::App& cmd, Options& o, AnalysisText& text) {
  cmd.add_option("-s,--seed", o.seeds, "A program or file inside the root that starts the closure (repeatable)");
  cmd.add_option("--keep", o.keep, "A path or glob inside the root to keep as it is; a directory keeps its tree (repeatable)");
  cmd.add_option("--analyzers", text.analyzers, "Analyzers to run, comma-separated (default: all; 'elf': ELF and loader only)")
      ->delimiter(',');
  cmd.add_option("--env", text.env, "KEY=VALUE of the program's environment (LD_LIBRARY_PATH) (repeatable)");
  cmd.add_option("--hwcaps", text.hwcaps, "glibc-hwcaps subdirectories, highest priority first, comma-separated, or 'none' "
                                          "(default: this CPU's for a root of this architecture)");
  cmd.add_option("--legacy-hwcaps", text.legacy_hwcaps,
                 "legacy hwcap subdirectory names (glibc < 2.37), comma-separated, or 'none'");
  cmd.add_option("--at-platform", o.platform, "AT_PLATFORM, substituted for $PLATFORM (default: this CPU's for its architecture)");
  cmd.add_option("--python-import", o.python_imports,
                 "A Python module loaded by name at run time, or PKG.* to keep a package whole (repeatable)");
  cmd.add_flag("--python-stdlib-full{true}", o.python_stdlib_full,
               "Keep the whole Python standard library (minus tests, idlelib, tkinter, ensurepip, lib2to3, turtledemo)");
  cmd.add_option("--python-bytecode", o.python_bytecode, "keep (default) or drop the __pycache__ bytecode of kept modules")
      ->transform(CLI::CheckedTransformer(std::map<std::string, bool>{{"keep", true}, {"drop", false}}));
  cmd.add_option("--python-package-data", o.python_package_data,
                 "keep (default) or drop the data files of kept packages (rule python-package-data)")
      ->transform(CLI::CheckedTransformer(std::map<std::string, bool>{{"keep", true}, {"drop", false}}));
  cmd.add_option("--trace", o.traces, "A runtime trace (strace -f log, or a list of paths) whose files are kept (repeatable)");
  cmd.add_option("--rules", o.rules_files, "A rules file (JSON, schema in the README) added to the built-in rules (repeatable)");
  cmd.add_option("--priority,--dlopen-priority", o.priority,
                 "Keep optional loads (rules, .note.dlopen) up to this level: required, recommended (default) or suggested")
      ->transform(CLI::CheckedTransformer(std::map<std::string, Priority>{
          {"required", Priority::Required},
          {"recommended", Priority::Recommended},
          {"suggested", Priority::Suggested}}));
  cmd.add_option("--ldcache", o.ldcache,
                 "/etc/ld.so.cache: keep (as it is, when the loader uses it), regenerate (list only kept libraries) "
                 "or drop (resolve without it)")
      ->transform(CLI::CheckedTransformer(std::map<std::string, LdCachePolicy>{
          {"keep", LdCachePolicy::Keep},
          {"regenerate", LdCachePolicy::Regenerate},
          {"drop", LdCachePolicy::Drop}}));
  cmd.add_option("--elf-reader", text.elf_reader, "How ELF files are read: direct (default) or lief")
      ->check(CLI::IsMember({"direct", "lief"}));
}

void add_output_options(CLI::App& cmd, ClosureArgs& a) {
  cmd.add_option("--platform", a.platform, "os/arch[/variant] to pick from an image index");
  cmd.add_option("--tmpdir", a.temp_dir, "Where images are unpacked (default: $TMPDIR, else /tmp)");
  cmd.add_option("--manifest", a.manifest, "Write the manifest here (default with -o: OUT.manifest.json)");
  cmd.add_option("--sbom", a.sboms, "Also write an SBOM of the output: spdx:FILE or cyclonedx:FILE (repeatable)")
      ->check([](const std::string& v) -> std::string {
        return v.rfind("spdx:", 0) == 0 || v.rfind("cyclonedx:", 0) == 0 ? "" : "expected spdx:FILE or cyclonedx:FILE";
      });
  cmd.add_option("--package-db", a.package_db,
                 "trim (default): the output keeps the root's dpkg/apk database cut to the kept files; drop: none")
      ->transform(CLI::CheckedTransformer(std::map<std::string, bool>{{"trim", true}, {"drop", false}}));
  cmd.add_flag("-f,--force", a.force, "Replace an existing non-empty output");
  cmd.add_flag("--preserve-privileges", a.preserve_privileges,
               "Keep setuid/setgid bits and file capabilities in a directory output (tar and image outputs always keep them)");
  cmd.add_flag("-q,--quiet", a.quiet, "No summary line");
  cmd.add_flag("-v,--verbose", a.verbose, "Print notes too (optional loads not found, entries not extracted)");
  add_transport_options(cmd, a.transport);
}

void add_transport_options(CLI::App& cmd, TransportOptions& t) {
  auto* g = cmd.add_option_group("Transports", "skopeo's options for docker://, docker-daemon:, containers-storage:, oci-archive:");
  g->add_option("--creds", t.creds, "USER[:PASSWORD] for the registry of a docker:// root or output");
  g->add_option("--src-creds", t.src_creds, "USER[:PASSWORD] for the docker:// root only");
  g->add_option("--dest-creds", t.dest_creds, "USER[:PASSWORD] for the docker:// output only");
  g->add_option("--authfile", t.authfile, "skopeo/podman auth.json for docker:// (default: skopeo's)");
  g->add_option("--tls-verify", t.tls_verify, "true (default) or false: require HTTPS and a valid certificate from a docker:// registry")
      ->expected(0, 1)->default_str("true")->type_name("BOOL");
  g->add_option("--src-tls-verify", t.src_tls_verify, "the same for the docker:// root only")
      ->expected(0, 1)->default_str("true")->type_name("BOOL");
  g->add_option("--dest-tls-verify", t.dest_tls_verify, "the same for the docker:// output only")
      ->expected(0, 1)->default_str("true")->type_name("BOOL");
  g->add_option("--daemon-host", t.daemon_host, "URL of the docker daemon for docker-daemon: (default: unix:///var/run/docker.sock)");
}

void finish_options(Options& o, const AnalysisText& text) {
  for (const auto& kv : text.env) {
    auto eq = kv.find('=');
    if (eq == std::string::npos) throw CLI::ValidationError("--env", "expected KEY=VALUE, got '" + kv + "'");
    o.env[kv.substr(0, eq)] = kv.substr(eq + 1);
  }
  o.analyzers.insert(text.analyzers.begin(), text.analyzers.end());
  if (!text.hwcaps.empty()) o.hwcaps = name_list(text.hwcaps);
  if (!text.legacy_hwcaps.empty()) o.legacy_hwcaps = name_list(text.legacy_hwcaps);
  o.elf_reader = text.elf_reader == "lief" ? ElfReaderKind::Lief : ElfReaderKind::Direct;
}

}  // namespace raison::cli

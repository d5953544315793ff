// raison's command line: parse it, run the one subcommand named, and turn what escapes it into one
// line and an exit code (README, "Exit codes"): a raison::Error is an input or output problem (3), a
// bad command line is 2, and anything else is a bug in raison (5).
#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include "cli/commands.hpp"
#include "cli/options.hpp"
#include "cli/sandbox.hpp"
#include "cli/version.hpp"
#include "raison/diff.hpp"
#include "raison/error.hpp"
#include "util/cleanup.hpp"
#include "util/printable.hpp"

using namespace raison::cli;

int main(int argc, char** argv) {
  // Internal: the process strace follows into the root (see sandbox.cpp).
  if (argc >= 5 && std::string_view(argv[1]) == "__exec-in-root" && std::string_view(argv[3]) == "--") {
    fmt::print(stderr, "raison: {}\n", exec_in_root(argv[2], std::vector<std::string>(argv + 4, argv + argc)));
    return 127;
  }
  raison::install_cleanup_handlers();  // SIGINT, SIGTERM, SIGHUP remove what the run made, exit 128+N
  CLI::App app{"raison: explain every file of a root, and build roots that hold only what they need"};
  app.require_subcommand(1);
  app.set_version_flag("-V,--version", version_line());
  app.footer("Each command's --help shows its options and examples. Exit codes: 0 done, 1 incomplete (outputs "
             "written), 2 bad command line, 3 an input or output problem, 4 `why`: not in the closure, 5 a bug.");
  AnalysisText text;  // shared: only one subcommand is parsed

  ClosureArgs c;
  auto* closure = app.add_subcommand("closure", "Compute what the seeds need; list it, or write it as a minimal root");
  closure->add_option("ROOT", c.root, "The root: a directory, a tar, docker-archive:FILE[:NAME:TAG] or oci:DIR[:TAG]")->required();
  add_output_options(*closure, c);
  add_analysis_options(*closure, c.options, text);
  closure->add_flag("--list", c.list, "Print the kept paths (files and symlinks), sorted, one per line");
  closure->add_flag("--list-loaded", c.list_loaded, "Print ENTRY<TAB>OBJECT for every object the loader maps for each ELF entry point");
  closure->add_option("-o,--output", c.out, "Write the minimal root to this directory (and OUT.manifest.json)");
  closure->add_flag("--json", c.json, "Print one JSON object (raison-closure/1) on stdout: the summary, --list's paths, --list-loaded's objects");
  closure->footer(
      "Examples:\n"
      "  raison closure ROOT --seed /usr/bin/python3 --list\n"
      "  raison closure ROOT --seed /usr/bin/python3 --list --json | jq -r '.paths[]'\n"
      "  raison closure image.tar --seed /usr/bin/curl -o out/ --sbom spdx:out.spdx.json");

  ClosureArgs sh;
  sh.image_seeds = true;
  auto* shrink = app.add_subcommand("shrink", "Shrink an image to what its Entrypoint and Cmd (and --seed) need");
  shrink->add_option("IMAGE", sh.root, "docker-archive:FILE[:NAME:TAG], oci:DIR[:TAG], a docker save tar, or a directory")->required();
  shrink->add_option("-o,--output", sh.out, "oci:DIR[:TAG], docker-archive:FILE[:NAME:TAG], X.tar[.gz|.zst] or a directory")->required();
  shrink->add_option("--observe", sh.observe, "IMAGE is a running podman or docker container: observe it for DURATION (5s, 2m), then shrink its image with what it did as --trace");
  add_output_options(*shrink, sh);
  add_analysis_options(*shrink, sh.options, text);
  shrink->add_flag("--json", sh.json, "Print one JSON object (raison-closure/1) on stdout: the summary of what is kept");
  shrink->footer(
      "Examples:\n"
      "  raison shrink docker-archive:app.tar -o oci:app-min:latest\n"
      "  raison shrink oci:debian:bookworm --seed /usr/bin/python3 -o app-min.tar.zst\n"
      "  raison shrink mycontainer --observe 30s -o oci:app-min");

  WhyArgs w;
  auto* why = app.add_subcommand("why", "Print the chain of reasons from a seed to PATH");
  why->add_option("SOURCE", w.source, "A root (with the closure's --seed options) or a manifest")->required();
  why->add_option("PATH", w.path, "The path inside the root")->required();
  why->add_option("--platform", w.platform, "os/arch[/variant] to pick from an image index");
  add_analysis_options(*why, w.options, text);
  add_transport_options(*why, w.transport);
  why->add_flag("--json", w.json, "Print one JSON object (raison-why/1) on stdout: the chain, the packages, what needs a dropped file");
  why->footer(
      "Examples:\n"
      "  raison why out.manifest.json /usr/lib/x86_64-linux-gnu/libssl.so.3\n"
      "  raison why ROOT /usr/bin/perl --seed /usr/bin/python3\n"
      "  raison why out.manifest.json /usr/bin/python3.11 --json | jq '.chain[].detail'");

  SbomArgs sb;
  auto* sbom = app.add_subcommand("sbom", "Write the SBOM (SPDX 2.3 or CycloneDX 1.5 JSON) of an output from its manifest");
  sbom->add_option("MANIFEST", sb.manifest, "The manifest of the output")->required();
  sbom->add_option("--format", sb.format, "spdx or cyclonedx")->required()->check(CLI::IsMember({"spdx", "cyclonedx"}));
  sbom->add_option("-o,--output", sb.out, "Where to write it")->required();
  sbom->footer("Example:\n  raison sbom out.manifest.json --format cyclonedx -o out.cdx.json");

  TraceArgs t;
  auto* trace = app.add_subcommand("trace", "Run a command inside a root under strace and write the log (as root)");
  trace->add_option("ROOT", t.root, "The root: a directory or an image (unpacked for the run)")->required();
  trace->add_option("-o,--output", t.log, "Where to write the strace log")->required();
  trace->add_option("CMD", t.cmd, "The command and its arguments, after --")->required();
  add_transport_options(*trace, t.transport);
  trace->footer("Example:\n  raison trace ROOT -o run.strace -- /usr/bin/python3 -c 'import json'\n"
                "  raison closure ROOT --seed /usr/bin/python3 --trace run.strace -o out/");

  VerifyArgs vf;
  auto* verify = app.add_subcommand("verify", "Check a shrunk root: everything resolves inside it, and CMD finds what it looks for");
  verify->add_option("OUT", vf.out, "The shrunk root (a directory)")->required();
  verify->add_option("--manifest", vf.manifest, "Its manifest (default OUT.manifest.json)");
  verify->add_option("--original", vf.original, "The root it was shrunk from (default: the manifest's source)");
  verify->add_option("CMD", vf.cmd, "A command to run inside OUT under strace, after --");
  add_transport_options(*verify, vf.transport);
  verify->add_flag("--json", vf.json, "Print one JSON object (raison-verify/1) on stdout: what does not resolve, what is missing, the fixes");
  verify->footer("Examples:\n  raison verify out/\n  raison verify out/ -- /usr/bin/python3 -c 'import ssl'\n"
                 "  raison verify out/ --json -- /usr/bin/python3 -c 'import ssl' | jq -r '.fixes[]'");

  CostArgs co;
  auto* cost = app.add_subcommand("cost", "What each kept file, module, package or seed costs: the bytes that leave the closure without it");
  cost->add_option("SOURCE", co.source, "A manifest, or a root (with --seed, or an image's Entrypoint and Cmd)")->required();
  cost->add_option("--top", co.top, "How many rows (0: all; default 10)");
  cost->add_option("--by", co.by, "file, module (Python), package (by directory until packages are known) or seed")
      ->check(CLI::IsMember({"file", "module", "package", "seed"}));
  cost->add_flag("--json", co.json, "Print JSON for tools");
  add_transport_options(*cost, co.transport);
  cost->add_option("--platform", co.platform, "os/arch[/variant] to pick from an image index");
  add_analysis_options(*cost, co.options, text);
  cost->footer("Examples:\n  raison cost out.manifest.json --top 20\n  raison cost out.manifest.json --by package --json");

  DiffArgs df;
  auto* diff = app.add_subcommand("diff", "What changed from A to B (manifests, roots or images); exit 1 when B grew past --fail-on-growth");
  diff->add_option("A", df.a, "The old side: a manifest, a root or an image")->required();
  diff->add_option("B", df.b, "The new side: a manifest, a root or an image")->required();
  diff->add_flag("--json", df.json, "Print JSON for tools");
  diff->add_option("--fail-on-growth", df.fail_on_growth, "Exit 1 if B is larger than A by more than BYTES (1000, 5M, 2GiB) or PERCENT (10%)")
      ->check([](const std::string& v) { return raison::parse_growth_limit(v) ? std::string() : "not BYTES (1000, 5M, 2GiB) or PERCENT (10%)"; });
  diff->add_option("--platform", df.platform, "os/arch[/variant] to pick from an image index");
  add_transport_options(*diff, df.transport);
  diff->footer("Examples:\n  raison diff old.manifest.json new.manifest.json\n  raison diff ROOT out/ --json\n"
               "  raison diff v1.manifest.json v2.manifest.json --fail-on-growth 5%");

  ReportArgs rp;
  auto* report = app.add_subcommand("report", "Write a self-contained HTML report of a manifest's closure");
  report->add_option("MANIFEST", rp.manifest, "The manifest")->required();
  report->add_option("-o,--output", rp.out, "The HTML file to write")->required();
  report->add_flag("-f,--force", rp.force, "Replace an existing file");
  report->footer("Example:\n  raison report out.manifest.json -o report.html");

  ObserveArgs ob;
  auto* observe = app.add_subcommand("observe", "Watch a running podman or docker container (snapshot, then strace) and write what it used as a --trace log");
  observe->add_option("CONTAINER", ob.container, "Its name or ID")->required();
  observe->add_option("-o,--output", ob.log, "Where to write the log")->required();
  observe->add_option("--for", ob.duration, "How long to watch (5, 5s, 500ms, 2m, 1h; default: until SIGINT)");
  observe->footer("Example:\n  raison observe web -o web.strace --for 30s\n  raison shrink web-image.tar --trace web.strace -o oci:web-min");

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e) == 0 ? kOk : kUsage;  // --help is a ParseError too
  }
  try {
    if (closure->parsed()) {
      finish_options(c.options, text);
      if (c.options.seeds.empty()) throw CLI::ValidationError("closure needs at least one --seed");
      return run_closure(c);
    }
    if (shrink->parsed()) {
      finish_options(sh.options, text);
      return sh.observe.empty() ? run_closure(sh) : run_shrink_observed(sh);
    }
    if (why->parsed()) {
      finish_options(w.options, text);
      return run_why(w);
    }
    if (sbom->parsed()) return run_sbom(sb);
    if (trace->parsed()) return run_trace(t);
    if (cost->parsed()) {
      finish_options(co.options, text);
      return run_cost(co);
    }
    if (diff->parsed()) return run_diff(df);
    if (report->parsed()) return run_report(rp);
    if (observe->parsed()) return run_observe(ob);
    return run_verify(vf);
  } catch (const CLI::Error& e) {
    fmt::print(stderr, "raison: {}\n", raison::printable(e.what()));
    return kUsage;
  } catch (const raison::Error& e) {
    fmt::print(stderr, "raison: {}\n", raison::printable(e.what()));  // one line, whatever an image put in it
    return kInputError;
  } catch (const std::exception& e) {
    fmt::print(stderr, "raison: internal error: {} (please report it)\n", raison::printable(e.what()));
    return kInternal;
  } catch (...) {
    fmt::print(stderr, "raison: internal error: an exception that is not a std::exception (please report it)\n");
    return kInternal;
  }
}

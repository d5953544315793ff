// The subcommands, one file each: closure.cpp (closure and shrink), why.cpp, sbom.cpp, trace.cpp, verify.cpp.
// Each reads as the pipeline's passes (open the root, seeds, analyze, emit, report), takes its parsed
// command line as a plain struct and returns the process exit code (README, "Exit codes").
#pragma once

#include <string>
#include <vector>

#include "raison/options.hpp"
#include "util/skopeo.hpp"

namespace raison::cli {

enum Exit : int {
  kOk = 0,            // complete
  kIncomplete = 1,    // something needed was not found; outputs were still written
  kUsage = 2,         // bad command line
  kInputError = 3,    // an input could not be read, or an output could not be written (raison::Error)
  kNotInClosure = 4,  // `why`: the path is not in the closure
  kInternal = 5,      // a bug in raison: an exception that is not a raison::Error
};

struct ClosureArgs {
  std::string root;
  std::string platform;      // --platform os/arch[/variant] for an image index
  std::string temp_dir;      // where images are unpacked
  bool image_seeds = false;  // shrink: the image's Entrypoint and Cmd are seeds too
  Options options;
  bool list = false;         // print the kept paths
  bool list_loaded = false;  // print, per ELF entry point, the objects its loader maps
  std::string out;           // -o
  std::string manifest;      // --manifest
  std::vector<std::string> sboms;  // --sbom FORMAT:FILE (spdx or cyclonedx)
  bool package_db = true;    // --package-db trim (default) or drop: the trimmed package database in outputs
  bool force = false;
  bool preserve_privileges = false;  // directory output: keep setuid/setgid and capabilities
  bool quiet = false;
  bool verbose = false;  // print notes too
  std::string observe;   // shrink --observe DURATION: `root` is a running container to observe first
  bool print_only_traced = false;  // print every kept file only the trace explains, on stdout
  TransportOptions transport;      // skopeo's options for docker://, containers-storage:, ... roots and outputs
  bool json = false;  // --json: --list and --list-loaded as one object on stdout
};

struct ObserveArgs {
  std::string container;  // a name or ID podman or docker knows
  std::string log;        // -o
  std::string duration;   // --for; empty: until SIGINT
};

struct WhyArgs {
  std::string source;  // a root, or a manifest
  std::string platform;
  std::string path;
  Options options;
  TransportOptions transport;  // skopeo's options for a transport root
  bool json = false;  // --json: one object on stdout (README, "raison why --json")
};

struct SbomArgs {
  std::string manifest;
  std::string format;  // spdx or cyclonedx
  std::string out;
};

struct TraceArgs {
  std::string root;
  std::string log;
  std::vector<std::string> cmd;
  std::string self_exe = "/proc/self/exe";  // this program, run by strace inside the root
  TransportOptions transport;  // skopeo's options for a transport root
};

struct VerifyArgs {
  std::string out;       // a shrunk root (directory)
  std::string manifest;  // its manifest (default OUT.manifest.json)
  std::string original;  // the root it was shrunk from (default: the manifest's "source")
  std::vector<std::string> cmd;
  std::string self_exe = "/proc/self/exe";
  bool json = false;  // --json: the findings as one object on stdout
  TransportOptions transport;  // skopeo's options for a transport original
};

struct CostArgs {
  std::string source;  // a root (with --seed, or an image's own) or a manifest
  std::string platform;
  Options options;
  std::size_t top = 10;  // 0: every row
  std::string by = "file";  // file, module, package, seed
  bool json = false;
  TransportOptions transport;  // skopeo's options for a transport root
};

struct DiffArgs {
  std::string a, b;           // manifests, roots or images
  std::string platform;
  bool json = false;
  std::string fail_on_growth;  // BYTES (with an optional K/M/G suffix) or PERCENT%; empty: never fail
  TransportOptions transport;  // skopeo's options for a transport root
};

struct ReportArgs {
  std::string manifest;
  std::string out;  // -o report.html
  bool force = false;
};

// 0: complete; 1: incomplete (outputs still written).
int run_closure(const ClosureArgs& args);
// 0: the path is kept (the chain printed); 4: it is not.
int run_why(const WhyArgs& args);
// 0: the SBOM is written.
int run_sbom(const SbomArgs& args);
// The command's exit status.
int run_trace(const TraceArgs& args);
// 0: the command ran, nothing it looked for is missing, every static dependency resolves; else 1.
int run_verify(const VerifyArgs& args);
// 0: the table or JSON printed.
int run_cost(const CostArgs& args);
// 0: B did not grow past --fail-on-growth (or none given); 1: it did.
int run_diff(const DiffArgs& args);
// 0: the HTML report written.
int run_report(const ReportArgs& args);
// 0: the observation written.
int run_observe(const ObserveArgs& args);
// shrink --observe: observe the container, then shrink its image with the observation (run_closure).
int run_shrink_observed(ClosureArgs args);

}  // namespace raison::cli

// The subcommands, each a list of the pipeline's stages: open the root, analyze, emit. They take the
// parsed command line and return the process exit code (documented in the README).
#pragma once

#include <string>
#include <vector>

#include "raison/options.hpp"

namespace raison::cli {

enum Exit : int {
  kOk = 0,           // complete
  kIncomplete = 1,   // something needed was not found; outputs were still written
  kUsage = 2,        // bad command line
  kInputError = 3,   // an input could not be read, or an output could not be written
  kNotInClosure = 4, // `why`: the path is not in the closure
};

struct ClosureArgs {
  std::string root;
  std::string platform;       // --platform os/arch[/variant] for an image index
  std::string temp_dir;       // where images are unpacked
  bool image_seeds = false;   // shrink: the image's Entrypoint and Cmd are seeds too
  Options options;
  bool list = false;         // print the kept paths
  bool list_loaded = false;  // print, per ELF entry point, the objects its loader maps
  std::string out;           // -o
  std::string manifest;      // --manifest
  bool force = false;
  bool quiet = false;
  bool verbose = false;  // print notes too
};

struct WhyArgs {
  std::string source;  // a root, or a manifest
  std::string platform;
  std::string path;
  Options options;
};

struct TraceArgs {
  std::string root;
  std::string log;
  std::vector<std::string> cmd;
  std::string self_exe;  // this program, run by strace inside the root
};

struct VerifyArgs {
  std::string out;       // a shrunk root (directory)
  std::string manifest;  // its manifest (default OUT.manifest.json)
  std::string original;  // the root it was shrunk from (default: the manifest's "source")
  std::vector<std::string> cmd;
  std::string self_exe;
};

int run_closure(const ClosureArgs& args);
// 0: the command ran, nothing it looked for is missing, every static dependency resolves; else 1.
int run_verify(const VerifyArgs& args);
// Returns the command's exit status.
int run_trace(const TraceArgs& args);
int run_why(const WhyArgs& args);

}  // namespace raison::cli

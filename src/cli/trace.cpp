// `raison trace`: run a command inside a root under strace, in the sandbox of sandbox.cpp, and keep
// the log for `--trace` to read.
#include <fmt/format.h>

#include "cli/commands.hpp"
#include "cli/report.hpp"
#include "cli/sandbox.hpp"
#include "input/image.hpp"

namespace raison::cli {

int run_trace(const TraceArgs& args) {
  // Open the root: an image is run from its staging directory, alive as long as `root`.
  const auto root = open_root(args.root, {.temp_dir = {}, .platform = {}, .transport = args.transport});
  print_image_notes(*root, false);
  const ImageRoot* image = as_image(*root);

  // Run the command inside it under strace; the log goes to -o.
  const int status = trace_in_root(args.self_exe, image ? image->staging_dir() : args.root, args.cmd, args.log);
  fmt::print(stderr, "raison: {} exited with {}; trace written to {}\n", args.cmd[0], status, args.log);
  return status;
}

}  // namespace raison::cli

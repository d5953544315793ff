// `raison sbom MANIFEST --format spdx|cyclonedx -o FILE`: the SBOM of an output, from its manifest
// alone (the same document `closure --sbom` writes beside the output).
#include "cli/commands.hpp"
#include "emit/sbom.hpp"
#include "raison/emit.hpp"
#include "raison/error.hpp"

namespace raison::cli {

int run_sbom(const SbomArgs& args) {
  const auto format = parse_sbom_format(args.format);
  if (!format) throw Error("--format " + args.format + ": expected spdx or cyclonedx");
  check_output_dir(args.out);
  const Manifest manifest = read_manifest(args.manifest);
  try {
    write_sbom(args.out, manifest.json, *format);
  } catch (const Error& e) {
    throw Error(args.manifest + ": " + e.what());
  }
  return kOk;
}

}  // namespace raison::cli

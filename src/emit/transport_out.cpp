// Pushing the written image through skopeo (transport_out.hpp).
#include "emit/transport_out.hpp"

#include <sys/stat.h>

#include "emit/destination.hpp"
#include "emit/image_writer.hpp"
#include "raison/error.hpp"

namespace raison {

void push_image(const Root& root, const Analysis& analysis, const OutputSpec& spec, const nlohmann::json* source_config,
                const std::string& arch, const std::string& os, bool replace, const TransportOptions& transport,
                const std::string& temp_dir) {
  struct stat st;
  if (!spec.path.empty() && ::lstat(spec.path.c_str(), &st) == 0 && !replace)
    throw Error(spec.path + ": exists (use --force to replace it)");
  // The image as an OCI layout, with the config and manifest an oci: output gets; skopeo carries both
  // (converting the manifest only where the destination demands it: docker-daemon's schema 2).
  TransferDir dir(temp_dir);
  const OutputSpec layout{.kind = OutputSpec::Kind::Oci, .text = spec.text, .path = dir.path() + "/layout",
                          .tag_or_ref = "raison"};
  write_image(root, analysis, layout, source_config, arch, os, false);
  const std::string from = "oci:" + layout.path + ":" + layout.tag_or_ref;
  if (spec.path.empty()) {  // a registry, a daemon, a store: skopeo's to make whole
    skopeo_copy(from, spec.text, transport, spec.text, dir.path() + "/tmp");
    return;
  }
  // An oci-archive file: written under a temporary name beside it, then renamed over the old one (skopeo
  // would add to an existing archive; a failed push keeps the old file whole).
  StagedOutput out(spec.path);
  const std::string to = "oci-archive:" + out.tmp() + (spec.tag_or_ref.empty() ? "" : ":" + spec.tag_or_ref);
  skopeo_copy(from, to, transport, spec.text, dir.path() + "/tmp");
  out.commit();
}

}  // namespace raison

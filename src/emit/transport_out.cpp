// Pushing the written image through skopeo (transport_out.hpp).
#include "emit/transport_out.hpp"

#include <sys/stat.h>

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
  if (!spec.path.empty() && replace) ::unlink(spec.path.c_str());  // skopeo adds to an existing archive
  skopeo_copy("oci:" + layout.path + ":" + layout.tag_or_ref, spec.text, transport, spec.text, dir.path() + "/tmp");
}

}  // namespace raison

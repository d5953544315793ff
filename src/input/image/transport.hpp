// Images behind a transport (docker://, docker-daemon:, containers-storage:, oci-archive:): skopeo
// copies the image into a private temporary `oci:` layout, which open.cpp reads like any other, and
// which goes when the fetched image does (README "Transports", src/input/README.md).
#pragma once

#include <string>

#include "input/image.hpp"
#include "util/skopeo.hpp"

namespace raison {

// An image fetched into a TransferDir: an OCI layout at `layout`, the image tagged `tag`.
struct FetchedImage {
  TransferDir dir;
  std::string layout;
  std::string tag = "raison";

  explicit FetchedImage(const std::string& temp_dir) : dir(temp_dir), layout(dir.path() + "/layout") {}
};

// Fetches `spec` (is_transport_spec) with skopeo into a new private layout under options.temp_dir,
// the platform options.platform picked from an index. Throws Error naming `spec`.
std::unique_ptr<FetchedImage> fetch_image(const std::string& spec, const ImageOpenOptions& options);

}  // namespace raison

// Fetching an image through skopeo (transport.hpp).
#include "input/image/transport.hpp"

namespace raison {

std::unique_ptr<FetchedImage> fetch_image(const std::string& spec, const ImageOpenOptions& options) {
  auto fetched = std::make_unique<FetchedImage>(options.temp_dir);
  skopeo_copy(spec, "oci:" + fetched->layout + ":" + fetched->tag, options.transport, spec,
              fetched->dir.path() + "/tmp", options.platform);
  return fetched;
}

}  // namespace raison

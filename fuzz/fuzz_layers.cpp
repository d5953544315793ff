// Layer application: up to four layer tars (any compression libarchive reads; documents separated by
// "--8<--") applied in order as the layers of an OCI image -- whiteouts, opaque directories, hardlinks,
// symlinks, "..", metadata -- into a staging directory under the harness's private directory, then the
// root walked as the analysis would. Through open_root(), the entry point every command uses. After
// each input the staging directory must be gone (image_harness.hpp). The config's diff_ids are each
// layer's digest: right for a plain tar, a mismatch (checked after the layer is applied) otherwise.
#include "harness.hpp"
#include "image_harness.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace raison::fuzz;
  std::vector<std::string> layers = split_documents(bytes(data, size));
  if (layers.size() > 4) layers.resize(4);
  const std::string dir = fresh("layout");
  const std::string staging = fresh("staging");
  std::string manifest_layers, diff_ids;
  for (const std::string& l : layers) {
    const std::string hex = raison::sha256_hex(l);
    write_file(dir + "/blobs/sha256/" + hex, l);
    manifest_layers += std::string(manifest_layers.empty() ? "" : ",") +
                       R"({"mediaType":"application/vnd.oci.image.layer.v1.tar","digest":"sha256:)" + hex +
                       R"(","size":)" + std::to_string(l.size()) + "}";
    diff_ids += std::string(diff_ids.empty() ? "" : ",") + "\"sha256:" + hex + "\"";
  }
  const std::string config = R"({"architecture":"amd64","os":"linux","config":{},"rootfs":{"type":"layers","diff_ids":[)" +
                             diff_ids + "]}}";
  const std::string manifest =
      R"({"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json","config":{"mediaType":"application/vnd.oci.image.config.v1+json","digest":"sha256:)" +
      raison::sha256_hex(config) + R"(","size":)" + std::to_string(config.size()) + R"(},"layers":[)" + manifest_layers + "]}";
  const std::string index = R"({"schemaVersion":2,"manifests":[{"mediaType":"application/vnd.oci.image.manifest.v1+json","digest":"sha256:)" +
                            raison::sha256_hex(manifest) + R"(","size":)" + std::to_string(manifest.size()) + "}]}";
  write_file(dir + "/blobs/sha256/" + raison::sha256_hex(config), config);
  write_file(dir + "/blobs/sha256/" + raison::sha256_hex(manifest), manifest);
  write_file(dir + "/index.json", index);
  write_file(dir + "/oci-layout", R"({"imageLayoutVersion":"1.0.0"})");
  run([&] {
    auto root = raison::open_root("oci:" + dir, options(staging));
    touch_root(*root);
  });
  expect_empty(staging);
  return 0;
}

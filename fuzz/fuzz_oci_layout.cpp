// OCI image layouts: index.json, the manifest, the config, a layer (and a nested index), as documents separated by
// "--8<--" (image_harness.hpp), written as a layout (each blob under its digest, placeholders such as
// @MANIFEST@ replaced so that digests can match) and opened by open_root("oci:DIR") as every command
// does: index (nested indexes, platforms), manifest, config, blob digests and sizes, then the layer
// applied into a staging directory that must be gone afterwards.
#include "harness.hpp"
#include "image_harness.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace raison::fuzz;
  std::vector<std::string> docs = split_documents(bytes(data, size));
  docs.resize(std::max<size_t>(docs.size(), 4));
  std::string& index = docs[0];
  std::string& manifest = docs[1];
  std::string& config = docs[2];
  const std::string& layer = docs[3];
  const std::string dir = fresh("layout");
  const std::string staging = fresh("staging");
  // Innermost first: each document's digest is taken after its own placeholders are replaced.
  substitute(config, "LAYER", layer);
  substitute(manifest, "LAYER", layer);
  substitute(manifest, "CONFIG", config);
  substitute(index, "CONFIG", config);
  substitute(index, "MANIFEST", manifest);
  // A fifth document is a nested index (@NESTED@ in index.json), which may name the manifest and config.
  if (docs.size() > 4) {
    substitute(docs[4], "CONFIG", config);
    substitute(docs[4], "MANIFEST", manifest);
    substitute(index, "NESTED", docs[4]);
  }
  for (const std::string* blob : std::initializer_list<const std::string*>{&manifest, &config, &layer})
    write_file(dir + "/blobs/sha256/" + raison::sha256_hex(*blob), *blob);
  // Every further document is a blob under its digest (more manifests, indexes).
  for (size_t k = 4; k < docs.size() && k < 8; ++k) write_file(dir + "/blobs/sha256/" + raison::sha256_hex(docs[k]), docs[k]);
  write_file(dir + "/index.json", index);
  write_file(dir + "/oci-layout", R"({"imageLayoutVersion":"1.0.0"})");
  run([&] {
    auto root = raison::open_root("oci:" + dir, options(staging));
    if (const raison::ImageRoot* img = raison::as_image(*root)) (void)img->config_json().dump();
    touch_root(*root);
  });
  expect_empty(staging);
  return 0;
}

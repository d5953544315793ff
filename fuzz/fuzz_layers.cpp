// Layer application: up to four layer tars (any compression libarchive reads; documents separated by
// "--8<--") applied in order as the layers of an OCI image -- whiteouts, opaque directories, hardlinks,
// symlinks, "..", metadata -- into a staging directory under the harness's private directory, then the
// root walked as the analysis would. Through open_root(), the entry point every command uses. After
// each input the staging directory must be gone (image_harness.hpp). The config's diff_ids are each
// layer's digest: right for a plain tar, a mismatch (checked after the layer is applied) otherwise.
// Each input is opened twice, eagerly (Staging, on disk) and lazily (MemoryStaging, image/memory_tree.hpp:
// the tree in memory, file bytes in a spill), and the two roots compared.
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
  // Eager (every entry written) and lazy (nothing written but a spill of the files analyzers read;
  // the others fetched from their layer when read): both fail, or both serve the same tree.
  std::string eager, lazy;
  bool eager_ok = false, lazy_ok = false;
  run([&] {
    auto root = raison::open_root("oci:" + dir, options(staging));
    touch_root(*root);
    eager = describe_root(*root);
    eager_ok = true;
  });
  expect_empty(staging);
  run([&] {
    raison::ImageOpenOptions o = options(staging);
    o.lazy = true;
    auto root = raison::open_root("oci:" + dir, o);
    lazy = describe_root(*root);
    lazy_ok = true;
  });
  expect_empty(staging);
  if (eager_ok != lazy_ok || eager != lazy) {
    std::fprintf(stderr, "eager (%s):\n%s\nlazy (%s):\n%s\n", eager_ok ? "ok" : "refused", eager.c_str(),
                 lazy_ok ? "ok" : "refused", lazy.c_str());
    std::abort();
  }
  return 0;
}

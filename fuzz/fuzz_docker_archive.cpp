// docker-archive (`docker save`) tars. Either the input is itself the outer tar (it has a ustar magic
// at offset 257), or it is documents separated by "--8<--" (image_harness.hpp): manifest.json, the
// config, a layer, optionally `repositories`; the harness writes them as members of an outer tar
// (manifest.json, config.json and CONFIG_HEX.json, layer.tar and LAYER_HEX/layer.tar, repositories),
// placeholders replaced. Opened by open_root("docker-archive:FILE") as every command does, the layer
// applied into a staging directory that must be gone afterwards.
#include <archive.h>
#include <archive_entry.h>

#include "harness.hpp"
#include "image_harness.hpp"

namespace {

std::string tar_of(const std::vector<std::pair<std::string, std::string>>& members) {
  std::string out;
  archive* a = archive_write_new();
  archive_write_set_format_pax_restricted(a);
  archive_write_set_bytes_in_last_block(a, 1);
  archive_write_open(
      a, &out, nullptr,
      [](archive*, void* o, const void* buf, size_t n) -> la_ssize_t {
        static_cast<std::string*>(o)->append(static_cast<const char*>(buf), n);
        return la_ssize_t(n);
      },
      nullptr);
  for (const auto& [name, bytes] : members) {
    archive_entry* e = archive_entry_new();
    archive_entry_set_pathname(e, name.c_str());
    archive_entry_set_filetype(e, AE_IFREG);
    archive_entry_set_perm(e, 0644);
    archive_entry_set_size(e, la_int64_t(bytes.size()));
    archive_write_header(a, e);
    archive_write_data(a, bytes.data(), bytes.size());
    archive_entry_free(e);
  }
  archive_write_close(a);
  archive_write_free(a);
  return out;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace raison::fuzz;
  std::string_view in = bytes(data, size);
  const std::string dir = fresh("archive");
  const std::string staging = fresh("staging");
  std::string outer;
  if (in.size() > 262 && in.substr(257, 5) == "ustar") {
    outer = std::string(in);
  } else {
    std::vector<std::string> docs = split_documents(in);
    docs.resize(std::max<size_t>(docs.size(), 3));
    std::string& manifest = docs[0];
    std::string& config = docs[1];
    const std::string& layer = docs[2];
    substitute(config, "LAYER", layer);
    substitute(manifest, "LAYER", layer);
    substitute(manifest, "CONFIG", config);
    std::vector<std::pair<std::string, std::string>> members = {
        {"manifest.json", manifest},
        {"config.json", config},
        {raison::sha256_hex(config) + ".json", config},
        {"layer.tar", layer},
        {raison::sha256_hex(layer) + "/layer.tar", layer},
    };
    if (docs.size() > 3) members.emplace_back("repositories", docs[3]);
    outer = tar_of(members);
  }
  write_file(dir + "/image.tar", outer);
  run([&] {
    auto root = raison::open_root("docker-archive:" + dir + "/image.tar", options(staging));
    if (const raison::ImageRoot* img = raison::as_image(*root)) (void)img->manifest_json().dump();
    touch_root(*root);
  });
  expect_empty(staging);
  return 0;
}

// open_root(): which kind of root a spec names (directory, tarball, `docker-archive:`, `oci:`), and the
// one way an image becomes a root: its format reader lists its layers, they stream into a Staging sink,
// the staging directory goes to an ImageRoot. The design, and where transports plug in: README.md.
#include <fcntl.h>
#include <sys/stat.h>

#include <filesystem>
#include <optional>

#include "input/image.hpp"
#include "input/image/deferred.hpp"
#include "input/image/formats.hpp"
#include "input/image/layer_stream.hpp"
#include "input/image/memory_tree.hpp"
#include "input/image/staging.hpp"
#include "input/image/transport.hpp"
#include "raison/error.hpp"

namespace raison {

namespace {

bool is_dir(const std::string& p) {
  struct stat st;
  return ::stat(p.c_str(), &st) == 0 && S_ISDIR(st.st_mode);
}

bool is_file(const std::string& p) {
  struct stat st;
  return ::stat(p.c_str(), &st) == 0 && S_ISREG(st.st_mode);
}

std::string absolute(const std::string& p) {
  std::error_code ec;
  std::string abs = std::filesystem::absolute(p, ec).lexically_normal().string();
  if (ec) throw Error(p + ": " + ec.message());
  return abs;
}

// Reads the image with `read`, applies its layers onto a fresh staging directory and hands that to the
// root; on any error the directory goes and the error names `spec`. Lazy, the root keeps the layers'
// sources (and `keep_alive`, what they read from) to read deferred files from them again.
template <class Read>
std::unique_ptr<Root> unpack(const std::string& spec, const ImageOpenOptions& options, Read read,
                             std::shared_ptr<const void> keep_alive = nullptr) {
  auto root = std::make_unique<ImageRoot>(spec);
  // Eager: every entry on disk (a program may run in the tree). Lazy: the tree in memory.
  std::optional<Staging> staging;
  std::optional<MemoryStaging> memory;
  LayerSink& sink = options.lazy ? static_cast<LayerSink&>(memory.emplace(options)) : staging.emplace(options);
  std::vector<LayerSource> sources;
  try {
    ImageLayers image = read();
    std::vector<LayerInfo> layers = apply_layers(image.layers, options, sink);
    root->set_image(std::move(image.manifest), std::move(image.config), std::move(layers));
    sources = std::move(image.layers);
  } catch (const Error& e) {
    throw e.context(spec);
  } catch (const nlohmann::json::exception& e) {
    throw Error(spec + ": " + e.what());
  }
  if (staging) {
    staging->finish();
    staging->release_to(*root);
    return root;
  }
  DeferredTable files = memory->release_to(*root);
  if (!files.files.empty())
    root->set_deferred(std::make_unique<DeferredFiles>(std::move(files), std::move(sources), options, std::move(keep_alive)));
  return root;
}

}  // namespace

ImageLayers read_rootfs_tarball(const std::string& file) {
  // Nothing promises a digest or a diff_id: both are measured, and reported as the layer's.
  LayerSource layer;
  layer.label = "layer 1";
  layer.open = [file]() -> std::unique_ptr<ByteSource> { return std::make_unique<FdSource>(AT_FDCWD, file); };
  return {nullptr, nullptr, {std::move(layer)}};
}

std::unique_ptr<Root> open_root(const std::string& spec, const ImageOpenOptions& options) {
  if (is_transport_spec(spec)) {
    // skopeo copies the image into a private temporary `oci:` layout, read like any other; the layout
    // goes as soon as its layers are unpacked (or on the error).
    const std::shared_ptr<const FetchedImage> fetched = fetch_image(spec, options);
    return unpack(spec, options, [&] { return read_oci_layout(fetched->layout, fetched->tag, options); },
                  options.lazy ? fetched : nullptr);
  }
  if (spec.starts_with("oci:")) {
    // oci:DIR[:TAG]; a tag has no ':', so the last one splits unless the whole is a directory.
    std::string rest = spec.substr(4), dir = rest, tag;
    std::size_t colon = rest.rfind(':');
    if (!is_dir(rest) && colon != std::string::npos) {
      dir = rest.substr(0, colon);
      tag = rest.substr(colon + 1);
    }
    std::string canonical = "oci:" + absolute(dir) + (tag.empty() ? "" : ":" + tag);
    return unpack(canonical, options, [&] { return read_oci_layout(dir, tag, options); });
  }
  if (spec.starts_with("docker-archive:")) {
    // docker-archive:FILE[:NAME:TAG|:@N]; the file is the longest prefix that is one.
    std::string rest = spec.substr(15), file = rest, ref;
    if (!is_file(rest)) {
      for (std::size_t colon = rest.find(':'); colon != std::string::npos; colon = rest.find(':', colon + 1))
        if (is_file(rest.substr(0, colon))) {
          file = rest.substr(0, colon);
          ref = rest.substr(colon + 1);
        }
    }
    std::string canonical = "docker-archive:" + absolute(file) + (ref.empty() ? "" : ":" + ref);
    return unpack(canonical, options, [&] { return read_docker_archive(file, ref, options); });
  }
  struct stat st;
  if (::stat(spec.c_str(), &st) != 0) throw_errno(spec);
  if (S_ISDIR(st.st_mode)) return open_directory_root(spec);
  if (!S_ISREG(st.st_mode)) throw Error(spec + ": not a directory, an image or a tarball");
  std::string file = absolute(spec);
  if (looks_like_docker_archive(file))
    return unpack("docker-archive:" + file, options, [&] { return read_docker_archive(file, "", options); });
  return unpack(file, options, [&] { return read_rootfs_tarball(file); });
}

}  // namespace raison

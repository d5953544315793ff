// OCI image layout reader: oci-layout, index.json, then down through image indexes (by tag, then by
// platform) to one manifest, its config and its layers. Every blob is blobs/sha256/<hex>, checked against
// its descriptor's size and digest; a layer's digest while it streams (layer_stream.cpp).
#include <fcntl.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <unistd.h>

#include <memory>

#include "input/image/formats.hpp"
#include "raison/error.hpp"
#include "util/fd.hpp"

namespace raison {

namespace {

using nlohmann::json;

constexpr std::size_t kMaxIndex = 4 << 20;
constexpr std::size_t kMaxConfig = 16 << 20;
constexpr int kMaxIndexDepth = 4;
const char* const kRefName = "org.opencontainers.image.ref.name";

std::string string_field(const json& obj, const char* key, const std::string& what) {
  if (!obj.is_object()) throw Error(what + " is not a JSON object");
  auto it = obj.find(key);
  if (it == obj.end() || !it->is_string()) throw Error(what + ": '" + key + "' missing or not a string");
  return it->get<std::string>();
}

std::string optional_string(const json& obj, const char* key) {
  auto it = obj.find(key);
  return it != obj.end() && it->is_string() ? it->get<std::string>() : std::string();
}

// obj[key], or null when obj is no object or lacks it.
const json& member(const json& obj, const char* key) {
  static const json null;
  if (!obj.is_object()) return null;
  auto it = obj.find(key);
  return it == obj.end() ? null : *it;
}

const json& array_field(const json& obj, const char* key, const std::string& what) {
  if (!obj.is_object()) throw Error(what + " is not a JSON object");
  auto it = obj.find(key);
  if (it == obj.end() || !it->is_array()) throw Error(what + ": '" + key + "' missing or not an array");
  return *it;
}

struct Platform {
  std::string os, arch, variant;
};

// This machine in OCI's (Go's) names.
Platform host_platform() {
  utsname u;
  ::uname(&u);
  std::string m = u.machine;
  if (m == "x86_64") return {"linux", "amd64", ""};
  if (m == "aarch64") return {"linux", "arm64", ""};
  if (m.starts_with("armv7")) return {"linux", "arm", "v7"};
  if (m.starts_with("armv6")) return {"linux", "arm", "v6"};
  if (m == "i686" || m == "i386") return {"linux", "386", ""};
  return {"linux", m, ""};
}

Platform parse_platform(const std::string& s) {
  if (s.empty()) return host_platform();
  Platform p;
  std::size_t a = s.find('/');
  if (a == std::string::npos || a == 0) throw Error("platform '" + s + "' is not os/arch[/variant]");
  p.os = s.substr(0, a);
  std::size_t b = s.find('/', a + 1);
  p.arch = s.substr(a + 1, b == std::string::npos ? std::string::npos : b - a - 1);
  if (b != std::string::npos) p.variant = s.substr(b + 1);
  if (p.arch.empty()) throw Error("platform '" + s + "' is not os/arch[/variant]");
  return p;
}

std::string platform_text(const json& desc) {
  auto it = desc.find("platform");
  if (it == desc.end() || !it->is_object()) return "(no platform)";
  std::string v = optional_string(*it, "variant");
  return optional_string(*it, "os") + "/" + optional_string(*it, "architecture") + (v.empty() ? "" : "/" + v);
}

bool matches(const json& desc, const Platform& want) {
  auto it = desc.find("platform");
  if (it == desc.end() || !it->is_object()) return false;
  if (optional_string(*it, "os") != want.os || optional_string(*it, "architecture") != want.arch) return false;
  return want.variant.empty() || optional_string(*it, "variant") == want.variant;
}

bool is_index(const std::string& media_type, const json& doc) {
  if (media_type == "application/vnd.oci.image.index.v1+json" ||
      media_type == "application/vnd.docker.distribution.manifest.list.v2+json")
    return true;
  return media_type.empty() && doc.contains("manifests") && !doc.contains("layers");
}

class Layout {
 public:
  explicit Layout(const std::string& dir) : fd_(::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC)) {
    if (!fd_.valid()) throw_errno(dir);
  }

  json top_json(const char* name, std::size_t cap) {
    struct stat st;
    if (::fstatat(fd_.get(), name, &st, AT_SYMLINK_NOFOLLOW) != 0)
      throw Error(std::string("not an OCI image layout: no ") + name);
    FdSource src(fd_.get(), name, true);
    try {
      return read_json(src, cap, nullptr);
    } catch (const Error& e) {
      throw e.context(name);
    }
  }

  // The blob a descriptor names, its size checked; `what` says who named it.
  std::unique_ptr<FdSource> open_blob(const json& desc, const std::string& what) {
    std::string digest = string_field(desc, "digest", what);
    std::string hex = digest_hex(digest, what);
    int dir = blobs_dir();
    struct stat st;
    if (::fstatat(dir, hex.c_str(), &st, AT_SYMLINK_NOFOLLOW) != 0)
      throw Error("blob " + digest + " named by " + what + " is missing from the layout");
    std::unique_ptr<FdSource> src;
    try {
      src = std::make_unique<FdSource>(dir, hex, true);
    } catch (const Error& e) {
      throw e.context("blob " + digest + " named by " + what);
    }
    auto size = desc.find("size");
    if (size == desc.end() || !size->is_number_unsigned()) throw Error(what + ": descriptor has no size");
    if (size->get<std::uint64_t>() != src->size())
      throw Error("blob " + digest + " is " + std::to_string(src->size()) + " bytes, " + what + " says " +
                  std::to_string(size->get<std::uint64_t>()));
    return src;
  }

  json blob_json(const json& desc, std::size_t cap, const std::string& what) {
    auto src = open_blob(desc, what);
    std::string digest = string_field(desc, "digest", what), got;
    json doc;
    try {
      doc = read_json(*src, cap, &got);
    } catch (const Error& e) {
      throw e.context("blob " + digest);
    }
    if ("sha256:" + got != digest) throw Error("blob " + digest + " hashes to sha256:" + got + " (" + what + ")");
    return doc;
  }

 private:
  // blobs/sha256, each level opened without following a link: a blob is a file of the layout.
  int blobs_dir() {
    if (!blobs_.valid()) {
      Fd blobs(::openat(fd_.get(), "blobs", O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC));
      if (blobs.valid()) blobs_.reset(::openat(blobs.get(), "sha256", O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC));
      if (!blobs_.valid()) throw Error("not an OCI image layout: blobs/sha256 is not a directory (links are not followed)");
    }
    return blobs_.get();
  }

  Fd fd_;
  Fd blobs_;
};

// One descriptor out of an index's list: the only one, else the first for the wanted platform.
json choose(const json& candidates, const Platform& want, const std::string& where) {
  if (candidates.empty()) throw Error(where + " lists no manifests");
  if (candidates.size() == 1) return candidates[0];
  std::string seen, tags;
  bool any_platform = false;
  for (const auto& d : candidates) {
    if (matches(d, want)) return d;
    any_platform = any_platform || d.contains("platform");
    seen += (seen.empty() ? "" : ", ") + platform_text(d);
    if (auto a = d.find("annotations"); a != d.end() && a->is_object())
      tags += (tags.empty() ? "" : ", ") + optional_string(*a, kRefName);
  }
  if (!any_platform)
    throw Error(where + " lists " + std::to_string(candidates.size()) + " images; name one as oci:DIR:TAG (tags: " +
                tags + ")");
  throw Error(where + " has no image for platform " + want.os + "/" + want.arch +
              (want.variant.empty() ? "" : "/" + want.variant) + " (it has: " + seen + "); choose one with --platform");
}

}  // namespace

ImageLayers read_oci_layout(const std::string& dir, const std::string& ref, const ImageOpenOptions& options) {
  // Shared with each layer's opener, which runs after this returns.
  auto layout = std::make_shared<Layout>(dir);
  json marker = layout->top_json("oci-layout", 64 << 10);
  string_field(marker, "imageLayoutVersion", "oci-layout");
  json index = layout->top_json("index.json", kMaxIndex);
  Platform want = parse_platform(options.platform);

  // By tag first: the tag names a manifest, or an index that the platform then narrows.
  json candidates = array_field(index, "manifests", "index.json");
  if (!ref.empty()) {
    json tagged = json::array();
    std::string tags;
    for (const auto& d : candidates) {
      auto a = d.find("annotations");
      std::string t = a != d.end() && a->is_object() ? optional_string(*a, kRefName) : "";
      if (t == ref) tagged.push_back(d);
      if (!t.empty()) tags += (tags.empty() ? "" : ", ") + t;
    }
    if (tagged.empty()) throw Error("no image tagged '" + ref + "' in index.json (tags: " + tags + ")");
    candidates = std::move(tagged);
  }
  json desc = choose(candidates, want, "index.json");
  json manifest;
  for (int depth = 0;; ++depth) {
    std::string what = "manifest " + optional_string(desc, "digest");
    manifest = layout->blob_json(desc, kMaxIndex, what);
    if (!is_index(optional_string(desc, "mediaType"), manifest)) break;
    if (depth == kMaxIndexDepth) throw Error("image indexes nested more than " + std::to_string(kMaxIndexDepth) + " deep");
    desc = choose(array_field(manifest, "manifests", what), want, "index " + optional_string(desc, "digest"));
  }

  std::string mwhat = "manifest " + optional_string(desc, "digest");
  const json& config_desc = member(manifest, "config");
  std::string config_type = string_field(config_desc, "mediaType", mwhat + " config");
  if (config_type != "application/vnd.oci.image.config.v1+json" &&
      config_type != "application/vnd.docker.container.image.v1+json")
    throw Error(mwhat + " is not a container image (config media type " + config_type + ")");
  json config = layout->blob_json(config_desc, kMaxConfig, mwhat + " config");
  const json& layers = array_field(manifest, "layers", mwhat);
  const json& diff_ids = array_field(member(config, "rootfs"), "diff_ids", "config rootfs");
  if (layers.size() != diff_ids.size())
    throw Error(mwhat + " has " + std::to_string(layers.size()) + " layers but its config lists " +
                std::to_string(diff_ids.size()) + " diff_ids");

  std::vector<LayerSource> sources;
  for (std::size_t i = 0; i < layers.size(); ++i) {
    std::string what = "layer " + std::to_string(i + 1);
    std::string digest = string_field(layers[i], "digest", what);
    std::string media = optional_string(layers[i], "mediaType");
    std::string diff_id = diff_ids[i].is_string() ? diff_ids[i].get<std::string>() : "";
    digest_hex(diff_id, "config diff_ids[" + std::to_string(i) + "]");
    if (media.ends_with("+encrypted")) throw Error(what + " (" + digest + ") is encrypted");
    sources.push_back({.label = what + " (" + digest + ")",
                       .media_type = media,
                       .digest = digest,
                       .stored_as = "blob",
                       .promised_by = "the manifest",
                       .diff_id = diff_id,
                       .open = [layout, desc = layers[i], what]() -> std::unique_ptr<ByteSource> {
                         return layout->open_blob(desc, what);
                       }});
  }
  return {std::move(manifest), std::move(config), std::move(sources)};
}

}  // namespace raison

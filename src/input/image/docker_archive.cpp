// docker-archive reader (`docker save`, `skopeo copy ... docker-archive:`): manifest.json names each
// image's config and layer members of the outer tar. A member is streamed straight out of the outer tar,
// one pass per member (a seek when it is not compressed): nothing is unpacked twice or held in memory.
#include <archive.h>
#include <archive_entry.h>

#include <cstring>
#include <memory>

#include "input/image/formats.hpp"
#include "input/image/libarchive.hpp"
#include "raison/error.hpp"
#include "util/path.hpp"

namespace raison {

namespace {

using nlohmann::json;

constexpr std::size_t kMaxManifest = 4 << 20;
constexpr std::size_t kMaxConfig = 16 << 20;
constexpr int kMaxMemberLinks = 8;

ArchivePtr open_outer(const std::string& file) {
  ArchivePtr a(archive_read_new());
  archive_read_support_filter_gzip(a.get());
  archive_read_support_filter_zstd(a.get());
  archive_read_support_filter_xz(a.get());
  archive_read_support_filter_bzip2(a.get());
  archive_read_support_format_tar(a.get());
  if (archive_read_open_filename(a.get(), file.c_str(), 1 << 16) != ARCHIVE_OK)
    throw Error(std::string("not a tar: ") + archive_message(a.get()));
  return a;
}

// "./x", "/x" and "x" are one member.
std::string normal(std::string_view name) {
  while (true) {
    if (name.starts_with("./")) name.remove_prefix(2);
    else if (name.starts_with("/")) name.remove_prefix(1);
    else break;
  }
  while (name.ends_with("/")) name.remove_suffix(1);
  return std::string(name == "." ? "" : name);
}

// A symlink member's target, as a member name; ".." may not leave the archive.
std::string link_target(const std::string& member, const std::string& target) {
  std::vector<std::string> parts;
  std::string path = target.starts_with("/") ? target : member.substr(0, member.rfind('/') + 1) + target;
  for (std::string& c : path_components(path)) {
    if (c == "..") {
      if (parts.empty()) throw Error("member " + member + " links outside the archive");
      parts.pop_back();
    } else if (c != ".") {
      parts.push_back(std::move(c));
    }
  }
  std::string out;
  for (const auto& p : parts) out += (out.empty() ? "" : "/") + p;
  return out;
}

bool hex64_prefix(std::string_view s) {
  if (s.size() < 64) return false;
  for (char c : s.substr(0, 64))
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
  return true;
}

// One regular member of the outer tar, positioned at its data. Symlinked and hardlinked members
// (docker save links a layer shared by two images) are followed by name.
class Member final : public ByteSource {
 public:
  Member(const std::string& file, const std::string& name) {
    std::string want = normal(name);
    for (int hop = 0; hop <= kMaxMemberLinks; ++hop) {
      a_ = open_outer(file);
      archive_entry* e;
      int r;
      while ((r = archive_read_next_header(a_.get(), &e)) == ARCHIVE_OK || r == ARCHIVE_WARN) {
        if (normal(archive_entry_pathname(e) ? archive_entry_pathname(e) : "") != want) continue;
        if (const char* h = archive_entry_hardlink(e)) {
          want = normal(h);
        } else if (archive_entry_filetype(e) == AE_IFLNK) {
          want = link_target(want, archive_entry_symlink(e) ? archive_entry_symlink(e) : "");
        } else if (archive_entry_filetype(e) == AE_IFREG) {
          size_ = static_cast<std::uint64_t>(archive_entry_size(e));
          return;
        } else {
          throw Error("member " + want + " is not a file");
        }
        break;
      }
      if (r == ARCHIVE_EOF) throw Error("the archive has no member " + want);
      if (r < ARCHIVE_WARN) throw Error(std::string("reading the archive: ") + archive_message(a_.get()));
    }
    throw Error("member " + name + ": more than " + std::to_string(kMaxMemberLinks) + " links");
  }

  std::size_t read(void* buf, std::size_t n) override {
    la_ssize_t r = archive_read_data(a_.get(), buf, n);
    if (r < 0) throw Error(std::string("reading the archive: ") + archive_message(a_.get()));
    return static_cast<std::size_t>(r);
  }
  std::uint64_t size() const override { return size_; }

 private:
  ArchivePtr a_;
  std::uint64_t size_ = 0;
};

// A member name taken from manifest.json; JSON strings may hold NUL, which no tar name can.
std::string member_name(const json& v, const std::string& what) {
  if (!v.is_string()) throw Error(what + " is not a string");
  std::string s = v.get<std::string>();
  if (s.find('\0') != std::string::npos) throw Error(what + " holds a NUL byte");
  if (s.empty() || s.size() > 4096) throw Error(what + " is empty or longer than 4096 bytes");
  return s;
}

std::string short_ref(std::string r) {
  for (const char* p : {"docker.io/library/", "docker.io/"})
    if (r.starts_with(p)) return r.substr(std::strlen(p));
  return r;
}

const json& select_image(const json& manifest, const std::string& ref) {
  if (!manifest.is_array() || manifest.empty()) throw Error("manifest.json is not a non-empty array");
  if (ref.starts_with("@")) {
    std::size_t n = 0;
    for (char c : ref.substr(1)) {
      if (c < '0' || c > '9' || n > manifest.size()) throw Error("bad image index '" + ref + "'");
      n = n * 10 + static_cast<std::size_t>(c - '0');
    }
    if (ref.size() == 1 || n >= manifest.size())
      throw Error("image index " + ref + " out of range (" + std::to_string(manifest.size()) + " images)");
    return manifest[n];
  }
  std::size_t colon = ref.rfind(':'), slash = ref.rfind('/');
  bool has_tag = colon != std::string::npos && (slash == std::string::npos || colon > slash);
  std::string want = short_ref(has_tag ? ref : ref + ":latest");
  std::string tags;
  for (const auto& image : manifest) {
    auto it = image.is_object() ? image.find("RepoTags") : image.end();
    if (it == image.end() || !it->is_array()) continue;
    for (const auto& t : *it) {
      if (!t.is_string()) continue;
      if (!ref.empty() && short_ref(t.get<std::string>()) == want) return image;
      tags += (tags.empty() ? "" : ", ") + t.get<std::string>();
    }
  }
  if (ref.empty()) {
    if (manifest.size() == 1) return manifest[0];
    throw Error("the archive holds " + std::to_string(manifest.size()) +
                " images; name one as docker-archive:FILE:NAME:TAG or :@N (tags: " + tags + ")");
  }
  throw Error("no image tagged " + ref + " in the archive (tags: " + tags + ")");
}

// The digest a member's name promises: blobs/sha256/HEX (docker 25+) or HEX.tar / HEX.json (skopeo,
// older docker configs); empty when the name promises none (HEX/layer.tar: HEX is a v1 id).
std::string promised_digest(const std::string& member) {
  std::string n = normal(member);
  if (n.starts_with("blobs/sha256/") && n.size() == 13 + 64 && hex64_prefix(n.substr(13))) return "sha256:" + n.substr(13);
  if (n.size() == 64 + 5 && hex64_prefix(n) && (n.ends_with(".tar") || n.ends_with(".json")))
    return "sha256:" + n.substr(0, 64);
  return {};
}

}  // namespace

bool looks_like_docker_archive(const std::string& file) {
  ArchivePtr a;
  try {
    a = open_outer(file);
  } catch (const Error&) {
    return false;
  }
  archive_entry* e;
  int r;
  while ((r = archive_read_next_header(a.get(), &e)) == ARCHIVE_OK || r == ARCHIVE_WARN) {
    std::string n = normal(archive_entry_pathname(e) ? archive_entry_pathname(e) : "");
    if (n == "manifest.json") return true;
    // Stop at the first name a `docker save` never writes: a rootfs tarball is told from its first entry.
    std::string top = n.substr(0, n.find('/'));
    if (!(n.empty() || top == "blobs" || hex64_prefix(top) || n == "repositories" || n == "index.json" ||
          n == "oci-layout"))
      return false;
  }
  return false;
}

ImageLayers read_docker_archive(const std::string& file, const std::string& ref) {
  json manifest;
  {
    Member m(file, "manifest.json");
    try {
      manifest = read_json(m, kMaxManifest, nullptr);
    } catch (const Error& e) {
      throw e.context("manifest.json");
    }
  }
  json image = select_image(manifest, ref);
  if (!image.is_object()) throw Error("manifest.json: an image entry is not an object");
  std::string config_name = member_name(image.value("Config", json()), "manifest.json Config");
  json config;
  {
    Member m(file, config_name);
    std::string hex;
    try {
      config = read_json(m, kMaxConfig, &hex);
    } catch (const Error& e) {
      throw e.context("config " + config_name);
    }
    std::string promised = promised_digest(config_name);
    if (!promised.empty() && promised != "sha256:" + hex)
      throw Error("config " + config_name + " hashes to sha256:" + hex);
  }
  const json& layers = image.contains("Layers") ? image["Layers"] : json();
  if (!layers.is_array()) throw Error("manifest.json Layers is not an array");
  json diff_ids = config.is_object() && config.contains("rootfs") && config["rootfs"].is_object()
                      ? config["rootfs"].value("diff_ids", json())
                      : json();
  if (!diff_ids.is_array() || diff_ids.size() != layers.size())
    throw Error("manifest.json lists " + std::to_string(layers.size()) +
                " layers, the config's rootfs.diff_ids do not match that");

  std::vector<LayerSource> sources;
  for (std::size_t i = 0; i < layers.size(); ++i) {
    std::string name = member_name(layers[i], "manifest.json Layers[" + std::to_string(i) + "]");
    std::string diff_id = diff_ids[i].is_string() ? diff_ids[i].get<std::string>() : "";
    digest_hex(diff_id, "config diff_ids[" + std::to_string(i) + "]");
    std::string label = "layer " + std::to_string(i + 1) + " (" + name + ")";
    sources.push_back({.label = label,
                       .media_type = "",
                       .digest = promised_digest(name),  // said by the name, if at all
                       .stored_as = "member",
                       .promised_by = "",
                       .diff_id = diff_id,
                       .open = [file, name, label]() -> std::unique_ptr<ByteSource> {
                         try {
                           return std::make_unique<Member>(file, name);
                         } catch (const Error& e) {
                           throw e.context(label);
                         }
                       }});
  }
  return {std::move(image), std::move(config), std::move(sources)};
}

}  // namespace raison

// docker-archive reader (`docker save`, `skopeo copy ... docker-archive:`): manifest.json names each
// image's config and layer members of the outer tar. The outer tar is indexed in one pass (a compressed
// one decompressed once, privately); a member is then streamed out of the plain tar, its predecessors'
// data skipped by seeking: nothing is decompressed twice or held in memory.

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <map>
#include <memory>
#include <vector>

#include "input/image/formats.hpp"
#include "input/image/libarchive.hpp"
#include "raison/error.hpp"
#include "util/fd.hpp"
#include "util/path.hpp"
#include "util/printable.hpp"
#include "util/temp_dir.hpp"

namespace raison {

namespace {

using nlohmann::json;

constexpr std::size_t kMaxManifest = 4 << 20;
constexpr std::size_t kMaxConfig = 16 << 20;
constexpr int kMaxMemberLinks = 8;

ArchivePtr open_outer(const std::string& file) {
  ArchivePtr a(la().archive_read_new());
  read_compressed(a.get());
  la().archive_read_support_format_tar(a.get());
  if (la().archive_read_open_filename(a.get(), file.c_str(), 1 << 16) != ARCHIVE_OK)
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
      if (parts.empty()) throw Error("member " + printable(member) + " links outside the archive");
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

// The outer tar, indexed in one pass. A compressed outer tar is first decompressed once into a private
// unlinked file (O_TMPFILE under the temp dir: nothing is left even if raison is killed), so that every
// later pass reads a plain tar, whose data libarchive skips by seeking: finding a member costs one read
// per header, never a read of the archive's bytes. Finding L layers among M members costs at most L * M
// header reads, which ImageOpenOptions::max_layer_member_steps bounds.
class OuterTar {
 public:
  OuterTar(const std::string& file, const ImageOpenOptions& opt) {
    ArchivePtr a = open_outer(file);
    archive_entry* e;
    int r = la().archive_read_next_header(a.get(), &e);  // the filters are known once data was read
    bool compressed = la().archive_filter_count(a.get()) > 1;
    a.reset();
    if (compressed) {
      decompress(file, opt);
      path_ = "/proc/self/fd/" + std::to_string(plain_.get());
    } else {
      path_ = file;
    }
    a = open_outer(path_);
    while ((r = la().archive_read_next_header(a.get(), &e)) == ARCHIVE_OK || r == ARCHIVE_WARN) {
      Entry entry;
      std::string name = normal(la().archive_entry_pathname(e) ? la().archive_entry_pathname(e) : "");
      if (const char* h = la().archive_entry_hardlink(e)) {
        entry.link = normal(h);
      } else if (la().archive_entry_filetype(e) == AE_IFLNK) {
        entry.symlink = true;
        try {  // an error only if a member is looked up through it
          entry.link = link_target(name, la().archive_entry_symlink(e) ? la().archive_entry_symlink(e) : "");
        } catch (const Error& err) {
          entry.bad = err.what();
        }
      } else {
        entry.regular = la().archive_entry_filetype(e) == AE_IFREG;
        entry.size = static_cast<std::uint64_t>(la().archive_entry_size(e));
      }
      entry.ordinal = members_++;
      index_.try_emplace(std::move(name), std::move(entry));  // the first member of a name, as before
    }
    if (r != ARCHIVE_EOF) throw Error(std::string("reading the archive: ") + archive_message(a.get()));
  }

  // The regular member `name` leads to (links followed by name, inside the archive) and its ordinal.
  struct Found {
    std::string name;
    std::uint64_t ordinal;
    std::uint64_t size;
  };
  Found find(const std::string& name) const {
    std::string want = normal(name);
    for (int hop = 0; hop <= kMaxMemberLinks; ++hop) {
      auto it = index_.find(want);
      if (it == index_.end()) throw Error("the archive has no member " + printable(want));
      const Entry& e = it->second;
      if (!e.bad.empty()) throw Error(e.bad);
      if (e.link.empty() && !e.symlink) {
        if (!e.regular) throw Error("member " + printable(want) + " is not a file");
        return {want, e.ordinal, e.size};
      }
      want = e.link;
    }
    throw Error("member " + printable(name) + ": more than " + std::to_string(kMaxMemberLinks) + " links");
  }

  std::uint64_t members() const { return members_; }
  // The plain tar to read members from (the file itself, or the private decompressed copy).
  const std::string& path() const { return path_; }

 private:
  struct Entry {
    std::string link;  // hardlink or symlink target, as a member name
    bool symlink = false;
    std::string bad;  // why a symlink cannot be followed (it leaves the archive)
    bool regular = false;
    std::uint64_t size = 0;
    std::uint64_t ordinal = 0;
  };

  // The outer tar's decompressed bytes into an unlinked private file, within the caps on unpacking.
  void decompress(const std::string& file, const ImageOpenOptions& opt) {
    std::string dir = opt.temp_dir.empty() ? temp_dir() : opt.temp_dir;
    plain_.reset(::open(dir.c_str(), O_TMPFILE | O_RDWR | O_CLOEXEC, 0600));
    if (!plain_.valid() && (errno == EOPNOTSUPP || errno == EISDIR || errno == EINVAL)) {
      // A filesystem without O_TMPFILE: a private name, unlinked at once.
      std::string name = dir + "/raison-archive-XXXXXX";
      plain_.reset(::mkostemp(name.data(), O_CLOEXEC));
      if (plain_.valid()) ::unlink(name.c_str());
    }
    if (!plain_.valid()) throw_errno("decompressing the archive into " + dir);
    struct stat st;
    if (::stat(file.c_str(), &st) != 0) throw_errno(file);
    ArchivePtr raw(la().archive_read_new());
    read_compressed(raw.get());
    la().archive_read_support_format_raw(raw.get());
    archive_entry* e;
    if (la().archive_read_open_filename(raw.get(), file.c_str(), 1 << 16) != ARCHIVE_OK ||
        la().archive_read_next_header(raw.get(), &e) != ARCHIVE_OK)
      throw Error(std::string("decompressing the archive: ") + archive_message(raw.get()));
    std::vector<char> buf(1 << 16);
    std::uint64_t total = 0;
    for (;;) {
      la_ssize_t n = la().archive_read_data(raw.get(), buf.data(), buf.size());
      if (n < 0) throw Error(std::string("decompressing the archive: ") + archive_message(raw.get()));
      if (n == 0) break;
      total += static_cast<std::uint64_t>(n);
      if (total > opt.max_unpacked_bytes ||
          (total > opt.ratio_floor && static_cast<double>(total) > opt.max_ratio * static_cast<double>(st.st_size)))
        throw Error("the archive decompresses to more than " + std::to_string(static_cast<long long>(opt.max_ratio)) +
                    " times its size, or past " + std::to_string(opt.max_unpacked_bytes) + " bytes (a decompression bomb?)");
      for (la_ssize_t done = 0; done < n;) {
        ssize_t w = ::write(plain_.get(), buf.data() + done, static_cast<std::size_t>(n - done));
        if (w < 0) throw_errno("decompressing the archive into " + dir);
        done += w;
      }
    }
  }

  Fd plain_;  // the decompressed copy, unlinked (O_TMPFILE); read through /proc/self/fd
  std::string path_;
  std::map<std::string, Entry> index_;
  std::uint64_t members_ = 0;
};

// One regular member of the outer tar, positioned at its data: a pass over the plain tar's headers
// (data skipped by seeking) to the member's ordinal.
class Member final : public ByteSource {
 public:
  Member(const OuterTar& outer, const std::string& name) {
    OuterTar::Found f = outer.find(name);
    a_ = open_outer(outer.path());
    archive_entry* e;
    int r;
    for (std::uint64_t i = 0; (r = la().archive_read_next_header(a_.get(), &e)) == ARCHIVE_OK || r == ARCHIVE_WARN; ++i) {
      if (i < f.ordinal) continue;
      if (i > f.ordinal || la().archive_entry_filetype(e) != AE_IFREG) break;
      size_ = static_cast<std::uint64_t>(la().archive_entry_size(e));
      return;
    }
    throw Error("member " + printable(f.name) + " changed while the archive was read");
  }

  std::size_t read(void* buf, std::size_t n) override {
    la_ssize_t r = la().archive_read_data(a_.get(), buf, n);
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
  while ((r = la().archive_read_next_header(a.get(), &e)) == ARCHIVE_OK || r == ARCHIVE_WARN) {
    std::string n = normal(la().archive_entry_pathname(e) ? la().archive_entry_pathname(e) : "");
    if (n == "manifest.json") return true;
    // Stop at the first name a `docker save` never writes: a rootfs tarball is told from its first entry.
    std::string top = n.substr(0, n.find('/'));
    if (!(n.empty() || top == "blobs" || hex64_prefix(top) || n == "repositories" || n == "index.json" ||
          n == "oci-layout"))
      return false;
  }
  return false;
}

ImageLayers read_docker_archive(const std::string& file, const std::string& ref, const ImageOpenOptions& options) {
  // Shared with each layer's opener, which runs after this returns.
  auto outer = std::make_shared<OuterTar>(file, options);
  json manifest;
  {
    Member m(*outer, "manifest.json");
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
    Member m(*outer, config_name);
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
  if (layers.size() > options.max_layers)
    throw Error("manifest.json lists " + std::to_string(layers.size()) + " layers, more than " +
                std::to_string(options.max_layers));
  if (layers.size() * outer->members() > options.max_layer_member_steps)
    throw Error("manifest.json lists " + std::to_string(layers.size()) + " layers in an archive of " +
                std::to_string(outer->members()) + " members: finding them would read more than " +
                std::to_string(options.max_layer_member_steps) + " headers");
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
                       .open = [outer, name, label]() -> std::unique_ptr<ByteSource> {
                         try {
                           return std::make_unique<Member>(*outer, name);
                         } catch (const Error& e) {
                           throw e.context(label);
                         }
                       }});
  }
  return {std::move(image), std::move(config), std::move(sources)};
}

}  // namespace raison

// open_root(): which kind of root a spec names (directory, tarball, docker-archive, OCI layout), and
// the ImageRoot that serves an unpacked image: the staging directory's bytes with the metadata the image
// declared (owners, modes, xattrs a non-root user could not apply), plus its config.
#include <archive.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <filesystem>

#include "input/image.hpp"
#include "raison/error.hpp"
#include "util/sha256.hpp"

namespace raison {

FdSource::FdSource(int dirfd, const std::string& path) {
  // O_NONBLOCK: opening a fifo planted where a blob should be must not hang.
  fd_.reset(::openat(dirfd, path.c_str(), O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK));
  if (!fd_.valid()) throw_errno(path);
  struct stat st;
  if (::fstat(fd_.get(), &st) != 0 || !S_ISREG(st.st_mode)) throw Error(path + ": not a regular file");
  ::fcntl(fd_.get(), F_SETFL, 0);
  size_ = static_cast<std::uint64_t>(st.st_size);
}

std::size_t FdSource::read(void* buf, std::size_t n) {
  for (;;) {
    ssize_t r = ::read(fd_.get(), buf, n);
    if (r >= 0) return static_cast<std::size_t>(r);
    if (errno != EINTR) throw_errno("reading");
  }
}

nlohmann::json read_json(ByteSource& src, std::size_t cap, std::string* sha256_hex_out) {
  std::string text;
  char buf[65536];
  while (std::size_t n = src.read(buf, sizeof buf)) {
    if (text.size() + n > cap) throw Error("JSON document larger than " + std::to_string(cap) + " bytes");
    text.append(buf, n);
  }
  if (sha256_hex_out) *sha256_hex_out = sha256_hex(text);
  try {
    return nlohmann::json::parse(text);
  } catch (const nlohmann::json::exception& e) {
    throw Error(std::string("invalid JSON: ") + e.what());
  }
}

std::string archive_message(archive* a) {
  const char* m = archive_error_string(a);
  return m ? m : "unreadable archive";
}

std::string digest_hex(const std::string& s, const std::string& what) {
  if (!s.starts_with("sha256:"))
    throw Error(what + ": digest '" + s.substr(0, 80) + "' is not sha256 (the only algorithm raison reads)");
  std::string hex = s.substr(7);
  bool ok = hex.size() == 64;
  for (char c : hex) ok = ok && ((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'));
  if (!ok) throw Error(what + ": malformed digest '" + s.substr(0, 80) + "'");
  return hex;
}

ImageConfig parse_image_config(const nlohmann::json& config) {
  ImageConfig out;
  if (!config.is_object()) throw Error("image config is not a JSON object");
  auto it = config.find("config");
  if (it == config.end() || it->is_null()) return out;
  if (!it->is_object()) throw Error("image config: 'config' is not an object");
  auto strings = [&](const char* key, std::vector<std::string>& dst) {
    auto f = it->find(key);
    if (f == it->end() || f->is_null()) return;
    if (!f->is_array()) throw Error(std::string("image config: ") + key + " is not an array");
    for (const auto& v : *f) {
      if (!v.is_string()) throw Error(std::string("image config: ") + key + " holds a non-string");
      dst.push_back(v.get<std::string>());
    }
  };
  auto string = [&](const char* key, std::string& dst) {
    auto f = it->find(key);
    if (f == it->end() || f->is_null()) return;
    if (!f->is_string()) throw Error(std::string("image config: ") + key + " is not a string");
    dst = f->get<std::string>();
  };
  strings("Env", out.env);
  strings("Entrypoint", out.entrypoint);
  strings("Cmd", out.cmd);
  string("WorkingDir", out.working_dir);
  string("User", out.user);
  return out;
}

ImageRoot::~ImageRoot() {
  dir_.reset();
  if (keep_staging_ || staging_.empty()) return;
  try {
    remove_staging(staging_);
  } catch (const Error&) {  // a destructor cannot report; it is under the caller's temp dir
  }
}

void ImageRoot::set_image(nlohmann::json manifest, nlohmann::json config, std::vector<LayerInfo> layers) {
  if (!config.is_null()) config_ = parse_image_config(config);
  manifest_json_ = std::move(manifest);
  config_json_ = std::move(config);
  layers_ = std::move(layers);
}

const EntryMeta* ImageRoot::meta_of(const std::string& canonical) const {
  auto it = meta_.find(canonical);
  return it == meta_.end() ? nullptr : &it->second;
}

const std::string* ImageRoot::layer_of(const std::string& canonical) const {
  const EntryMeta* m = meta_of(canonical);
  if (!m || m->layer >= layers_.size()) return nullptr;
  return &layers_[m->layer].diff_id;
}

std::optional<Stat> ImageRoot::lstat(const std::string& canonical) const {
  auto st = dir_->lstat(canonical);
  if (!st) return st;
  if (const EntryMeta* m = meta_of(canonical)) {
    st->mode = (st->mode & S_IFMT) | (m->mode & 07777);
    st->uid = m->uid;
    st->gid = m->gid;
    st->mtime = m->mtime;
  }
  return st;
}

std::optional<std::string> ImageRoot::xattr(const std::string& canonical, const char* name) const {
  // What the image declared is complete for every extracted path; the disk may lack what a non-root
  // user could not set.
  if (const EntryMeta* m = meta_of(canonical)) {
    for (const auto& [n, v] : m->xattrs)
      if (n == name) return v;
    return std::nullopt;
  }
  return dir_->xattr(canonical, name);
}

const ImageRoot* as_image(const Root& root) { return dynamic_cast<const ImageRoot*>(&root); }

namespace {

bool is_dir(const std::string& p) {
  struct stat st;
  return ::stat(p.c_str(), &st) == 0 && S_ISDIR(st.st_mode);
}

bool is_file(const std::string& p) {
  struct stat st;
  return ::stat(p.c_str(), &st) == 0 && S_ISREG(st.st_mode);
}

std::string absolute(const std::string& p) { return std::filesystem::absolute(p).lexically_normal().string(); }

// Runs `fill` on a fresh staging directory and hands it to the root; on error the directory goes.
template <class Fill>
std::unique_ptr<Root> unpack(const std::string& spec, const ImageOpenOptions& options, Fill fill) {
  auto root = std::make_unique<ImageRoot>(spec);
  Staging staging(options);
  try {
    fill(staging, *root);
  } catch (const Error& e) {
    throw e.context(spec);
  } catch (const nlohmann::json::exception& e) {
    throw Error(spec + ": " + e.what());
  }
  staging.finish();
  staging.release_to(*root);
  return root;
}

}  // namespace

std::unique_ptr<Root> open_root(const std::string& spec, const ImageOpenOptions& options) {
  if (spec.starts_with("oci:")) {
    // oci:DIR[:TAG]; a tag has no ':', so the last one splits unless the whole is a directory.
    std::string rest = spec.substr(4), dir = rest, tag;
    std::size_t colon = rest.rfind(':');
    if (!is_dir(rest) && colon != std::string::npos) {
      dir = rest.substr(0, colon);
      tag = rest.substr(colon + 1);
    }
    std::string canonical = "oci:" + absolute(dir) + (tag.empty() ? "" : ":" + tag);
    return unpack(canonical, options, [&](Staging& s, ImageRoot& r) { read_oci_layout(dir, tag, options, s, r); });
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
    return unpack(canonical, options,
                  [&](Staging& s, ImageRoot& r) { read_docker_archive(file, ref, options, s, r); });
  }
  struct stat st;
  if (::stat(spec.c_str(), &st) != 0) throw_errno(spec);
  if (S_ISDIR(st.st_mode)) return open_directory_root(spec);
  if (!S_ISREG(st.st_mode)) throw Error(spec + ": not a directory, an image or a tarball");
  std::string file = absolute(spec);
  if (looks_like_docker_archive(file))
    return unpack("docker-archive:" + file, options,
                  [&](Staging& s, ImageRoot& r) { read_docker_archive(file, "", options, s, r); });
  return unpack(file, options, [&](Staging& s, ImageRoot& r) {
    FdSource src(AT_FDCWD, file);
    LayerDigests d;
    try {
      d = s.apply_layer(src, src.size(), 0);
    } catch (const Error& e) {
      throw e.context("layer 1");
    }
    r.set_image(nullptr, nullptr, {LayerInfo{d.digest, d.diff_id, "", d.size}});
  });
}

}  // namespace raison

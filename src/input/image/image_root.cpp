// ImageRoot: an unpacked image served as a root. The bytes are the staging directory's (a directory
// root over it); owners, modes, mtimes and xattrs are what the image declared (EntryMeta), which a
// non-root user could not apply; the config is parsed once, for the stages that run its program.
#include <sys/stat.h>

#include "input/image.hpp"
#include "input/image/staging_tree.hpp"
#include "util/cleanup.hpp"
#include "raison/error.hpp"

namespace raison {

namespace {

// The config's Env/Entrypoint/Cmd/WorkingDir/User; throws Error on wrong types.
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

}  // namespace

ImageRoot::~ImageRoot() {
  dir_.reset();
  if (staging_.empty()) return;
  if (keep_staging_) {
    unmark_staging(staging_, true);
    return;
  }
  try {
    remove_staging(staging_);
  } catch (const Error&) {  // a destructor cannot report; it is under the caller's temp dir
  }
  unmark_staging(staging_, false);
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
    if (m->xattrs)
      for (const auto& [n, v] : *m->xattrs)
        if (n == name) return v;
    return std::nullopt;
  }
  return dir_->xattr(canonical, name);
}

const ImageRoot* as_image(const Root& root) { return dynamic_cast<const ImageRoot*>(&root); }

}  // namespace raison

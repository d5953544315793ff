// ImageRoot: an unpacked image served as a root. The tree is the staging directory (a directory root
// over it) or, lazily, the memory tree, with regular files served by DeferredFiles; owners, modes,
// mtimes and xattrs are what the image declared (EntryMeta), which a non-root user could not apply; the
// config is parsed once, for the stages that run its program.
#include <sys/stat.h>

#include <algorithm>

#include "input/image.hpp"
#include "input/image/deferred.hpp"
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

ImageRoot::ImageRoot(std::string spec) : spec_(std::move(spec)) {}

ImageRoot::~ImageRoot() {
  dir_.reset();
  deferred_.reset();  // before the staging tree goes: it may hold what its layers are read from
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

void ImageRoot::set_deferred(std::unique_ptr<DeferredFiles> deferred) {
  deferred->bind(layers_);
  deferred_ = std::move(deferred);
}

std::size_t ImageRoot::deferred_files() const { return deferred_ ? deferred_->in_layers() : 0; }
std::uint64_t ImageRoot::deferred_passes() const { return deferred_ ? deferred_->passes() : 0; }
std::uint64_t ImageRoot::deferred_fetched() const { return deferred_ ? deferred_->fetched() : 0; }

// A deferred file's identity: its record, on a device number no filesystem has (st_dev is 32 bits
// wide in the kernel), so that its hardlinks are one file and it stays the same file once written.
constexpr std::uint64_t kDeferredDevice = ~std::uint64_t{0};

std::optional<Stat> ImageRoot::lstat(const std::string& canonical) const {
  std::uint32_t index = 0;
  if (const DeferredFile* f = deferred_ ? deferred_->find(canonical, &index) : nullptr) {
    const EntryMeta* m = meta_of(canonical);
    Stat st;
    st.id = {kDeferredDevice, index};
    st.type = FileType::Regular;
    st.mode = S_IFREG | (m ? m->mode & 07777 : 0644);
    st.uid = m ? m->uid : 0;
    st.gid = m ? m->gid : 0;
    st.size = f->size;
    st.nlink = f->names;
    st.mtime = m ? m->mtime : 0;
    return st;
  }
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

// A deferred file is served from the spill, fetched there first if need be (one pass over its layer):
// callers about to read many say so with prefetch().
int ImageRoot::open_read(const std::string& canonical) const {
  if (deferred_ && deferred_->find(canonical)) return deferred_->open(canonical);
  return dir_->open_read(canonical);
}

std::vector<std::string> ImageRoot::list_dir(const std::string& canonical) const {
  std::vector<std::string> names = dir_->list_dir(canonical);
  if (!deferred_) return names;
  std::vector<std::string> more = deferred_->children(canonical);
  if (more.empty()) return names;
  names.insert(names.end(), more.begin(), more.end());
  std::sort(names.begin(), names.end());
  names.erase(std::unique(names.begin(), names.end()), names.end());
  return names;
}

std::optional<std::string> ImageRoot::known_head(const std::string& canonical) const {
  if (const DeferredFile* f = deferred_ ? deferred_->find(canonical) : nullptr)
    if (f->head.size() == std::min<std::uint64_t>(f->size, kDeferredHead)) return f->head;
  return std::nullopt;
}

void ImageRoot::prefetch(const std::vector<std::string>& canonical) const {
  if (deferred_) deferred_->fetch(canonical);
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

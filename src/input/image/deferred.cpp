// Deferred files (see deferred.hpp): which files are written at once, the table Staging fills, and the
// second pass that writes deferred files into the staging tree when they are read or kept.
#include "input/image/deferred.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <set>

#include "input/image/layer_stream.hpp"
#include "input/image/staging.hpp"
#include "raison/error.hpp"
#include "util/fd.hpp"
#include "util/path.hpp"
#include "util/printable.hpp"

namespace raison {

namespace {

// Opens the directory `canonical` of the staging tree, one component at a time, never following a
// link: the path is canonical (every component a directory of the tree, as the root resolved it).
Fd open_tree_dir(int top, const std::string& canonical) {
  Fd dir(::fcntl(top, F_DUPFD_CLOEXEC, 0));
  if (!dir.valid()) throw_errno("dup");
  for (const auto& c : path_components(canonical)) {
    Fd next(::openat(dir.get(), c.c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC));
    if (!next.valid()) throw_errno(canonical);
    dir = std::move(next);
  }
  return dir;
}

// The sink of the second pass: the entries asked for, by ordinal, written at the paths that name them
// (the first written, the others linked to it); every other entry skipped unread.
class Fetch final : public LayerSink {
 public:
  struct Want {
    std::uint32_t file;
    std::vector<std::string> paths;  // every path that names the file now, sorted
  };
  Fetch(const DeferredTable& table, std::map<std::uint64_t, Want> want, int top,
        const std::map<std::string, EntryMeta>& meta, bool privileged)
      : table_(table), want_(std::move(want)), top_(top), meta_(meta), privileged_(privileged) {}

  void begin_layer(std::uint32_t) override { ordinal_ = 0; }
  void end_layer() override {
    if (!want_.empty())
      throw Error("entry " + std::to_string(want_.begin()->first + 1) + " (" +
                  printable(table_.files[want_.begin()->second.file].name) +
                  ") is no longer in the layer: the image changed since it was read");
  }

  void apply(const LayerEntry& e, EntryData& data) override {
    auto it = want_.find(ordinal_++);
    if (it == want_.end()) return;
    const DeferredFile& f = table_.files[it->second.file];
    if (e.kind != EntryKind::File || e.name != f.name || e.size != f.size)
      throw Error("the image changed since it was read: entry " + std::to_string(it->first + 1) + " was " +
                  printable(f.name) + " of " + std::to_string(f.size) + " bytes");
    const std::vector<std::string>& paths = it->second.paths;
    const std::string& first = paths.front();
    Fd dir = open_tree_dir(top_, parent_path(first));
    const std::string base = base_name(first);
    auto m = meta_.find(first);
    try {
      write_file_entry(dir.get(), base, data, std::nullopt, e.size, m != meta_.end() ? m->second : e.meta, privileged_);
    } catch (const Error& err) {
      throw err.context(first);
    }
    for (std::size_t i = 1; i < paths.size(); ++i) {
      Fd to = open_tree_dir(top_, parent_path(paths[i]));
      if (::linkat(dir.get(), base.c_str(), to.get(), base_name(paths[i]).c_str(), 0) != 0)
        throw_errno("linking " + paths[i] + " to " + first);
    }
    written_.push_back(it->second.file);
    want_.erase(it);
  }

  const std::vector<std::uint32_t>& written() const { return written_; }

 private:
  const DeferredTable& table_;
  std::map<std::uint64_t, Want> want_;
  int top_;
  const std::map<std::string, EntryMeta>& meta_;
  bool privileged_;
  std::uint64_t ordinal_ = 0;
  std::vector<std::uint32_t> written_;
};

}  // namespace

// What the analyzers open, in the order they ask. Anything else they only look up (lstat, list).
bool read_by_analyzers(std::string_view canonical, std::string_view head) {
  // ELF objects (the ELF analyzer, the Python interpreter's layout) and scripts (the shebang).
  if (head.starts_with("\x7f" "ELF") || head.starts_with("#!")) return true;
  // Configuration the loaders, NSS and the package readers read: ld.so.cache and ld.so.conf,
  // nsswitch.conf, musl's path file, os-release, alternatives.
  if (canonical.starts_with("/etc/") || canonical == "/usr/lib/os-release") return true;
  // Package databases: dpkg's status and file lists, apk's installed.
  if (canonical.starts_with("/var/lib/dpkg/") || canonical.starts_with("/lib/apk/db/") ||
      canonical.starts_with("/usr/lib/apk/db/"))
    return true;
  // Python: sources (scanned for imports), path files, distribution metadata (RECORD, top_level.txt,
  // entry points), a virtual environment's configuration.
  const std::string_view base = canonical.substr(canonical.rfind('/') + 1);
  if (base.ends_with(".py") || base.ends_with(".pyw") || base.ends_with(".pth") || base.ends_with("._pth") ||
      base == "pyvenv.cfg")
    return true;
  if (canonical.find(".dist-info/") != std::string_view::npos || canonical.find(".egg-info") != std::string_view::npos)
    return true;
  return false;
}

bool DeferredTable::drop(const std::string& canonical) {
  auto it = paths.find(canonical);
  if (it == paths.end()) return false;
  --files[it->second].names;
  paths.erase(it);
  return true;
}

void DeferredTable::drop_below(const std::string& canonical) {
  const std::string prefix = canonical == "/" ? "/" : canonical + "/";
  for (auto it = paths.lower_bound(prefix); it != paths.end() && it->first.starts_with(prefix);) {
    --files[it->second].names;
    it = paths.erase(it);
  }
}

DeferredFiles::DeferredFiles(DeferredTable table, std::vector<LayerSource> sources, const ImageOpenOptions& options,
                             std::shared_ptr<const void> keep_alive)
    : table_(std::move(table)),
      sources_(std::move(sources)),
      options_(options),
      keep_alive_(std::move(keep_alive)),
      on_disk_(table_.files.size(), false) {
  options_.progress = {};  // the second pass is not "reading layers" again for the user
}

void DeferredFiles::bind(const std::string& staging, std::vector<LayerInfo> measured, bool privileged) {
  staging_ = staging;
  measured_ = std::move(measured);
  privileged_ = privileged;
}

const DeferredFile* DeferredFiles::find(const std::string& canonical, std::uint32_t* index) const {
  auto it = table_.paths.find(canonical);
  if (it == table_.paths.end()) return nullptr;
  if (index) *index = it->second;
  return &table_.files[it->second];
}

std::vector<std::string> DeferredFiles::children(const std::string& canonical) const {
  std::vector<std::string> out;
  const std::string prefix = canonical == "/" ? "/" : canonical + "/";
  for (auto it = table_.paths.lower_bound(prefix); it != table_.paths.end() && it->first.starts_with(prefix); ++it) {
    const std::string_view rest = std::string_view(it->first).substr(prefix.size());
    if (rest.find('/') == std::string_view::npos) out.emplace_back(rest);
  }
  return out;
}

void DeferredFiles::fetch(const std::vector<std::string>& canonical, const std::map<std::string, EntryMeta>& meta) const {
  std::lock_guard lock(mutex_);
  // layer -> entry ordinal -> the file and its paths
  std::map<std::uint32_t, std::map<std::uint64_t, Fetch::Want>> plan;
  std::set<std::uint32_t> files;
  for (const auto& c : canonical) {
    auto it = table_.paths.find(c);
    if (it == table_.paths.end() || on_disk_[it->second]) continue;
    files.insert(it->second);
  }
  if (files.empty()) return;
  for (std::uint32_t i : files) {
    const DeferredFile& f = table_.files[i];
    plan[f.layer][f.entry].file = i;
  }
  for (const auto& [path, i] : table_.paths)
    if (files.count(i)) plan[table_.files[i].layer][table_.files[i].entry].paths.push_back(path);

  Fd top(::open(staging_.c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC));
  if (!top.valid()) throw_errno(staging_);
  for (auto& [layer, want] : plan) {
    const LayerSource& source = sources_[layer];
    try {
      Fetch sink(table_, std::move(want), top.get(), meta, privileged_);
      std::unique_ptr<ByteSource> src = source.open();
      LayerBudget budget{.layers = sources_.size()};
      const LayerDigests got = stream_layer(*src, layer, options_, budget, sink);
      if (got.digest != measured_[layer].digest || got.diff_id != measured_[layer].diff_id)
        throw Error("the image changed since it was read: the layer now hashes to " + got.digest + ", it was " +
                    measured_[layer].digest);
      for (std::uint32_t i : sink.written()) on_disk_[i] = true;
      ++passes_;
      fetched_ += sink.written().size();
    } catch (const Error& e) {
      throw e.context("reading files again from " + source.label);
    }
  }
}

std::uint64_t DeferredFiles::passes() const {
  std::lock_guard lock(mutex_);
  return passes_;
}

std::uint64_t DeferredFiles::fetched() const {
  std::lock_guard lock(mutex_);
  return fetched_;
}

}  // namespace raison

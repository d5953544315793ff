// Deferred files (see deferred.hpp): which files are written at once, the table Staging fills, and the
// second pass that writes deferred files into the staging tree when they are read or kept.
#include "input/image/deferred.hpp"

#include <fcntl.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <sys/sendfile.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>

#include "input/image/layer_stream.hpp"
#include "input/image/staging.hpp"
#include "raison/error.hpp"
#include "util/fd.hpp"
#include "util/path.hpp"
#include "util/printable.hpp"

namespace raison {

namespace {

constexpr std::uint64_t kSpillAlign = 4096;  // a file's data from a block boundary: its holes stay holes
// A file read back larger than this is copied to an unnamed file beside the spill rather than to
// memory: an ELF reader reads a few KiB of a 1 GiB library, which must not cost 1 GiB of RAM.
constexpr std::uint64_t kMaxMemoryCopy = 16u << 20;

// The sink of the second pass: the entries asked for, by ordinal, appended to the spill; every other
// entry skipped unread.
class Fetch final : public LayerSink {
 public:
  Fetch(const DeferredTable& table, std::map<std::uint64_t, std::uint32_t> want, std::vector<std::uint64_t>& spilled)
      : table_(table), want_(std::move(want)), spilled_(spilled) {}

  void begin_layer(std::uint32_t) override { ordinal_ = 0; }
  void end_layer() override {
    if (!want_.empty())
      throw Error("entry " + std::to_string(want_.begin()->first + 1) + " (" +
                  printable(table_.files[want_.begin()->second].name) +
                  ") is no longer in the layer: the image changed since it was read");
  }

  void apply(const LayerEntry& e, EntryData& data) override {
    auto it = want_.find(ordinal_++);
    if (it == want_.end()) return;
    const DeferredFile& f = table_.files[it->second];
    if (e.kind != EntryKind::File || e.name != f.name || e.size != f.size)
      throw Error("the image changed since it was read: entry " + std::to_string(it->first + 1) + " was " +
                  printable(f.name) + " of " + std::to_string(f.size) + " bytes");
    spilled_[it->second] = table_.spill->append(data, std::nullopt, e.size);
    ++written_;
    want_.erase(it);
  }

  std::uint64_t written() const { return written_; }

 private:
  const DeferredTable& table_;
  std::map<std::uint64_t, std::uint32_t> want_;  // entry ordinal -> file
  std::vector<std::uint64_t>& spilled_;
  std::uint64_t ordinal_ = 0;
  std::uint64_t written_ = 0;
};

void pwrite_all(int fd, const void* buf, std::size_t len, std::uint64_t offset) {
  const char* p = static_cast<const char*>(buf);
  while (len > 0) {
    ssize_t n = ::pwrite(fd, p, len, static_cast<off_t>(offset));
    if (n < 0) {
      if (errno == EINTR) continue;
      throw_errno("writing the spill file");
    }
    p += n;
    len -= static_cast<std::size_t>(n);
    offset += static_cast<std::uint64_t>(n);
  }
}

}  // namespace

namespace {

// An unnamed file in `dir`, so the tree never shows it and it goes with its last descriptor; a
// filesystem without O_TMPFILE gets a private name that is removed at once.
Fd unnamed_file(const std::string& dir) {
  Fd fd(::open(dir.c_str(), O_TMPFILE | O_RDWR | O_CLOEXEC, S_IRUSR | S_IWUSR));
  if (!fd.valid() && (errno == EOPNOTSUPP || errno == EISDIR || errno == EINVAL)) {
    std::string path = dir + "/.raison-XXXXXX";
    fd.reset(::mkostemp(path.data(), O_CLOEXEC));  // mode 0600
    if (fd.valid() && ::unlink(path.c_str()) != 0) throw_errno(path);
  }
  if (!fd.valid()) throw_errno("creating a temporary file in " + dir);
  return fd;
}

}  // namespace

Spill::Spill(const std::string& dir) : dir_(dir), fd_(unnamed_file(dir)) {}

std::uint64_t Spill::append(EntryData& data, const std::optional<EntryData::Block>& first, std::uint64_t size) {
  const std::uint64_t at = end_;
  // The next file starts past this one's declared size (its data never passes it) even if this one
  // fails half-way: its holes must not show what a failed append left.
  end_ = at + (size + kSpillAlign - 1) / kSpillAlign * kSpillAlign;
  if (first) pwrite_all(fd_.get(), first->data, first->size, at + first->offset);
  while (std::optional<EntryData::Block> b = data.next()) pwrite_all(fd_.get(), b->data, b->size, at + b->offset);
  return at;
}

int Spill::open_copy(std::uint64_t offset, std::uint64_t size, const std::string& name) const {
  const bool in_memory = size <= kMaxMemoryCopy;
  Fd copy(in_memory ? ::memfd_create("raison-file", MFD_CLOEXEC | MFD_ALLOW_SEALING) : -1);
  if (in_memory && !copy.valid()) throw_errno(name + ": memfd_create");
  if (!in_memory) copy = unnamed_file(dir_);
  if (::ftruncate(copy.get(), static_cast<off_t>(size)) != 0) throw_errno(name + ": sizing its copy");
  // The data ranges only (SEEK_DATA/SEEK_HOLE take and give positions; the shared file offset they
  // move is never used): a hole, and the spill's end, read as the zeros the memfd already holds.
  const std::uint64_t end = offset + size;
  for (std::uint64_t pos = offset; pos < end;) {
    const off_t data = ::lseek(fd_.get(), static_cast<off_t>(pos), SEEK_DATA);
    if (data < 0 && errno == ENXIO) break;
    if (data < 0) throw_errno(name + ": reading the spill file");
    if (std::uint64_t(data) >= end) break;
    const off_t hole = ::lseek(fd_.get(), data, SEEK_HOLE);
    if (hole < 0) throw_errno(name + ": reading the spill file");
    const std::uint64_t stop = std::min<std::uint64_t>(std::uint64_t(hole), end);
    if (::lseek(copy.get(), data - static_cast<off_t>(offset), SEEK_SET) < 0) throw_errno(name + ": seeking its copy");
    for (off_t in = data; std::uint64_t(in) < stop;) {
      const ssize_t n = ::sendfile(copy.get(), fd_.get(), &in, stop - std::uint64_t(in));
      if (n < 0 && errno == EINTR) continue;
      if (n < 0) throw_errno(name + ": copying from the spill file");
      if (n == 0) break;  // the spill ends inside the range: zeros from here
    }
    pos = stop;
  }
  if (in_memory && ::fcntl(copy.get(), F_ADD_SEALS, F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_WRITE | F_SEAL_SEAL) != 0)
    throw_errno(name + ": sealing its copy");
  if (::lseek(copy.get(), 0, SEEK_SET) != 0) throw_errno(name + ": seeking its copy");
  return copy.release();
}

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
      keep_alive_(std::move(keep_alive)) {
  spilled_.reserve(table_.files.size());
  for (const auto& f : table_.files) {
    spilled_.push_back(f.spill);
    in_layers_ += f.spill == DeferredFile::kNotSpilled;
  }
  options_.progress = {};  // the second pass is not "reading layers" again for the user
}

void DeferredFiles::bind(std::vector<LayerInfo> measured) { measured_ = std::move(measured); }

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

void DeferredFiles::fetch(const std::vector<std::string>& canonical) const {
  std::lock_guard lock(mutex_);
  // layer -> entry ordinal -> file
  std::map<std::uint32_t, std::map<std::uint64_t, std::uint32_t>> plan;
  for (const auto& c : canonical) {
    auto it = table_.paths.find(c);
    if (it == table_.paths.end() || spilled_[it->second] != DeferredFile::kNotSpilled) continue;
    const DeferredFile& f = table_.files[it->second];
    plan[f.layer][f.entry] = it->second;
  }
  for (auto& [layer, want] : plan) {
    const LayerSource& source = sources_[layer];
    try {
      Fetch sink(table_, std::move(want), spilled_);
      std::unique_ptr<ByteSource> src = source.open();
      LayerBudget budget{.layers = sources_.size()};
      const LayerDigests got = stream_layer(*src, layer, options_, budget, sink);
      if (got.digest != measured_[layer].digest || got.diff_id != measured_[layer].diff_id)
        throw Error("the image changed since it was read: the layer now hashes to " + got.digest + ", it was " +
                    measured_[layer].digest);
      ++passes_;
      fetched_ += sink.written();
    } catch (const Error& e) {
      throw e.context("reading files again from " + source.label);
    }
  }
}

int DeferredFiles::open(const std::string& canonical) const {
  std::uint32_t index = 0;
  const DeferredFile* f = find(canonical, &index);
  if (!f) throw Error(canonical + ": not a file of the image");
  fetch({canonical});
  std::uint64_t at = 0;
  {
    std::lock_guard lock(mutex_);
    at = spilled_[index];
  }
  return table_.spill->open_copy(at, f->size, canonical);
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

// ElfCache (see elf_cache.hpp).
#include "analyzers/elf/elf_cache.hpp"

#include <sys/stat.h>

#include "raison/error.hpp"
#include "util/fd.hpp"

namespace raison::elf {

ElfCache::ElfCache(ElfReaderKind reader) : reader_(reader) {
  if (reader_ == ElfReaderKind::Lief) (void)lief_reader();
}

const ElfInfo* ElfCache::get(Context& ctx, const std::string& canonical, const Stat& stat) {
  if (auto it = cache_.find(stat.id); it != cache_.end()) return it->second.get();
  std::unique_ptr<ElfInfo> info;
  // An image's file still in its layer: its recorded first bytes say it is not ELF.
  if (const auto known = ctx.root.known_head(canonical); known && !known->starts_with("\x7f" "ELF"))
    return cache_.emplace(stat.id, nullptr).first->second.get();
  try {
    auto here = [&] {
      Fd f(ctx.root.open_read(canonical));
      return read_elf(f.get(), stat.size, reader_);
    };
    std::optional<ElfInfo> e = ahead_ ? ahead_->take(canonical, here) : here();
    if (e) info = std::make_unique<ElfInfo>(std::move(*e));
  } catch (const Error& e) {
    // One bad file is one diagnostic; the loader goes on as glibc's does past a file it cannot use.
    ctx.diagnose(Diagnostic::Severity::Error, Diagnostic::Code::Unreadable, canonical, std::string("cannot read ELF: ") + e.what());
  }
  return cache_.emplace(stat.id, std::move(info)).first->second.get();
}

void ElfCache::hint(Context& ctx, const std::string& canonical, const Stat& stat) {
  // The LIEF reader is not known to be safe on two threads at once; it stays on this one.
  if (reader_ != ElfReaderKind::Direct || cache_.count(stat.id)) return;
  if (const auto known = ctx.root.known_head(canonical); known && !known->starts_with("\x7f" "ELF")) return;
  if (!ahead_) {
    const Root& root = ctx.root;
    ahead_ = std::make_unique<Ahead<std::optional<ElfInfo>>>([&root](const std::string& path) {
      Fd f(root.open_read(path));
      struct stat st;
      if (::fstat(f.get(), &st) != 0) throw_errno(path);
      return read_elf(f.get(), static_cast<std::uint64_t>(st.st_size), ElfReaderKind::Direct);
    });
  }
  ahead_->hint(canonical);
}

const ElfInfo* ElfCache::get(Context& ctx, Graph::Vertex v) {
  const FileNode& n = ctx.graph().node(v);
  if (n.stat.type != FileType::Regular) return nullptr;
  return get(ctx, n.path, n.stat);
}

const std::vector<std::string>& ElfCache::rodata_identifiers(Context& ctx, Graph::Vertex v) {
  const FileNode& n = ctx.graph().node(v);
  if (auto it = identifiers_.find(n.stat.id); it != identifiers_.end()) return it->second;
  std::vector<std::string> out;
  if (n.stat.type == FileType::Regular) {
    try {
      Fd f(ctx.root.open_read(n.path));
      out = read_rodata_identifiers(f.get(), n.stat.size);
    } catch (const Error& e) {
      ctx.diagnose(Diagnostic::Severity::Error, Diagnostic::Code::Unreadable, n.path, std::string("cannot read ELF strings: ") + e.what());
    }
  }
  return identifiers_.emplace(n.stat.id, std::move(out)).first->second;
}

}  // namespace raison::elf

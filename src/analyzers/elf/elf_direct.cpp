// Our own ELF reader: a few preads of just what the dynamic loader reads (ELF header, program headers,
// PT_INTERP, PT_DYNAMIC and the strings it names) plus the FDO notes. Any class and byte order.
// Every offset and size comes from untrusted bytes: each region is checked against the file size, with
// overflow-safe arithmetic, before it is read.
#include <elf.h>
#include <fmt/format.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <bit>
#include <cerrno>
#include <cstddef>
#include <cstring>
#include <set>

#include "analyzers/elf/elf_file.hpp"
#include "raison/error.hpp"

namespace raison::elf {
namespace {

// PT_INTERP longer than this is refused by the kernel (fs/binfmt_elf.c: p_filesz > PATH_MAX).
constexpr std::uint64_t kMaxInterp = 4096;
// Note regions are a few hundred bytes; a bigger one is a corrupt header, not notes worth reading.
constexpr std::uint64_t kMaxNoteRegion = 16 << 20;
// e_shnum == 0 means "the count is in section 0's sh_size"; more than this is not a real file.
constexpr std::uint64_t kMaxSections = 1 << 20;
// PT_DYNAMIC is read in chunks of this many entries until DT_NULL, so a huge p_filesz costs nothing.
constexpr std::uint64_t kDynChunk = 64;
// Read-only data read for module names: more than this in one file is not an extension module.
constexpr std::uint64_t kMaxRodata = 64 << 20;
// Section names longer than this are not ".rodata"; strings longer than this name no module.
constexpr std::uint64_t kMaxSectionName = 64;
constexpr std::size_t kMaxIdentifier = 200;
// The first bytes of a file read at once (File::read_head).
constexpr std::uint64_t kHeadSize = 4 << 10;

// Where each field sits in one ELF class, taken from <elf.h> so no offset is written by hand.
struct Layout {
  bool is64;
  std::size_t ehdr_size, e_phoff, e_shoff, e_phentsize, e_phnum, e_shentsize, e_shnum, e_shstrndx;
  std::size_t phdr_size, p_type, p_offset, p_vaddr, p_filesz, p_align;
  std::size_t shdr_size, sh_name, sh_type, sh_offset, sh_size, sh_addralign;
  std::size_t dyn_size;
};

template <class Ehdr, class Phdr, class Shdr, class Dyn>
constexpr Layout layout_of(bool is64) {
  return {is64,
          sizeof(Ehdr),
          offsetof(Ehdr, e_phoff),
          offsetof(Ehdr, e_shoff),
          offsetof(Ehdr, e_phentsize),
          offsetof(Ehdr, e_phnum),
          offsetof(Ehdr, e_shentsize),
          offsetof(Ehdr, e_shnum),
          offsetof(Ehdr, e_shstrndx),
          sizeof(Phdr),
          offsetof(Phdr, p_type),
          offsetof(Phdr, p_offset),
          offsetof(Phdr, p_vaddr),
          offsetof(Phdr, p_filesz),
          offsetof(Phdr, p_align),
          sizeof(Shdr),
          offsetof(Shdr, sh_name),
          offsetof(Shdr, sh_type),
          offsetof(Shdr, sh_offset),
          offsetof(Shdr, sh_size),
          offsetof(Shdr, sh_addralign),
          sizeof(Dyn)};
}
constexpr Layout kLayout32 = layout_of<Elf32_Ehdr, Elf32_Phdr, Elf32_Shdr, Elf32_Dyn>(false);
constexpr Layout kLayout64 = layout_of<Elf64_Ehdr, Elf64_Phdr, Elf64_Shdr, Elf64_Dyn>(true);

// Integers in the file's byte order; word() is an address, offset or size of the file's class.
// Loaded whole and swapped when the file's order is not the host's: every field of every section
// header passes here, and a loop over bytes was a tenth of the time of a closure.
struct Decoder {
  bool big_endian;
  bool is64;
  template <class T>
  T load(const std::uint8_t* p) const {
    T v;
    std::memcpy(&v, p, sizeof v);
    if (big_endian != (std::endian::native == std::endian::big)) {
      if constexpr (sizeof v == 2) v = __builtin_bswap16(v);
      if constexpr (sizeof v == 4) v = __builtin_bswap32(v);
      if constexpr (sizeof v == 8) v = __builtin_bswap64(v);
    }
    return v;
  }
  std::uint16_t u16(const std::uint8_t* p) const { return load<std::uint16_t>(p); }
  std::uint32_t u32(const std::uint8_t* p) const { return load<std::uint32_t>(p); }
  std::uint64_t word(const std::uint8_t* p) const { return is64 ? load<std::uint64_t>(p) : load<std::uint32_t>(p); }
};

using Bytes = std::vector<std::uint8_t>;

class File {
 public:
  File(int fd, std::uint64_t size) : fd_(fd), size_(size) {}
  std::uint64_t size() const { return size_; }

  // Throws unless [offset, offset + len) lies inside the file. `what` is plural ("program headers").
  void check(const char* what, std::uint64_t offset, std::uint64_t len) const {
    std::uint64_t end;
    if (__builtin_add_overflow(offset, len, &end)) {
      throw Error(fmt::format("malformed ELF: {} at {:#x} with size {:#x} overflow", what, offset, len));
    }
    if (end > size_) {
      throw Error(fmt::format("truncated ELF: {} end at {:#x} past the file size {:#x}", what, end, size_));
    }
  }

  Bytes read(const char* what, std::uint64_t offset, std::uint64_t len) const {
    check(what, offset, len);
    if (!head_read_) read_head();
    if (offset + len <= head_size_) return Bytes(head_.data() + offset, head_.data() + offset + len);
    Bytes buf(len);
    std::uint64_t done = 0;
    while (done < len) {
      ssize_t n = ::pread(fd_, buf.data() + done, len - done, static_cast<off_t>(offset + done));
      if (n < 0 && errno == EINTR) continue;
      if (n < 0) throw_errno(fmt::format("reading {} at {:#x}", what, offset + done));
      if (n == 0) throw Error(fmt::format("file shrank while reading {} at {:#x}", what, offset + done));
      done += static_cast<std::uint64_t>(n);
    }
    return buf;
  }

 private:
  // The first bytes of the file, read once: the ELF header, the program headers, PT_INTERP and the
  // notes lie there in most files (often the dynamic strings too), so they cost one pread instead of
  // one each. Whatever the head does not hold (it may be short if the read failed or the file
  // shrank) is read as before, with the same errors.
  void read_head() const {
    head_read_ = true;
    const std::size_t want = std::min<std::uint64_t>(size_, kHeadSize);
    ssize_t n;
    do n = ::pread(fd_, head_.data(), want, 0);
    while (n < 0 && errno == EINTR);
    head_size_ = n < 0 ? 0 : static_cast<std::size_t>(n);
  }

  int fd_;
  std::uint64_t size_;
  mutable bool head_read_ = false;
  // In the object (on the stack), not zeroed: only what pread fills is used. A 4 KiB allocation per
  // file made malloc consolidate its free lists each time.
  mutable std::array<std::uint8_t, kHeadSize> head_;
  mutable std::size_t head_size_ = 0;
};

struct Segment {
  std::uint32_t type;
  std::uint64_t offset, vaddr, filesz, align;
};

std::vector<Segment> read_segments(const File& file, const Decoder& d, const Layout& l, const Bytes& ehdr) {
  std::uint64_t phoff = d.word(&ehdr[l.e_phoff]);
  std::uint16_t phentsize = d.u16(&ehdr[l.e_phentsize]);
  std::uint16_t phnum = d.u16(&ehdr[l.e_phnum]);  // at most 65535 by its width
  if (phnum == 0) return {};
  if (phentsize < l.phdr_size) {
    throw Error(fmt::format("malformed ELF: e_phentsize {} is smaller than a program header ({})", phentsize,
                            l.phdr_size));
  }
  Bytes table = file.read("program headers", phoff, std::uint64_t{phnum} * phentsize);
  std::vector<Segment> segments;
  segments.reserve(phnum);
  for (std::size_t i = 0; i < phnum; ++i) {
    const std::uint8_t* p = &table[i * phentsize];
    segments.push_back({d.u32(p + l.p_type), d.word(p + l.p_offset), d.word(p + l.p_vaddr),
                        d.word(p + l.p_filesz), d.word(p + l.p_align)});
  }
  return segments;
}

std::string read_interp(const File& file, const Segment& seg) {
  if (seg.filesz > kMaxInterp) {
    throw Error(fmt::format("malformed ELF: PT_INTERP of {:#x} bytes is longer than PATH_MAX", seg.filesz));
  }
  Bytes bytes = file.read("PT_INTERP contents", seg.offset, seg.filesz);
  std::string s(bytes.begin(), bytes.end());
  return s.substr(0, s.find('\0'));
}

// DT_STRTAB holds a virtual address; the loader reads it in memory, we find the PT_LOAD that maps it.
std::uint64_t vaddr_to_offset(const std::vector<Segment>& segments, std::uint64_t vaddr) {
  for (const Segment& s : segments) {
    if (s.type == PT_LOAD && vaddr >= s.vaddr && vaddr - s.vaddr < s.filesz) {
      std::uint64_t offset;
      if (!__builtin_add_overflow(s.offset, vaddr - s.vaddr, &offset)) return offset;
    }
  }
  throw Error(
      fmt::format("malformed ELF: DT_STRTAB address {:#x} is in no PT_LOAD segment's file contents", vaddr));
}

// The dynamic string table, read lazily through one cached window so that the few strings a file names
// usually cost one pread together.
class StringTable {
 public:
  StringTable(const File& file, std::uint64_t offset, std::uint64_t size)
      : file_(file), offset_(offset), size_(size) {}

  std::string at(const char* tag, std::uint64_t index) {
    if (index >= size_) {
      throw Error(
          fmt::format("malformed ELF: {} string offset {:#x} is outside DT_STRSZ {:#x}", tag, index, size_));
    }
    for (std::uint64_t want = 4096;; want *= 4) {
      if (index >= window_start_ && index < window_start_ + window_.size()) {
        auto begin = window_.begin() + static_cast<std::ptrdiff_t>(index - window_start_);
        auto nul = std::find(begin, window_.end(), std::uint8_t{0});
        if (nul != window_.end()) return std::string(begin, nul);
        if (window_start_ + window_.size() == size_) {
          throw Error(fmt::format("malformed ELF: {} string at {:#x} is not NUL-terminated within DT_STRSZ",
                                  tag, index));
        }
      }
      window_start_ = index;
      window_ = file_.read("dynamic strings", offset_ + index, std::min(want, size_ - index));
    }
  }

 private:
  const File& file_;
  std::uint64_t offset_, size_;
  std::uint64_t window_start_ = 0;
  Bytes window_;
};

void read_dynamic(const File& file, const Decoder& d, const Layout& l, const std::vector<Segment>& segments,
                  const Segment& dyn, ElfInfo& info) {
  // Collect the entries up to DT_NULL first: DT_STRTAB may come after the DT_NEEDED that use it.
  std::vector<std::pair<std::uint64_t, std::uint64_t>> entries;
  std::uint64_t count = dyn.filesz / l.dyn_size;
  bool ended = false;
  for (std::uint64_t first = 0; first < count && !ended; first += kDynChunk) {
    std::uint64_t n = std::min(kDynChunk, count - first);
    Bytes chunk = file.read("PT_DYNAMIC entries", dyn.offset + first * l.dyn_size, n * l.dyn_size);
    for (std::uint64_t i = 0; i < n; ++i) {
      const std::uint8_t* p = &chunk[i * l.dyn_size];
      std::uint64_t tag = d.word(p);
      if (tag == DT_NULL) {
        ended = true;
        break;
      }
      entries.emplace_back(tag, d.word(p + (l.is64 ? 8 : 4)));
    }
  }

  // For single-valued tags the last entry wins, as in glibc's elf_get_dynamic_info.
  std::optional<std::uint64_t> strtab, strsz, soname, rpath, runpath;
  std::vector<std::uint64_t> needed;
  for (auto [tag, value] : entries) {
    switch (tag) {
      case DT_NEEDED: needed.push_back(value); break;
      case DT_SONAME: soname = value; break;
      case DT_RPATH: rpath = value; break;
      case DT_RUNPATH: runpath = value; break;
      case DT_STRTAB: strtab = value; break;
      case DT_STRSZ: strsz = value; break;
      case DT_FLAGS: info.flags = value; break;
      case DT_FLAGS_1: info.flags_1 = value; break;
      default: break;
    }
  }
  if (needed.empty() && !soname && !rpath && !runpath) return;
  if (!strtab) throw Error("malformed ELF: dynamic section names strings but has no DT_STRTAB");
  std::uint64_t offset = vaddr_to_offset(segments, *strtab);
  file.check("dynamic strings", offset, 1);
  std::uint64_t size = std::min(strsz.value_or(file.size() - offset), file.size() - offset);
  StringTable strings(file, offset, size);
  for (std::uint64_t index : needed) info.needed.push_back(strings.at("DT_NEEDED", index));
  if (soname) info.soname = strings.at("DT_SONAME", *soname);
  if (rpath) info.rpath = strings.at("DT_RPATH", *rpath);
  if (runpath) info.runpath = strings.at("DT_RUNPATH", *runpath);
}

// Walks the notes of one PT_NOTE segment or SHT_NOTE section, keeping owner "FDO" notes not seen yet.
class NoteCollector {
 public:
  NoteCollector(const File& file, const Decoder& d, std::vector<Note>& out) : file_(file), d_(d), out_(out) {}

  void region(const char* what, std::uint64_t offset, std::uint64_t size, std::uint64_t align) {
    if (size == 0) return;
    // Like glibc (elf/dl-load.c), only 4- and 8-byte note layouts exist; other alignments mean 4.
    std::uint64_t a = align == 8 ? 8 : 4;
    // A section inside a region already walked, starting on one of its notes with the same layout, holds
    // the same notes: skip re-reading it (the usual case: SHT_NOTE sections inside PT_NOTE segments).
    for (const Walked& w : walked_) {
      if (w.align == a && offset >= w.offset && offset - w.offset <= w.size &&
          size <= w.size - (offset - w.offset) && starts_.count(offset) != 0) {
        return;
      }
    }
    if (size > kMaxNoteRegion) {
      throw Error(
          fmt::format("malformed ELF: {} of {:#x} bytes is larger than any real note region", what, size));
    }
    auto align_up = [a](std::uint64_t v) { return (v + a - 1) & ~(a - 1); };
    Bytes bytes = file_.read(what, offset, size);
    std::uint64_t pos = 0;
    // Fewer bytes left than a note header is padding: glibc stops there too.
    while (size - pos >= 12) {
      starts_.insert(offset + pos);
      std::uint32_t namesz = d_.u32(&bytes[pos]);
      std::uint32_t descsz = d_.u32(&bytes[pos + 4]);
      std::uint32_t type = d_.u32(&bytes[pos + 8]);
      // 32-bit sizes plus padding cannot overflow 64 bits.
      std::uint64_t desc_pos = align_up(pos + 12 + namesz);
      std::uint64_t next = align_up(desc_pos + descsz);
      if (desc_pos + descsz > size) {
        throw Error(fmt::format("truncated ELF: note at {:#x} ends past its {} at {:#x}", offset + pos, what,
                                offset + size));
      }
      std::string owner(bytes.begin() + static_cast<std::ptrdiff_t>(pos + 12),
                        bytes.begin() + static_cast<std::ptrdiff_t>(pos + 12 + namesz));
      owner = owner.substr(0, owner.find('\0'));
      if (owner == "FDO" && seen_.insert(offset + pos).second) {
        out_.push_back({owner, type,
                        std::string(bytes.begin() + static_cast<std::ptrdiff_t>(desc_pos),
                                    bytes.begin() + static_cast<std::ptrdiff_t>(desc_pos + descsz))});
      }
      if (next >= size) break;
      pos = next;
    }
    walked_.push_back({offset, size, a});
  }

 private:
  const File& file_;
  const Decoder& d_;
  std::vector<Note>& out_;
  struct Walked {
    std::uint64_t offset, size, align;
  };
  std::vector<Walked> walked_;      // regions fully walked
  std::set<std::uint64_t> starts_;  // file offsets of every note header walked
  std::set<std::uint64_t> seen_;    // file offsets of the notes kept
};

struct Section {
  std::uint32_t name;  // offset in the section-name string table
  std::uint32_t type;
  std::uint64_t offset, size, align;
};

// The section header table; empty when the file has none (sstrip'ed files keep only segments).
std::vector<Section> read_sections(const File& file, const Decoder& d, const Layout& l, const Bytes& ehdr) {
  std::uint64_t shoff = d.word(&ehdr[l.e_shoff]);
  std::uint16_t shentsize = d.u16(&ehdr[l.e_shentsize]);
  std::uint64_t shnum = d.u16(&ehdr[l.e_shnum]);
  if (shoff == 0) return {};
  if (shentsize < l.shdr_size) {
    throw Error(fmt::format("malformed ELF: e_shentsize {} is smaller than a section header ({})", shentsize,
                            l.shdr_size));
  }
  if (shnum == 0) {
    shnum = d.word(&file.read("section headers", shoff, l.shdr_size)[l.sh_size]);
    if (shnum > kMaxSections) throw Error(fmt::format("malformed ELF: {:#x} section headers", shnum));
  }
  Bytes table = file.read("section headers", shoff, shnum * shentsize);
  std::vector<Section> out;
  out.reserve(shnum);
  for (std::uint64_t i = 0; i < shnum; ++i) {
    const std::uint8_t* p = &table[i * shentsize];
    out.push_back({d.u32(p + l.sh_name), d.u32(p + l.sh_type), d.word(p + l.sh_offset), d.word(p + l.sh_size),
                   d.word(p + l.sh_addralign)});
  }
  return out;
}

void read_section_notes(const File& file, const Decoder& d, const Layout& l, const Bytes& ehdr,
                        NoteCollector& notes) {
  for (const Section& s : read_sections(file, d, l, ehdr))
    if (s.type == SHT_NOTE) notes.region("SHT_NOTE section", s.offset, s.size, s.align);
}

// A header of either class, in its byte order: the start of both readers.
struct Header {
  Bytes ehdr;
  const Layout* layout;
  Decoder decoder;
};
std::optional<Header> read_header(const File& file, ElfInfo* info) {
  // One read covers the identification and the header of either class.
  Bytes ehdr = file.read("ELF header bytes", 0, std::min<std::uint64_t>(file.size(), sizeof(Elf64_Ehdr)));
  if (!has_elf_magic(std::string_view(reinterpret_cast<const char*>(ehdr.data()), ehdr.size()))) return std::nullopt;
  file.check("ELF identification bytes", 0, EI_NIDENT);
  std::uint8_t elf_class = ehdr[EI_CLASS], data = ehdr[EI_DATA];
  if (elf_class != ELFCLASS32 && elf_class != ELFCLASS64) throw Error(fmt::format("malformed ELF: unknown class {}", elf_class));
  if (data != ELFDATA2LSB && data != ELFDATA2MSB) throw Error(fmt::format("malformed ELF: unknown data encoding {}", data));
  const Layout& l = elf_class == ELFCLASS64 ? kLayout64 : kLayout32;
  file.check("ELF header bytes", 0, l.ehdr_size);
  if (info) {
    info->elf_class = elf_class;
    info->data = data;
    info->osabi = ehdr[EI_OSABI];
  }
  return Header{std::move(ehdr), &l, Decoder{data == ELFDATA2MSB, l.is64}};
}

// A string of read-only data that may name a Python module: identifiers joined by dots.
bool is_dotted_identifier(std::string_view s) {
  if (s.empty() || s.size() > kMaxIdentifier) return false;
  bool start = true;
  for (char c : s) {
    bool alpha = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
    bool digit = c >= '0' && c <= '9';
    if (c == '.') {
      if (start) return false;
      start = true;
    } else if (alpha || (digit && !start)) {
      start = false;
    } else {
      return false;
    }
  }
  return !start;
}

}  // namespace

std::optional<ElfInfo> read_elf_direct(int fd, std::uint64_t size) {
  File file(fd, size);
  ElfInfo info;
  auto header = read_header(file, &info);
  if (!header) return std::nullopt;
  const Bytes& ehdr = header->ehdr;
  const Layout& l = *header->layout;
  const Decoder& d = header->decoder;
  info.type = d.u16(&ehdr[offsetof(Elf64_Ehdr, e_type)]);  // same place in both classes
  info.machine = d.u16(&ehdr[offsetof(Elf64_Ehdr, e_machine)]);

  std::vector<Segment> segments = read_segments(file, d, l, ehdr);
  NoteCollector notes(file, d, info.notes);
  const Segment* dynamic = nullptr;
  bool have_interp = false;
  for (const Segment& s : segments) {
    // The first PT_INTERP and PT_DYNAMIC count, as in the kernel and glibc.
    if (s.type == PT_INTERP && !have_interp) {
      info.interp = read_interp(file, s);
      have_interp = true;
    } else if (s.type == PT_DYNAMIC && dynamic == nullptr) {
      dynamic = &s;
    } else if (s.type == PT_NOTE) {
      notes.region("PT_NOTE segment", s.offset, s.filesz, s.align);
    }
  }
  if (dynamic != nullptr) {
    info.has_dynamic = true;
    read_dynamic(file, d, l, segments, *dynamic, info);
  }
  read_section_notes(file, d, l, ehdr, notes);
  return info;
}

}  // namespace raison::elf

namespace raison::elf {

std::vector<std::string> read_rodata_identifiers(int fd, std::uint64_t size) {
  File file(fd, size);
  auto header = read_header(file, nullptr);
  if (!header) return {};
  const Layout& l = *header->layout;
  const Decoder& d = header->decoder;
  std::vector<Section> sections = read_sections(file, d, l, header->ehdr);
  std::uint16_t shstrndx = d.u16(&header->ehdr[l.e_shstrndx]);
  if (sections.empty() || shstrndx >= sections.size()) return {};
  const Section& names = sections[shstrndx];
  std::set<std::string> out;
  std::uint64_t total = 0;
  for (const Section& s : sections) {
    if (s.type != SHT_PROGBITS || s.name >= names.size) continue;
    Bytes name = file.read("a section name", names.offset + s.name, std::min(kMaxSectionName, names.size - s.name));
    std::string n(name.begin(), std::find(name.begin(), name.end(), std::uint8_t{0}));
    if (n != ".rodata" && n.rfind(".rodata.", 0) != 0) continue;
    if (__builtin_add_overflow(total, s.size, &total) || total > kMaxRodata)
      throw Error(fmt::format("malformed ELF: more than {:#x} bytes of .rodata", kMaxRodata));
    Bytes bytes = file.read(".rodata", s.offset, s.size);
    for (auto begin = bytes.begin(); begin != bytes.end();) {
      auto nul = std::find(begin, bytes.end(), std::uint8_t{0});
      std::string_view str(reinterpret_cast<const char*>(&*begin), static_cast<std::size_t>(nul - begin));
      if (nul != bytes.end() && is_dotted_identifier(str)) out.emplace(str);  // NUL-terminated only
      begin = nul == bytes.end() ? nul : nul + 1;
    }
  }
  return {out.begin(), out.end()};
}

}  // namespace raison::elf

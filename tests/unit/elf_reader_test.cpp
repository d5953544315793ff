// The two ELF readers (our pread reader and LIEF) on real files of this machine, on files gcc builds at
// test time, on hand-written big-endian files, and on truncated and mutated bytes.
#include <doctest/doctest.h>
#include <elf.h>
#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <unistd.h>

#include <algorithm>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <random>
#include <sstream>

#include "analyzers/elf/elf_file.hpp"
#include "raison/error.hpp"
#include "readelf_oracle.hpp"
#include "test_util.hpp"

namespace fs = std::filesystem;
using namespace raison::elf;
using raison::test::slurp;
using raison::test::TempDir;

namespace {

struct OpenFile {
  int fd;
  std::uint64_t size;
  explicit OpenFile(const fs::path& path) : fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC)), size(0) {
    REQUIRE_MESSAGE(fd >= 0, path);
    struct stat st;
    REQUIRE(::fstat(fd, &st) == 0);
    size = static_cast<std::uint64_t>(st.st_size);
  }
  ~OpenFile() { ::close(fd); }
  OpenFile(const OpenFile&) = delete;
  OpenFile& operator=(const OpenFile&) = delete;
};

// Bytes in an anonymous file, for readers that only take an fd.
struct MemFile {
  int fd = ::memfd_create("raison-elf-test", MFD_CLOEXEC);
  explicit MemFile(const std::string& bytes) {
    REQUIRE(fd >= 0);
    REQUIRE(::pwrite(fd, bytes.data(), bytes.size(), 0) == static_cast<ssize_t>(bytes.size()));
  }
  ~MemFile() { ::close(fd); }
  MemFile(const MemFile&) = delete;
  MemFile& operator=(const MemFile&) = delete;
};

// Compiles `source` (C) in `dir` with gcc and `flags`; returns the output path. A failure fails the
// case with gcc's message and `needs`, the Debian package the flags need beyond gcc (libc.a for
// -static, the 32-bit libc for -m32).
fs::path compile(const fs::path& dir, const std::string& name, const std::string& source,
                 const std::string& flags, const std::string& needs = "gcc") {
  raison::test::require_tool("/usr/bin/gcc", "gcc");
  std::ofstream(dir / (name + ".c")) << source;
  fs::path out = dir / name;
  auto r = raison::test::run("/usr/bin/gcc -o '" + out.string() + "' '" + (dir / (name + ".c")).string() + "' " +
                             flags + " 2>&1");
  REQUIRE_MESSAGE(r.status == 0, "gcc " << flags << " failed for " << name << " (needs Debian package " << needs
                                        << "; tests/install-deps.sh installs it):\n" << r.out);
  return out;
}

void check_same(const ElfInfo& a, const ElfInfo& b) {
  CHECK(a.elf_class == b.elf_class);
  CHECK(a.data == b.data);
  CHECK(a.osabi == b.osabi);
  CHECK(a.type == b.type);
  CHECK(a.machine == b.machine);
  CHECK(a.has_dynamic == b.has_dynamic);
  CHECK(a.interp == b.interp);
  CHECK(a.needed == b.needed);
  CHECK(a.soname == b.soname);
  CHECK(a.rpath == b.rpath);
  CHECK(a.runpath == b.runpath);
  CHECK(a.flags == b.flags);
  CHECK(a.flags_1 == b.flags_1);
  REQUIRE(a.notes.size() == b.notes.size());
  for (std::size_t i = 0; i < a.notes.size(); ++i) {
    CHECK(a.notes[i].owner == b.notes[i].owner);
    CHECK(a.notes[i].type == b.notes[i].type);
    CHECK(a.notes[i].desc == b.notes[i].desc);
  }
}

// Both readers on `path`, each compared with readelf, and with each other for the notes.
ElfInfo read_both(const fs::path& path) {
  OpenFile f(path);
  auto direct = read_elf_direct(f.fd, f.size);
  auto lief = read_elf_lief(f.fd, f.size);
  REQUIRE(direct.has_value());
  REQUIRE(lief.has_value());
  auto shown = raison::test::readelf({path.string()});
  REQUIRE(shown[path.string()].has_header);
  raison::test::check_as_readelf_shows(path.string(), *direct, shown[path.string()], "direct");
  raison::test::check_as_readelf_shows(path.string(), *lief, shown[path.string()], "LIEF");
  check_same(*direct, *lief);
  return *direct;
}

// A reader may refuse bad bytes with raison::Error; any other exception fails the test, a crash ends it.
template <class Reader>
void must_not_crash(Reader reader, int fd, std::uint64_t size) {
  try {
    (void)reader(fd, size);
  } catch (const raison::Error&) {
  }
}

// An FDO dlopen note (https://systemd.io/ELF_DLOPEN_METADATA/) compiled into an executable, plus a
// non-allocated note section that only the section headers reach.
constexpr const char* kDlopenJson =
    R"([{"feature":"zstd","soname":["libzstd.so.1"],"priority":"recommended"}])";
constexpr std::uint32_t kDlopenType = 0x407c0c0a;

std::string dlopen_desc() {
  std::string desc(kDlopenJson);
  desc.resize((desc.size() + 1 + 3) / 4 * 4, '\0');
  return desc;
}

std::string note_program() {
  std::string json_literal;
  for (char ch : std::string(kDlopenJson))
    json_literal += ch == '"' ? std::string("\\\"") : std::string(1, ch);
  std::ostringstream c;
  c << "#include <stdint.h>\n"
    << "struct note { uint32_t namesz, descsz, type; char name[4]; char desc[" << dlopen_desc().size()
    << "]; };\n"
    << "__attribute__((section(\".note.dlopen\"), used, aligned(4)))\n"
    << "static const struct note dlopen_note = {4, sizeof(dlopen_note.desc), " << kDlopenType
    << "u, \"FDO\", \"" << json_literal << "\"};\n"
    << "__asm__(\".pushsection .note.unallocated,\\\"\\\",@note\\n.balign 4\\n.long 4\\n.long 4\\n"
    << ".long 0x12345678\\n.asciz \\\"FDO\\\"\\n.long 7\\n.popsection\");\n"
    << "int main(void) { return 0; }\n";
  return c.str();
}

}  // namespace

TEST_CASE("elf reader: both readers read this machine's ELF files as GNU readelf does") {
  // Every ELF regular file directly in these directories, sorted, thinned evenly to at most 600.
  std::vector<std::string> all;
  for (const char* dir : {"/usr/bin", "/usr/sbin", "/usr/lib/x86_64-linux-gnu"}) {
    for (const auto& entry : fs::directory_iterator(dir)) {
      if (!entry.is_regular_file() || entry.is_symlink()) continue;
      std::ifstream in(entry.path(), std::ios::binary);
      char magic[4] = {};
      if (in.read(magic, 4) && has_elf_magic(std::string_view(magic, 4))) all.push_back(entry.path().string());
    }
  }
  std::sort(all.begin(), all.end());
  const std::size_t n = std::min<std::size_t>(all.size(), 600);
  std::vector<std::string> sample;
  for (std::size_t i = 0; i < n; ++i) sample.push_back(all[i * all.size() / n]);

  auto shown = raison::test::readelf(sample);
  std::size_t files = 0, rejected = 0, lief_files = 0, fields_direct = 0, fields_lief = 0;
  std::size_t with_interp = 0, with_needed = 0, with_soname = 0, with_flags_1 = 0, with_path = 0;
  for (std::size_t i = 0; i < sample.size(); ++i) {
    const std::string& path = sample[i];
    auto view = shown.find(path);
    if (view == shown.end() || !view->second.has_header) {
      ++rejected;  // readelf printed no ELF header for it
      continue;
    }
    CAPTURE(path);
    OpenFile f(path);
    auto direct = read_elf(f.fd, f.size, raison::ElfReaderKind::Direct);
    REQUIRE(direct.has_value());
    fields_direct += raison::test::check_as_readelf_shows(path, *direct, view->second, "direct");
    // LIEF parses the whole file (the whole sample takes 5 s here): a deterministic third of it.
    if (i % 3 == 0) {
      auto lief = read_elf(f.fd, f.size, raison::ElfReaderKind::Lief);
      REQUIRE(lief.has_value());
      fields_lief += raison::test::check_as_readelf_shows(path, *lief, view->second, "LIEF");
      check_same(*direct, *lief);  // the notes too, which readelf prints only as hex
      ++lief_files;
    }
    ++files;
    with_interp += !direct->interp.empty();
    with_needed += !direct->needed.empty();
    with_soname += !direct->soname.empty();
    with_flags_1 += direct->flags_1 != 0;
    with_path += direct->rpath.has_value() || direct->runpath.has_value();
  }
  MESSAGE(files << " files compared with readelf (" << rejected << " it rejected, of " << all.size()
                << " ELF files found): " << fields_direct << " fields by the direct reader, " << fields_lief
                << " by LIEF on " << lief_files << " files; " << with_interp << " with PT_INTERP, " << with_needed
                << " with DT_NEEDED, " << with_soname << " with DT_SONAME, " << with_flags_1 << " with DT_FLAGS_1, "
                << with_path << " with DT_RPATH or DT_RUNPATH");
  // The comparison is only worth something on a sample that exercised what the loader reads.
  REQUIRE(files >= 300);
  CHECK(with_interp >= 50);
  CHECK(with_needed >= 100);
  CHECK(with_soname >= 50);
  CHECK(with_flags_1 >= 50);
}

TEST_CASE("elf reader: files without the ELF magic are not ELF, for both readers") {
  for (std::string bytes : {std::string(),
                            std::string("\x7f"
                                        "EL"),
                            std::string("#!/bin/sh\necho hi\n"),
                            std::string("\x7f"
                                        "ELG"
                                        "\2\1\1",
                                        7)}) {
    MemFile f(bytes);
    CHECK_FALSE(read_elf_direct(f.fd, bytes.size()).has_value());
    CHECK_FALSE(read_elf_lief(f.fd, bytes.size()).has_value());
    CHECK_FALSE(read_elf(f.fd, bytes.size(), raison::ElfReaderKind::Direct).has_value());
  }
}

TEST_CASE("elf reader: a shared library built with runpath, nodefaultlib, now and soname shows them all") {
  TempDir t;
  fs::path lib = compile(t.dir, "libx.so", "int x(void) { return 1; }\n",
                         "-shared -fPIC -Wl,-rpath,/a:/b -Wl,--enable-new-dtags -Wl,-z,nodefaultlib "
                         "-Wl,-soname,libx.so.1 -Wl,-z,now -Wl,--no-as-needed -lm");
  ElfInfo info = read_both(lib);
  CHECK(info.elf_class == ELFCLASS64);
  CHECK(info.data == ELFDATA2LSB);
  CHECK(info.type == ET_DYN);
  struct utsname uts;
  REQUIRE(::uname(&uts) == 0);
  CHECK(machine_name(info.machine) == uts.machine);
  CHECK(info.has_dynamic);
  CHECK(info.interp.empty());
  CHECK(info.needed == std::vector<std::string>{"libm.so.6", "libc.so.6"});
  CHECK(info.soname == "libx.so.1");
  CHECK(info.runpath == "/a:/b");
  CHECK_FALSE(info.rpath.has_value());
  // GNU ld spells DF_1_NODEFLIB "-z nodefaultlib" (it ignores "-z nodeflib" with a warning).
  CHECK((info.flags_1 & DF_1_NODEFLIB) != 0);
  CHECK((info.flags & DF_BIND_NOW) != 0);
}

TEST_CASE("elf reader: an executable with old-style rpath, bind-now and a dlopen note") {
  TempDir t;
  fs::path exe = compile(t.dir, "prog", note_program(),
                         "-Wl,--disable-new-dtags -Wl,-rpath,'$ORIGIN/../lib' -Wl,-z,now");
  ElfInfo info = read_both(exe);
  CHECK(info.has_dynamic);
  CHECK(info.interp.rfind("/lib", 0) == 0);
  CHECK(info.rpath == "$ORIGIN/../lib");
  CHECK_FALSE(info.runpath.has_value());
  CHECK(info.needed == std::vector<std::string>{"libc.so.6"});
  // A PIE linked with -z now says so in DT_FLAGS_1 only.
  CHECK((info.flags_1 & (DF_1_NOW | DF_1_PIE)) == (DF_1_NOW | DF_1_PIE));
  // The allocated note is in a PT_NOTE segment and a SHT_NOTE section: it is reported once.
  REQUIRE(info.notes.size() >= 1);
  CHECK(info.notes[0].owner == "FDO");
  CHECK(info.notes[0].type == kDlopenType);
  CHECK(info.notes[0].desc == dlopen_desc());
  CHECK(std::count_if(info.notes.begin(), info.notes.end(),
                      [](const Note& n) { return n.type == kDlopenType; }) == 1);
}

TEST_CASE("elf reader: both readers find FDO notes that only a section header reaches") {
  TempDir t;
  fs::path exe = compile(t.dir, "prog", note_program(), "");
  ElfInfo info = read_both(exe);
  REQUIRE(info.notes.size() == 2);
  CHECK(info.notes[0].type == kDlopenType);
  CHECK(info.notes[1].type == 0x12345678);
  CHECK(info.notes[1].desc == std::string("\7\0\0\0", 4));
}

TEST_CASE("elf reader: a statically linked executable has no dynamic section") {
  TempDir t;
  fs::path exe = compile(t.dir, "static", "int main(void) { return 0; }\n", "-static", "libc6-dev");
  ElfInfo info = read_both(exe);
  CHECK_FALSE(info.has_dynamic);
  CHECK(info.interp.empty());
  CHECK(info.needed.empty());
}

TEST_CASE("elf reader: 32-bit files built with gcc -m32") {
  TempDir t;
  fs::path lib = compile(t.dir, "lib32.so", "int x(void) { return 1; }\n",
                         "-m32 -shared -fPIC -Wl,-soname,lib32.so.2 -Wl,-rpath,/r32 -Wl,--enable-new-dtags",
                         "gcc-multilib");
  ElfInfo info = read_both(lib);
  CHECK(info.elf_class == ELFCLASS32);
  CHECK(info.machine == EM_386);
  CHECK(machine_name(info.machine) == "i386");
  CHECK(info.soname == "lib32.so.2");
  CHECK(info.runpath == "/r32");
  fs::path exe = compile(t.dir, "prog32", note_program(), "-m32", "gcc-multilib");
  ElfInfo exe_info = read_both(exe);
  CHECK(exe_info.interp == "/lib/ld-linux.so.2");
  REQUIRE_FALSE(exe_info.notes.empty());
  CHECK(exe_info.notes[0].desc == dlopen_desc());
}

namespace {

// A minimal loadable ELF written byte by byte, in either class and byte order: one PT_LOAD mapping the
// whole file at kBase, PT_INTERP, PT_NOTE (one FDO note with the given descriptor) and PT_DYNAMIC with a
// DT_NEEDED after DT_NULL; no section headers.
constexpr std::uint64_t kBase = 0x10000;

class HandElf {
 public:
  HandElf(bool is64, bool big_endian) : is64_(is64), be_(big_endian) {}

  std::string build(std::uint16_t machine, const std::string& note_desc) {
    const std::size_t ehsize = is64_ ? sizeof(Elf64_Ehdr) : sizeof(Elf32_Ehdr);
    const std::size_t phentsize = is64_ ? sizeof(Elf64_Phdr) : sizeof(Elf32_Phdr);
    const std::size_t phnum = 4;
    f_.assign(ehsize + phnum * phentsize, '\0');

    std::size_t interp = append(std::string("/lib/ld64.so.1\0", 15));
    align(4);
    std::size_t note = f_.size();
    put_u32(4), put_u32(note_desc.size()), put_u32(kDlopenType), append(std::string("FDO\0", 4) + note_desc);
    align(4);
    std::size_t note_size = f_.size() - note;
    const std::string strings("\0libfoo.so.1\0libbar.so\0libme.so\0$ORIGIN/../lib\0", 47);
    std::size_t strtab = append(strings);
    align(8);
    std::size_t dynamic = f_.size();
    auto str = [&](const char* s) { return strings.find(std::string(s) + '\0', 1); };
    for (auto [tag, value] : std::vector<std::pair<std::uint64_t, std::uint64_t>>{
             {DT_NEEDED, str("libfoo.so.1")},
             {DT_STRTAB, kBase + strtab},
             {DT_NEEDED, str("libbar.so")},
             {DT_SONAME, str("libme.so")},
             {DT_RUNPATH, str("$ORIGIN/../lib")},
             {DT_STRSZ, strings.size()},
             {DT_FLAGS_1, DF_1_NODEFLIB},
             {DT_NULL, 0},
             {DT_NEEDED, str("libme.so")}}) {  // after DT_NULL: the loader never sees it
      put_word(tag), put_word(value);
    }
    std::size_t dynamic_size = f_.size() - dynamic;

    // ELF header.
    std::memcpy(&f_[0], ELFMAG, SELFMAG);
    f_[EI_CLASS] = static_cast<char>(is64_ ? ELFCLASS64 : ELFCLASS32);
    f_[EI_DATA] = static_cast<char>(be_ ? ELFDATA2MSB : ELFDATA2LSB);
    f_[EI_VERSION] = EV_CURRENT;
    std::size_t at = EI_NIDENT;
    at = put(at, ET_DYN, 2), at = put(at, machine, 2), at = put(at, EV_CURRENT, 4);
    at = put(at, 0, word()), at = put(at, ehsize, word()), at = put(at, 0, word());  // entry, phoff, shoff
    at = put(at, 0, 4), at = put(at, ehsize, 2), at = put(at, phentsize, 2), at = put(at, phnum, 2);
    at = put(at, is64_ ? sizeof(Elf64_Shdr) : sizeof(Elf32_Shdr), 2), at = put(at, 0, 2), put(at, 0, 2);

    std::size_t ph = ehsize;
    ph = phdr(ph, PT_LOAD, 0, f_.size(), 0x1000);
    ph = phdr(ph, PT_INTERP, interp, 15, 1);
    ph = phdr(ph, PT_NOTE, note, note_size, 4);
    phdr(ph, PT_DYNAMIC, dynamic, dynamic_size, 8);
    return f_;
  }

 private:
  std::size_t word() const { return is64_ ? 8 : 4; }
  std::size_t put(std::size_t at, std::uint64_t v, std::size_t n) {
    for (std::size_t i = 0; i < n; ++i) f_[at + (be_ ? n - 1 - i : i)] = static_cast<char>(v >> (8 * i));
    return at + n;
  }
  void put_u32(std::uint64_t v) { f_.resize(f_.size() + 4), put(f_.size() - 4, v, 4); }
  void put_word(std::uint64_t v) { f_.resize(f_.size() + word()), put(f_.size() - word(), v, word()); }
  std::size_t append(const std::string& bytes) {
    std::size_t at = f_.size();
    f_ += bytes;
    return at;
  }
  void align(std::size_t a) { f_.resize((f_.size() + a - 1) / a * a, '\0'); }
  std::size_t phdr(std::size_t at, std::uint32_t type, std::uint64_t offset, std::uint64_t size,
                   std::uint64_t al) {
    std::uint64_t vaddr = kBase + offset;
    if (is64_) {
      for (auto [v, n] : {std::pair<std::uint64_t, std::size_t>{type, 4},
                          {PF_R, 4},
                          {offset, 8},
                          {vaddr, 8},
                          {vaddr, 8},
                          {size, 8},
                          {size, 8},
                          {al, 8}}) {
        at = put(at, v, n);
      }
    } else {
      for (std::uint64_t v :
           {std::uint64_t{type}, offset, vaddr, vaddr, size, size, std::uint64_t{PF_R}, al}) {
        at = put(at, v, 4);
      }
    }
    return at;
  }

  bool is64_, be_;
  std::string f_;
};

// Program headers of a native little-endian ELF64 built by the test, to aim mutations at what is read.
std::vector<Elf64_Phdr> native_phdrs(const std::string& bytes, Elf64_Ehdr& ehdr) {
  std::memcpy(&ehdr, bytes.data(), sizeof ehdr);
  std::vector<Elf64_Phdr> phdrs(ehdr.e_phnum);
  std::memcpy(phdrs.data(), bytes.data() + ehdr.e_phoff, phdrs.size() * sizeof(Elf64_Phdr));
  return phdrs;
}

}  // namespace

TEST_CASE("elf reader: hand-built big-endian and 32-bit files are read in their byte order") {
  struct Case {
    bool is64, big_endian;
    std::uint16_t machine;
    const char* name;
  };
  for (Case c : {Case{true, true, EM_S390, "s390x"}, Case{true, true, EM_PPC64, "ppc64"},
                 Case{false, true, EM_PPC, "ppc"}, Case{false, false, EM_ARM, "arm"},
                 Case{true, false, EM_RISCV, "riscv64"}}) {
    std::string name = c.name;
    CAPTURE(name);
    std::string bytes = HandElf(c.is64, c.big_endian).build(c.machine, std::string("[{}]\0\0\0\0", 8));
    MemFile f(bytes);
    auto info = read_elf_direct(f.fd, bytes.size());
    REQUIRE(info.has_value());
    CHECK(info->elf_class == (c.is64 ? ELFCLASS64 : ELFCLASS32));
    CHECK(info->data == (c.big_endian ? ELFDATA2MSB : ELFDATA2LSB));
    CHECK(info->type == ET_DYN);
    CHECK(machine_name(info->machine) == c.name);
    CHECK(info->has_dynamic);
    CHECK(info->interp == "/lib/ld64.so.1");
    CHECK(info->needed == std::vector<std::string>{"libfoo.so.1", "libbar.so"});
    CHECK(info->soname == "libme.so");
    CHECK(info->runpath == "$ORIGIN/../lib");
    CHECK_FALSE(info->rpath.has_value());
    CHECK(info->flags_1 == DF_1_NODEFLIB);
    REQUIRE(info->notes.size() == 1);
    CHECK(info->notes[0].type == kDlopenType);
    CHECK(info->notes[0].desc == std::string("[{}]\0\0\0\0", 8));
    // LIEF 0.9 reads big-endian files too (its note descriptors need the swap read_elf_lief undoes).
    auto lief = read_elf_lief(f.fd, bytes.size());
    REQUIRE(lief.has_value());
    check_same(*info, *lief);
    // And readelf reads the same bytes the same way (a DT_NEEDED after DT_NULL included: not shown).
    TempDir t;
    const std::string file = (t.dir / name).string();
    raison::test::spit(file, bytes);
    auto shown = raison::test::readelf({file});
    REQUIRE(shown[file].has_header);
    raison::test::check_as_readelf_shows(file, *info, shown[file], "direct");
    // Every cut of this file loses something the reader needs: an error (or "not ELF"), never garbage.
    for (std::uint64_t cut = 0; cut < bytes.size(); ++cut) {
      CAPTURE(cut);
      if (cut < SELFMAG) {
        CHECK_FALSE(read_elf_direct(f.fd, cut).has_value());
      } else {
        CHECK_THROWS_AS(read_elf_direct(f.fd, cut), raison::Error);
      }
    }
  }
}

TEST_CASE("elf reader: LIEF's garbled tail of a big-endian note descriptor is an error, not data") {
  // The JSON of a real dlopen note is NUL-terminated, so its size is rarely a multiple of 4.
  const std::string desc("[{\"a\":1}]\0", 10);
  std::string bytes = HandElf(true, true).build(EM_S390, desc);
  MemFile f(bytes);
  auto info = read_elf_direct(f.fd, bytes.size());
  REQUIRE(info.has_value());
  REQUIRE(info->notes.size() == 1);
  CHECK(info->notes[0].desc == desc);
  CHECK_THROWS_AS(read_elf_lief(f.fd, bytes.size()), raison::Error);
}

TEST_CASE("elf reader: truncated real files give an error or a result, never a crash") {
  TempDir t;
  fs::path exe = compile(t.dir, "prog", note_program(), "-Wl,-rpath,/x -Wl,--no-as-needed -lm");
  OpenFile f(exe);
  std::string bytes = slurp(exe);
  Elf64_Ehdr ehdr;
  std::vector<Elf64_Phdr> phdrs = native_phdrs(bytes, ehdr);
  std::uint64_t phdrs_end = ehdr.e_phoff + phdrs.size() * sizeof(Elf64_Phdr);

  // Every cut for our reader (cheap); what it must say is known for the header and program headers.
  for (std::uint64_t cut = 0; cut < f.size; ++cut) {
    CAPTURE(cut);
    if (cut < SELFMAG) {
      CHECK_FALSE(read_elf_direct(f.fd, cut).has_value());
    } else if (cut < phdrs_end) {
      CHECK_THROWS_AS(read_elf_direct(f.fd, cut), raison::Error);
    } else {
      must_not_crash(read_elf_direct, f.fd, cut);
    }
  }
  std::string message;
  try {
    (void)read_elf_direct(f.fd, phdrs_end - 1);
  } catch (const raison::Error& e) {
    message = e.what();
  }
  CHECK(message.find("truncated ELF: program headers end at") == 0);

  // LIEF parses the whole file each time: the cuts at and around each region's edges, and a stride.
  std::vector<std::uint64_t> cuts = {SELFMAG, sizeof(Elf64_Ehdr) - 1, phdrs_end - 1, phdrs_end};
  for (const Elf64_Phdr& p : phdrs) {
    for (std::uint64_t c :
         {p.p_offset, p.p_offset + 1, p.p_offset + p.p_filesz / 2, p.p_offset + p.p_filesz - 1}) {
      cuts.push_back(c);
    }
  }
  for (std::uint64_t c = 0; c < f.size; c += 997) cuts.push_back(c);
  for (std::uint64_t cut : cuts) {
    CAPTURE(cut);
    if (cut >= f.size) continue;
    must_not_crash(read_elf_lief, f.fd, cut);
  }
}

TEST_CASE("elf reader: random byte mutations of a small ELF never crash a reader") {
  TempDir t;
  fs::path exe = compile(t.dir, "prog", note_program(), "-Wl,--enable-new-dtags -Wl,-rpath,/x");
  const std::string original = slurp(exe);
  Elf64_Ehdr ehdr;
  std::vector<Elf64_Phdr> phdrs = native_phdrs(original, ehdr);
  // Aim at what the readers read: the first page (headers, interp, notes, dynstr), each segment the
  // readers visit, and the section header table.
  std::vector<std::pair<std::uint64_t, std::uint64_t>> regions = {
      {0, std::min<std::uint64_t>(4096, original.size())}};
  for (const Elf64_Phdr& p : phdrs) {
    if (p.p_type == PT_DYNAMIC || p.p_type == PT_NOTE || p.p_type == PT_INTERP)
      regions.push_back({p.p_offset, p.p_filesz});
  }
  regions.push_back({ehdr.e_shoff, std::uint64_t{ehdr.e_shnum} * ehdr.e_shentsize});
  const std::uint8_t interesting[] = {0x00, 0x01, 0x7f, 0x80, 0xff, 0xfe};

  std::mt19937_64 rng(20240611);
  MemFile f(original);
  int parsed = 0;
  for (int round = 0; round < 2000; ++round) {
    std::string bytes = original;
    int changes = 1 + static_cast<int>(rng() % 4);
    for (int i = 0; i < changes; ++i) {
      auto [start, len] = regions[rng() % regions.size()];
      std::uint64_t pos = start + rng() % std::max<std::uint64_t>(len, 1);
      if (pos >= bytes.size()) continue;
      bytes[pos] = static_cast<char>(rng() % 2 ? interesting[rng() % sizeof interesting] : rng() % 256);
    }
    REQUIRE(::pwrite(f.fd, bytes.data(), bytes.size(), 0) == static_cast<ssize_t>(bytes.size()));
    CAPTURE(round);
    try {
      parsed += read_elf_direct(f.fd, bytes.size()).has_value();
    } catch (const raison::Error&) {
    }
    must_not_crash(read_elf_lief, f.fd, bytes.size());
  }
  // Most single-byte changes leave a readable file: the test is not just exercising the magic check.
  CHECK(parsed > 1000);
}

TEST_CASE("elf reader: .rodata strings that read as module names, as a compiled Python module holds them") {
  TempDir t;
  // Names the way the C API takes them (PyImport_ImportModule("...")), and strings that name nothing.
  fs::path lib = compile(t.dir, "libmod.so", R"(
    const char* names[] = {"lxml._elementpath", "_cffi_backend", "json", "not a module", "x.y.", ".x", "9lives",
                           "a..b", "%s.%s"};
    const char* pick(int i) { return names[i]; }
  )", "-shared -fPIC -O0");
  OpenFile f(lib);
  std::vector<std::string> ids = raison::elf::read_rodata_identifiers(f.fd, f.size);
  auto has = [&](const std::string& s) { return std::find(ids.begin(), ids.end(), s) != ids.end(); };
  CHECK(has("lxml._elementpath"));
  CHECK(has("_cffi_backend"));
  CHECK(has("json"));
  for (const char* s : {"not a module", "x.y.", ".x", "9lives", "a..b", "%s.%s"}) CHECK_MESSAGE(!has(s), s);
  CHECK(std::is_sorted(ids.begin(), ids.end()));
  // The oracle for a real module: what binutils' readelf -p .rodata prints includes every name we give.
  raison::test::require_tool("/usr/bin/readelf", "binutils");
  const fs::path json = "/usr/lib/python3.11/lib-dynload/_json.cpython-311-x86_64-linux-gnu.so";
  REQUIRE_MESSAGE(fs::exists(json), "needs " << json << " (Debian package libpython3.11-stdlib; tests/install-deps.sh installs python3)");
  OpenFile j(json);
  std::vector<std::string> real = raison::elf::read_rodata_identifiers(j.fd, j.size);
  CHECK(std::find(real.begin(), real.end(), "json.decoder") != real.end());
  std::string dump = raison::test::run("/usr/bin/readelf -p .rodata '" + json.string() + "'").out;
  for (const auto& s : real) CHECK_MESSAGE(dump.find(s) != std::string::npos, s);
  // Not ELF: nothing.
  MemFile text("just text, no ELF here");
  CHECK(raison::elf::read_rodata_identifiers(text.fd, 22).empty());
}

TEST_CASE("elf reader: a section declared past the end of the file is refused before LIEF sees it") {
  // LIEF 0.9 would grow its copy of the file to the section's end (fuzz_elf_lief: 15 KiB asked 2 GiB).
  TempDir t;
  fs::path exe = compile(t.dir, "prog", note_program(), "");
  std::string bytes = slurp(exe);
  Elf64_Ehdr ehdr;
  std::memcpy(&ehdr, bytes.data(), sizeof ehdr);
  REQUIRE(ehdr.e_shnum > 2);
  for (unsigned i = 1; i < ehdr.e_shnum; ++i) {
    Elf64_Shdr sh;
    const std::size_t at = ehdr.e_shoff + i * sizeof sh;
    std::memcpy(&sh, bytes.data() + at, sizeof sh);
    if (sh.sh_type == SHT_NOBITS || sh.sh_size == 0) continue;
    sh.sh_offset = std::uint64_t{1} << 31;
    std::memcpy(bytes.data() + at, &sh, sizeof sh);
    break;
  }
  MemFile f(bytes);
  std::string message;
  try {
    (void)read_elf_lief(f.fd, bytes.size());
  } catch (const raison::Error& e) {
    message = e.what();
  }
  CHECK(message.find("extends past the end of the file") != std::string::npos);
  CHECK(read_elf_direct(f.fd, bytes.size()).has_value());  // the loader reads no section
}

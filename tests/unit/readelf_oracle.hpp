// GNU readelf as the oracle of the ELF readers: `readelf -h -l -d -W` run on files, its text parsed
// back into ElfInfo's fields (the header, PT_INTERP, PT_DYNAMIC and the dynamic entries the loader
// reads). Names readelf prints are mapped to numbers by tables written from <elf.h>; a name not in a
// table fails the case, so the oracle never guesses.
#pragma once

#include <doctest/doctest.h>
#include <elf.h>

#include <cstdint>
#include <filesystem>
#include <map>
#include <optional>
#include <sstream>
#include <string>
#include <type_traits>
#include <vector>

#include "analyzers/elf/elf_file.hpp"
#include "test_util.hpp"

namespace raison::test {

inline const std::string kReadelf = "/usr/bin/readelf";

namespace readelf_detail {

inline std::string after_colon(const std::string& line) {
  std::size_t at = line.find(':');
  std::size_t from = line.find_first_not_of(' ', at + 1);
  return from == std::string::npos ? "" : line.substr(from);
}

// "[text]" at the end of a dynamic entry line: from the first '[' to the last ']'.
inline std::string bracketed(const std::string& line) {
  std::size_t open = line.find('['), close = line.rfind(']');
  return open == std::string::npos || close == std::string::npos || close < open ? ""
                                                                                  : line.substr(open + 1, close - open - 1);
}

// DT_FLAGS or DT_FLAGS_1 from readelf's words ("BIND_NOW", "Flags: NOW PIE"); hex for bits it has no
// name for. Returns nullopt (and says which word) for a word the table lacks.
inline std::optional<std::uint64_t> flag_bits(const std::string& words, const std::map<std::string, std::uint64_t>& names,
                                              std::string* unknown) {
  std::uint64_t bits = 0;
  std::istringstream in(words);
  for (std::string w; in >> w;) {
    if (w == "Flags:") continue;
    if (w.rfind("0x", 0) == 0) {
      bits |= std::stoull(w, nullptr, 16);
    } else if (auto it = names.find(w); it != names.end()) {
      bits |= it->second;
    } else {
      *unknown = w;
      return std::nullopt;
    }
  }
  return bits;
}

// Values as text, so that a difference shows both sides.
inline std::string text(const std::string& s) { return "\"" + s + "\""; }
inline std::string text(const std::optional<std::string>& s) { return s ? text(*s) : "none"; }
inline std::string text(const std::vector<std::string>& v) {
  std::string t;
  for (const auto& s : v) t += (t.empty() ? "" : " ") + text(s);
  return "[" + t + "]";
}
template <class T>
  requires std::is_integral_v<T>
std::string text(T n) {
  if constexpr (std::is_same_v<T, bool>) return n ? "true" : "false";
  std::ostringstream o;
  o << "0x" << std::hex << std::uint64_t(n);
  return o.str();
}

}  // namespace readelf_detail

// One file as readelf saw it; `problem` is set when its text held something the tables lack.
struct ReadelfView {
  elf::ElfInfo info;
  bool has_header = false;  // false: readelf rejected the file (printed no ELF header)
  std::string problem;
};

// Parses the output of `readelf -h -l -d -W FILE...`. With one file readelf prints no "File:" line,
// so `files` names the files in the order given.
inline std::map<std::string, ReadelfView> parse_readelf(const std::string& text, const std::vector<std::string>& files) {
  using namespace readelf_detail;
  static const std::map<std::string, std::uint16_t> machines = {
      {"Advanced Micro Devices X86-64", EM_X86_64}, {"Intel 80386", EM_386}, {"AArch64", EM_AARCH64},
      {"ARM", EM_ARM}, {"IBM S/390", EM_S390}, {"PowerPC", EM_PPC}, {"PowerPC64", EM_PPC64},
      {"RISC-V", EM_RISCV}};
  static const std::map<std::string, std::uint8_t> osabis = {{"UNIX - System V", ELFOSABI_SYSV},
                                                             {"UNIX - GNU", ELFOSABI_GNU}};
  static const std::map<std::string, std::uint16_t> types = {
      {"NONE", ET_NONE}, {"REL", ET_REL}, {"EXEC", ET_EXEC}, {"DYN", ET_DYN}, {"CORE", ET_CORE}};
  static const std::map<std::string, std::uint64_t> flags = {
      {"ORIGIN", DF_ORIGIN}, {"SYMBOLIC", DF_SYMBOLIC}, {"TEXTREL", DF_TEXTREL}, {"BIND_NOW", DF_BIND_NOW},
      {"STATIC_TLS", DF_STATIC_TLS}};
  static const std::map<std::string, std::uint64_t> flags_1 = {
      {"NOW", DF_1_NOW}, {"GLOBAL", DF_1_GLOBAL}, {"GROUP", DF_1_GROUP}, {"NODELETE", DF_1_NODELETE},
      {"LOADFLTR", DF_1_LOADFLTR}, {"INITFIRST", DF_1_INITFIRST}, {"NOOPEN", DF_1_NOOPEN},
      {"ORIGIN", DF_1_ORIGIN}, {"DIRECT", DF_1_DIRECT}, {"TRANS", DF_1_TRANS}, {"INTERPOSE", DF_1_INTERPOSE},
      {"NODEFLIB", DF_1_NODEFLIB}, {"NODUMP", DF_1_NODUMP}, {"CONFALT", DF_1_CONFALT},
      {"ENDFILTEE", DF_1_ENDFILTEE}, {"DISPRELDNE", DF_1_DISPRELDNE}, {"DISPRELPND", DF_1_DISPRELPND},
      {"NODIRECT", DF_1_NODIRECT}, {"IGNMULDEF", DF_1_IGNMULDEF}, {"NOKSYMS", DF_1_NOKSYMS},
      {"NOHDR", DF_1_NOHDR}, {"EDITED", DF_1_EDITED}, {"NORELOC", DF_1_NORELOC},
      {"SYMINTPOSE", DF_1_SYMINTPOSE}, {"GLOBAUDIT", DF_1_GLOBAUDIT}, {"SINGLETON", DF_1_SINGLETON},
      {"STUB", DF_1_STUB}, {"PIE", DF_1_PIE}, {"KMOD", DF_1_KMOD}, {"WEAKFILTER", DF_1_WEAKFILTER},
      {"NOCOMMON", DF_1_NOCOMMON}};

  std::map<std::string, ReadelfView> out;
  ReadelfView* cur = files.size() == 1 ? &out[files[0]] : nullptr;
  bool in_phdrs = false;
  std::istringstream in(text);
  auto lookup = [&](const auto& table, const std::string& name, const char* what, auto& field) {
    if (auto it = table.find(name); it != table.end()) {
      field = it->second;
    } else if (cur->problem.empty()) {
      cur->problem = std::string("readelf's ") + what + " \"" + name + "\" is not in the test's table";
    }
  };
  for (std::string line; std::getline(in, line);) {
    if (line.rfind("File: ", 0) == 0) {
      cur = &out[line.substr(6)];
      in_phdrs = false;
      continue;
    }
    if (cur == nullptr) continue;
    elf::ElfInfo& e = cur->info;
    if (line.rfind("  Class:", 0) == 0) {
      cur->has_header = true;
      std::string v = after_colon(line);
      e.elf_class = v == "ELF64" ? ELFCLASS64 : v == "ELF32" ? ELFCLASS32 : ELFCLASSNONE;
    } else if (line.rfind("  Data:", 0) == 0) {
      std::string v = after_colon(line);
      e.data = v.find("little endian") != std::string::npos ? ELFDATA2LSB
               : v.find("big endian") != std::string::npos  ? ELFDATA2MSB
                                                             : ELFDATANONE;
    } else if (line.rfind("  OS/ABI:", 0) == 0) {
      lookup(osabis, after_colon(line), "OS/ABI", e.osabi);
    } else if (line.rfind("  Type:", 0) == 0) {
      std::string v = after_colon(line);
      lookup(types, v.substr(0, v.find(' ')), "type", e.type);
    } else if (line.rfind("  Machine:", 0) == 0) {
      lookup(machines, after_colon(line), "machine", e.machine);
    } else if (line.rfind("Program Headers:", 0) == 0) {
      in_phdrs = true;
    } else if (line.empty()) {
      in_phdrs = false;
    } else if (in_phdrs && line.rfind("  DYNAMIC ", 0) == 0) {
      e.has_dynamic = true;
    } else if (line.find("[Requesting program interpreter: ") != std::string::npos) {
      std::string v = line.substr(line.find(": ") + 2);
      e.interp = v.substr(0, v.rfind(']'));
    } else if (line.rfind(" 0x", 0) == 0 && line.find(" (") != std::string::npos) {
      // " 0x0000000000000001 (NEEDED)             Shared library: [libc.so.6]"
      std::size_t open = line.find(" ("), close = line.find(')', open);
      std::string tag = line.substr(open + 2, close - open - 2);
      std::size_t from = line.find_first_not_of(' ', close + 1);
      std::string value = from == std::string::npos ? "" : line.substr(from);  // " (BIND_NOW)" has none
      std::string unknown;
      if (tag == "NEEDED") {
        e.needed.push_back(bracketed(value));
      } else if (tag == "SONAME") {
        e.soname = bracketed(value);
      } else if (tag == "RPATH") {
        e.rpath = bracketed(value);
      } else if (tag == "RUNPATH") {
        e.runpath = bracketed(value);
      } else if (tag == "FLAGS" || tag == "FLAGS_1") {
        auto bits = flag_bits(value, tag == "FLAGS" ? flags : flags_1, &unknown);
        if (bits) (tag == "FLAGS" ? e.flags : e.flags_1) = *bits;
        else if (cur->problem.empty()) cur->problem = "readelf's " + tag + " word \"" + unknown + "\" is not in the test's table";
      }
    }
  }
  return out;
}

// readelf's view of each of `files`, in batches of 100 per run.
inline std::map<std::string, ReadelfView> readelf(const std::vector<std::string>& files) {
  require_tool(kReadelf, "binutils");
  std::map<std::string, ReadelfView> all;
  for (std::size_t i = 0; i < files.size(); i += 100) {
    std::vector<std::string> batch(files.begin() + long(i), files.begin() + long(std::min(files.size(), i + 100)));
    std::string cmd = kReadelf + " -h -l -d -W";
    for (const auto& f : batch) cmd += " '" + f + "'";
    // readelf exits 1 when it rejects a file of the batch; the others are still printed.
    auto views = parse_readelf(run(cmd + " 2>/dev/null").out, batch);
    all.merge(views);
  }
  return all;
}

// The fields readelf shows, compared one by one; returns how many were compared. Notes are not among
// them (readelf -n prints FDO descriptors as hex, which the fixture cases check by content instead).
inline int check_as_readelf_shows(const std::string& file, const elf::ElfInfo& ours, const ReadelfView& theirs,
                                  const char* reader) {
  INFO(reader, " reader on ", file);
  REQUIRE_MESSAGE(theirs.problem.empty(), theirs.problem);
  const elf::ElfInfo& r = theirs.info;
  int fields = 0;
  auto same = [&](const auto& a, const auto& b, const char* field) {
    ++fields;
    CHECK_MESSAGE(readelf_detail::text(a) == readelf_detail::text(b), field);
  };
  same(ours.elf_class, r.elf_class, "class");
  same(ours.data, r.data, "data");
  same(ours.osabi, r.osabi, "OS/ABI");
  same(ours.machine, r.machine, "machine");
  same(ours.type, r.type, "type");
  same(ours.has_dynamic, r.has_dynamic, "has PT_DYNAMIC");
  same(ours.interp, r.interp, "PT_INTERP");
  same(ours.needed, r.needed, "DT_NEEDED in order");
  same(ours.soname, r.soname, "DT_SONAME");
  same(ours.rpath, r.rpath, "DT_RPATH");
  same(ours.runpath, r.runpath, "DT_RUNPATH");
  same(ours.flags, r.flags, "DT_FLAGS");
  same(ours.flags_1, r.flags_1, "DT_FLAGS_1");
  return fields;
}

}  // namespace raison::test

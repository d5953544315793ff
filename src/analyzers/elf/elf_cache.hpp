// Parsed ELF files by identity (device, inode): each file is read once per analysis however many
// objects, analyzers and names need it. The only way the analyzers read ELF files.
#pragma once

#include <map>
#include <memory>
#include <optional>

#include "analysis/analyzer.hpp"
#include "analyzers/elf/elf_file.hpp"
#include "util/ahead.hpp"

namespace raison::elf {

class ElfCache {
 public:
  // With the LIEF reader, loads it now (lief_reader): a missing module is one error before the
  // analysis, not one per file.
  explicit ElfCache(ElfReaderKind reader);
  // The ElfInfo of the regular file at `canonical`, or nullptr if it is not ELF. A file that cannot be
  // read or is malformed is diagnosed once (Unreadable) and is nullptr from then on.
  const ElfInfo* get(Context& ctx, const std::string& canonical, const Stat& stat);
  // The same for a vertex of the graph (nullptr if it is not a regular file).
  const ElfInfo* get(Context& ctx, Graph::Vertex v);
  // The dotted identifiers among the .rodata strings of the ELF file at v (read_rodata_identifiers),
  // read once; empty when it cannot be read (diagnosed once).
  const std::vector<std::string>& rodata_identifiers(Context& ctx, Graph::Vertex v);
  // The regular file at `canonical` will probably be asked for: with the direct reader, a worker on
  // a second core reads it meanwhile (util/ahead.hpp), unless it is read already or known not to be
  // ELF. The answer get() gives is the same.
  void hint(Context& ctx, const std::string& canonical, const Stat& stat);

 private:
  ElfReaderKind reader_;
  std::unique_ptr<Ahead<std::optional<ElfInfo>>> ahead_;  // made at the first hint
  std::map<FileId, std::unique_ptr<ElfInfo>> cache_;  // nullptr: not ELF or unreadable
  std::map<FileId, std::vector<std::string>> identifiers_;
};

}  // namespace raison::elf

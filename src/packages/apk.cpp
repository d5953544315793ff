// apk's database of installed packages (/lib/apk/db/installed), in the format apk-tools documents
// (apk-spec "Installed Database V2"): blank-line separated blocks of "K:value" lines; P: the name, V: the
// version, A: the architecture, F: a directory (relative to /), each R: a file in the last F:, with
// a:/M: (owners, mode) and Z: (checksum) lines following their F: or R:.
#include "packages/control.hpp"
#include "packages/readers.hpp"
#include "raison/error.hpp"
#include "util/text.hpp"

namespace raison::packages {

namespace {

constexpr std::size_t kLimit = 256u << 20;

}  // namespace

void read_apk(const Root& root, const std::string& distro, PackageIndex& index) {
  const Resolved db = root.resolve(kApkInstalled);
  if (!db.exists || db.stat.type != FileType::Regular) return;
  for (const auto& block : split_paragraphs(read_file(root, db.path, kLimit))) {
    Package p{.ecosystem = "apk", .name = {}, .version = {}, .arch = {}, .database = db.path, .distro = distro};
    std::vector<std::string> paths;
    std::string dir;
    std::size_t n = block.line;
    for (const auto& line : split_lines(block.text)) {
      if (line.size() < 2 || line[1] != ':')
        throw Error(db.path + ": line " + std::to_string(n) + ": not a \"K:value\" line");
      const std::string value = line.substr(2);
      switch (line[0]) {
        case 'P': p.name = value; break;
        case 'V': p.version = value; break;
        case 'A': p.arch = value; break;
        case 'F':
          dir = "/" + value;
          paths.push_back(dir);
          break;
        case 'R': paths.push_back(join_path(dir.empty() ? "/" : dir, value)); break;
        default: break;
      }
      ++n;
    }
    if (p.name.empty()) throw Error(db.path + ": line " + std::to_string(block.line) + ": a package without P:");
    const std::size_t pkg = index.add_package(std::move(p));
    for (const auto& path : paths) index.add_path(pkg, locate_listed(root, path, path));
  }
}

}  // namespace raison::packages

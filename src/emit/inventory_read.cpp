// A manifest as `diff` compares it: every path it lists but directories, with the size and sha256 it
// recorded, a hardlink as another name of the file it links to, and the reasons of each path.
#include "raison/diff.hpp"
#include "raison/emit.hpp"
#include "raison/error.hpp"

namespace raison {

Inventory inventory_of_manifest(const nlohmann::json& m, const std::string& name) {
  Inventory inv{.name = name, .is_manifest = true};
  std::map<std::string, std::string> hashes;  // regular file path -> sha256
  try {
    for (const auto& f : m.at("files")) {
      const std::string path = f.at("path").get<std::string>();
      const std::string type = f.value("type", std::string());
      if (type == "dir") continue;
      InventoryEntry e{.file = path};
      if (type == "hardlink") {
        const std::string to = f.at("link_to").get<std::string>();
        auto it = inv.paths.find(to);
        if (it == inv.paths.end()) throw Error(path + ": hardlink to " + to + ", which is not listed before it");
        e = it->second;
        e.reasons.clear();
        hashes[path] = hashes[to];
      } else {
        e.type = type == "file" ? FileType::Regular : type == "symlink" ? FileType::Symlink : FileType::Other;
        if (f.value("generated", false)) e.type = FileType::Regular;
        if (e.type == FileType::Regular) {
          e.size = f.at("size").get<std::uint64_t>();
          e.sha256 = f.value("sha256", std::string());  // absent: equal sizes count as the same content
          hashes[path] = e.sha256;
        }
        if (e.type == FileType::Symlink) e.target = f.value("target", std::string());
      }
      e.package = manifest_package_label(f);
      for (const auto& r : f.value("reasons", nlohmann::json::array())) {
        auto kind = reason_kind_from_string(r.at("kind").get<std::string>());
        if (!kind) throw Error(path + ": unknown reason kind " + r.at("kind").dump());
        e.reasons.push_back({.kind = *kind, .analyzer = r.at("analyzer").get<std::string>(), .from = r.at("from").get<std::string>(),
                             .detail = r.at("detail").get<std::string>()});
      }
      inv.paths[path] = std::move(e);
    }
  } catch (const nlohmann::json::exception& e) {
    throw Error(std::string("malformed manifest: ") + e.what());
  }
  inv.content_hash = [hashes = std::move(hashes)](const std::string& path) {
    auto it = hashes.find(path);
    return it == hashes.end() ? std::string() : it->second;
  };
  return inv;
}

}  // namespace raison

// Reading a manifest back (`why MANIFEST PATH`, `verify`): the file checked against the schema the
// writer (manifest.cpp) follows, every problem one raison::Error naming the file, and the graph its
// reasons describe. A manifest is user input: no JSON library exception leaves this file.
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cctype>

#include "raison/emit.hpp"
#include "raison/error.hpp"
#include "util/fd.hpp"

namespace raison {

namespace {

using nlohmann::json;

std::string read_host_file(const std::string& path) {
  Fd f{::open(path.c_str(), O_RDONLY | O_CLOEXEC)};
  if (!f.valid()) throw_errno(path + ": cannot be read");
  struct stat st;
  if (::fstat(f.get(), &st) != 0) throw_errno(path + ": cannot be read");
  if (!S_ISREG(st.st_mode)) throw Error(path + ": cannot be read: not a regular file");
  std::string text;
  char buf[1 << 16];
  for (;;) {
    const ssize_t n = ::read(f.get(), buf, sizeof buf);
    if (n < 0) throw_errno(path + ": cannot be read");
    if (n == 0) return text;
    text.append(buf, std::size_t(n));
  }
}

bool is_string_array(const json& v) {
  if (!v.is_array()) return false;
  for (const auto& e : v)
    if (!e.is_string()) return false;
  return true;
}

// The member `key` of the manifest, which must satisfy `ok`; else the error says which.
const json& member(const json& m, const char* key, bool (*ok)(const json&), const char* what) {
  auto it = m.find(key);
  if (it == m.end()) throw Error(std::string("malformed manifest: no \"") + key + "\"");
  if (!ok(*it)) throw Error(std::string("malformed manifest: \"") + key + "\" is not " + what);
  return *it;
}

Manifest parse_manifest(const std::string& file, const std::string& text) {
  Manifest m{.file = file, .json = json::parse(text, nullptr, /*allow_exceptions=*/false)};
  if (m.json.is_discarded()) throw Error("not JSON");
  if (!m.json.is_object() || m.json.value("schema", json()) != "raison-manifest/1")
    throw Error("not a raison manifest (no \"schema\": \"raison-manifest/1\")");
  const auto is_string = [](const json& v) { return v.is_string(); };
  const auto is_array = [](const json& v) { return v.is_array(); };
  const auto is_string_map = [](const json& v) {
    if (!v.is_object()) return false;
    for (const auto& [k, val] : v.items())
      if (!val.is_string()) return false;
    return true;
  };
  member(m.json, "files", is_array, "an array");
  m.options.seeds = member(m.json, "seeds", is_string_array, "an array of strings").get<std::vector<std::string>>();
  for (const auto& a : member(m.json, "analyzers", is_string_array, "an array of strings"))
    m.options.analyzers.insert(a.get<std::string>());
  m.options.env = member(m.json, "env", is_string_map, "an object of strings").get<std::map<std::string, std::string>>();
  // Manifests of roots that cannot be opened again (a stream) have no "source".
  if (m.json.contains("source")) m.source = member(m.json, "source", is_string, "a string").get<std::string>();
  return m;
}

}  // namespace

Manifest read_manifest(const std::string& path) {
  const std::string text = read_host_file(path);
  try {
    return parse_manifest(path, text);
  } catch (const Error& e) {
    throw e.context(path);
  }
}

bool looks_like_manifest(const std::string& path) {
  struct stat st;
  if (::stat(path.c_str(), &st) != 0 || !S_ISREG(st.st_mode)) return false;
  Fd f{::open(path.c_str(), O_RDONLY | O_CLOEXEC)};
  if (!f.valid()) return false;
  char c;
  while (::read(f.get(), &c, 1) == 1)
    if (!std::isspace(static_cast<unsigned char>(c))) return c == '{';
  return false;
}

Graph graph_from_manifest(const json& m) {
  if (!m.is_object() || m.value("schema", json()) != "raison-manifest/1" || !m.contains("files") || !m["files"].is_array())
    throw Error("not a raison manifest (no \"schema\": \"raison-manifest/1\")");
  Graph g;
  std::uint64_t next = 1;  // manifests carry no inodes: each file is a number of its own
  auto vertex = [&](const std::string& path) {
    if (auto v = g.find(path)) return *v;
    return g.add_file(path, Stat{.id = {.dev = 0, .ino = next++}}).first;
  };
  try {
    // First every file with what it is (type and size, for `cost`); a hardlink is another name of the
    // file it links to (listed before it), so that its bytes count once.
    for (const auto& f : m["files"]) {
      const std::string path = f.at("path").get<std::string>();
      const std::string type = f.value("type", std::string());
      if (type == "hardlink") {
        if (auto to = g.find(f.at("link_to").get<std::string>())) {
          g.add_file(path, g.node(*to).stat);
          continue;
        }
      }
      Stat st{.id = {.dev = 0, .ino = next++}};
      st.type = type == "file" ? FileType::Regular : type == "dir" ? FileType::Directory : type == "symlink" ? FileType::Symlink : FileType::Other;
      if (f.contains("size")) st.size = f.at("size").get<std::uint64_t>();
      if (f.value("generated", false)) st.type = FileType::Regular;  // made by raison: a regular file in outputs
      g.add_file(path, st);
    }
    // Then the reasons, which name the file they came from.
    for (const auto& f : m["files"]) {
      const std::string path = f.at("path").get<std::string>();
      Graph::Vertex v = vertex(path);
      for (const auto& r : f.at("reasons")) {
        auto kind = reason_kind_from_string(r.at("kind").get<std::string>());
        if (!kind) throw Error(path + ": unknown reason kind " + r.at("kind").dump());
        Reason reason{.kind = *kind,
                      .analyzer = r.at("analyzer").get<std::string>(),
                      .from = r.at("from").get<std::string>(),
                      .detail = r.at("detail").get<std::string>()};
        Graph::Vertex from = reason.from.empty() ? g.source() : vertex(reason.from);
        g.add_edge(from, v, std::move(reason));
      }
    }
  } catch (const json::exception& e) {
    throw Error(std::string("malformed manifest: ") + e.what());
  }
  return g;
}

Graph graph_from_manifest(const Manifest& manifest) {
  try {
    return graph_from_manifest(manifest.json);
  } catch (const Error& e) {
    throw e.context(manifest.file);
  }
}

std::string manifest_package_label(const nlohmann::json& file) {
  if (!file.is_object()) return "";
  std::string label;
  if (auto it = file.find("packages"); it != file.end() && it->is_array())
    for (const auto& p : *it)
      if (p.is_object() && p.contains("name") && p["name"].is_string())
        label += (label.empty() ? "" : ",") + p["name"].get<std::string>();
  if (label.empty())
    if (auto it = file.find("package"); it != file.end() && it->is_string()) label = it->get<std::string>();
  return label;
}

bool manifest_records_packages(const nlohmann::json& manifest) {
  return manifest.is_object() && manifest.contains("packages") && manifest["packages"].is_array();
}

}  // namespace raison
